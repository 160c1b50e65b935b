"""Shared fixtures and helpers: an in-process app for protocol tests, real server processes for the rest."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ADMIN_PASSWORD = "test-admin-password-not-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


#: ``SPIEGEL_SHED_LAG_MS`` of test servers (see :meth:`LiveServer.start`).
TEST_SHED_LAG_MS = "30000"


@dataclass
class LiveServer:
    """A real `spiegel run` process on 127.0.0.1 with its own instance folder."""

    instance: Path
    port: int = field(default_factory=free_port)
    async_mode: str = "eventlet"
    database_url: str | None = None
    extra_env: dict[str, str] = field(default_factory=dict)
    proc: subprocess.Popen | None = None
    admin_password: str = ADMIN_PASSWORD
    #: The interpreter that runs `-m spiegel`: this one, or a fresh virtual environment's.
    python: str = sys.executable

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> LiveServer:
        env = dict(os.environ)
        env.update(
            SPIEGEL_INSTANCE_PATH=str(self.instance),
            SPIEGEL_ADMIN_PASSWORD=self.admin_password,
            SPIEGEL_ASYNC_MODE=self.async_mode,
            SPIEGEL_PUBLIC_URL=self.url,
            PYTHONUNBUFFERED="1",
        )
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        # On a shared CI machine a test's server can be seconds behind, and these tests' python
        # clients do not resend after `server_busy` as the tablets do: shedding only far past
        # the default unless a test sets it (tests/test_load_shed.py does, very low).
        env.setdefault("SPIEGEL_SHED_LAG_MS", TEST_SHED_LAG_MS)
        env.update(self.extra_env)
        self.instance.mkdir(parents=True, exist_ok=True)
        log = open(self.instance / "server.log", "ab")  # noqa: SIM115 - closed with the process
        self.proc = subprocess.Popen(
            [self.python, "-m", "spiegel", "run", "--host", "127.0.0.1", "--port", str(self.port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as r:
                    if r.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        raise RuntimeError(f"server did not answer in {timeout}s:\n{self.log()}")

    def log(self) -> str:
        path = self.instance / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def kill(self) -> None:
        """SIGKILL: no shutdown handler runs, like a power cut."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def api(self, method: str, path: str, body: dict | None = None, admin: bool = False) -> tuple[int, dict]:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        if admin:
            req.add_header("Authorization", f"Bearer {self.admin_password}")
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, json.loads(r.read() or b"{}")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"{}")

    def create_meeting(self, **fields) -> dict:
        """Create a meeting through the admin API; returns the create answer (with moderator_key)."""
        body = {"title": "Testbijeenkomst", "theme": "Verzonnen thema voor tests", "format": "common", "open": True}
        body.update(fields)
        status, answer = self.api("POST", "/api/admin/meetings", body, admin=True)
        assert status == 201, answer
        return answer

    def join(self, code: str, **fields) -> dict:
        status, answer = self.api("POST", f"/api/meetings/{code}/join", fields)
        assert status == 201, answer
        return answer


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


class FakeClock:
    """A clock the test moves by hand: timers are checked without waiting."""

    def __init__(self, now: float = 1_800_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


PLUGINS = ROOT / "tests" / "plugins"


def uid() -> str:
    """A fresh client-side id, as a tablet makes one."""
    import uuid

    return str(uuid.uuid4())


def make_app(instance: Path, clock: FakeClock, **config):
    """An in-process app on its own SQLite file, threading mode, a known admin password."""
    from spiegel.app import create_app

    settings = {"INSTANCE_PATH": str(instance), "ASYNC_MODE": "threading", "ADMIN_PASSWORD": ADMIN_PASSWORD,
                "PUBLIC_URL": "http://spiegel.test", "DATABASE_URL": None, "PLUGINS_DIR": None, "PLUGINS": None}
    settings.update(config)
    app = create_app(settings, clock=clock)
    # One test module joins far faster from one address than a real room; the limit itself is
    # tested on its own (test_protocol.py).
    app.extensions["spiegel"].joins.limit = 100_000
    return app


@pytest.fixture
def app(tmp_path: Path, clock: FakeClock):
    return make_app(tmp_path / "instance", clock)


class Room:
    """A meeting in the in-process app, with helpers to connect Flask-SocketIO test clients."""

    def __init__(self, app, created: dict):
        self.app = app
        self.created = created
        self.code = created["meeting"]["code"]
        self.meeting_id = created["meeting"]["id"]
        self.moderator_key = created["moderator_key"]
        self.http = app.test_client()

    def connect(self, token: str):
        sio = self.app.extensions["spiegel"].socketio
        client = sio.test_client(self.app, flask_test_client=self.http, auth={"token": token})
        assert client.is_connected(), "connection refused"
        return client

    def moderator(self):
        return self.connect(self.moderator_key)

    def join(self, **fields) -> dict:
        r = self.http.post(f"/api/meetings/{self.code}/join", json=fields)
        assert r.status_code == 201, r.get_json()
        return r.get_json()

    def listener(self, **fields):
        return self.connect(self.join(**fields)["token"])


def call(client, event: str, data: dict | None = None) -> dict:
    """Emit with an ack and return the ack (what a real client's callback gets)."""
    return client.emit(event, data if data is not None else {}, callback=True)


def received(client, name: str) -> list[dict]:
    """Payloads of the events called ``name`` that reached this client since the last look."""
    return [e["args"][0] for e in client.get_received() if e["name"] == name]


@pytest.fixture
def make_room(app):
    def make(**fields) -> Room:
        body = {"title": "Testbijeenkomst", "theme": "Verzonnen thema", "format": "common", "open": True}
        body.update(fields)
        r = app.test_client().post(
            "/api/admin/meetings", json=body, headers={"Authorization": f"Bearer {ADMIN_PASSWORD}"}
        )
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
