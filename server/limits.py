"""Sliding-window limits against floods (events per participant and per address, joins,
meeting look-ups and wrong admin passwords per address). In memory, per process: the scale-out
issue moves them to Redis."""

from __future__ import annotations

import time
from collections import defaultdict, deque

from .errors import SpiegelError


class Window:
    """At most ``limit`` hits per key in any ``seconds``."""

    def __init__(self, seconds: float, limit: int, message: str):
        self.seconds, self.limit, self.message = seconds, limit, message
        self._hits: dict[str, deque] = defaultdict(deque)

    def full(self, key: str) -> bool:
        hits = self._hits.get(key)
        if not hits:
            return self.limit <= 0
        now = time.monotonic()
        while hits and now - hits[0] > self.seconds:
            hits.popleft()
        if not hits:
            del self._hits[key]  # a key per address or participant ever seen would only grow
        return len(hits) >= self.limit

    def add(self, key: str) -> None:
        self._hits[key].append(time.monotonic())

    def check(self, key: str) -> None:
        if self.full(key):
            raise SpiegelError("rate_limited", self.message)

    def hit(self, key: str) -> None:
        """Count one more, refusing (before counting) when the window is full."""
        self.check(key)
        self.add(key)

    def forget(self, key: str) -> None:
        self._hits.pop(key, None)
