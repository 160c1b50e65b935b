"""Outcomes after the meeting: the moderator edits them, actions move through their statuses
with dated progress notes. Kept apart from the live capture (``spiegel.outcomes``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import SpiegelError
from ..models import Note, Outcome
from .model import ACTION_STATUSES
from .tables import ActionUpdate


def outcome_of(session: Session, meeting_id: str, outcome_id: str) -> Outcome:
    o = session.get(Outcome, outcome_id)
    if o is None or o.meeting_id != meeting_id:
        raise SpiegelError("not_found", "No outcome with that id in this meeting.")
    return o


def edit(session: Session, o: Outcome, fields: dict, now: float, by_role: str) -> Outcome:
    """Apply an edit; a status change of an action is also logged as a dated progress step."""
    if "note_ids" in fields:
        ids = list(dict.fromkeys(fields["note_ids"] or []))
        shared = set(session.scalars(select(Note.id).where(Note.meeting_id == o.meeting_id, Note.id.in_(ids),
                                                           Note.shared.is_(True)))) if ids else set()
        if set(ids) - shared:
            raise SpiegelError("not_found", "Outcomes link only to notes their authors shared.")
        o.note_ids = ids
    for key in ("kind", "text", "owner", "due", "score"):
        if key in fields:
            setattr(o, key, fields[key] if fields[key] != "" else None)
    if "phase" in fields:
        o.phase_key = fields["phase"] or None
    if o.kind == "action" and o.status is None:
        o.status = "open"
    if "status" in fields and fields["status"] != o.status:
        if o.kind != "action":
            raise SpiegelError("invalid_transition", "Only actions have a status.")
        o.status = fields["status"]
        session.add(ActionUpdate(outcome_id=o.id, at=now, status=o.status, text="", by_role=by_role))
    o.updated_at = now
    return o


def add_progress(session: Session, o: Outcome, text: str, status: str | None, now: float, by_role: str) -> dict:
    """A dated progress note on an action, optionally moving its status."""
    if o.kind != "action":
        raise SpiegelError("invalid_transition", "Progress notes belong to actions.")
    if status is not None:
        if status not in ACTION_STATUSES:
            raise SpiegelError("invalid_payload", "Unknown action status.")
        o.status = status
    session.add(ActionUpdate(outcome_id=o.id, at=now, status=status, text=text, by_role=by_role))
    o.updated_at = now
    return {"status": o.status}
