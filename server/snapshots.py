"""What each recipient may see, built on the server per recipient.

A participant's payload is made from that participant's own rows only: nothing here can put
one listener's writing on another listener's socket, whatever the page does. The format's
``snapshot_part`` and every plugin's ``snapshot_part`` hook are asked per recipient too.
"""

from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import bindparam, select

from . import hot_sql, wire_views
from .context import Ctx
from .errors import SpiegelError
from .formats import MeetingFormat
from .models import Meeting, Note, Participant
from .outcomes import all_outcomes
from .plain import Plain
from .questions import asking_view, own_questions, staff_questions
from .rounds import current_poll, own_answers, poll_results, turns_view
from .timer import of as timer_of
from .views import meeting_view, ms, note_view, poll_view, prompt_view

#: Which page of the client a role opens (the plugin modules it loads are per page).
PAGE_OF_ROLE = {"moderator": "moderator", "assistant": "moderator", "display": "display"}
#: A tablet's own notes, as plain rows (``note_view`` reads columns): built once, no ORM rows.
_N = Note.__table__.c
_OWN_NOTES = hot_sql.Hot(select(*_N).where(_N.participant_id == bindparam("participant_id")).order_by(_N.created_at))
_P, _M = Participant.__table__.c, Meeting.__table__.c
#: What a tablet's snapshot reads of its participant and meeting, as one Core row: the ORM load
#: of both rows was the largest part of a reconnect (bench/RESULTS.md, session 11).
_ME = ("id", "role", "name", "discipline", "number", "rights", "turn_state", "turn_since")
_READ = hot_sql.Hot(select(*(_P[c].label(f"p_{c}") for c in _ME), *(c.label(f"m_{c.key}") for c in _M))
                    .join_from(Participant.__table__, Meeting.__table__, _M.id == _P.meeting_id)
                    .where(_P.id == bindparam("participant_id")))


def phase_view(ctx: Ctx) -> dict:
    phase = ctx.phase
    view = wire_views.phase_view(ctx.fmt, phase, ctx.meeting.language, ctx.duration_of(phase))
    view.update(index=ctx.fmt.index(phase.key), started_at=ms(ctx.meeting.phase_started_at))
    return view


def room_view(m) -> dict:
    """What the room display shows besides the phase: the timer only when the moderator chose so
    (a big countdown puts the inner circle under pressure; off by default)."""
    return {"timer": bool((m.settings or {}).get("display_timer", False))}


def state_payload(ctx: Ctx) -> dict:
    """The public part: the same for every participant. It holds nobody's writing except the
    one question the moderator put up as "now asking", and that without its author."""
    m = ctx.meeting
    return {
        "version": m.version,
        "server_time": ms(ctx.now),
        "meeting": meeting_view(m),
        "phase": phase_view(ctx),
        "timer": timer_of(m).to_wire(),
        "prompt": prompt_view(m),
        "poll": poll_view(current_poll(ctx)),
        "asking": asking_view(ctx),
        "room": room_view(m),
    }


def label_of(ctx: Ctx, p) -> str:
    return ctx.label_of(p)


def client_part(ctx: Ctx, page: str) -> dict:
    """The ES modules and stylesheets this recipient's page loads: the format's, then other
    plugins' (a ``page_modules`` URL ending in ``.css`` is a stylesheet)."""
    modules = list(dict(ctx.fmt.modules or {}).get(page, ()))
    styles = list(dict(getattr(ctx.fmt, "styles", None) or {}).get(page, ()))
    for urls in ctx.spiegel.hook.page_modules(page=page, meeting=ctx.meeting, format=ctx.fmt):
        for url in urls or ():
            into = styles if str(url).split("?")[0].endswith(".css") else modules
            if url not in into:
                into.append(url)
    return {"page": page, "modules": modules, "styles": styles}


class _Reading(Plain):
    """``ctx`` with its meeting and participant as plain values read by :data:`_READ`: the
    core's parts of a tablet's snapshot only read them."""

    def __init__(self, ctx: Ctx):
        row = _READ.row(ctx.connection, {"participant_id": ctx.participant_id})
        if row is None:
            raise SpiegelError("token_unknown")  # erased since it signed in, in this transaction
        row = row._asdict()
        super().__init__(ctx, meeting=SimpleNamespace(**{c.key: row[f"m_{c.key}"] for c in _M}),
                         participant=SimpleNamespace(**{c: row[f"p_{c}"] for c in _ME}))


def _reads_plainly(ctx: Ctx) -> bool:
    """Whether the snapshot may read the meeting and the tablet as plain values: a context whose
    rows nobody loaded (a handler may have changed them), whose format adds no part of its own
    and with no plugin's ``snapshot_part`` or ``page_modules`` (they get the ORM rows, as ever)."""
    hook = ctx.spiegel.hook
    return (ctx.loaded_meeting is None and ctx.participant_id is not None and ctx.role not in PAGE_OF_ROLE
            and getattr(ctx.fmt.snapshot_part, "__func__", None) is MeetingFormat.snapshot_part.__func__
            and not hook.snapshot_part.get_hookimpls() and not hook.page_modules.get_hookimpls())


def snapshot(ctx: Ctx) -> dict:
    """Everything one participant may see, for a (re)connect or a `sync`."""
    read = _Reading(ctx) if _reads_plainly(ctx) else ctx
    p = read.participant
    assert p is not None
    snap = state_payload(read)
    page = PAGE_OF_ROLE.get(p.role, "participant")
    snap.update(
        role=p.role,
        me={"id": p.id, "role": p.role, "name": p.name, "discipline": p.discipline,
            "label": label_of(read, p), "rights": list(p.rights or [])},
        format=wire_views.format_view(ctx.fmt, read.meeting.language, read.meeting.durations),
        client=client_part(read, page),
    )
    if page == "participant":
        # On the transaction's connection unless a Session holds changes not yet flushed.
        reader = ctx.connection if ctx.unit.opened is None else ctx.session
        notes = _OWN_NOTES.rows(reader, {"participant_id": p.id})
        snap.update(
            kind=p.role,
            notes=[note_view(n) for n in notes],
            questions=own_questions(read, p.id),
            turn={"state": p.turn_state, "since": ms(p.turn_since)},
            answers=own_answers(read, p.id),
        )
    elif page == "moderator":
        snap.update(
            questions=staff_questions(ctx),
            presence=ctx.spiegel.presence.view(ctx),
            prepared=list(ctx.meeting.prepared or []),
            outcomes=all_outcomes(ctx),
            outcome_kinds=[k.to_wire(ctx.meeting.language) for k in ctx.outcome_kinds],
            turns=turns_view(ctx),
            poll_results=poll_results(ctx, current_poll(ctx)),
            settings=dict(ctx.meeting.settings or {}),
            durations=dict(ctx.meeting.durations or {}),
            timer_expired=timer_of(ctx.meeting).expired(ctx.now),
            join_url=ctx.spiegel.join_url(ctx.meeting.code),
        )
        if ctx.meeting.state in ("ended", "archived"):
            snap["shared_notes"] = shared_notes(ctx)
    else:
        snap["join_url"] = ctx.spiegel.join_url(ctx.meeting.code)
    own = ctx.fmt.snapshot_part(ctx)
    if own is not None:
        snap["format_data"] = own
    parts = {}
    for impl in ctx.spiegel.pm.hook.snapshot_part.get_hookimpls():
        part = impl.function(ctx)
        if part is not None:
            parts[ctx.spiegel.pm.get_name(impl.plugin)] = part
    if parts:
        snap["plugins"] = parts
    return snap


def shared_notes(ctx: Ctx) -> list[dict]:
    """Notes their authors chose to share, without author: the report gets text only."""
    rows = ctx.session.scalars(
        select(Note).where(Note.meeting_id == ctx.meeting.id, Note.shared.is_(True)).order_by(Note.created_at)
    ).all()
    return [{"id": n.id, "text": n.text, "tags": list(n.tags or [])} for n in rows]
