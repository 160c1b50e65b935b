"""The client pages, shipped inside the server package as ``spiegel.clients``.

No Python lives here: the folders (listener/, moderator/, shared/) are static files that
server/web.py serves. This file only makes the folder a package, so a wheel carries the pages
and the server finds them where pip put them.
"""
