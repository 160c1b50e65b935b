"""Clarifying questions: parked by listeners, chosen and ordered by the moderator.

Statuses: parked → selected → asked, or dismissed / withdrawn / merged. The author sees
their own question's status and place in the asking order; staff see the whole queue.
Nobody else sees a listener's question, except the one question the moderator puts up as
"now asking" (:func:`set_asking`): its text, without its author, goes to the room display and
every tablet, because the inner circle has no device and must hear which question is asked.

Every staff step can be taken back (the moderator screen offers "Ongedaan maken"): asked →
selected, dismissed → parked, and merged → the status the question had before the merge.
"""

from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import bindparam, func, select

from .context import Ctx
from .errors import SpiegelError
from .hookspecs import hookimpl
from .models import Meeting, Participant, Question
from .outbox import PARTICIPANT, STAFF
from .permissions import ANY, participant, staff
from .registry import ClientEvent, ServerEvent
from .schemas import (
    ItemRef,
    QuestionAdd,
    QuestionAsking,
    QuestionEdit,
    QuestionMerge,
    QuestionReorder,
    QuestionUpdate,
)
from .views import question_view

STAFF_TRANSITIONS = {
    "parked": {"selected", "dismissed"},
    "selected": {"parked", "asked", "dismissed"},
    "asked": {"selected"},
    "dismissed": {"parked"},
    # Undoing a merge: the question comes back on its own, with its old place in the order.
    "merged": {"parked", "selected", "dismissed"},
}

#: One participant's own questions (ORM rows: a merged one's view looks up its target), built once.
_OWN_QUESTIONS = (select(Question).where(Question.participant_id == bindparam("participant_id"))
                  .order_by(Question.created_at))
#: The same as plain rows (``question_view`` reads columns): a tablet's snapshot makes no ORM rows.
_q = Question.__table__.c
_OWN_QUESTION_ROWS = (select(*Question.__table__.c).where(_q.participant_id == bindparam("participant_id"))
                      .order_by(_q.created_at))

_p, _m = Participant.__table__.c, Meeting.__table__.c
#: What a new question's staff view needs of its author and meeting, and the end of the queue,
#: in one Core row (``question_view`` reads these as attributes).
_AUTHOR = (select(_p.id, _p.name, _p.discipline, _p.number, _m.language,
                  select(func.max(_q.order)).where(_q.meeting_id == bindparam("meeting_id"))
                  .scalar_subquery().label("last"))
           .join_from(Participant.__table__, Meeting.__table__, _m.id == _p.meeting_id)
           .where(_p.id == bindparam("participant_id")))

_LOCK_MEETING = select(_m.id).where(_m.id == bindparam("meeting_id")).with_for_update()

#: The meeting setting that holds the question put up as "now asking" (no schema change).
ASKING = "asking_id"


def positions(ctx: Ctx) -> dict[str, int]:
    """Asking order of the selected questions: 1, 2, 3 … by the moderator's order."""
    rows = ctx.session.scalars(
        select(Question.id).where(Question.meeting_id == ctx.meeting.id, Question.status == "selected")
        .order_by(Question.order, Question.created_at)
    ).all()
    return {qid: i + 1 for i, qid in enumerate(rows)}


def staff_questions(ctx: Ctx) -> list[dict]:
    """The whole queue with authors, for staff."""
    rows = ctx.session.execute(
        select(Question, Participant).join(Participant, Question.participant_id == Participant.id)
        .where(Question.meeting_id == ctx.meeting.id).order_by(Question.order, Question.created_at)
    ).all()
    pos = positions(ctx)
    return [question_view(q, pos.get(q.id), author, ctx.meeting.language) for q, author in rows]


def position(ctx: Ctx, q: Question) -> int | None:
    """One question's place in the asking order: only selected questions have one."""
    return positions(ctx).get(q.id) if q.status == "selected" else None


def staff_question(ctx: Ctx, q: Question, place: int | None = None) -> dict:
    author = ctx.session.get(Participant, q.participant_id)
    return question_view(q, position(ctx, q) if place is None else place, author, ctx.meeting.language)


def own_questions(ctx: Ctx, participant_id: str) -> list[dict]:
    """One participant's own questions, as their author sees them."""
    session, ids = ctx.unit.opened, {"participant_id": participant_id}
    rows = None
    if session is None or not (session.new or session.dirty or session.deleted):
        rows = ctx.connection.execute(_OWN_QUESTION_ROWS, ids).all()
        if any(q.merged_into is not None for q in rows):  # whose target is theirs: the ORM's way
            rows = None
    if rows is None:
        rows = ctx.session.scalars(_OWN_QUESTIONS, ids).all()
    pos = positions(ctx) if any(q.status == "selected" for q in rows) else {}  # most tablets: none selected
    return [question_view(q, pos.get(q.id)) for q in rows]


def _publish(ctx: Ctx, q: Question) -> None:
    """Tell the author (own view) and staff (staff view) about one question."""
    version, place = q.version, position(ctx, q)
    ctx.to_participant(q.participant_id, "question", {"version": version, "question": question_view(q, place)})
    ctx.to_staff("question", {"version": version, "question": staff_question(ctx, q, place)})


def _publish_queue(ctx: Ctx, changed: list[Question], before: dict[str, int]) -> None:
    """After a queue change: the whole queue to staff; to each author whose question changed
    or moved in the asking order, that question with a newer version (so the tablet takes it)."""
    after = positions(ctx)
    touched = {q.id: q for q in changed}
    for qid in {*before, *after} - touched.keys():
        if before.get(qid) != after.get(qid):
            moved = ctx.session.get(Question, qid)
            _touch(ctx, moved)
            touched[qid] = moved
    for q in touched.values():
        ctx.to_participant(q.participant_id, "question",
                           {"version": q.version, "question": question_view(q, after.get(q.id))})
    ctx.to_staff("queue", {"version": ctx.meeting.version, "questions": staff_questions(ctx)})


def _lock_the_queue(ctx: Ctx) -> None:
    """Read the end of the queue under the meeting's row lock on PostgreSQL: several workers add
    and select questions at once there, and two that read the same highest order took the same
    place. SQLite's writers take turns, so it needs no lock and is spared the statement."""
    if ctx.connection.dialect.name == "postgresql":
        ctx.connection.execute(_LOCK_MEETING, {"meeting_id": ctx.meeting_id})


def _touch(ctx: Ctx, q: Question) -> None:
    q.version, q.updated_at = ctx.version(), ctx.now


def replay_question(ctx: Ctx, data: QuestionAdd) -> dict | None:
    """A resend of a stored question returns it as it is now (status, place in the order)."""
    stored = ctx.resent(Question, data.id)
    return {"question": question_view(stored, positions(ctx).get(stored.id)), "duplicate": True} if stored else None


def add_question(ctx: Ctx, data: QuestionAdd) -> dict:
    """Park a question once per client UUID, as ``note.add`` stores a note: the INSERT itself
    finds a resend (its id taken; ``answers_resend`` below), and neither the new question nor
    its author nor the meeting is an ORM row. Their ORM loads, the Session and its flush were
    two thirds of a question (bench/RESULTS.md, session 13)."""
    _lock_the_queue(ctx)
    author = ctx.connection.execute(_AUTHOR, {"participant_id": ctx.participant_id,
                                              "meeting_id": ctx.meeting_id}).one()
    q = SimpleNamespace(id=data.id, meeting_id=ctx.meeting_id, participant_id=ctx.participant_id, text=data.text,
                        status="parked", triage="clarifying", prepared_id=None, reason=None,
                        order=(author.last or 0) + 1, merged_into=None, asked_at=None, version=None,
                        created_at=ctx.now, updated_at=ctx.now)
    if not ctx.insert_new(Question, vars(q)):
        return replay_question(ctx, data)
    # Parked: no place in the asking order yet.
    ctx.to_participant(q.participant_id, "question", {"version": q.version, "question": question_view(q, None)})
    ctx.to_staff("question", {"version": q.version, "question": question_view(q, None, author, author.language)})
    return {"question": question_view(q, None), "duplicate": False}


def edit_question(ctx: Ctx, data: QuestionEdit) -> dict:
    q = ctx.item(Question, data.id, own=True)
    if q.status != "parked":
        raise SpiegelError("question_locked", f"The question is {q.status} and can no longer be edited.")
    q.text = data.text
    _touch(ctx, q)
    _publish(ctx, q)
    return {"question": question_view(q, None)}


def delete_question(ctx: Ctx, data: ItemRef) -> dict:
    q = ctx.item(Question, data.id, own=True)
    if q.status != "parked":
        raise SpiegelError("question_locked",
                           f"The moderator has {q.status} this question; withdraw it instead of deleting it."
                           if q.status == "selected" else f"The question is {q.status} and can no longer be deleted.")
    ctx.session.delete(q)
    version = ctx.version()
    ctx.to_participant(q.participant_id, "question.removed", {"version": version, "id": q.id})
    ctx.to_staff("question.removed", {"version": version, "id": q.id})
    return {"id": q.id}


def withdraw_question(ctx: Ctx, data: ItemRef) -> dict:
    q = ctx.item(Question, data.id, own=True)
    if q.status not in ("parked", "selected"):
        raise SpiegelError("invalid_transition", f"A question that is {q.status} cannot be withdrawn.")
    before = positions(ctx)
    q.status = "withdrawn"
    _stop_asking(ctx, q.id)
    _touch(ctx, q)
    _publish_queue(ctx, [q], before)
    return {"question": question_view(q, None)}


def update_question(ctx: Ctx, data: QuestionUpdate) -> dict:
    q = ctx.item(Question, data.id)
    before = positions(ctx)
    fields = data.model_dump(exclude_unset=True, exclude={"id"})
    if "triage" in fields:
        q.triage = fields["triage"]
        if q.triage != "clarifying" and q.status == "selected":
            q.status = "parked"
    if "prepared_id" in fields:
        if fields["prepared_id"] is not None and fields["prepared_id"] not in {
                p["id"] for p in ctx.meeting.prepared or []}:
            raise SpiegelError("not_found", "No prepared question has that id.")
        q.prepared_id = fields["prepared_id"]
    if "reason" in fields:
        q.reason = fields["reason"] or None
    status = fields.get("status")
    if status is not None and status != q.status:
        if status not in STAFF_TRANSITIONS.get(q.status, set()):
            raise SpiegelError("invalid_transition", f"A {q.status} question cannot become {status}.")
        if status == "selected" and q.triage != "clarifying":
            raise SpiegelError("invalid_transition", "Only clarifying questions can be selected now.")
        if status == "selected" and q.status == "parked":
            # Newly selected questions join the end of the asking order.
            _lock_the_queue(ctx)
            last = ctx.session.scalar(select(func.max(Question.order)).where(
                Question.meeting_id == ctx.meeting.id, Question.status == "selected"))
            q.order = (last or 0) + 1
        if q.status == "merged":
            q.merged_into = None
        q.status = status
        q.asked_at = ctx.now if status == "asked" else None
    if q.status != "selected":
        _stop_asking(ctx, q.id)
    _touch(ctx, q)
    _publish_queue(ctx, [q], before)
    return {"question": staff_question(ctx, q)}


def reorder_questions(ctx: Ctx, data: QuestionReorder) -> dict:
    """Give the listed questions orders 1, 2, 3 …; unlisted ones keep theirs after them."""
    rows = {q.id: q for q in ctx.session.scalars(select(Question).where(Question.meeting_id == ctx.meeting.id))}
    missing = [qid for qid in data.ids if qid not in rows]
    if missing:
        raise SpiegelError("not_found", "A listed id is no question of this meeting.")
    if len(set(data.ids)) != len(data.ids):
        raise SpiegelError("invalid_payload", "An id appears twice in the order.",
                           [{"field": "ids", "problem": "duplicate"}])
    before = positions(ctx)
    version = ctx.version()
    listed = set(data.ids)
    rest = sorted((q for q in rows.values() if q.id not in listed), key=lambda q: (q.order, q.created_at))
    for i, qid in enumerate([*data.ids, *(q.id for q in rest)], start=1):
        q = rows[qid]
        if q.order != i:
            q.order, q.version, q.updated_at = i, version, ctx.now
    _publish_queue(ctx, [], before)
    return {"questions": staff_questions(ctx)}


def merge_questions(ctx: Ctx, data: QuestionMerge) -> dict:
    """Fold duplicates into one question; their authors see "merged with a similar question"."""
    target = ctx.item(Question, data.into)
    before = positions(ctx)
    if target.status in ("merged", "withdrawn"):
        raise SpiegelError("invalid_transition", f"Cannot merge into a {target.status} question.")
    merged = []
    for qid in dict.fromkeys(data.ids):
        if qid == target.id:
            continue
        q = ctx.item(Question, qid)
        if q.status not in ("parked", "selected", "dismissed"):
            raise SpiegelError("invalid_transition", f"A {q.status} question cannot be merged.")
        q.status, q.merged_into = "merged", target.id
        _stop_asking(ctx, q.id)
        _touch(ctx, q)
        merged.append(q)
    _touch(ctx, target)
    _publish_queue(ctx, [target, *merged], before)
    return {"questions": staff_questions(ctx)}


def asking_view(ctx: Ctx) -> dict | None:
    """The question the moderator put up as "now asking": its text only, never who wrote it."""
    qid = (ctx.meeting.settings or {}).get(ASKING)
    q = ctx.session.get(Question, qid) if qid else None
    if q is None or q.meeting_id != ctx.meeting.id or q.status != "selected":
        return None
    return {"id": q.id, "text": q.text}


def _stop_asking(ctx: Ctx, question_id: str) -> None:
    """A question that leaves the asking order is no longer on the wall."""
    if (ctx.meeting.settings or {}).get(ASKING) == question_id:
        ctx.meeting.settings = {k: v for k, v in (ctx.meeting.settings or {}).items() if k != ASKING}
        ctx.version()
        ctx.broadcast_state()


def set_asking(ctx: Ctx, data: QuestionAsking) -> dict:
    """Put one selected question up as "now asking" (or, with ``id`` null, take it down).

    The room display and every tablet get its text in the public state, never its author.
    """
    settings = {k: v for k, v in (ctx.meeting.settings or {}).items() if k != ASKING}
    if data.id is not None:
        q = ctx.item(Question, data.id)
        if q.status != "selected":
            raise SpiegelError("invalid_transition",
                               f"Only a question in the asking order can be put up; this one is {q.status}.")
        settings[ASKING] = q.id
    ctx.meeting.settings = settings
    ctx.version()
    return {"state": ctx.broadcast_state()}


@hookimpl
def register_events():
    return [
        ClientEvent("question.add", QuestionAdd, add_question, participant("question"), replay=replay_question,
                    answers_resend=True),
        ClientEvent("question.edit", QuestionEdit, edit_question, participant("question")),
        ClientEvent("question.delete", ItemRef, delete_question, participant(ANY)),
        ClientEvent("question.withdraw", ItemRef, withdraw_question, participant(ANY)),
        ClientEvent("question.update", QuestionUpdate, update_question, staff("questions")),
        ClientEvent("question.reorder", QuestionReorder, reorder_questions, staff("questions")),
        ClientEvent("question.merge", QuestionMerge, merge_questions, staff("questions")),
        ClientEvent("question.asking", QuestionAsking, set_asking, staff("questions")),
        ServerEvent("question", frozenset({PARTICIPANT, STAFF}), private=True,
                    description="One question changed: its author's view to the author, the staff view to staff."),
        ServerEvent("question.removed", frozenset({PARTICIPANT, STAFF}), description="A question was deleted."),
        ServerEvent("queue", frozenset({STAFF}), private=True, description="The whole queue, after a queue change."),
    ]
