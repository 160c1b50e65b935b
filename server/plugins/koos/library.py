"""The organisation's library of prepared question sets (drawn up from its guiding
principles), kept by the administrator and picked when a meeting is created."""

from __future__ import annotations

import secrets

from spiegel.api import AdminAction, Payload, SpiegelError
from sqlalchemy import select

from .models import KoosQuestionSet
from .payloads import QuestionSetRef, QuestionSetSave

#: Phases a prepared question may belong to: the KOOS format's, set by the package (the
#: format imports this module, not the other way round).
PHASES: set[str] = set()


def set_view(row: KoosQuestionSet) -> dict:
    return {"id": row.id, "name": row.name, "principle": row.principle, "items": list(row.items)}


def get_set(session, set_id: str) -> KoosQuestionSet:
    row = session.get(KoosQuestionSet, set_id)
    if row is None:
        raise SpiegelError("not_found", "No question set with that id in the library.")
    return row


def prepared_from(row: KoosQuestionSet) -> list[dict]:
    """The set's questions as a meeting's prepared questions (fresh ids per meeting)."""
    return [{"id": secrets.token_hex(4), "text": item["text"], "phase": item.get("phase")} for item in row.items]


def list_sets(session, _data, _now) -> dict:
    rows = session.scalars(select(KoosQuestionSet).order_by(KoosQuestionSet.name, KoosQuestionSet.created_at))
    return {"sets": [set_view(r) for r in rows]}


def save_set(session, data: QuestionSetSave, now: float) -> dict:
    unknown = {i.phase for i in data.items if i.phase is not None} - PHASES
    if unknown:
        raise SpiegelError("unknown_phase", f"The KOOS format has no phase {sorted(unknown)[0]!r}.")
    row = get_set(session, data.id) if data.id else None
    if row is None:
        row = KoosQuestionSet(id=secrets.token_hex(8), created_at=now)
        session.add(row)
    row.name, row.principle, row.updated_at = data.name, data.principle, now
    row.items = [{"text": i.text, "phase": i.phase} for i in data.items]
    session.flush()
    return {"set": set_view(row)}


def delete_set(session, data: QuestionSetRef, _now) -> dict:
    """Meetings made from the set keep their copy of its questions."""
    session.delete(get_set(session, data.id))
    return {"deleted": data.id}


class Nothing(Payload):
    pass


ACTIONS = [
    AdminAction("koos.question_sets.list", Nothing, list_sets, "The organisation's library of question sets."),
    AdminAction("koos.question_sets.save", QuestionSetSave, save_set, "Add a question set, or change one (id)."),
    AdminAction("koos.question_sets.delete", QuestionSetRef, delete_set, "Remove a set from the library."),
]
