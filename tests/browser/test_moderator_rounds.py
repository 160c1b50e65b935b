"""Poll and speaking-round turns on the moderator screen (issue 5), with a format whose phase lets
listeners vote and take turns: the example plugin in tests/plugins, loaded by a real server."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import pytest
import socketio
from helpers import LiveServer
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def round_server(tmp_path_factory):
    server = LiveServer(instance=tmp_path_factory.mktemp("rounds"),
                         extra_env={"SPIEGEL_PLUGINS_DIR": str(ROOT / "tests" / "plugins")}).start()
    yield server
    server.stop()


class Tablet:
    def __init__(self, server, code: str, name: str):
        self.token = server.join(code, name=name)["token"]
        self.states: list[dict] = []
        self.lock = threading.Lock()
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("state", self._state)
        self.sio.on("snapshot", self._state)
        self.sio.connect(server.url, auth={"token": self.token}, transports=["websocket"], wait_timeout=10)

    def _state(self, data):
        with self.lock:
            self.states.append(data)

    def wait_state(self, match, timeout: float = 5.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                for s in reversed(self.states):
                    if match(s):
                        return s
            time.sleep(0.02)
        raise AssertionError("the tablet never got the expected state")

    def call(self, event, payload):
        ack = self.sio.call(event, payload, timeout=10)
        assert ack["ok"], (event, ack)
        return ack


def test_poll_and_turns_in_a_round(browser, round_server, no_third_party, artifacts):
    server = round_server
    created = server.create_meeting(title="Ronde met beurten", format="example_round")
    code = created["meeting"]["code"]
    tablets = [Tablet(server, code, name) for name in ("Anne", "Bas", "Carla")]
    ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="nl-NL")
    page = ctx.new_page()
    no_third_party(page)
    page.goto(created["moderator_url"])
    expect(page.locator("#main")).to_be_visible()
    expect(page.locator("#steps li")).to_have_count(4)
    expect(page.locator("#tab-live")).to_be_hidden()  # nobody votes or takes turns in the lobby

    page.locator("#btn-next").click()
    expect(page.locator("#phase-title")).to_have_text("Luisteren")
    page.locator("#btn-next").click()
    expect(page.locator("#phase-title")).to_have_text("Ronde")
    # the round's tab opens by itself: it is what this phase is about
    expect(page.locator("#tab-live")).to_be_visible()
    expect(page.locator("#tab-live")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#tab-live")).to_have_text("Beurten en peiling")
    expect(page.locator("#panel-live")).to_contain_text("Nog niemand heeft zich gemeld")

    # turns: who waits, who speaks, who has been
    tablets[0].call("turn.set", {"state": "speaking"})
    tablets[1].call("turn.set", {"state": "waiting"})
    tablets[2].call("turn.set", {"state": "done"})
    expect(page.locator("#turns li")).to_have_count(3)
    expect(page.locator("#turns li").nth(0)).to_contain_text("Anne")
    expect(page.locator("#turns li").nth(0)).to_contain_text("aan het woord")
    expect(page.locator("#turns li").nth(1)).to_contain_text("Bas")
    expect(page.locator("#turns li").nth(2)).to_contain_text("geweest")

    # a poll: opened from the page, answered on the tablets, results live, then closed
    page.locator("#poll-title").fill("Welk verbeterpunt pakken we eerst aan?")
    page.locator("#poll-options").fill("Vast aanspreekpunt\nOntslagbrief naar de huisarts\nNazorgbelletje")
    page.locator("[data-fk=poll-open]").click()
    expect(page.locator(".poll-title")).to_have_text("Welk verbeterpunt pakken we eerst aan?")
    state = tablets[0].wait_state(lambda s: s.get("poll"))
    poll = state["poll"]
    assert poll["kind"] == "vote"
    assert [o["text"] for o in poll["options"]] == [
        "Vast aanspreekpunt", "Ontslagbrief naar de huisarts", "Nazorgbelletje"]
    first, second = poll["options"][0]["id"], poll["options"][1]["id"]
    tablets[0].call("poll.answer", {"poll_id": poll["id"], "choices": [first]})
    tablets[1].call("poll.answer", {"poll_id": poll["id"], "choices": [first]})
    tablets[2].call("poll.answer", {"poll_id": poll["id"], "choices": [second]})
    results = page.locator("#poll-results li")
    expect(results.nth(0).locator(".pr-n")).to_have_text("2")
    expect(results.nth(1).locator(".pr-n")).to_have_text("1")
    expect(results.nth(2).locator(".pr-n")).to_have_text("0")
    expect(page.locator("#panel-live")).to_contain_text("3 antwoorden")
    page.screenshot(path=str(artifacts / "moderator-round-poll-turns.png"), full_page=True)

    page.locator("[data-fk=poll-close]").click()
    tablets[0].wait_state(lambda s: s.get("poll") is None and s["phase"]["key"] == "round")
    expect(page.locator("#poll-title")).to_be_visible()  # ready for the next poll
    expect(page.locator("#panel-live")).not_to_contain_text(re.compile("Vast aanspreekpunt"))
    for t in tablets:
        t.sio.disconnect()
    ctx.close()
