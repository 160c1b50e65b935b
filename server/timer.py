"""The meeting timer, all of it: arithmetic, storage on the meeting row, the moderator's
events and the expiry check (its schedule, which sleeps until the next deadline, is
:mod:`.timer_watch`).

The server stores a deadline while running and the remaining time while paused; it never
ticks. Clients count down from the deadline using their offset to the server clock. Time's
up is told to staff only (never to tablets or the room) and never moves the meeting on.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from types import SimpleNamespace

from sqlalchemy import bindparam, select, update

from . import hot_sql
from .context import Ctx
from .errors import SpiegelError
from .hookspecs import hookimpl
from .models import Meeting
from .outbox import STAFF
from .permissions import staff
from .plain import Plain
from .registry import ClientEvent, ServerEvent
from .schemas import Empty, TimerAdjust, TimerReset, TimerStart


@dataclass(frozen=True)
class Timer:
    running: bool = False
    duration: float = 0.0
    remaining: float = 0.0
    deadline: float | None = None

    def left(self, now: float) -> float:
        """Seconds left (negative in overtime)."""
        return self.deadline - now if self.running and self.deadline is not None else self.remaining

    def expired(self, now: float) -> bool:
        return self.running and self.deadline is not None and now >= self.deadline

    # The arithmetic below as methods, for a plugin's own stored timers (``spiegel.api.Timer``).
    def started(self, now: float, seconds: float | None = None) -> Timer:
        return start(self, now, seconds)

    def paused(self, now: float) -> Timer:
        return pause(self, now)

    def resumed(self, now: float) -> Timer:
        return resume(self, now)

    def adjusted(self, now: float, seconds: float) -> Timer:
        return adjust(self, now, seconds)

    def cleared(self, seconds: float | None = None) -> Timer:
        return reset(self, seconds)

    def to_dict(self) -> dict:
        """Plain numbers, for a JSON column (``Timer(**d)`` reads it back)."""
        return {"running": self.running, "duration": self.duration, "remaining": self.remaining,
                "deadline": self.deadline}

    def to_wire(self) -> dict:
        return {
            "running": self.running,
            "duration_ms": round(self.duration * 1000),
            "remaining_ms": round(self.remaining * 1000),
            "deadline": round(self.deadline * 1000) if self.running and self.deadline is not None else None,
        }


# Arithmetic on plain numbers, the clock passed in. ------------------------------------------

def start(timer: Timer, now: float, seconds: float | None = None) -> Timer:
    """Start counting down ``seconds`` (default: what is left, or the whole duration)."""
    if seconds is None:
        seconds = timer.remaining if timer.remaining > 0 else timer.duration
        duration = timer.duration or seconds
    else:
        duration = seconds
    return Timer(running=True, duration=duration, remaining=seconds, deadline=now + seconds)


def pause(timer: Timer, now: float) -> Timer:
    if not timer.running:
        return timer
    return replace(timer, running=False, remaining=timer.left(now), deadline=None)


def resume(timer: Timer, now: float) -> Timer:
    if timer.running:
        return timer
    return replace(timer, running=True, deadline=now + timer.remaining)


def adjust(timer: Timer, now: float, seconds: float) -> Timer:
    """Add (or with a negative number take away) time; a running timer keeps running."""
    if timer.running and timer.deadline is not None:
        return replace(timer, deadline=timer.deadline + seconds, remaining=timer.left(now) + seconds,
                       duration=max(0.0, timer.duration + seconds))
    return replace(timer, remaining=timer.remaining + seconds, duration=max(0.0, timer.duration + seconds))


def reset(timer: Timer, seconds: float | None = None) -> Timer:
    """Stop and set back to ``seconds`` (default: the duration it had)."""
    duration = timer.duration if seconds is None else seconds
    return Timer(running=False, duration=duration, remaining=duration, deadline=None)


# Storage: the timer lives in four columns of the meeting row. --------------------------------

def of(m: Meeting | SimpleNamespace) -> Timer:
    return Timer(running=bool(m.timer_running), duration=m.timer_duration or 0.0,
                 remaining=m.timer_remaining or 0.0, deadline=m.timer_deadline)


def store(m: Meeting | SimpleNamespace, timer: Timer) -> None:
    m.timer_running, m.timer_duration = timer.running, timer.duration
    m.timer_remaining, m.timer_deadline = timer.remaining, timer.deadline
    m.timer_expired_notified = False


def start_timer(ctx: Ctx, seconds: float | None = None) -> None:
    """Start the meeting's timer with ``seconds`` (default: the current phase's duration).
    For formats and plugins, e.g. in ``on_phase_entered``."""
    store(ctx.meeting, start(of(ctx.meeting), ctx.now, ctx.duration_of(ctx.phase) if seconds is None else seconds))


def reset_for_phase(ctx: Ctx) -> None:
    """A new phase's timer: set to its duration, and running when the phase starts its timer
    (the moderator's choice for this meeting, else the format's ``Phase.timer_autostart``), so
    "Volgende: Luisteren" needs no second tap on "Starten"."""
    timer = reset(of(ctx.meeting), ctx.duration_of(ctx.phase))
    if starts_with_phase(ctx) and timer.duration > 0:
        timer = start(timer, ctx.now)
    store(ctx.meeting, timer)


def starts_with_phase(ctx: Ctx) -> bool:
    chosen = (ctx.meeting.settings or {}).get("timer_with_phase")
    return ctx.phase.timer_autostart if chosen is None else bool(chosen)


# The moderator's events. ------------------------------------------------------------------------
#
# They change four columns of the meeting and tell everyone its public state, which they read
# from the meeting's columns as plain values (:class:`.plain.Plain`), not its ORM row: the
# row's load, the Session and its flush were a third of a timer change (bench/RESULTS.md,
# session 13). A context that has loaded the row (a format's or plugin's handler may have
# changed it) keeps the ORM's way.

_meetings = Meeting.__table__
#: The meeting's columns, on the DBAPI cursor (:mod:`.hot_sql`).
_MEETING = hot_sql.Hot(select(*_meetings.c).where(_meetings.c.id == bindparam("meeting_id")))
_STORE = hot_sql.Hot(_meetings.update().where(_meetings.c.id == bindparam("meeting_id"))
                     .values(timer_running=bindparam("running"), timer_duration=bindparam("duration"),
                             timer_remaining=bindparam("remaining"), timer_deadline=bindparam("deadline"),
                             timer_expired_notified=False))


def _reading(ctx: Ctx) -> Ctx | Plain:
    """What a timer event reads and changes the meeting through: ``ctx`` itself once its meeting
    row is loaded, else the meeting's columns as plain values, read after the version bump (on
    PostgreSQL the bump holds the row's lock: two moderators' changes at once take turns, and
    the second reads the first's timer)."""
    if ctx.loaded_meeting is not None:
        return ctx
    ctx.version()
    row = _MEETING.row(ctx.connection, {"meeting_id": ctx.meeting_id})
    if row is None:
        raise SpiegelError("not_found")  # erased since the sender was read
    return Plain(ctx, SimpleNamespace(**row._asdict()))


def _changed(ctx: Ctx, read: Ctx | Plain) -> dict:
    """Store the timer set on ``read.meeting`` and queue the public state for everyone."""
    timer = of(read.meeting)
    if read is ctx:
        ctx.version()
        ctx.broadcast_state()
    else:
        _STORE.run(ctx.connection, {"meeting_id": ctx.meeting_id, "running": timer.running,
                                    "duration": timer.duration, "remaining": timer.remaining,
                                    "deadline": timer.deadline})
        ctx.timer_deadline = timer.deadline if timer.running else None
        ctx.to_meeting("state", ctx.spiegel.state_payload(read))
    return {"timer": timer.to_wire(), "server_time": round(ctx.now * 1000)}


def _check_open(ctx: Ctx) -> None:
    if ctx.state in ("ended", "archived"):
        raise SpiegelError("meeting_closed", "The meeting has ended; its timer is stopped.")


def timer_start(ctx: Ctx, data: TimerStart) -> dict:
    _check_open(ctx)
    read = _reading(ctx)
    timer, seconds = of(read.meeting), data.seconds
    if seconds is None and timer.remaining <= 0 and timer.duration <= 0:
        seconds = read.duration_of(ctx.phase) or 10 * 60
    store(read.meeting, start(timer, ctx.now, seconds))
    return _changed(ctx, read)


def timer_pause(ctx: Ctx, _data: Empty) -> dict:
    read = _reading(ctx)
    if not of(read.meeting).running:
        raise SpiegelError("invalid_transition", "The timer is not running.")
    store(read.meeting, pause(of(read.meeting), ctx.now))
    return _changed(ctx, read)


def timer_resume(ctx: Ctx, _data: Empty) -> dict:
    _check_open(ctx)
    read = _reading(ctx)
    if of(read.meeting).running:
        raise SpiegelError("invalid_transition", "The timer is already running.")
    store(read.meeting, resume(of(read.meeting), ctx.now))
    return _changed(ctx, read)


def timer_adjust(ctx: Ctx, data: TimerAdjust) -> dict:
    read = _reading(ctx)
    store(read.meeting, adjust(of(read.meeting), ctx.now, data.seconds))
    return _changed(ctx, read)


def timer_reset(ctx: Ctx, data: TimerReset) -> dict:
    read = _reading(ctx)
    seconds = data.seconds if data.seconds is not None else read.duration_of(ctx.phase)
    store(read.meeting, reset(of(read.meeting), seconds))
    return _changed(ctx, read)


@hookimpl
def register_events():
    return [
        ClientEvent("timer.start", TimerStart, timer_start, staff("run")),
        ClientEvent("timer.pause", Empty, timer_pause, staff("run")),
        ClientEvent("timer.resume", Empty, timer_resume, staff("run")),
        ClientEvent("timer.adjust", TimerAdjust, timer_adjust, staff("run")),
        ClientEvent("timer.reset", TimerReset, timer_reset, staff("run")),
        ServerEvent("timer.expired", frozenset({STAFF}), description="The timer ran out (staff only)."),
    ]


# The expiry watcher. ----------------------------------------------------------------------------

def check_timers(sp) -> int:
    """Tell staff (only) about timers that ran out, once each; nothing else changes.

    Every worker runs this watcher. Each expiry is claimed with a conditional UPDATE that
    names the deadline it saw: of several workers checking at the same moment one changes
    the row, the others change nothing and stay quiet; and a deadline the moderator moved in
    between (which clears the flag) is not claimed for the old one. Returns how many this
    process announced.
    """
    now = sp.clock()
    told = 0
    with sp.db.transaction() as session:
        due = session.execute(select(Meeting.id, Meeting.timer_deadline).where(
            Meeting.timer_running.is_(True), Meeting.timer_deadline <= now,
            Meeting.timer_expired_notified.is_(False))).all()
    for meeting_id, deadline in due:
        with sp.db.transaction() as session:
            claimed = session.execute(update(Meeting).where(
                Meeting.id == meeting_id, Meeting.timer_expired_notified.is_(False),
                Meeting.timer_running.is_(True), Meeting.timer_deadline == deadline)
                .values(timer_expired_notified=True)).rowcount
            if not claimed:
                continue
            meeting = session.get(Meeting, meeting_id)
            ctx = sp.context(session, meeting)
            ctx.fmt.on_timer_expired(ctx)
            ctx.to_staff("timer.expired", {"version": ctx.version(), "phase": meeting.phase_key})
        sp.deliver(ctx)
        told += 1
    return told

