"""The context every event handler runs in: one transaction, one meeting, one sender.

Handlers change rows through ``ctx.session`` and queue broadcasts in ``ctx.outbox``; the
dispatcher commits first and emits after, so nobody hears of a change that was not stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from . import timers
from .actions import Outbox
from .errors import SpiegelError
from .formats import MeetingFormat, Phase
from .models import Meeting, Participant
from .timers import Timer

if TYPE_CHECKING:
    from .app import Spiegel


def meeting_room(meeting_id: str) -> str:
    return f"m:{meeting_id}"


def staff_room(meeting_id: str) -> str:
    return f"m:{meeting_id}:staff"


def participant_room(participant_id: str) -> str:
    return f"p:{participant_id}"


STAFF_ROLES = ("moderator", "assistant")


@dataclass
class Ctx:
    spiegel: Spiegel
    session: Session
    meeting: Meeting
    participant: Participant | None
    fmt: type[MeetingFormat]
    now: float
    outbox: Outbox = field(init=False)
    #: Participants whose sockets are closed once the change is committed (revoked links).
    revoked: list[str] = field(default_factory=list)
    _version: int | None = None

    def __post_init__(self) -> None:
        self.outbox = Outbox(allowed=self.spiegel.server_events)

    @property
    def phase(self) -> Phase:
        phase = self.fmt.phase(self.meeting.phase_key)
        assert phase is not None, "meeting phase missing from its format"
        return phase

    def version(self) -> int:
        """The meeting's new version for this change (bumped once per transaction)."""
        if self._version is None:
            self._version = self.session.execute(
                update(Meeting)
                .where(Meeting.id == self.meeting.id)
                .values(version=Meeting.version + 1, updated_at=self.now)
                .returning(Meeting.version)
            ).scalar_one()
            self.meeting.version = self._version
        return self._version

    def item(self, model, item_id: str, own: bool = False):
        """A row of this meeting (and with ``own``, of the sender), or a ``not_found`` refusal."""
        row = self.session.get(model, item_id)
        if row is None or row.meeting_id != self.meeting.id or (own and row.participant_id != self.participant.id):
            what = model.__tablename__[:-1]
            raise SpiegelError("not_found", f"You have no {what} with that id." if own
                               else f"No {what} with that id in this meeting.")
        return row

    def resent(self, model, item_id: str, per_participant: bool = True):
        """The row a resend of ``item_id`` refers to, or None for a new id.

        Ids are client UUIDs: a repeat from the same sender (its own note, or an outcome of
        the same meeting) is the same item; anyone else's id is an ``id_conflict``.
        """
        row = self.session.get(model, item_id)
        if row is None:
            return None
        mine = row.participant_id == self.participant.id if per_participant else row.meeting_id == self.meeting.id
        if not mine:
            raise SpiegelError("id_conflict")
        return row

    def insert_once(self, row) -> bool:
        """Insert a row keyed by a client UUID; False when a concurrent resend got there first."""
        try:
            with self.session.begin_nested():
                self.session.add(row)
        except IntegrityError:
            if self.session.get(type(row), row.id) is None:
                raise
            return False
        return True

    @property
    def timer(self) -> Timer:
        m = self.meeting
        return Timer(running=m.timer_running, duration=m.timer_duration, remaining=m.timer_remaining,
                     deadline=m.timer_deadline)

    @timer.setter
    def timer(self, timer: Timer) -> None:
        m = self.meeting
        m.timer_running, m.timer_duration = timer.running, timer.duration
        m.timer_remaining, m.timer_deadline = timer.remaining, timer.deadline
        m.timer_expired_notified = False

    def start_timer(self, seconds: float) -> None:
        """For ``phase_changed`` plugins: start the timer with ``seconds``."""
        self.timer = timers.start(self.timer, self.now, seconds)

    def duration_of(self, phase: Phase) -> int:
        return int(self.meeting.durations.get(phase.key, phase.duration))

    # Broadcast helpers: queued, sent after commit.
    def to_meeting(self, event: str, payload: dict) -> None:
        self.outbox.add(event, payload, meeting_room(self.meeting.id))

    def to_staff(self, event: str, payload: dict) -> None:
        self.outbox.add(event, payload, staff_room(self.meeting.id))

    def to_participant(self, participant_id: str, event: str, payload: dict) -> None:
        self.outbox.add(event, payload, participant_room(participant_id))

    def broadcast_state(self) -> dict:
        """Queue the public state for everyone in the meeting; returns it for the ack."""
        from .snapshots import state_payload

        state = state_payload(self)
        self.to_meeting("state", state)
        return state
