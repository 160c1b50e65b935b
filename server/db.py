"""Engine, sessions and migrations.

SQLite gets WAL (readers never wait for the writer) and a busy timeout, so twenty tablets
saving at once queue instead of failing. Migrations run at every start: an upgraded server
finds its schema ready. Parameters are hidden from SQLAlchemy's error messages: they hold
what people wrote, and error messages end up in logs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            # FULL: every commit is on disk before the ack goes out, even if the power fails
            # (NORMAL in WAL mode may lose the last commits then). An acked note is never lost.
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return cfg


def migrate(engine: Engine, plugins: Iterable = ()) -> None:
    """Bring the schema to the newest revision: the core's, then each plugin's migrations
    (``register_migrations``), each plugin with a version table of its own so their
    histories never mix with the core's or each other's."""
    cfg = alembic_config(engine)
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")
    for folder in plugins:
        # The core's env.py runs the plugin's revision files (a folder of them is all a plugin ships).
        cfg = alembic_config(engine)
        cfg.set_main_option("version_locations", str(folder.path))
        cfg.attributes["version_table"] = f"spiegel_{folder.name.replace('-', '_')}_version"
        with engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, "head")


class Database:
    """The app's database handle (kept in ``app.extensions['spiegel']``)."""

    def __init__(self, url: str):
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: committed on success, rolled back on any exception."""
        with self._sessions() as session, session.begin():
            yield session
