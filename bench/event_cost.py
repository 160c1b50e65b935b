"""CPU per event: Spiegel against a bare Flask-SocketIO app that commits one SQLite row, in one process.

Both apps run in-process (threading mode, Flask-SocketIO test clients, no sockets), on SQLite
files in WAL with ``synchronous=FULL``, so the figures are the server's own cost per event
plus the same test-client overhead on both sides. Scenarios, each with 25 tablets and one
moderator in a meeting:

- ``note.add`` and ``question.add`` from the tablets in turn (stored, committed, acked);
- ``timer.adjust`` by the moderator, fanned out as ``state`` to all 25 tablets;
- ``connect``: a tablet reconnecting (sign-in, snapshot, presence to staff) and leaving again.

The floor is bench/bare_server.py's app: one ``INSERT`` and commit per write (the timer's
write too), an emit to the room for the timer, a one-field snapshot on connect.
Runs alternate between the two apps so both see the same noise; each figure is the median of
``--repeat`` runs with the spread. Usage: python bench/event_cost.py [--events 200] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from helpers import ADMIN_PASSWORD, Room, call, make_app  # noqa: E402

TABLETS = 25
SCENARIOS = ("note.add", "question.add", "timer.adjust", "connect")


def _payload(event: str) -> dict:
    if event == "timer.adjust":
        return {"seconds": 1}
    return {"id": str(uuid.uuid4()), "text": "Verzonnen zin om te meten"}


class SpiegelSide:
    """A meeting in the listening phase with a moderator and 25 connected tablets."""

    name = "spiegel"

    def __init__(self, folder: Path):
        self.app = make_app(folder / "spiegel", time.time)
        self.app.extensions["spiegel"].events.limit = 10**9  # the bench is a flood by design
        self.app.extensions["spiegel"].address_events.limit = 10**9
        created = self.app.test_client().post("/api/admin/meetings", json={"title": "Bank", "open": True},
                                              headers={"Authorization": f"Bearer {ADMIN_PASSWORD}"}).get_json()
        self.room = Room(self.app, created)
        self.moderator = self.room.moderator()
        assert call(self.moderator, "phase.goto", {"key": "listening"})["ok"]
        self.tokens = [self.room.join()["token"] for _ in range(TABLETS)]
        self.tablets = [self.room.connect(t) for t in self.tokens]

    def send(self, i: int, event: str) -> None:
        client = self.moderator if event == "timer.adjust" else self.tablets[i % TABLETS]
        ack = call(client, event, _payload(event))
        assert ack.get("ok"), ack

    def reconnect(self, i: int) -> None:
        self.room.connect(self.tokens[i % TABLETS]).disconnect()

    def drain(self) -> None:
        for client in (self.moderator, *self.tablets):
            client.get_received()


class BareSide:
    """The floor (bench/bare_server.py, the same one bench/scale.py runs), in-process."""

    name = "bare"

    def __init__(self, folder: Path):
        import bare_server

        folder.mkdir(parents=True, exist_ok=True)
        self.app, self.sio = bare_server.create("threading", str(folder / "bare.db"))
        self.moderator = self._client()
        self.tablets = [self._client() for _ in range(TABLETS)]

    def _client(self):
        return self.sio.test_client(self.app, auth={"token": "bank:floor"})

    def send(self, i: int, event: str) -> None:
        client = self.moderator if event == "timer.adjust" else self.tablets[i % TABLETS]
        # The floor stores a question as it stores a note: one committed row.
        assert call(client, "note.add" if event == "question.add" else event, _payload(event))["ok"]

    def reconnect(self, i: int) -> None:
        self._client().disconnect()

    def drain(self) -> None:
        for client in (self.moderator, *self.tablets):
            client.get_received()


def cost(side, scenario: str, events: int) -> tuple[float, float]:
    """(CPU ms, wall ms) per event over ``events`` events."""
    step: Callable[[int], None] = side.reconnect if scenario == "connect" else (lambda i: side.send(i, scenario))
    for i in range(10):  # warm caches and statements
        step(i)
    side.drain()
    cpu, wall = time.process_time(), time.perf_counter()
    for i in range(events):
        step(i)
        if i % 50 == 49:
            side.drain()
    return ((time.process_time() - cpu) * 1000 / events, (time.perf_counter() - wall) * 1000 / events)


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):6.2f} ({min(values):.2f}–{max(values):.2f})"


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", choices=SCENARIOS, action="append")
    args = parser.parse_args(argv)
    scenarios = args.only or SCENARIOS
    with tempfile.TemporaryDirectory(prefix="spiegel-event-cost-") as tmp:
        sides = [SpiegelSide(Path(tmp)), BareSide(Path(tmp) / "bare")]
        results: dict[tuple[str, str], list[tuple[float, float]]] = {}
        for _ in range(args.repeat):
            for scenario in scenarios:
                for side in sides:
                    results.setdefault((scenario, side.name), []).append(cost(side, scenario, args.events))
    print(f"CPU ms per event, median (min–max) of {args.repeat} runs of {args.events}; {TABLETS} tablets")
    print(f"{'scenario':14} {'spiegel CPU':>20} {'bare CPU':>20} {'ratio':>6} {'spiegel wall':>20} {'bare wall':>20}")
    summary = {}
    for scenario in scenarios:
        s_cpu = [c for c, _ in results[(scenario, "spiegel")]]
        b_cpu = [c for c, _ in results[(scenario, "bare")]]
        s_wall = [w for _, w in results[(scenario, "spiegel")]]
        b_wall = [w for _, w in results[(scenario, "bare")]]
        ratio = statistics.median(s_cpu) / statistics.median(b_cpu)
        summary[scenario] = {"spiegel_cpu_ms": statistics.median(s_cpu), "bare_cpu_ms": statistics.median(b_cpu),
                             "ratio": ratio}
        print(f"{scenario:14} {spread(s_cpu):>20} {spread(b_cpu):>20} {ratio:6.2f} {spread(s_wall):>20} "
              f"{spread(b_wall):>20}")
    return summary


if __name__ == "__main__":
    main()
