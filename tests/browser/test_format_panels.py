"""The NIK and KOOS page modules in real Chromium: a parent chooses the priorities on a phone
(360 px wide), and in KOOS's outer-ring round the speaker's own tablet shows their place in
the line, then their own notes as a private prompt. The moderator's side is a real socket."""

from __future__ import annotations

import re
import uuid

import pytest
from listener_support import code_of, join, listener_page, new_meeting, wait_all_stored, write_note
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
WAIT = 20_000


def phone(browser, no_third_party):
    ctx = browser.new_context(viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True,
                              locale="nl-NL")
    page = ctx.new_page()
    no_third_party(page)
    return ctx, page


def test_a_parent_chooses_priorities_on_a_phone(browser, shared_live_server, no_third_party):
    server = shared_live_server
    created, mod = new_meeting(server, format="nik", title="NIK Utrecht (verzonnen)",
                               options={"series": {"organisation": "NIK", "region": "Utrecht", "round": 3,
                                                   "year": 2024}})
    url = mod.call("invite.create", {"kind": "parent"})["url"]
    mod.goto("priorities")
    points = [{"id": str(uuid.uuid4()), "text": t, "source": "moderator"}
              for t in ("Verzonnen: één vast aanspreekpunt", "Verzonnen: hulp bij rouw en verlies")]
    mod.call("nik.points.set", {"points": points})
    mod.call("nik.vote.open", {"method": "dots", "dots_per_person": 3})
    ctx, page = phone(browser, no_third_party)
    try:
        page.goto(url)
        page.get_by_role("button", name="Deelnemen").click()
        panel = page.locator('[data-panel="nik.parent-vote"]')
        expect(panel.get_by_role("heading", name="Speerpunten kiezen")).to_be_visible(timeout=WAIT)
        expect(panel.get_by_text("Je hebt nog 3 van de 3 stippen.")).to_be_visible()
        more_first = panel.get_by_role("button", name="Eén stip meer op: Verzonnen: één vast aanspreekpunt")
        more_first.click()
        more_first.click()
        panel.get_by_role("button", name="Eén stip meer op: Verzonnen: hulp bij rouw en verlies").click()
        expect(panel.get_by_text("Je hebt nog 0 van de 3 stippen.")).to_be_visible()
        expect(more_first).to_be_disabled()
        panel.get_by_role("button", name="Mijn keuze bewaren").click()
        expect(panel.locator("#nik-status")).to_have_text(
            "Je keuze is bewaard. Je kunt hem nog veranderen tot de stemming sluit.", timeout=WAIT)
        assert panel.evaluate("el => el.scrollWidth <= el.clientWidth + 1"), "the panel fits a 360 px phone"
        assert page.locator("body").evaluate("el => el.scrollWidth") <= 360
        expect(panel.locator(".nik-score")).to_have_count(0)  # no count while the vote is open
        progress = mod.call("sync")["snapshot"]["format_data"]["progress"]
        assert progress["voters"] == 1 and progress["dots_used"] == 3
        mod.call("nik.vote.close")
        results = panel.locator(".nik-results li")
        expect(results).to_have_count(2, timeout=WAIT)
        expect(results.first).to_contain_text("Verzonnen: één vast aanspreekpunt")
        expect(results.first).to_contain_text("2 punten")
    finally:
        ctx.close()
        mod.close()


def test_the_speakers_tablet_shows_their_place_then_their_own_notes(browser, shared_live_server, no_third_party):
    server = shared_live_server
    created, mod = new_meeting(server, format="koos", title="KOOS team Zuid (verzonnen)")
    first = server.join(code_of(created))  # joined before the tablet: speaks first
    ctx, page = listener_page(browser, no_third_party)
    try:
        join(page, server, code_of(created))
        mod.goto("first_round")
        secret = "Verzonnen-privé: wat de vader vertelde over de wachtlijst"
        write_note(page, secret)
        wait_all_stored(page, 1)
        mod.goto("outer_ring")
        started = mod.call("koos.round.start", {"mode": "join", "seconds": 120})["round"]
        assert started["current"]["id"] == first["participant"]["id"], "who joined first speaks first"
        panel = page.locator('[data-panel="koos.turn"]')
        expect(panel.get_by_text("Jij bent hierna aan de beurt.")).to_be_visible(timeout=WAIT)
        expect(panel.get_by_text(secret)).to_have_count(0)
        mod.call("koos.round.next", {})
        expect(panel.get_by_text("Jij bent nu aan het woord: wat hoorde je, wat raakte je?")).to_be_visible(
            timeout=WAIT)
        expect(panel.locator("#koos-prompt li")).to_have_text([secret])
        expect(panel.locator(".koos-clock")).to_have_text(re.compile(r"^[12]:\d\d$"), timeout=WAIT)
        panel.get_by_role("button", name="Ik pas").click()
        expect(panel.get_by_text("Je hebt gepast.")).to_be_visible(timeout=WAIT)
        assert mod.call("sync")["snapshot"]["format_data"]["round"]["current"] is None
    finally:
        ctx.close()
        mod.close()


def test_the_moderator_runs_the_speaking_order_on_the_screen(browser, shared_live_server, no_third_party):
    from moderator_support import moderator_page

    server = shared_live_server
    created, mod = new_meeting(server, format="koos", title="KOOS team Noord (verzonnen)")
    for _ in range(3):
        server.join(code_of(created))
    mod.goto("outer_ring")
    ctx, page = moderator_page(browser, created["moderator_url"], no_third_party)
    try:
        panel = page.locator('[data-panel="koos.round"]')
        panel.get_by_role("button", name="Start in volgorde van binnenkomst").click()
        expect(panel.locator("#koos-current")).to_have_text("Aan het woord: Luisteraar 1", timeout=WAIT)
        expect(panel.locator("#koos-next")).to_have_text("Hierna: Luisteraar 2")
        panel.get_by_role("button", name="Achteraan", exact=True).click()
        expect(panel.locator("#koos-current")).to_have_text("Aan het woord: Luisteraar 2", timeout=WAIT)
        expect(panel.locator("#koos-line li").last).to_contain_text("Luisteraar 1 · wacht")
        panel.get_by_role("button", name="Klaar, volgende").click()
        expect(panel.locator("#koos-current")).to_have_text("Aan het woord: Luisteraar 3", timeout=WAIT)
        page.reload()
        expect(page.locator('[data-panel="koos.round"] #koos-current')).to_have_text(
            "Aan het woord: Luisteraar 3", timeout=WAIT)
        assert not page.errors, page.errors
        assert mod.call("sync")["snapshot"]["format_data"]["round"]["next"]["label"] == "Luisteraar 1"
    finally:
        ctx.close()
        mod.close()
