"""Advance submissions: invited professionals send topics and questions before the meeting;
the moderator merges duplicates, turns one into a prepared question with one tap, or sets it
aside. Whoever sent one sees what became of it; nobody else sees it (staff excepted).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from spiegel.api import (
    ClientId,
    Payload,
    SpiegelError,
    add_prepared,
    bounded_text,
)
from sqlalchemy import select

from .models import Submission

SUBMISSION_MAX = 1000
KINDS = ("topic", "question")


class SubmissionAdd(ClientId):
    kind: Literal[KINDS] = "topic"  # type: ignore[valid-type]
    text: bounded_text(SUBMISSION_MAX)


class SubmissionMerge(Payload):
    into: bounded_text(36)
    ids: list[bounded_text(36)] = Field(min_length=1, max_length=50)


class SubmissionPrepare(ClientId):
    #: The prepared question's wording (the moderator may rephrase); the submission's text otherwise.
    text: bounded_text(500, 0) | None = None
    phase: bounded_text(64) | None = "listening"


class SubmissionSet(ClientId):
    status: Literal["sent", "dismissed"]


def submissions(ctx, participant_id: str | None = None) -> list[Submission]:
    query = select(Submission).where(Submission.meeting_id == ctx.meeting.id).order_by(Submission.created_at)
    if participant_id is not None:
        query = query.where(Submission.participant_id == participant_id)
    return list(ctx.session.scalars(query))


def _prepared_text(ctx, s: Submission) -> str | None:
    if s.prepared_id is None:
        return None
    item = next((p for p in ctx.meeting.prepared or [] if p.get("id") == s.prepared_id), None)
    return item["text"] if item else None


def author_view(ctx, s: Submission) -> dict:
    """What the sender sees: their own text and what became of it (``prepared`` with the
    prepared question's wording, ``merged`` with a similar one, ``dismissed``), never whose
    submission it was merged with."""
    return {"id": s.id, "kind": s.kind, "text": s.text, "status": s.status, "prepared": s.prepared_id is not None,
            "prepared_text": _prepared_text(ctx, s), "version": s.version}


def staff_view(ctx, s: Submission) -> dict:
    return {**author_view(ctx, s), "from": ctx.label(s.participant_id), "merged_into": s.merged_into,
            "prepared_id": s.prepared_id}


def _publish(ctx, rows: list[Submission]) -> None:
    version = ctx.version()
    for s in rows:
        s.version, s.updated_at = version, ctx.now
        ctx.to_participant(s.participant_id, "amc.submission", {"version": version, "submission": author_view(ctx, s)})
        ctx.to_staff("amc.submission", {"version": version, "submission": staff_view(ctx, s)})


def _own(ctx, item_id: str) -> Submission:
    s = ctx.session.get(Submission, item_id)
    if s is None or s.meeting_id != ctx.meeting.id:
        raise SpiegelError("not_found", "No submission with that id in this meeting.")
    return s


def replay_submit(ctx, data: SubmissionAdd) -> dict | None:
    stored = ctx.session.get(Submission, data.id)
    if stored is None:
        return None
    if stored.participant_id != ctx.participant.id:
        raise SpiegelError("id_conflict")
    return {"submission": author_view(ctx, stored), "duplicate": True}


def submit(ctx, data: SubmissionAdd) -> dict:
    s = Submission(id=data.id, meeting_id=ctx.meeting.id, participant_id=ctx.participant.id, kind=data.kind,
                   text=data.text, status="sent", version=0, created_at=ctx.now, updated_at=ctx.now)
    ctx.session.add(s)
    _publish(ctx, [s])
    return {"submission": author_view(ctx, s), "duplicate": False}


def merge(ctx, data: SubmissionMerge) -> dict:
    """Fold duplicates into one; their senders see "merged with a similar one" and, once that
    one becomes a prepared question, its wording."""
    target = _own(ctx, data.into)
    if target.status in ("merged", "dismissed"):
        raise SpiegelError("invalid_transition", f"Cannot merge into a {target.status} submission.")
    merged = []
    for item_id in dict.fromkeys(data.ids):
        if item_id == target.id:
            continue
        s = _own(ctx, item_id)
        if s.status == "prepared":
            raise SpiegelError("invalid_transition", "A submission that became a prepared question cannot be merged.")
        s.status, s.merged_into, s.prepared_id = "merged", target.id, target.prepared_id
        for child in ctx.session.scalars(select(Submission).where(Submission.merged_into == s.id)):
            child.merged_into, child.prepared_id = target.id, target.prepared_id
            merged.append(child)
        merged.append(s)
    _publish(ctx, [target, *merged])
    return {"submission": staff_view(ctx, target), "merged": [s.id for s in merged]}


def prepare(ctx, data: SubmissionPrepare) -> dict:
    """One tap: the submission becomes a prepared question in the moderator's script."""
    s = _own(ctx, data.id)
    if s.status in ("merged", "prepared"):
        raise SpiegelError("invalid_transition", f"The submission is already {s.status}.")
    item = add_prepared(ctx, data.text or s.text, data.phase)
    s.status, s.prepared_id = "prepared", item["id"]
    children = list(ctx.session.scalars(select(Submission).where(Submission.merged_into == s.id)))
    for child in children:
        child.prepared_id = item["id"]
    _publish(ctx, [s, *children])
    return {"submission": staff_view(ctx, s), "prepared": item}


def set_status(ctx, data: SubmissionSet) -> dict:
    """Set a submission aside (``dismissed``), or back to ``sent``."""
    s = _own(ctx, data.id)
    if s.status == "prepared" or (s.status == "merged" and data.status == "dismissed"):
        raise SpiegelError("invalid_transition", f"A {s.status} submission cannot become {data.status}.")
    if s.status == "merged" and data.status == "sent":
        s.merged_into, s.prepared_id = None, None
    s.status = data.status
    _publish(ctx, [s])
    return {"submission": staff_view(ctx, s)}


REPORT_STATUS = {
    "nl": {"prepared": "werd een voorbereide vraag", "sent": "ingebracht", "dismissed": "niet besproken"},
    "en": {"prepared": "became a prepared question", "sent": "sent in", "dismissed": "not discussed"},
}


def report_items(ctx, lang: str) -> list[dict]:
    """Each submission once (duplicates folded in, counted), what became of it, no sender."""
    rows = submissions(ctx)
    merged: dict[str, int] = {}
    for s in rows:
        if s.status == "merged" and s.merged_into:
            merged[s.merged_into] = merged.get(s.merged_into, 0) + 1
    return [{"text": s.text, "kind": s.kind, "status": s.status, "status_text": REPORT_STATUS[lang][s.status],
             "prepared_text": _prepared_text(ctx, s), "also_sent_by": merged.get(s.id, 0)}
            for s in rows if s.status != "merged"]
