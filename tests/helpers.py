"""Shared fixtures and helpers: an in-process app for protocol tests, real server processes for the rest."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from spiegel import testing

# One implementation for the plugin kit and this suite; the tests import them from here.
from spiegel.testing import Clock as FakeClock
from spiegel.testing import call as call
from spiegel.testing import free_port as free_port
from spiegel.testing import received as received

ROOT = Path(__file__).resolve().parent.parent
ADMIN_PASSWORD = "test-admin-password-not-secret"


@dataclass
class LiveServer(testing.LiveServer):
    """``spiegel.testing``'s live server with what Spiegel's own tests add: the async mode and
    database set per test, any other environment, this suite's admin password and a hard kill."""

    admin_password: str = ADMIN_PASSWORD
    async_mode: str = "gevent"
    database_url: str | None = None
    extra_env: dict[str, str] = field(default_factory=dict)

    def environment(self) -> dict[str, str]:
        env = {**super().environment(), "SPIEGEL_ASYNC_MODE": self.async_mode}
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        return {**env, **self.extra_env}

    def kill(self) -> None:
        """SIGKILL: no shutdown handler runs, like a power cut."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    server = LiveServer(instance=tmp_path / "instance").start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def shared_live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One server for a whole module: each test creates its own meeting."""
    server = LiveServer(instance=tmp_path_factory.mktemp("instance")).start()
    yield server
    server.stop()


# --- in-process app for protocol and unit tests ---------------------------------------------------


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


PLUGINS = ROOT / "tests" / "plugins"


def uid() -> str:
    """A fresh client-side id, as a tablet makes one."""
    import uuid

    return str(uuid.uuid4())


def until(what: str, check, timeout: float = 60.0):
    """Poll ``check`` until it returns something true, and return that; fail after ``timeout``
    seconds (generous: the machine is shared) naming ``what`` was awaited."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        assert time.monotonic() < deadline, f"not within {timeout:.0f} s: {what}"
        time.sleep(0.05)


def make_app(instance: Path, clock: FakeClock, **config):
    """``spiegel.testing.make_app`` with this suite's admin password: the suite's apps are made
    as a plugin's tests make theirs."""
    return testing.make_app(instance, clock, **{"ADMIN_PASSWORD": ADMIN_PASSWORD, **config})


@pytest.fixture
def app(tmp_path: Path, clock: FakeClock):
    return make_app(tmp_path / "instance", clock)


class Room(testing.Meeting):
    """``spiegel.testing``'s meeting of the in-process app, as this suite's tests use it: the
    ids by name, and a fresh moderator connection on every call (tests compare two screens)."""

    def __init__(self, app, created: dict):
        super().__init__(app, created)
        self.meeting_id = self.id
        self.moderator_key = created["moderator_key"]

    def moderator(self):
        return self.connect(self.moderator_key)


@pytest.fixture
def make_room(app):
    def make(**fields) -> Room:
        r = app.test_client().post("/api/admin/meetings", json={**testing.MEETING, **fields},
                                   headers={"Authorization": f"Bearer {ADMIN_PASSWORD}"})
        assert r.status_code == 201, r.get_json()
        return Room(app, r.get_json())

    return make


# --- PostgreSQL (the local server; `make test` starts it when it is down) -------------------------

PG_ADMIN_URL = os.environ.get("SPIEGEL_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    import uuid

    import psycopg

    name = f"spiegel_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    yield f"{base}/{name}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


PROBE_SOURCE = PLUGINS / "spiegel_probe"


@pytest.fixture(scope="session")
def probe_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The probe plugin (tests/plugins/spiegel_probe) built as a wheel and installed into a
    folder of its own, as `pip install` would: put the folder on sys.path (or PYTHONPATH)
    and Spiegel finds the plugin through its entry point, its static files and migrations
    inside the installed package, not the source tree."""
    work = tmp_path_factory.mktemp("probe")
    wheels, site = work / "wheels", work / "site"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", str(wheels), str(PROBE_SOURCE)], check=True,
                   capture_output=True, timeout=600)
    wheel = next(wheels.glob("spiegel_probe-*.whl"))
    subprocess.run([*pip, "install", "--no-deps", "--target", str(site), str(wheel)], check=True,
                   capture_output=True, timeout=600)
    return site


@pytest.fixture
def probe(probe_site: Path, monkeypatch: pytest.MonkeyPatch):
    """The installed probe plugin on sys.path for this test; returns its module."""
    import importlib

    monkeypatch.syspath_prepend(str(probe_site))
    module = importlib.import_module("spiegel_probe")  # once per session: its table joins the models' metadata
    module.CALLS.clear()
    assert str(probe_site) in module.__file__, "the probe must come from the installed wheel"
    return module
