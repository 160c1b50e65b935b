"""The expiry watcher sleeps until the next deadline and is woken by a committed timer change
(server/timer_watch.py), instead of asking the database twice a second."""

from __future__ import annotations

import threading
import time

import pytest
from helpers import call
from spiegel import timer_watch
from spiegel.timer_watch import IDLE, MIN_SLEEP, TimerWatch


def test_the_watcher_sleeps_until_the_earliest_deadline_it_saw():
    watch = TimerWatch(threading.Event())
    assert watch.timeout(100.0) == IDLE, "no deadline known: the idle look"
    watch.saw(103.0)
    assert watch.timeout(100.0) == 3.0
    watch.saw(104.0)
    assert watch.next_at == 103.0, "a later deadline does not postpone the sooner one"
    watch.saw(None)
    assert watch.next_at == 103.0
    assert watch.timeout(200.0) == MIN_SLEEP, "a deadline just past is looked at soon, not spun on"
    assert watch.timeout(100.0 - 3 * IDLE) <= IDLE


def test_a_sooner_deadline_wakes_the_sleeping_watcher():
    watch = TimerWatch(threading.Event())
    watch.saw(50.0)
    assert watch.wait(0) is True, "the change set the event"
    assert watch.wait(0) is False, "and waking cleared it"


@pytest.fixture
def watched(app, monkeypatch):
    """The app's real watcher, with an idle look far beyond the test: only a wake can tell."""
    monkeypatch.setattr(timer_watch, "IDLE", 3600.0)
    sp = app.extensions["spiegel"]
    sp.watch_timers()
    yield sp
    sp.timer_watch.stop()


def test_a_started_timer_is_told_at_its_deadline_without_polling(make_room, clock, watched):
    room = make_room()
    mod = room.moderator()
    assert call(mod, "meeting.update", {"timer_with_phase": False})["ok"]
    assert call(mod, "phase.goto", {"key": "listening"})["ok"]
    mod.get_received()
    assert call(mod, "timer.start", {"seconds": 1})["ok"]
    assert watched.timer_watch.next_at == clock() + 1, "the commit told the watcher"
    clock.advance(2)
    told: list = []
    pause = threading.Event()  # never set: a bounded wait between looks, no fixed sleep
    give_up = time.monotonic() + 30
    while not told and time.monotonic() < give_up:
        told = [e for e in mod.get_received() if e["name"] == "timer.expired"]
        pause.wait(0.05)
    assert len(told) == 1
    assert watched.timer_watch.next_at is None, "nothing left to wait for"


def test_a_look_with_nothing_due_is_one_read_and_no_transaction(make_room, clock, app, monkeypatch):
    """The idle look, every few seconds all day: a read outside the writers' turns, no write
    transaction (under SQLite that committed the open batch first) and no ORM rows; the claim
    runs once a deadline has passed (bench/RESULTS.md, session 13)."""
    sp = app.extensions["spiegel"]
    room = make_room()
    mod = room.moderator()
    assert call(mod, "meeting.update", {"timer_with_phase": False})["ok"]
    assert call(mod, "timer.start", {"seconds": 30})["ok"]
    mod.get_received()
    watch = TimerWatch(threading.Event())
    opened: list[str] = []
    transaction, read = sp.db.transaction, sp.db.read

    def counting(kind, real):
        def opener():
            opened.append(kind)
            return real()
        return opener

    monkeypatch.setattr(sp.db, "transaction", counting("transaction", transaction))
    monkeypatch.setattr(sp.db, "unit", counting("unit", sp.db.unit))
    monkeypatch.setattr(sp.db, "read", counting("read", read))
    with app.app_context():
        watch.look(sp)
    assert opened == ["read"] and watch.next_at == clock() + 30
    clock.advance(31)
    opened.clear()
    with app.app_context():
        watch.look(sp)
    assert "transaction" in opened and watch.next_at is None, "past the deadline: claimed"
    assert len([e for e in mod.get_received() if e["name"] == "timer.expired"]) == 1
    opened.clear()
    with app.app_context():
        watch.look(sp)
    assert opened == ["read"], "announced: nothing due any more"
