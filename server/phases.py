"""The phase machine: draft → open → the format's phases → ended → archived.

The meeting's state follows its phase (each phase declares the state it means), so a
meeting can never be "running" in its lobby or "ended" halfway through. Entering a phase
resets the timer to that phase's duration; the format's ``on_phase_left`` and
``on_phase_entered`` and then every plugin's ``phase_changed`` run inside the same
transaction, before anything is broadcast, and any of them may refuse the change.
"""

from __future__ import annotations

from .context import Ctx
from .errors import SpiegelError
from .hookspecs import hookimpl
from .outbox import MEETING
from .permissions import staff
from .questions import ASKING
from .registry import ClientEvent, ServerEvent
from .schemas import Empty, PhaseGoto
from .timer import reset_for_phase


def open_meeting(ctx: Ctx, _data: Empty) -> dict:
    if ctx.meeting.state != "draft":
        raise SpiegelError("invalid_transition", f"The meeting is {ctx.meeting.state}, not a draft.")
    ctx.meeting.state = "open"
    ctx.version()
    return {"state": ctx.broadcast_state()}


def archive_meeting(ctx: Ctx, _data: Empty) -> dict:
    if ctx.meeting.state != "ended":
        raise SpiegelError("invalid_transition", "Only an ended meeting can be archived.")
    ctx.meeting.state = "archived"
    ctx.version()
    return {"state": ctx.broadcast_state()}


def goto_phase(ctx: Ctx, data: PhaseGoto) -> dict:
    m = ctx.meeting
    if m.state == "draft":
        raise SpiegelError("meeting_not_open", "Open the meeting before moving to another phase.")
    target = ctx.fmt.phase(data.key)
    if target is None:
        raise SpiegelError("unknown_phase", "The format has no phase with that key.")
    if data.from_ is not None and data.from_ != m.phase_key:
        raise SpiegelError("stale_state", f"The meeting is in phase {m.phase_key}, not the one this was sent from.")
    previous = ctx.phase
    if target.key == previous.key:
        return {"state": ctx.spiegel.state_payload(ctx)}
    ctx.fmt.on_phase_left(ctx, previous, target)
    m.phase_key, m.phase_started_at, m.state = target.key, ctx.now, target.state
    reset_for_phase(ctx)
    if ASKING in (m.settings or {}):  # a question put up for the room leaves with its phase
        m.settings = {k: v for k, v in m.settings.items() if k != ASKING}
    ctx.fmt.on_phase_entered(ctx, target, previous)
    ctx.spiegel.hook.phase_changed(ctx=ctx, previous=previous, current=target)
    ctx.version()
    return {"state": ctx.broadcast_state()}


@hookimpl
def register_events():
    return [
        ClientEvent("meeting.open", Empty, open_meeting, staff("run")),
        ClientEvent("meeting.archive", Empty, archive_meeting, staff("setup")),
        ClientEvent("phase.goto", PhaseGoto, goto_phase, staff("run")),
        ServerEvent("state", frozenset({MEETING}),
                    description="The public state: the same for everyone, free of anyone's writing."),
    ]
