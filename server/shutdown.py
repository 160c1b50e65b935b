"""A graceful stop of one ``spiegel run`` process: SIGTERM (the supervisor, systemd, a
container runtime) or SIGINT (Ctrl-C at a terminal).

With several workers, a worker that simply ended left its sockets in the shared presence
until its heartbeat key expired (``redis_state.WORKER_TTL``, 10 s): staff saw tablets as
connected that had gone. On a signal the worker first takes its own sockets out of presence,
here and in Redis, and tells the staff of each meeting they were in, then exits; its tablets
reconnect (through the proxy, to another worker) and count again there. A killed worker still
drops out by the heartbeat's TTL.

The signal handler only notes the signal: under eventlet or gevent it may run inside the event
loop, where nothing may block, and a task it spawned would wait for the loop's next timer
(eventlet's hub sleeps through a signal: seconds when the server is idle). The load monitor's
loop (:meth:`.load_shed.LoadShed.on_wake`, every ``CALM_EVERY`` = 1 s while the worker keeps
up: the longest a stop waits to begin) looks for the note and does the work; a loop of its own
would wake the idle hub as often again. A second signal ends the process at once.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .app import Spiegel

log = logging.getLogger("spiegel.shutdown")

SIGNALS = (signal.SIGTERM, signal.SIGINT)

def install(sp: Spiegel) -> None:
    """Stop gracefully on SIGTERM and SIGINT (call it in the main thread, before serving)."""
    stopping: list[int] = []

    def on_signal(signum: int, _frame) -> None:
        if stopping:
            _exit(128 + signum)
        stopping.append(signum)

    def look() -> None:
        if stopping:
            stop(sp, stopping[0])

    for signum in SIGNALS:
        signal.signal(signum, on_signal)
    sp.load.on_wake(look)
    sp.load.start(sp.socketio)  # started already by ``spiegel run``; once either way


def stop(sp: Spiegel, signum: int) -> None:
    """Leave presence, tell staff, exit. Whatever fails here, the process still ends."""
    status = 0
    try:
        meetings = sp.presence.retire()
        for meeting_id in meetings:
            sp.send_presence(meeting_id)
        log.info("stopping on signal %d: this worker's sockets left presence in %d meetings", signum,
                 len(meetings))
    except Exception:  # noqa: BLE001 - a stop must end the process
        log.exception("graceful stop failed; stopping anyway")
        status = 1
    _exit(status)


def _exit(status: int) -> None:
    """End now, without unwinding the server's loops (each async mode has its own)."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
