"""Outcomes captured live on the moderator screen (issue 12): every kind the meeting offers is
there to choose (what went well, improvement point, wish, decision, priority, action), each
capture is linked to the phase it was made in, the kinds read in both languages, and what was
captured reaches the report screen."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
import socketio
from moderator_support import LAPTOP, moderator_page
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

WISH = "Verzonnen wens: een vast aanspreekpunt na ontslag"
WELL = "Verzonnen: de nachtdienst nam de tijd voor uitleg"
CORE = ["well", "improvement", "wish", "decision", "priority", "action"]


@contextmanager
def outcomes_tab(browser, server, no_third_party, created: dict, phase: str):
    """The run screen in `phase` with its outcomes tab open; yields (context, page, staff
    socket), the socket to move the meeting on as a second moderator window would."""
    staff = socketio.Client(reconnection=False)
    staff.connect(server.url, auth={"token": created["moderator_key"]}, transports=["websocket"], wait_timeout=10)
    try:
        assert staff.call("phase.goto", {"key": phase}, timeout=10)["ok"]
        ctx, page = moderator_page(browser, created["moderator_url"], no_third_party, viewport=LAPTOP)
        expect(page.locator("body")).to_have_attribute("data-phase", phase)
        page.locator("#tab-outcomes").click()
        yield ctx, page, staff
        assert not page.errors, page.errors
        ctx.close()
    finally:
        staff.disconnect()


def test_a_wish_and_what_went_well_captured_live_reach_the_report(browser, shared_live_server, no_third_party):
    server = shared_live_server
    created = server.create_meeting(title="Verzonnen uitkomstenbijeenkomst")
    with outcomes_tab(browser, server, no_third_party, created, "listening") as (ctx, page, staff):
        # every core kind is offered, in capture order, and the form says which phase it links to
        kinds = page.locator("#kinds .seg")
        for i, kind in enumerate(CORE):
            expect(kinds.nth(i)).to_have_class(f"seg kind-{kind}")
        expect(page.locator("#kinds .seg.kind-well")).to_have_text("Wat ging goed")
        expect(page.locator("#kinds .seg.kind-wish")).to_have_text("Wens")
        expect(page.locator("#cap-phase")).to_have_text("Wordt vastgelegd bij de fase: Luisteren")

        page.locator(".seg.kind-wish").click()
        placeholder = "Wat wensen ouders? Bijvoorbeeld: één vast aanspreekpunt na ontslag"
        expect(page.locator("#cap-text")).to_have_attribute("placeholder", placeholder)
        page.locator("#cap-text").fill(WISH)
        page.locator("#cap-text").press("Enter")
        expect(page.locator("#outcome-list li")).to_have_count(1)
        page.locator(".seg.kind-well").click()
        page.locator("#cap-text").fill(WELL)
        page.locator("#cap-text").press("Enter")
        expect(page.locator("#outcome-list li")).to_have_count(2)
        wish = page.locator("#outcome-list li.kind-wish")
        expect(wish).to_contain_text(WISH)
        expect(wish.locator(".tag.kind")).to_have_text("Wens")
        expect(wish.locator(".o-phase")).to_have_text("Fase: Luisteren")
        expect(page.locator("#outcome-list li.kind-well .tag.kind")).to_have_text("Wat ging goed")

        # the meeting ends; the report screen has both under their own kind
        assert staff.call("phase.goto", {"key": "ended"}, timeout=10)["ok"]
        expect(page.locator("#meeting-state")).to_have_class("badge state-ended")
        page.locator("#btn-menu").click()
        with ctx.expect_page() as opened:
            page.locator("#mi-report").click()
        report = opened.value
        no_third_party(report)
        expect(report.locator("#sec-kind-wish")).to_contain_text(WISH)
        expect(report.locator("#sec-kind-well")).to_contain_text(WELL)
        report.close()

        # the same kinds in English, from the catalogue
        page.locator("#lang").select_option("en")
        expect(page.locator("#kinds .seg.kind-well")).to_have_text("What went well")
        expect(page.locator("#kinds .seg.kind-wish")).to_have_text("Wish")
        expect(page.locator("#outcome-list li.kind-wish .o-phase")).to_have_text("Phase: Listening")


SOLUTION = "Verzonnen oplossingsrichting: een vaste verpleegkundige per gezin"


def test_a_kind_the_format_adds_is_offered_and_captured(browser, shared_live_server, no_third_party):
    """UMCG adds 'solution' after the core kinds: the capture control offers it under the
    format's own name, in the screen's language, and the server takes it."""
    server = shared_live_server
    created = server.create_meeting(title="Verzonnen dialoogbijeenkomst", format="umcg")
    with outcomes_tab(browser, server, no_third_party, created, "dialogue") as (_ctx, page, _staff):
        solution = page.locator("#kinds .seg.kind-solution")
        expect(solution).to_have_text("Oplossingsrichting")
        expect(page.locator("#kinds .seg")).to_have_count(len(CORE) + 1)
        solution.click()
        page.locator("#cap-text").fill(SOLUTION)
        page.locator("#cap-text").press("Enter")
        item = page.locator("#outcome-list li.kind-solution")
        expect(item).to_contain_text(SOLUTION)
        expect(item.locator(".tag.kind")).to_have_text("Oplossingsrichting")
        page.locator("#lang").select_option("en")
        expect(solution).to_have_text("Possible solution")
        expect(item.locator(".tag.kind")).to_have_text("Possible solution")
