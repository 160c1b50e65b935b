"""The NIK and KOOS page modules in real Chromium: a parent chooses the priorities on a phone
(360 px wide), and in KOOS's outer-ring round the speaker's own tablet shows their place in
the line, then their own notes as a private prompt. The moderator's side is a real socket."""

from __future__ import annotations

import re
import uuid

import pytest
from chromium import phone_context
from listener_support import code_of, join, listener_page, new_meeting, wait_all_stored, write_note
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
WAIT = 20_000


def phone(browser, no_third_party):
    ctx = phone_context(browser)
    page = ctx.new_page()
    no_third_party(page)
    return ctx, page


def room_display(browser, server, created, mod, no_third_party):
    """The meeting's room display, opened like a projector would with a link the moderator made."""
    link = mod.call("display.link")
    ctx = browser.new_context(viewport={"width": 1280, "height": 720}, locale="nl-NL")
    display = ctx.new_page()
    no_third_party(display)
    display.goto(f"{server.url}/display/{code_of(created)}#key={link['key']}")
    return ctx, display


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


def test_a_professional_sends_a_topic_before_the_meeting_and_sees_what_became_of_it(
        browser, shared_live_server, no_third_party):
    """AMC: the invitation link works while the meeting is a draft; the moderator, preparing,
    makes the topic a prepared question with one tap; the sender's phone says so. The counts
    against the caps warn calmly past them."""
    from moderator_support import Listener, moderator_page

    server = shared_live_server
    created, mod = new_meeting(server, format="amc", title="AMC spiegelbijeenkomst (verzonnen)", open=False)
    url = mod.call("invite.create", {"kind": "professional"})["url"]
    ctx, page = phone(browser, no_third_party)
    mctx, screen = moderator_page(browser, created["moderator_url"], no_third_party)
    topic = "Verzonnen: hoe gaan we om met wachttijden voor de eerste afspraak?"
    try:
        page.goto(url)
        page.get_by_role("button", name="Deelnemen").click()
        panel = page.locator('[data-panel="amc.submit"]')
        expect(panel.get_by_role("heading", name="Onderwerpen en vragen insturen")).to_be_visible(timeout=WAIT)
        panel.get_by_label("Je onderwerp of vraag").fill(topic)
        panel.get_by_role("button", name="Insturen").click()
        expect(panel.locator("#amc-status")).to_have_text("Ingestuurd.", timeout=WAIT)
        mine = panel.locator("#amc-mine li", has_text=topic)
        expect(mine.locator(".amc-fate")).to_have_text("Ontvangen: de gespreksleider bekijkt het.")
        assert page.locator("body").evaluate("el => el.scrollWidth") <= 360

        sent = screen.locator('[data-panel="amc.submissions"] li', has_text=topic)
        expect(sent).to_contain_text("van Professional 1", timeout=WAIT)  # live, while preparing
        sent.get_by_role("button", name="Maak er een voorbereide vraag van").click()
        expect(sent).to_contain_text(f"Werd een voorbereide vraag: “{topic}”", timeout=WAIT)
        assert topic in [p["text"] for p in mod.call("sync")["snapshot"]["prepared"]]
        expect(mine.locator(".amc-fate")).to_have_text(f"Werd een voorbereide vraag: “{topic}”", timeout=WAIT)

        caps = screen.locator('[data-panel="amc.caps"]')
        expect(caps.locator('[data-cap="inner_circle"]')).to_have_attribute("data-over", "false")
        caps.get_by_label("Cliënten in de binnenkring").fill("13")
        caps.get_by_label("Cliënten in de binnenkring").press("Tab")
        inner = caps.locator('[data-cap="inner_circle"]')
        expect(inner).to_have_attribute("data-over", "true", timeout=WAIT)
        expect(inner).to_contain_text("Binnenkring: 13 van hoogstens 12")
        expect(inner).to_contain_text("Meer dan de richtlijn. Jij beslist of dat kan.")
        mod.call("meeting.open")
        for _ in range(25):
            server.join(code_of(created))
        tablet = Listener(server, code_of(created))  # a tablet that connects: the count goes live
        listeners = caps.locator('[data-cap="listeners"]')
        expect(listeners).to_contain_text("Luisteraars: 26 (liefst niet meer dan 25)", timeout=WAIT)
        expect(listeners).to_have_attribute("data-over", "true")
        assert mod.call("sync")["snapshot"]["meeting"]["state"] == "open"  # a warning, never a refusal
        tablet.close()
        assert not screen.errors, screen.errors
    finally:
        ctx.close()
        mctx.close()
        mod.close()


def test_a_decision_on_the_spot_is_shown_on_the_room_display(browser, shared_live_server, no_third_party):
    """UMCG: in the dialogue the moderator records a decision with who decided and shows it to
    the room in one tap; the display shows it live, and not once the moderator takes it off."""
    from moderator_support import moderator_page

    server = shared_live_server
    created, mod = new_meeting(server, format="umcg", title="UMCG dialoog (verzonnen)",
                               options={"hospital": "Verzonnen Ziekenhuis", "insurer": "Verzonnen Verzekeraar"})
    mod.goto("dialogue")
    dctx, display = room_display(browser, server, created, mod, no_third_party)
    mctx, screen = moderator_page(browser, created["moderator_url"], no_third_party)
    try:
        expect(display.locator("#umcg-display-parties")).to_have_text(
            "Verzonnen Ziekenhuis · Verzonnen Verzekeraar", timeout=WAIT)
        expect(display.locator("#umcg-shown")).to_be_hidden()
        decide = screen.locator('[data-panel="umcg.decide"]')
        decide.get_by_label("Wat is besloten?").fill("Verzonnen: de folder over ontslag komt ook in het Engels")
        decide.get_by_label("Wie besloot?").fill("Teamleider (verzonnen)")
        decide.get_by_role("button", name="Vastleggen en in de zaal tonen").click()
        expect(decide.locator("#umcg-decide-status")).to_have_text("Besluit vastgelegd.", timeout=WAIT)
        shown = display.locator('#slot-main > [data-panel="umcg.shown"]')
        expect(shown).to_be_visible(timeout=WAIT)
        expect(display.locator("#umcg-shown-text")).to_have_text(
            "Verzonnen: de folder over ontslag komt ook in het Engels")
        expect(display.locator("#umcg-shown-by")).to_have_text("Besloten door Teamleider (verzonnen)")
        row = decide.locator("#umcg-decisions li")
        expect(row).to_contain_text("Teamleider (verzonnen), ")
        row.get_by_role("button", name="Niet meer tonen").click()
        expect(shown).to_be_hidden(timeout=WAIT)
        display.reload()  # the snapshot agrees after a reload
        expect(display.locator("#stage")).to_be_visible()
        expect(display.locator('[data-panel="umcg.shown"]')).to_be_hidden()
        assert not screen.errors, screen.errors
    finally:
        dctx.close()
        mctx.close()
        mod.close()


def test_the_priority_session_on_the_moderator_screen_and_room_display(browser, shared_live_server, no_third_party):
    """NIK: the moderator curates the points, opens a dot vote; a parent votes through the
    parents' link; the screen and the display say how many chose, never the totals, until the
    vote closes; then both show the priorities with their scores."""
    from moderator_support import moderator_page

    server = shared_live_server
    created, mod = new_meeting(server, format="nik", title="NIK Zwolle (verzonnen)", options={
        "series": {"organisation": "NIK", "region": "Zwolle", "round": 2, "year": 2024}, "focus": "nazorg"})
    secret = mod.call("invite.create", {"kind": "parent"})["url"].split("#invite=", 1)[1]
    mod.goto("priorities")
    dctx, display = room_display(browser, server, created, mod, no_third_party)
    mctx, screen = moderator_page(browser, created["moderator_url"], no_third_party)
    try:
        panel = screen.locator('[data-panel="nik.moderator"]')
        expect(panel.locator(".nik-series")).to_have_text("NIK Zwolle, ronde 2, 2024", timeout=WAIT)
        for text in ("Verzonnen: één vast aanspreekpunt", "Verzonnen: betere overdracht naar huis"):
            panel.get_by_label("Nieuw verbeterpunt").fill(text)
            panel.get_by_role("button", name="Toevoegen", exact=True).click()
            expect(panel.locator("#nik-mod-points li", has_text=text)).to_be_visible(timeout=WAIT)
        points = display.locator('[data-panel="nik.display"] .nik-points li')
        expect(points).to_have_count(2, timeout=WAIT)
        expect(display.locator('[data-panel="nik.display"]')).to_contain_text("Regionale focus: nazorg")
        panel.get_by_label("Stippen per ouder").fill("2")
        panel.get_by_role("button", name="Stemming met stippen openen").click()
        expect(panel.locator("#nik-limit")).to_have_text(" 2 stippen per ouder ", timeout=WAIT)

        status, joined = server.api("POST", f"/api/meetings/{code_of(created)}/join", {"invite": secret})
        assert status == 201, joined
        import socketio
        parent = socketio.SimpleClient()
        parent.connect(server.url, auth={"token": joined["token"]}, transports=["websocket"])
        ids = {p["text"]: p["id"] for p in mod.call("sync")["snapshot"]["format_data"]["points"]}
        ack = parent.call("nik.vote.cast", {"dots": {ids["Verzonnen: één vast aanspreekpunt"]: 2}})
        assert ack["ok"], ack
        expect(panel.locator("#nik-progress")).to_have_text(
            "1 ouders hebben gekozen. De uitslag blijft verborgen tot je sluit.", timeout=WAIT)
        expect(display.locator('[data-panel="nik.display"] [role=status]')).to_have_text("1 ouders hebben gekozen.")
        for page in (screen, display):
            expect(page.locator(".nik-score")).to_have_count(0)  # no totals while the vote is open
        panel.get_by_role("button", name="Stemming sluiten en uitslag tonen").click()
        results = display.locator('[data-panel="nik.display"] .nik-results li')
        expect(results).to_have_count(2, timeout=WAIT)
        expect(results.first).to_contain_text("Verzonnen: één vast aanspreekpunt")
        expect(results.first.locator(".nik-score")).to_have_text("2 punten")
        expect(panel.locator(".nik-results li").first).to_contain_text("2 punten")
        parent.disconnect()
        assert not screen.errors, screen.errors
    finally:
        dctx.close()
        mctx.close()
        mod.close()


def test_a_reflection_meeting_gathers_from_a_finished_mirror_meeting(browser, shared_live_server, no_third_party):
    """KOOS step 2: the organiser picks a finished mirror meeting on the moderator screen and
    gathers; what its report may show appears there and on the room display."""
    from moderator_support import moderator_page

    server = shared_live_server
    source, smod = new_meeting(server, format="koos", title="KOOS team Oost (verzonnen)",
                               options={"team": "Team Oost"})
    point = "Verzonnen: ouders willen eerder horen wie hun vaste hulpverlener is"
    smod.goto("closing")
    smod.call("outcome.add", {"id": str(uuid.uuid4()), "kind": "improvement", "text": point})
    smod.goto("ended")
    smod.close()
    created, mod = new_meeting(server, format="koos_reflection", title="KOOS reflectie (verzonnen)")
    dctx, display = room_display(browser, server, created, mod, no_third_party)
    mctx, screen = moderator_page(browser, created["moderator_url"], no_third_party)
    try:
        panel = screen.locator('[data-panel="koos.reflection"]')
        panel.get_by_label("Team Oost – KOOS team Oost (verzonnen)").check()
        panel.get_by_role("button", name="Verzamelen").click()
        expect(panel.locator(".koos-material")).to_contain_text(point, timeout=WAIT)
        expect(display.locator('[data-panel="koos.reflection-display"]')).to_contain_text(point, timeout=WAIT)
        assert not screen.errors, screen.errors
    finally:
        dctx.close()
        mctx.close()
        mod.close()
