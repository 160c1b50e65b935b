"""Row views: how one stored row looks on the wire.

Plain functions of rows, below every domain module, so that notes, questions, snapshots and
plugins can share them without importing each other. What a *recipient* may see is decided
in ``snapshots.py``; these functions only shape data that was already chosen for them.
"""

from __future__ import annotations

from sqlalchemy.orm import object_session

from .formats import LANGUAGES, pick
from .models import Meeting, Note, Outcome, Participant, Poll, Question

LISTENER_LABEL = {"nl": "Luisteraar {n}", "en": "Listener {n}"}


def ms(seconds: float | None) -> int | None:
    return None if seconds is None else round(seconds * 1000)


def meeting_view(m: Meeting) -> dict:
    return {
        "id": m.id, "title": m.title, "theme": m.theme, "language": m.language, "state": m.state,
        "code": m.code, "format": m.format, "scheduled_for": m.scheduled_for,
        "expected_listeners": m.expected_listeners,
    }


def note_view(n: Note) -> dict:
    return {
        "id": n.id, "text": n.text, "tags": list(n.tags or []), "prompt_id": n.prompt_id,
        "shared": n.shared, "created_at": ms(n.created_at), "updated_at": ms(n.updated_at),
        "version": n.version,
    }


def participant_label(p: Participant, language: str) -> str:
    if p.name:
        return f"{p.name} ({p.discipline})" if p.discipline else p.name
    return pick(LISTENER_LABEL, language).format(n=p.number)


def participant_labels(p: Participant) -> dict[str, str]:
    """The label in both languages: a moderator screen switched to the other language than the
    meeting's says "Listener 3", not "Luisteraar 3"."""
    return {lang: participant_label(p, lang) for lang in LANGUAGES}


def question_view(q: Question, position: int | None, author: Participant | None = None,
                  language: str = "nl") -> dict:
    """Listener view; with ``author`` given, the staff view (who asked, triage, order)."""
    view = {
        "id": q.id, "text": q.text, "status": q.status, "position": position,
        "merged_into": q.merged_into if author is not None else _own_merge_target(q),
        "created_at": ms(q.created_at), "version": q.version,
        # The author may know their question was kept for later (a new topic) rather than
        # still waiting: "Geparkeerd" alone would not be true then.
        "triage": q.triage,
    }
    if author is not None:
        view.update(
            author=participant_label(author, language), author_labels=participant_labels(author),
            author_id=author.id,
            prepared_id=q.prepared_id, reason=q.reason, order=q.order, asked_at=ms(q.asked_at),
        )
    return view


def _own_merge_target(q: Question) -> str | None:
    """For the author: the question theirs was merged into, only when that one is theirs too.
    The id of another listener's question would tell them that someone else asked it."""
    if q.merged_into is None:
        return None
    session = object_session(q)
    target = session.get(Question, q.merged_into) if session is not None else None
    return q.merged_into if target is not None and target.participant_id == q.participant_id else None


def outcome_view(o: Outcome) -> dict:
    return {
        "id": o.id, "kind": o.kind, "text": o.text, "owner": o.owner, "due": o.due,
        "phase": o.phase_key, "status": o.status, "score": o.score, "note_ids": list(o.note_ids or []),
        "created_at": ms(o.created_at), "version": o.version,
    }


def poll_view(p: Poll | None) -> dict | None:
    if p is None:
        return None
    return {"id": p.id, "kind": p.kind, "title": p.title, "options": p.options, "open": p.is_open,
            "version": p.version}


def prompt_view(m: Meeting) -> dict | None:
    if not (m.prompt_shown and m.prompt_id):
        return None
    item = next((p for p in m.prepared or [] if p.get("id") == m.prompt_id), None)
    return {"id": item["id"], "text": item["text"]} if item else None
