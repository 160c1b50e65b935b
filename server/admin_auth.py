"""Admin sign-in: guess limits on every path, and sessions the server can end.

Every password check (the login form and ``Authorization: Bearer``) goes through
:meth:`AdminAuth.check_password`, which counts wrong passwords per client address: an address
over the limit is refused, even with the right password, while every other address can still
sign in. A sign-in is a random session id in an ``HttpOnly``, ``SameSite=Strict`` cookie
(``Secure`` when the request came over HTTPS); the server keeps only its hash and expiry, so
logout ends it at once, it expires by itself, and a new password ends every session opened
with the old one. Sessions live in a store (:mod:`.shared_state`): in process memory by default,
so a restart ends them; with ``SPIEGEL_MESSAGE_QUEUE`` in Redis, so every worker knows them and
a worker's restart keeps them (a Redis restart ends them: sign in again). Only hashes are
stored, so whoever reads the store cannot forge a session.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable

from flask import Request, Response

from .access import same_secret
from .errors import SpiegelError
from .limits import Window
from .shared_state import Hits, MemorySessions, Sessions

COOKIE = "spiegel_admin"


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def _mark(digest: str, password: str) -> str:
    """Ties a session to the password it was opened with (salted by the session: no password hash is shared)."""
    return hashlib.sha256(f"{digest}:{password}".encode()).hexdigest()


class AdminAuth:
    """The admin password, its guess limit and the live sessions of one server process."""

    def __init__(self, password: str, session_hours: float, login_limit: int,
                 clock: Callable[[], float] = time.monotonic,
                 sessions: Callable[[Callable[[], float]], Sessions] = MemorySessions,
                 failures: Hits | None = None):
        """``sessions`` makes the session store from a clock (``Shared.sessions``); ``failures``
        holds the wrong-password counts (shared by every worker with Redis)."""
        self._password = password
        self._lifetime = session_hours * 3600
        self._clock = clock
        self._sessions = sessions(lambda: self._clock())
        self.failures = Window(300.0, login_limit, "Too many wrong passwords from this address; wait five minutes.",
                               failures)

    # Passwords -----------------------------------------------------------------------------------
    def check_password(self, given: object, address: str) -> None:
        """Return when ``given`` is the password; refuse with ``rate_limited`` or ``not_authenticated``."""
        self.failures.check(address)  # a locked address learns nothing, not even from the right one
        if isinstance(given, str) and same_secret(given, self._password):
            return
        self.failures.add(address)
        raise SpiegelError("not_authenticated", "Wrong admin password.")

    def set_password(self, password: str) -> None:
        """A new password ends every session signed in with the old one (their marks no longer match)."""
        self._password = password

    # Sessions ------------------------------------------------------------------------------------
    def open_session(self) -> str:
        session_id = secrets.token_urlsafe(32)
        digest = _digest(session_id)
        self._sessions.open(digest, _mark(digest, self._password), self._lifetime)
        return session_id

    def valid(self, session_id: str | None) -> bool:
        if not session_id:
            return False
        digest = _digest(session_id)
        mark = self._sessions.mark(digest)
        return mark is not None and same_secret(mark, _mark(digest, self._password))

    def close(self, session_id: str | None) -> None:
        if session_id:
            self._sessions.close(_digest(session_id))

    # HTTP ----------------------------------------------------------------------------------------
    def signed_in(self, request: Request) -> bool:
        return self.valid(request.cookies.get(COOKIE))

    def require(self, request: Request) -> None:
        """Pass a request with a live session or the right ``Bearer`` password; refuse any other."""
        if self.signed_in(request):
            return
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            self.check_password(header[7:], request.remote_addr or "?")
            return
        raise SpiegelError("not_authenticated", "Sign in with the admin password.")

    def sign_in(self, request: Request, response: Response, https: bool) -> None:
        self.close(request.cookies.get(COOKIE))  # a fresh id at every sign-in: no fixation
        response.set_cookie(COOKIE, self.open_session(), max_age=int(self._lifetime), path="/",
                            httponly=True, samesite="Strict", secure=https or request.is_secure)

    def sign_out(self, request: Request, response: Response) -> None:
        self.close(request.cookies.get(COOKIE))
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="Strict")
