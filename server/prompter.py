"""The prompter: the moderator's prepared (guiding) questions, and which one is shown.

Prepared questions are the moderator's script; one of them may be shown to the tablets and
the room display as the current prompt (a listener's note can refer to it).
"""

from __future__ import annotations

import secrets

from .context import Ctx
from .errors import SpiegelError
from .hookspecs import hookimpl
from .outbox import STAFF
from .permissions import staff
from .registry import ClientEvent, ServerEvent
from .schemas import PREPARED_MAX, PreparedSet, PromptSet

#: As many as ``prepared.set`` takes.
PREPARED_COUNT_MAX = 50


def new_prepared(items) -> list[dict]:
    return [{"id": item.id or secrets.token_hex(4), "text": item.text, "phase": item.phase} for item in items]


def _publish_prepared(ctx: Ctx) -> None:
    ctx.version()
    ctx.broadcast_state()
    ctx.to_staff("prepared", {"version": ctx.meeting.version, "prepared": ctx.meeting.prepared})


def add_prepared(ctx: Ctx, text: str, phase: str | None = None) -> dict:
    """Append one prepared question to the moderator's script and tell staff (public API:
    a format turns something sent in, e.g. an invited professional's topic, into a prepared
    question). Returns the new item ``{id, text, phase}``."""
    text = (text or "").strip()
    if not text or len(text) > PREPARED_MAX:
        raise SpiegelError("invalid_payload", f"A prepared question needs 1 to {PREPARED_MAX} characters.",
                           [{"field": "text", "problem": "string_too_long" if text else "missing"}])
    if phase is not None and ctx.fmt.phase(phase) is None:
        raise SpiegelError("unknown_phase", f"The format has no phase {phase!r}.")
    if len(ctx.meeting.prepared or []) >= PREPARED_COUNT_MAX:
        raise SpiegelError("invalid_payload", f"A meeting holds at most {PREPARED_COUNT_MAX} prepared questions.",
                           [{"field": "prepared", "problem": "too_long"}])
    item = {"id": secrets.token_hex(4), "text": text, "phase": phase}
    ctx.meeting.prepared = [*(ctx.meeting.prepared or []), item]
    _publish_prepared(ctx)
    return dict(item)


def set_prepared(ctx: Ctx, data: PreparedSet) -> dict:
    phase_keys = {p.key for p in ctx.fmt.phases}
    for item in data.items:
        if item.phase is not None and item.phase not in phase_keys:
            raise SpiegelError("unknown_phase", "The format has no phase with that key.")
    ctx.meeting.prepared = new_prepared(data.items)
    if ctx.meeting.prompt_id not in {p["id"] for p in ctx.meeting.prepared}:
        ctx.meeting.prompt_id, ctx.meeting.prompt_shown = None, False
    _publish_prepared(ctx)
    return {"prepared": ctx.meeting.prepared}


def set_prompt(ctx: Ctx, data: PromptSet) -> dict:
    if data.id is not None and data.id not in {p["id"] for p in ctx.meeting.prepared or []}:
        raise SpiegelError("not_found", "No prepared question has that id.")
    ctx.meeting.prompt_id = data.id
    ctx.meeting.prompt_shown = bool(data.id) and data.shown
    ctx.version()
    state = ctx.broadcast_state()
    prompt = {"id": data.id, "shown": ctx.meeting.prompt_shown}
    ctx.to_staff("prompt", {"version": ctx.meeting.version, **prompt})
    return {"state": state, "prompt": prompt}


@hookimpl
def register_events():
    return [
        ClientEvent("prepared.set", PreparedSet, set_prepared, staff("setup")),
        ClientEvent("prompt.set", PromptSet, set_prompt, staff("run")),
        ServerEvent("prepared", frozenset({STAFF}), description="The prepared questions changed."),
        ServerEvent("prompt", frozenset({STAFF}), description="Which prepared question is current, and shown."),
    ]
