"""Pacing a per-meeting broadcast: a burst goes out at once, a storm as one trailing message.

Presence goes to staff on every connect and disconnect. When a room's Wi-Fi comes back, 25
tablets reconnect within a second and the moderator screen would get 25 presence messages,
each built from the whole meeting (quadratic work for one visible result). :class:`Pace`
lets the first few of a window through as before and folds the rest into one call at the
end of the window, which then carries the state after the storm.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


class Pace:
    """Per key: up to ``burst`` calls pass per ``window`` seconds; past that, one trailing call."""

    def __init__(self, burst: int = 5, window: float = 1.0, clock: Callable[[], float] = time.monotonic):
        self.burst, self.window, self.clock = burst, window, clock
        self._lock = threading.Lock()
        self._recent: dict[str, deque[float]] = {}
        self._due: set[str] = set()

    def admit(self, key: str) -> float | None:
        """0 to send now; a delay after which to send once (call :meth:`fired` then); None when
        such a trailing send is already due and will carry this change too."""
        now = self.clock()
        with self._lock:
            if key in self._due:
                return None
            if len(self._recent) > 256:  # meetings long quiet (or gone) keep nothing
                quiet = [k for k, r in self._recent.items()
                         if k not in self._due and (not r or now - r[-1] >= self.window)]
                for stale in quiet:
                    del self._recent[stale]
            recent = self._recent.setdefault(key, deque())
            while recent and now - recent[0] >= self.window:
                recent.popleft()
            if len(recent) < self.burst:
                recent.append(now)
                return 0.0
            self._due.add(key)
            return max(recent[0] + self.window - now, 0.001)

    def fired(self, key: str) -> None:
        """The trailing send is going out now: later changes are admitted again."""
        with self._lock:
            self._due.discard(key)
            self._recent.setdefault(key, deque()).append(self.clock())
