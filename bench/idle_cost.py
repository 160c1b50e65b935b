"""Spiegel's CPU while nothing happens: a running server with open meetings and no sockets.

What it costs is the server's own background work (the timer expiry watcher, the retention
job), which a calm meeting pays per event too. Runs ``spiegel run`` (eventlet) for
``--seconds`` after start-up and prints its CPU milliseconds per minute, ``--repeat`` times.
The CPU is the kernel's run time of every thread (``/proc/<pid>/task/*/schedstat``, in
nanoseconds): utime and stime come in 10 ms ticks, 20 ms a minute over a 30 s run, as coarse
as the difference measured.
Usage: python bench/idle_cost.py [--seconds 30] [--repeat 3] [--meetings 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from helpers import LiveServer  # noqa: E402


def cpu_seconds(pid: int) -> float:
    """Run time of all the process's threads so far, to the nanosecond."""
    total = 0
    for stat in Path(f"/proc/{pid}/task").glob("*/schedstat"):
        try:
            total += int(stat.read_text().split()[0])
        except (FileNotFoundError, ProcessLookupError):  # a thread that just ended
            continue
    return total / 1e9


def idle_cpu_ms_per_minute(folder: Path, seconds: float, meetings: int) -> float:
    server = LiveServer(instance=folder, async_mode="eventlet").start()
    try:
        for i in range(meetings):
            server.create_meeting(title=f"Stil {i + 1}")
        pid = server.proc.pid
        threading.Event().wait(2.0)  # let start-up settle before measuring
        before = cpu_seconds(pid)
        threading.Event().wait(seconds)
        return (cpu_seconds(pid) - before) * 1000 * 60 / seconds
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> list[float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--meetings", type=int, default=5)
    args = parser.parse_args(argv)
    runs = []
    with tempfile.TemporaryDirectory(prefix="spiegel-idle-") as tmp:
        for i in range(args.repeat):
            runs.append(idle_cpu_ms_per_minute(Path(tmp) / str(i), args.seconds, args.meetings))
    print(f"idle CPU ms per minute: median {statistics.median(runs):.0f} (runs: "
          f"{', '.join(f'{r:.0f}' for r in runs)})")
    return runs


if __name__ == "__main__":
    main()
