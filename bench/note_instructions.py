"""Instructions per ``note.add``: Spiegel against the floor, counted by valgrind's callgrind.

CPU time on a shared 2-core machine moves by tens of percent from run to run; the number of
instructions an event executes does not (the same code path runs the same instructions, give
or take a hash seed, which is fixed here). Each side (bench/event_cost.py's ``SpiegelSide`` and
``BareSide``: 25 tablets, SQLite in WAL with ``synchronous=FULL``, in-process test clients) runs
in its own ``valgrind --tool=callgrind`` process. Setup and a warm-up are not counted: the
measured notes run inside a ctypes callback, and callgrind collects only inside that callback's
C entry point (``--collect-atstart=no --toggle-collect=closure_fcn``). The fsync itself is a
system call, which callgrind does not count: these are the instructions of the server's own
code, the part this repository can change.

``--event`` counts another of bench/event_cost.py's scenarios instead (``question.add``,
``timer.adjust`` with its fan-out to 25 test clients, ``connect``: a tablet's reconnect and
leave); the test clients' own decoding is counted on both sides.

Usage: python bench/note_instructions.py [--events 100] [--side spiegel --side bare] [--event note.add]
(one to three minutes per side under valgrind; prints instructions per event and the ratio).
"""

from __future__ import annotations

import argparse
import ctypes
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import event_cost  # noqa: E402

SIDES = ("spiegel", "bare")
WARM_UP = 20


def _child(side_name: str, events: int, event: str) -> None:
    """Runs under callgrind: build the side, warm up, then run ``events`` events inside the callback."""
    with tempfile.TemporaryDirectory(prefix="spiegel-note-instr-") as tmp:
        side_class = event_cost.SpiegelSide if side_name == "spiegel" else event_cost.BareSide
        side = side_class(Path(tmp) / side_name)
        step = side.reconnect if event == "connect" else (lambda i: side.send(i, event))
        for i in range(WARM_UP):
            step(i)
        side.drain()

        def measured() -> None:
            for i in range(events):
                step(i)

        ctypes.CFUNCTYPE(None)(measured)()  # callgrind collects inside closure_fcn only


def count(side: str, events: int, out: Path, event: str = "note.add") -> int:
    """Instructions (Ir) of ``events`` events on ``side``, from one callgrind run."""
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    subprocess.run(["valgrind", "--tool=callgrind", "--collect-atstart=no", "--toggle-collect=closure_fcn",
                    f"--callgrind-out-file={out}", sys.executable, __file__, "--child", side,
                    "--events", str(events), "--event", event], check=True, env=env, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    totals = re.search(r"^(?:summary|totals): (\d+)", out.read_text(), re.MULTILINE)
    assert totals, f"no totals in {out}"
    return int(totals.group(1))


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100)
    parser.add_argument("--side", choices=SIDES, action="append")
    parser.add_argument("--event", choices=event_cost.SCENARIOS, default="note.add")
    parser.add_argument("--child", choices=SIDES, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child, args.events, args.event)
        return {}
    per_note = {}
    with tempfile.TemporaryDirectory(prefix="spiegel-callgrind-") as tmp:
        for side in args.side or SIDES:
            per_note[side] = count(side, args.events, Path(tmp) / f"{side}.out", args.event) / args.events
            what = "note" if args.event == "note.add" else args.event
            print(f"{side:8} {per_note[side]:12,.0f} instructions per {what} ({args.events} {what}s)", flush=True)
    if len(per_note) == 2:
        print(f"ratio    {per_note['spiegel'] / per_note['bare']:12.2f}")
    return per_note


if __name__ == "__main__":
    main()
