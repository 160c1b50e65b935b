"""N workers hold N× the tablets at the same p99: the issue's scale-out target, measured.

Each worker is a `spiegel run` process as `spiegel run --workers N` starts them: one PostgreSQL
database and one Redis (message queue, presence, limits) shared by all. A machine with many
cores gives each worker a core of its own; this one has two, which the load generator shares.
So each worker gets a fixed CPU budget instead (``--quota``, a fraction of one core, with the
Linux cgroup v1 ``cpu`` controller: ``cpu.cfs_quota_us``), and a large ``cpu.shares`` so the
rest of the machine does not eat into that budget first. The question is then the one the
issue asks: with N budgets, do N× the tablets at N× the notes get the same ack and fan-out
p99 as one budget with its share?

Three configurations, in one run, each on a fresh database:

1. one worker, ``--tablets`` tablets at ``--rate`` notes/s (its share);
2. ``--workers`` workers, N× the tablets at N× the rate, each meeting's tablets spread over
   all the workers (a moderator on one, listeners on others: every fan-out crosses Redis);
3. one worker with the load of (2): the contrast that shows the budget binds, so what (2)
   holds is the other workers' doing.

Prints per configuration what bench/scale.py prints (ack and fan-out p50/p99, CPU per 1,000
events summed over the workers, errors) and the p99 ratios of (2) and (3) to (1).

Needs root (the cgroup), PostgreSQL (``SPIEGEL_TEST_PG``, default the local server on 5432)
and Redis (``--redis``, default the local one on 6379, under a key prefix of its own).

Usage: python bench/workers.py [--workers 2] [--quota 0.25] [--tablets 250] [--meetings 10]
[--rate 25] [--seconds 20] [--repeat 1] [--mode gevent]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import math
import os
import sys
import tempfile
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import scale  # noqa: E402
from helpers import PG_ADMIN_URL, LiveServer  # noqa: E402
from scale import Addresses, Figures, Proc, Room, Run, SpiegelTarget, ms, report  # noqa: E402

CGROUP_CPU = Path("/sys/fs/cgroup/cpu")
PERIOD_US = 100_000
#: Ten times the default weight: the workers' budget is theirs before other processes' turn.
SHARES = 10_240
SECRET_KEY = "verzonnen-geheime-sleutel-voor-de-werkers-meting"


class CpuBudget:
    """One cgroup v1 ``cpu`` group with a quota of ``quota`` cores: a worker's "own core"."""

    def __init__(self, name: str, quota: float | None):
        self.path = CGROUP_CPU / name
        self.path.mkdir()
        (self.path / "cpu.cfs_period_us").write_text(str(PERIOD_US))
        (self.path / "cpu.cfs_quota_us").write_text(str(int(quota * PERIOD_US)) if quota else "-1")
        (self.path / "cpu.shares").write_text(str(SHARES))

    def add(self, pid: int) -> None:
        (self.path / "cgroup.procs").write_text(str(pid))

    def throttled_s(self) -> float:
        """Seconds the group was held back by its quota: a worker that needed more than its budget."""
        for line in (self.path / "cpu.stat").read_text().splitlines():
            if line.startswith("throttled_time"):
                return int(line.split()[1]) / 1e9
        return 0.0

    def remove(self) -> None:
        for pid in (self.path / "cgroup.procs").read_text().split():
            with contextlib.suppress(OSError):  # gone already
                (CGROUP_CPU / "cgroup.procs").write_text(pid)
        with contextlib.suppress(OSError):
            self.path.rmdir()


class Procs:
    """The workers together, read as bench/scale.py reads one server: CPU and RSS summed."""

    def __init__(self, procs: list[Proc]):
        self.procs = procs

    def cpu(self) -> float:
        return sum(p.cpu() for p in self.procs)

    def rss_kb(self) -> int:
        return sum(p.rss_kb() for p in self.procs)

    def sockets(self) -> int:
        return sum(p.sockets() for p in self.procs)


class Database:
    """A fresh PostgreSQL database for one configuration, dropped afterwards."""

    def __init__(self) -> None:
        import psycopg

        self.name = f"spiegel_bench_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')
        base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
        self.url = f"{base}/{self.name}"

    def drop(self) -> None:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


class WorkersTarget(SpiegelTarget):
    """``count`` Spiegel workers on one database and one Redis, each in a CPU budget of its own."""

    name = "workers"

    def __init__(self, mode: str, folder: Path, count: int, quota: float, redis_url: str):
        super().__init__(mode, None, folder)
        self.count, self.quota, self.redis_url = count, quota, redis_url
        self.servers: list[LiveServer] = []
        self.budgets: list[CpuBudget] = []
        self.database: Database | None = None
        self.joins = 0

    def start(self, meetings: int) -> None:
        self.database = Database()
        env = {"SPIEGEL_MESSAGE_QUEUE": self.redis_url, "SPIEGEL_REDIS_PREFIX": f"b{uuid.uuid4().hex[:8]}:",
               "SPIEGEL_SECRET_KEY": SECRET_KEY,
               "SPIEGEL_SHED_LAG_MS": "" if self.shed_lag_ms is None else str(self.shed_lag_ms)}
        tag = uuid.uuid4().hex[:8]
        for k in range(self.count):
            budget = CpuBudget(f"spiegel-bench-{tag}-{k}", self.quota)
            self.budgets.append(budget)
            server = LiveServer(instance=self.folder / f"w{k}", async_mode=self.mode,
                                database_url=self.database.url, extra_env=env).start()
            budget.add(server.proc.pid)
            self.servers.append(server)
        self.server = self.servers[0]  # meetings are made on one; the database is shared
        self.url = self.server.url
        self.proc = Procs([Proc(s.proc.pid) for s in self.servers])
        for i in range(meetings):
            created = self.server.create_meeting(title=f"Meting {i + 1}")
            self.rooms.append(Room(created["meeting"]["code"], created["moderator_key"]))
        self.page = f"/join/{self.rooms[0].code}"

    def tablet_url(self, index: int) -> str:
        """Tablet ``index`` sits in meeting ``index % meetings`` (bench/scale.py's ``Run``): the
        meeting's successive tablets go to successive workers, so each meeting spans them all."""
        return self.servers[(index // max(1, len(self.rooms))) % self.count].url

    def moderator_url(self, room: int) -> str:
        return self.servers[room % self.count].url

    def join_url(self) -> str:
        """The workers in turn, as a proxy's ``ip_hash`` spreads the tablets' first requests."""
        self.joins += 1
        return self.servers[self.joins % self.count].url

    def throttled_s(self) -> float:
        return sum(b.throttled_s() for b in self.budgets)

    def stop(self) -> None:
        try:
            for server in self.servers:
                server.stop()
        finally:
            for budget in self.budgets:
                budget.remove()
            if self.database:
                self.database.drop()


async def configuration(label: str, workers: int, tablets: int, rate: float, args, folder: Path) -> Figures:
    target = WorkersTarget(args.mode, folder / label.replace(" ", "-"), workers, args.quota, args.redis)
    addresses = Addresses(max(2, math.ceil(tablets / 100)))
    run = Run(target, args.meetings * tablets // args.tablets, addresses, args.parallel)
    figures = Figures()
    try:
        await run.open()
        await run.add_tablets(tablets, figures)
        throttled = target.throttled_s()
        await run.load(rate, args.change_every / (tablets / args.tablets), args.seconds, figures)
        throttled = target.throttled_s() - throttled
    finally:
        await run.close()
        await addresses.close()
    print(f"{label}: {workers} worker(s) at {args.quota:.2f} of a core each, {tablets} tablets in "
          f"{len(target.rooms)} meetings, {rate:g} notes/s; held back by the budget {throttled:.1f} s "
          f"of {args.seconds:g} s x {workers}", flush=True)
    report("workers", figures)
    return figures


async def main_async(args) -> None:
    folder = Path(tempfile.mkdtemp(prefix="spiegel-workers-"))
    # the load generator too is served before the rest of the machine (no quota: it is not measured)
    clients = CpuBudget(f"spiegel-bench-clients-{uuid.uuid4().hex[:8]}", None)
    clients.add(os.getpid())
    try:
        await configurations(args, folder)
    finally:
        clients.remove()


async def configurations(args, folder: Path) -> None:
    n = args.workers
    ratios: dict[str, list[float]] = {}
    for r in range(args.repeat):
        print(f"run {r + 1}/{args.repeat}", flush=True)
        one = await configuration(f"r{r} one", 1, args.tablets, args.rate, args, folder)
        many = await configuration(f"r{r} many", n, n * args.tablets, n * args.rate, args, folder)
        alone = await configuration(f"r{r} alone", 1, n * args.tablets, n * args.rate, args, folder)
        for name, fig in (("N workers", many), ("one worker, N x load", alone)):
            for what, values in (("ack p99", "acks"), ("fan-out p99", "fanout")):
                base = ms(getattr(one, values), 99)
                ratio = ms(getattr(fig, values), 99) / base if base else float("nan")
                ratios.setdefault(f"{name}: {what}", []).append(ratio)
        print("  p99 against one worker with its share: " + "; ".join(
            f"{k} x{v[-1]:.2f}" for k, v in ratios.items()), flush=True)
    if args.repeat > 1:
        print("spread over runs (median, min–max): " + "; ".join(
            f"{k} x{scale.spread(v)}" for k, v in ratios.items()))


def main() -> None:
    logging.getLogger("engineio").setLevel(logging.CRITICAL)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--quota", type=float, default=0.25, help="CPU budget per worker, in cores")
    parser.add_argument("--tablets", type=int, default=250, help="tablets of one worker's share")
    parser.add_argument("--meetings", type=int, default=10, help="meetings of one worker's share")
    parser.add_argument("--rate", type=float, default=25.0, help="notes/s of one worker's share")
    parser.add_argument("--change-every", type=float, default=1.0,
                        help="seconds between two public changes in one worker's share")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--parallel", type=int, default=50)
    parser.add_argument("--mode", choices=("eventlet", "gevent", "threading"), default="gevent")
    parser.add_argument("--redis", default=os.environ.get("SPIEGEL_BENCH_REDIS", "redis://127.0.0.1:6379/0"))
    parser.add_argument("--shed-lag-ms", type=int, help="SPIEGEL_SHED_LAG_MS for the workers (0: no shedding)")
    args = parser.parse_args()
    SpiegelTarget.shed_lag_ms = args.shed_lag_ms
    if not CGROUP_CPU.is_dir() or not os.access(CGROUP_CPU, os.W_OK):
        sys.exit(f"{CGROUP_CPU} is not writable: the CPU budgets need root and cgroup v1's cpu controller")
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
