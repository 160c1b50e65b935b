"""Sliding-window limits against floods (events per participant and per address, joins,
meeting look-ups and wrong admin passwords per address).

The hits live in a store (:mod:`.shared_state`): process memory by default; Redis sorted
sets for the limits that must hold across workers (joins, look-ups, admin passwords), with
process memory as the fallback while Redis is away. The per-event limits stay in each
worker's memory: a socket lives in one worker, and a Redis round trip per event would double
an event's cost.
"""

from __future__ import annotations

import contextlib

from .errors import SpiegelError
from .shared_state import Hits, MemoryHits, Unavailable


class Window:
    """At most ``limit`` hits per key in any ``seconds``."""

    def __init__(self, seconds: float, limit: int, message: str, store: Hits | None = None):
        self.seconds, self.limit, self.message = seconds, limit, message
        self._local = MemoryHits()
        self._store: Hits = store or self._local

    def _count(self, key: str) -> int:
        try:
            return self._store.count(key, self.seconds)
        except Unavailable:
            return self._local.count(key, self.seconds)

    def full(self, key: str) -> bool:
        if self.limit <= 0:
            return True
        return self._count(key) >= self.limit

    def add(self, key: str) -> None:
        try:
            self._store.add(key, self.seconds)
        except Unavailable:
            self._local.add(key, self.seconds)

    def check(self, key: str) -> None:
        if self.full(key):
            raise SpiegelError("rate_limited", self.message)

    def hit(self, key: str) -> None:
        """Count one more, refusing (before counting) when the window is full."""
        self.check(key)
        self.add(key)

    def forget(self, key: str) -> None:
        self._local.forget(key)
        with contextlib.suppress(Unavailable):
            self._store.forget(key)
