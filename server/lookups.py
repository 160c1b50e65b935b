"""Report-safe reads for plugins (``spiegel.api``): plain dicts, never rows.

A format often needs what the meeting produced so far: the outcomes staff captured, the
notes their authors chose to share, the participants of a kind, or what another meeting may
put in its report (KOOS's reflection meeting gathers that from several mirror meetings).
These helpers give exactly that and nothing more: no private note, no author of a shared
note, so a plugin cannot leak by reaching for a row it should not see.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from .context import Ctx
from .errors import SpiegelError
from .models import Meeting, Note, Outcome, Participant
from .sections import collect_sections
from .views import meeting_view, ms, note_view, outcome_view


def _meeting_id(ctx: Ctx, meeting_id: str | None) -> str:
    return meeting_id or ctx.meeting.id


def shared_notes(ctx: Ctx, meeting_id: str | None = None) -> list[dict]:
    """Notes their authors shared, without author: ``[{id, text, tags}]`` in writing order."""
    rows = ctx.session.scalars(select(Note).where(Note.meeting_id == _meeting_id(ctx, meeting_id),
                                                  Note.shared.is_(True)).order_by(Note.created_at, Note.id))
    return [{"id": n.id, "text": n.text, "tags": list(n.tags or [])} for n in rows]


def outcomes(ctx: Ctx, kind: str | None = None, *, meeting_id: str | None = None,
             kinds: Iterable[str] | None = None) -> list[dict]:
    """Outcomes staff captured (improvement points, decisions, priorities, actions), in the
    order captured: of one ``kind``, or of several ``kinds``; of this meeting or ``meeting_id``."""
    query = select(Outcome).where(Outcome.meeting_id == _meeting_id(ctx, meeting_id))
    if kind is not None:
        query = query.where(Outcome.kind == kind)
    if kinds is not None:
        query = query.where(Outcome.kind.in_(list(kinds)))
    return [outcome_view(o) for o in ctx.session.scalars(query.order_by(Outcome.created_at, Outcome.id))]


def own_notes(ctx: Ctx, participant_id: str) -> list[dict]:
    """One participant's own notes, for that participant's own screen only (send them with a
    ``private=True`` event to ``PARTICIPANT``, never to the room)."""
    rows = ctx.session.scalars(select(Note).where(Note.meeting_id == ctx.meeting.id,
                                                  Note.participant_id == participant_id)
                               .order_by(Note.created_at, Note.id))
    return [note_view(n) for n in rows]


def participants(ctx: Ctx, kind: str = "listener") -> list[dict]:
    """Participants of one kind in join order: ``[{id, label, number, joined_at}]`` (the label
    is the anonymous "Luisteraar 3", or the name a listener chose to give)."""
    from .snapshots import label_of  # the label rule lives with the snapshot

    rows = ctx.session.scalars(select(Participant).where(
        Participant.meeting_id == ctx.meeting.id, Participant.role == kind, Participant.revoked.is_(False))
        .order_by(Participant.number, Participant.created_at))
    return [{"id": p.id, "label": label_of(ctx, p), "number": p.number, "joined_at": ms(p.created_at)}
            for p in rows]


def meetings(ctx: Ctx, formats: Iterable[str] | None = None, states: Iterable[str] | None = None) -> list[dict]:
    """Other meetings on this server (never this one), newest first, as their public view."""
    query = select(Meeting).where(Meeting.id != ctx.meeting.id)
    if formats is not None:
        query = query.where(Meeting.format.in_(list(formats)))
    if states is not None:
        query = query.where(Meeting.state.in_(list(states)))
    return [{**meeting_view(m), "created_at": ms(m.created_at), "settings": dict(m.settings or {})}
            for m in ctx.session.scalars(query.order_by(Meeting.created_at.desc()))]


def report_data(ctx: Ctx, meeting_id: str) -> dict:
    """What another meeting may put in its report: its public view, the notes shared for the
    report, the outcomes and the report sections of its format and plugins. Never a private
    note, never who wrote anything."""
    other = ctx.session.get(Meeting, meeting_id)
    if other is None or other.format not in ctx.spiegel.formats:
        raise SpiegelError("not_found", "No meeting with that id.")
    other_ctx = ctx.spiegel.context(ctx.session, other)
    return {"meeting": {**meeting_view(other), "created_at": ms(other.created_at)},
            "shared_notes": shared_notes(ctx, other.id), "outcomes": outcomes(ctx, meeting_id=other.id),
            "sections": collect_sections(other_ctx)}
