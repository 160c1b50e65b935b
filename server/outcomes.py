"""Outcomes captured by staff while people speak: what went well, improvement points, wishes,
decisions, priorities and actions, and the kinds the meeting's format adds. They are what the
report and the follow-up are made of; each remembers the phase it was captured in."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from .context import Ctx
from .errors import SpiegelError
from .formats import OutcomeKind
from .hookspecs import hookimpl
from .models import Outcome, Participant
from .outbox import STAFF
from .permissions import staff
from .registry import ClientEvent, ServerEvent
from .schemas import ItemRef, OutcomeAdd, OutcomeEdit, validate
from .views import outcome_view


def require_kind(kinds: tuple[OutcomeKind, ...], kind: str | None) -> None:
    """Refuse a kind the meeting's format does not have, listing those it has (never echoing
    what was sent: it may be anything)."""
    if kind is not None and kind not in {k.name for k in kinds}:
        names = [k.name for k in kinds]
        raise SpiegelError("unknown_outcome_kind", f"This meeting's format has no such outcome kind; it has: "
                           f"{', '.join(names)}.", [{"field": "kind", "problem": "unknown_outcome_kind",
                                                      "allowed": names}])


def _changed(ctx: Ctx, o: Outcome) -> dict:
    o.version, o.updated_at = ctx.version(), ctx.now
    view = outcome_view(o)
    ctx.to_staff("outcome", {"version": o.version, "outcome": view})
    return view


def add_outcome(ctx: Ctx, data: OutcomeAdd) -> dict:
    existing = ctx.resent(Outcome, data.id, per_participant=False)
    if existing is not None:
        return {"outcome": outcome_view(existing), "duplicate": True}
    require_kind(ctx.outcome_kinds, data.kind)
    o = Outcome(id=data.id, meeting_id=ctx.meeting.id, author_id=ctx.participant.id, kind=data.kind,
                text=data.text, owner=data.owner or None, due=data.due or None, phase_key=ctx.meeting.phase_key,
                status="open" if data.kind == "action" else None, note_ids=[], created_at=ctx.now,
                updated_at=ctx.now, version=ctx.version())
    if not ctx.insert_once(o):
        return {"outcome": outcome_view(ctx.resent(Outcome, data.id, per_participant=False)), "duplicate": True}
    return {"outcome": _changed(ctx, o), "duplicate": False}


def add_outcome_row(ctx: Ctx, kind: str, text: str, owner: str | None = None, due: str | None = None) -> dict:
    """Capture an outcome from a plugin's handler (public API ``spiegel.api.add_outcome``): an
    improvement point, decision, priority, action or a kind the format has (else
    ``unknown_outcome_kind``), with what staff see of it sent to staff.
    It is the same outcome the moderator captures, so the report and follow-up take it."""
    data = validate(OutcomeAdd, {"id": str(uuid.uuid4()), "kind": kind, "text": text, "owner": owner or None,
                                 "due": due or None})
    require_kind(ctx.outcome_kinds, data.kind)
    author = ctx.participant.id if ctx.participant is not None and ctx.is_staff else _moderator_id(ctx)
    o = Outcome(id=data.id, meeting_id=ctx.meeting.id, author_id=author, kind=data.kind, text=data.text,
                owner=data.owner or None, due=data.due or None, phase_key=ctx.meeting.phase_key,
                status="open" if data.kind == "action" else None, note_ids=[], created_at=ctx.now,
                updated_at=ctx.now, version=ctx.version())
    ctx.session.add(o)
    return _changed(ctx, o)


def _moderator_id(ctx: Ctx) -> str:
    return ctx.session.scalar(select(Participant.id).where(Participant.meeting_id == ctx.meeting.id,
                                                           Participant.role == "moderator"))


def edit_outcome(ctx: Ctx, data: OutcomeEdit) -> dict:
    o = ctx.item(Outcome, data.id)
    require_kind(ctx.outcome_kinds, data.kind)
    for key, value in data.model_dump(exclude_unset=True, exclude={"id"}).items():
        if key == "text" and value is None:
            continue
        setattr(o, key, value or None if key in ("owner", "due") else value)
    if o.kind == "action" and o.status is None:
        o.status = "open"
    return {"outcome": _changed(ctx, o)}


def delete_outcome(ctx: Ctx, data: ItemRef) -> dict:
    o = ctx.item(Outcome, data.id)
    ctx.session.delete(o)
    version = ctx.version()
    ctx.to_staff("outcome.removed", {"version": version, "id": o.id})
    return {"id": o.id}


def all_outcomes(ctx: Ctx, kind: str | None = None) -> list[dict]:
    """The meeting's outcomes in the order captured (public API ``spiegel.api.outcomes``),
    optionally of one kind."""
    query = select(Outcome).where(Outcome.meeting_id == ctx.meeting.id).order_by(Outcome.created_at)
    if kind is not None:
        query = query.where(Outcome.kind == kind)
    rows = ctx.session.scalars(query).all()
    return [outcome_view(o) for o in rows]


@hookimpl
def register_events():
    return [
        ClientEvent("outcome.add", OutcomeAdd, add_outcome, staff("outcomes")),
        ClientEvent("outcome.edit", OutcomeEdit, edit_outcome, staff("outcomes")),
        ClientEvent("outcome.delete", ItemRef, delete_outcome, staff("outcomes")),
        ServerEvent("outcome", frozenset({STAFF}), description="An outcome was captured or edited."),
        ServerEvent("outcome.removed", frozenset({STAFF}), description="An outcome was deleted."),
    ]
