"""The cheaper paths of an event (bench/RESULTS.md, "Cost per event", sessions 9 and 10) keep what
the slower ones did: a context started from the sender's Core row loads the ORM rows on first use
and sees its own changes; a socket event runs in one Core transaction (``db.Unit``) whose ORM
Session is made only on first use, inside it, with one commit and one rollback for both; the
shared format and phase views equal what the format builds; the cookie sessions' reused
serializer signs and checks as Flask's."""

from __future__ import annotations

import collections
import dataclasses
import functools
import sqlite3
import threading

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from helpers import ADMIN_PASSWORD, FakeClock, Room, call, make_app, uid, until
from itsdangerous import BadSignature
from spiegel import wire_views
from spiegel.context import Ctx
from spiegel.cookie_sessions import SigningOnce
from spiegel.models import Meeting, Note, Question
from spiegel.realtime import SENDER
from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session

ADMIN = {"Authorization": f"Bearer {ADMIN_PASSWORD}"}


def _room(app) -> Room:
    created = app.test_client().post("/api/admin/meetings", headers=ADMIN, json={"title": "Verzonnen", "open": True})
    return Room(app, created.get_json())


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_app(request, tmp_path):
    """An app on SQLite (the default) and on the local PostgreSQL server."""
    url = request.getfixturevalue("postgres_url") if request.param == "postgresql" else None
    app = make_app(tmp_path / "instance", FakeClock(), DATABASE_URL=url)
    yield app
    app.extensions["spiegel"].db.engine.dispose()


class Counts:
    """ORM Sessions made, statements run and commits issued on the app's engine while a test looks."""

    def __init__(self, monkeypatch, engine):
        self.sessions = self.commits = self.statements = 0
        made = Session.__init__

        def counting(session, *args, **kwargs):
            self.sessions += 1
            made(session, *args, **kwargs)

        monkeypatch.setattr(Session, "__init__", counting)
        event.listen(engine, "commit", self._commit)
        event.listen(engine, "before_cursor_execute", self._statement)
        self._engine = engine

    def _commit(self, _connection) -> None:
        self.commits += 1

    def _statement(self, _connection, _cursor, statement: str, *_args) -> None:
        # What the event asks of the database; the savepoint of its group commit (server/
        # group_commit.py) is the batch's bookkeeping, not the event's work.
        if not statement.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN")):
            self.statements += 1

    def stop(self) -> None:
        event.remove(self._engine, "commit", self._commit)
        event.remove(self._engine, "before_cursor_execute", self._statement)


def _listening(app) -> tuple[Room, object]:
    room = _room(app)
    assert call(room.moderator(), "phase.goto", {"key": "listening"})["ok"]
    return room, room.connect(room.join()["token"])


def _stored(app, model, **where) -> int:
    with app.extensions["spiegel"].db.transaction() as session:
        return session.scalar(select(func.count()).select_from(model).filter_by(**where))


def test_a_context_from_the_sender_row_loads_both_rows_on_first_use_with_its_own_bump(db_app):
    app = db_app
    room = _room(app)
    joined = room.join()
    sp = app.extensions["spiegel"]
    with sp.db.unit() as unit:
        sender = unit.connection.execute(SENDER, {"participant_id": joined["participant"]["id"]}).first()
        ctx = Ctx(spiegel=sp, unit=unit, now=1.0, sender=sender)
        assert ctx.loaded_meeting is None and ctx.role == "listener" and ctx.state == "open"
        version = ctx.version()
        assert unit.opened is None, "the bump runs on the connection"
        assert ctx.meeting.version == version, "a row loaded after the bump holds it"
        assert ctx.session.connection() is unit.connection, "the Session is in the unit's transaction"
        assert ctx.participant.id == sender.participant_id and ctx.participant.role == "listener"
        ctx.meeting.title = "Verzonnen anders"
    with sp.db.transaction() as session:
        ctx = Ctx(spiegel=sp, session=session, now=2.0, sender=sender)
        assert ctx.meeting.title == "Verzonnen anders", "a change to a lazily loaded row is saved"
        assert ctx.meeting.version == version
        assert ctx.connection is session.connection(), "a context of a Session runs on its connection"


def test_a_note_opens_no_session_and_commits_once(db_app, monkeypatch):
    room, tablet = _listening(db_app)
    counts = Counts(monkeypatch, db_app.extensions["spiegel"].db.engine)
    note_id = uid()
    ack = call(tablet, "note.add", {"id": note_id, "text": "Verzonnen zin"})
    assert ack["ok"] and not ack["duplicate"]
    assert (counts.sessions, counts.commits) == (0, 1)
    again = call(tablet, "note.add", {"id": note_id, "text": "Verzonnen zin"})
    assert again["duplicate"] and again["note"] == ack["note"], "a resend gets the stored note"
    assert counts.commits == 2, "a resend is its own event: one commit (of nothing new)"
    counts.stop()
    assert _stored(db_app, Note, id=note_id) == 1


def _meeting_version(app, meeting_id: str) -> int:
    with app.extensions["spiegel"].db.transaction() as session:
        return session.get(Meeting, meeting_id).version


def test_a_new_note_is_three_statements_and_its_resend_changes_no_version(db_app, monkeypatch):
    """The sender row, the INSERT that takes the meeting's next version and finds a resend by
    itself (no lookup of the id first), and the meeting taking that version; a resend is
    answered with the stored note and leaves the meeting's version where it was."""
    room, tablet = _listening(db_app)
    counts = Counts(monkeypatch, db_app.extensions["spiegel"].db.engine)
    note_id = uid()
    ack = call(tablet, "note.add", {"id": note_id, "text": "Verzonnen zin"})
    assert ack["ok"] and not ack["duplicate"]
    assert counts.statements == 3, counts.statements
    counts.stop()
    version = _meeting_version(db_app, room.meeting_id)
    assert ack["note"]["version"] == version, "the note's version is the meeting's new one"
    again = call(tablet, "note.add", {"id": note_id, "text": "Verzonnen kopie"})
    assert again["duplicate"] and again["note"] == ack["note"]
    assert _meeting_version(db_app, room.meeting_id) == version, "a resend changes nothing"
    newer = call(tablet, "note.add", {"id": uid(), "text": "Verzonnen tweede"})
    assert newer["note"]["version"] == version + 1


def test_a_new_question_opens_no_session_and_tells_what_the_orm_path_told(db_app, monkeypatch):
    """``question.add`` as a note: the sender row, one row of its author and the queue's end (on
    PostgreSQL under the meeting's row lock), the INSERT that takes the next version, the meeting
    taking it; no Session, one commit. The author's and staff's messages are the views a later
    snapshot builds from the stored row, and a resend is answered with the stored question and
    changes no version."""
    room, tablet = _listening(db_app)
    mod = room.moderator()
    for client in (mod, tablet):
        client.get_received()
    assert call(tablet, "question.add", {"id": uid(), "text": "Verzonnen eerste vraag?"})["ok"]
    for client in (mod, tablet):
        client.get_received()
    counts = Counts(monkeypatch, db_app.extensions["spiegel"].db.engine)
    question_id = uid()
    ack = call(tablet, "question.add", {"id": question_id, "text": "Verzonnen vraag?"})
    assert ack["ok"] and not ack["duplicate"]
    # PostgreSQL first takes the meeting's row lock: the queue's end is read under it.
    statements = 5 if db_app.extensions["spiegel"].db.engine.dialect.name == "postgresql" else 4
    assert (counts.sessions, counts.commits, counts.statements) == (0, 1, statements), (
        counts.sessions, counts.commits, counts.statements)
    counts.stop()
    version = _meeting_version(db_app, room.meeting_id)
    assert ack["question"]["version"] == version
    own = [e["args"][0] for e in tablet.get_received() if e["name"] == "question"]
    to_staff = [e["args"][0] for e in mod.get_received() if e["name"] == "question"]
    assert own[-1] == {"version": version, "question": ack["question"]}
    mine = call(tablet, "sync")["snapshot"]["questions"]
    assert mine[-1] == ack["question"], "what the author was told is what is stored"
    queue = call(mod, "sync")["snapshot"]["questions"]
    assert to_staff == [{"version": version, "question": queue[-1]}], "the staff view of the stored row"
    assert queue[-1]["order"] == queue[-2]["order"] + 1 and queue[-1]["author"] == "Luisteraar 1"
    again = call(tablet, "question.add", {"id": question_id, "text": "Verzonnen kopie?"})
    assert again["duplicate"] and again["question"] == ack["question"]
    assert _meeting_version(db_app, room.meeting_id) == version, "a resend changes nothing"
    assert _stored(db_app, Question, id=question_id) == 1


@pytest.mark.parametrize("event, payload", [("timer.start", {"seconds": 90}), ("timer.adjust", {"seconds": 30}),
                                            ("timer.pause", {}), ("timer.resume", {}), ("timer.reset", {})])
def test_a_timer_change_opens_no_session_and_tells_the_state_a_snapshot_tells(db_app, monkeypatch, event, payload):
    """A timer event reads and writes the meeting with Core (the sender row, the bump, the
    meeting's columns, the timer's UPDATE): no Session, one commit. The ``state`` every tablet
    gets is the one a snapshot read through the ORM builds, and the watcher hears of the deadline."""
    room, tablet = _listening(db_app)
    mod = room.moderator()
    sp = db_app.extensions["spiegel"]
    assert call(mod, "meeting.update", {"timer_with_phase": False, "display_timer": True})["ok"]
    if event in ("timer.pause", "timer.adjust"):
        assert call(mod, "timer.start", {"seconds": 60})["ok"]
    if event == "timer.resume":
        assert call(mod, "timer.start", {"seconds": 60})["ok"] and call(mod, "timer.pause")["ok"]
    for client in (mod, tablet):
        client.get_received()
    told: list = []
    monkeypatch.setattr(sp, "timer_watch", type("Watch", (), {"saw": lambda _self, d: told.append(d)})())
    counts = Counts(monkeypatch, sp.db.engine)
    ack = call(mod, event, payload)
    assert ack["ok"], ack
    assert (counts.sessions, counts.commits, counts.statements) == (0, 1, 4), (
        counts.sessions, counts.commits, counts.statements)
    counts.stop()
    deadline = ack["timer"]["deadline"]
    assert [d for d in told if d is not None] == ([deadline / 1000] if deadline is not None else [])
    states = [e["args"][0] for e in tablet.get_received() if e["name"] == "state"]
    assert len(states) == 1 and states[0]["timer"] == ack["timer"]
    assert states[0]["version"] == _meeting_version(db_app, room.meeting_id)
    snapshot = call(mod, "sync")["snapshot"]  # staff: read through the ORM
    assert {k: v for k, v in states[0].items() if k != "server_time"} == {
        k: snapshot[k] for k in states[0] if k != "server_time"}


def _waiting_for_a_lock(engine, database: str) -> bool:
    """Whether a backend of ``database`` waits for a lock; asked in a transaction of its own each
    time (PostgreSQL keeps pg_stat_activity as it first read it for the rest of a transaction)."""
    with engine.connect() as watcher:
        return watcher.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname = :d AND "
                                    "wait_event_type = 'Lock'"), {"d": database}).scalar_one() > 0


def _sent_while_the_meeting_row_is_held(app, database: str, hold, send, what: str):
    """``hold(connection)`` changes the meeting's row in a transaction left open; ``send()``
    runs in a thread, is seen waiting for that row's lock, and the transaction then commits.
    Returns what ``hold`` returned and the acks ``send`` got."""
    engine = app.extensions["spiegel"].db.engine
    acks: list[dict] = []
    with engine.connect() as holder:
        held = hold(holder)
        sender = threading.Thread(target=lambda: acks.append(send()))
        sender.start()
        until(f"the {what} to wait for the meeting row's lock",
              lambda: _waiting_for_a_lock(engine, database) or not sender.is_alive(), timeout=30)
        holder.commit()
        sender.join(30)
    return held, acks


@pytest.mark.postgres
def test_a_note_waiting_for_a_concurrent_change_of_its_meeting_gets_the_next_version(tmp_path, postgres_url):
    """Two writers in one meeting on PostgreSQL: a note whose INSERT reads the meeting's version
    while another transaction has bumped it (uncommitted) waits for that one's commit and takes
    the version after it, so versions stay distinct and growing (the INSERT's ``FOR UPDATE``)."""
    app = make_app(tmp_path / "instance", FakeClock(), DATABASE_URL=postgres_url)
    try:
        room, tablet = _listening(app)
        bumped, acks = _sent_while_the_meeting_row_is_held(
            app, postgres_url.rsplit("/", 1)[1],
            lambda holder: holder.execute(text("UPDATE meetings SET version = version + 1 WHERE id = :m "
                                               "RETURNING version"), {"m": room.meeting_id}).scalar_one(),
            lambda: call(tablet, "note.add", {"id": uid(), "text": "Verzonnen in een race"}), "note")
        assert acks and acks[0]["ok"], acks
        assert acks[0]["note"]["version"] == bumped + 1, (acks[0]["note"]["version"], bumped)
        assert _meeting_version(app, room.meeting_id) == bumped + 1
    finally:
        app.extensions["spiegel"].db.engine.dispose()


@pytest.mark.postgres
def test_a_timer_change_waiting_for_a_concurrent_one_reads_its_timer(tmp_path, postgres_url):
    """Two timer changes at once on PostgreSQL: the second bumps the version before it reads the
    meeting's columns, so it waits for the first's lock and adds to the first's timer (read after
    that commit) instead of overwriting it with what it read before."""
    clock = FakeClock()
    app = make_app(tmp_path / "instance", clock, DATABASE_URL=postgres_url)
    try:
        room = _room(app)
        mod = room.moderator()
        assert call(mod, "timer.reset", {"seconds": 60})["ok"]
        _, acks = _sent_while_the_meeting_row_is_held(
            app, postgres_url.rsplit("/", 1)[1],
            lambda holder: holder.execute(text("UPDATE meetings SET version = version + 1, timer_remaining = 100, "
                                               "timer_duration = 100 WHERE id = :m"), {"m": room.meeting_id}),
            lambda: call(mod, "timer.adjust", {"seconds": 30}), "timer change")
        assert acks and acks[0]["ok"], acks
        assert acks[0]["timer"]["remaining_ms"] == 130_000, "added to the committed timer, not the one before"
    finally:
        app.extensions["spiegel"].db.engine.dispose()


def test_sqlite_keeps_a_committed_batchs_connection_for_the_next_and_closes_a_failed_ones(tmp_path):
    """A note on SQLite takes no connection from the pool (the last batch's was kept); a batch
    that failed closes its connection instead of keeping it; a connection kept from before an
    ``engine.dispose()`` is not used again, and ``Database.dispose`` closes the kept one."""
    app = make_app(tmp_path / "instance", FakeClock())
    db = app.extensions["spiegel"].db
    room, tablet = _listening(app)
    checkouts = []
    event.listen(db.engine, "checkout", lambda *_args: checkouts.append(1))
    for text_ in ("Verzonnen een", "Verzonnen twee"):
        assert call(tablet, "note.add", {"id": uid(), "text": text_})["ok"]
    assert checkouts == [], "both notes ran on a kept connection"
    before = _meeting_version(app, room.meeting_id)
    with pytest.raises(RuntimeError), db.unit() as unit:  # a batch's first event, refused half-way
        unit.connection.execute(text("UPDATE meetings SET version = version + 100 WHERE id = :m"),
                                {"m": room.meeting_id})
        raise RuntimeError("Verzonnen fout")
    assert _meeting_version(app, room.meeting_id) == before, "a refused first event leaves nothing behind"
    checkouts.clear()  # (the version was read in a Session of its own, from the pool)
    assert call(tablet, "note.add", {"id": uid(), "text": "Verzonnen na de fout"})["ok"]
    assert checkouts == [], "and its connection, rolled back, was kept"
    with pytest.raises(sqlite3.OperationalError), db.unit() as unit:
        failed = unit.connection
        unit.connection.exec_driver_sql("ROLLBACK")  # SQLite dropped the transaction: the batch fails
    assert failed.closed, "a failed batch's connection is not kept"
    assert call(tablet, "note.add", {"id": uid(), "text": "Verzonnen drie"})["ok"]
    kept = db.group._spare[0]
    db.engine.dispose()  # what a test does to reopen every connection with another pragma
    assert call(tablet, "note.add", {"id": uid(), "text": "Verzonnen vier"})["ok"]
    assert kept.closed, "a connection kept from before the engine's dispose is not used again"
    kept = db.group._spare[0]
    db.dispose()
    assert kept.closed and db.group._spare is None, "dispose closes the kept connection"


def test_a_handler_that_uses_the_orm_gets_its_session_in_the_same_transaction_and_one_commit(db_app, monkeypatch):
    room, tablet = _listening(db_app)
    note_id = uid()
    assert call(tablet, "note.add", {"id": note_id, "text": "Verzonnen zin"})["ok"]
    counts = Counts(monkeypatch, db_app.extensions["spiegel"].db.engine)
    ack = call(tablet, "note.edit", {"id": note_id, "text": "Verzonnen andere zin"})  # ctx.item: the ORM
    assert ack["ok"] and ack["note"]["text"] == "Verzonnen andere zin"
    assert (counts.sessions, counts.commits) == (1, 1)
    counts.stop()
    with db_app.extensions["spiegel"].db.transaction() as session:
        note = session.get(Note, note_id)
        meeting = session.get(Meeting, note.meeting_id)
        assert note.text == "Verzonnen andere zin" and note.version == meeting.version, \
            "the ORM's change and the Core bump were committed together"


def test_a_failing_handler_rolls_back_what_the_connection_and_the_session_wrote(db_app, monkeypatch):
    room, tablet = _listening(db_app)
    sp = db_app.extensions["spiegel"]
    kept = uid()
    assert call(tablet, "note.add", {"id": kept, "text": "Verzonnen zin"})["ok"]
    with sp.db.transaction() as session:
        before = session.get(Meeting, room.meeting_id).version
    lost = uid()

    def failing(ctx, data):
        ctx.version()  # Core, on the connection
        ctx.insert_values(Note, {"id": lost, "meeting_id": ctx.meeting_id, "participant_id": ctx.participant_id,
                                 "text": "Verzonnen", "tags": [], "prompt_id": None, "shared": False,
                                 "version": ctx.version(), "created_at": ctx.now, "updated_at": ctx.now})
        ctx.item(Note, kept, own=True).text = "Verzonnen anders"  # the ORM: a Session made and changed
        ctx.session.flush()
        raise RuntimeError("a bug in the handler")

    spec = sp.registry.client["note.edit"]
    monkeypatch.setitem(sp.registry.client, "note.edit", dataclasses.replace(spec, handler=failing))
    ack = call(tablet, "note.edit", {"id": kept, "text": "Verzonnen derde"})
    assert ack["error"]["code"] == "internal_error"
    assert _stored(db_app, Note, id=lost) == 0
    with sp.db.transaction() as session:
        assert session.get(Meeting, room.meeting_id).version == before
        assert session.get(Note, kept).text == "Verzonnen zin"
    monkeypatch.undo()
    assert call(tablet, "note.edit", {"id": kept, "text": "Verzonnen vierde"})["ok"], "the next event goes on"


def test_a_unit_rolls_back_both_and_commits_once_through_its_session(db_app):
    sp = db_app.extensions["spiegel"]
    room = _room(db_app)
    table = Meeting.__table__
    with pytest.raises(RuntimeError), sp.db.unit() as unit:
        unit.connection.execute(table.update().where(table.c.id == room.meeting_id).values(title="Verzonnen Core"))
        assert unit.session.get(Meeting, room.meeting_id).title == "Verzonnen Core", "the Session sees the Core write"
        unit.session.get(Meeting, room.meeting_id).language = "en"
        unit.session.flush()
        raise RuntimeError("verzonnen")
    with sp.db.unit() as unit:
        meeting = unit.session.get(Meeting, room.meeting_id)
        assert (meeting.title, meeting.language) == ("Verzonnen", "nl")
        meeting.language = "en"
        unit.connection.execute(table.update().where(table.c.id == room.meeting_id).values(title="Verzonnen twee"))
    with sp.db.transaction() as session:
        meeting = session.get(Meeting, room.meeting_id)
        assert (meeting.title, meeting.language) == ("Verzonnen twee", "en")


def test_a_note_from_the_fast_path_reads_back_as_stored(app):
    room = _room(app)
    mod = room.moderator()
    assert call(mod, "phase.goto", {"key": "listening"})["ok"]
    token = room.join()["token"]
    tablet = room.connect(token)
    note_id = uid()
    ack = call(tablet, "note.add", {"id": note_id, "text": "Verzonnen zin", "tags": ["later", "positive", "later"]})
    again = call(room.connect(token), "note.add", {"id": note_id, "text": "Verzonnen zin", "tags": ["positive"]})
    assert ack["ok"] and not ack["duplicate"] and again["duplicate"]
    assert again["note"] == ack["note"], "the ack's view is the stored row's view"
    assert ack["note"]["tags"] == ["later", "positive"] and ack["note"]["shared"] is False


def test_the_shared_views_are_the_formats_own(app):
    for fmt in app.extensions["spiegel"].formats.values():
        for language in ("nl", "en"):
            durations = {fmt.phases[0].key: 123}
            assert wire_views.format_view(fmt, language, durations) == fmt.to_wire(language, durations)
            assert wire_views.format_view(fmt, language, None) == fmt.to_wire(language, None)
            for phase in fmt.phases:
                view = wire_views.phase_view(fmt, phase, language, 77)
                assert view == phase.to_wire(language, 77)
                view["index"] = 5
                assert "index" not in wire_views.phase_view(fmt, phase, language, 77), "a fresh dict each time"


def test_the_reused_serializer_signs_as_flask_and_follows_a_new_key():
    app = Flask("verzonnen")
    app.secret_key = "verzonnen-sleutel-een"
    mine, flasks = SigningOnce(), SecureCookieSessionInterface()
    signed = mine.get_signing_serializer(app).dumps({"a": 1})
    assert flasks.get_signing_serializer(app).loads(signed) == {"a": 1}
    assert mine.get_signing_serializer(app) is mine.get_signing_serializer(app)
    app.secret_key = "verzonnen-sleutel-twee"
    assert mine.get_signing_serializer(app).loads(flasks.get_signing_serializer(app).dumps({"b": 2})) == {"b": 2}
    with pytest.raises(BadSignature):
        mine.get_signing_serializer(app).loads(signed)  # signed with the old key


class _Text(str):
    """A str subclass: not one of the plain types the packets' check passes over by type."""


@pytest.mark.parametrize("data", [None, "x", 1, [], {}, ["note", {"a": [1, {"b": "c"}]}], [{"a": [{"b": b"\x00"}]}],
                                  {"k": bytearray(b"1")}, ("tuple", b"not looked into"), [[[[]]], {"x": {}}],
                                  [1.5, True, None, "s", {"a": [2, b"at the end"]}],
                                  [collections.OrderedDict(k=[b"in a dict subclass"])], _Text("a str subclass")])
def test_the_packets_binary_check_answers_as_python_socketio(data):
    from socketio import packet
    from spiegel.guard import ScreenedPacket
    assert ScreenedPacket.data_is_binary(data) == packet.Packet.data_is_binary(data)


def test_no_event_changes_a_shared_view(app, monkeypatch):
    """The cached views are handed to every snapshot and state unfrozen (freezing them would cost
    what caching saves, and JSON cannot encode a frozen mapping). This walks every built-in
    format's meeting through all its phases, with snapshots for staff and a tablet, and then asks
    whether each view the events shared still equals what its format builds afresh: a caller that
    changed one in place would have changed it for everyone."""
    used: set[tuple] = set()

    def recorded(cached):
        def look(*key):
            used.add((cached, *key))
            return cached(*key)
        return look

    formats_cache = functools.lru_cache(maxsize=None)(wire_views._format_view.__wrapped__)
    phases_cache = functools.lru_cache(maxsize=None)(wire_views._phase_view.__wrapped__)
    monkeypatch.setattr(wire_views, "_format_view", recorded(formats_cache))
    monkeypatch.setattr(wire_views, "_phase_view", recorded(phases_cache))
    sp = app.extensions["spiegel"]
    client = app.test_client()
    for name, fmt in sp.formats.items():
        created = client.post("/api/admin/meetings", headers=ADMIN,
                              json={"title": f"Verzonnen {name}", "format": name, "open": True})
        assert created.status_code in (200, 201), (name, created.get_json())
        room = Room(app, created.get_json())
        mod = room.moderator()
        tablet = room.connect(room.join()["token"])
        for phase in fmt.phases[1:]:
            assert call(mod, "phase.goto", {"key": phase.key})["ok"], (name, phase.key)
            room.moderator().get_received()  # a fresh snapshot in this phase
            tablet.get_received()
    assert {key[0] for key in used} == {formats_cache, phases_cache}, "both views were shared"
    for cached, fmt, *rest in used:
        if cached is formats_cache:
            language, durations = rest
            assert cached(fmt, *rest) == fmt.to_wire(language, dict(durations)), fmt.name
        else:
            key, language, duration = rest
            assert cached(fmt, *rest) == fmt.phase(key).to_wire(language, duration), (fmt.name, key)


def test_a_note_from_its_authors_only_socket_emits_nothing_and_a_second_tab_gets_it(tmp_path, monkeypatch):
    """No echo of a new note to the socket that sent it (its ack carries the note): with no other
    socket of the author, nothing is emitted (not even encoded); a second tab gets it."""
    app = make_app(tmp_path / "instance", FakeClock())
    sp = app.extensions["spiegel"]
    room = _room(app)
    assert call(room.moderator(), "phase.goto", {"key": "listening"})["ok"]
    token = room.join()["token"]
    tablet = room.connect(token)
    sent: list[tuple[str, dict]] = []
    emit = sp.socketio.emit
    monkeypatch.setattr(sp.socketio, "emit", lambda name, *args, **kw: (sent.append((name, kw)),
                                                                         emit(name, *args, **kw))[1])
    assert call(tablet, "note.add", {"id": uid(), "text": "Verzonnen alleen"})["ok"]
    assert [name for name, _ in sent] == [], sent
    second = room.connect(token)
    second.get_received()
    sent.clear()  # the second tab's snapshot and the presence to staff
    ack = call(tablet, "note.add", {"id": uid(), "text": "Verzonnen met tweede tab"})
    assert [(name, kw.get("skip_sid") is not None) for name, kw in sent] == [("note", True)]
    assert [m["args"][0] for m in second.get_received() if m["name"] == "note"] == [
        {"version": ack["note"]["version"], "note": ack["note"]}]
    assert "note" not in [m["name"] for m in tablet.get_received()]
