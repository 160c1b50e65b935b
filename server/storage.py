"""When the database fails: a defined refusal for the client, and no caller waits forever.

:func:`refusal` turns a database failure into the code a client can act on
(``storage_unavailable``, ``storage_full``, ``storage_read_only``) instead of
``internal_error``, which means a bug. :class:`Watchdog` bounds every PostgreSQL transaction: a
server that stops answering (frozen, or a network that drops packets) never closes the
connection, and ``statement_timeout`` is enforced by that same server, so a transaction over
its time gets the sockets of every open connection shut from this side; the waiting call fails
at once and the pool reconnects when the server is back. :func:`check_writable` stops a
server whose instance folder it cannot write. :func:`withhold_values` keeps PostgreSQL's copy
of a refused row (a note's text) out of every error message, so out of the logs.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import socket
import tempfile
import threading
import time
import weakref
from pathlib import Path

from sqlalchemy import Engine, event
from sqlalchemy import exc as sa_exc

from .errors import SpiegelError
from .in_flight import InFlight

log = logging.getLogger("spiegel.storage")

_FULL = ("database or disk is full", "no space left")
_READ_ONLY = ("readonly database", "read-only", "read only")
_GONE = ("unable to open database", "disk i/o error", "database is locked")


def refusal(exc: BaseException) -> SpiegelError | None:
    """The client-facing refusal for a database failure, or None when ``exc`` is something else (a bug).

    The whole chain counts: SQLite ends a transaction by itself when the disk is full, so the
    error that surfaces is the failed rollback that followed ("no such savepoint").
    """
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None:
            break
        found = _classify(seen)
        if found is not None:
            return found
        seen = seen.__cause__ or seen.__context__
    return None


def _classify(exc: BaseException) -> SpiegelError | None:
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return SpiegelError("storage_full")
    if isinstance(exc, OSError) and exc.errno == errno.EROFS:
        return SpiegelError("storage_read_only")
    if isinstance(exc, sa_exc.TimeoutError):  # no pooled connection came free in time
        return SpiegelError("storage_unavailable")
    if not isinstance(exc, sa_exc.DBAPIError):
        return None
    text = str(exc.orig).lower()
    if any(marker in text for marker in _FULL):
        return SpiegelError("storage_full")
    if any(marker in text for marker in _READ_ONLY):
        return SpiegelError("storage_read_only")
    if exc.connection_invalidated or any(marker in text for marker in _GONE):
        return SpiegelError("storage_unavailable")
    # psycopg's OperationalError is the server's state (down, shutting down, cancelled by the
    # timeout, out of resources); sqlite3 also files programming errors under it, so SQLite
    # counts only by the markers above.
    if isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError) and type(exc.orig).__module__.startswith(
            "psycopg"):
        return SpiegelError("storage_unavailable")
    return None


def withhold_values(engine: Engine) -> None:
    """Cut every PostgreSQL error's message to what holds no written text.

    Why: PostgreSQL quotes the row in a constraint violation (``DETAIL: Failing row contains
    (…, <the note's text>, …)``) and the value in a data error (``invalid input syntax for type
    integer: "<value>"``). SQLAlchemy's exception carries that message (``hide_parameters``
    hides only the parameters), and a traceback logs it. So each psycopg error keeps its primary
    message only (names of tables, columns and constraints; "no space left on device", which
    :func:`refusal` reads), and a data error (SQLSTATE class 22) only its code and place; its
    ``diag`` stays on the exception for whoever debugs. Installed on every PostgreSQL engine."""
    event.listen(engine, "handle_error", _withhold)


def _withhold(context) -> BaseException | None:
    """``handle_error``: the error again, built from the cut message (None: nothing to cut)."""
    orig = context.original_exception
    diag = getattr(orig, "diag", None)
    if diag is None or not type(orig).__module__.startswith("psycopg"):
        return None
    sqlstate = getattr(orig, "sqlstate", None) or ""
    if sqlstate.startswith("22"):
        place = ".".join(name for name in (diag.table_name, diag.column_name) if name)
        message = f"{sqlstate}: a value was refused{' in ' + place if place else ''} (message withheld: it quotes it)"
    else:
        message = diag.message_primary or sqlstate or type(orig).__name__
    if orig.args == (message,):
        return None
    orig.args = (message,)
    if context.sqlalchemy_exception is None:
        return None
    return sa_exc.DBAPIError.instance(context.statement, context.parameters, orig, context.dialect.loaded_dbapi.Error,
                                      hide_parameters=True, connection_invalidated=context.is_disconnect,
                                      dialect=context.dialect)


def check_writable(folder: str | Path) -> None:
    """Refuse to start on an instance folder that cannot be written (the database, secrets live there)."""
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".spiegel-write-check-"):
            pass
    except OSError as exc:
        raise StorageError(f"The instance folder {folder} cannot be written ({exc.strerror}); "
                           "give the server's user write access or set SPIEGEL_INSTANCE_PATH.") from None


class StorageError(RuntimeError):
    """The server cannot start on this storage; the message says what to change."""


class Watchdog:
    """Bounds PostgreSQL transactions by shutting the sockets of a server that stopped answering.

    One background thread (green under eventlet) looks twice a second. It only acts on a
    transaction that has run over ``seconds``; the server's own ``statement_timeout`` (set
    a little lower) ends slow statements on a server that still answers, so reaching this
    limit means the server answers nothing at all.
    """

    def __init__(self, engine: Engine, seconds: float):
        self.seconds = seconds
        self._connections: weakref.WeakSet = weakref.WeakSet()
        self._active = InFlight()
        self._lock = threading.Lock()
        self._started = False
        event.listen(engine, "connect", self._remember)

    def _remember(self, dbapi_connection, _record) -> None:
        self._connections.add(dbapi_connection)

    @contextlib.contextmanager
    def watch(self):
        """Around one transaction."""
        self._start()
        with self._active.track():
            yield

    def _start(self) -> None:
        with self._lock:
            if self._started:
                return
            self._started = True
        threading.Thread(target=self._loop, name="spiegel-db-watchdog", daemon=True).start()

    def _loop(self) -> None:
        while True:
            time.sleep(0.5)
            now = time.monotonic()
            if self._active.forget_older_than(self.seconds, now):
                log.warning("the database did not answer for %.0f s; closing its connections", self.seconds)
                self.cut()

    def cut(self) -> None:
        """Shut the socket of every connection: each blocked call fails, the pool reconnects later."""
        for connection in list(self._connections):
            fd = _fileno(connection)
            if fd is None:
                continue
            try:
                sock = socket.socket(fileno=os.dup(fd))
            except OSError:
                continue
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()


def _fileno(connection) -> int | None:
    with contextlib.suppress(Exception):
        if not connection.closed:
            return connection.pgconn.socket
    return None


def postgres_connect_args(seconds: float) -> dict:
    """libpq options: connect within ``seconds``, and the server ends statements a little sooner."""
    statement_ms = max(int(seconds * 1000) - 500, 500)
    return {"connect_timeout": max(int(seconds), 1), "options": f"-c statement_timeout={statement_ms}"}
