"""A format's and a phase's wire views, built once per input and shared.

Every snapshot (each connect) and every ``state`` carried these views, rebuilt from the
format's class attributes each time: a few hundred ``pick`` calls per snapshot. They are pure
functions of the format class and what the meeting row holds (its language, its durations),
so the key is exactly those inputs, read from the database in the event's own transaction:
a change in any worker makes a new key, and nothing here has to be told of it. The views are
shared between recipients: callers copy before they add to one.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from .formats import MeetingFormat, Phase


def format_view(fmt: type[MeetingFormat], language: str, durations: Mapping[str, int] | None) -> dict:
    """``fmt.to_wire(language, durations)``, shared: do not change it."""
    return _format_view(fmt, language, tuple(sorted((durations or {}).items())))


def phase_view(fmt: type[MeetingFormat], phase: Phase, language: str, duration: int) -> dict:
    """``phase.to_wire(language, duration)`` as a fresh dict (its nested values shared: do not change them)."""
    return dict(_phase_view(fmt, phase.key, language, duration))


@lru_cache(maxsize=1024)
def _format_view(fmt: type[MeetingFormat], language: str, durations: tuple[tuple[str, int], ...]) -> dict:
    return fmt.to_wire(language, dict(durations))


@lru_cache(maxsize=4096)
def _phase_view(fmt: type[MeetingFormat], key: str, language: str, duration: int) -> dict:
    phase = fmt.phase(key)
    assert phase is not None, "a phase of the format"
    return phase.to_wire(language, duration)
