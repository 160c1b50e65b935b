"""Stable error codes. Clients translate by code; messages are for developers and logs.

`docs/protocol.md` lists every code here (checked by `tests/test_protocol_docs.py`).
"""

from __future__ import annotations

ERROR_CODES: dict[str, tuple[int, str]] = {
    # code: (HTTP status when answered over HTTP, default message)
    "not_authenticated": (401, "Sign in first."),
    "token_unknown": (401, "This link or token is not (or no longer) valid."),
    "unknown_code": (404, "No meeting has this code."),
    "meeting_closed": (409, "This meeting is closed."),
    "meeting_not_open": (409, "The moderator has not opened this meeting yet."),
    "unknown_event": (400, "Unknown event."),
    "invalid_payload": (400, "The message does not match its schema."),
    "text_too_long": (400, "The text is too long."),
    "forbidden_role": (403, "Your role may not do this."),
    "missing_right": (403, "Your assistant link does not include this right."),
    "not_allowed_in_phase": (409, "This is not possible in the current phase."),
    "not_found": (404, "Not found."),
    "id_conflict": (409, "This id is already used by another item."),
    "question_locked": (409, "The moderator has selected this question; it can no longer be changed."),
    "invalid_transition": (409, "That change is not possible from the current state."),
    "unknown_phase": (400, "The format has no such phase."),
    "unknown_outcome_kind": (400, "This meeting's format has no such kind of outcome."),
    "not_this_format": (409, "This meeting's format does not take this event."),
    "stale_state": (409, "The meeting moved on; refresh and try again."),
    "method_not_allowed": (405, "This path does not take that HTTP method."),
    "report_final": (409, "The report is final; reopen it to change it."),
    "rate_limited": (429, "Too many messages; slow down."),
    "storage_unavailable": (503, "The database does not answer; what you sent was not stored. Try again."),
    "storage_full": (507, "The server's disk is full; what you sent was not stored."),
    "storage_read_only": (503, "The server cannot write its database; what you sent was not stored."),
    "server_full": (503, "This server holds as many connections as it may; trying again shortly."),
    "server_busy": (503, "The server is behind; nothing was stored. Trying again shortly."),
    "internal_error": (500, "Something went wrong on the server."),
}


class SpiegelError(Exception):
    """An expected refusal: becomes ``{ok: false, error: {code, message}}``."""

    def __init__(self, code: str, message: str | None = None, details: list | dict | None = None,
                 retry_after: int | None = None):
        if code not in ERROR_CODES:
            raise ValueError(f"unknown error code {code!r}")
        self.code = code
        self.message = message or ERROR_CODES[code][1]
        self.details = details
        #: Seconds after which the client should try again (``server_busy``): the server knows
        #: how far behind it is, so the hint spreads the retries.
        self.retry_after = retry_after
        super().__init__(f"{code}: {self.message}")

    @property
    def http_status(self) -> int:
        return ERROR_CODES[self.code][0]

    def connect_error(self) -> dict:
        """The ``data`` of a refused connection. ``wipe`` tells a tablet that the server keeps
        nothing for its token any more (the meeting was erased, the link revoked): it deletes
        what it stored for it, since that can never be delivered (docs/protocol.md)."""
        data: dict = {"code": self.code, "message": self.message}
        if self.code == "token_unknown":
            data["wipe"] = True
        if self.retry_after is not None:
            data["retry_after"] = self.retry_after
        return data

    def to_ack(self) -> dict:
        error: dict = {"code": self.code, "message": self.message}
        if self.details is not None:
            error["details"] = self.details
        if self.retry_after is not None:
            error["retry_after"] = self.retry_after
        return {"ok": False, "error": error}
