"""Blocking calls off the green hub: under eventlet (or gevent) one stuck call stops every socket.

SQLite's commit waits for its fsync (``synchronous=FULL``): a few milliseconds in which an
eventlet process would answer nothing, no ack, no fan-out, no ``/healthz``. :func:`blocking`
runs such a call in a real OS thread and lets the hub go on; in threading mode (or before any
monkey-patching) it simply calls it, since a real thread already waits alone.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


#: The green library once found: monkey-patching is never undone, so a positive answer is kept
#: (the look itself was 1.5% of a note's CPU, bench/RESULTS.md, session 15).
_found: str | None = None


def green() -> str | None:
    """``eventlet`` or ``gevent`` when this process's threads are green, else None."""
    global _found
    if _found is None:
        _found = _look()
    return _found


def _look() -> str | None:
    if "eventlet" in sys.modules:
        from eventlet import patcher

        if patcher.is_monkey_patched("thread"):
            return "eventlet"
    if "gevent.monkey" in sys.modules:
        from gevent import monkey

        if monkey.is_module_patched("threading"):
            return "gevent"
    return None


def blocking(call: Callable[[], T]) -> T:
    """``call()``, in a real thread of the green library's pool when the hub is green."""
    mode = green()
    if mode == "eventlet":
        from eventlet import tpool

        return tpool.execute(call)
    if mode == "gevent":
        import gevent

        return gevent.get_hub().threadpool.apply(call)
    return call()
