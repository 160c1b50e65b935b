"""Moderator screen and room display (issue 5) in real headless Chromium against a real server.

The moderator drives everything through the page; listeners are python-socketio clients (and
one real listener page), so every assertion is about what the server really sent them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from chromium import expect_image_loaded, tablet_context
from listener_support import choose
from moderator_support import Listener, moderator_page, next_phase, open_display
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PREPARED = [
    {"id": "p1", "text": "Hoe was het eerste contact met het team op de afdeling?", "phase": "listening"},
    {"id": "p2", "text": "Wat hielp u in de eerste week thuis?", "phase": "listening"},
    {"id": "p3", "text": "Wat had u anders gewild bij het ontslag?", "phase": "listening"},
    {"id": "p4", "text": "Wat neemt u mee uit dit gesprek?", "phase": "closing"},
]


# ----------------------------------------------------------------------------- helpers


def join_listener_page(browser, server, code: str, no_third_party, name: str = ""):
    ctx = tablet_context(browser)
    page = ctx.new_page()
    no_third_party(page)
    page.goto(f"{server.url}/join/{code}")
    if name:
        page.locator("#join-name").fill(name)
    page.locator("#join-go").click()
    expect(page.locator("#screen-meeting")).to_be_visible()
    return ctx, page


def shot(page, artifacts: Path, name: str, full: bool = False) -> None:
    """Save a screenshot, after checking no template junk leaked into the visible text."""
    text = page.locator("body").inner_text()
    assert not re.search(r"\b(null|undefined|NaN)\b|\[object |\{\w+\}", text), text
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=full)


UNNAMED_CONTROLS = """() => [...document.querySelectorAll('button, input, select, textarea, a[href]')]
  .filter((n) => n.offsetParent !== null && n.type !== 'hidden')
  .filter((n) => {
    const label = n.getAttribute('aria-label') || (n.labels && [...n.labels].map((l) => l.textContent).join(''))
      || n.getAttribute('aria-labelledby') && document.getElementById(n.getAttribute('aria-labelledby'))?.textContent
      || n.getAttribute('title')
      || (!['INPUT', 'SELECT', 'TEXTAREA'].includes(n.tagName) && n.textContent)
      || (n.tagName === 'IMG' && n.alt);
    return !(label && label.trim());
  })
  .map((n) => n.outerHTML.slice(0, 120))"""


def assert_controls_named(page) -> None:
    """Every visible control has an accessible name (label, aria-label or text)."""
    unnamed = page.evaluate(UNNAMED_CONTROLS)
    assert not unnamed, unnamed


# ----------------------------------------------------------------------------- tests


def test_run_all_phases_with_five_listeners(browser, shared_live_server, no_third_party, artifacts):
    """Lobby → listening → questions → closing → ended from the page, with five listeners joined;
    timer controls and a shown prompt reach the room display and a listener page within a second."""
    server = shared_live_server
    created = server.create_meeting(title="Nazorg na de kinder-IC", theme="Hoe ervaren ouders de nazorg thuis?",
                                    prepared=PREPARED, expected_listeners=8)
    code = created["meeting"]["code"]
    named = {"discipline": "verpleegkundige"}
    listeners = [Listener(server, code, **({"name": f"Deelnemer {i}", **named} if i % 2 else {})) for i in range(4)]
    mctx, page = moderator_page(browser, created["moderator_url"], no_third_party)
    # the key left the address bar at once
    assert "key=" not in page.url
    lctx, tablet = join_listener_page(browser, server, code, no_third_party, name="Fenna")
    listeners_total = 5

    expect(page.locator("#presence-connected")).to_have_text(f"{listeners_total} verbonden")
    expect(page.locator("#presence-joined")).to_have_text(f"{listeners_total} aangemeld")
    expect(page.locator("#phase-title")).to_have_text("Welkom")
    expect(page.locator("#steps li")).to_have_count(5)
    expect(page.locator("#steps li[aria-current=step]")).to_contain_text("Welkom")

    dctx, display, display_url = open_display(browser, page, no_third_party)
    # lobby: QR code and join code large, nothing else
    expect(display.locator("#lobby")).to_be_visible()
    expect(display.locator("#lobby-code")).to_have_text(code)
    expect(display.locator("#lobby-qr")).to_have_attribute("src", f"/qr/{code}.svg")
    expect_image_loaded(display.locator("#lobby-qr"))
    assert "key=" not in display.url
    assert_controls_named(page)
    shot(page, artifacts, "moderator-1-lobby")
    shot(display, artifacts, "display-1-lobby")

    # listening
    next_phase(page, "Luisteren")
    for lis in listeners:
        lis.wait_phase("listening")
    expect(display.locator("#stage")).to_be_visible()
    expect(display.locator("#stage-phase")).to_have_text("Luisteren")
    expect(display.locator("#stage-rule")).to_contain_text("Alleen luisteren")
    expect(display.locator("#stage-prompt")).to_have_text("Hoe ervaren ouders de nazorg thuis?")

    # timer: every control reaches the display and the listener page within one second
    timer_display = display.locator("#stage-timer")
    timer_tablet = tablet.locator("#timer")
    # the format starts the timer with the phase: no second tap on "Starten"
    expect(page.locator("#t-toggle")).to_have_text("Pauzeren")
    expect(page.locator("#timer")).to_have_text(re.compile(r"^(1:00:00|59:\d\d)$"))
    expect(timer_display).to_be_hidden()  # the room sees no clock unless the moderator chooses it
    page.locator("#t-on-display").check()
    expect(timer_display).to_be_visible(timeout=1000)
    expect(timer_display).not_to_have_class(re.compile("paused"), timeout=1000)
    expect(timer_display).to_have_text(re.compile(r"^(1:00:00|59:5\d)$"), timeout=1000)
    expect(timer_tablet).to_have_text(re.compile("nog ongeveer 60 min"), timeout=1000)
    expect(page.locator("#t-toggle")).to_have_text("Pauzeren")

    page.locator("#t-toggle").click()
    expect(timer_display).to_have_class(re.compile("paused"), timeout=1000)
    expect(timer_tablet).to_have_text(re.compile("gepauzeerd"), timeout=1000)
    expect(page.locator("#t-toggle")).to_have_text("Hervatten")

    page.locator("#t-plus").click()
    expect(timer_display).to_have_text(re.compile(r"^1:0[45]:\d\d$"), timeout=1000)
    expect(timer_tablet).to_have_text(re.compile("65 min"), timeout=1000)
    page.locator("#t-minus").click()
    page.locator("#t-minus").click()
    expect(timer_display).to_have_text(re.compile(r"^5[45]:\d\d$"), timeout=1000)
    expect(timer_tablet).to_have_text(re.compile("55 min"), timeout=1000)
    page.locator("#t-reset").click()
    expect(timer_display).to_be_hidden(timeout=1000)  # back to the phase's duration, not running
    expect(page.locator("#timer")).to_have_text("1:00:00")
    expect(timer_tablet).to_be_hidden(timeout=1000)  # the tablet shows no timer until it runs
    expect(page.locator("#t-toggle")).to_have_text("Starten")
    page.locator("#t-toggle").click()  # start again for the rest of the phase
    expect(timer_tablet).to_have_text(re.compile("nog ongeveer 60 min"), timeout=1000)

    # teleprompter: current question large, the next visible, shown in the room on request
    expect(page.locator("#prompt-current")).to_have_text(PREPARED[0]["text"])
    expect(page.locator(".prompt-next")).to_contain_text(PREPARED[1]["text"])
    page.locator("#p-show").click()
    expect(display.locator("#stage-prompt")).to_have_text(PREPARED[0]["text"], timeout=1000)
    expect(display.locator("#stage-label")).to_have_text("Vraag")
    page.locator("#p-next").click()  # moving on while shown moves the room along
    expect(page.locator("#prompt-current")).to_have_text(PREPARED[1]["text"])
    expect(display.locator("#stage-prompt")).to_have_text(PREPARED[1]["text"], timeout=1000)
    for lis in listeners:
        lis.wait_for(lambda e, d: e == "state" and (d.get("prompt") or {}).get("id") == "p2")

    # the prepared questions can be edited on the spot; the teleprompter follows
    page.locator("#p-edit").click()
    expect(page.locator("#prep-list li")).to_have_count(4)
    page.locator("#prep-add").click()
    page.locator("#prep-list textarea").last.fill("Wie was er voor u in de nacht?")
    page.locator("#prep-list select").last.select_option("listening")
    page.locator("#dlg-foot button[type=submit]").click()
    expect(page.locator("#dlg")).to_be_hidden()
    expect(page.locator(".prompt-count")).to_have_text("Vraag 2 van 4")

    # questions arrive during listening: only their number shows (the format's default setting)
    for i, lis in enumerate(listeners):
        lis.park(f"Vraag {i + 1}: wie regelde de overdracht naar de huisarts?")
    expect(page.locator("#tab-questions .count")).to_have_text("4")
    page.locator("#tab-questions").click()
    expect(page.locator("#queue-count")).to_have_text("4")
    expect(page.locator("#panel-questions")).not_to_contain_text("overdracht")
    # … and nothing of it on the room display
    expect(display.locator("body")).not_to_contain_text("overdracht")

    # outcomes are captured while people speak
    page.locator("#tab-outcomes").click()
    page.locator("#cap-text").fill("Ouders willen één vast aanspreekpunt na ontslag")
    page.locator("#cap-text").press("Enter")
    expect(page.locator("#outcome-list li")).to_have_count(1)
    expect(page.locator("#outcome-list")).to_contain_text("Verbeterpunt")
    shot(page, artifacts, "moderator-2-listening")
    shot(display, artifacts, "display-2-listening")

    # clarifying questions
    next_phase(page, "Verhelderende vragen")
    expect(display.locator("#stage-phase")).to_have_text("Verhelderende vragen", timeout=1000)
    expect(page.locator("#tab-questions")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#q-parked > li")).to_have_count(4)
    first = page.locator("#q-parked > li").first
    first.locator("[data-action=select]").click()
    expect(page.locator("#q-selected > li")).to_have_count(1)
    expect(page.locator("#t-toggle")).to_have_text("Pauzeren")  # started with the phase
    assert_controls_named(page)
    shot(page, artifacts, "moderator-3-questions")
    shot(display, artifacts, "display-3-questions")

    # closing
    next_phase(page, "Afronding en opvolging")
    expect(display.locator("#stage-phase")).to_have_text("Afronding en opvolging", timeout=1000)
    expect(page.locator("#prompt-current")).to_have_text(PREPARED[3]["text"])
    # the question shown during listening left the room with its phase: the theme is back
    expect(display.locator("#stage-prompt")).to_have_text("Hoe ervaren ouders de nazorg thuis?", timeout=1000)
    page.locator("#tab-outcomes").click()
    page.locator(".seg.kind-action").click()
    page.locator("#cap-text").fill("Ontslagbrief binnen 24 uur naar de huisarts")
    page.locator("#cap-owner").fill("Afdelingshoofd")
    page.locator("#capture button[type=submit]").click()
    expect(page.locator("#outcome-list li")).to_have_count(2)
    expect(page.locator("#outcome-list li").first).to_contain_text("Afdelingshoofd")
    page.locator(".seg.kind-decision").click()
    page.locator("#cap-text").fill("Vanaf volgende maand een nazorgbelletje na een week")
    page.locator("#cap-text").press("Enter")
    expect(page.locator("#outcome-list li")).to_have_count(3)
    # edit one in place, delete another after confirming
    decision = page.locator("#outcome-list li", has_text="nazorgbelletje")
    decision.locator("button", has_text="Bewerken").click()
    page.locator("[data-fk=oet]").fill("Vanaf volgende maand een nazorgbelletje na een week en na een maand")
    page.locator("#outcome-list li.editing button.primary").click()
    expect(page.locator("#outcome-list")).to_contain_text("na een week en na een maand")
    page.locator("#outcome-list li", has_text="Ontslagbrief").locator("button", has_text="Verwijderen").click()
    page.locator("#dlg-ok").click()
    expect(page.locator("#outcome-list li")).to_have_count(2)
    expect(page.locator("#outcome-list")).not_to_contain_text("Ontslagbrief")
    shot(page, artifacts, "moderator-4-closing")
    shot(display, artifacts, "display-4-closing")

    # going back is possible and needs no confirmation
    page.locator("#btn-prev").click()
    expect(page.locator("#phase-title")).to_have_text("Verhelderende vragen")
    expect(page.locator("#dlg")).not_to_be_visible()
    next_phase(page, "Afronding en opvolging")

    # ending asks first, says truly that a mistaken end can be taken back, and Cancel cancels
    page.locator("#btn-next").click()
    expect(page.locator("#dlg")).to_be_visible()
    expect(page.locator("#dlg-body")).to_contain_text("terug naar de vorige fase")
    expect(page.locator("#dlg-body")).not_to_contain_text("niet terugdraaien")
    page.locator("#dlg-foot button", has_text="Annuleren").click()
    expect(page.locator("#phase-title")).to_have_text("Afronding en opvolging")
    page.locator("#btn-next").click()
    page.locator("#dlg-ok").click()
    expect(page.locator("#phase-title")).to_have_text("Afgelopen")
    expect(page.locator("#meeting-state")).to_have_text("Afgesloten")
    expect(page.locator("#btn-next")).to_have_count(0)
    for lis in listeners:
        lis.wait_phase("ended")
    expect(display.locator("#message-title")).to_have_text("Dank je wel voor het luisteren", timeout=1000)
    shot(page, artifacts, "moderator-5-ended")
    shot(display, artifacts, "display-5-ended")

    # a tablet that drops out is shown to the moderator (by its label only)
    listeners[1].close()
    expect(page.locator("#presence-dropped")).to_have_text(re.compile("1 weggevallen"))
    expect(page.locator("#presence-connected")).to_have_text(f"{listeners_total - 1} verbonden")
    page.locator("#presence").click()
    expect(page.locator(".dropped-list")).to_contain_text("Deelnemer 1 (verpleegkundige)")
    shot(page, artifacts, "moderator-presence")
    page.keyboard.press("Escape")

    # nothing any listener wrote ever reached the display page
    assert "overdracht" not in display.content()
    assert not page.errors, page.errors
    for lis in listeners:
        if lis is not listeners[1]:
            lis.close()
    for c in (mctx, lctx, dctx):
        c.close()


def test_queue_reorder_merge_select_ask_reach_the_listener(browser, shared_live_server, no_third_party, artifacts):
    """Select, reorder (buttons and drag), merge, link, mark asked and dismiss from the page; each
    step reaches the asking listener's page or socket."""
    server = shared_live_server
    created = server.create_meeting(title="Vragenronde", prepared=PREPARED)
    code = created["meeting"]["code"]
    mctx, page = moderator_page(browser, created["moderator_url"], no_third_party)
    lctx, tablet = join_listener_page(browser, server, code, no_third_party, name="Fenna")
    others = [Listener(server, code) for _ in range(3)]
    next_phase(page, "Luisteren")

    # the tablet parks its question through its own page, the others through their sockets
    choose(tablet, "#mode-question")
    tablet.locator("#question-text").fill("Wat bedoelde u met de warme overdracht?")
    tablet.locator("#question-save").click()
    expect(tablet.locator("#question-text")).to_have_value("")
    qb = others[0].park("Hoe lang duurde het voordat de thuiszorg kwam?")
    qc = others[1].park("Hoe lang duurde het tot de thuiszorg er was?")  # a duplicate of qb
    qd = others[2].park("Wie was uw vaste contactpersoon?")

    # the moderator may look at the whole list during listening, and set it as the default
    page.locator("#tab-questions").click()
    expect(page.locator("#queue-count")).to_have_text("4")
    page.locator("input[name=qvis][value=live]").check()
    expect(page.locator("#q-parked > li")).to_have_count(4)

    next_phase(page, "Verhelderende vragen")
    expect(page.locator("#q-parked > li")).to_have_count(4)
    qa = page.locator("#q-parked > li", has_text="warme overdracht").get_attribute("data-id")

    def row(qid):
        return page.locator(f'li.q[data-id="{qid}"]')

    # select A, B, D: they join the asking order in that order
    for qid in (qa, qb, qd):
        row(qid).locator("[data-action=select]").click()
        expect(row(qid)).to_have_class(re.compile(r"\bselected\b"))
    expect(tablet.locator("#question-list")).to_contain_text("als 1e aan de beurt", timeout=1000)
    others[0].wait_question(qb, status="selected", position=2)
    others[2].wait_question(qd, status="selected", position=3)

    # reorder with a button: A one down, so B is first
    mark = others[0].mark()
    row(qa).locator(f'[data-fk="down-{qa}"]').click()
    expect(tablet.locator("#question-list")).to_contain_text("als 2e aan de beurt", timeout=1000)
    others[0].wait_question(qb, since=mark, position=1)

    # reorder by dragging: D to the top
    mark = others[2].mark()
    row(qd).drag_to(row(qb), target_position={"x": 30, "y": 4})
    others[2].wait_question(qd, since=mark, position=1)
    expect(tablet.locator("#question-list")).to_contain_text("als 3e aan de beurt", timeout=1000)
    order = page.locator("#q-selected > li").evaluate_all("els => els.map(e => e.dataset.id)")
    assert order == [qd, qb, qa]

    # merge the duplicate C into B: one plain step behind "…", and it can be undone
    expect(row(qc).locator("[data-action=merge]")).to_have_count(0)  # not among the row's own buttons
    row(qc).locator("[data-action=more]").click()
    row(qc).locator("[data-action=merge]").click()
    row(qc).locator(f'.merge-target[data-target="{qb}"]').click()
    others[1].wait_question(qc, status="merged")
    expect(page.locator("#toast")).to_contain_text("Vraag samengevoegd")
    mark = others[1].mark()
    page.locator("#toast-action", has_text="Ongedaan maken").click()
    others[1].wait_question(qc, since=mark, status="parked", merged_into=None)
    expect(page.locator("#q-parked > li")).to_have_count(1)
    row(qc).locator("[data-action=more]").click()
    row(qc).locator("[data-action=merge]").click()
    row(qc).locator(f'.merge-target[data-target="{qb}"]').click()
    merged = others[1].wait_question(qc, since=mark, status="merged")
    assert merged["merged_into"] is None, "qb is another listener's: its id is not theirs to know"
    expect(row(qb)).to_contain_text("+1 samengevoegd")
    expect(page.locator("#q-parked > li")).to_have_count(0)

    # link B to the prepared question it belongs to
    row(qb).locator("[data-action=more]").click()
    row(qb).locator("[data-action=link]").click()
    row(qb).locator(".q-expand select").select_option("p1")
    row(qb).locator(".q-expand button.primary").click()
    expect(row(qb).locator(".tag.link")).to_contain_text("Hoe was het eerste contact")

    # "now asking" puts the tablet's question up for the room (without its author), then "asked"
    mark = others[0].mark()
    row(qa).locator("[data-action=asknow]").click()
    asking = others[0].wait_for(lambda e, d: e == "state" and (d.get("asking") or {}).get("id") == qa, since=mark)
    assert asking["asking"] == {"id": qa, "text": "Wat bedoelde u met de warme overdracht?"}
    expect(row(qa).locator(".tag.on-screen")).to_be_visible()
    row(qa).locator("[data-action=asked]").click()
    expect(tablet.locator("#question-list")).to_contain_text("Gesteld", timeout=1000)
    expect(page.locator("#q-asked > li")).to_have_count(1)
    page.locator("#toast-action", has_text="Ongedaan maken").click()  # a mis-tap: back in the order
    expect(page.locator("#q-asked > li")).to_have_count(0)
    expect(row(qa)).to_have_class(re.compile(r"\bselected\b"))
    row(qa).locator("[data-action=more]").click()
    row(qa).locator("[data-action=asked]").click()
    expect(tablet.locator("#question-list")).to_contain_text("Gesteld", timeout=1000)
    expect(page.locator("#q-asked > li")).to_have_count(1)

    # dismiss D with a reason; B moves up to first
    mark = others[0].mark()
    row(qd).locator("[data-action=more]").click()
    row(qd).locator("[data-action=dismiss]").click()
    expect(row(qd).locator(".q-expand")).to_contain_text("de luisteraar ziet ‘niet gekozen’")
    row(qd).locator(".q-expand input").fill("Nieuw onderwerp: voor de reflectiebijeenkomst")
    row(qd).locator(".q-expand button.danger").click()
    others[2].wait_question(qd, status="dismissed")
    others[0].wait_question(qb, since=mark, position=1)
    expect(page.locator("#q-selected > li")).to_have_count(1)
    page.locator(".fold summary", has_text="Niet gesteld").click()
    expect(row(qd)).to_contain_text("Nieuw onderwerp: voor de reflectiebijeenkomst")

    # triage: a new topic goes to "later" and cannot be chosen now
    qe = others[1].park("Kunnen we het ook over de wachtlijsten hebben?")
    expect(row(qe)).to_be_visible()
    row(qe).locator("[data-action=more]").click()
    row(qe).locator("[data-action=triage-later]").click()
    expect(page.locator("#q-later > li")).to_have_count(1)
    expect(row(qe).locator("[data-action=select]")).to_have_count(0)

    # a question arriving while the moderator types an outcome moves nothing under their hands
    page.locator("#tab-outcomes").click()
    page.locator("#cap-text").fill("Halve zin die nog niet af is")
    others[0].park("Nog een vraag terwijl er getypt wordt")
    expect(page.locator("#tab-questions .count")).to_have_text("3")
    expect(page.locator("#tab-outcomes")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#cap-text")).to_be_focused()
    expect(page.locator("#cap-text")).to_have_value("Halve zin die nog niet af is")
    page.locator("#tab-questions").click()

    page.set_viewport_size({"width": 1366, "height": 1100})
    shot(page, artifacts, "moderator-queue")
    shot(tablet, artifacts, "moderator-queue-listener-page")
    assert not page.errors, page.errors
    for lis in others:
        lis.close()
    mctx.close()
    lctx.close()
