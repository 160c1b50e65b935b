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
from .schemas import PreparedSet, PromptSet


def new_prepared(items) -> list[dict]:
    return [{"id": item.id or secrets.token_hex(4), "text": item.text, "phase": item.phase} for item in items]


def set_prepared(ctx: Ctx, data: PreparedSet) -> dict:
    phase_keys = {p.key for p in ctx.fmt.phases}
    for item in data.items:
        if item.phase is not None and item.phase not in phase_keys:
            raise SpiegelError("unknown_phase", f"The format has no phase {item.phase!r}.")
    ctx.meeting.prepared = new_prepared(data.items)
    if ctx.meeting.prompt_id not in {p["id"] for p in ctx.meeting.prepared}:
        ctx.meeting.prompt_id, ctx.meeting.prompt_shown = None, False
    ctx.version()
    ctx.broadcast_state()
    ctx.to_staff("prepared", {"version": ctx.meeting.version, "prepared": ctx.meeting.prepared})
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
