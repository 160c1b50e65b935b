"""Several workers on one Redis and one PostgreSQL database (docs/deployment.md).

Real `spiegel run` processes, a Redis of each test's own (with a password, killed and started
again where the test says so), a PostgreSQL database of each test's own, real python-socketio
clients, and nginx running docs/nginx-spiegel.conf itself.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from helpers import ADMIN_PASSWORD, ROOT, FakeClock, LiveServer, call, free_port, make_app, uid, until
from realtime_clients import Peer, close_all
from redis_server import RedisServer

pytestmark = pytest.mark.e2e

SECRET_KEY = "verzonnen-geheime-sleutel-voor-de-schaaltest"


@pytest.fixture
def redis_server():
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = RedisServer().start()
    yield server
    server.destroy()


def worker(tmp_path: Path, name: str, database_url: str, redis_url: str, prefix: str, **env) -> LiveServer:
    """One worker as `spiegel run --workers N` starts it: same database, Redis, key and password."""
    return LiveServer(instance=tmp_path / name, database_url=database_url, extra_env={
        "SPIEGEL_MESSAGE_QUEUE": redis_url, "SPIEGEL_REDIS_PREFIX": prefix, "SPIEGEL_SECRET_KEY": SECRET_KEY, **env})


@pytest.fixture
def pair(tmp_path, postgres_url, redis_server):
    """Workers A and B on different ports; each test has its own key prefix and database."""
    prefix = f"t{uuid.uuid4().hex[:8]}:"
    a = worker(tmp_path, "a", postgres_url, redis_server.url, prefix).start()
    b = worker(tmp_path, "b", postgres_url, redis_server.url, prefix).start()
    yield a, b
    a.stop()
    b.stop()


def connected(peer: Peer) -> int:
    return peer.snapshot()["presence"]["connected"]


def add_questions(peer: Peer, count: int, label: str) -> list[str]:
    ids = []
    for n in range(count):
        item = {"id": uid(), "text": f"Verzonnen vraag {label}.{n}"}
        assert peer.call_as_tablet("question.add", item)["ok"]
        ids.append(item["id"])
    return ids


def across(a: LiveServer, b: LiveServer, title: str, count: int) -> tuple[dict, Peer, list[str], list[Peer]]:
    """A meeting made on A, its moderator connected to A and ``count`` listeners joined and
    connected on B: (created, moderator, tokens, listeners)."""
    created = a.create_meeting(title=title)
    moderator = Peer(a.url, created["moderator_key"], "moderator@A").connect()
    tokens = [b.join(created["meeting"]["code"], name=f"L{i}")["token"] for i in range(count)]
    return created, moderator, tokens, [Peer(b.url, t, f"listener{i}@B").connect() for i, t in enumerate(tokens)]


def test_moderator_on_a_and_listeners_on_b_see_each_other(pair):
    a, b = pair
    created, moderator, tokens, listeners = across(a, b, "Schaaltest (verzonnen)", 2)
    meeting_id = created["meeting"]["id"]
    tab_on_a = None
    try:
        # Presence counts the listeners of the other worker.
        moderator.wait_for("presence", where=lambda p: p["presence"]["connected"] == 2)
        assert connected(moderator) == 2
        # Moderator's change on A reaches listeners on B …
        assert moderator.call("phase.goto", {"key": "listening"})["ok"]
        for peer in listeners:
            peer.wait_for("state", where=lambda p: p["phase"]["key"] == "listening")
        # … and a listener's question on B reaches the moderator on A.
        asked = add_questions(listeners[0], 1, "B")
        moderator.wait_for("question", where=lambda p: p.get("question", p).get("id") == asked[0])
        # A note on B reaches its author's other tab on A (the sending socket has it in its ack).
        tab_on_a = Peer(a.url, tokens[0], "listener0@A").connect()
        note = {"id": uid(), "text": "Verzonnen notitie"}
        assert listeners[0].call("note.add", note)["ok"]
        tab_on_a.wait_for("note", where=lambda p: p["note"]["id"] == note["id"])

        # A revoked link closes its socket in the other worker.
        status, _ = a.api("POST", f"/api/admin/meetings/{meeting_id}/moderator-link", {}, admin=True)
        assert status == 200
        until("the old moderator link's socket to close", lambda: not moderator.sio.connected)

        # The admin session and the wrong-password limit hold across workers.
        assert _admin_cookie_works_on_other_worker(a, b)

        # Erasing the meeting on A closes the listeners' sockets on B.
        status, _ = a.api("DELETE", f"/api/admin/meetings/{meeting_id}", admin=True)
        assert status == 200
        for peer in listeners:
            peer.wait_for("meeting.erased")
        until("the erased meeting's sockets to close", lambda: not any(p.sio.connected for p in listeners))
    finally:
        close_all([moderator, *listeners, *([tab_on_a] if tab_on_a else [])])


def _admin_cookie_works_on_other_worker(a: LiveServer, b: LiveServer) -> bool:
    import http.cookiejar
    import json

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    req = urllib.request.Request(a.url + "/api/admin/login", data=json.dumps({"password": a.admin_password}).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    assert opener.open(req, timeout=10).status == 200
    cookie = next(c for c in jar if c.name == "spiegel_admin")
    req = urllib.request.Request(b.url + "/api/admin/meetings", headers={"Cookie": f"spiegel_admin={cookie.value}"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.status == 200


def test_wrong_admin_passwords_count_in_every_worker(tmp_path, postgres_url, redis_server):
    prefix = f"t{uuid.uuid4().hex[:8]}:"
    a = worker(tmp_path, "a", postgres_url, redis_server.url, prefix, SPIEGEL_LOGIN_LIMIT="3").start()
    b = worker(tmp_path, "b", postgres_url, redis_server.url, prefix, SPIEGEL_LOGIN_LIMIT="3").start()
    try:
        for server in (a, b, a):
            status, _ = server.api("POST", "/api/admin/login", {"password": "verzonnen-fout"})
            assert status == 401
        status, answer = b.api("POST", "/api/admin/login", {"password": b.admin_password})
        assert status == 429 and answer["error"]["code"] == "rate_limited", answer
    finally:
        a.stop()
        b.stop()


def test_a_killed_worker_s_tablets_reconnect_to_the_other_with_nothing_lost(pair):
    a, b = pair
    _, moderator, tokens, listeners = across(a, b, "Uitvaltest (verzonnen)", 3)
    assert moderator.call("phase.goto", {"key": "listening"})["ok"]
    asked = {t: add_questions(p, 3, p.name) for t, p in zip(tokens, listeners, strict=True)}
    try:
        until("presence of B's listeners", lambda: connected(moderator) == 3)
        b.kill()
        killed = time.monotonic()
        for peer in listeners:
            peer.sio.reconnection = False
        # B's sockets drop out of presence once its heartbeat is gone (about 10 s).
        until("a dead worker's sockets to drop out", lambda: connected(moderator) == 0, timeout=30)
        print(f"a dead worker's sockets dropped out of presence after {time.monotonic() - killed:.1f} s")
        # The tablets come back through the proxy, which now sends them to A.
        close_all(listeners)
        listeners = [Peer(a.url, t, f"listener{i}@A").connect() for i, t in enumerate(tokens)]
        for token, peer in zip(tokens, listeners, strict=True):
            mine = sorted(q["id"] for q in peer.of("snapshot")[0]["questions"])
            assert mine == sorted(asked[token])
        assert sorted(q["id"] for q in moderator.snapshot()["questions"]) == sorted(sum(asked.values(), []))
        until("presence after the reconnect", lambda: connected(moderator) == 3)
    finally:
        close_all([moderator, *listeners])


def test_a_worker_stopped_with_sigterm_leaves_presence_at_once_and_tells_staff(pair, redis_server):
    """A graceful stop (SIGTERM: the supervisor, systemd) takes the worker's sockets out of
    presence before it exits, and pushes the new presence to staff on the other worker: no
    waiting for the heartbeat key to expire as for a killed one."""
    import redis

    a, b = pair
    created, moderator, _, listeners = across(a, b, "Stoptest (verzonnen)", 3)
    meeting_id = created["meeting"]["id"]
    store = redis.Redis.from_url(redis_server.url)
    prefix = b.extra_env["SPIEGEL_REDIS_PREFIX"]

    def workers_in_presence() -> dict[str, int]:
        owners = [v.decode().split("|", 1)[0] for v in store.hvals(f"{prefix}presence:{meeting_id}")]
        return {w: owners.count(w) for w in set(owners)}

    try:
        until("presence of B's listeners", lambda: connected(moderator) == 3)
        before = until("both workers' sockets in Redis",
                       lambda: len(workers_in_presence()) == 2 and workers_in_presence())
        worker_b = next(w for w, n in before.items() if n == 3)
        assert store.exists(f"{prefix}worker:{worker_b}")
        for peer in listeners:
            peer.sio.reconnection = False  # they would come back to A through the proxy
        pushed = len(moderator.of("presence"))
        b.stop()
        assert b.proc.returncode == 0, b.log()
        # Done before the process ended: B's fields and its heartbeat key are gone from Redis
        # (a killed worker's stay until the key's TTL runs out and a reader clears them).
        assert workers_in_presence() == {w: n for w, n in before.items() if w != worker_b}
        assert not store.exists(f"{prefix}worker:{worker_b}")
        assert "left presence in 1 meetings" in b.log()
        # Staff on A were told, not left to find out at their next sync.
        told = moderator.wait_for("presence", count=pushed + 1)[pushed:]
        assert any(p["presence"]["connected"] == 0 for p in told), told
        assert len(moderator.snapshot()["presence"]["dropped"]) == 3
    finally:
        close_all([moderator, *listeners])


def test_redis_restarted_mid_meeting_service_back_within_five_seconds(pair, redis_server):
    a, b = pair
    created = a.create_meeting(title="Redis-herstart (verzonnen)")
    code = created["meeting"]["code"]
    moderator = Peer(a.url, created["moderator_key"], "moderator@A").connect()
    tokens = [b.join(code, name=f"L{i}")["token"] for i in range(2)]
    listeners = [Peer(b.url, t, f"listener{i}@B").connect() for i, t in enumerate(tokens)]
    try:
        until("presence before the restart", lambda: connected(moderator) == 2)
        assert moderator.call("phase.goto", {"key": "listening"})["ok"]
        before = add_questions(listeners[0], 2, "voor")
        status, health = a.api("GET", "/healthz")
        assert (status, health["ok"], health["database"], health["redis"]) == (200, True, "up", "up")
        redis_server.kill()
        assert until("/healthz to say so", lambda: a.api("GET", "/healthz")[1].get("redis") == "down")
        # Without Redis each worker still serves its own sockets, and stores what they send.
        during = add_questions(listeners[1], 2, "tijdens")
        assert moderator.call("timer.start", {"seconds": 600})["ok"]
        redis_server.start()
        back = time.monotonic()
        # Service is back: a question on B reaches the moderator on A again.
        probe = []

        def delivered() -> bool:
            probe.extend(add_questions(listeners[0], 1, "probe"))
            ids = {p.get("question", p).get("id") for p in moderator.of("question")}
            return probe[-1] in ids or any(pid in ids for pid in probe)

        until("cross-worker delivery after the Redis restart", lambda: delivered(), timeout=5)
        print(f"service back {time.monotonic() - back:.2f} s after Redis answered again")
        # Presence is rewritten by each worker's next heartbeat (eventually consistent, like a
        # dead worker's sockets leaving it): a condition, not part of the five seconds.
        until("presence rewritten after the Redis restart", lambda: connected(moderator) == 2)
        print(f"presence rewritten {time.monotonic() - back:.2f} s after Redis answered again")
        stored = {q["id"] for q in moderator.snapshot()["questions"]}
        assert set(before) | set(during) | set(probe) <= stored, "an acknowledged question was lost"
        # What the other worker sent while Redis was away reaches them once it is back.
        for peer in listeners:
            peer.wait_for("state", where=lambda p: p["timer"]["running"], timeout=5)
        assert set(during) <= {q["id"] for q in moderator.of("snapshot")[-1]["questions"]}
    finally:
        close_all([moderator, *listeners])


# --- the stores themselves, two "workers" in this process -------------------------------------------

def test_limits_hold_across_workers_and_fall_back_to_memory_while_redis_is_away(redis_server):
    from spiegel.errors import SpiegelError
    from spiegel.limits import Window
    from spiegel.redis_state import RedisShared

    prefix = f"t{uuid.uuid4().hex[:8]}:"
    one, other = (Window(60, 3, "verzonnen", RedisShared(redis_server.url, prefix).hits("joins")) for _ in range(2))
    for window in (one, other, one):
        window.hit("10.0.0.1")
    with pytest.raises(SpiegelError):
        other.hit("10.0.0.1")
    other.hit("10.0.0.2")  # another address is not affected
    redis_server.kill()
    for _ in range(3):
        one.hit("10.0.0.1")  # in this process's memory now: counted afresh, never an exception
    with pytest.raises(SpiegelError):
        one.hit("10.0.0.1")


def _two_workers_presence(redis_server):
    """Two workers' presence on one Redis (a fresh key prefix), each after its first beat
    (nothing in Redis yet, so it writes): ``(prefix, their RedisShared, their Presence)``."""
    from spiegel.presence import Presence
    from spiegel.redis_state import RedisShared

    prefix = f"t{uuid.uuid4().hex[:8]}:"
    shared = [RedisShared(redis_server.url, prefix) for _ in range(2)]
    presences = tuple(Presence(s.presence_mirror()) for s in shared)
    for s in shared:
        assert s.presence_mirror().beat()
    return prefix, shared, presences


def test_presence_sees_every_worker_drops_a_dead_one_and_is_rewritten_after_a_redis_restart(redis_server):
    import redis

    prefix, shared, (a, b) = _two_workers_presence(redis_server)
    a.connect("m1", "p1", "sid-a")
    b.connect("m1", "p2", "sid-b")
    assert a.connected("m1") == b.connected("m1") == {"p1", "p2"}
    assert a.meeting_sockets("m1") == {"sid-a", "sid-b"}
    b.disconnect("m1", "p2", "sid-b")
    assert a.connected("m1") == {"p1"}
    b.connect("m1", "p2", "sid-b2")

    redis.Redis.from_url(redis_server.url).flushall()  # what a Redis restart leaves
    assert a.connected("m1") == {"p1"}  # its own, still counted
    for s in shared:
        assert s.presence_mirror().beat() is True
    assert a.connected("m1") == {"p1", "p2"}

    # Worker b dies: its heartbeat key is gone (here at once; in life after its TTL).
    redis.Redis.from_url(redis_server.url).delete(f"{prefix}worker:{shared[1].presence_mirror().worker}")
    assert a.connected("m1") == {"p1"}
    redis_server.kill()
    assert a.connected("m1") == {"p1"}, "while Redis is away, this worker's own sockets"


def test_a_worker_reading_presence_while_another_rewrites_it_after_a_restart_keeps_its_sockets(redis_server):
    """After a Redis restart, worker b's beat writes its sockets back. Worker a, reading presence
    in between (a snapshot, a connect), drops the fields of workers without a heartbeat key; had
    b written its fields before its key, a would drop them for good (b's next beat finds its key
    and rewrites nothing): the moderator saw no listeners until they reconnected."""
    import redis

    prefix, shared, (a, b) = _two_workers_presence(redis_server)
    b.connect("m1", "p2", "sid-b")
    redis.Redis.from_url(redis_server.url).flushall()  # what a Redis restart leaves
    mirror = shared[1].presence_mirror()
    rewrite = mirror._rewrite
    seen_by_a: list[set[str]] = []

    def rewrite_then_a_reads(r) -> None:
        rewrite(r)
        seen_by_a.append(a.connected("m1"))  # a's read lands in the middle of b's beat

    mirror._rewrite = rewrite_then_a_reads
    assert mirror.beat() is True
    mirror._rewrite = rewrite
    assert seen_by_a == [{"p2"}], "a counted b's rewritten sockets"
    assert mirror.beat() is False
    assert a.connected("m1") == {"p2"}, "b's sockets stayed in presence after both beats"


def test_a_retired_worker_leaves_presence_at_once_and_stays_out(redis_server):
    """What a graceful stop does to presence (server/shutdown.py): this worker's sockets and
    heartbeat key leave Redis at once, the others count without them, and no later beat of
    the stopping worker writes them back."""
    import redis

    prefix, shared, (a, b) = _two_workers_presence(redis_server)
    a.connect("m1", "p1", "sid-a1")
    a.connect("m2", "p3", "sid-a2")
    b.connect("m1", "p2", "sid-b")
    assert b.connected("m1") == {"p1", "p2"} and b.connected("m2") == {"p3"}
    assert a.retire() == {"m1", "m2"}
    assert b.connected("m1") == {"p2"} and b.connected("m2") == set()
    store = redis.Redis.from_url(redis_server.url)
    assert {v.decode().split("|")[1] for v in store.hvals(f"{prefix}presence:m1")} == {"p2"}
    assert not store.exists(f"{prefix}presence:m2")
    assert not store.exists(f"{prefix}worker:{shared[0].presence_mirror().worker}")
    assert shared[0].presence_mirror().beat() is False
    assert b.connected("m1") == {"p2"} and a.connected("m1") == {"p2"}


# --- the timer-expiry watcher: every worker runs it, one announces -------------------------------

def test_an_expiry_is_announced_once_by_two_apps_with_threads(tmp_path, postgres_url):
    clock = FakeClock()
    apps = [make_app(tmp_path / f"i{n}", clock, DATABASE_URL=postgres_url) for n in range(2)]
    sp0 = apps[0].extensions["spiegel"]
    from spiegel.meetings import create_meeting
    from spiegel.models import Meeting
    from spiegel.schemas import MeetingCreate, validate
    from spiegel.timer import of, start, store

    with sp0.db.transaction() as s:
        meeting, _ = create_meeting(sp0, s, validate(MeetingCreate, {"title": "Timertest", "open": True}), clock())
        meeting_id = meeting.id
    for round_ in range(5):
        with sp0.db.transaction() as s:
            m = s.get(Meeting, meeting_id)
            store(m, start(of(m), clock(), 30))
        clock.advance(31)
        barrier = threading.Barrier(8)
        told: list[int] = []

        threads = [threading.Thread(target=_check_after, args=(app.extensions["spiegel"], barrier, told))
                   for app in apps for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert sum(told) == 1, f"round {round_}: announced {sum(told)} times"


def _check_after(sp, barrier: threading.Barrier, told: list[int]) -> None:
    barrier.wait()
    with sp.app.app_context():
        told.append(sp.check_timers())


def test_one_worker_purges_at_a_time_on_postgresql(tmp_path, postgres_url):
    import psycopg
    from spiegel.report.retention import PURGE_LOCK, _only_purger

    sp = make_app(tmp_path / "i", FakeClock(), DATABASE_URL=postgres_url).extensions["spiegel"]
    with sp.db.transaction() as session:
        assert _only_purger(session)
    dsn = postgres_url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(dsn) as other:  # another worker, mid-purge
        other.execute("SELECT pg_advisory_xact_lock(%s)", (PURGE_LOCK,))
        with sp.db.transaction() as session:
            assert not _only_purger(session)
        from datetime import date

        from spiegel.report.retention import purge

        assert purge(sp, today=date(2100, 1, 1)) == [], "the other worker's round: this one skips"


# --- `spiegel run --workers 2`: the supervisor ------------------------------------------------------

def _children(pid: int) -> dict[int, str]:
    found = {}
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            fields = Path(stat).read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                child = int(Path(stat).parent.name)
                found[child] = (Path(stat).parent / "cmdline").read_text().replace("\0", " ")
        except (OSError, ValueError, IndexError):
            continue
    return found


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
            return r.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _consecutive_ports() -> int:
    while True:
        port = free_port()
        if port < 65000 and _free(port + 1):
            return port


def _free(port: int) -> bool:
    import socket

    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def start_supervisor(tmp_path: Path, postgres_url: str, redis_url: str, port: int) -> subprocess.Popen:
    import sys

    env = dict(os.environ, SPIEGEL_INSTANCE_PATH=str(tmp_path / "instance"), DATABASE_URL=postgres_url,
               SPIEGEL_MESSAGE_QUEUE=redis_url, SPIEGEL_REDIS_PREFIX=f"t{uuid.uuid4().hex[:8]}:",
               SPIEGEL_ADMIN_PASSWORD="verzonnen-admin-wachtwoord", PYTHONUNBUFFERED="1")
    log = open(tmp_path / "supervisor.log", "ab")  # noqa: SIM115 - closed with the process
    return subprocess.Popen([sys.executable, "-m", "spiegel", "run", "--host", "127.0.0.1", "--port", str(port),
                             "--workers", "2"], env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)


def test_run_workers_starts_both_and_restarts_a_killed_one(tmp_path, postgres_url, redis_server):
    port = _consecutive_ports()
    proc = start_supervisor(tmp_path, postgres_url, redis_server.url, port)
    try:
        until("both workers", lambda: _healthy(port) and _healthy(port + 1))
        workers = _children(proc.pid)
        assert len(workers) == 2, workers
        second = next(pid for pid, cmd in workers.items() if f"--port {port + 1}" in cmd)
        os.kill(second, signal.SIGKILL)
        until("a new worker", lambda: any(f"--port {port + 1}" in cmd and pid != second
                                          for pid, cmd in _children(proc.pid).items()), timeout=30)
        until("the restarted worker to answer", lambda: _healthy(port + 1))
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
        assert not _children(proc.pid)
        assert not _healthy(port) and not _healthy(port + 1)
    finally:
        if proc.poll() is None:
            proc.kill()
        for pid in _children(proc.pid):
            os.kill(pid, signal.SIGKILL)
        print((tmp_path / "supervisor.log").read_text(errors="replace")[-3000:])


# --- nginx running docs/nginx-spiegel.conf ------------------------------------------------------

def nginx_config(tmp_path: Path, http_port: int, https_port: int, workers: list[int]) -> Path:
    """The committed recipe with this test's ports and paths, wrapped in a minimal nginx.conf."""
    site = (ROOT / "docs" / "nginx-spiegel.conf").read_text()
    upstream = "".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;\n" for p in workers)
    site = re.sub(r"(    server 127\.0\.0\.1:\d+ [^\n]*\n)+", upstream, site, count=1)
    site = re.sub(r"^\s*listen \[::\][^\n]*\n", "", site, flags=re.M)
    site = site.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
    site = site.replace("listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;")
    site = re.sub(r"ssl_certificate\s+\S+;", f"ssl_certificate {tmp_path / 'cert.pem'};", site)
    site = re.sub(r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {tmp_path / 'key.pem'};", site)
    site = site.replace("/var/log/nginx/", f"{tmp_path}/")
    (tmp_path / "spiegel.conf").write_text(site)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")],
                   check=True, capture_output=True)
    temp = {name: tmp_path / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for path in temp.values():
        path.mkdir(exist_ok=True)
    main = tmp_path / "nginx.conf"
    main.write_text(f"""daemon off;
master_process off;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log info;
events {{ worker_connections 256; }}
http {{
    client_body_temp_path {temp['body']};
    proxy_temp_path {temp['proxy']};
    fastcgi_temp_path {temp['fastcgi']};
    uwsgi_temp_path {temp['uwsgi']};
    scgi_temp_path {temp['scgi']};
    include {tmp_path / 'spiegel.conf'};
}}
""")
    return main


@pytest.fixture
def nginx(tmp_path):
    nginx_bin = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx_bin).exists():
        pytest.skip("nginx is not installed (make nginx)")
    procs = []

    def start(workers: list[int]) -> tuple[int, int]:
        http_port, https_port = free_port(), free_port()
        (tmp_path / "nginx").mkdir()
        conf = nginx_config(tmp_path / "nginx", http_port, https_port, workers)
        subprocess.run([nginx_bin, "-t", "-c", str(conf), "-p", str(tmp_path / "nginx")], check=True,
                       capture_output=True, timeout=30)
        procs.append(subprocess.Popen([nginx_bin, "-c", str(conf), "-p", str(tmp_path / "nginx")],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        until("nginx", lambda: _answers(f"https://127.0.0.1:{https_port}/healthz"))
        return http_port, https_port

    yield start
    for proc in procs:
        proc.terminate()
        proc.wait(10)


def _insecure() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2, context=_insecure()) as r:
            return r.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError, ssl.SSLError):
        return False


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_the_nginx_recipe_serves_https_websockets_and_fails_over(tmp_path, postgres_url, redis_server, nginx):
    prefix = f"t{uuid.uuid4().hex[:8]}:"
    a = worker(tmp_path, "a", postgres_url, redis_server.url, prefix, SPIEGEL_TRUSTED_PROXIES="1").start()
    b = worker(tmp_path, "b", postgres_url, redis_server.url, prefix, SPIEGEL_TRUSTED_PROXIES="1").start()
    http_port, https_port = nginx([a.port, b.port])
    base = f"https://127.0.0.1:{https_port}"
    peers: list[Peer] = []
    try:
        # Plain HTTP is redirected to HTTPS.
        opener = urllib.request.build_opener(_NoRedirect)
        with pytest.raises(urllib.error.HTTPError) as redirect:
            opener.open(f"http://127.0.0.1:{http_port}/admin", timeout=5)
        assert redirect.value.code == 301
        assert redirect.value.headers["Location"] == "https://127.0.0.1/admin"

        created = a.create_meeting(title="Proxytest (verzonnen)")
        code = created["meeting"]["code"]
        tokens = [a.join(code, name=f"L{i}")["token"] for i in range(2)]
        moderator = Peer(base, created["moderator_key"], "moderator", ssl_verify=False).connect()
        peers = [moderator, *(Peer(base, t, f"listener{i}", ssl_verify=False).connect() for i, t in enumerate(tokens))]
        # Resent if nginx's TLS socket drops before the ack (about one in 500, see call_as_tablet):
        # a phase.goto to the phase the meeting is in answers ok again.
        assert moderator.call_as_tablet("phase.goto", {"key": "listening"})["ok"]
        asked = add_questions(peers[1], 3, "proxy")
        # Every client is 127.0.0.1: ip_hash puts them all on one worker. Kill that one.
        serving = a if _sockets_on(a) >= _sockets_on(b) else b
        serving.kill()
        moderator.wait_for("snapshot", count=2, timeout=30)  # reconnected, through nginx, to the other
        for peer in peers[1:]:
            peer.wait_for("snapshot", count=2, timeout=30)
        # The snapshot can arrive a moment before the client counts itself connected.
        until("the reconnected clients", lambda: all(p.sio.connected for p in peers))
        assert set(asked) <= {q["id"] for q in moderator.snapshot()["questions"]}
        again = peers[1].call_as_tablet("question.add", {"id": asked[0], "text": "Verzonnen vraag proxy.0"})
        assert again["duplicate"] is True
        access = (tmp_path / "nginx" / "spiegel.access.log").read_text()
        assert "/socket.io/" in access and "EIO=" not in access, "no query strings (session ids) in the log"
    finally:
        close_all(peers)
        a.stop()
        b.stop()


def _sockets_on(server: LiveServer) -> int:
    """Established TCP connections to ``server``'s port (nginx's upstream connections)."""
    out = subprocess.run(["ss", "-Htn", "state", "established", f"( sport = :{server.port} )"],
                         capture_output=True, text=True, timeout=10, check=True).stdout
    return len(out.splitlines())


def test_listeners_joining_at_once_through_two_workers_each_get_their_own_number(tmp_path, postgres_url):
    """Each listener's label ("Luisteraar 3") is the meeting's next number. On PostgreSQL two
    workers' joins run at the same time, so the number must be taken under the meeting's row
    lock: reading the highest number and adding one, unlocked, gave two listeners the same."""
    from spiegel.meetings import create_meeting
    from spiegel.models import Participant
    from spiegel.schemas import MeetingCreate, validate
    from sqlalchemy import select

    clock = FakeClock()
    apps = [make_app(tmp_path / f"i{n}", clock, DATABASE_URL=postgres_url) for n in range(2)]
    sp0 = apps[0].extensions["spiegel"]
    with sp0.db.transaction() as s:
        meeting, _ = create_meeting(sp0, s, validate(MeetingCreate, {"title": "Tegelijk binnen", "open": True}),
                                    clock())
        code, meeting_id = meeting.code, meeting.id
    joiners = 16
    barrier = threading.Barrier(joiners)
    statuses: list[int] = []

    def join(app) -> None:
        client = app.test_client()
        barrier.wait()
        statuses.append(client.post(f"/api/meetings/{code}/join", json={}).status_code)

    threads = [threading.Thread(target=join, args=(apps[n % 2],)) for n in range(joiners)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert statuses == [201] * joiners
    with sp0.db.transaction() as s:
        numbers = s.scalars(select(Participant.number).where(Participant.meeting_id == meeting_id,
                                                             Participant.role == "listener")).all()
    assert sorted(numbers) == list(range(1, joiners + 1))


def test_questions_parked_at_once_through_two_workers_each_get_their_own_place(tmp_path, postgres_url):
    """A new question goes to the end of the queue (the highest order plus one). On PostgreSQL
    two workers' question.add run at once: the highest order is read under the meeting's row
    lock, or two questions took the same place (and a move between them had no room)."""
    from spiegel.models import Question
    from spiegel.testing import Meeting
    from sqlalchemy import select

    clock = FakeClock()
    apps = [make_app(tmp_path / f"i{n}", clock, DATABASE_URL=postgres_url) for n in range(2)]
    created = apps[0].test_client().post("/api/admin/meetings", headers={"Authorization": f"Bearer {ADMIN_PASSWORD}"},
                                         json={"title": "Tegelijk gevraagd", "open": True}).get_json()
    rooms = [Meeting(app, created) for app in apps]
    assert call(rooms[0].moderator(), "phase.goto", {"key": "listening"})["ok"]
    askers = 12
    tablets = [rooms[n % 2].listener() for n in range(askers)]
    barrier = threading.Barrier(askers)
    answers: list[dict] = []

    def ask(tablet) -> None:
        barrier.wait()
        answers.append(call(tablet, "question.add", {"id": uid(), "text": "Verzonnen vraag tegelijk"}))

    threads = [threading.Thread(target=ask, args=(t,)) for t in tablets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert [a["ok"] for a in answers] == [True] * askers, answers
    with apps[0].extensions["spiegel"].db.transaction() as s:
        orders = s.scalars(select(Question.order).where(Question.meeting_id == created["meeting"]["id"])).all()
    assert sorted(orders) == [float(n) for n in range(1, askers + 1)]


def test_questions_selected_at_once_through_two_workers_each_get_their_own_place_to_be_asked(
        tmp_path, postgres_url):
    """A selected question joins the end of the asking order. Two moderators on two workers
    select at once: each reads the highest order under the meeting's row lock, or two selected
    questions took the same place in the order the room sees."""
    from spiegel.models import Question
    from spiegel.testing import Meeting
    from sqlalchemy import select

    clock = FakeClock()
    apps = [make_app(tmp_path / f"i{n}", clock, DATABASE_URL=postgres_url) for n in range(2)]
    created = apps[0].test_client().post("/api/admin/meetings", headers={"Authorization": f"Bearer {ADMIN_PASSWORD}"},
                                         json={"title": "Tegelijk gekozen", "open": True}).get_json()
    rooms = [Meeting(app, created) for app in apps]
    moderators = [room.moderator() for room in rooms]
    assert call(moderators[0], "phase.goto", {"key": "listening"})["ok"]
    tablet = rooms[0].listener()
    questions = [call(tablet, "question.add", {"id": uid(), "text": f"Verzonnen vraag {n}"})["question"]["id"]
                 for n in range(12)]
    barrier = threading.Barrier(len(questions))
    answers: list[dict] = []

    def select_one(n: int, question_id: str) -> None:
        barrier.wait()
        answers.append(call(moderators[n % 2], "question.update", {"id": question_id, "status": "selected"}))

    threads = [threading.Thread(target=select_one, args=(n, q)) for n, q in enumerate(questions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert [a["ok"] for a in answers] == [True] * len(questions), answers
    with apps[0].extensions["spiegel"].db.transaction() as s:
        orders = s.scalars(select(Question.order).where(Question.meeting_id == created["meeting"]["id"],
                                                        Question.status == "selected")).all()
    assert len(set(orders)) == len(questions), sorted(orders)


# --- workers started at once on a fresh database ------------------------------------------------

#: One worker's start, up to its migration: it waits for the go file, so that all begin at once.
_MIGRATE = """
import os, sys, time
from spiegel.db import make_engine, migrate
while not os.path.exists(sys.argv[2]):
    time.sleep(0.01)
migrate(make_engine(sys.argv[1]))
"""


@pytest.mark.parametrize("store", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_workers_started_at_once_on_a_fresh_database_migrate_it_once(store, tmp_path, request):
    """Workers started by hand (one `spiegel run --port P` each, as systemd starts them) all
    migrate at start: on a fresh database the second met the first's half-made schema ("table
    meetings already exists") and died. Each now waits for the others' migration."""
    from spiegel.db import make_engine
    from sqlalchemy import inspect as sa_inspect

    url = f"sqlite:///{tmp_path / 'spiegel.db'}" if store == "sqlite" else request.getfixturevalue("postgres_url")
    go = tmp_path / "go"
    workers = [subprocess.Popen([sys.executable, "-c", _MIGRATE, url, str(go)], stderr=subprocess.PIPE, text=True)
               for _ in range(4)]
    go.touch()
    errors = [w.communicate(timeout=120)[1] for w in workers]
    assert [w.returncode for w in workers] == [0] * 4, errors
    engine = make_engine(url)
    try:
        assert {"meetings", "notes", "alembic_version"} <= set(sa_inspect(engine).get_table_names())
        with engine.connect() as c:
            assert c.exec_driver_sql("SELECT count(*) FROM alembic_version").scalar() == 1
    finally:
        engine.dispose()
