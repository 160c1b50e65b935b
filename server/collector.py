"""The garbage collector in a serving worker: its full passes scan what came lately, not every socket's objects.

Why: CPython's cycle collector stops the whole process for a full (generation 2) pass over
every object it tracks. A worker holding 1,000 tablets tracks about 370,000 of them (each socket's
Engine.IO session, queues, greenlet, environ, Flask session), and its passes took 110 to 290 ms
while notes came in: the hub answered nothing meanwhile, and those passes were the 1,000-tablet
ack p99 of 90 to 240 ms (bench/RESULTS.md, session 15). Most of those objects live as long as
their socket, and scanning them again at every pass finds nothing to free.

How (:func:`install`, by ``spiegel run``):

- after start-up, what the app built (modules, routes, plugins, formats) is frozen
  (``gc.freeze``: moved to the permanent generation, which no pass scans);
- after each full pass the interpreter makes by itself, the survivors are frozen too, at the
  load monitor's next wake (:meth:`.load_shed.LoadShed.on_wake`, within a second): the next
  pass scans only what came after;
- every :data:`FULL_EVERY` seconds the worker makes one pass over everything (``gc.unfreeze``,
  collect, freeze again), so reference cycles among frozen objects that died since (a closed
  socket's) are freed then. Reference counting frees everything else at once, frozen or not:
  what waits for that pass is cyclic garbage only, bounded by :data:`FULL_EVERY`.
"""

from __future__ import annotations

import gc
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .app import Spiegel

#: Seconds between two passes over everything, frozen objects included (the only pass that
#: frees cycles among them; at 1,000 sockets it takes about as long as one automatic pass did).
FULL_EVERY = 15 * 60.0


class Collector:
    """Freezes the survivors of the interpreter's full passes; makes a pass over everything now and then."""

    def __init__(self, clock=time.monotonic, full_every: float = FULL_EVERY):
        self.clock, self.full_every = clock, full_every
        self._passes = _full_passes()
        self._next_full = clock() + full_every
        #: How long the last pass over everything took (ms), and how many were made.
        self.last_full_ms: float | None = None
        self.full = 0

    def start(self) -> None:
        """Freeze what start-up built (after a pass that frees its garbage)."""
        gc.collect()
        gc.freeze()
        self._passes = _full_passes()

    def look(self) -> None:
        """One wake of the load monitor: freeze after a full pass, or make the periodic pass when due."""
        if self.clock() >= self._next_full:
            self.collect_all()
            return
        passes = _full_passes()
        if passes != self._passes:
            gc.freeze()
            self._passes = passes

    def collect_all(self) -> None:
        """One pass over every object, frozen ones included, then freeze the survivors again."""
        start = time.perf_counter()
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self.last_full_ms = round((time.perf_counter() - start) * 1000, 1)
        self.full += 1
        self._passes = _full_passes()
        self._next_full = self.clock() + self.full_every

    def health(self) -> dict:
        """For ``/healthz``: frozen objects, the interpreter's full passes so far, the periodic pass."""
        return {"frozen": gc.get_freeze_count(), "full_passes": _full_passes(), "passes_over_all": self.full,
                "last_pass_over_all_ms": self.last_full_ms}


def _full_passes() -> int:
    return gc.get_stats()[2]["collections"]


def install(sp: Spiegel) -> Collector:
    """Freeze start-up's objects and ride on the load monitor's wakes (``spiegel run``, once)."""
    collector = Collector()
    collector.start()
    sp.collector = collector
    sp.load.on_wake(collector.look)
    return collector
