"""What several worker processes must agree on, behind small stores: hit counts of the
sliding-window limits, who is connected (presence) and admin sessions.

Each store has a memory backend (one process: the default) and a Redis backend
(:mod:`.redis_state`, chosen by ``SPIEGEL_MESSAGE_QUEUE=redis://…``). The Redis backends fall
back to process memory while Redis is away and raise :class:`Unavailable` only to their
callers in this package, never to a handler. What belongs to one socket (the sid →
participant map, nothing else) stays in its worker: a socket lives in one process.
"""

from __future__ import annotations

import time
from collections import defaultdict, deque
from typing import Protocol


class Unavailable(Exception):
    """The shared backend did not answer; the caller uses its process-memory fallback."""


class Hits(Protocol):
    """Timestamps of hits per key, for :class:`.limits.Window`."""

    def count(self, key: str, seconds: float) -> int:
        """Hits of ``key`` in the last ``seconds`` (older ones may be dropped)."""

    def add(self, key: str, seconds: float) -> None:
        """One more hit of ``key``; kept at least ``seconds``."""

    def forget(self, key: str) -> None: ...


class MemoryHits:
    """One process's hits (monotonic clock): the default, and the fallback while Redis is away."""

    def __init__(self) -> None:
        self._hits: dict[str, deque] = defaultdict(deque)

    def count(self, key: str, seconds: float) -> int:
        hits = self._hits.get(key)
        if not hits:
            return 0
        now = time.monotonic()
        while hits and now - hits[0] > seconds:
            hits.popleft()
        if not hits:
            del self._hits[key]  # a key per address or participant ever seen would only grow
        return len(hits)

    def add(self, key: str, seconds: float) -> None:
        self._hits[key].append(time.monotonic())

    def forget(self, key: str) -> None:
        self._hits.pop(key, None)


class Sessions(Protocol):
    """Live admin sessions by the hash of their id, each tied to the password it was opened with."""

    def open(self, digest: str, mark: str, lifetime: float) -> None: ...

    def mark(self, digest: str) -> str | None:
        """The password mark of a live session, ``None`` when it is unknown or expired."""

    def close(self, digest: str) -> None: ...


class MemorySessions:
    """One process's admin sessions: a restart of that process ends them."""

    def __init__(self, clock=time.monotonic) -> None:
        self._clock = clock
        self._sessions: dict[str, tuple[str, float]] = {}  # digest -> (password mark, expiry)

    def open(self, digest: str, mark: str, lifetime: float) -> None:
        now = self._clock()
        for key in [k for k, (_, expiry) in self._sessions.items() if expiry <= now]:
            del self._sessions[key]
        self._sessions[digest] = (mark, now + lifetime)

    def mark(self, digest: str) -> str | None:
        found = self._sessions.get(digest)
        if found is None:
            return None
        if found[1] <= self._clock():
            self._sessions.pop(digest, None)
            return None
        return found[0]

    def close(self, digest: str) -> None:
        self._sessions.pop(digest, None)


class Shared:
    """The memory backends of one process; :class:`.redis_state.RedisShared` is the other kind."""

    kind = "memory"

    def hits(self, name: str) -> Hits:
        return MemoryHits()

    def sessions(self, clock=time.monotonic) -> Sessions:
        return MemorySessions(clock)

    def presence_mirror(self):
        """Where presence is mirrored for other workers; ``None``: this process is all there is."""
        return None

    def start(self, socketio) -> None:
        """Background work (heartbeats); nothing for memory."""

    def health(self) -> dict:
        """What ``/healthz`` adds: nothing for memory, ``{"redis": "up"|"down"}`` for Redis."""
        return {}
