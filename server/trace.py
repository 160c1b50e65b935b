"""Stage times of each socket event, for finding what the slowest acks wait behind.

Off unless ``SPIEGEL_TRACE`` names a file. Each event appends one JSON line of numbers (stage
times on ``time.perf_counter``, the clock the bench's clients use too) and the item's client
UUID, never anything anyone wrote.
"""

from __future__ import annotations

import json
import os
import threading
import time

_PATH = os.environ.get("SPIEGEL_TRACE") or None
_local = threading.local()
_lock = threading.Lock()
_file = None
now = time.perf_counter


def on() -> bool:
    return _PATH is not None


def begin(kind: str) -> None:
    if _PATH is not None:
        _local.rec = {"k": kind, "in": time.perf_counter()}


def mark(name: str, value=None) -> None:
    if _PATH is not None:
        rec = getattr(_local, "rec", None)
        if rec is not None:
            rec[name] = time.perf_counter() if value is None else value


def add(name: str, seconds: float) -> None:
    """Accumulate a duration (several commits or waits in one event)."""
    if _PATH is not None:
        rec = getattr(_local, "rec", None)
        if rec is not None:
            rec[name] = rec.get(name, 0.0) + seconds


def end() -> None:
    global _file
    if _PATH is None:
        return
    rec = getattr(_local, "rec", None)
    _local.rec = None
    if rec is None:
        return
    rec["out"] = time.perf_counter()
    with _lock:
        if _file is None:
            _file = open(_PATH, "a", buffering=1)  # noqa: SIM115 - for the process's life
        _file.write(json.dumps(rec) + "\n")


def sample(kind: str, **values: float) -> None:
    """A row of its own (the load monitor's lateness)."""
    global _file
    if _PATH is None:
        return
    with _lock:
        if _file is None:
            _file = open(_PATH, "a", buffering=1)  # noqa: SIM115
        _file.write(json.dumps({"k": kind, "at": time.perf_counter(), **values}) + "\n")
