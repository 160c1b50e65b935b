"""Work in hand and since when: the one place that knows how long the oldest piece has waited.

Two guards ask that question of different work. The load shed (``load_shed.py``) counts the
oldest event's wait as lag, because a queue on the database's turns lock is not seen by the
hub's lateness; the storage watchdog (``storage.py``) shuts the connections of a database that
has held a transaction past its limit. Both keep start times by a rising key, so insertion
order is age order and the oldest is the first.
"""

from __future__ import annotations

import contextlib
import itertools
import time
from collections.abc import Callable, Iterator


class InFlight:
    """Start times of the pieces of work now in hand."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self._since: dict[int, float] = {}
        self._ids = itertools.count()

    @contextlib.contextmanager
    def track(self) -> Iterator[None]:
        """Around one piece of work."""
        key = next(self._ids)
        self._since[key] = self.clock()
        try:
            yield
        finally:
            self._since.pop(key, None)

    def oldest_wait(self, now: float) -> float:
        """How long the oldest piece has been in hand; 0 when there is none."""
        started = list(self._since.values())  # a copy: other threads add and remove meanwhile
        return now - started[0] if started else 0.0

    def forget_older_than(self, seconds: float, now: float) -> int:
        """Stop tracking every piece in hand longer than ``seconds``; how many there were.

        The watchdog acts once per stuck transaction, not on every look while it stays stuck."""
        old = [key for key, started in list(self._since.items()) if now - started > seconds]
        for key in old:
            self._since.pop(key, None)
        return len(old)
