"""Many real Socket.IO clients against `spiegel run` and, in the same run and async mode,
against the bare floor (bench/bare_server.py): Spiegel's cost as a ratio to the floor's.

Scenarios (``--scenario``; every size can be overridden by its flag):

- ``meeting``: one realistic meeting: 25 tablets, 2.5 notes/s together, the moderator
  changes the public state every second;
- ``load``: N tablets in M meetings at R notes/s while every 0.2 s a moderator changes a
  meeting's public state (default 1,000 tablets, 40 meetings, 100 notes/s, 30 s);
- ``breakpoint``: tablets added in steps (``--steps``), at ``--rate-per-tablet`` notes/s
  each, until the note ack p99 passes ``--break-p99`` or connects fail;
- ``storm``: a reconnect storm, as after a Wi-Fi blip: N tablets (default 200 in 8 meetings, a
  moderator in each) connect, then ``--storms`` times (default 3) all leave at once and come
  back at once (``--parallel`` connects under way). Per storm: the server's CPU per tablet's
  leave and return, the time until the last one had its snapshot (a tablet refused with
  ``server_busy`` comes back after its hint, as the pages do), and the presence messages the
  moderators received;
- ``soak``: Spiegel alone for half an hour (not in CI): 500 tablets in 20 meetings, a note per
  tablet about every 60 s, a public change every 6 s (each meeting's about every 2 minutes), a
  tablet leaves and comes back every 30 s, dropped tablets come back too. The load runs in
  ``--window`` slices (5 minutes) with the same generator; every ``--sample-every`` (30 s) the
  server's RSS and open sockets are sampled. Prints memory at start and end, its growth per
  hour (least-squares fit), ack p50/p99 per window and every error by kind.

Per server it prints phase fan-out (moderator emits → the last tablet of that meeting has
the new state) and note ack p50/p99, memory per connection (server RSS delta / sockets),
server CPU per 1,000 events and per connect (utime+stime of the server process from
/proc), page latency over HTTP with every socket open, and every error; ``--repeat`` runs it
again and prints the spread. Bounded and local: a fixed schedule, 127.0.0.1 only, joins and
sockets spread over several 127.0.0.x source addresses (``--addresses``) so the per-address
limits are not what is measured; servers stopped at the end. Clients run in this process
(asyncio): on a small machine they share its cores with the server.

Usage: python bench/scale.py [--scenario load] [--mode gevent] [--repeat 3] [--no-bare]
With ``SCALE_TRACE=BASE`` each note's send and ack time (and each change's fan-out) is written to
``BASE.<server>.client``; with the server's ``SPIEGEL_TRACE=BASE.server`` too, bench/ack_tail.py
says what the slowest acks waited on.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import logging
import math
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import socketio

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from helpers import LiveServer, free_port  # noqa: E402
from realtime_latency import pct  # noqa: E402
from spiegel.testing import stop_process, wait_until_up  # noqa: E402

PRESETS = {
    "meeting": {"tablets": 25, "meetings": 1, "rate": 2.5, "change_every": 1.0, "seconds": 20},
    "load": {"tablets": 1000, "meetings": 40, "rate": 100.0, "change_every": 0.2, "seconds": 30},
    "breakpoint": {"tablets": 0, "meetings": 0, "rate": 0.0, "change_every": 0.2, "seconds": 10},
    "storm": {"tablets": 200, "meetings": 8, "rate": 0.0, "change_every": 0.0, "seconds": 0},
    "soak": {"tablets": 500, "meetings": 20, "rate": 500 / 60, "change_every": 6.0, "seconds": 1800,
             "reconnect_every": 30.0},
}
TEXT = "Verzonnen notitie voor de meting, ongeveer zo lang als een echte. " * 2
TICKS = os.sysconf("SC_CLK_TCK")
CALL_TIMEOUT = 30.0
#: Times a tablet refused with ``server_busy`` tries again (after the ``retry_after`` it was given).
BUSY_RETRIES = 20
TRACE: list[dict] = []


# --- the server process, from /proc ------------------------------------------------------------------


class Proc:
    """CPU seconds and resident memory of one server process."""

    def __init__(self, pid: int):
        self.pid = pid

    def cpu(self) -> float:
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime

    def rss_kb(self) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

    def sockets(self) -> int:
        """Open socket descriptors: a leak of closed clients' sockets shows as a climb here."""
        count = 0
        for fd in Path(f"/proc/{self.pid}/fd").iterdir():
            with contextlib.suppress(OSError):  # closed while we looked
                count += os.readlink(fd).startswith("socket:")
        return count


# --- targets: Spiegel and the floor ------------------------------------------------------------------


@dataclass
class Room:
    code: str
    moderator_token: str


class Target:
    """A server under test: its URL, its process, its meetings and how a tablet gets a token."""

    name = "?"
    page = "/healthz"

    def __init__(self, mode: str, cap: int | None, folder: Path):
        self.mode, self.cap, self.folder = mode, cap, folder
        self.url = ""
        self.proc: Proc | None = None
        self.rooms: list[Room] = []

    def start(self, meetings: int) -> None:
        raise NotImplementedError

    async def token(self, room: Room, session: aiohttp.ClientSession) -> str:
        raise NotImplementedError

    def tablet_url(self, index: int) -> str:
        """Where tablet ``index`` connects: the one server here (bench/workers.py spreads them)."""
        return self.url

    def moderator_url(self, room: int) -> str:
        return self.url

    async def prepare(self, moderator: Client) -> None:
        """Bring a meeting to where tablets write notes."""

    def stop(self) -> None:
        raise NotImplementedError


class SpiegelTarget(Target):
    name = "spiegel"
    #: ``SPIEGEL_SHED_LAG_MS`` for the server (None: its default).
    shed_lag_ms: int | None = None

    def start(self, meetings: int) -> None:
        env = {"SPIEGEL_MAX_CONNECTIONS": str(self.cap)} if self.cap else {}
        # the server's own default unless given (the tests' servers shed far later)
        env["SPIEGEL_SHED_LAG_MS"] = "" if self.shed_lag_ms is None else str(self.shed_lag_ms)
        self.server = LiveServer(instance=self.folder / "spiegel", async_mode=self.mode, extra_env=env).start()
        self.url = self.server.url
        self.proc = Proc(self.server.proc.pid)
        for i in range(meetings):
            created = self.server.create_meeting(title=f"Meting {i + 1}")
            self.rooms.append(Room(created["meeting"]["code"], created["moderator_key"]))
        self.page = f"/join/{self.rooms[0].code}" if self.rooms else "/healthz"

    def join_url(self) -> str:
        """Where the next join goes (bench/workers.py takes the workers in turn)."""
        return self.url

    async def token(self, room: Room, session: aiohttp.ClientSession) -> str:
        async with session.post(f"{self.join_url()}/api/meetings/{room.code}/join", json={}) as r:
            body = await r.json()
            if r.status != 201:
                raise RuntimeError(f"join {r.status}: {body.get('error', {}).get('code')}")
            return body["token"]

    async def prepare(self, moderator: Client) -> None:
        ack = await moderator.sio.call("phase.goto", {"key": "listening"}, timeout=CALL_TIMEOUT)
        if not ack.get("ok"):
            raise RuntimeError(f"phase.goto: {ack}")

    def health(self) -> dict:
        """The server's own view of its load: lag, what it shed, why its sockets closed, its collector."""
        import json
        import urllib.request

        try:
            with urllib.request.urlopen(self.url + "/healthz", timeout=CALL_TIMEOUT) as r:
                found = json.loads(r.read())
                return {**found.get("load", {}), "gc": found.get("gc")}
        except OSError as exc:
            return {"error": type(exc).__name__}

    def stop(self) -> None:
        self.server.stop()


class BareTarget(Target):
    name = "bare"

    def start(self, meetings: int) -> None:
        port = free_port()
        self.folder.mkdir(parents=True, exist_ok=True)
        log = open(self.folder / "bare.log", "ab")  # noqa: SIM115 - closed with the process
        self.popen = subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "bare_server.py"), str(port), self.mode,
             str(self.folder / "bare.db"), str(self.cap or 5000)],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{port}"
        self.proc = Proc(self.popen.pid)
        wait_until_up(self.popen, self.url + "/healthz", 60,
                      lambda: (self.folder / "bare.log").read_text(errors="replace"))
        self.rooms = [Room(f"m{i}", f"m{i}:moderator") for i in range(meetings)]
        self.page = "/join/m0"

    async def token(self, room: Room, session: aiohttp.ClientSession) -> str:
        return f"{room.code}:{uuid.uuid4()}"

    def stop(self) -> None:
        stop_process(self.popen)


# --- clients ----------------------------------------------------------------------------------------


class DropCauses(logging.Handler):
    """Why python-engineio's client gave a socket up. Every such drop reaches the tablet as
    ``transport error``; the client's log line says which watchdog fired: nothing read for
    ping interval + ping timeout ("Server has stopped communicating"), nothing to write for
    max(interval, timeout) + 5 s ("packet queue is empty": no ping came to answer). A close by
    the server (or by the bench itself, or a refused connect) is not counted here."""

    KNOWN = {"Server has stopped communicating": "client: nothing read for interval+timeout",
             "packet queue is empty": "client: nothing to write (no ping) for max(interval, timeout)+5 s",
             "Unexpected error receiving packet": "client: receive error"}

    def __init__(self):
        super().__init__(logging.INFO)
        self.counts: Counter = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        for needle, cause in self.KNOWN.items():
            if needle in text:
                self.counts[cause] += 1


DROPS = DropCauses()


def handshake_retry_after(exc: BaseException | None) -> float | None:
    """The ``Retry-After`` of a websocket handshake refused with 503 (``server_busy`` before the
    session exists, server/load_shed.py). python-socketio says only "Connection error"; the
    aiohttp error behind it (in the exception's chain) has the status and the headers."""
    while exc is not None:
        if getattr(exc, "status", None) == 503 and (retry := (getattr(exc, "headers", None) or {}).get("Retry-After")):
            return float(retry)
        exc = exc.__cause__ or exc.__context__
    return None


class Client:
    """One tablet's socket: notes the time each meeting version's ``state`` reached it."""

    def __init__(self, url: str, token: str, session: aiohttp.ClientSession, room: int):
        self.url, self.token, self.room, self.session = url, token, room, session
        self.connected_at = math.inf  # versions sent before this came in the snapshot, not as `state`
        self.sio = socketio.AsyncClient(reconnection=False, http_session=session)
        self.seen: dict[int, float] = {}
        self.ready = asyncio.Event()
        self.refusal: str | None = None
        self.retry_after = 3.0
        self.dropped: str | None = None
        self.sio.on("snapshot", self._snapshot)
        self.sio.on("state", self._state)
        self.sio.on("connect_error", self._refused)
        self.sio.on("disconnect", self._dropped)

    async def _snapshot(self, *_args) -> None:
        self.ready.set()

    async def _state(self, payload=None) -> None:
        version = payload.get("version") if isinstance(payload, dict) else None
        if version is not None:
            self.seen.setdefault(version, time.perf_counter())

    async def _refused(self, data=None) -> None:
        data = data.get("data", data) if isinstance(data, dict) else {}
        self.refusal = (data or {}).get("code", "refused")
        self.retry_after = float((data or {}).get("retry_after") or 3.0)

    async def _dropped(self, reason=None, *_args) -> None:
        self.dropped = str(reason or "disconnected")  # e.g. ping timeout, transport close

    async def connect(self) -> None:
        try:
            await self.sio.connect(self.url, auth={"token": self.token}, transports=["websocket"],
                                   wait_timeout=CALL_TIMEOUT)
        except socketio.exceptions.ConnectionError as exc:
            retry_after = handshake_retry_after(exc)
            if retry_after is not None:  # refused at the handshake: no connect_error data over a websocket
                self.refusal, self.retry_after = "server_busy", retry_after
            raise
        await asyncio.wait_for(self.ready.wait(), CALL_TIMEOUT)
        self.connected_at = time.perf_counter()


class Moderator(Client):
    """Changes its meeting's public state and remembers when each version was asked for."""

    def __init__(self, *args):
        super().__init__(*args)
        self.pending: deque[float] = deque()
        self.sent: dict[int, float] = {}
        self.sign = 1
        self.presence = 0
        self.sio.on("presence", self._presence)

    async def _presence(self, *_args) -> None:
        self.presence += 1

    async def _state(self, payload=None) -> None:
        version = payload.get("version") if isinstance(payload, dict) else None
        if version is not None and self.pending:  # the server sends its changes in order
            self.sent[version] = self.pending.popleft()

    async def change(self) -> str | None:
        """One public change (``timer.adjust``, alternately +60 and -60 s); an error code or None."""
        self.sign = -self.sign
        start = time.perf_counter()
        self.pending.append(start)
        try:
            ack = await self.sio.call("timer.adjust", {"seconds": 60 * self.sign}, timeout=CALL_TIMEOUT)
        except Exception as exc:  # noqa: BLE001 - counted, the run goes on
            ack = {"error": {"code": type(exc).__name__}}
        if ack.get("ok"):
            return None
        if start in self.pending:
            self.pending.remove(start)
        return f"change {ack.get('error', {}).get('code')}"


class Addresses:
    """One HTTP session per 127.0.0.x source address: joins and sockets spread over them."""

    def __init__(self, count: int):
        self.sessions = [aiohttp.ClientSession(connector=aiohttp.TCPConnector(local_addr=(f"127.0.0.{2 + i}", 0),
                                                                              limit=0))
                         for i in range(count)]
        self.local = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))

    def __getitem__(self, i: int) -> aiohttp.ClientSession:
        return self.sessions[i % len(self.sessions)]

    async def close(self) -> None:
        for s in [*self.sessions, self.local]:
            await s.close()


# --- one server's run ---------------------------------------------------------------------------------


@dataclass
class Figures:
    """What one load phase measured on one server."""

    tablets: int = 0
    acks: list[float] = field(default_factory=list)
    fanout: list[float] = field(default_factory=list)
    pages: list[float] = field(default_factory=list)
    events: int = 0
    cpu_load: float = 0.0
    cpu_connect: float = 0.0
    connected: int = 0
    kb_per_connection: float = 0.0
    errors: Counter = field(default_factory=Counter)
    wall: float = 0.0
    client_cpu: float = 0.0
    load_average: float = 0.0
    #: Spiegel's ``/healthz`` ``load`` at the end: worst lag, refusals, socket closes by reason.
    server_load: dict = field(default_factory=dict)
    #: The server's CPU for one of the run's pages, measured apart after the load phase (the
    #: sockets still open, nothing else sent): what the pages add to ``cpu_load``.
    cpu_per_page: float = float("nan")

    @property
    def busy(self) -> str:
        """Cores the server and this client process kept busy: a starved server shows here."""
        if not self.wall:
            return "n/a"
        return (f"server {self.cpu_load / self.wall:.0%} of a core, clients {self.client_cpu / self.wall:.0%}, "
                f"load average {self.load_average:.1f}")

    @property
    def cpu_per_1000(self) -> float:
        return self.cpu_load / self.events * 1000 if self.events else float("nan")

    @property
    def cpu_per_1000_without_pages(self) -> float:
        """CPU per 1,000 events with the pages' CPU taken out: the pages count in ``cpu_load`` on
        both sides, and Spiegel's join page (a lookup, a template, security headers) costs more
        than the floor's fixed string, so this is the events' own ratio."""
        if not self.events or math.isnan(self.cpu_per_page):
            return float("nan")
        return (self.cpu_load - self.cpu_per_page * len(self.pages)) / self.events * 1000

    @property
    def ms_per_connect(self) -> float:
        return self.cpu_connect / self.connected * 1000 if self.connected else float("nan")


def ms(values: list[float], p: float) -> float:
    return pct(values, p) * 1000 if values else float("nan")


class Run:
    """A server with its moderators and tablets; tablets can be added in steps."""

    def __init__(self, target: Target, meetings: int, addresses: Addresses, parallel: int):
        self.target, self.addresses = target, addresses
        self.meetings = meetings
        self.moderators: list[Moderator] = []
        self.tablets: list[Client] = []
        self.gate = asyncio.Semaphore(parallel)
        self.rss_base = 0
        self.away: list[Client] = []  # tablets whose way back failed; tried again later

    async def open(self) -> None:
        self.target.start(self.meetings)
        for i, room in enumerate(self.target.rooms):
            moderator = Moderator(self.target.moderator_url(i), room.moderator_token, self.addresses.local, i)
            await moderator.connect()
            await self.target.prepare(moderator)
            self.moderators.append(moderator)
        self.rss_base = self.target.proc.rss_kb()

    async def add_tablets(self, count: int, figures: Figures) -> None:
        """Join ``count`` more tablets (spread over meetings and addresses), then connect them."""
        first = len(self.tablets)

        async def join(i: int) -> Client | None:
            room = i % len(self.target.rooms)
            async with self.gate:
                try:
                    token = await self.target.token(self.target.rooms[room], self.addresses[i])
                except Exception as exc:  # noqa: BLE001
                    figures.errors[f"join {exc}"[:60]] += 1
                    return None
            return Client(self.target.tablet_url(i), token, self.addresses[i], room)

        fresh = [c for c in await asyncio.gather(*(join(i) for i in range(first, first + count))) if c]
        cpu = self.target.proc.cpu()

        async def connect(client: Client) -> None:
            for _ in range(BUSY_RETRIES + 1):
                async with self.gate:
                    try:
                        await client.connect()
                        self.tablets.append(client)
                        return
                    except Exception as exc:  # noqa: BLE001
                        if client.refusal != "server_busy":
                            figures.errors[f"connect {client.refusal or type(exc).__name__}"] += 1
                            return
                figures.errors["connect server_busy (tried again)"] += 1
                # as the pages do: after the server's hint, spread (clients/shared/socket.js)
                await asyncio.sleep(client.retry_after * (1 + random.random() / 2))
                client = Client(client.url, client.token, client.session, client.room)
            figures.errors["connect server_busy (gave up)"] += 1

        await asyncio.gather(*(connect(c) for c in fresh))
        figures.cpu_connect = self.target.proc.cpu() - cpu
        # The clients' own objects too, frozen as the server's (server/collector.py): a full pass
        # over this process's ~200,000 objects stopped every client for up to 200 ms, which
        # landed in whichever server's acks were being timed.
        gc.collect()
        gc.freeze()
        figures.connected = len(self.tablets) - first
        figures.tablets = len(self.tablets)
        figures.kb_per_connection = (self.target.proc.rss_kb() - self.rss_base) / max(1, len(self.tablets))

    async def reconnect(self, client: Client, errors: Counter) -> float | None:
        """A tablet leaves and comes back with its token on a new socket; the seconds it took."""
        for group in (self.tablets, self.away):
            if client in group:
                group.remove(client)  # no notes to it while it is away
        await client.sio.disconnect()
        fresh = Client(client.url, client.token, client.session, client.room)
        start = time.perf_counter()
        try:
            await fresh.connect()
        except Exception as exc:  # noqa: BLE001 - counted, the run goes on
            errors[f"reconnect {fresh.refusal or type(exc).__name__}"] += 1
            self.away.append(fresh)
            return None
        self.tablets.append(fresh)
        return time.perf_counter() - start

    async def load(self, rate: float, change_every: float, seconds: float, figures: Figures) -> None:
        """Notes at ``rate`` from random tablets, a public change every ``change_every``, pages."""

        rng = random.Random(13)
        DROPS.counts.clear()  # what the last phase's own closing logged is not this phase's
        for m in self.moderators:
            m.sent.clear()
        tasks: set[asyncio.Task] = set()

        async def note(client: Client) -> None:
            """One note; refused with ``server_busy`` it is resent with the same id after the hint,
            as the tablet's outbox does, for up to CALL_TIMEOUT: its ack time runs from the first send."""
            start = time.perf_counter()
            payload = {"id": str(uuid.uuid4()), "text": TEXT}
            while True:
                try:
                    ack = await client.sio.call("note.add", payload, timeout=CALL_TIMEOUT)
                except Exception as exc:  # noqa: BLE001
                    ack = {"error": {"code": type(exc).__name__}}
                error = ack.get("error", {})
                if ack.get("ok") or error.get("code") != "server_busy":
                    break
                figures.errors["note server_busy (resent)"] += 1
                wait = float(error.get("retry_after") or 3) * (1 + random.random() / 2)
                if time.perf_counter() + wait - start > CALL_TIMEOUT:
                    break
                await asyncio.sleep(wait)
            if ack.get("ok"):
                figures.acks.append(time.perf_counter() - start)
                TRACE.append({"k": "note", "id": payload["id"], "send": start, "ack": time.perf_counter()})
            else:
                figures.errors[f"note {error.get('code')}"] += 1

        async def change(moderator: Moderator) -> None:
            error = await moderator.change()
            if error:
                figures.errors[error] += 1

        async def page() -> None:
            start = time.perf_counter()
            try:
                async with self.addresses.local.get(self.target.url + self.target.page,
                                                    timeout=aiohttp.ClientTimeout(total=CALL_TIMEOUT)) as r:
                    await r.read()
                    if r.status == 200:
                        figures.pages.append(time.perf_counter() - start)
                        return
                    figures.errors[f"page {r.status}"] += 1
            except Exception as exc:  # noqa: BLE001
                figures.errors[f"page {type(exc).__name__}"] += 1

        schedule = [(i / rate, "note") for i in range(int(rate * seconds))] if rate and self.tablets else []
        if self.moderators and change_every:
            schedule += [(i * change_every, "change") for i in range(int(seconds / change_every))]
        schedule += [(i * 0.5, "page") for i in range(int(seconds / 0.5))]
        schedule.sort(key=lambda item: item[0])
        cpu, client_cpu = self.target.proc.cpu(), time.process_time()
        start = time.perf_counter()
        turn = 0
        for at, kind in schedule:
            delay = start + at - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            if kind == "note":
                job = note(rng.choice(self.tablets))
            elif kind == "change":
                job = change(self.moderators[turn % len(self.moderators)])
                turn += 1
            else:
                job = page()
            figures.events += kind != "page"
            task = asyncio.create_task(job)
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        if tasks:
            await asyncio.wait(tasks, timeout=2 * CALL_TIMEOUT)
        await self._fanout(figures)
        figures.cpu_load = self.target.proc.cpu() - cpu
        figures.client_cpu = time.process_time() - client_cpu
        figures.wall = time.perf_counter() - start
        figures.load_average = os.getloadavg()[0]
        figures.errors.update(f"dropped: {c.dropped}" for c in self.tablets if c.dropped)
        figures.errors.update(DROPS.counts)
        DROPS.counts.clear()
        if isinstance(self.target, SpiegelTarget):
            figures.server_load = self.target.health()
        figures.errors = Counter({k: v for k, v in figures.errors.items() if v})

    async def page_cpu(self, count: int) -> float:
        """The server's CPU per page, over ``count`` fetches one after another."""
        cpu = self.target.proc.cpu()
        fetched = 0
        for _ in range(count):
            async with self.addresses.local.get(self.target.url + self.target.page,
                                                timeout=aiohttp.ClientTimeout(total=CALL_TIMEOUT)) as r:
                await r.read()
                fetched += r.status == 200
        return (self.target.proc.cpu() - cpu) / fetched if fetched else float("nan")

    async def _fanout(self, figures: Figures) -> None:
        by_room: dict[int, list[Client]] = {}
        for client in self.tablets:
            by_room.setdefault(client.room, []).append(client)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(v not in c.seen for m in self.moderators
                                                  for c in by_room.get(m.room, []) for v, at in m.sent.items()
                                                  if c.connected_at <= at):
            await asyncio.sleep(0.05)
        for m in self.moderators:
            for version, start in m.sent.items():
                arrivals = [c.seen.get(version) for c in by_room.get(m.room, []) if c.connected_at <= start]
                if None in arrivals:
                    figures.errors["state missed"] += arrivals.count(None)
                elif arrivals:
                    figures.fanout.append(max(arrivals) - start)
                    TRACE.append({"k": "fan", "room": m.room, "v": version, "send": start, "last": max(arrivals),
                                  "first": min(arrivals)})

    async def close(self) -> None:
        gc.unfreeze()
        clients = [*self.tablets, *self.moderators]
        try:
            for i in range(0, len(clients), 200):
                await asyncio.wait_for(asyncio.gather(*(c.sio.disconnect() for c in clients[i:i + 200]),
                                                      return_exceptions=True), 60)
        finally:
            if self.target.proc:
                self.target.stop()


# --- scenarios ----------------------------------------------------------------------------------------


def report(name: str, f: Figures) -> None:
    print(f"  {name:8s} {f.tablets} tablets held; connect CPU {f.ms_per_connect:.1f} ms per socket; "
          f"RSS {f.kb_per_connection:.0f} KB per connection")
    print(f"  {'':8s} note ack n={len(f.acks):5d} p50={ms(f.acks, 50):7.1f} ms p99={ms(f.acks, 99):7.1f} ms   "
          f"fan-out n={len(f.fanout):4d} p50={ms(f.fanout, 50):7.1f} ms p99={ms(f.fanout, 99):7.1f} ms")
    print(f"  {'':8s} CPU {f.cpu_per_1000:.2f} s per 1000 events ({f.events} events)   "
          f"page n={len(f.pages)} p50={ms(f.pages, 50):.1f} ms p99={ms(f.pages, 99):.1f} ms   "
          f"errors {dict(f.errors) or 'none'}")
    print(f"  {'':8s} CPU {f.cpu_per_page * 1000:.2f} ms per page, measured apart; without the pages "
          f"{f.cpu_per_1000_without_pages:.2f} s per 1000 events")
    print(f"  {'':8s} busy: {f.busy}")
    if f.server_load:
        print(f"  {'':8s} server load: {f.server_load}")


def ratios(spiegel: Figures, bare: Figures) -> dict[str, float]:
    def r(a: float, b: float) -> float:
        return a / b if b and not math.isnan(a) and not math.isnan(b) else float("nan")

    return {"ack p50": r(ms(spiegel.acks, 50), ms(bare.acks, 50)),
            "ack p99": r(ms(spiegel.acks, 99), ms(bare.acks, 99)),
            "fan-out p99": r(ms(spiegel.fanout, 99), ms(bare.fanout, 99)),
            "CPU/event": r(spiegel.cpu_per_1000, bare.cpu_per_1000),
            "CPU/event without pages": r(spiegel.cpu_per_1000_without_pages, bare.cpu_per_1000_without_pages),
            "connect CPU": r(spiegel.ms_per_connect, bare.ms_per_connect)}


async def one_size(target: Target, args, addresses: Addresses) -> Figures:
    run = Run(target, args.meetings, addresses, args.parallel)
    figures = Figures()
    try:
        await run.open()
        await run.add_tablets(args.tablets, figures)
        await run.load(args.rate, args.change_every, args.seconds, figures)
        figures.cpu_per_page = await run.page_cpu(max(len(figures.pages), 50))
    finally:
        await run.close()
    if os.environ.get("SCALE_TRACE"):
        import json

        Path(os.environ["SCALE_TRACE"] + f".{target.name}.client").write_text("\n".join(json.dumps(r) for r in TRACE))
    TRACE.clear()
    return figures


async def breakpoint_search(target: Target, args, addresses: Addresses) -> None:
    steps = [int(s) for s in args.steps.split(",")]
    run = Run(target, math.ceil(steps[-1] / 25), addresses, args.parallel)
    print(f"  {'tablets':>7s} {'held':>5s} {'ack p50':>8s} {'ack p99':>8s} {'fan p99':>8s} {'page p99':>8s} "
          f"{'KB/conn':>7s} {'CPU/1k':>6s} {'conn ms':>7s}  errors")
    try:
        await run.open()
        for step in steps:
            figures = Figures()
            await run.add_tablets(step - len(run.tablets), figures)
            await run.load(args.rate_per_tablet * len(run.tablets), args.change_every, args.seconds, figures)
            print(f"  {step:7d} {figures.tablets:5d} {ms(figures.acks, 50):8.1f} {ms(figures.acks, 99):8.1f} "
                  f"{ms(figures.fanout, 99):8.1f} {ms(figures.pages, 99):8.1f} {figures.kb_per_connection:7.0f} "
                  f"{figures.cpu_per_1000:6.2f} {figures.ms_per_connect:7.1f}  {dict(figures.errors) or 'none'}"
                  f"  ({figures.busy})", flush=True)
            if figures.server_load:
                print(f"          server load: {figures.server_load}", flush=True)
            failed = step - figures.tablets
            if failed > step * 0.01 or ms(figures.acks, 99) > args.break_p99 * 1000:
                print(f"  broke at {step} tablets ({failed} not connected, ack p99 {ms(figures.acks, 99):.0f} ms)")
                break
    finally:
        await run.close()


@dataclass
class Sample:
    """The server at one moment of a soak."""

    at: float  # seconds since the load began
    rss_kb: int
    sockets: int
    load_average: float


def growth_per_hour(samples: list[Sample]) -> float:
    """Least-squares slope of RSS over time in MB per hour: one start-up jump does not dominate it."""
    if len(samples) < 3:
        return float("nan")
    fit = statistics.linear_regression([s.at / 3600 for s in samples], [s.rss_kb / 1024 for s in samples])
    return fit.slope


async def soak(target: Target, args, addresses: Addresses) -> None:
    """The load generator of ``load`` in windows, a tablet leaving and coming back, the server sampled."""

    run = Run(target, args.meetings, addresses, args.parallel)
    connected, errors = Figures(), Counter()
    samples: list[Sample] = []
    reconnects: list[float] = []
    background: list[asyncio.Task] = []
    leaving: asyncio.Task | None = None
    try:
        await run.open()
        await run.add_tablets(args.tablets, connected)
        errors.update(connected.errors)
        proc = target.proc
        print(f"  RSS {run.rss_base / 1024:.1f} MB with {len(run.moderators)} moderators, "
              f"{proc.rss_kb() / 1024:.1f} MB with {connected.tablets} tablets held "
              f"({connected.kb_per_connection:.0f} KB per connection)", flush=True)
        start = time.perf_counter()

        def sample() -> None:
            samples.append(Sample(time.perf_counter() - start, proc.rss_kb(), proc.sockets(), os.getloadavg()[0]))

        async def sampler() -> None:
            while True:
                sample()
                await asyncio.sleep(args.sample_every)

        stopping = asyncio.Event()

        async def leaver() -> None:
            """A tablet away and back every ``reconnect_every``; asked to stop, it ends the one in
            hand first (cancelled between leaving and coming back, a tablet was counted nowhere)."""
            rng = random.Random(31)
            while True:
                try:
                    await asyncio.wait_for(stopping.wait(), args.reconnect_every)
                    return
                except TimeoutError:
                    pass
                if run.tablets:
                    took = await run.reconnect(rng.choice(run.tablets), errors)
                    if took is not None:
                        reconnects.append(took)

        background.append(asyncio.create_task(sampler()))
        leaving = asyncio.create_task(leaver()) if args.reconnect_every else None
        print(f"  {'minutes':>11s} {'notes':>6s} {'ack p50':>8s} {'ack p99':>8s} {'fan p99':>8s} {'page p99':>8s} "
              f"{'RSS MB':>7s} {'sockets':>7s} {'load':>5s}  errors")
        done = 0.0
        while done < args.seconds:
            length = min(args.window, args.seconds - done)
            window = Figures()
            began = (time.perf_counter() - start) / 60
            await run.load(args.rate, args.change_every, length, window)
            done += length
            errors.update(window.errors)
            for client in [c for c in run.tablets if c.dropped] + run.away:  # they come back, as tablets do
                took = await run.reconnect(client, errors)
                if took is not None:
                    reconnects.append(took)
            last = samples[-1]
            print(f"  {began:5.1f}–{(time.perf_counter() - start) / 60:5.1f} {len(window.acks):6d} "
                  f"{ms(window.acks, 50):8.1f} {ms(window.acks, 99):8.1f} {ms(window.fanout, 99):8.1f} "
                  f"{ms(window.pages, 99):8.1f} {last.rss_kb / 1024:7.1f} {last.sockets:7d} "
                  f"{window.load_average:5.1f}  {dict(window.errors) or 'none'}", flush=True)
        stopping.set()
        if leaving is not None:
            await leaving
        for task in background:
            task.cancel()
        sample()
        first, end = samples[0], samples[-1]
        settled = [s for s in samples if s.at >= min(args.window, args.seconds / 2)]
        loads = [s.load_average for s in samples]
        print(f"  memory: start {first.rss_kb / 1024:.1f} MB, end {end.rss_kb / 1024:.1f} MB "
              f"({(end.rss_kb - first.rss_kb) / 1024:+.1f} MB), peak {max(s.rss_kb for s in samples) / 1024:.1f} MB; "
              f"growth {growth_per_hour(samples):+.1f} MB/hour over {len(samples)} samples "
              f"({growth_per_hour(settled):+.1f} MB/hour after the first window)")
        print(f"  sockets: start {first.sockets}, end {end.sockets}, "
              f"min {min(s.sockets for s in samples)}, max {max(s.sockets for s in samples)}; "
              f"tablets held at the end {len(run.tablets)} of {args.tablets}")
        print(f"  reconnects n={len(reconnects)} p50={ms(reconnects, 50):.1f} ms p99={ms(reconnects, 99):.1f} ms; "
              f"load average (1 min) mean {statistics.fmean(loads):.1f}, max {max(loads):.1f}")
        print(f"  errors {sum(errors.values())}: {dict(errors.most_common()) or 'none'}", flush=True)
    finally:
        for task in [*background, *([leaving] if leaving else [])]:
            task.cancel()
        await run.close()


@dataclass
class Storm:
    """One storm on one server."""

    tablets: int
    back: int
    cpu: float
    wall: float
    presence: int
    errors: Counter

    @property
    def ms_per_tablet(self) -> float:
        return self.cpu / self.back * 1000 if self.back else float("nan")


async def storms(target: Target, args, addresses: Addresses) -> list[Storm]:
    """``--storms`` times: every tablet leaves at once, then all come back at once."""
    run = Run(target, args.meetings, addresses, args.parallel)
    first = Figures()
    found: list[Storm] = []
    try:
        await run.open()
        await run.add_tablets(args.tablets, first)
        await asyncio.sleep(1.5)  # the first connects' trailing presence is not the storm's
        for _ in range(args.storms):
            errors: Counter = Counter()
            presence = sum(m.presence for m in run.moderators)
            cpu = target.proc.cpu()
            leaving = list(run.tablets)
            await asyncio.gather(*(c.sio.disconnect() for c in leaving))
            run.tablets.clear()
            start = time.perf_counter()

            async def back(client: Client, errors: Counter = errors) -> None:
                """Back, and refused with ``server_busy``, back again after its hint (as the pages)."""
                for _ in range(BUSY_RETRIES + 1):
                    fresh = Client(target.url, client.token, client.session, client.room)
                    async with run.gate:
                        try:
                            await fresh.connect()
                            run.tablets.append(fresh)
                            return
                        except Exception as exc:  # noqa: BLE001 - counted, the storm goes on
                            errors[f"reconnect {fresh.refusal or type(exc).__name__}"] += 1
                            if fresh.refusal != "server_busy":
                                return
                    await asyncio.sleep(fresh.retry_after * (1 + random.random() / 2))

            await asyncio.gather(*(back(c) for c in leaving))
            wall = time.perf_counter() - start
            # A paced presence message trails the storm by up to a second; the idle loops' CPU in
            # these 1.5 s (bench/idle_cost.py: ~2 ms a second) stays in the figure.
            await asyncio.sleep(1.5)
            found.append(Storm(len(leaving), len(run.tablets), target.proc.cpu() - cpu, wall,
                               sum(m.presence for m in run.moderators) - presence, errors))
    finally:
        await run.close()
    return found


def spread(values: list[float]) -> str:
    values = [v for v in values if not math.isnan(v)]
    if not values:
        return "n/a"
    return f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})" if len(values) > 1 \
        else f"{values[0]:.2f}"


def start_hogs(count: int) -> list[subprocess.Popen]:
    """``count`` busy loops beside the server: a starved machine on demand (stopped at the end)."""
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"], stdin=subprocess.DEVNULL)
            for _ in range(count)]


async def main_async(args) -> None:
    SpiegelTarget.shed_lag_ms = args.shed_lag_ms
    hogs = start_hogs(args.hog)
    if hogs:
        print(f"{len(hogs)} CPU hog(s) running beside the server", flush=True)
    try:
        await scenarios(args)
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()


async def scenarios(args) -> None:
    addresses = Addresses(args.addresses)
    folder = Path(tempfile.mkdtemp(prefix="spiegel-scale-"))
    try:
        kinds = [SpiegelTarget] + ([] if args.no_bare else [BareTarget])
        if args.scenario == "soak":  # memory over time is Spiegel's own question: no floor
            print(f"spiegel {args.mode}: soak, {args.tablets} tablets in {args.meetings} meetings, "
                  f"{args.rate:.2f} notes/s, a public change every {args.change_every} s, a tablet back every "
                  f"{args.reconnect_every} s, {args.seconds:.0f} s in {args.window:.0f} s windows, "
                  f"sampled every {args.sample_every} s, {args.addresses} source addresses", flush=True)
            await soak(SpiegelTarget(args.mode, args.cap, folder / "spiegel-soak"), args, addresses)
            return
        if args.scenario == "storm":
            print(f"storm ({args.mode}): {args.tablets} tablets in {args.meetings} meetings leave and come back "
                  f"at once, {args.storms} times, {args.parallel} connects under way", flush=True)
            per: dict[str, list[float]] = {}
            for n in range(args.repeat):
                for kind in kinds:
                    for i, storm in enumerate(await storms(kind(args.mode, args.cap, folder / f"{kind.name}-s{n}"),
                                                           args, addresses)):
                        per.setdefault(kind.name, []).append(storm.ms_per_tablet)
                        print(f"  {kind.name:8s} run {n + 1} storm {i + 1}: {storm.back}/{storm.tablets} back in "
                              f"{storm.wall:.2f} s, CPU {storm.ms_per_tablet:.2f} ms per leave and return, "
                              f"presence messages to moderators {storm.presence}, "
                              f"errors {dict(storm.errors) or 'none'}", flush=True)
            for name, values in per.items():
                print(f"  {name:8s} CPU ms per leave and return: {spread(values)}")
            if len(per) == 2:
                ratio = statistics.median(per["spiegel"]) / statistics.median(per["bare"])
                print(f"  ratio spiegel/bare (medians): x{ratio:.2f}")
            return
        if args.scenario == "breakpoint":
            for kind in kinds:
                print(f"{kind.name} {args.mode}: breakpoint, {args.rate_per_tablet} notes/s per tablet, "
                      f"a change every {args.change_every} s, {args.seconds} s per step", flush=True)
                await breakpoint_search(kind(args.mode, args.cap, folder / f"{kind.name}-bp"), args, addresses)
            return
        print(f"{args.scenario} ({args.mode}): {args.tablets} tablets in {args.meetings} meeting(s), "
              f"{args.rate} notes/s, a public change every {args.change_every} s, {args.seconds} s, "
              f"{args.addresses} source addresses, 127.0.0.1", flush=True)
        collected: list[dict[str, float]] = []
        for n in range(args.repeat):
            print(f"run {n + 1}/{args.repeat}", flush=True)
            results = {}
            for kind in kinds:
                results[kind.name] = await one_size(kind(args.mode, args.cap, folder / f"{kind.name}-{n}"), args,
                                                    addresses)
                report(kind.name, results[kind.name])
            if "bare" in results:
                r = ratios(results["spiegel"], results["bare"])
                collected.append(r)
                print("  ratio spiegel/bare  " + "  ".join(f"{k} x{v:.1f}" for k, v in r.items()), flush=True)
        if len(collected) > 1:
            print("spread over runs (median, min–max): " + "; ".join(
                f"{k} x{spread([c[k] for c in collected])}" for k in collected[0]))
    finally:
        await addresses.close()


def main() -> None:
    logging.getLogger("engineio").setLevel(logging.CRITICAL)  # one line per closed client otherwise
    client_log = logging.getLogger("engineio.client")  # …but count why each was given up
    client_log.setLevel(logging.INFO)
    client_log.propagate = False
    client_log.addHandler(DROPS)
    # `timeout` and CI stop a run with SIGTERM: unwind, so the servers are stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", choices=sorted(PRESETS), default="load")
    parser.add_argument("--mode", choices=("eventlet", "gevent", "threading"), default="gevent")
    parser.add_argument("--tablets", type=int)
    parser.add_argument("--meetings", type=int)
    parser.add_argument("--rate", type=float, help="notes per second, all tablets together")
    parser.add_argument("--change-every", type=float, help="seconds between two public changes (any meeting)")
    parser.add_argument("--seconds", type=float, help="length of the load phase (per step for breakpoint)")
    parser.add_argument("--steps", default="500,1000,1500,2000,2500,3000", help="breakpoint: tablets per step")
    parser.add_argument("--rate-per-tablet", type=float, default=0.1, help="breakpoint: notes/s per tablet")
    parser.add_argument("--break-p99", type=float, default=2.0, help="breakpoint: stop past this ack p99 (s)")
    parser.add_argument("--window", type=float, default=300.0, help="soak: seconds per reported window")
    parser.add_argument("--sample-every", type=float, default=30.0, help="soak: seconds between RSS samples")
    parser.add_argument("--reconnect-every", type=float, help="soak: seconds between two tablets coming back")
    parser.add_argument("--cap", type=int, help="SPIEGEL_MAX_CONNECTIONS for both servers (default theirs)")
    parser.add_argument("--addresses", type=int, help="127.0.0.x source addresses (default: one per 100 tablets)")
    parser.add_argument("--parallel", type=int, default=50, help="joins and connects under way at once")
    parser.add_argument("--storms", type=int, default=3, help="storm: storms per run")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--no-bare", action="store_true", help="skip the bare floor")
    parser.add_argument("--hog", type=int, default=0, help="busy-loop processes to run beside the server")
    parser.add_argument("--shed-lag-ms", type=int, help="SPIEGEL_SHED_LAG_MS for Spiegel (0: no shedding)")
    args = parser.parse_args()
    for key, value in PRESETS[args.scenario].items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    largest = max([args.tablets, *(int(s) for s in args.steps.split(","))] if args.scenario == "breakpoint"
                  else [args.tablets])
    args.addresses = args.addresses or max(2, min(250, math.ceil(largest / 100)))
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
