"""Outcomes captured by staff while people speak: improvement points, decisions, priorities
and actions. They are what the report and the follow-up are made of."""

from __future__ import annotations

from sqlalchemy import select

from .context import Ctx
from .hookspecs import hookimpl
from .models import Outcome
from .outbox import STAFF
from .permissions import staff
from .registry import ClientEvent, ServerEvent
from .schemas import ItemRef, OutcomeAdd, OutcomeEdit
from .views import outcome_view


def _changed(ctx: Ctx, o: Outcome) -> dict:
    o.version, o.updated_at = ctx.version(), ctx.now
    view = outcome_view(o)
    ctx.to_staff("outcome", {"version": o.version, "outcome": view})
    return view


def add_outcome(ctx: Ctx, data: OutcomeAdd) -> dict:
    existing = ctx.resent(Outcome, data.id, per_participant=False)
    if existing is not None:
        return {"outcome": outcome_view(existing), "duplicate": True}
    o = Outcome(id=data.id, meeting_id=ctx.meeting.id, author_id=ctx.participant.id, kind=data.kind,
                text=data.text, owner=data.owner or None, due=data.due or None, created_at=ctx.now,
                updated_at=ctx.now, version=ctx.version())
    if not ctx.insert_once(o):
        return {"outcome": outcome_view(ctx.resent(Outcome, data.id, per_participant=False)), "duplicate": True}
    return {"outcome": _changed(ctx, o), "duplicate": False}


def edit_outcome(ctx: Ctx, data: OutcomeEdit) -> dict:
    o = ctx.item(Outcome, data.id)
    for key, value in data.model_dump(exclude_unset=True, exclude={"id"}).items():
        if key == "text" and value is None:
            continue
        setattr(o, key, value or None if key in ("owner", "due") else value)
    return {"outcome": _changed(ctx, o)}


def delete_outcome(ctx: Ctx, data: ItemRef) -> dict:
    o = ctx.item(Outcome, data.id)
    ctx.session.delete(o)
    version = ctx.version()
    ctx.to_staff("outcome.removed", {"version": version, "id": o.id})
    return {"id": o.id}


def all_outcomes(ctx: Ctx) -> list[dict]:
    rows = ctx.session.scalars(
        select(Outcome).where(Outcome.meeting_id == ctx.meeting.id).order_by(Outcome.created_at)).all()
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
