"""The moderator screen on a 1366×768 laptop with eight parked questions (issue 8): the phase
control stays in reach, messages cover nothing, the timer says whether it runs, a lost
connection switches the controls off with a notice, and a mistaken end can be taken back."""

from __future__ import annotations

import pytest
from moderator_support import Listener, moderator_page, next_phase
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

LAPTOP_768 = {"width": 1366, "height": 768}


def inside_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    size = page.viewport_size
    return bool(box) and box["y"] >= 0 and box["y"] + box["height"] <= size["height"] \
        and box["x"] >= 0 and box["x"] + box["width"] <= size["width"]


def page_offset(page, locator) -> float:
    """Where an element lies on the page (not in the window): the same whatever the scroll."""
    return locator.bounding_box()["y"] + page.evaluate("() => window.scrollY")


def overlaps(a: dict, b: dict) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])


def test_eight_questions_at_1366x768(browser, shared_live_server, no_third_party, artifacts):
    server = shared_live_server
    created = server.create_meeting(title="Acht vragen op een laptop",
                                    prepared=[{"id": "p1", "text": "Wat hielp u thuis?"}])
    code = created["meeting"]["code"]
    ctx, page = moderator_page(browser, created["moderator_url"], no_third_party, viewport=LAPTOP_768)
    listeners = [Listener(server, code) for _ in range(4)]
    next_phase(page, "Luisteren")
    for i in range(8):
        listeners[i % 4].park(f"Verzonnen vraag {i + 1}: hoe ging de overdracht naar huis in week {i + 1}?")
    next_phase(page, "Verhelderende vragen")
    expect(page.locator("#q-parked > li")).to_have_count(8)

    # one obvious action per parked question, the rest behind "…" in plain words
    for row in page.locator("#q-parked > li").all():
        visible = row.locator(".q-actions button:visible")
        expect(visible).to_have_count(2)
        expect(row.locator(".q-actions button.primary")).to_have_text("Kiezen")
    expect(page.locator("#panel-questions")).not_to_contain_text("Koppelen")
    last = page.locator("#q-parked > li").last
    last.locator("[data-action=more]").click()
    steps = last.locator(".q-more button")
    expect(steps).to_have_text(["Bewaren voor later (nieuw onderwerp)", "Bewaren voor de discussie",
                                "Samenvoegen met een andere vraag", "Bij een voorbereide vraag zetten",
                                "Niet stellen…"])
    row_box = last.bounding_box()
    for step in steps.all():  # nothing cut off: every step lies fully inside its question's card
        box = step.bounding_box()
        assert box["x"] >= row_box["x"] and box["x"] + box["width"] <= row_box["x"] + row_box["width"] + 0.5
        assert step.evaluate("b => b.scrollWidth <= b.clientWidth"), step.inner_text()
    page.screenshot(path=str(artifacts / "moderator-768-menu.png"))

    # working the bottom of the queue, "Volgende" is still on the screen
    tabs_at_top = page_offset(page, page.locator("#tabs"))
    last.scroll_into_view_if_needed()
    page.mouse.wheel(0, 4000)
    expect(page.locator("#steps")).not_to_be_in_viewport()  # the step list scrolled away
    assert page.evaluate("() => window.scrollY") > 200
    assert inside_viewport(page, page.locator("#btn-next")), "the phase control scrolled away"
    # and scrolling moved nothing on the page: a bar that folded on scroll shifted everything
    # below it as the page came back up, under the moderator's tap (a lost tab tap on a busy run)
    assert page_offset(page, page.locator("#tabs")) == tabs_at_top, "scrolling moved the page's contents"

    # a message (with its undo) covers nothing: it has a strip of its own in the phase bar, which
    # is there (same height) before it shows, and no control of the bar lies under it
    strip_before = page.locator("#toast").bounding_box()
    last.locator("[data-action=triage-later]").click()
    expect(page.locator("#q-later > li")).to_have_count(1)
    later = page.locator("#q-later > li").first
    later.locator("[data-action=more]").click()
    later.locator("[data-action=dismiss]").click()
    later.locator(".q-expand button.danger").click()
    toast = page.locator("#toast")
    expect(toast).to_contain_text("Vraag gaat niet gesteld worden")
    expect(page.locator("#toast-action")).to_be_visible()
    assert inside_viewport(page, toast)
    toast_box, bar = toast.bounding_box(), page.locator(".phasebar").bounding_box()
    assert abs(toast_box["height"] - strip_before["height"]) < 1, "showing a message moved the page"
    assert bar["y"] <= toast_box["y"] and toast_box["y"] + toast_box["height"] <= bar["y"] + bar["height"]
    assert toast.evaluate("n => getComputedStyle(n).position") == "static", "a floating message covers things"
    for button in page.locator(".phasebar button:visible").all():
        if button.evaluate("b => b.closest('#toast') === null"):
            assert not overlaps(toast_box, button.bounding_box()), button.inner_text()
    assert inside_viewport(page, page.locator("#btn-next"))
    page.screenshot(path=str(artifacts / "moderator-768-scrolled.png"))
    page.locator("#toast-action").click()
    expect(page.locator("#q-later > li")).to_have_count(1)  # back where it was
    page.locator("#tab-outcomes").click()  # scrolled back up to it: the tap lands
    expect(page.locator("#tab-outcomes")).to_have_attribute("aria-selected", "true")
    assert page_offset(page, page.locator("#tabs")) == tabs_at_top
    for lis in listeners:
        lis.close()
    assert not page.errors, page.errors
    ctx.close()


def test_the_timer_starts_with_the_phase_and_idle_looks_idle(browser, shared_live_server, no_third_party):
    server = shared_live_server
    created = server.create_meeting(title="Tijd met de fase")
    ctx, page = moderator_page(browser, created["moderator_url"], no_third_party, viewport=LAPTOP_768)
    next_phase(page, "Luisteren")
    card = page.locator(".timer-card")
    expect(page.locator("#t-toggle")).to_have_text("Pauzeren")  # no second tap on "Starten"
    expect(card).to_have_attribute("data-mode", "running")
    expect(page.locator("#timer-note")).to_have_text("loopt")
    expect(page.locator("#t-reset")).to_have_text("Terugzetten naar 1:00:00")

    page.locator("#t-with-phase").uncheck()
    expect(page.locator("#t-with-phase")).not_to_be_checked()
    next_phase(page, "Verhelderende vragen")
    expect(page.locator("#t-toggle")).to_have_text("Starten")
    expect(card).to_have_attribute("data-mode", "idle")
    expect(page.locator("#timer-note")).to_have_text("nog niet gestart")
    look = "n => getComputedStyle(n).borderTopStyle + ' ' + getComputedStyle(n).opacity"
    idle_style = page.locator("#timer").evaluate(look)
    page.locator("#t-toggle").click()
    expect(card).to_have_attribute("data-mode", "running")
    running_style = page.locator("#timer").evaluate(look)
    assert idle_style != running_style, "a timer that does not run must not look like one that does"

    page.locator("#t-on-display").check()
    expect(page.locator("#t-on-display")).to_be_checked()
    lis = Listener(server, created["meeting"]["code"])  # the public state says so to the room display
    assert lis.call("sync")["snapshot"]["room"] == {"timer": True}
    lis.close()
    ctx.close()


def test_a_lost_connection_switches_the_controls_off_with_a_notice(browser, live_server, no_third_party):
    server = live_server
    created = server.create_meeting(title="Wifi valt weg")
    ctx, page = moderator_page(browser, created["moderator_url"], no_third_party, viewport=LAPTOP_768)
    expect(page.locator("#offline-note")).to_be_hidden()
    server.kill()
    expect(page.locator("#offline-note")).to_be_visible(timeout=30000)
    expect(page.locator("#offline-note")).to_contain_text("Verbinding kwijt")
    assert page.locator("#main").evaluate("m => m.inert") is True
    expect(page.locator("#btn-next")).not_to_be_focused()
    page.locator("#btn-next").focus()
    expect(page.locator("#btn-next")).not_to_be_focused()  # inert: no focus, no clicks
    server.start()
    expect(page.locator("#offline-note")).to_be_hidden(timeout=30000)
    assert page.locator("#main").evaluate("m => m.inert") is False
    next_phase(page, "Luisteren")
    ctx.close()


def test_after_ending_the_moderator_can_go_back(browser, shared_live_server, no_third_party):
    server = shared_live_server
    created = server.create_meeting(title="Per ongeluk afgesloten")
    ctx, page = moderator_page(browser, created["moderator_url"], no_third_party, viewport=LAPTOP_768)
    for title in ("Luisteren", "Verhelderende vragen", "Afronding en opvolging"):
        next_phase(page, title)
    page.locator("#btn-next").click()
    expect(page.locator("#dlg-body")).to_contain_text("terug naar de vorige fase")
    page.locator("#dlg-ok").click()
    expect(page.locator("#phase-title")).to_have_text("Afgelopen")
    expect(page.locator(".phase-hint")).to_contain_text("pas archiveren maakt het definitief")
    page.locator("#btn-reopen").click()
    expect(page.locator("#phase-title")).to_have_text("Afronding en opvolging")
    expect(page.locator("#meeting-state")).to_have_text("Bezig")
    ctx.close()
