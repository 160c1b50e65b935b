"""SQLite's writers take turns, and the events that queued during one commit share the next.

Why: SQLite has one writer at a time and every commit waits for its fsync (``synchronous=FULL``).
At 1,000 tablets and 100 notes/s, a note held the turn for its SQL (0.7 ms) *and* its commit
(1.4 ms fsync, 3.5 ms with the round trip to the OS thread and back through the hub), so a slow
fsync or a busy hub let a queue build that drained at barely more than it grew: the slowest
acks waited seconds on the turn, not on their own work (bench/RESULTS.md, session 11).

How: one transaction on one connection (a *batch*) is open at a time. An event takes the turn,
runs in a SAVEPOINT of the open batch (its refusal rolls back its own statements only) and
gives the turn back; the batch's first event needs none (:class:`Lone`: alone in the batch, its
refusal rolls the batch back whole). The last of the events that queued meanwhile commits the batch, holding
the turn, so the others queue again and make the next batch. Every event waits for its batch's
commit before it returns: its ack, and anything it sends, come only after the commit, and an
event that only read waits too (it may have read its batch's uncommitted rows). A batch whose
commit fails fails every event in it; the tablets resend by the same id, stored once.

A Session transaction (:meth:`GroupCommit.turn`: web routes, the timer, presence) commits the
open batch first and then writes alone, as every transaction did before.

The connection of a batch that committed is kept for the next batch: the pool's checkout and
return (and the Connection made around them) were 7% of a note, and a SQLite file has no server
whose restart could leave a kept connection stale. One is enough: one batch is open at a time.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, Transaction
from sqlalchemy.pool import Pool

from . import hot_sql, trace

#: At most this many events in one batch: a bound on how long the first of them waits.
MOST = 64
#: A waiting event looks at its batch again after this long (seconds), and commits it if it is
#: still open: a queued event that never came (its greenlet killed) must not strand the batch.
STRANDED = 1.0


class Batch:
    """One transaction that several events write into; committed once."""

    def __init__(self, connection: Connection, transaction: Transaction):
        self.connection, self.transaction = connection, transaction
        self.members = 0
        #: Why the batch cannot commit (a member's statement that broke the whole transaction),
        #: or why its commit failed.
        self.error: BaseException | None = None
        #: Committed, or rolled back: set holding the turn, as :attr:`done` is made.
        self.finished = False
        #: Set when the batch is finished; made only for an event that will wait for it (holding
        #: the turn): a batch whose one event committed it itself needs none.
        self.done: threading.Event | None = None

    def waiting(self) -> None:
        """An event will wait for this open batch: the Event it waits on (holding the turn)."""
        if self.done is None:
            self.done = threading.Event()

    def finish(self) -> None:
        """The batch is committed or rolled back (holding the turn): its waiting events go on."""
        self.finished = True
        if self.done is not None:
            self.done.set()

    def check(self) -> None:
        """Fail the batch if SQLite rolled its whole transaction back by itself (a full disk, an
        I/O error; the batch began with ``BEGIN``, so it is in one until its commit): a COMMIT
        then would commit nothing, and the events would be acked for nothing."""
        if not self.connection.connection.dbapi_connection.in_transaction:
            self.error = sqlite3.OperationalError("the batch's transaction was rolled back")


class Lone:
    """The transaction of a batch's first event: the batch's own, with no savepoint.

    Why: nothing else is in the batch while its first event runs (the others wait for the
    turn), so a refusal may roll the whole batch back, and a savepoint would only add its
    ``SAVEPOINT`` and ``RELEASE`` (measured: about a fifth of a note's instructions when notes
    come one at a time, each a batch of its own). An ORM Session needs one, though: its
    ``control_fully`` commit must release a savepoint, not commit the batch
    (:meth:`for_session`, from ``Unit.session``)."""

    def __init__(self, batch: Batch):
        self.batch = batch
        self.nested: Transaction | None = None

    @property
    def is_active(self) -> bool:
        return self.batch.transaction.is_active

    def for_session(self) -> Transaction:
        """The savepoint an ORM Session joins (made once)."""
        if self.nested is None:
            self.nested = self.batch.connection.begin_nested()
        return self.nested

    def commit(self) -> None:
        """Nothing yet, the batch commits for all of its events; but a transaction SQLite lost
        fails now (a savepoint's ``RELEASE`` would), before another event joins the batch."""
        self.batch.check()
        if self.batch.error is not None:
            raise self.batch.error

    def rollback(self) -> None:
        """The whole batch: it holds nothing but this event's statements."""
        if self.batch.transaction.is_active:
            self.batch.transaction.rollback()


class GroupCommit:
    """The turn and the open batch of one SQLite database (one per process)."""

    def __init__(self, engine: Engine, most: int = MOST):
        self.engine, self.most = engine, most
        self._turn = threading.RLock()  # green under eventlet and gevent
        self._count = threading.Lock()
        self._queued = 0
        self._open: Batch | None = None
        self._inside = threading.local()
        #: The last committed batch's connection, with the pool it came from (after an
        #: ``engine.dispose()``, a new pool, it is closed instead of used).
        self._spare: tuple[Connection, Pool] | None = None
        #: Commits and events committed: what a test (and a curious operator) can ask.
        self.commits = 0
        self.committed = 0

    @contextmanager
    def _hold(self) -> Iterator[None]:
        with self._count:
            self._queued += 1
        try:
            self._turn.acquire()
        finally:
            with self._count:
                self._queued -= 1
        depth = getattr(self._inside, "depth", 0)
        self._inside.depth = depth + 1
        try:
            yield
        finally:
            self._inside.depth = depth
            self._turn.release()

    @contextmanager
    def turn(self) -> Iterator[None]:
        """The turn for a transaction of its own: the open batch is committed first (unless this
        greenlet is inside it: a handler's nested transaction writes as it did before)."""
        with self._hold():
            if self._inside.depth == 1:
                self._commit_open()
            yield

    @contextmanager
    def unit(self) -> Iterator[tuple[Connection, Transaction | Lone]]:
        """``(connection, transaction)`` for one event: a savepoint of the open batch, or the
        batch's own (:class:`Lone`) for its first event. Returns once the batch is committed;
        raises what the event raised or, if the batch failed, the batch's error."""
        if getattr(self._inside, "depth", 0) and self._open is not None:
            # Inside an event's unit already (a handler's own nested unit): a savepoint of the same
            # batch, committed with the event's, never on its own.
            with self._hold():
                savepoint = self._open.connection.begin_nested()
                yield self._open.connection, savepoint
            return
        trace.mark("enter")
        with self._hold():
            trace.mark("locked")
            if self._open is None:
                batch = self._begin()
                transaction: Transaction | Lone = Lone(batch)
            else:
                batch = self._open
                try:
                    transaction = batch.connection.begin_nested()
                except BaseException as exc:
                    batch.error = exc
                    self._commit_open()
                    raise
            ok = False
            try:
                yield batch.connection, transaction
                ok = True
            except BaseException:
                if isinstance(transaction, Lone):
                    self._discard(batch)  # its Core statements too, savepoint or not
                elif transaction.is_active:
                    try:
                        transaction.rollback()
                    except BaseException as exc:  # the whole transaction is gone: the batch fails
                        batch.error = exc
                raise
            finally:
                if ok:
                    batch.members += 1
                trace.mark("sql_done")
                if self._open is batch and (batch.error is not None or batch.members >= self.most
                                            or not self._queued):
                    self._commit_open()
                elif ok and not batch.finished:
                    batch.waiting()  # another event commits it: wait for that
                trace.mark("committed")
        if ok:
            self._wait(batch)
            trace.mark("released")

    def _connection(self) -> Connection:
        """The kept connection when it is still good, else one from the pool (holding the turn)."""
        spare, self._spare = self._spare, None
        if spare is not None:
            connection, pool = spare
            if pool is self.engine.pool and not connection.closed and not connection.invalidated:
                return connection
            connection.close()
        return self.engine.connect()

    def _release(self, batch: Batch) -> None:
        """Keep a committed batch's connection for the next; close any other."""
        connection = batch.connection
        if (batch.error is None and self._spare is None and not connection.closed and not connection.invalidated
                and not connection.in_transaction()):
            self._spare = (connection, self.engine.pool)
        else:
            connection.close()

    def dispose(self) -> None:
        """Close the kept connection (before the engine is disposed: ``spiegel run`` hands the
        files to its workers, tests reopen connections with other pragmas)."""
        with self._hold():
            spare, self._spare = self._spare, None
            if spare is not None:
                spare[0].close()

    def _begin(self) -> Batch:
        connection = self._connection()
        transaction = connection.begin()
        # pysqlite begins a transaction only before its first write: a SAVEPOINT before it would
        # start one of its own, whose RELEASE commits. BEGIN now, so the batch is one transaction.
        hot_sql.begin(connection)
        self._open = Batch(connection, transaction)
        return self._open

    def _discard(self, batch: Batch) -> None:
        """The batch's first and only event failed: roll all of it back (holding the turn); its
        connection is kept, and no one waits for the batch."""
        if self._open is batch:
            self._open = None
        try:
            if batch.transaction.is_active:
                batch.transaction.rollback()
        except BaseException as exc:
            batch.error = exc
        finally:
            try:
                self._release(batch)
            finally:
                batch.finish()

    def _commit_open(self) -> None:
        """Commit (or, when broken, roll back) the open batch; holding the turn."""
        batch, self._open = self._open, None
        if batch is None:
            return
        try:
            if batch.error is None:
                batch.check()
            if batch.error is None:
                batch.transaction.commit()
                self.commits += 1
                self.committed += batch.members
            else:
                batch.transaction.rollback()
        except BaseException as exc:
            batch.error = batch.error or exc
            with contextlib.suppress(BaseException):  # the connection is closed below either way
                batch.transaction.rollback()
        finally:
            try:
                self._release(batch)
            finally:
                batch.finish()

    def _wait(self, batch: Batch) -> None:
        """Until the batch is finished (at once when this event committed it), then its error."""
        if not batch.finished:
            done = batch.done
            assert done is not None, "an event that waits made the batch's Event, holding the turn"
            while not done.wait(STRANDED):
                with self._hold():
                    if self._open is batch:
                        self._commit_open()
        if batch.error is not None:
            raise batch.error
