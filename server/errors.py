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
    "stale_state": (409, "The meeting moved on; refresh and try again."),
    "method_not_allowed": (405, "This path does not take that HTTP method."),
    "report_final": (409, "The report is final; reopen it to change it."),
    "rate_limited": (429, "Too many messages; slow down."),
    "internal_error": (500, "Something went wrong on the server."),
}


class SpiegelError(Exception):
    """An expected refusal: becomes ``{ok: false, error: {code, message}}``."""

    def __init__(self, code: str, message: str | None = None, details: list | dict | None = None):
        if code not in ERROR_CODES:
            raise ValueError(f"unknown error code {code!r}")
        self.code = code
        self.message = message or ERROR_CODES[code][1]
        self.details = details
        super().__init__(f"{code}: {self.message}")

    @property
    def http_status(self) -> int:
        return ERROR_CODES[self.code][0]

    def to_ack(self) -> dict:
        error: dict = {"code": self.code, "message": self.message}
        if self.details is not None:
            error["details"] = self.details
        return {"ok": False, "error": error}
