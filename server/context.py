"""The context every event handler runs in: one transaction, one meeting, one sender.

Handlers change rows through ``ctx.session`` and queue messages with ``ctx.emit`` (or the
``to_*`` shorthands); the dispatcher commits first and sends after, so nobody hears of a
change that was not stored. This is the object a plugin's handler receives: its public
methods are part of the plugin API (``spiegel.api``).

The transaction is a :class:`.db.Unit`: the context's own steps (the version bump, the resend
check, a new row's insert) run on its Core ``ctx.connection``, and the ORM Session is made only
when something asks for ``ctx.session``, inside the same transaction: a note makes none.
"""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import Connection, bindparam, cast, func, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from . import hot_sql
from .db import Unit
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

_meetings = Meeting.__table__
#: The version bump of every change, built once: a plain Core statement whose RETURNING values
#: become the meeting's committed state, so the ORM neither rebuilds it nor writes it again; on
#: the DBAPI cursor (:mod:`.hot_sql`), as are the note's INSERT and ``_TAKE``.
_BUMP = hot_sql.Hot(_meetings.update().where(_meetings.c.id == bindparam("meeting_id"))
                    .values(version=_meetings.c.version + 1, updated_at=bindparam("now"))
                    .returning(_meetings.c.version))
#: The sender's and meeting's ORM rows, in one query (two ``session.get`` were 16% of an event).
_ROWS = (select(Participant, Meeting).join(Meeting, Meeting.id == Participant.meeting_id)
         .where(Participant.id == bindparam("participant_id")))
#: The meeting taking the version a new row was given inside its INSERT (:meth:`Ctx.insert_new`).
_TAKE = hot_sql.Hot(_meetings.update().where(_meetings.c.id == bindparam("meeting_id"))
                    .values(version=bindparam("version"), updated_at=bindparam("now")))
_INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}
_insert_once_statements: dict[tuple[str, str], Any] = {}
_insert_new_statements: dict[tuple[str, str], hot_sql.Hot] = {}
_exists_statements: dict[str, Any] = {}


class Sender(Protocol):
    """What a socket's event starts from: the sender's and its meeting's columns that every
    event's checks read, one Core row (``realtime.SENDER``), no ORM rows."""

    participant_id: str
    meeting_id: str
    role: str
    revoked: bool
    format: str
    state: str
    phase_key: str


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


class Ctx:
    """One event's transaction, meeting and sender.

    ``meeting`` and ``participant`` are ORM rows, loaded on first use: an event dispatched from
    a socket starts from :class:`Sender` (one Core row of the columns every event's checks read)
    and most events from tablets (a note, a question) never need the rows themselves, whose ORM
    load was a fifth of such an event. Loaded later in the transaction, they hold what the
    transaction wrote before (the version bump included).
    """

    def __init__(self, spiegel: Runtime, session: Session | None = None, meeting: Meeting | None = None,
                 participant: Participant | None = None, fmt: type[MeetingFormat] | None = None,
                 now: float = 0.0, sender: Sender | None = None, unit: Unit | None = None):
        if meeting is None and sender is None:
            raise ValueError("a context needs its meeting or its sender")
        if (session is None) == (unit is None):
            raise ValueError("a context runs in a session's transaction or a unit, one of them")
        self.spiegel, self.now = spiegel, now
        #: The transaction: a socket event's :class:`.db.Unit`, or the one of a Session given.
        self.unit: Unit = unit if unit is not None else Unit.of(session)
        self._meeting, self._participant, self._sender = meeting, participant, sender
        self.meeting_id: str = meeting.id if meeting is not None else sender.meeting_id
        self.participant_id: str | None = (participant.id if participant is not None
                                           else sender.participant_id if sender is not None else None)
        self.fmt: type[MeetingFormat] = fmt if fmt is not None else spiegel.formats[self._of_meeting("format")]
        self.outbox = Outbox(allows=spiegel.allows)
        #: Participants whose sockets are closed once the change is committed (revoked links).
        self.revoked: list[str] = []
        #: A timer deadline a handler left running without loading the meeting's row (server/
        #: timer.py): the expiry watcher is told of it once the change is committed.
        self.timer_deadline: float | None = None
        self._version: int | None = None
        #: (model, id) pairs :meth:`resent` found absent in this transaction: the dispatcher's replay
        #: check and the handler's ask the same question, and the answer holds until an insert fails.
        self._absent: set = set()

    @property
    def session(self) -> Session:
        """The ORM Session of this event's transaction (made on first use)."""
        return self.unit.session

    @property
    def connection(self) -> Connection:
        """The transaction's Core connection: statements that need no ORM rows run here, and open
        no Session. The Session's unflushed changes are not on it yet (``ctx.session.flush()``)."""
        return self.unit.connection

    @property
    def meeting(self) -> Meeting:
        """The meeting's row (loaded on first use)."""
        if self._meeting is None:
            self._load_rows()
        return self._meeting

    @property
    def loaded_meeting(self) -> Meeting | None:
        """The meeting's row if this context loaded it (what a handler may have changed), else None."""
        return self._meeting

    @property
    def participant(self) -> Participant | None:
        """The sender's row (loaded on first use); None outside a sender's event."""
        if self._participant is None and self.participant_id is not None:
            self._load_rows()
        return self._participant

    def _load_rows(self) -> None:
        """Load the meeting's and the sender's rows, both in one query when neither is loaded
        (what one needs, the other mostly does: a snapshot, a moderator's change)."""
        if self._meeting is None and self._participant is None and self.participant_id is not None:
            self._participant, self._meeting = self.session.execute(
                _ROWS, {"participant_id": self.participant_id}).one()
        elif self._meeting is None:
            self._meeting = self.session.get(Meeting, self.meeting_id)
        else:
            self._participant = self.session.get(Participant, self.participant_id)

    @participant.setter
    def participant(self, participant: Participant | None) -> None:
        self._participant = participant
        self.participant_id = participant.id if participant is not None else None

    def _of_meeting(self, column: str):
        """A meeting column: from the row once loaded (a handler may have changed it), else the sender row."""
        return getattr(self._meeting if self._meeting is not None else self._sender, column)

    @property
    def role(self) -> str | None:
        """The sender's role, None outside a sender's event (read without loading the row)."""
        if self._participant is not None or self.participant_id is None:
            return self._participant.role if self._participant is not None else None
        return self._sender.role

    @property
    def state(self) -> str:
        """The meeting's state (``draft``, ``open``, …), read without loading the row."""
        return self._of_meeting("state")

    @property
    def phase(self) -> Phase:
        phase = self.fmt.phase(self._of_meeting("phase_key"))
        assert phase is not None, "meeting phase missing from its format"
        return phase

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def outcome_kinds(self) -> tuple[OutcomeKind, ...]:
        """The outcome kinds this meeting's format accepts, core first."""
        return kinds_of(self.spiegel, self.fmt)

    @property
    def kind(self) -> ParticipantKind | None:
        """The sender's participant kind (``listener``, or one the format declares); None for staff."""
        role = self.role
        if role is None or role in STAFF_ROLES or role == "display":
            return None
        return self.spiegel.kind(self.fmt, role)

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
        if p is None or p.meeting_id != self.meeting_id:
            raise SpiegelError("not_found", "No participant with that id in this meeting.")
        return self.label_of(p)

    def count(self, kind: str = "listener") -> int:
        """How many participants of ``kind`` have joined this meeting (links not revoked)."""
        return int(self.session.scalar(select(func.count()).select_from(Participant).where(
            Participant.meeting_id == self.meeting_id, Participant.role == kind,
            Participant.revoked.is_(False))) or 0)

    def version(self) -> int:
        """The meeting's new version for this change (bumped once per transaction)."""
        if self._version is None:
            self._version = _BUMP.first(self.connection, {"meeting_id": self.meeting_id, "now": self.now})[0]
            if self._meeting is not None:  # a row loaded later reads the bumped one
                set_committed_value(self._meeting, "version", self._version)
                set_committed_value(self._meeting, "updated_at", self.now)
        return self._version

    def item(self, model, item_id: str, own: bool = False):
        """A row of this meeting (and with ``own``, of the sender), or a ``not_found`` refusal."""
        row = self.session.get(model, item_id)
        if row is None or row.meeting_id != self.meeting_id or (own and row.participant_id != self.participant_id):
            what = model.__tablename__[:-1]
            raise SpiegelError("not_found", f"You have no {what} with that id." if own
                               else f"No {what} with that id in this meeting.")
        return row

    def resent(self, model, item_id: str, per_participant: bool = True):
        """The row a resend of ``item_id`` refers to, or None for a new id.

        Ids are client UUIDs: a repeat from the same sender (its own note, or an outcome of
        the same meeting) is the same item; anyone else's id is an ``id_conflict``.
        """
        if (model, item_id) in self._absent:
            return None
        if not _may_hold(self.unit, model, item_id):
            self._absent.add((model, item_id))
            return None
        row = self.session.get(model, item_id)
        if row is None:
            self._absent.add((model, item_id))
            return None
        mine = row.participant_id == self.participant_id if per_participant else row.meeting_id == self.meeting_id
        if not mine:
            raise SpiegelError("id_conflict")
        return row

    def insert_once(self, row) -> bool:
        """Insert a row keyed by a client UUID; False when a concurrent resend got there first.

        One ``INSERT … ON CONFLICT (id) DO NOTHING RETURNING id``: no savepoint, no flush. The
        answer is whether a row came back (psycopg reports rowcount -1 for ON CONFLICT). The
        row is then in the session as if loaded, so later changes to it are saved as usual.
        """
        if not self.insert_values(type(row), _column_values(row)):
            return False
        make_transient_to_detached(row)
        self.session.add(row)
        return True

    def insert_values(self, model, values: dict) -> bool:
        """:meth:`insert_once` of a row given as every column's value, with no ORM row made: for
        a row nothing changes later in the transaction (a new note), whose ORM bookkeeping (the
        object, its state, the unit of work at commit) cost more than the INSERT."""
        self._absent.discard((model, values["id"]))
        session = self.unit.opened
        if session is not None and (session.new or session.dirty or session.deleted):
            session.flush()  # rows this one may refer to go first
        connection = self.connection
        return connection.execute(_insert_once(model, connection.dialect.name), values).first() is not None

    def insert_new(self, model, values: dict) -> bool:
        """:meth:`insert_values` of a row that is this event's change, with the meeting's next
        version taken inside the INSERT; False when the id is stored already (a resend).

        One ``INSERT … SELECT <values>, meetings.version + 1 FROM meetings WHERE id = :meeting
        ON CONFLICT (id) DO NOTHING RETURNING version``, then the meeting takes that version only
        when a row went in: a new row costs no lookup of its id first (the INSERT is the resend
        check) and a resend changes nothing. Writers in one meeting still get distinct, growing
        versions: on PostgreSQL the SELECT locks the meeting row (``FOR UPDATE``), as the bump's
        UPDATE did, and a writer that waited for it reads the committed version (read committed
        re-reads a locked row once it is free); SQLite has one writer at a time, and an INSERT
        takes the write lock before it reads. ``values["version"]`` is set to the version given.
        When this transaction has a version already, the row gets that one (:meth:`version`).
        """
        if self._version is not None:
            values["version"] = self._version
            return self.insert_values(model, values)
        self._absent.discard((model, values["id"]))
        session = self.unit.opened
        if session is not None and (session.new or session.dirty or session.deleted):
            session.flush()  # rows this one may refer to go first
        connection = self.connection
        row = _insert_new(model, connection.dialect.name).first(connection, {**values, "meeting_id": self.meeting_id})
        if row is None:
            return False
        self._version = values["version"] = row[0]
        _TAKE.run(connection, {"meeting_id": self.meeting_id, "version": self._version, "now": self.now})
        if self._meeting is not None:  # a row loaded later reads the new version
            set_committed_value(self._meeting, "version", self._version)
            set_committed_value(self._meeting, "updated_at", self.now)
        return True

    def start_timer(self, seconds: float | None = None) -> None:
        """Start the meeting's timer with ``seconds`` (default: the current phase's duration)."""
        self.spiegel.start_timer(self, seconds)

    def duration_of(self, phase: Phase) -> int:
        return int((self.meeting.durations or {}).get(phase.key, phase.duration))

    # Messages: queued, sent after commit, only to declared audiences. ----------------------
    def emit(self, event: str, payload: dict, audience: str, participant_id: str | None = None,
             skip_sender: bool = False) -> None:
        """Queue ``event`` for ``audience`` (``author``, ``participant`` with ``participant_id``,
        ``staff``, ``meeting`` or ``kind:<name>``). Refused when the event's declaration does
        not list that audience. With ``skip_sender``, not to the socket that sent this event
        (the ack already carries it); the sender's other sockets still get it."""
        m = self.meeting_id
        if audience == AUTHOR:
            room = participant_room(self.participant_id)
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
        self.outbox.add(event, payload, audience, room, skip_sender)

    def to_meeting(self, event: str, payload: dict) -> None:
        self.emit(event, payload, MEETING)

    def to_staff(self, event: str, payload: dict) -> None:
        self.emit(event, payload, STAFF)

    def to_author(self, event: str, payload: dict, skip_sender: bool = False) -> None:
        """Queue ``event`` for the sender's own sockets (with ``skip_sender``, the others only)."""
        self.emit(event, payload, AUTHOR, skip_sender=skip_sender)

    def to_participant(self, participant_id: str, event: str, payload: dict) -> None:
        if self.participant_id is not None and participant_id == self.participant_id:
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


def _insert_once(model, dialect: str):
    """The prebuilt ``INSERT … ON CONFLICT DO NOTHING RETURNING`` of ``model`` for this database."""
    key = (model.__tablename__, dialect)
    statement = _insert_once_statements.get(key)
    if statement is None:
        table = model.__table__
        statement = (_INSERTS[dialect](table).on_conflict_do_nothing(index_elements=list(table.primary_key.columns))
                     .returning(*table.primary_key.columns))
        _insert_once_statements[key] = statement
    return statement


def _insert_new(model, dialect: str) -> hot_sql.Hot:
    """The prebuilt ``INSERT … SELECT … FROM meetings … ON CONFLICT DO NOTHING RETURNING version``
    of ``model`` (a table with ``meeting_id`` and ``version`` columns) for :meth:`Ctx.insert_new`."""
    key = (model.__tablename__, dialect)
    statement = _insert_new_statements.get(key)
    if statement is None:
        table = model.__table__
        meeting_id = bindparam("meeting_id", type_=table.c.meeting_id.type)
        # PostgreSQL types a parameter in a SELECT's columns as text unless told (a JSON or a
        # boolean column would refuse it); SQLite's CAST would change the value's affinity.
        typed = (lambda c: cast(bindparam(c.name, type_=c.type), c.type)) if dialect == "postgresql" else (
            lambda c: bindparam(c.name, type_=c.type))
        columns = [_meetings.c.version + 1 if c.name == "version"
                   else (cast(meeting_id, c.type) if dialect == "postgresql" else meeting_id) if c.name == "meeting_id"
                   else typed(c) for c in table.columns]
        source = select(*columns).where(_meetings.c.id == meeting_id)
        if dialect == "postgresql":
            source = source.with_for_update()
        statement = (_INSERTS[dialect](table).from_select([c.name for c in table.columns], source)
                     .on_conflict_do_nothing(index_elements=list(table.primary_key.columns))
                     .returning(table.c.version))
        statement = _insert_new_statements[key] = hot_sql.Hot(statement)
    return statement


def _may_hold(unit: Unit, model, item_id: str) -> bool:
    """Whether ``item_id`` may be stored, asked as a one-column Core ``SELECT`` on the unit's
    connection (no Session made): nearly every id a sender writes is new, and the ORM's
    ``session.get`` of a missing row cost as much as the insert. Rows a Session holds or has yet
    to write go the ORM's way (True)."""
    session = unit.opened
    if session is not None and (session.new or session.dirty or session.deleted
                                or identity_key(model, item_id) in session.identity_map):
        return True
    statement = _exists_statements.get(model.__tablename__)
    if statement is None:
        key = model.__table__.c.id
        statement = select(key).where(key == bindparam("item_id"))
        _exists_statements[model.__tablename__] = statement
    return unit.connection.execute(statement, {"item_id": item_id}).first() is not None


def _column_values(row) -> dict:
    """Every column's value for ``row``: what was set, else the column's default (set on the
    row too, so it holds what the database holds)."""
    values = {}
    state = row.__dict__
    for prop in inspect(type(row)).column_attrs:
        column = prop.columns[0]
        if prop.key in state:
            value = state[prop.key]
        else:
            default = column.default
            if default is None:
                value = None
            elif default.is_callable:
                value = default.arg(None)
            else:
                value = default.arg
            setattr(row, prop.key, value)
        values[column.name] = value
    return values
