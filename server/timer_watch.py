"""When the timer expiry watcher looks: at the earliest known deadline, not twice a second.

Asking the database every 0.5 s cost CPU all day, also in a meeting whose timer stands
still, and at a calm event rate that background query was a tenth of the server's CPU per
event. The watcher now sleeps until the earliest deadline the database holds, and is woken
when this process commits a timer change (``Spiegel.deliver``) with a sooner one. A change
made some other way (a meeting created with a running timer, another process) is caught at
the next look, at most ``IDLE`` seconds later. A look is one read-only query while nothing is
due (a write transaction per look, and under SQLite the open batch committed first, was most of
an idle server's work: bench/RESULTS.md, session 13). Claiming each expiry stays
``timer.check_timers``' conditional UPDATE, so several processes still announce it once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select

from . import storage
from .models import Meeting
from .timer import check_timers

log = logging.getLogger("spiegel.timer")

#: Longest sleep between two looks, for changes this process was not told of.
IDLE = 5.0
#: Shortest sleep: a deadline just past (a clock a little behind) is looked at again, not spun on.
MIN_SLEEP = 0.05
#: Pause after a failed look (storage down): soon enough to tell a deadline once it is back.
RETRY = 0.5

_NEXT = select(func.min(Meeting.timer_deadline)).where(
    Meeting.timer_running.is_(True), Meeting.timer_deadline.is_not(None), Meeting.timer_expired_notified.is_(False))


def next_deadline(sp) -> float | None:
    """The earliest deadline not yet announced, over all meetings: one indexed read, outside the
    writers' turns (``Database.read``), no write transaction and no ORM rows."""
    with sp.db.read() as connection:
        return connection.scalar(_NEXT)


class TimerWatch:
    """The next deadline the watcher knows of and the event that wakes it for a sooner one."""

    def __init__(self, event: Any):
        self._event = event
        self.next_at: float | None = None
        self.stopped = False

    def stop(self) -> None:
        """End the watcher's loop (tests; a server's watcher runs as long as the server)."""
        self.stopped = True
        self._event.set()

    def saw(self, deadline: float | None) -> None:
        """A committed timer change: wake the watcher if it sleeps past ``deadline``."""
        if deadline is not None and (self.next_at is None or deadline < self.next_at):
            self.next_at = deadline
            self._event.set()

    def timeout(self, now: float) -> float:
        """How long to sleep from ``now``: until the known deadline, at most :data:`IDLE`."""
        return IDLE if self.next_at is None else max(MIN_SLEEP, min(IDLE, self.next_at - now))

    def wait(self, seconds: float) -> bool:
        """Sleep ``seconds`` or until :meth:`saw` wakes it (True)."""
        woken = self._event.wait(seconds)
        self._event.clear()
        return bool(woken)

    def look(self, sp) -> None:
        """Announce what ran out, then learn the next deadline (keeping any seen meanwhile).

        When nothing is due (the idle look, every :data:`IDLE` s all day) that is one read:
        the claims (``check_timers``, a transaction per expiry) run only once a deadline has
        passed. The claim stays the guard against announcing twice; the read only skips it."""
        self.next_at = None
        found = next_deadline(sp)
        if found is not None and found <= sp.clock():
            check_timers(sp)
            found = next_deadline(sp)
        if found is not None and (self.next_at is None or found < self.next_at):
            self.next_at = found


def deadline_of(meeting: Meeting) -> float | None:
    """The deadline a committed change left running (None when none is pending)."""
    if meeting.timer_running and not meeting.timer_expired_notified:
        return meeting.timer_deadline
    return None


def watch(sp, watch: TimerWatch, clock: Callable[[], float]) -> None:
    """Background task: look at each deadline (or every :data:`IDLE` s), no per-second broadcasts."""

    def loop() -> None:
        while not watch.stopped:
            try:
                with sp.app.app_context():
                    watch.look(sp)
            except Exception as exc:  # noqa: BLE001 - keep watching; the next round may work
                if storage.refusal(exc) is None:  # a database outage is no bug: no traceback per round
                    log.exception("timer check failed")
                watch.next_at = clock() + RETRY
            while not watch.stopped:
                timeout = watch.timeout(clock())
                if not watch.wait(timeout):
                    break  # a deadline came (or the idle look is due)
                # woken by a sooner deadline: sleep again until it

    sp.socketio.start_background_task(loop)
