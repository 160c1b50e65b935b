"""A meeting's lifecycle: created (or duplicated from another), its settings updated, erased.

What happens *during* a meeting lives elsewhere: the phases in ``phases.py``, the timer in
``timer.py``, who gets in in ``links.py``.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from .access import hash_token, new_code, new_id, new_token
from .context import Ctx
from .errors import SpiegelError
from .format_options import create_only
from .hookspecs import hookimpl
from .models import Meeting, Participant
from .outbox import AUTHOR, MEETING, STAFF
from .permissions import ANYONE, staff
from .prompter import new_prepared
from .registry import ClientEvent, ServerEvent
from .schemas import Empty, MeetingCreate, MeetingUpdate, validate
from .views import meeting_view

#: MeetingUpdate fields kept in ``Meeting.settings`` (the moderator's per-meeting choices).
SETTING_FIELDS = ("queue_visibility", "display_timer", "timer_with_phase")


def format_options(fmt, values: dict, current: dict | None = None) -> dict:
    """The format's own meeting fields (``MeetingFormat.options``): ``values`` over ``current``
    (or the defaults), validated by the format's class. A format without options takes none."""
    if fmt.options is None:
        if values:
            raise SpiegelError("invalid_payload", f"The format {fmt.name!r} has no options.",
                               [{"field": "options", "problem": "extra_forbidden"}])
        return {}
    return validate(fmt.options, {**(current or {}), **values}).model_dump(mode="json")


def refuse_create_only_changes(fmt, before: dict, after: dict) -> None:
    """An option the format's ``configure`` reads once (``create_only``) keeps its value: a
    question set already copied into the prepared questions, a series the meeting was put in.
    Changing it later would store a value nothing acts on, so the change is refused by name."""
    fixed = [name for name, info in (fmt.options.model_fields.items() if fmt.options else ()) if create_only(info)]
    wrong = [{"field": f"options.{name}", "problem": "create_only"} for name in fixed
             if before.get(name) != after.get(name)]
    if wrong:
        raise SpiegelError("invalid_payload", "This option is set when the meeting is made and cannot change.",
                           wrong)


def create_meeting(spiegel, session: Session, data: MeetingCreate, now: float) -> tuple[Meeting, str]:
    """A new meeting and its moderator key (returned once, stored hashed)."""
    fmt = spiegel.formats.get(data.format)
    if fmt is None:
        raise SpiegelError("invalid_payload", "No format has that name.",
                           [{"field": "format", "problem": "unknown_format"}])
    unknown = set(data.durations) - {p.key for p in fmt.phases}
    if unknown:
        raise SpiegelError("unknown_phase", "The format has no phase with that key.")
    options = format_options(fmt, data.options)
    code = new_code()
    while session.scalar(select(Meeting.id).where(Meeting.code == code)):
        code = new_code()
    first = fmt.phases[0]
    meeting = Meeting(
        id=new_id(), code=code, title=data.title, theme=data.theme, language=data.language, format=fmt.name,
        state="open" if data.open else "draft", phase_key=first.key, phase_started_at=now,
        scheduled_for=data.scheduled_for.isoformat() if data.scheduled_for else None,
        expected_listeners=data.expected_listeners, durations=dict(data.durations),
        prepared=new_prepared(data.prepared), settings={**fmt.defaults, **({"options": options} if options else {})},
        version=1,
        created_at=now, updated_at=now,
    )
    session.add(meeting)
    key = new_token()
    session.add(Participant(id=new_id(), meeting_id=meeting.id, role="moderator", token_hash=hash_token(key),
                            rights=list(spiegel.rights), created_at=now))
    session.flush()
    ctx = spiegel.context(session, meeting)
    fmt.on_created(ctx)
    if fmt.options is not None:
        fmt.configure(ctx, fmt.options.model_validate(options or {}))
    spiegel.hook.meeting_created(meeting=meeting, format=fmt)
    return meeting, key


def duplicate_meeting(spiegel, session: Session, source: Meeting, now: float) -> tuple[Meeting, str]:
    data = MeetingCreate(title=source.title, theme=source.theme, format=source.format, language=source.language,
                         expected_listeners=source.expected_listeners, durations=dict(source.durations or {}),
                         prepared=[{"text": p["text"], "phase": p.get("phase")} for p in source.prepared or []],
                         options=dict((source.settings or {}).get("options") or {}))
    return create_meeting(spiegel, session, data, now)


def erase_meeting(spiegel, session: Session, meeting_id: str) -> None:
    """Erase a meeting with everything written in it: plugins first (their hook), then the
    row, which takes every note, question, outcome, token and plugin row with it (ON DELETE
    CASCADE)."""
    spiegel.hook.meeting_erased(session=session, meeting_id=meeting_id)
    session.execute(delete(Meeting).where(Meeting.id == meeting_id))


def update_meeting(ctx: Ctx, data: MeetingUpdate) -> dict:
    m = ctx.meeting
    fields = data.model_dump(exclude_unset=True)
    if "durations" in fields:
        unknown = set(fields["durations"]) - {p.key for p in ctx.fmt.phases}
        if unknown:
            raise SpiegelError("unknown_phase", "The format has no phase with that key.")
        m.durations = {**(m.durations or {}), **fields.pop("durations")}
    for setting in SETTING_FIELDS:
        if setting in fields:
            m.settings = {**(m.settings or {}), setting: fields.pop(setting)}
    if "options" in fields:
        current = (m.settings or {}).get("options") or {}
        changed = format_options(ctx.fmt, fields.pop("options"), current)
        refuse_create_only_changes(ctx.fmt, format_options(ctx.fmt, {}, current), changed)
        m.settings = {**(m.settings or {}), "options": changed}
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


def sync(ctx: Ctx, _data: Empty) -> dict:
    return {"snapshot": ctx.spiegel.snapshot(ctx)}


@hookimpl
def register_events():
    return [
        ClientEvent("sync", Empty, sync, ANYONE, description="Ask for a fresh snapshot."),
        ClientEvent("meeting.update", MeetingUpdate, update_meeting, staff("setup")),
        ServerEvent("settings", frozenset({STAFF}), description="Meeting settings and durations changed."),
        ServerEvent("meeting.erased", frozenset({MEETING}),
                    description="The admin erased the meeting: tablets delete what they keep of it."),
        ServerEvent("snapshot", frozenset({AUTHOR}), private=True,
                    description="Everything the connecting participant may see (on every connect)."),
    ]
