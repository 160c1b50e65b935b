"""What the slowest 1% of note acks waited behind: the stages of each note, from two traces.

Run a load with both traces on, then read them here::

    SPIEGEL_TRACE=/tmp/t.server SCALE_TRACE=/tmp/t bench/scale.py --scenario load --no-bare
    bench/ack_tail.py /tmp/t

``SPIEGEL_TRACE`` makes the server write one line per event (server/trace.py: stage times and the
item's id, nothing anyone wrote); ``SCALE_TRACE`` makes bench/scale.py write each note's send and
ack time. Both clocks are ``time.perf_counter`` (CLOCK_MONOTONIC on Linux), so they join.

Stages of a note: ``to_handler`` (sent → the server's handler starts: the hub reaching it),
``turn_wait`` (waiting for SQLite's turn, server/group_commit.py), ``sql`` (its statements),
``own_commit`` (the commit it ran itself, holding the turn), ``batch_wait`` (its batch's commit
by another event), ``ack_back`` (the handler returns → the client has the ack). For the
slowest 1% it also sums what held the turn while each waited: other events' statements, their
commits (``behind_commit``), and time nobody held it (``idle``: the hub did not get round to
the next in line).
"""

from __future__ import annotations

import json
import statistics
import sys


def load(base: str) -> tuple[list[dict], list[dict], list[dict]]:
    with open(base + ".server") as lines:
        server = [json.loads(line) for line in lines if line.strip()]
    with open(base + ".spiegel.client") as lines:
        client = {row["id"]: row for row in (json.loads(line) for line in lines if line.strip()) if row["k"] == "note"}
    events = [r for r in server if "locked" in r and "sql_done" in r]
    notes = []
    for r in events:
        c = client.get(r.get("id")) if r["k"] == "note.add" else None
        if c is None or "committed" not in r:
            continue
        notes.append({"total": (c["ack"] - c["send"]) * 1000, "to_handler": (r["in"] - c["send"]) * 1000,
                      "turn_wait": _ms(r, "enter", "locked"), "sql": _ms(r, "locked", "sql_done"),
                      "own_commit": _ms(r, "sql_done", "committed"),
                      "batch_wait": _ms(r, "committed", "released") if "released" in r else 0.0,
                      "ack_back": (c["ack"] - r["out"]) * 1000, "_row": r})
    notes.sort(key=lambda n: n["total"])
    return events, notes, server


def _ms(row: dict, start: str, end: str) -> float:
    return (row[end] - row[start]) * 1000


def behind(note: dict, events: list[dict]) -> dict:
    """What held the turn while ``note`` waited for it."""
    r = note["_row"]
    a, b = r["enter"], r["locked"]
    sql = commit = 0.0
    for h in events:
        if h is r:
            continue
        start, end = h["locked"], h.get("committed", h["sql_done"])
        overlap = min(end, b) - max(start, a)
        if overlap <= 0:
            continue
        own_sql = max(0.0, min(h["sql_done"], b) - max(start, a))
        sql += own_sql
        commit += overlap - own_sql
    wait = (b - a) * 1000
    return {"behind_sql": sql * 1000, "behind_commit": commit * 1000, "idle": wait - (sql + commit) * 1000}


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p / 100))] if values else float("nan")


def main(base: str) -> None:
    events, notes, server = load(base)
    n = len(notes)
    stages = ["total", "to_handler", "turn_wait", "sql", "own_commit", "batch_wait", "ack_back"]
    middle = notes[n // 2 - n // 20: n // 2 + n // 20 + 1]
    slowest = notes[-max(1, n // 100):]
    for name, group in (("p45-p55", middle), ("slowest 1%", slowest)):
        print(f"{name:10s} (n={len(group):3d}) medians ms: "
              + "  ".join(f"{k}={statistics.median(x[k] for x in group):.1f}" for k in stages))
    held = [behind(x, events) for x in slowest]
    print("slowest 1%: the turn, while they waited, held by others' sql / others' commits / nobody (medians ms): "
          + " / ".join(f"{statistics.median(h[k] for h in held):.1f}" for k in ("behind_sql", "behind_commit", "idle")))
    commits = [r for r in events if "c_out" in r]
    trip = [(r["c_out"] - r["c_in"]) * 1000 for r in commits]
    fsync = [r["fsync"] * 1000 for r in commits if "fsync" in r]
    print(f"commits {len(commits)} for {len(events)} events; commit in its thread p50 {pct(fsync, 50):.1f} "
          f"p99 {pct(fsync, 99):.1f} max {max(fsync, default=float('nan')):.1f} ms; round trip through the hub "
          f"p50 {pct(trip, 50):.1f} p99 {pct(trip, 99):.1f} max {max(trip, default=float('nan')):.1f} ms")
    late = [r["late"] * 1000 for r in server if r["k"] == "monitor"]
    print(f"hub lateness (load monitor, every 0.25 s): p50 {pct(late, 50):.1f} p99 {pct(late, 99):.1f} "
          f"max {max(late, default=float('nan')):.1f} ms")


if __name__ == "__main__":
    main(sys.argv[1])
