"""A test plugin that makes the worker fall behind for real: ``busy.hog`` ``{on: true}`` (the
moderator's) starts a background task that keeps the event loop (and, under threading, the
interpreter lock) busy in long stretches with short breaks, until ``{on: false}``.

Each stretch is one ``sum(range(...))``: a C loop that never returns to the interpreter, so
it neither yields to the eventlet/gevent hub nor lets another thread take the lock. The
worker then wakes its lag monitor late, as it does when it is starved of CPU, and
load shedding (``server/load_shed.py``) engages; the breaks let the events of the test's own
sockets through. Loaded as a one-off plugin file (``SPIEGEL_PLUGINS_DIR``).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from spiegel import hookimpl
from spiegel.api import MODERATOR, ClientEvent

#: Terms of one stretch: a few hundred milliseconds on this kind of machine, far over the
#: test's threshold and far under any ping timeout.
STRETCH = 15_000_000
HOG = {"on": False, "stretches": 0}


class Hog(BaseModel):
    model_config = ConfigDict(extra="forbid")

    on: bool


def _hog(socketio) -> None:
    while HOG["on"]:
        sum(range(STRETCH))
        HOG["stretches"] += 1
        socketio.sleep(0.02)


def hog(ctx, data: Hog) -> dict:
    was, HOG["on"] = HOG["on"], data.on
    if data.on and not was:
        ctx.spiegel.socketio.start_background_task(_hog, ctx.spiegel.socketio)
    return {"on": HOG["on"], "stretches": HOG["stretches"]}


@hookimpl
def register_events():
    return [ClientEvent(name="busy.hog", schema=Hog, handler=hog, rule=MODERATOR,
                        description="Test only: keep the worker busy in long stretches, or stop.")]
