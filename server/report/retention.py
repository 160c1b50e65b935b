"""Retention: after a meeting's retention date its raw notes, questions, poll answers and
listener links are erased; the report (frozen first), outcomes, actions and letter stay.

The date is the one chosen for the meeting, or the end of the meeting plus the default
period (``SPIEGEL_RETENTION_DAYS``). Run by ``spiegel purge`` (``--dry-run`` lists only) and
by a background job in the server every hour.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from ..models import Meeting, Note, Outcome, Participant, Poll, PollAnswer, Question
from . import audit
from .drafts import is_final, set_final
from .model import NOT_JOINED
from .sections import plugin_sections
from .tables import Retention

log = logging.getLogger("spiegel.retention")
ENDED = ("ended", "archived")


@dataclass
class Due:
    meeting_id: str
    title: str
    retain_until: str
    notes: int
    questions: int
    poll_answers: int
    listeners: int


def effective_date(meeting: Meeting, row: Retention | None, days: int) -> date | None:
    """When the raw items of ``meeting`` go; None while it has not ended and has no date set."""
    if row is not None and row.retain_until:
        return date.fromisoformat(row.retain_until)
    if meeting.state not in ENDED or meeting.phase_started_at is None:
        return None
    return datetime.fromtimestamp(meeting.phase_started_at, UTC).date() + timedelta(days=days)


def _count(session: Session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def due(session: Session, today: date, days: int) -> list[Due]:
    """Meetings whose retention date has passed and that still hold raw items."""
    out = []
    for m in session.scalars(select(Meeting).order_by(Meeting.created_at)):
        row = session.get(Retention, m.id)
        until = effective_date(m, row, days)
        if until is None or until > today or m.state not in ENDED:
            continue
        counts = Due(m.id, m.title, until.isoformat(), _count(session, Note, Note.meeting_id == m.id),
                     _count(session, Question, Question.meeting_id == m.id),
                     _count(session, PollAnswer, PollAnswer.poll_id.in_(
                         select(Poll.id).where(Poll.meeting_id == m.id))),
                     _count(session, Participant, Participant.meeting_id == m.id,
                            Participant.role.not_in(NOT_JOINED)))
        if counts.notes or counts.questions or counts.poll_answers or counts.listeners:
            out.append(counts)
    return out


#: The PostgreSQL advisory lock of a purge (any fixed number, Spiegel's own).
PURGE_LOCK = 0x5350_4745


def _only_purger(session: Session) -> bool:
    """Every worker runs the hourly job; on PostgreSQL one purges at a time and the others skip
    the round (SQLite serialises writers itself)."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(session.scalar(select(func.pg_try_advisory_xact_lock(PURGE_LOCK))))


def purge(sp, today: date | None = None, dry_run: bool = False) -> list[dict]:
    """Erase what is due (or, with ``dry_run``, only say what would go)."""
    now = sp.clock()
    today = today or datetime.fromtimestamp(now, UTC).date()
    days = int(sp.app.config["RETENTION_DAYS"])
    with sp.db.transaction() as session:
        if not dry_run and not _only_purger(session):
            return []
        found = due(session, today, days)
        if dry_run:
            return [asdict(d) for d in found]
        for d in found:
            meeting = session.get(Meeting, d.meeting_id)
            if not is_final(session, meeting.id):  # freeze the report while the shared notes are there
                set_final(session, meeting, sp.formats.get(meeting.format), True, now,
                          plugin_sections(sp, session, meeting))
            session.execute(delete(PollAnswer).where(
                PollAnswer.poll_id.in_(select(Poll.id).where(Poll.meeting_id == meeting.id))))
            session.execute(delete(Note).where(Note.meeting_id == meeting.id))
            session.execute(delete(Question).where(Question.meeting_id == meeting.id))
            joined = select(Participant.id).where(Participant.meeting_id == meeting.id,
                                                  Participant.role.not_in(NOT_JOINED))
            # An outcome a plugin recorded in a participant's name must not go with their link.
            moderator = session.scalar(select(Participant.id).where(Participant.meeting_id == meeting.id,
                                                                    Participant.role == "moderator").limit(1))
            if moderator is not None:
                session.execute(update(Outcome).where(Outcome.meeting_id == meeting.id,
                                                      Outcome.author_id.in_(joined)).values(author_id=moderator))
            session.execute(delete(Participant).where(Participant.id.in_(joined)))
            row = session.get(Retention, meeting.id) or Retention(meeting_id=meeting.id)
            row.purged_at = now
            session.add(row)
            audit.record(session, at=now, role="system", link="purge", address="-", action="meeting.purged",
                         meeting_id=meeting.id, detail=f"notes={d.notes} questions={d.questions}")
    for d in found:
        log.info("purged the raw items of meeting %s", d.meeting_id)
    return [asdict(d) for d in found]


def start_job(sp, interval: float = 3600.0) -> Callable[[], None]:
    """Purge at start and then once an hour in the server (a missed hour is caught up by the
    next). Returns a function that stops the job after its current round."""
    running = [True]

    def loop() -> None:
        while running[0]:
            try:
                with sp.app.app_context():
                    purge(sp)
            except Exception:  # noqa: BLE001 - keep the job alive; the next round may work
                log.exception("purge failed")
            sp.socketio.sleep(interval)

    sp.socketio.start_background_task(loop)
    return lambda: running.__setitem__(0, False)
