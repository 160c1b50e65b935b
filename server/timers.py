"""Server-authoritative timer arithmetic on plain numbers, with the clock passed in.

The server stores a deadline while running and the remaining time while paused; it never
ticks. Clients count down from the deadline using their offset to the server clock.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


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

    def to_wire(self) -> dict:
        return {
            "running": self.running,
            "duration_ms": round(self.duration * 1000),
            "remaining_ms": round(self.remaining * 1000),
            "deadline": round(self.deadline * 1000) if self.running and self.deadline is not None else None,
        }


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
