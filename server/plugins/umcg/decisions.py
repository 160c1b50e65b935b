"""Decisions on the spot (recorded with who decided and when, shown to the room when the
moderator chooses) and actions for the improvement plan."""

from __future__ import annotations

from datetime import UTC, datetime

from spiegel.api import ClientId, Payload, SpiegelError, bounded_text
from sqlalchemy import select

from .models import Decision
from .plan import add_action

#: Phases in which the team and patients decide together.
DECIDING = ("dialogue", "plan")


class DecisionAdd(ClientId):
    text: bounded_text(2000)
    decided_by: bounded_text(120)
    point_id: bounded_text(36) | None = None
    #: Show it on the room display at once.
    show: bool = False


class DecisionShow(Payload):
    #: The decision to show to the room, or null to show none.
    id: bounded_text(36) | None = None


class PlanAction(Payload):
    text: bounded_text(2000)
    owner: bounded_text(120)
    due: bounded_text(40, 0) | None = None


def iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds")


def decision_view(d: Decision) -> dict:
    return {"id": d.id, "text": d.text, "decided_by": d.decided_by, "decided_at": iso(d.decided_at),
            "point_id": d.point_id, "version": d.version}


def public_view(d: Decision) -> dict:
    """What the room sees of a decision the moderator chose to show."""
    return {"id": d.id, "text": d.text, "decided_by": d.decided_by, "decided_at": iso(d.decided_at)}


def decisions(ctx) -> list[Decision]:
    return list(ctx.session.scalars(select(Decision).where(Decision.meeting_id == ctx.meeting.id)
                                    .order_by(Decision.decided_at)))


def shown(ctx) -> Decision | None:
    shown_id = (ctx.meeting.settings or {}).get("umcg_shown")
    d = ctx.session.get(Decision, shown_id) if shown_id else None
    return d if d is not None and d.meeting_id == ctx.meeting.id else None


def _show(ctx, d: Decision | None) -> None:
    ctx.meeting.settings = {**(ctx.meeting.settings or {}), "umcg_shown": d.id if d else None}
    ctx.to_meeting("umcg.shown", {"version": ctx.version(), "decision": public_view(d) if d else None})


def replay_decide(ctx, data: DecisionAdd) -> dict | None:
    stored = ctx.session.get(Decision, data.id)
    if stored is None:
        return None
    if stored.meeting_id != ctx.meeting.id:
        raise SpiegelError("id_conflict")
    return {"decision": decision_view(stored), "duplicate": True}


def decide(ctx, data: DecisionAdd) -> dict:
    """Record a decision taken on the spot, with who decided and when (now)."""
    replayed = replay_decide(ctx, data)
    if replayed:
        return replayed
    if ctx.phase.key not in DECIDING:
        raise SpiegelError("not_allowed_in_phase", "Decisions on the spot are taken in the dialogue.")
    d = Decision(id=data.id, meeting_id=ctx.meeting.id, text=data.text, decided_by=data.decided_by,
                 decided_at=ctx.now, point_id=data.point_id, version=ctx.version())
    ctx.session.add(d)
    ctx.to_staff("umcg.decision", {"version": d.version, "decision": decision_view(d)})
    if data.show:
        _show(ctx, d)
    return {"decision": decision_view(d), "duplicate": False}


def show(ctx, data: DecisionShow) -> dict:
    """Show one decision on the room display (the moderator chooses), or none."""
    d = None
    if data.id is not None:
        d = ctx.session.get(Decision, data.id)
        if d is None or d.meeting_id != ctx.meeting.id:
            raise SpiegelError("not_found", "No decision with that id in this meeting.")
    _show(ctx, d)
    return {"shown": public_view(d) if d else None}


def add_plan_action(ctx, data: PlanAction) -> dict:
    """A point that cannot be solved at once goes to the project group's improvement plan."""
    return {"action": add_action(ctx, data.text, data.owner, data.due)}
