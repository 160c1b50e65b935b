"""The example plugin's own tests, written with spiegel.testing's fixtures."""

from __future__ import annotations

import uuid

import pytest
from spiegel.testing import call, received


@pytest.fixture
def spiegel_plugins():
    return ["thanks"]


def test_listeners_write_cards_in_the_thank_you_round_only(spiegel_meeting):
    meeting = spiegel_meeting(format="thanks")
    mod, listener, display = meeting.moderator(), meeting.listener(), meeting.display()
    card = {"id": str(uuid.uuid4()), "text": "Dank voor jullie verhaal (verzonnen)"}
    assert call(listener, "thanks.write", card)["error"]["code"] == "not_allowed_in_phase"
    assert call(mod, "phase.goto", {"key": "thanks"})["ok"]
    assert call(listener, "thanks.write", card)["ok"]
    assert received(mod, "thanks.card")[0]["card"]["text"] == card["text"]
    assert "verzonnen" not in repr(received(display, "thanks.card")), "a card is private until shown"
    assert call(listener, "thanks.show", {"id": card["id"]})["error"]["code"] == "forbidden_role"
    assert call(mod, "thanks.show", {"id": card["id"]})["ok"]
    assert received(display, "thanks.shown")[0]["text"] == card["text"]


def test_the_timer_runs_on_the_controllable_clock(spiegel_meeting, spiegel_clock, spiegel_app):
    meeting = spiegel_meeting(format="thanks")
    mod = meeting.moderator()
    call(mod, "phase.goto", {"key": "thanks"})
    assert call(mod, "timer.start")["ok"]
    spiegel_clock.advance(10 * 60 + 1)
    assert spiegel_app.extensions["spiegel"].check_timers() == 1
    assert received(mod, "timer.expired")


def test_it_runs_in_a_real_server(spiegel_live_server):
    created = spiegel_live_server.create_meeting(format="thanks")
    status, formats = spiegel_live_server.api("GET", "/api/formats")
    assert status == 200 and "thanks" in [f["name"] for f in formats["formats"]]
    assert spiegel_live_server.join(created["meeting"]["code"])["kind"] == "listener"
