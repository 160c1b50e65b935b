"""Presence in a reconnect storm: a burst passes at once, the rest folds into one trailing send."""

from __future__ import annotations

import threading

from helpers import FakeClock, call, received
from spiegel.pace import Pace


def test_a_burst_passes_and_a_storm_becomes_one_trailing_send():
    clock = FakeClock(100.0)
    pace = Pace(burst=3, window=1.0, clock=clock)
    assert [pace.admit("m") for _ in range(3)] == [0.0, 0.0, 0.0]
    delay = pace.admit("m")
    assert delay is not None and 0 < delay <= 1.0
    assert [pace.admit("m") for _ in range(20)] == [None] * 20, "the trailing send carries them all"
    assert pace.admit("other") == 0.0, "meetings are paced apart"
    clock.advance(delay)
    pace.fired("m")
    clock.advance(1.0)
    assert pace.admit("m") == 0.0, "after the window, at once again"


def test_staff_see_the_state_after_a_reconnect_storm(make_room):
    room = make_room()
    mod = room.moderator()
    call(mod, "phase.goto", {"key": "listening"})
    tablets = [room.listener() for _ in range(12)]
    latest, pause = None, threading.Event()
    for _ in range(400):  # the trailing presence comes within a second; generous bound
        latest = (received(mod, "presence") or [latest])[-1]
        if latest is not None and latest["presence"]["connected"] == len(tablets):
            break
        pause.wait(0.05)
    assert latest is not None and latest["presence"]["connected"] == len(tablets), latest
