"""Timer arithmetic with an injected clock (server/timer.py), and the `timer.*` events.

The server stores a deadline while running and the remaining time while paused; it never
ticks. Times here are chosen to be exact in binary floating point, so "exactly" means ==.
"""

from __future__ import annotations

import pytest
from helpers import call
from spiegel import timer as timers
from spiegel.timer import Timer

T0 = 1_000.25  # an arbitrary "now" with a fractional part


# --- pure arithmetic --------------------------------------------------------------------------


def test_a_new_timer_is_stopped_and_empty():
    t = Timer()
    assert not t.running
    assert t.left(T0) == 0
    assert not t.expired(T0)
    assert t.to_wire() == {"running": False, "duration_ms": 0, "remaining_ms": 0, "deadline": None}


def test_start_with_default_duration_counts_down_the_whole_duration():
    t = timers.reset(Timer(), 600)
    started = timers.start(t, T0)
    assert started.running
    assert started.duration == 600
    assert started.remaining == 600
    assert started.deadline == T0 + 600
    assert started.left(T0) == 600
    assert started.left(T0 + 100.5) == 499.5


def test_start_with_explicit_seconds_sets_a_new_duration():
    t = timers.reset(Timer(), 600)
    started = timers.start(t, T0, 90)
    assert started.running
    assert started.duration == 90
    assert started.remaining == 90
    assert started.deadline == T0 + 90


def test_start_without_seconds_resumes_what_was_left():
    t = timers.pause(timers.start(timers.reset(Timer(), 600), T0), T0 + 400)
    assert t.remaining == 200
    again = timers.start(t, T0 + 1000)
    assert again.running
    assert again.deadline == T0 + 1200
    assert again.duration == 600, "the duration stays what it was; only the remaining time is counted"


def test_start_without_seconds_after_time_ran_out_starts_the_whole_duration_again():
    t = timers.pause(timers.start(timers.reset(Timer(), 300), T0), T0 + 400)
    assert t.remaining == -100  # paused in overtime
    again = timers.start(t, T0 + 500)
    assert again.deadline == T0 + 500 + 300


def test_pause_keeps_the_remaining_time_exactly_and_resume_continues_from_it():
    t = timers.start(timers.reset(Timer(), 600), T0)
    paused = timers.pause(t, T0 + 123.5)
    assert not paused.running
    assert paused.deadline is None
    assert paused.remaining == 476.5
    # Paused: the clock moves, the time left does not.
    assert paused.left(T0 + 10_000) == 476.5
    resumed = timers.resume(paused, T0 + 5_000)
    assert resumed.running
    assert resumed.deadline == T0 + 5_000 + 476.5
    assert resumed.left(T0 + 5_000) == 476.5
    assert resumed.duration == 600


def test_repeated_pause_and_resume_lose_no_time():
    t = timers.start(timers.reset(Timer(), 600), T0)
    now = T0
    for _ in range(10):
        now += 10.25
        t = timers.pause(t, now)
        now += 1_000  # a long pause
        t = timers.resume(t, now)
    assert t.left(now) == 600 - 10 * 10.25


def test_pause_when_paused_and_resume_when_running_change_nothing():
    paused = timers.reset(Timer(), 600)
    assert timers.pause(paused, T0) == paused
    running = timers.start(paused, T0)
    assert timers.resume(running, T0 + 50) == running


@pytest.mark.parametrize("seconds", [300, -300])
def test_adjust_while_running_moves_the_deadline(seconds):
    t = timers.start(timers.reset(Timer(), 600), T0)
    adjusted = timers.adjust(t, T0 + 100, seconds)
    assert adjusted.running
    assert adjusted.deadline == T0 + 600 + seconds
    assert adjusted.left(T0 + 100) == 500 + seconds
    assert adjusted.duration == 600 + seconds


@pytest.mark.parametrize("seconds", [300, -300])
def test_adjust_while_paused_changes_the_remaining_time(seconds):
    t = timers.pause(timers.start(timers.reset(Timer(), 600), T0), T0 + 100)
    adjusted = timers.adjust(t, T0 + 200, seconds)
    assert not adjusted.running
    assert adjusted.deadline is None
    assert adjusted.remaining == 500 + seconds
    assert adjusted.left(T0 + 9_999) == 500 + seconds


def test_taking_away_more_than_is_left_runs_into_overtime():
    t = timers.start(timers.reset(Timer(), 600), T0)
    adjusted = timers.adjust(t, T0 + 500, -300)
    assert adjusted.left(T0 + 500) == -200
    assert adjusted.expired(T0 + 500)
    assert adjusted.duration == 300


def test_the_duration_never_goes_below_zero():
    t = timers.reset(Timer(), 120)
    assert timers.adjust(t, T0, -300).duration == 0


def test_reset_stops_and_sets_back_to_the_duration():
    t = timers.pause(timers.start(timers.reset(Timer(), 600), T0), T0 + 100)
    back = timers.reset(t)
    assert back == Timer(running=False, duration=600, remaining=600, deadline=None)
    running = timers.start(timers.reset(Timer(), 600), T0)
    assert timers.reset(running) == Timer(running=False, duration=600, remaining=600, deadline=None)
    assert timers.reset(running, 120) == Timer(running=False, duration=120, remaining=120, deadline=None)


def test_overtime_gives_negative_time_left():
    t = timers.start(timers.reset(Timer(), 60), T0)
    assert t.left(T0 + 60) == 0
    assert t.left(T0 + 75.5) == -15.5


def test_expired_exactly_at_the_deadline_and_after_but_not_before():
    t = timers.start(timers.reset(Timer(), 60), T0)
    assert not t.expired(T0)
    assert not t.expired(T0 + 59.75)
    assert t.expired(T0 + 60)
    assert t.expired(T0 + 3_600)


def test_a_paused_timer_never_expires():
    t = timers.pause(timers.start(timers.reset(Timer(), 60), T0), T0 + 90)
    assert t.left(T0 + 90) == -30
    assert not t.expired(T0 + 10_000)


def test_to_wire_uses_whole_milliseconds_and_no_deadline_when_paused():
    t = timers.start(timers.reset(Timer(), 90.5), T0)
    assert t.to_wire() == {
        "running": True,
        "duration_ms": 90_500,
        "remaining_ms": 90_500,
        "deadline": round((T0 + 90.5) * 1000),
    }
    paused = timers.pause(t, T0 + 0.25)
    assert paused.to_wire() == {"running": False, "duration_ms": 90_500, "remaining_ms": 90_250, "deadline": None}


def test_timers_are_immutable_values():
    t = timers.reset(Timer(), 600)
    timers.start(t, T0)
    timers.adjust(t, T0, 60)
    assert t == Timer(running=False, duration=600, remaining=600, deadline=None)


# --- through the app: timer.* events with the fake clock ---------------------------------------


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


def _listening(make_room, **fields):
    """In the listening phase with the timer left to the moderator's hands (not started with the phase)."""
    room = make_room(**fields)
    mod = room.moderator()
    assert call(mod, "meeting.update", {"timer_with_phase": False})["ok"]
    assert call(mod, "phase.goto", {"key": "listening"})["ok"]
    return room, mod


def test_the_common_form_starts_the_phase_timer_with_the_phase(make_room, clock):
    """No second tap on "Starten" after "Volgende: Luisteren": the format says so."""
    room = make_room()
    mod = room.moderator()
    phases = {p["key"]: p for p in call(mod, "sync")["snapshot"]["format"]["phases"]}
    assert phases["listening"]["timer_autostart"] is True and phases["lobby"]["timer_autostart"] is False
    timer = call(mod, "phase.goto", {"key": "listening"})["state"]["timer"]
    assert timer == {"running": True, "duration_ms": 3_600_000, "remaining_ms": 3_600_000,
                     "deadline": round((clock.now + 3600) * 1000)}
    # back to the lobby (no duration): nothing runs
    assert call(mod, "phase.goto", {"key": "lobby"})["state"]["timer"]["running"] is False


def test_the_moderator_chooses_per_meeting_whether_the_timer_starts_with_the_phase(make_room):
    room = make_room()
    mod = room.moderator()
    ack = call(mod, "meeting.update", {"timer_with_phase": False})
    assert ack["ok"], ack
    assert call(mod, "sync")["snapshot"]["settings"]["timer_with_phase"] is False
    assert call(mod, "phase.goto", {"key": "listening"})["state"]["timer"]["running"] is False
    assert call(mod, "meeting.update", {"timer_with_phase": True})["ok"]
    assert call(mod, "phase.goto", {"key": "questions"})["state"]["timer"]["running"] is True
    assert call(mod, "meeting.update", {"timer_with_phase": None})["error"]["code"] == "invalid_payload"


def test_timer_start_defaults_to_the_phase_duration(make_room, clock):
    room, mod = _listening(make_room)
    ack = call(mod, "timer.start")
    assert ack["ok"], ack
    assert ack["timer"] == {"running": True, "duration_ms": _ms(3600), "remaining_ms": _ms(3600),
                            "deadline": _ms(clock.now + 3600)}
    assert ack["server_time"] == _ms(clock.now)


def test_timer_start_uses_the_meetings_own_duration(make_room, clock):
    room, mod = _listening(make_room, durations={"listening": 1800})
    ack = call(mod, "timer.start")
    assert ack["timer"]["deadline"] == _ms(clock.now + 1800)


def test_timer_start_in_a_phase_without_duration_uses_ten_minutes(make_room, clock):
    room = make_room()
    mod = room.moderator()  # lobby: no duration declared
    ack = call(mod, "timer.start")
    assert ack["ok"], ack
    assert ack["timer"]["deadline"] == _ms(clock.now + 600)


def test_timer_start_with_explicit_seconds(make_room, clock):
    room, mod = _listening(make_room)
    ack = call(mod, "timer.start", {"seconds": 90})
    assert ack["timer"] == {"running": True, "duration_ms": 90_000, "remaining_ms": 90_000,
                            "deadline": _ms(clock.now + 90)}


def test_pause_resume_adjust_reset_through_events(make_room, clock):
    room, mod = _listening(make_room)
    call(mod, "timer.start", {"seconds": 600})
    clock.advance(100)
    paused = call(mod, "timer.pause")
    assert paused["ok"], paused
    assert paused["timer"] == {"running": False, "duration_ms": 600_000, "remaining_ms": 500_000, "deadline": None}
    clock.advance(1_000)  # paused: nothing is lost
    resumed = call(mod, "timer.resume")
    assert resumed["timer"]["running"]
    assert resumed["timer"]["deadline"] == _ms(clock.now + 500)
    clock.advance(50)
    more = call(mod, "timer.adjust", {"seconds": 300})
    assert more["timer"]["running"]
    assert more["timer"]["deadline"] == _ms(clock.now + 450 + 300)
    paused = call(mod, "timer.pause")
    assert paused["timer"]["remaining_ms"] == 750_000
    less = call(mod, "timer.adjust", {"seconds": -300})
    assert less["timer"] == {"running": False, "duration_ms": 600_000, "remaining_ms": 450_000, "deadline": None}
    reset = call(mod, "timer.reset")
    assert reset["timer"] == {"running": False, "duration_ms": 3_600_000, "remaining_ms": 3_600_000,
                              "deadline": None}, "reset goes back to the phase's duration"
    reset = call(mod, "timer.reset", {"seconds": 120})
    assert reset["timer"] == {"running": False, "duration_ms": 120_000, "remaining_ms": 120_000, "deadline": None}


def test_timer_state_reaches_everyone_and_survives_in_the_snapshot(make_room, clock):
    room, mod = _listening(make_room)
    listener = room.listener()
    listener.get_received()
    ack = call(mod, "timer.start", {"seconds": 300})
    states = [e["args"][0] for e in listener.get_received() if e["name"] == "state"]
    assert states and states[-1]["timer"] == ack["timer"]
    assert states[-1]["server_time"] == _ms(clock.now)
    clock.advance(30)
    snap = call(room.listener(), "sync")["snapshot"]
    assert snap["timer"]["deadline"] == ack["timer"]["deadline"]
    assert snap["server_time"] == _ms(clock.now)


def test_pause_when_not_running_and_resume_when_running_are_refused(make_room):
    room, mod = _listening(make_room)
    assert call(mod, "timer.pause")["error"]["code"] == "invalid_transition"
    call(mod, "timer.start")
    assert call(mod, "timer.resume")["error"]["code"] == "invalid_transition"


def test_phase_change_stops_the_timer_at_the_new_phase_duration(make_room):
    room, mod = _listening(make_room)
    call(mod, "timer.start", {"seconds": 60})
    ack = call(mod, "phase.goto", {"key": "questions"})
    assert ack["state"]["timer"] == {"running": False, "duration_ms": 900_000, "remaining_ms": 900_000,
                                     "deadline": None}


def _names(client) -> list[str]:
    return [e["name"] for e in client.get_received()]


def _expired_payloads(client) -> list[dict]:
    return [e["args"][0] for e in client.get_received() if e["name"] == "timer.expired"]


def test_expired_timer_is_told_to_staff_only_once_and_changes_nothing(make_room, clock, app):
    room, mod = _listening(make_room)
    sp = app.extensions["spiegel"]
    assistant = room.connect(call(mod, "assistant.create", {"rights": []})["key"])
    display = room.connect(call(mod, "display.link")["key"])
    listener = room.listener(name="Verzonnen")
    call(mod, "timer.start", {"seconds": 60})
    for client in (mod, assistant, display, listener):
        client.get_received()

    clock.advance(59)
    assert sp.check_timers() == 0, "not yet"
    assert _expired_payloads(mod) == []

    clock.advance(1)
    assert sp.check_timers() == 1
    told = _expired_payloads(mod)
    assert len(told) == 1
    assert told[0]["phase"] == "listening"
    assert isinstance(told[0]["version"], int)
    assert len(_expired_payloads(assistant)) == 1, "an assistant is staff too"
    assert "timer.expired" not in _names(listener)
    assert "timer.expired" not in _names(display)

    clock.advance(120)
    assert sp.check_timers() == 0, "told once only"
    assert _expired_payloads(mod) == []

    snap = call(mod, "sync")["snapshot"]
    assert snap["phase"]["key"] == "listening", "the phase does not change by itself"
    assert snap["meeting"]["state"] == "running"
    assert snap["timer"]["running"], "the timer keeps counting into overtime"
    assert snap["timer"]["deadline"] == _ms(clock.now - 120)
    assert snap["timer_expired"] is True


def test_expired_again_after_the_moderator_adds_time(make_room, clock, app):
    room, mod = _listening(make_room)
    sp = app.extensions["spiegel"]
    call(mod, "timer.start", {"seconds": 60})
    clock.advance(61)
    assert sp.check_timers() == 1
    call(mod, "timer.adjust", {"seconds": 60})
    mod.get_received()
    assert sp.check_timers() == 0
    clock.advance(60)
    assert sp.check_timers() == 1
    assert len(_expired_payloads(mod)) == 1


def test_a_paused_timer_is_never_reported(make_room, clock, app):
    room, mod = _listening(make_room)
    sp = app.extensions["spiegel"]
    call(mod, "timer.start", {"seconds": 60})
    call(mod, "timer.pause")
    clock.advance(3_600)
    assert sp.check_timers() == 0


def test_timers_of_other_meetings_are_told_to_their_own_staff(make_room, clock, app):
    room_a, mod_a = _listening(make_room)
    room_b, mod_b = _listening(make_room)
    call(mod_a, "timer.start", {"seconds": 30})
    call(mod_b, "timer.start", {"seconds": 300})
    mod_a.get_received()
    mod_b.get_received()
    clock.advance(31)
    assert app.extensions["spiegel"].check_timers() == 1
    assert len(_expired_payloads(mod_a)) == 1
    assert _expired_payloads(mod_b) == []


def test_timer_cannot_be_started_once_the_meeting_ended(make_room):
    room, mod = _listening(make_room)
    call(mod, "phase.goto", {"key": "ended"})
    assert call(mod, "timer.start")["error"]["code"] == "meeting_closed"
    assert call(mod, "timer.resume")["error"]["code"] == "meeting_closed"
