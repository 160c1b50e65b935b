"""Admin sign-in: guess limits on every path, and sessions the server can end.

Every password check (the login form and ``Authorization: Bearer``) goes through
:meth:`AdminAuth.check_password`, which counts wrong passwords per client address: an address
over the limit is refused, even with the right password, while every other address can still
sign in. A sign-in is a random session id in an ``HttpOnly``, ``SameSite=Strict`` cookie
(``Secure`` when the request came over HTTPS); the server keeps only its hash and expiry, so
logout ends it at once, it expires by itself, and a restart (the way the password is changed)
ends every session. Sessions are per process: the scale-out issue moves them to Redis.
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

COOKIE = "spiegel_admin"


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


class AdminAuth:
    """The admin password, its guess limit and the live sessions of one server process."""

    def __init__(self, password: str, session_hours: float, login_limit: int,
                 clock: Callable[[], float] = time.monotonic):
        self._password = password
        self._lifetime = session_hours * 3600
        self._clock = clock
        self._sessions: dict[str, float] = {}  # hash of the session id -> expiry (clock time)
        self.failures = Window(300.0, login_limit, "Too many wrong passwords from this address; wait five minutes.")

    # Passwords -----------------------------------------------------------------------------------
    def check_password(self, given: object, address: str) -> None:
        """Return when ``given`` is the password; refuse with ``rate_limited`` or ``not_authenticated``."""
        self.failures.check(address)  # a locked address learns nothing, not even from the right one
        if isinstance(given, str) and same_secret(given, self._password):
            return
        self.failures.add(address)
        raise SpiegelError("not_authenticated", "Wrong admin password.")

    def set_password(self, password: str) -> None:
        """A new password ends every session signed in with the old one."""
        self._password = password
        self._sessions.clear()

    # Sessions ------------------------------------------------------------------------------------
    def open_session(self) -> str:
        self._prune()
        session_id = secrets.token_urlsafe(32)
        self._sessions[_digest(session_id)] = self._clock() + self._lifetime
        return session_id

    def valid(self, session_id: str | None) -> bool:
        if not session_id:
            return False
        expiry = self._sessions.get(_digest(session_id))
        if expiry is None:
            return False
        if expiry <= self._clock():
            self._sessions.pop(_digest(session_id), None)
            return False
        return True

    def close(self, session_id: str | None) -> None:
        if session_id:
            self._sessions.pop(_digest(session_id), None)

    def _prune(self) -> None:
        now = self._clock()
        for key in [k for k, expiry in self._sessions.items() if expiry <= now]:
            del self._sessions[key]

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
