"""Engine, transactions and migrations.

SQLite gets WAL (readers never wait for the writer) and a busy timeout; its writers take turns
in this process, and the events that queued during one commit are committed together in the
next (:mod:`.group_commit`), so twenty tablets saving at once queue briefly instead of failing.
Migrations run at every start: an upgraded server finds its schema ready. Parameters are hidden
from SQLAlchemy's error messages: they hold what people wrote, and error messages end up in logs;
so is PostgreSQL's own quote of a refused row (:func:`.storage.withhold_values`).
SQLite overwrites deleted content (``secure_delete``) and an erase checkpoints the WAL, so erased
text leaves the files. PostgreSQL gets connect and statement timeouts, and a watchdog
(:mod:`.storage`) bounds each transaction.

A socket event runs in a :class:`Unit`: a Core connection's transaction, with an ORM Session made
only when a handler first asks for one, inside that same transaction. A tablet's note needs no
Session at all, whose begin, commit and close were 13–18% of a note (bench/RESULTS.md, sessions
9 and 10).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, Transaction, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from . import offload, trace
from .group_commit import GroupCommit, Lone
from .storage import Watchdog, postgres_connect_args, withhold_values

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class _OffHubCommit(sqlite3.Connection):
    """A SQLite connection whose commit (and its fsync) runs off the green hub (:mod:`.offload`)."""

    def commit(self) -> None:
        if not trace.on():
            offload.blocking(super().commit)
            return
        took = []

        def timed() -> None:
            start = trace.now()
            sqlite3.Connection.commit(self)
            took.append(trace.now() - start)

        trace.mark("c_in")
        offload.blocking(timed)
        trace.mark("c_out")
        if took:
            trace.add("fsync", took[0])


def make_engine(url: str, timeout: float = 5.0) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30,
                                                  "factory": _OffHubCommit}, hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            # FULL: every commit is on disk before the ack goes out, even if the power fails
            # (NORMAL in WAL mode may lose the last commits then). An acked note is never lost.
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            # Deleted rows are overwritten with zeros, not just unlinked: an erased meeting's text
            # does not linger in free pages of the file.
            cursor.execute("PRAGMA secure_delete=ON")
            cursor.close()

        return engine
    connect_args = postgres_connect_args(timeout) if url.startswith("postgresql") else {}
    engine = create_engine(url, pool_pre_ping=True, pool_timeout=timeout, hide_parameters=True,
                           connect_args=connect_args)
    if engine.dialect.name == "postgresql":
        withhold_values(engine)  # PostgreSQL's messages quote refused rows (a note's text)
    return engine


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return cfg


#: The key of the advisory lock PostgreSQL migrations hold (any constant; "spgl" in ASCII).
MIGRATION_LOCK = 0x7370676C


def _begin_migration(connection) -> None:
    """One migration at a time, however many workers start at once (one ``spiegel run --port P``
    each, as systemd starts them): the others wait, then find the schema at its head. Without
    the lock, the second met the first's half-made schema and died (``pg_type`` unique violation,
    ``table meetings already exists``). And a large database's migration may take longer than an
    event's statement timeout."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET LOCAL statement_timeout = 0")
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
    elif connection.dialect.name == "sqlite":
        # The write lock before the version is read (pysqlite would begin only at the first write).
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def migrate(engine: Engine, plugins: Iterable = ()) -> None:
    """Bring the schema to the newest revision: the core's, then each plugin's migrations
    (``register_migrations``), each plugin with a version table of its own so their
    histories never mix with the core's or each other's."""
    cfg = alembic_config(engine)
    with engine.begin() as connection:
        _begin_migration(connection)
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")
    for folder in plugins:
        # The core's env.py runs the plugin's revision files (a folder of them is all a plugin ships).
        cfg = alembic_config(engine)
        cfg.set_main_option("version_locations", str(folder.path))
        cfg.attributes["version_table"] = f"spiegel_{folder.name.replace('-', '_')}_version"
        with engine.begin() as connection:
            _begin_migration(connection)
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, "head")


class Database:
    """The app's database handle (kept in ``app.extensions['spiegel']``)."""

    def __init__(self, url: str, timeout: float = 5.0):
        self.engine = make_engine(url, timeout)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.watchdog = Watchdog(self.engine, timeout) if self.engine.dialect.name == "postgresql" else None
        # SQLite in every mode: transactions take turns (:mod:`.group_commit`, a green lock under
        # a green hub, whose commit waits in a real thread while the hub serves others), and the
        # events that queued during one commit are committed together in the next. Without the
        # turns a green hub would meet SQLite's write lock, whose busy wait blocks the hub, and
        # threads would poll it (SQLite sleeps up to 100 ms between two looks).
        self.group = GroupCommit(self.engine) if self.engine.dialect.name == "sqlite" else None

    def _bounded(self) -> AbstractContextManager:
        """What every transaction holds: SQLite's turn (the open batch committed first), PostgreSQL's time limit."""
        stack = ExitStack()
        if self.group is not None:
            stack.enter_context(self.group.turn())
        if self.watchdog is not None:
            stack.enter_context(self.watchdog.watch())
        return stack

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: committed on success, rolled back on any exception; bounded in time."""
        with self._bounded(), self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def unit(self) -> Iterator[Unit]:
        """One event's transaction on a Core connection, held and bounded as :meth:`transaction`:
        committed once on success (through the Session when one was made), rolled back on any
        exception (the Session's rows with it). Under SQLite it is part of a group commit
        (:mod:`.group_commit`: a savepoint, or the batch's own transaction for its first event):
        it returns once that commit is done."""
        if self.group is not None:
            with self.group.unit() as (connection, transaction):
                unit = Unit(connection, transaction)
                try:
                    yield unit
                    unit.commit()
                except BaseException:
                    unit.rollback()
                    raise
                finally:
                    unit.close()
            return
        trace.mark("enter")
        with self._bounded(), self.engine.connect() as connection:
            trace.mark("locked")
            unit = Unit(connection, connection.begin())
            try:
                yield unit
                trace.mark("sql_done")
                unit.commit()
                trace.mark("committed")
            except BaseException:
                unit.rollback()
                raise
            finally:
                unit.close()
        trace.mark("released")

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A Core connection for reads only, outside the writers' turns (SQLite's WAL lets a
        reader see the last commit while a batch is open), bounded as a transaction on
        PostgreSQL. Why: a look that finds nothing to do (the timer watcher's, every few
        seconds all day) needs neither a write transaction nor the open batch committed first."""
        with self.watchdog.watch() if self.watchdog else nullcontext(), self.engine.connect() as connection:
            yield connection

    def dispose(self) -> None:
        """Close every connection: the kept one and the pool's (before handing the files to workers)."""
        if self.group is not None:
            self.group.dispose()
        self.engine.dispose()

    def ping(self) -> None:
        """Raise when the database does not answer (for /healthz); reads only, so it waits for no writer's turn."""
        with self.watchdog.watch() if self.watchdog else nullcontext(), self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def after_erase(self) -> None:
        """Move an erase out of SQLite's write-ahead log into the (zeroed) main file and empty the log."""
        if self.group is not None:
            with self.group.turn(), self.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


class Unit:
    """One transaction on one Core connection; the ORM Session is made on first use, inside it.

    The hot path of an event (the sender row, the resend check, the version bump, a note's
    insert) runs on :attr:`connection`; a handler that asks for :attr:`session` gets one bound
    to that connection with ``join_transaction_mode="control_fully"``: it sees what ran before
    on the connection, its flush goes into the same transaction, and its commit or rollback is
    the transaction's own. So an event commits once, whichever of the two it used.
    """

    def __init__(self, connection: Connection | None, transaction: Transaction | None = None,
                 session: Session | None = None):
        self._connection = connection
        self._transaction = transaction
        self._session = session

    @classmethod
    def of(cls, session: Session) -> Unit:
        """The unit of a Session's own transaction (work that starts from the ORM: a web route, the
        timer); its owner commits it."""
        return cls(None, session=session)

    @property
    def connection(self) -> Connection:
        """The transaction's Core connection (a Session's own, for a unit made :meth:`of` one)."""
        if self._connection is None:
            self._connection = self._session.connection()
        return self._connection

    @property
    def session(self) -> Session:
        """The ORM Session of this transaction, made on first use."""
        if self._session is None:
            if isinstance(self._transaction, Lone):  # a batch's first event: the Session gets a savepoint
                self._transaction = self._transaction.for_session()
            self._session = Session(bind=self.connection, join_transaction_mode="control_fully",
                                    expire_on_commit=False)
        return self._session

    @property
    def opened(self) -> Session | None:
        """The Session if one was made (what may hold unflushed rows), else None."""
        return self._session

    def commit(self) -> None:
        if self._session is not None:
            self._session.commit()  # flushes, then commits the connection's transaction
        else:
            self._transaction.commit()

    def rollback(self) -> None:
        if self._session is not None:
            self._session.rollback()
        elif self._transaction.is_active:
            self._transaction.rollback()

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
