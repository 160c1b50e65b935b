"""The few statements every event runs, sent on the DBAPI cursor of their SQLAlchemy connection.

Why: a note is four statements (the sender's row, the INSERT that takes the meeting's next
version, the meeting taking it, and its batch's ``BEGIN`` on SQLite), and each one through
``Connection.execute`` builds an execution context, looks the statement up in the compiled
cache, processes its parameters, and wraps the cursor in a result and a Row: more instructions
than SQLite's own work for the statement (bench/RESULTS.md, sessions 13 and 15). These
statements never change, so each is compiled once per dialect, to the very SQL SQLAlchemy would
send, and sent with ``cursor.execute``; a row read this way (:meth:`Hot.row`, :meth:`Hot.rows`:
the sender's, the connect path's, the timer's) gets the result processing SQLAlchemy would give it.

What stays SQLAlchemy's: the transaction (a statement runs here only inside the connection's
transaction, SQLAlchemy's autobegin is never skipped), and every failure. A DBAPI error goes
through the connection's own handler, so it comes out as the SQLAlchemy exception the rest of
the code reads (``IntegrityError``, ``OperationalError``; ``storage.refusal`` maps them to the
documented codes), with the engine's ``hide_parameters`` and its ``handle_error`` listeners
(:func:`.storage.withhold_values`), and a connection lost with its server is invalidated as
SQLAlchemy would. Where something listens to execution (a test counting statements with
``before_cursor_execute``, an ``echo``), where the connection has execution options, or where
the dialect has ``do_execute`` hooks, the statement takes SQLAlchemy's path instead, so no
listener misses one.
"""

from __future__ import annotations

import weakref
from collections import namedtuple
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy
from sqlalchemy import Connection
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable

#: The releases whose private execution hooks (``_has_events``, ``_handle_dbapi_exception``)
#: this module was tested against; under any other every statement takes SQLAlchemy's path,
#: slower and as correct, until the tests (tests/test_hot_sql.py) have run against it.
TESTED = ("2.1.",)
USABLE = sqlalchemy.__version__.startswith(TESTED) and hasattr(Connection, "_handle_dbapi_exception")

#: (name, processor, fixed value) per parameter, in the order a positional dialect sends them.
_Plan = tuple[str, Any, tuple[tuple[str, Callable[[Any], Any] | None, Any], ...], bool]


def _fast(connection: Connection) -> bool:
    """Whether a statement may skip SQLAlchemy's execute path on this connection now."""
    dialect = connection.dialect
    return (USABLE and not connection._has_events and not connection.engine._has_events and not connection.engine.echo
            and connection.in_transaction() and not connection.get_execution_options()
            and not (dialect._has_events and dialect.dispatch.do_execute))


class Hot:
    """One statement, compiled once per dialect and run on the DBAPI cursor (see the module)."""

    def __init__(self, statement: Executable):
        self.statement = statement
        self._plans: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        #: Per dialect, what :meth:`row` makes of a fetched tuple: its class and result processors.
        self._shapes: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def plan(self, dialect) -> _Plan | None:
        """The SQL and its parameters' order, processors and fixed values for ``dialect``; None
        when the statement needs what only SQLAlchemy's execution does (defaults computed in
        Python, expanding or escaped parameters): it then always takes SQLAlchemy's path."""
        try:
            return self._plans[dialect]
        except KeyError:
            pass
        compiled = self.statement.compile(dialect=dialect)
        plan: _Plan | None = None
        if not (compiled.insert_prefetch or compiled.update_prefetch or compiled.literal_execute_params
                or compiled.post_compile_params or compiled.escaped_bind_names):
            names = compiled.positiontup if compiled.positional else list(dict.fromkeys(compiled.bind_names.values()))
            processors = compiled._bind_processors
            binds = compiled.binds
            params = tuple((name, processors.get(name), binds[name].effective_value) for name in names or ())
            plan = (compiled.string, compiled, params, compiled.positional)
        self._plans[dialect] = plan
        return plan

    def parameters(self, plan: _Plan, values: dict) -> Sequence | dict:
        """``values`` as the DBAPI takes them for ``plan``: processed, in order or by name."""
        _sql, _compiled, params, positional = plan
        processed = []
        for name, process, fixed in params:
            value = values.get(name, fixed)
            processed.append(value if process is None else process(value))  # None too, as SQLAlchemy does
        if positional:
            return tuple(processed)
        return {name: value for (name, _p, _f), value in zip(params, processed, strict=True)}

    def first(self, connection: Connection, values: dict) -> Sequence | None:
        """The first row the statement returns (a tuple; a Row on SQLAlchemy's path), or None."""
        plan = self.plan(connection.dialect) if _fast(connection) else None
        if plan is None:
            return connection.execute(self.statement, values).first()
        rows, _description = _run(connection, plan[0], self.parameters(plan, values), "one")
        return rows[0] if rows else None

    def row(self, connection: Connection, values: dict) -> Any:
        """The first row as a named tuple of the statement's column keys, with SQLAlchemy's
        result processing (SQLite's 0/1 as booleans, JSON decoded), or None. On SQLAlchemy's
        path it is SQLAlchemy's ``Row``; both answer ``row.column`` and ``row._asdict()``. Why:
        the sender's row is read by every event, and SQLAlchemy's execute and result around
        the SELECT cost more than SQLite's work for it (bench/RESULTS.md, session 15)."""
        rows = self._rows(connection, values, many=False)
        return rows[0] if rows else None

    def rows(self, reader: Connection | Session, values: dict) -> list:
        """Every row, as :meth:`row` makes the first. A Session (one holding changes not yet
        flushed, which its own execute flushes first) reads through SQLAlchemy, its own rows."""
        if isinstance(reader, Session):
            return reader.execute(self.statement, values).all()
        return self._rows(reader, values, many=True)

    def _rows(self, connection: Connection, values: dict, many: bool) -> list:
        plan = self.plan(connection.dialect) if _fast(connection) else None
        if plan is None:
            result = connection.execute(self.statement, values)
            return result.all() if many else [row for row in (result.first(),) if row is not None]
        fetched, description = _run(connection, plan[0], self.parameters(plan, values), "all" if many else "one")
        if not fetched:
            return []
        shape = self._shapes.get(connection.dialect)
        if shape is None:
            shape = self._shapes[connection.dialect] = self._shape(connection.dialect, plan, description)
        make, processors = shape
        return [make._make(value if process is None else process(value)
                           for value, process in zip(row, processors, strict=True)) for row in fetched]

    @staticmethod
    def _shape(dialect, plan: _Plan, description) -> tuple[type, tuple]:
        """The row's class and each column's result processor, as SQLAlchemy's cursor result
        chooses them: by the column's type and the DBAPI's type code for it."""
        columns = plan[1]._result_columns
        make = namedtuple("HotRow", [c[0] for c in columns], rename=True)  # noqa: PYI024 - made per statement
        processors = tuple(c[3]._cached_result_processor(dialect, d[1]) for c, d in zip(columns, description,
                                                                                          strict=True))
        return make, processors

    def run(self, connection: Connection, values: dict) -> None:
        """Run the statement for its effect."""
        plan = self.plan(connection.dialect) if _fast(connection) else None
        if plan is None:
            connection.execute(self.statement, values)
            return
        _run(connection, plan[0], self.parameters(plan, values))


def begin(connection: Connection) -> None:
    """``BEGIN`` on SQLite's connection (pysqlite would begin only before the first write)."""
    if _fast(connection):
        _run(connection, "BEGIN", ())
    else:
        connection.exec_driver_sql("BEGIN")


def _run(connection: Connection, sql: str, parameters: Sequence | dict, fetch: str = "") -> Any:
    """The statement's result as ``fetch`` asks: nothing (``""``), or ``(rows as the DBAPI gives
    them, the cursor's description)`` of its first row (``"one"``) or of all (``"all"``)."""
    cursor = None
    try:
        cursor = connection.connection.cursor()
        cursor.execute(sql, parameters)
        result = ((cursor.fetchall() if fetch == "all" else cursor.fetchmany(1)), cursor.description) if fetch else None
    except BaseException as exc:
        # SQLAlchemy's own handler: wraps a DBAPI error, invalidates a lost connection, runs the
        # engine's handle_error listeners, closes the cursor; it always raises.
        connection._handle_dbapi_exception(exc, sql, parameters, cursor, None)
    cursor.close()
    return result
