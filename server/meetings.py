"""Meeting lifecycle: create, join, open, phases, timer, prompt, prepared questions, links.

The state follows the phase (the format declares which state each phase means), so a
meeting can never be "running" in its lobby or "ended" halfway through.
"""

from __future__ import annotations

import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import timers
from .access import hash_token, new_code, new_id, new_token
from .context import Ctx
from .errors import SpiegelError
from .formats import Phase
from .models import Meeting, Participant
from .schemas import (
    STAFF_RIGHTS,
    AssistantCreate,
    Empty,
    JoinRequest,
    MeetingCreate,
    MeetingUpdate,
    PhaseGoto,
    PreparedSet,
    PromptSet,
    TimerAdjust,
    TimerReset,
    TimerStart,
)
from .snapshots import ASKING, meeting_view, state_payload

JOINABLE = ("open", "running")
#: MeetingUpdate fields kept in ``Meeting.settings`` (the moderator's per-meeting choices).
SETTING_FIELDS = ("queue_visibility", "display_timer", "timer_with_phase")


def _new_prepared(items) -> list[dict]:
    return [{"id": item.id or secrets.token_hex(4), "text": item.text, "phase": item.phase} for item in items]


def create_meeting(spiegel, session: Session, data: MeetingCreate, now: float) -> tuple[Meeting, str]:
    """A new meeting and its moderator key (returned once, stored hashed)."""
    fmt = spiegel.formats.get(data.format)
    if fmt is None:
        raise SpiegelError("invalid_payload", f"Unknown format {data.format!r}.",
                           [{"field": "format", "problem": "unknown_format"}])
    unknown = set(data.durations) - {p.key for p in fmt.phases}
    if unknown:
        raise SpiegelError("unknown_phase", f"The format has no phase {sorted(unknown)[0]!r}.")
    code = new_code()
    while session.scalar(select(Meeting.id).where(Meeting.code == code)):
        code = new_code()
    first = fmt.phases[0]
    meeting = Meeting(
        id=new_id(), code=code, title=data.title, theme=data.theme, language=data.language, format=fmt.name,
        state="open" if data.open else "draft", phase_key=first.key, phase_started_at=now,
        scheduled_for=data.scheduled_for.isoformat() if data.scheduled_for else None,
        expected_listeners=data.expected_listeners, durations=dict(data.durations),
        prepared=_new_prepared(data.prepared), settings=dict(fmt.defaults), version=1,
        created_at=now, updated_at=now,
    )
    session.add(meeting)
    key = new_token()
    session.add(Participant(id=new_id(), meeting_id=meeting.id, role="moderator", token_hash=hash_token(key),
                            rights=list(STAFF_RIGHTS), created_at=now))
    session.flush()
    spiegel.hook.meeting_created(meeting=meeting, format=fmt)
    return meeting, key


def new_moderator_key(session: Session, meeting: Meeting) -> tuple[str, str]:
    """A new moderator key for a meeting whose link was lost; the old key stops working at once.

    The moderator stays the same participant (what they wrote keeps its author); only the
    token changes. Returns (participant id, key) so the caller can close the old sockets.
    """
    moderator = session.scalar(select(Participant).where(Participant.meeting_id == meeting.id,
                                                         Participant.role == "moderator"))
    if moderator is None:
        raise SpiegelError("not_found", "The meeting has no moderator.")
    key = new_token()
    moderator.token_hash = hash_token(key)
    return moderator.id, key


def duplicate_meeting(spiegel, session: Session, source: Meeting, now: float) -> tuple[Meeting, str]:
    data = MeetingCreate(title=source.title, theme=source.theme, format=source.format, language=source.language,
                         expected_listeners=source.expected_listeners, durations=dict(source.durations or {}),
                         prepared=[{"text": p["text"], "phase": p.get("phase")} for p in source.prepared or []])
    return create_meeting(spiegel, session, data, now)


def join(session: Session, meeting: Meeting, data: JoinRequest, now: float) -> tuple[Participant, str]:
    if meeting.state == "draft":
        raise SpiegelError("meeting_not_open")
    if meeting.state not in JOINABLE:
        raise SpiegelError("meeting_closed", "This meeting has ended and takes no new listeners.")
    number = (session.scalar(select(func.max(Participant.number)).where(Participant.meeting_id == meeting.id))
              or 0) + 1
    token = new_token()
    listener = Participant(id=new_id(), meeting_id=meeting.id, role="listener", token_hash=hash_token(token),
                           name=data.name or None, discipline=data.discipline or None, number=number,
                           rights=[], created_at=now)
    session.add(listener)
    return listener, token


# --- socket handlers (ctx, payload) -> ack result -------------------------------------------

def update_meeting(ctx: Ctx, data: MeetingUpdate) -> dict:
    m = ctx.meeting
    fields = data.model_dump(exclude_unset=True)
    if "durations" in fields:
        unknown = set(fields["durations"]) - {p.key for p in ctx.fmt.phases}
        if unknown:
            raise SpiegelError("unknown_phase", f"The format has no phase {sorted(unknown)[0]!r}.")
        m.durations = {**(m.durations or {}), **fields.pop("durations")}
    for setting in SETTING_FIELDS:
        if setting in fields:
            m.settings = {**(m.settings or {}), setting: fields.pop(setting)}
    if "scheduled_for" in fields:
        value = fields.pop("scheduled_for")
        m.scheduled_for = value.isoformat() if value else None
    for key, value in fields.items():
        setattr(m, key, value)
    ctx.version()
    ctx.broadcast_state()
    ctx.to_staff("settings", {"version": m.version, "settings": dict(m.settings or {}),
                              "durations": dict(m.durations or {})})
    return {"meeting": meeting_view(m)}


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
        raise SpiegelError("unknown_phase", f"The format has no phase {data.key!r}.")
    if data.from_ is not None and data.from_ != m.phase_key:
        raise SpiegelError("stale_state", f"The meeting is in phase {m.phase_key!r}, not {data.from_!r}.")
    previous = ctx.phase
    if target.key == previous.key:
        return {"state": state_payload(ctx)}
    m.phase_key, m.phase_started_at, m.state = target.key, ctx.now, target.state
    ctx.timer = timers.reset(ctx.timer, ctx.duration_of(target))
    if timer_starts_with_phase(ctx, target) and ctx.duration_of(target) > 0:
        ctx.timer = timers.start(ctx.timer, ctx.now)
    if ASKING in (m.settings or {}):  # a question put up for the room leaves with its phase
        m.settings = {k: v for k, v in m.settings.items() if k != ASKING}
    ctx.spiegel.hook.phase_changed(ctx=ctx, previous=previous, current=target)
    ctx.version()
    return {"state": ctx.broadcast_state()}


def timer_starts_with_phase(ctx: Ctx, phase: Phase) -> bool:
    """The moderator's choice for this meeting, else what the format says for the phase."""
    chosen = (ctx.meeting.settings or {}).get("timer_with_phase")
    return phase.timer_autostart if chosen is None else bool(chosen)


def _timer_changed(ctx: Ctx) -> dict:
    ctx.version()
    ctx.broadcast_state()
    return {"timer": ctx.timer.to_wire(), "server_time": round(ctx.now * 1000)}


def _check_timer_phase(ctx: Ctx) -> None:
    if ctx.meeting.state in ("ended", "archived"):
        raise SpiegelError("meeting_closed", "The meeting has ended; its timer is stopped.")


def timer_start(ctx: Ctx, data: TimerStart) -> dict:
    _check_timer_phase(ctx)
    seconds = data.seconds
    if seconds is None and ctx.timer.remaining <= 0 and ctx.timer.duration <= 0:
        seconds = ctx.duration_of(ctx.phase) or 10 * 60
    ctx.timer = timers.start(ctx.timer, ctx.now, seconds)
    return _timer_changed(ctx)


def timer_pause(ctx: Ctx, _data: Empty) -> dict:
    if not ctx.timer.running:
        raise SpiegelError("invalid_transition", "The timer is not running.")
    ctx.timer = timers.pause(ctx.timer, ctx.now)
    return _timer_changed(ctx)


def timer_resume(ctx: Ctx, _data: Empty) -> dict:
    _check_timer_phase(ctx)
    if ctx.timer.running:
        raise SpiegelError("invalid_transition", "The timer is already running.")
    ctx.timer = timers.resume(ctx.timer, ctx.now)
    return _timer_changed(ctx)


def timer_adjust(ctx: Ctx, data: TimerAdjust) -> dict:
    ctx.timer = timers.adjust(ctx.timer, ctx.now, data.seconds)
    return _timer_changed(ctx)


def timer_reset(ctx: Ctx, data: TimerReset) -> dict:
    seconds = data.seconds if data.seconds is not None else ctx.duration_of(ctx.phase)
    ctx.timer = timers.reset(ctx.timer, seconds)
    return _timer_changed(ctx)


def set_prepared(ctx: Ctx, data: PreparedSet) -> dict:
    phase_keys = {p.key for p in ctx.fmt.phases}
    for item in data.items:
        if item.phase is not None and item.phase not in phase_keys:
            raise SpiegelError("unknown_phase", f"The format has no phase {item.phase!r}.")
    ctx.meeting.prepared = _new_prepared(data.items)
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


def create_assistant(ctx: Ctx, data: AssistantCreate) -> dict:
    key = new_token()
    ctx.session.add(Participant(id=new_id(), meeting_id=ctx.meeting.id, role="assistant",
                                token_hash=hash_token(key), name=data.label or None,
                                rights=sorted(set(data.rights)), created_at=ctx.now))
    return {"key": key, "url": ctx.spiegel.moderator_url(ctx.meeting.id, key), "rights": sorted(set(data.rights))}


def display_link(ctx: Ctx, _data: Empty) -> dict:
    """A fresh display key; older display keys of this meeting stop working at once."""
    for old in ctx.session.scalars(select(Participant).where(
            Participant.meeting_id == ctx.meeting.id, Participant.role == "display",
            Participant.revoked.is_(False))):
        old.revoked = True
        ctx.revoked.append(old.id)
    key = new_token()
    ctx.session.add(Participant(id=new_id(), meeting_id=ctx.meeting.id, role="display",
                                token_hash=hash_token(key), rights=[], created_at=ctx.now))
    return {"key": key, "url": ctx.spiegel.display_url(ctx.meeting.code, key)}


