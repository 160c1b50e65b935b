"""`spiegel run`'s WSGI server, sized from ``SPIEGEL_MAX_CONNECTIONS`` in every async mode.

``socketio.run`` leaves each server at its defaults, and eventlet's default pool of 1,024
greenthreads was a wall: past it new sockets *and* plain HTTP requests waited in the
kernel's queue until their clients gave up. Here the pool holds the connection cap plus
headroom for pages, joins, the admin page and the sockets refused with ``server_full``
(server/capacity.py), the listen backlog absorbs a reconnect storm, and the open-files
limit is raised toward what the cap needs.

:func:`serve` is the one entry point; with ``sock`` it serves an already bound and
listening socket (several worker processes can share one that way).
"""

from __future__ import annotations

import logging
import resource
import socket
from dataclasses import dataclass

log = logging.getLogger("spiegel.serving")

#: Connections waiting in the kernel for ``accept`` (Linux caps it at net.core.somaxconn).
BACKLOG = 2048
#: Places in the pool beyond the socket cap, at least this many: HTTP requests, sockets
#: being refused, long-polling requests before their upgrade.
MIN_HEADROOM = 256
#: File descriptors beyond those of the pooled connections: the database, logs, plugin files.
SPARE_FILES = 256
#: Descriptors a websocket holds in each mode. Under gevent simple-websocket talks on a
#: ``dup()`` of the connection's socket, so each one holds two (the soak's 521 sockets held
#: 1,042): sized for one, a cap of 5,000 would have run out of descriptors near 2,900 sockets.
FILES_PER_CONNECTION = {"eventlet": 1, "gevent": 2, "threading": 1}


@dataclass(frozen=True)
class Sizing:
    """What the server is sized for, derived from the connection cap alone."""

    max_connections: int
    pool: int
    backlog: int
    open_files: int

    @classmethod
    def for_cap(cls, max_connections: int, mode: str) -> Sizing:
        pool = max_connections + max(MIN_HEADROOM, max_connections // 10)
        return cls(max_connections, pool, BACKLOG, pool * FILES_PER_CONNECTION[mode] + SPARE_FILES)


def raise_open_files(wanted: int) -> int:
    """Raise this process's soft open-files limit toward ``wanted``, never above the hard
    limit (only root may raise that). Returns the soft limit now in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError) as exc:
            log.warning("could not raise the open-files limit to %d: %s", target, exc)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        log.warning("open-files limit %d is below the %d that SPIEGEL_MAX_CONNECTIONS needs "
                    "(hard limit %s): raise it (ulimit -n, LimitNOFILE=) or lower the cap", soft, wanted, hard)
    return soft


def listen(host: str, port: int, backlog: int = BACKLOG) -> socket.socket:
    """A listening TCP socket. TCP_NODELAY on the listener is inherited by every accepted
    socket on Linux, so no small websocket frame waits for a delayed ACK (bench/RESULTS.md)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(backlog)
    return sock


def serve(app, host: str, port: int, config: dict, sock: socket.socket | None = None) -> None:
    """Serve ``app`` until the process is stopped, with the server of ``config["ASYNC_MODE"]``.

    The async mode's monkey-patching (eventlet, gevent) must already have happened
    (``spiegel run`` does it first thing).
    """
    mode = config["ASYNC_MODE"]
    sizing = Sizing.for_cap(int(config["MAX_CONNECTIONS"]), mode)
    raise_open_files(sizing.open_files)
    sock = sock or listen(host, port, sizing.backlog)
    log.info("serving %s: up to %d sockets, pool %d, backlog %d", mode, sizing.max_connections, sizing.pool,
             sizing.backlog)
    {"eventlet": _eventlet, "gevent": _gevent, "threading": _threading}[mode](app, sock, sizing)


def _eventlet(app, sock: socket.socket, sizing: Sizing) -> None:
    import eventlet
    import eventlet.wsgi

    green = sock if isinstance(sock, eventlet.greenio.GreenSocket) else eventlet.greenio.GreenSocket(sock)
    eventlet.wsgi.server(green, app, max_size=sizing.pool, log_output=False, debug=False)


def _gevent(app, sock: socket.socket, sizing: Sizing) -> None:
    from gevent.pool import Pool
    from gevent.pywsgi import WSGIHandler, WSGIServer

    class Handler(WSGIHandler):
        """Closes the connection once its websocket has ended.

        Why: simple-websocket talks on a duplicate of the socket and closes only that; gevent,
        never having seen a response (the 101 went out on the duplicate), kept the connection
        open for a next request. A client that closed its websocket then waited for the TCP
        close until its own timeout (3 s for python-socketio's client), and the server held the
        connection, a greenlet of the pool and a descriptor for as long."""

        def handle_one_response(self):
            super().handle_one_response()
            if self.environ.get("HTTP_UPGRADE", "").lower() == "websocket":
                self.close_connection = True

    # No gevent-websocket handler: python-engineio serves websockets through simple-websocket
    # on gevent's own WSGI server.
    WSGIServer(sock, app, spawn=Pool(sizing.pool), handler_class=Handler, log=None,
               error_log=logging.getLogger("spiegel.gevent")).serve_forever()


def _threading(app, sock: socket.socket, sizing: Sizing) -> None:
    from werkzeug.serving import WSGIRequestHandler, make_server

    class Handler(WSGIRequestHandler):
        """Closes the connection once its websocket has ended.

        Why: python-engineio ends a websocket under Werkzeug by raising ConnectionError, which
        Werkzeug takes for a dropped connection and then waits on it for a next request: the
        thread and the connection were held until the client itself gave up (python-socketio's
        client after 3 s; one that never closes, for good)."""

        def connection_dropped(self, error: BaseException, environ=None) -> None:
            self.close_connection = True

    _answer_the_close_before_closing(app)
    # Werkzeug's threaded server starts a thread per connection (no pool to size): the
    # connection cap is what bounds it. It only takes the socket's descriptor, so keep
    # ``sock`` referenced while serving.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    server = make_server(sock.getsockname()[0], sock.getsockname()[1], app, threaded=True, fd=sock.fileno(),
                         request_handler=Handler)
    server.serve_forever()
    sock.close()


def _answer_the_close_before_closing(app) -> None:
    """Under Werkzeug, let a websocket's reader thread finish before the connection is closed.

    Why: simple-websocket's reader thread wakes the request's thread (engine.io's) on a client's
    close frame *before* it sends its own close frame back; the request then ends, Werkzeug
    shuts the connection down (:func:`_threading`'s handler), and the answer sometimes found
    the socket gone (3 of 25 closes on a loaded machine). The thread ends as soon as it has
    answered, or once the client answers a close the server sent; the join's bound is for a
    client that vanished without answering (its thread is then held 10 s longer, within the
    connection cap)."""
    from engineio.async_drivers._websocket_wsgi import SimpleWebSocketWSGI

    class JoinedWebSocket(SimpleWebSocketWSGI):
        def __call__(self, environ, start_response):
            try:
                return super().__call__(environ, start_response)
            finally:
                reader = getattr(getattr(self, "ws", None), "thread", None)
                if reader is not None:
                    reader.join(10)

    eio = app.extensions["socketio"].server.eio
    eio._async = {**eio._async, "websocket": JoinedWebSocket}
