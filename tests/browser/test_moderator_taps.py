"""A tap on the moderator screen is not swallowed by an update that arrives mid-tap.

Chromium drops a click whose pointer-down node is replaced before pointer-up. The screen
re-renders on every broadcast (a second window starting the timer, a listener parking a
question), so a render that rebuilt unchanged buttons lost taps whenever a broadcast fell
between the finger going down and coming up: on a busy machine the moderator's tap on the
"Uitkomsten" tab did nothing (a fresh-clone CI run saw it). Here the broadcast is made to
arrive exactly between the two halves of the tap.
"""

from __future__ import annotations

import pytest
import socketio
from moderator_support import LAPTOP, moderator_page
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

QUESTION_ID = "0d6f3c5e-8a41-4b7e-9a55-2f0c1d9e7b11"
QUESTION = "Verzonnen vraag over de overdracht?"


def press_during_broadcast(page, selector: str, broadcast, arrived) -> None:
    """Put the pointer down on `selector`, let `broadcast()` reach the page (until `arrived`
    holds), then lift the pointer: one tap with a re-render in the middle."""
    box = page.locator(selector).bounding_box()
    assert box, selector
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    broadcast()
    arrived()
    page.mouse.up()


def test_a_tab_tapped_while_a_broadcast_arrives_still_opens(browser, shared_live_server, no_third_party):
    server = shared_live_server
    created = server.create_meeting(title="Verzonnen tikproef")
    staff = socketio.Client(reconnection=False)
    staff.connect(server.url, auth={"token": created["moderator_key"]}, transports=["websocket"], wait_timeout=10)
    try:
        assert staff.call("phase.goto", {"key": "questions"}, timeout=10)["ok"]
        ctx, page = moderator_page(browser, created["moderator_url"], no_third_party, viewport=LAPTOP)
        expect(page.locator("body")).to_have_attribute("data-phase", "questions")
        expect(page.locator("#tab-questions")).to_have_attribute("aria-selected", "true")

        # A listener parks a question while the moderator's finger is on the outcomes tab
        # (the tab's count is redrawn, the tab itself stays).
        listener = server.join(created["meeting"]["code"])
        tablet = socketio.Client(reconnection=False)
        tablet.connect(server.url, auth={"token": listener["token"]}, transports=["websocket"], wait_timeout=10)
        try:
            press_during_broadcast(
                page, "#tab-outcomes",
                broadcast=lambda: tablet.call("question.add", {"id": QUESTION_ID, "text": QUESTION}, timeout=10),
                arrived=lambda: expect(page.locator("#tab-questions .count")).to_have_text("1"),
            )
        finally:
            tablet.disconnect()
        expect(page.locator("#tab-outcomes")).to_have_attribute("aria-selected", "true")
        expect(page.locator("#cap-text")).to_be_visible()

        # A second window starts the timer while the finger is on the phase bar's back button:
        # the whole screen re-renders, the button (unchanged) must be the one that was pressed.
        press_during_broadcast(
            page, "#btn-prev",
            broadcast=lambda: staff.call("timer.start", {"seconds": 600}, timeout=10),
            arrived=lambda: expect(page.locator("#t-toggle")).to_have_text("Pauzeren"),
        )
        expect(page.locator("body")).to_have_attribute("data-phase", "listening")
        assert not page.errors, page.errors
        ctx.close()
    finally:
        staff.disconnect()
