"""Around the WSGI app: trusted proxies, security headers on Socket.IO's own answers, and no
client bytes in Werkzeug's log.

Flask's ``after_request`` never sees what the Socket.IO middleware answers itself (polling
requests), so those get their headers here. Werkzeug (threading mode) logs an unparsable
request line, such as the bytes of a client's closing websocket frame, verbatim; whatever a
client sends must not reach the log, so such lines are dropped.
"""

from __future__ import annotations

import logging
import re

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

SECURITY_HEADERS = (("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer"),
                    ("X-Frame-Options", "DENY"), ("Cache-Control", "no-store"))
_REQUEST_LINE = re.compile(r"^[A-Z]{3,8} /\S* HTTP/\d(\.\d)?$")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def install(app: Flask, trusted_proxies: int) -> None:
    """Wrap ``app.wsgi_app`` (after Socket.IO's middleware is in place) and filter Werkzeug's log."""
    app.wsgi_app = secure_headers(app.wsgi_app)
    if trusted_proxies > 0:  # outermost, so Socket.IO sees the client's address too
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=trusted_proxies, x_proto=trusted_proxies,
                                x_host=trusted_proxies)
    werkzeug = logging.getLogger("werkzeug")
    if not any(isinstance(f, NoRawRequestLines) for f in werkzeug.filters):
        werkzeug.addFilter(NoRawRequestLines())


def secure_headers(wsgi_app):
    def middleware(environ, start_response):
        if not environ.get("PATH_INFO", "").startswith("/socket.io"):
            return wsgi_app(environ, start_response)

        def start(status, headers, exc_info=None):
            present = {name.lower() for name, _ in headers}
            headers = [*headers, *((n, v) for n, v in SECURITY_HEADERS if n.lower() not in present)]
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        return wsgi_app(environ, start)

    return middleware


class NoRawRequestLines(logging.Filter):
    """Drops Werkzeug's "Bad request …" errors and access lines whose request line did not parse."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not isinstance(record.msg, str):
            return True
        message = record.getMessage()
        if "Bad request" in message or "Bad HTTP" in message:
            return False
        if record.msg.rstrip().endswith('"%s" %s %s') and isinstance(record.args, tuple) and record.args:
            line = _ANSI.sub("", str(record.args[0]))
            return bool(_REQUEST_LINE.match(line))
        return True
