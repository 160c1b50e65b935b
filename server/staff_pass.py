"""The staff pass: a short-lived signed cookie that lets a moderator's new socket through a
worker that sheds load.

Why: while a worker is behind it refuses every *new* Engine.IO session at the HTTP handshake
(server/load_shed.py), before anyone's token is seen, so that a reconnect storm of tablets
costs one short answer per try. A moderator who reloads the screen in that moment would wait
behind the tablets, although the moderator is the one person who must keep the meeting going
(staff events already pass). The handshake carries no token (it comes in the Socket.IO
connect packet, and moderator links keep it in the URL fragment), so the page first trades
its token for this cookie over plain HTTP, which the worker still serves, and the browser
sends the cookie with the handshake.

The pass grants nothing but that: the socket still signs in with its token, as always. It is
signed with the app's secret key (HMAC, checked without the database: cheap in a storm),
names the participant and when it expires, and lives only on the Socket.IO path
(``HttpOnly``, ``SameSite=Strict``).
"""

from __future__ import annotations

from collections.abc import Callable

from itsdangerous import BadSignature, Signer
from werkzeug.http import parse_cookie

#: The cookie's name.
COOKIE = "spiegel_staff_pass"
#: Seconds a pass is good for: long enough for a reload and its retries, short enough that a
#: pass copied off a machine soon stops working.
LIFETIME = 600


class StaffPasses:
    """Issues and checks passes with one secret and the app's clock."""

    def __init__(self, secret: str, clock: Callable[[], float]):
        self._signer = Signer(secret, salt="spiegel.staff-pass")
        self.clock = clock

    def issue(self, participant_id: str) -> str:
        """A pass for this staff member, good for :data:`LIFETIME` seconds."""
        expires = int(self.clock()) + LIFETIME
        return self._signer.sign(f"{participant_id}.{expires}").decode()

    def valid(self, value: str | None) -> bool:
        """Whether ``value`` is a pass this server signed that has not expired."""
        if not value:
            return False
        try:
            payload = self._signer.unsign(value).decode()
        except (BadSignature, UnicodeDecodeError):
            return False
        _, _, expires = payload.rpartition(".")
        return expires.isdigit() and self.clock() < int(expires)

    def held(self, environ: dict) -> bool:
        """Whether the request (a WSGI environ) carries a valid pass."""
        header = environ.get("HTTP_COOKIE")
        return bool(header) and self.valid(parse_cookie(header).get(COOKIE))
