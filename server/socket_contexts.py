"""The request context of a socket event: no cookie session opened for each one.

Why: Flask-SocketIO runs every socket event inside ``app.request_context(environ)``, with the
environ of the socket's handshake, and Flask opens the cookie session when it pushes that
context (parsing the Cookie header, checking its signature). With ``manage_session`` (the
default) Flask-SocketIO then replaces that session by its own copy, made at the socket's first
event and kept in the environ (``saved_session``): the session opened for each later event is
thrown away unread. Spiegel's socket handlers read no cookie session at all (a socket signs in
by its token), and this was a few percent of a note (bench/RESULTS.md, session 13).

How: :class:`SpiegelFlask` makes the context of an environ that has Flask-SocketIO's saved
session a :class:`SocketContext`, which starts from that session, so Flask opens none; the
socket's first event (``connect``) opens it as before, once per socket. What a handler sees as
``flask.session`` is the same object either way. HTTP requests are untouched.
"""

from __future__ import annotations

from flask import Flask
from flask.ctx import RequestContext

#: Where Flask-SocketIO keeps a socket's session copy in the socket's environ (``_handle_event``).
SAVED_SESSION = "saved_session"


class SocketContext(RequestContext):
    """A socket event's request context, starting from the socket's saved session."""

    def __init__(self, app: Flask, environ: dict) -> None:
        super().__init__(app, environ, session=environ[SAVED_SESSION])


class SpiegelFlask(Flask):
    """Flask, with a socket event's request context made by :class:`SocketContext`."""

    def request_context(self, environ: dict) -> RequestContext:
        if SAVED_SESSION in environ:
            return SocketContext(self, environ)
        return super().request_context(environ)
