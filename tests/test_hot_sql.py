"""The note's hot statements on the DBAPI cursor (server/hot_sql.py): the same SQL and parameters
SQLAlchemy would send, SQLAlchemy's exceptions when they fail (so the refusals keep their codes
and a lost PostgreSQL connection is invalidated), and SQLAlchemy's own path whenever something
listens to execution or the connection is outside a transaction."""

from __future__ import annotations

import pytest
from helpers import PG_ADMIN_URL, FakeClock, call, make_app, uid
from spiegel import context, hot_sql, storage
from spiegel.db import Database
from spiegel.models import Note, Participant
from sqlalchemy import Column, MetaData, String, Table, event, select
from sqlalchemy import exc as sa_exc
from test_event_paths import _listening

_t = Table("t", MetaData(), Column("id", String(36), primary_key=True), Column("text", String, nullable=False))
_INSERT = hot_sql.Hot(_t.insert())


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db(request, tmp_path):
    url = request.getfixturevalue("postgres_url") if request.param == "postgresql" else (
        f"sqlite:///{tmp_path / 'hot.db'}")
    database = Database(url)
    _t.create(database.engine)
    yield database
    database.dispose()


def _plain(value):
    """A parameter as compared: psycopg's JSON wrapper by what it wraps."""
    return getattr(value, "obj", value)


def _note_statements(dialect: str, meeting_id: str, participant_id: str):
    values = {"id": uid(), "meeting_id": meeting_id, "participant_id": participant_id, "text": "Verzonnen zin",
              "tags": ["een"], "prompt_id": None, "shared": False, "version": None, "created_at": 1.5,
              "updated_at": 1.5}
    return [(context._insert_new(Note, dialect), values, True),
            (context._TAKE, {"meeting_id": meeting_id, "version": 7, "now": 2.5}, False),
            (context._BUMP, {"meeting_id": meeting_id, "now": 3.5}, True)]


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_each_hot_statement_is_the_sql_and_parameters_sqlalchemy_sends(database, tmp_path, request):
    url = request.getfixturevalue("postgres_url") if database == "postgresql" else None
    app = make_app(tmp_path / "instance", FakeClock(), DATABASE_URL=url)
    db = app.extensions["spiegel"].db
    try:
        room, _tablet = _listening(app)
        with db.engine.connect() as connection:
            participant_id = connection.execute(select(Participant.id).where(
                Participant.role == "listener")).scalar_one()
        sent: list[tuple[str, object]] = []
        with db.engine.connect() as connection, connection.begin():
            event.listen(connection, "before_cursor_execute", lambda _c, _cur, sql, params, *_a: sent.append(
                (sql, params)))
            for hot, values, returns in _note_statements(db.engine.dialect.name, room.meeting_id, participant_id):
                plan = hot.plan(connection.dialect)
                assert plan is not None, "every hot statement has a plan"
                if returns:
                    assert hot.first(connection, values) is not None
                else:
                    hot.run(connection, values)
                sql, params = sent[-1]
                assert plan[0] == sql
                ours = hot.parameters(plan, values)
                if isinstance(params, dict):
                    assert {k: _plain(v) for k, v in ours.items()} == {k: _plain(v) for k, v in params.items()}
                else:
                    assert tuple(ours) == tuple(params)
            connection.rollback()
    finally:
        db.dispose()


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_a_note_runs_its_statements_on_the_cursor_unless_something_listens(database, tmp_path, monkeypatch, request):
    """With no listener, the sender's row, the note's INSERT and the meeting's new version (and
    on SQLite its batch's BEGIN) go on the cursor, PostgreSQL's ``handle_error`` listener notwithstanding; with
    a ``before_cursor_execute`` listener (tests count statements), every one of them takes
    SQLAlchemy's path and the listener sees it."""
    url = request.getfixturevalue("postgres_url") if database == "postgresql" else None
    app = make_app(tmp_path / "instance", FakeClock(), DATABASE_URL=url)
    db = app.extensions["spiegel"].db
    room, tablet = _listening(app)
    on_cursor: list[str] = []
    run = hot_sql._run
    monkeypatch.setattr(hot_sql, "_run", lambda connection, sql, *args, **kw: (
        on_cursor.append(sql.split()[0]), run(connection, sql, *args, **kw))[1])
    ack = call(tablet, "note.add", {"id": uid(), "text": "Verzonnen zin"})
    assert ack["ok"] and not ack["duplicate"]
    assert on_cursor == (["BEGIN"] if database == "sqlite" else []) + ["SELECT", "INSERT", "UPDATE"], on_cursor
    seen: list[str] = []

    def listener(_c, _cur, sql, *_a) -> None:
        seen.append(sql.split()[0])

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        on_cursor.clear()
        again = call(tablet, "note.add", {"id": uid(), "text": "Verzonnen tweede"})
        assert again["ok"] and again["note"]["version"] == ack["note"]["version"] + 1
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert on_cursor == [], "a listener sends every statement through SQLAlchemy"
    assert [s for s in seen if s != "BEGIN"] == ["SELECT", "INSERT", "UPDATE"], seen
    db.dispose()


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_a_hot_row_is_sqlalchemys_row_with_its_types(database, tmp_path, request):
    """``Hot.row`` gives what SQLAlchemy's ``Row`` gives, column by column and type by type:
    SQLite's 0/1 as booleans, JSON decoded, floats and NULLs as they are; None for no row."""
    from spiegel import app as app_module
    from spiegel import presence, realtime, snapshots, timer

    url = request.getfixturevalue("postgres_url") if database == "postgresql" else None
    app = make_app(tmp_path / "instance", FakeClock(), DATABASE_URL=url)
    db = app.extensions["spiegel"].db
    room, tablet = _listening(app)
    assert call(tablet, "note.add", {"id": uid(), "text": "Verzonnen zin"})["ok"]  # last_seen_at, a version
    with db.unit() as unit:
        listener = unit.connection.execute(select(Participant.id, Participant.meeting_id, Participant.token_hash)
                                           .where(Participant.role == "listener")).one()
        participant, meeting, token_hash = listener
        cases = [(realtime._SENDER, {"participant_id": participant}),
                 (realtime._SIGN_IN, {"token_hash": token_hash}),
                 (timer._MEETING, {"meeting_id": meeting}),
                 (app_module._PRESENCE_OF, {"meeting_id": meeting}),
                 (presence._PRESENCE, {"meeting_id": meeting}),
                 (snapshots._READ, {"participant_id": participant}),
                 (snapshots._OWN_NOTES, {"participant_id": participant})]
        for hot, values in cases:
            fast = hot.row(unit.connection, values)
            slow = unit.connection.execute(hot.statement, values).first()
            assert type(fast) is not type(slow), "the cursor's path was taken"
            assert fast._asdict() == slow._asdict()
            assert [type(v) for v in fast] == [type(v) for v in slow]
            every = hot.rows(unit.connection, values)
            assert [r._asdict() for r in every] == [r._asdict() for r in unit.connection.execute(hot.statement, values)]
            assert hot.row(unit.connection, {k: "nobody" for k in values}) is None
            assert hot.rows(unit.connection, {k: "nobody" for k in values}) == []
        assert len(presence._PRESENCE.rows(unit.connection, {"meeting_id": meeting})) >= 2  # moderator, listener
        through_session = presence._PRESENCE.rows(unit.session, {"meeting_id": meeting})  # SQLAlchemy's own rows
        assert [r._asdict() for r in through_session] == [
            r._asdict() for r in presence._PRESENCE.rows(unit.connection, {"meeting_id": meeting})]
        sender = realtime._SENDER.row(unit.connection, {"participant_id": participant})
        assert sender.revoked is False and sender.role == "listener" and isinstance(sender.last_seen_at, float)
        assert isinstance(timer._MEETING.row(unit.connection, {"meeting_id": meeting}).settings, dict)
    db.dispose()


def test_outside_a_transaction_a_hot_statement_takes_sqlalchemys_path_and_its_autobegin(db):
    with db.engine.connect() as connection:
        assert not connection.in_transaction()
        _INSERT.run(connection, {"id": "een", "text": "Verzonnen"})
        assert connection.in_transaction(), "SQLAlchemy began the transaction"
        connection.commit()


def test_under_an_untested_sqlalchemy_release_every_statement_takes_sqlalchemys_path(db, monkeypatch):
    """The cursor path leans on SQLAlchemy's private execution hooks: under a release the tests
    have not run against, it is not taken, and the statements still work."""
    assert hot_sql.USABLE, f"this suite's SQLAlchemy is one of {hot_sql.TESTED}: the cursor path is tested"
    monkeypatch.setattr(hot_sql, "USABLE", False)
    monkeypatch.setattr(hot_sql, "_run", lambda *_a, **_kw: pytest.fail("the cursor path was taken"))
    with db.engine.begin() as connection:
        _INSERT.run(connection, {"id": "oud", "text": "Verzonnen"})
    with db.engine.connect() as connection:
        assert connection.execute(select(_t.c.id)).scalars().all() == ["oud"]


def test_a_taken_id_is_sqlalchemys_integrity_error_without_the_values(db):
    with db.engine.connect() as connection:
        with connection.begin():
            _INSERT.run(connection, {"id": "een", "text": "Verzonnen geheim"})
        transaction = connection.begin()
        with pytest.raises(sa_exc.IntegrityError) as raised:
            _INSERT.run(connection, {"id": "een", "text": "Verzonnen geheim"})
        assert "Verzonnen geheim" not in str(raised.value), "the engine hides parameters"
        assert storage.refusal(raised.value) is None, "a taken id is no storage failure"
        transaction.rollback()
        with connection.begin():  # the connection serves the next transaction
            _INSERT.run(connection, {"id": "twee", "text": "Verzonnen"})


def test_a_read_only_sqlite_database_is_refused_with_its_code(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'hot.db'}")
    _t.create(database.engine)
    with database.engine.connect() as connection, connection.begin():
        connection.exec_driver_sql("PRAGMA query_only=ON")
        with pytest.raises(sa_exc.OperationalError) as raised:
            _INSERT.run(connection, {"id": "een", "text": "Verzonnen"})
    assert storage.refusal(raised.value).code == "storage_read_only"
    database.dispose()


@pytest.mark.postgres
def test_a_postgresql_connection_lost_mid_statement_is_invalidated_and_refused(postgres_url):
    import psycopg

    database = Database(postgres_url)
    _t.create(database.engine)
    try:
        with database.engine.connect() as connection:
            connection.begin()
            pid = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
            with pytest.raises(sa_exc.OperationalError) as raised:
                _INSERT.run(connection, {"id": "een", "text": "Verzonnen"})
            assert raised.value.connection_invalidated and connection.invalidated
        assert storage.refusal(raised.value).code == "storage_unavailable"
        with database.engine.connect() as connection, connection.begin():  # the pool connects anew
            _INSERT.run(connection, {"id": "twee", "text": "Verzonnen"})
    finally:
        database.dispose()
