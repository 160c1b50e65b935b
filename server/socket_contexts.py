"""The request context of a socket event: no cookie session opened, no URL adapter built for each one.

Why: Flask-SocketIO runs every socket event inside ``app.request_context(environ)``, with the
environ of the socket's handshake, and Flask opens the cookie session when it pushes that
context (parsing the Cookie header, checking its signature). With ``manage_session`` (the
default) Flask-SocketIO then replaces that session by its own copy, made at the socket's first
event and kept in the environ (``saved_session``): the session opened for each later event is
thrown away unread. Spiegel's socket handlers read no cookie session at all (a socket signs in
by its token), and this was a few percent of a note (bench/RESULTS.md, session 13). Each
context also builds a URL adapter (``url_map.bind_to_environ``) and matches the handshake's URL
against every route, for the same environ every time: the same adapter, the same answer.

How: :class:`SpiegelFlask` makes the context of an environ that has Flask-SocketIO's saved
session a :class:`SocketContext`, which starts from that session, so Flask opens none; the
socket's first event (``connect``) opens it as before, once per socket. What a handler sees as
``flask.session`` is the same object either way. The URL adapter and the match are kept in the
socket's environ from its second event on (a MapAdapter only reads its binding; each event gets
its own copy of the view arguments); with ``TRUSTED_HOSTS`` set, Flask builds the adapter each
time, as its host check lives there. HTTP requests are untouched.
"""

from __future__ import annotations

from flask import Flask, Request
from flask.ctx import RequestContext
from werkzeug.routing import MapAdapter

#: Where Flask-SocketIO keeps a socket's session copy in the socket's environ (``_handle_event``).
SAVED_SESSION = "saved_session"
#: Where a socket's URL adapter and its URL's match are kept, in the socket's environ.
URL_ADAPTER, URL_MATCH = "spiegel.url_adapter", "spiegel.url_match"


class SocketContext(RequestContext):
    """A socket event's request context, starting from the socket's saved session and its kept match."""

    def __init__(self, app: Flask, environ: dict) -> None:
        super().__init__(app, environ, session=environ[SAVED_SESSION])

    def match_request(self) -> None:
        """The handshake URL's match, made once per socket (the rule, the view arguments, or the
        refusal: a socket's URL is no route's)."""
        request = self.request
        kept = request.environ.get(URL_MATCH)
        if kept is None:
            super().match_request()
            request.environ[URL_MATCH] = (request.url_rule, request.view_args, request.routing_exception)
            return
        rule, args, refusal = kept
        request.url_rule, request.view_args = rule, dict(args) if args is not None else None
        request.routing_exception = refusal


class SpiegelFlask(Flask):
    """Flask, with a socket event's request context made by :class:`SocketContext` and its URL
    adapter kept for the socket."""

    def request_context(self, environ: dict) -> RequestContext:
        if SAVED_SESSION in environ:
            return SocketContext(self, environ)
        return super().request_context(environ)

    def create_url_adapter(self, request: Request | None) -> MapAdapter | None:
        """A socket's adapter, built at its second event and kept in its environ; else Flask's."""
        if request is None or SAVED_SESSION not in request.environ or self.config["TRUSTED_HOSTS"] is not None:
            return super().create_url_adapter(request)
        kept = request.environ.get(URL_ADAPTER)
        if kept is None:
            kept = request.environ[URL_ADAPTER] = super().create_url_adapter(request)
        return kept
