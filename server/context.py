"""The context every event handler runs in: one transaction, one meeting, one sender.

Handlers change rows through ``ctx.session`` and queue messages with ``ctx.emit`` (or the
``to_*`` shorthands); the dispatcher commits first and sends after, so nobody hears of a
change that was not stored. This is the object a plugin's handler receives: its public
methods are part of the plugin API (``spiegel.api``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .errors import SpiegelError
from .formats import MeetingFormat, OutcomeKind, ParticipantKind, Phase, kinds_of
from .models import Meeting, Participant
from .outbox import (
    AUTHOR,
    MEETING,
    PARTICIPANT,
    STAFF,
    Outbox,
    kind_audience,
    kind_room,
    meeting_room,
    participant_room,
    staff_room,
)
from .views import participant_label

STAFF_ROLES = ("moderator", "assistant")


class Runtime(Protocol):
    """What a context needs from the app (``app.Spiegel``), without importing it."""

    clock: Any
    hook: Any
    formats: dict[str, type[MeetingFormat]]
    #: Each format's outcome kinds, core first (``plugin_manager.collect_outcome_kinds``).
    outcome_kinds: dict[str, tuple[OutcomeKind, ...]]

    def context(self, session: Session, meeting: Meeting) -> Ctx: ...

    def allows(self, event: str, audience: str) -> bool: ...

    def state_payload(self, ctx: Ctx) -> dict: ...

    def kind(self, fmt: type[MeetingFormat], name: str) -> ParticipantKind | None: ...

    def start_timer(self, ctx: Ctx, seconds: float | None) -> None: ...


@dataclass
class Ctx:
    spiegel: Runtime
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
        self.outbox = Outbox(allows=self.spiegel.allows)

    @property
    def phase(self) -> Phase:
        phase = self.fmt.phase(self.meeting.phase_key)
        assert phase is not None, "meeting phase missing from its format"
        return phase

    @property
    def is_staff(self) -> bool:
        return self.participant is not None and self.participant.role in STAFF_ROLES

    @property
    def outcome_kinds(self) -> tuple[OutcomeKind, ...]:
        """The outcome kinds this meeting's format accepts, core first."""
        return kinds_of(self.spiegel, self.fmt)

    @property
    def kind(self) -> ParticipantKind | None:
        """The sender's participant kind (``listener``, or one the format declares); None for staff."""
        if self.participant is None or self.is_staff or self.participant.role == "display":
            return None
        return self.spiegel.kind(self.fmt, self.participant.role)

    def label_of(self, p: Participant) -> str:
        """How ``p`` is named to staff: their name if they gave one, else their kind's numbered
        label ("Luisteraar 3", "Professional 2")."""
        kind = self.spiegel.kind(self.fmt, p.role) if p.role not in (*STAFF_ROLES, "display") else None
        if p.name or kind is None or kind.name == "listener":
            return participant_label(p, self.meeting.language)
        return kind.label_for(self.meeting.language, p.number)

    def label(self, participant_id: str) -> str:
        """The staff-facing label of a participant of this meeting, by id (public API)."""
        p = self.session.get(Participant, participant_id)
        if p is None or p.meeting_id != self.meeting.id:
            raise SpiegelError("not_found", "No participant with that id in this meeting.")
        return self.label_of(p)

    def count(self, kind: str = "listener") -> int:
        """How many participants of ``kind`` have joined this meeting (links not revoked)."""
        return int(self.session.scalar(select(func.count()).select_from(Participant).where(
            Participant.meeting_id == self.meeting.id, Participant.role == kind,
            Participant.revoked.is_(False))) or 0)

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

    def start_timer(self, seconds: float | None = None) -> None:
        """Start the meeting's timer with ``seconds`` (default: the current phase's duration)."""
        self.spiegel.start_timer(self, seconds)

    def duration_of(self, phase: Phase) -> int:
        return int((self.meeting.durations or {}).get(phase.key, phase.duration))

    # Messages: queued, sent after commit, only to declared audiences. ----------------------
    def emit(self, event: str, payload: dict, audience: str, participant_id: str | None = None) -> None:
        """Queue ``event`` for ``audience`` (``author``, ``participant`` with ``participant_id``,
        ``staff``, ``meeting`` or ``kind:<name>``). Refused when the event's declaration does
        not list that audience."""
        m = self.meeting.id
        if audience == AUTHOR:
            room = participant_room(self.participant.id)
        elif audience == PARTICIPANT:
            if participant_id is None:
                raise ValueError("the participant audience needs participant_id")
            room = participant_room(participant_id)
        elif audience == STAFF:
            room = staff_room(m)
        elif audience == MEETING:
            room = meeting_room(m)
        else:
            room = kind_room(m, audience.split(":", 1)[1])
        self.outbox.add(event, payload, audience, room)

    def to_meeting(self, event: str, payload: dict) -> None:
        self.emit(event, payload, MEETING)

    def to_staff(self, event: str, payload: dict) -> None:
        self.emit(event, payload, STAFF)

    def to_author(self, event: str, payload: dict) -> None:
        self.emit(event, payload, AUTHOR)

    def to_participant(self, participant_id: str, event: str, payload: dict) -> None:
        if self.participant is not None and participant_id == self.participant.id:
            self.emit(event, payload, AUTHOR)
        else:
            self.emit(event, payload, PARTICIPANT, participant_id)

    def to_kind(self, kind: str, event: str, payload: dict) -> None:
        self.emit(event, payload, kind_audience(kind))

    def broadcast_state(self) -> dict:
        """Queue the public state for everyone in the meeting; returns it for the ack."""
        state = self.spiegel.state_payload(self)
        self.to_meeting("state", state)
        return state
