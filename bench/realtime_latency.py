"""Realtime latency of Spiegel against a bare Flask-SocketIO baseline, in one run.

Starts a real `spiegel run` (its default mode, gevent; SQLite) and the bare server (bench/bare_server.py:
Flask-SocketIO committing one SQLite row per note, same pragmas) on 127.0.0.1, connects N
listener sockets to each, and measures:

- ack latency of `note.add` (stored and committed before the ack) with all listeners
  writing at once, against the bare server's ack of the same message;
- fan-out latency of a moderator's `timer.adjust` until every listener has the new `state`;
- `/healthz` latency while the notes are written (a commit that blocks the green hub shows here).

Bounded: a fixed number of messages, every request local, the servers stopped at the end.
Usage: python bench/realtime_latency.py [--listeners 20] [--notes 50]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from helpers import LiveServer, free_port  # noqa: E402
from realtime_clients import Peer, close_all  # noqa: E402


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def summary(values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return (f"n={len(ms):5d}  p50={pct(ms, 50):6.2f} ms  p95={pct(ms, 95):6.2f} ms  "
            f"p99={pct(ms, 99):6.2f} ms  max={max(ms):6.2f} ms")


def hammer(peers: list[Peer], count: int, payload) -> list[float]:
    """Every peer sends `count` messages one after another; all peers at once."""
    latencies: list[float] = []
    lock = threading.Lock()

    def run(peer: Peer) -> None:
        mine = []
        for i in range(count):
            event, data = payload(i)
            start = time.perf_counter()
            ack = peer.call(event, data)
            mine.append(time.perf_counter() - start)
            assert ack.get("ok"), ack
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=run, args=(p,)) for p in peers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    return latencies


def probe_health(url: str, stop: threading.Event, into: list[float]) -> None:
    """GET /healthz every 20 ms until ``stop``: how long a plain request waits meanwhile."""
    while not stop.is_set():
        start = time.perf_counter()
        with urllib.request.urlopen(url + "/healthz", timeout=30) as r:
            r.read()
        into.append(time.perf_counter() - start)
        stop.wait(0.02)


def bare_baseline(listeners: int, notes: int) -> list[float]:
    port = free_port()
    db = Path(tempfile.mkdtemp()) / "bare.db"
    proc = subprocess.Popen([sys.executable, str(ROOT / "bench" / "bare_server.py"), str(port), "gevent", str(db)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        peers = [Peer(url, "none", f"bare{i}").connect() for i in range(listeners)]
        result = hammer(peers, notes, lambda i: ("note.add", {"id": str(uuid.uuid4()), "text": "x" * 200}))
        close_all(peers)
        return result
    finally:
        proc.terminate()
        proc.wait(10)


def spiegel_run(listeners: int, notes: int) -> tuple[list[float], list[float], list[float]]:
    server = LiveServer(instance=Path(tempfile.mkdtemp()) / "instance").start()
    try:
        created = server.create_meeting(title="Benchmark")
        moderator = Peer(server.url, created["moderator_key"], "moderator").connect()
        moderator.call("phase.goto", {"key": "listening"})
        peers = [Peer(server.url, server.join(created["meeting"]["code"])["token"], f"l{i}").connect()
                 for i in range(listeners)]
        health: list[float] = []
        stop = threading.Event()
        prober = threading.Thread(target=probe_health, args=(server.url, stop, health))
        prober.start()
        acks = hammer(peers, notes, lambda i: ("note.add", {"id": str(uuid.uuid4()), "text": "x" * 200}))
        stop.set()
        prober.join(60)

        fanout = []
        for round_ in range(20):
            before = [len(p.of("state")) for p in peers]
            start = time.perf_counter()
            moderator.call("timer.adjust", {"seconds": 60 if round_ % 2 else -60})
            for p, n in zip(peers, before, strict=True):
                p.wait_for("state", count=n + 1)
            fanout.append(time.perf_counter() - start)
        close_all([moderator, *peers])
        return acks, fanout, health
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listeners", type=int, default=20)
    parser.add_argument("--notes", type=int, default=50)
    args = parser.parse_args()
    print(f"{args.listeners} listeners x {args.notes} messages each, all at once, 127.0.0.1")
    bare = bare_baseline(args.listeners, args.notes)
    acks, fanout, health = spiegel_run(args.listeners, args.notes)
    print(f"bare server ack      {summary(bare)}")
    print(f"spiegel note.add ack {summary(acks)}")
    print(f"spiegel state fan-out to all {args.listeners} listeners  {summary(fanout)}")
    print(f"spiegel /healthz during the notes  {summary(health)}")
    print(f"ratio spiegel/bare   p50 x{statistics.median(acks) / statistics.median(bare):.1f}  "
          f"p95 x{pct(acks, 95) / pct(bare, 95):.1f}")


if __name__ == "__main__":
    main()
