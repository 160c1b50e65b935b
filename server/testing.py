"""``spiegel.testing``: pytest fixtures for plugin authors.

Put ``pytest_plugins = ["spiegel.testing"]`` in your plugin's ``tests/conftest.py``. Then:

- ``spiegel_plugins``: override it to name the installed plugins (entry-point names) your
  tests load; the app loads Spiegel's built-ins and only these. Default: none.
- ``spiegel_clock``: a clock the test moves by hand (``spiegel_clock.advance(60)``); timers
  are checked with ``spiegel_app.extensions["spiegel"].check_timers()``, no waiting.
- ``spiegel_app``: an in-process app on its own SQLite file with your plugins, threading mode.
- ``spiegel_meeting``: ``spiegel_meeting(format="mine", open=True, **fields)`` creates a meeting
  through the admin API and returns a :class:`Meeting` with ``moderator()``, ``listener()``,
  ``participant(kind)`` (through an invitation link), ``display()`` and ``assistant(rights)``
  clients (Flask-SocketIO test clients; ``call(client, event, data)`` returns the ack and
  ``received(client, event)`` what reached it).
- ``spiegel_live_server``: a real ``spiegel run`` process on 127.0.0.1 with your plugins, for
  tests over real sockets (``.url``, ``.create_meeting(**fields)``, ``.join(code, **fields)``).
"""

from __future__ import annotations

import json
import os
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

ADMIN_PASSWORD = "spiegel-testing-admin-password"
#: ``SPIEGEL_SHED_LAG_MS`` of a live test server (see :meth:`LiveServer.environment`).
TEST_SHED_LAG_MS = "30000"
#: What a test meeting is made of unless the test says otherwise.
MEETING = {"title": "Testbijeenkomst", "theme": "Verzonnen thema", "format": "common", "open": True}


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = 1_800_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def call(client, event: str, data: dict | None = None) -> dict:
    """Emit with an ack and return the ack, as a real client's callback gets it."""
    return client.emit(event, data if data is not None else {}, callback=True)


def received(client, event: str) -> list[dict]:
    """Payloads of ``event`` that reached ``client`` since the last look."""
    return [m["args"][0] for m in client.get_received() if m["name"] == event]


def make_app(instance: Path, clock: Clock, plugins: list[str] | tuple[str, ...] = (), **config):
    """An in-process app on its own SQLite file, threading mode, a known admin password, with
    Spiegel's built-ins and the installed plugins named in ``plugins`` (none named: every
    installed one, as ``spiegel run`` without ``SPIEGEL_PLUGINS``). These settings and ``config``
    win over the environment's ``SPIEGEL_*`` values; the others are read from it as usual."""
    from .app import create_app

    settings = {"INSTANCE_PATH": str(instance), "ASYNC_MODE": "threading", "ADMIN_PASSWORD": ADMIN_PASSWORD,
                "PUBLIC_URL": "http://spiegel.test", "DATABASE_URL": None, "PLUGINS_DIR": None,
                "PLUGINS": ",".join(plugins) if plugins else None}
    settings.update(config)
    app = create_app(settings, clock=clock)
    app.extensions["spiegel"].joins.limit = 100_000  # a test joins far faster than a room
    return app


class Meeting:
    """A meeting of the in-process app, with clients for each role."""

    def __init__(self, app, created: dict):
        self.app = app
        self.created = created
        self.code = created["meeting"]["code"]
        self.id = created["meeting"]["id"]
        self.http = app.test_client()
        self._moderator = None

    def connect(self, token: str):
        client = self.app.extensions["spiegel"].socketio.test_client(self.app, flask_test_client=self.http,
                                                                    auth={"token": token})
        assert client.is_connected(), "connection refused"
        return client

    def join(self, **fields) -> dict:
        r = self.http.post(f"/api/meetings/{self.code}/join", json=fields)
        assert r.status_code == 201, r.get_json()
        return r.get_json()

    def moderator(self):
        self._moderator = self._moderator or self.connect(self.created["moderator_key"])
        return self._moderator

    def listener(self, **fields):
        return self.connect(self.join(**fields)["token"])

    def participant(self, kind: str, **fields):
        """A participant of one of the format's kinds, joined through an invitation link."""
        link = call(self.moderator(), "invite.create", {"kind": kind})
        assert link["ok"], link
        return self.connect(self.join(invite=link["url"].split("#invite=", 1)[1], **fields)["token"])

    def display(self):
        return self.connect(call(self.moderator(), "display.link")["key"])

    def assistant(self, rights: list[str]):
        return self.connect(call(self.moderator(), "assistant.create", {"rights": rights})["key"])


@pytest.fixture
def spiegel_plugins() -> list[str]:
    """Override: the entry-point names of the installed plugins your tests load."""
    return []


@pytest.fixture
def spiegel_clock() -> Clock:
    return Clock()


@pytest.fixture
def spiegel_app(tmp_path: Path, spiegel_clock: Clock, spiegel_plugins: list[str]):
    return make_app(tmp_path / "instance", spiegel_clock, spiegel_plugins)


@pytest.fixture
def spiegel_meeting(spiegel_app):
    def make(**fields) -> Meeting:
        r = spiegel_app.test_client().post("/api/admin/meetings", json={**MEETING, **fields},
                                           headers={"Authorization": f"Bearer {ADMIN_PASSWORD}"})
        assert r.status_code == 201, r.get_json()
        return Meeting(spiegel_app, r.get_json())

    return make


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(proc: subprocess.Popen, url: str, timeout: float, log=lambda: "") -> None:
    """Wait until ``url`` answers 200, or fail at once if ``proc`` exits first: a server that
    crashes on start says so with its log instead of making the test wait out the timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args[0]} exited early:\n{log()}")
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer in {timeout}s:\n{log()}")


def stop_process(proc: subprocess.Popen | None, grace: float = 10.0) -> None:
    """SIGTERM, so the server's shutdown runs; SIGKILL only when it has not ended in ``grace`` s."""
    if proc and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(grace)


@dataclass
class LiveServer:
    """A real ``spiegel run`` process with its own instance folder.

    ``environment()`` and ``command()`` are the two places a subclass changes what is started
    (Spiegel's own tests add a database, an async mode and another interpreter)."""

    instance: Path
    plugins: tuple[str, ...] = ()
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen | None = None
    admin_password: str = ADMIN_PASSWORD
    #: The interpreter that runs ``-m spiegel``: this one, or another virtual environment's.
    python: str = sys.executable

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def environment(self) -> dict[str, str]:
        env = {**os.environ, "SPIEGEL_INSTANCE_PATH": str(self.instance), "SPIEGEL_ADMIN_PASSWORD": self.admin_password,
               "SPIEGEL_PUBLIC_URL": self.url, "PYTHONUNBUFFERED": "1"}
        if self.python == sys.executable:
            # The test's import path, so the server finds the same installed plugins; another
            # interpreter has its own (a fresh virtual environment must not see this one's).
            env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
        if self.plugins:
            env["SPIEGEL_PLUGINS"] = ",".join(self.plugins)
        # On a shared CI machine a test's server can be seconds behind, and python test clients
        # do not resend after `server_busy` as the tablets do: shed load only far past the
        # production default, unless the environment or a test sets it.
        env.setdefault("SPIEGEL_SHED_LAG_MS", TEST_SHED_LAG_MS)
        return env

    def command(self) -> list[str]:
        return [self.python, "-m", "spiegel", "run", "--host", "127.0.0.1", "--port", str(self.port)]

    def start(self, timeout: float = 60.0) -> LiveServer:
        self.instance.mkdir(parents=True, exist_ok=True)
        log = open(self.instance / "server.log", "ab")  # noqa: SIM115 - closed with the process
        self.proc = subprocess.Popen(self.command(), env=self.environment(), stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        wait_until_up(self.proc, self.url + "/healthz", timeout, self.log)
        return self

    def log(self) -> str:
        path = self.instance / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        stop_process(self.proc)

    def api(self, method: str, path: str, body: dict | None = None, admin: bool = False) -> tuple[int, dict]:
        req = urllib.request.Request(self.url + path, data=json.dumps(body).encode() if body is not None else None,
                                     method=method, headers={"Content-Type": "application/json"})
        if admin:
            req.add_header("Authorization", f"Bearer {self.admin_password}")
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, json.loads(r.read() or b"{}")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"{}")

    def create_meeting(self, **fields) -> dict:
        """Create a meeting through the admin API; returns the create answer (with ``moderator_key``)."""
        status, answer = self.api("POST", "/api/admin/meetings", {**MEETING, **fields}, admin=True)
        assert status == 201, answer
        return answer

    def join(self, code: str, **fields) -> dict:
        status, answer = self.api("POST", f"/api/meetings/{code}/join", fields)
        assert status == 201, answer
        return answer


@pytest.fixture
def spiegel_live_server(tmp_path: Path, spiegel_plugins: list[str]) -> Iterator[LiveServer]:
    server = LiveServer(instance=tmp_path / "live", plugins=tuple(spiegel_plugins)).start()
    yield server
    server.stop()
