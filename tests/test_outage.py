"""A database outage mid-meeting, with a real PostgreSQL cluster of the test's own (tests/pg_cluster.py).

The cluster is stopped, or frozen with SIGSTOP (it then accepts connections and answers
nothing, the harder case), for 10 seconds while a moderator and a listener are connected to a
real `spiegel run` (gevent, the default; eventlet and threading once each). While it is down
every event is answered with `storage_unavailable` before it comes back, pages and `/healthz`
keep being served and no socket drops; afterwards the tablet's queued items land exactly once,
with no restart. Under gevent and eventlet psycopg waits green (`PSYCOPG_WAIT_FUNC=wait_select`),
in threading mode each blocked call holds only its own thread; in each the watchdog
(server/storage.py) ends a transaction the frozen server never answers.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
import socketio
from helpers import LiveServer, uid
from pg_cluster import Cluster
from realtime_clients import Peer, close_all

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

OUTAGE = 10.0  # seconds, as the attack found it
DB_TIMEOUT = 2


@pytest.fixture
def cluster():
    c = Cluster().start()
    yield c
    c.destroy()


def start_server(tmp_path, cluster: Cluster, async_mode: str) -> LiveServer:
    return LiveServer(instance=tmp_path / "instance", database_url=cluster.url, async_mode=async_mode,
                      extra_env={"SPIEGEL_DB_TIMEOUT": str(DB_TIMEOUT)}).start()


def http(url: str, timeout: float = 5) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def note() -> dict:
    return {"id": uid(), "text": f"Verzonnen notitie {uid()[:8]}"}


def connect_refusal(url: str, token: str) -> str:
    """The code a new socket is refused with (while the database is down)."""
    client = socketio.Client(reconnection=False)
    refusals: list = []
    client.on("connect_error", lambda data=None: refusals.append(data))
    try:
        client.connect(url, auth={"token": token}, transports=["websocket"], wait_timeout=OUTAGE)
    except socketio.exceptions.ConnectionError:
        data = refusals[0].get("data") if refusals and isinstance(refusals[0], dict) else None
        return data["code"] if isinstance(data, dict) else repr(refusals)
    client.disconnect()
    return "connected"


@pytest.mark.parametrize(("async_mode", "outage"), [("gevent", "frozen"), ("gevent", "stopped"),
                                                    ("eventlet", "frozen"), ("threading", "frozen")])
def test_a_database_outage_mid_meeting(tmp_path, cluster: Cluster, async_mode: str, outage: str):
    server = start_server(tmp_path, cluster, async_mode)
    try:
        meeting_through_an_outage(server, cluster, outage)
    finally:
        server.stop()


def meeting_through_an_outage(server: LiveServer, cluster: Cluster, outage: str) -> None:
    created = server.create_meeting()
    moderator = Peer(server.url, created["moderator_key"], "moderator").connect()
    assert moderator.call("phase.goto", {"key": "listening"})["ok"]
    token = server.join(created["meeting"]["code"])["token"]
    listener = Peer(server.url, token, "listener").connect()
    sids = (moderator.sio.get_sid(), listener.sio.get_sid())
    stored = [note() for _ in range(3)]
    assert all(listener.call("note.add", n)["ok"] for n in stored)
    pid = server.proc.pid

    outbox = [note() for _ in range(4)]
    began = time.monotonic()
    (cluster.freeze if outage == "frozen" else cluster.stop)()
    try:
        with ThreadPoolExecutor(8) as pool:
            acks = [pool.submit(listener.call, "note.add", n, OUTAGE) for n in outbox]
            moved = pool.submit(moderator.call, "phase.goto", {"key": "questions"}, OUTAGE)
            newcomer = pool.submit(connect_refusal, server.url, token)
            page = pool.submit(http, server.url + "/join")
            health = pool.submit(http, server.url + "/healthz", OUTAGE)
            codes = {a.result()["error"]["code"] for a in acks if not a.result()["ok"]}
            assert codes == {"storage_unavailable"} and not any(a.result()["ok"] for a in acks)
            assert moved.result()["error"]["code"] == "storage_unavailable"
            assert newcomer.result() == "storage_unavailable"
            assert page.result()[0] == 200, "the static join page is served while the database is down"
            status, body = health.result()
            assert status == 503 and b'"database":"down"' in body.replace(b" ", b"")
        answered_within = time.monotonic() - began
        assert answered_within < OUTAGE, f"answered while the database was still down ({answered_within:.1f} s)"
        while time.monotonic() - began < OUTAGE:  # the rest of the outage: nobody is dropped
            assert listener.sio.connected and moderator.sio.connected
            assert http(server.url + "/healthz", OUTAGE)[0] == 503
    finally:
        (cluster.thaw if outage == "frozen" else cluster.start)()

    assert (moderator.sio.get_sid(), listener.sio.get_sid()) == sids, "no socket was dropped"
    # The tablet's outbox drains after recovery; a retry may still meet a reconnecting pool.
    deadline = time.monotonic() + 60
    pending = [*outbox, *stored]  # the stored ones again: a lost ack looks like this
    answers: dict[str, dict] = {}
    while pending and time.monotonic() < deadline:
        n = pending.pop(0)
        ack = listener.call("note.add", n)
        if ack["ok"]:
            answers[n["id"]] = ack
        else:
            assert ack["error"]["code"] == "storage_unavailable", ack
            pending.append(n)
    assert not pending, "every queued note landed"
    assert all(answers[n["id"]]["duplicate"] is False for n in outbox)
    assert all(answers[n["id"]]["duplicate"] is True for n in stored)
    with psycopg.connect(cluster.dsn, connect_timeout=10) as db:
        rows = db.execute("SELECT id, count(*) FROM notes GROUP BY id").fetchall()
    assert sorted(rows) == sorted((n["id"], 1) for n in [*stored, *outbox]), "each exactly once"
    assert moderator.call("phase.goto", {"key": "questions"})["ok"]
    assert http(server.url + "/healthz")[0] == 200
    assert server.proc.poll() is None and server.proc.pid == pid, "no restart"
    assert "Traceback" not in server.log()
    close_all([moderator, listener])
