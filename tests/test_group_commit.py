"""SQLite's group commit (server/group_commit.py): events that queue for the turn during a commit
share the next one, each returns (and so is acked, and sends) only once its batch is on disk,
a refused event takes back its own rows only, and a batch that cannot commit fails every event
in it, so nothing is acknowledged that was not stored."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from helpers import ADMIN_PASSWORD, FakeClock, Room, call, make_app, uid, until
from spiegel import group_commit
from spiegel.db import Database
from sqlalchemy import event, text


@pytest.fixture
def db(tmp_path: Path):
    database = Database(f"sqlite:///{tmp_path / 'batch.db'}")
    with database.engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (id TEXT PRIMARY KEY)")
    yield database
    database.engine.dispose()


def _committed(db: Database) -> set[str]:
    """What another connection (another process, or the file after a power cut) finds stored."""
    path = db.engine.url.database
    with sqlite3.connect(path) as other:
        return {row[0] for row in other.execute("SELECT id FROM t")}


def _queue_behind_the_turn(db: Database, body, count: int) -> dict[int, object]:
    """``count`` events in threads, all queued while the turn is held (as during a commit);
    what each returned or raised, and what was stored when each returned."""
    outcomes: dict[int, object] = {}

    def one(i: int) -> None:
        try:
            with db.unit() as unit:
                body(i, unit.connection)
            outcomes[i] = ("ok", str(i) in _committed(db) if body is _insert else None)
        except Exception as exc:  # noqa: BLE001 - the outcome under test
            outcomes[i] = ("raised", exc)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    with db.group.turn():
        for t in threads:
            t.start()
        until("every event queues for the turn", lambda: db.group._queued == count, 10)
    for t in threads:
        t.join(30)
    return outcomes


def _insert(i: int, connection) -> None:
    connection.exec_driver_sql("INSERT INTO t VALUES (?)", (str(i),))


def test_events_queued_during_a_commit_share_one_and_each_returns_only_once_it_is_stored(db):
    outcomes = _queue_behind_the_turn(db, _insert, 8)
    assert outcomes == {i: ("ok", True) for i in range(8)}, "every event returned after its row was committed"
    assert db.group.committed == 8 and db.group.commits < 8, "the queued events shared commits"
    assert _committed(db) == {str(i) for i in range(8)}


def test_a_refused_event_takes_back_its_own_rows_and_the_batch_commits_the_others(db):
    def body(i: int, connection) -> None:
        _insert(i, connection)
        if i == 3:
            raise ValueError("refused")

    outcomes = _queue_behind_the_turn(db, body, 6)
    assert isinstance(outcomes.pop(3)[1], ValueError)
    assert all(kind == "ok" for kind, _ in outcomes.values())
    assert _committed(db) == {"0", "1", "2", "4", "5"}


def test_a_batch_whose_commit_fails_fails_every_event_in_it(db):
    def refuse_commit(_connection) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    event.listen(db.engine, "commit", refuse_commit)
    try:
        outcomes = _queue_behind_the_turn(db, _insert, 5)
    finally:
        event.remove(db.engine, "commit", refuse_commit)
    assert all(kind == "raised" for kind, _ in outcomes.values()), "no event returned as if stored"
    assert _committed(db) == set()
    with db.unit() as unit:  # the next batch starts afresh
        _insert(9, unit.connection)
    assert _committed(db) == {"9"}


def test_a_transaction_sqlite_rolled_back_by_itself_is_not_committed_as_if_stored(db):
    def body(i: int, connection) -> None:
        _insert(i, connection)
        if i == 2:  # as SQLite does on a full disk or an I/O error: the whole transaction is gone
            connection.connection.dbapi_connection.rollback()

    outcomes = _queue_behind_the_turn(db, body, 4)
    # Which events share event 2's batch depends on the order the threads take the turn, and on
    # a busy machine the first may commit alone (STRANDED): what holds whatever the batches were
    # is that an event returned exactly when its row is stored, and event 2's never is.
    stored = _committed(db)
    assert outcomes[2][0] == "raised" and "2" not in stored, "the event whose transaction was lost failed"
    returned = {str(i) for i, (kind, _) in outcomes.items() if kind == "ok"}
    assert stored == returned, "an event returned as if stored exactly when its row was committed"


def test_a_batch_stranded_by_an_event_that_never_came_is_committed_by_its_waiting_event(db, monkeypatch):
    """An event counted as queued that never takes the turn (its greenlet killed) leaves the batch
    open; the waiting event commits it after STRANDED and returns stored. The next batch, which
    SQLite loses, fails every event in it and takes none of the first batch's rows with it (as
    CI once met on a busy machine: the first event's batch committed alone, by this path)."""
    monkeypatch.setattr(group_commit, "STRANDED", 0.05)
    with db.group._count:
        db.group._queued += 1  # the event that never comes
    try:
        with db.unit() as unit:
            _insert(0, unit.connection)
    finally:
        with db.group._count:
            db.group._queued -= 1
    assert _committed(db) == {"0"}, "the stranded batch was committed by the event waiting on it"

    def body(i: int, connection) -> None:
        _insert(i, connection)
        if i == 2:
            connection.connection.dbapi_connection.rollback()

    outcomes = _queue_behind_the_turn(db, lambda i, c: body(i + 1, c), 3)
    stored = _committed(db)
    assert "0" in stored, "the first batch's row stayed stored"
    assert outcomes[1][0] == "raised" and "2" not in stored, "the event whose transaction was lost failed"
    assert stored - {"0"} == {str(i + 1) for i, (kind, _) in outcomes.items() if kind == "ok"}


def test_a_session_transaction_commits_the_open_batch_first(db):
    """Web routes and the timer write in a Session of their own: not beside an uncommitted batch
    (SQLite would make them wait for its write lock; under a green hub, wait forever)."""
    started, go = threading.Event(), threading.Event()

    def held_open() -> None:
        with db.unit() as unit:
            _insert(1, unit.connection)
            started.set()
            go.wait(10)

    thread = threading.Thread(target=held_open)
    thread.start()
    assert started.wait(10)
    go.set()
    thread.join(10)
    with db.transaction() as session:
        session.connection().exec_driver_sql("INSERT INTO t VALUES ('2')")
    assert _committed(db) == {"1", "2"}


def test_a_note_is_stored_before_anyone_hears_of_it_and_before_its_ack(tmp_path, monkeypatch):
    app = make_app(tmp_path / "instance", FakeClock())
    sp = app.extensions["spiegel"]
    path = sp.db.engine.url.database
    created = app.test_client().post("/api/admin/meetings", headers={"Authorization": f"Bearer {ADMIN_PASSWORD}"},
                                     json={"title": "Verzonnen", "open": True})
    room = Room(app, created.get_json())
    assert call(room.moderator(), "phase.goto", {"key": "listening"})["ok"]
    token = room.join()["token"]
    tablet, other_tab = room.connect(token), room.connect(token)  # the note goes to the other one
    heard: list[bool] = []
    emit = sp.socketio.emit

    def checking(name, body, *args, **kwargs):
        if name == "note":
            with sqlite3.connect(path) as other:
                heard.append(other.execute("SELECT count(*) FROM notes WHERE id = ?",
                                           (body["note"]["id"],)).fetchone()[0] == 1)
        return emit(name, body, *args, **kwargs)

    monkeypatch.setattr(sp.socketio, "emit", checking)
    note_id = uid()
    assert call(tablet, "note.add", {"id": note_id, "text": "Verzonnen zin"})["ok"]
    with sqlite3.connect(path) as other:
        assert other.execute("SELECT count(*) FROM notes WHERE id = ?", (note_id,)).fetchone()[0] == 1
    assert heard == [True], "the author's screens heard of the note only once it was committed"
    assert [m["name"] for m in other_tab.get_received()].count("note") == 1
    assert "note" not in [m["name"] for m in tablet.get_received()], "the sender has it in its ack"


def test_a_unit_inside_an_events_unit_is_committed_with_it_never_alone(db):
    with db.unit() as outer:
        _insert(1, outer.connection)
        with db.unit() as inner:
            _insert(2, inner.connection)
        assert _committed(db) == set(), "the inner unit did not commit the event's batch halfway"
    assert _committed(db) == {"1", "2"} and db.group.commits == 1


def test_a_batchs_first_event_needs_no_savepoint_and_its_session_gets_one(db):
    """Alone in its batch, an event runs in the batch's own transaction (no ``SAVEPOINT`` and
    ``RELEASE``: a note one at a time costs two statements less); a Session it opens gets a
    savepoint, whose commit releases it and leaves the batch's one commit to the batch."""
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda _c, _cur, sql, *_a: statements.append(sql))
    with db.unit() as unit:
        unit.connection.exec_driver_sql("INSERT INTO t VALUES ('kern')")
    assert not [s for s in statements if "SAVEPOINT" in s], statements
    assert _committed(db) == {"kern"}
    commits = db.group.commits
    with db.unit() as unit:
        unit.connection.exec_driver_sql("INSERT INTO t VALUES ('kern2')")
        unit.session.execute(text("INSERT INTO t VALUES ('orm')"))
    assert [s for s in statements if s.startswith("SAVEPOINT")], statements
    assert _committed(db) == {"kern", "kern2", "orm"} and db.group.commits == commits + 1


def test_a_batchs_first_event_that_fails_leaves_nothing_of_its_core_or_session_writes(db):
    """Refused after its Core statements and its Session's (a savepoint of its own), the first
    event of a batch takes all of them back: the batch holds nothing else, so it is rolled back
    whole, and its connection serves the next event."""
    with pytest.raises(RuntimeError), db.unit() as unit:
        unit.connection.exec_driver_sql("INSERT INTO t VALUES ('kern')")
        unit.session.execute(text("INSERT INTO t VALUES ('orm')"))
        unit.session.flush()
        raise RuntimeError("Verzonnen fout")
    assert _committed(db) == set()
    checkouts: list[int] = []
    event.listen(db.engine, "checkout", lambda *_args: checkouts.append(1))
    with db.unit() as unit:
        unit.connection.exec_driver_sql("INSERT INTO t VALUES ('daarna')")
    assert _committed(db) == {"daarna"} and checkouts == []


def test_an_event_that_commits_its_own_batch_makes_no_event_to_wait_on(db, monkeypatch):
    """Alone in its batch, an event commits it itself before it returns: nothing to wait for, so
    no ``threading.Event`` (one per note, one at a time); events queued behind others still wait
    on their batch's and return only once it is stored."""
    made: list[int] = []
    real = threading.Event

    def counting():
        made.append(1)
        return real()

    monkeypatch.setattr(group_commit.threading, "Event", counting)
    for i in range(3):
        with db.unit() as unit:
            _insert(i, unit.connection)
    assert made == [] and _committed(db) == {"0", "1", "2"}
    outcomes = _queue_behind_the_turn(db, lambda i, c: _insert(i + 10, c), 4)
    assert all(kind == "ok" for kind, _ in outcomes.values())
    assert _committed(db) >= {"10", "11", "12", "13"}
