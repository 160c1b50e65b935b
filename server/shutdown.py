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
(eventlet's hub sleeps through a signal: seconds when the server is idle). A background task
looks for the note every :data:`POLL` seconds and does the work. A second signal ends the
process at once.
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
#: How often the stop task looks for a signal: the longest a stop waits to begin.
POLL = 0.25


def install(sp: Spiegel) -> None:
    """Stop gracefully on SIGTERM and SIGINT (call it in the main thread, before serving)."""
    stopping: list[int] = []

    def on_signal(signum: int, _frame) -> None:
        if stopping:
            _exit(128 + signum)
        stopping.append(signum)

    def watch() -> None:
        while not stopping:
            sp.socketio.sleep(POLL)
        stop(sp, stopping[0])

    for signum in SIGNALS:
        signal.signal(signum, on_signal)
    sp.socketio.start_background_task(watch)


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
