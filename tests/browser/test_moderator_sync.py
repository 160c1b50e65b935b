"""Two moderator windows in sync, reconnecting after a server restart, keyboard shortcuts,
assistant rights and language (issue 5), in real headless Chromium against a real server."""

from __future__ import annotations

import re
import uuid

import pytest
import socketio
from moderator_support import moderator_page
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

TABLET_LANDSCAPE = {"width": 1180, "height": 820}
TABLET_PORTRAIT = {"width": 820, "height": 1180}

PREPARED = [
    {"id": "p1", "text": "Hoe was het eerste contact met het team?", "phase": "listening"},
    {"id": "p2", "text": "Wat hielp u in de eerste week thuis?", "phase": "listening"},
]


def listener_socket(server, code: str) -> socketio.SimpleClient:
    joined = server.join(code)
    sio = socketio.SimpleClient()
    sio.connect(server.url, auth={"token": joined["token"]}, transports=["websocket"])
    return sio


def test_two_windows_stay_in_sync_and_reconnect(browser, live_server, no_third_party, artifacts):
    server = live_server
    created = server.create_meeting(title="Twee schermen", prepared=PREPARED)
    code = created["meeting"]["code"]
    lctx, laptop = moderator_page(browser, created["moderator_url"], no_third_party)
    tctx, tablet = moderator_page(browser, created["moderator_url"], no_third_party, TABLET_LANDSCAPE, has_touch=True)
    listener = listener_socket(server, code)
    expect(tablet.locator("#presence-connected")).to_have_text("1 verbonden")

    # keyboard: N moves to the next phase; the other window follows
    laptop.locator("body").press("n")
    expect(laptop.locator("#phase-title")).to_have_text("Luisteren")
    expect(tablet.locator("#phase-title")).to_have_text("Luisteren")

    # the timer started with the phase; T pauses and resumes it from the tablet, the laptop follows
    expect(laptop.locator("#t-toggle")).to_have_text("Pauzeren")
    tablet.locator("body").press("t")
    expect(laptop.locator("#t-toggle")).to_have_text("Hervatten")
    expect(laptop.locator("#timer-note")).to_have_text("gepauzeerd")
    tablet.locator("body").press("t")
    expect(laptop.locator("#t-toggle")).to_have_text("Pauzeren")
    expect(laptop.locator("#timer-note")).to_have_text("loopt")
    laptop.locator("body").press("+")
    expect(tablet.locator("#timer")).to_have_text(re.compile(r"^1:0[45]:\d\d$"))

    # S shows the current prepared question in the room; J moves on (and the room with it)
    laptop.locator("body").press("s")
    expect(tablet.locator("#p-show")).to_have_attribute("aria-pressed", "true")
    laptop.locator("body").press("j")
    expect(tablet.locator("#prompt-current")).to_have_text(PREPARED[1]["text"])

    # an outcome captured on one screen appears on the other
    tablet.locator("#tab-outcomes").click()
    laptop.locator("body").press("o")
    expect(laptop.locator("#cap-text")).to_be_focused()
    laptop.keyboard.type("Eén vast aanspreekpunt na ontslag")
    laptop.keyboard.press("Enter")
    expect(tablet.locator("#outcome-list")).to_contain_text("Eén vast aanspreekpunt na ontslag")

    # the queue setting changes on both screens
    qid = str(uuid.uuid4())
    assert listener.call("question.add", {"id": qid, "text": "Wat is een warme overdracht?"}, timeout=10)["ok"]
    laptop.locator("#tab-questions").click()
    tablet.locator("#tab-questions").click()
    expect(tablet.locator("#queue-count")).to_have_text("1")
    laptop.locator("input[name=qvis][value=hidden]").check()
    expect(tablet.locator(".queue-quiet")).to_contain_text("Vragen zijn verborgen tijdens het luisteren")
    expect(tablet.locator("#queue-count")).to_have_count(0)

    # help overlay with the shortcuts, opened with ? and closed with Escape
    laptop.locator("body").press("?")
    expect(laptop.locator("#dlg")).to_be_visible()
    expect(laptop.locator("#dlg-title")).to_have_text("Sneltoetsen")
    expect(laptop.locator("#keys-list")).to_contain_text("Naar de volgende fase")
    laptop.screenshot(path=str(artifacts / "moderator-shortcuts.png"))
    laptop.keyboard.press("Escape")
    expect(laptop.locator("#dlg")).to_be_hidden()
    tablet.screenshot(path=str(artifacts / "moderator-tablet-landscape.png"))

    # the server restarts: both windows say so, come back by themselves, and show the server's state
    server.stop()
    expect(laptop.locator("#conn")).to_have_class(re.compile(r"\boff\b"))
    expect(laptop.locator("#conn")).to_have_text(re.compile("opnieuw verbinden"))
    server.start()
    expect(laptop.locator("#conn")).to_have_class(re.compile(r"\bok\b"), timeout=15000)
    expect(tablet.locator("#conn")).to_have_class(re.compile(r"\bok\b"), timeout=15000)
    mod = socketio.SimpleClient()
    mod.connect(server.url, auth={"token": created["moderator_key"]}, transports=["websocket"])
    mod.receive(timeout=10)
    assert mod.call("phase.goto", {"key": "questions", "from": "listening"}, timeout=10)["ok"]
    mod.disconnect()
    expect(laptop.locator("#phase-title")).to_have_text("Verhelderende vragen")
    expect(tablet.locator("#phase-title")).to_have_text("Verhelderende vragen")
    expect(tablet.locator("#outcome-list li")).to_have_count(1)

    # a phase change from an out-of-date screen is refused by the server and the screen catches up
    result = laptop.evaluate(
        "() => new Promise(r => window.spiegelSocket.emit('phase.goto', {key: 'closing', from: 'listening'}, r))")
    assert result["ok"] is False and result["error"]["code"] == "stale_state"
    expect(laptop.locator("#phase-title")).to_have_text("Verhelderende vragen")

    assert not laptop.errors and not tablet.errors, laptop.errors + tablet.errors
    listener.disconnect()
    lctx.close()
    tctx.close()


def test_assistant_sees_only_what_their_rights_allow(browser, shared_live_server, no_third_party, artifacts):
    server = shared_live_server
    created = server.create_meeting(title="Met assistent", prepared=PREPARED)
    code = created["meeting"]["code"]
    mctx, page = moderator_page(browser, created["moderator_url"], no_third_party)
    page.locator("#btn-next").click()
    expect(page.locator("#phase-title")).to_have_text("Luisteren")
    listener = listener_socket(server, code)
    qid = str(uuid.uuid4())
    assert listener.call("question.add", {"id": qid, "text": "Wat bedoelt u met nazorg?"}, timeout=10)["ok"]

    # the moderator creates an assistant link: questions and outcomes, not the phases
    page.locator("#btn-menu").click()
    page.locator("#mi-assistant").click()
    expect(page.locator("#dlg input[value=run]")).not_to_be_checked()
    expect(page.locator("#dlg input[value=questions]")).to_be_checked()
    expect(page.locator("#dlg input[value=outcomes]")).to_be_checked()
    page.locator("#assistant-label").fill("Sanne")
    page.locator("#assistant-create").click()
    url_field = page.locator("#assistant-out input.once-url")
    expect(url_field).to_have_value(re.compile(r"/moderate/\w+#key="))
    url = url_field.input_value()
    assert not re.search(r"\b(null|undefined)\b", page.locator("#dlg").inner_text())
    page.screenshot(path=str(artifacts / "moderator-assistant-link.png"))
    page.locator("#dlg-x").click()

    actx, assistant = moderator_page(browser, url, no_third_party, TABLET_PORTRAIT, has_touch=True)
    expect(assistant.locator("#phase-title")).to_have_text("Luisteren")
    expect(assistant.locator("#btn-next")).to_have_count(0)
    expect(assistant.locator("#phase-actions")).to_contain_text("Alleen de gespreksleider wisselt van fase")
    expect(assistant.locator("#timer-controls")).to_be_hidden()
    expect(assistant.locator("#p-show")).to_have_count(0)
    expect(assistant.locator("#p-edit")).to_be_hidden()
    assistant.locator("#btn-menu").click()
    expect(assistant.locator("#mi-display")).to_be_hidden()
    expect(assistant.locator("#mi-assistant")).to_be_hidden()
    expect(assistant.locator("#mi-details")).to_be_hidden()
    assistant.keyboard.press("Escape")
    # shortcuts for the phases do nothing for an assistant without the right
    assistant.locator("body").press("n")
    expect(page.locator("#phase-title")).to_have_text("Luisteren")
    # the server refuses it as well
    ack = assistant.evaluate(
        "() => new Promise(r => window.spiegelSocket.emit('phase.goto', {key: 'questions'}, r))")
    assert ack["ok"] is False and ack["error"]["code"] == "missing_right"

    # what the assistant may do reaches the moderator
    assistant.locator("#tab-outcomes").click()
    assistant.locator(".seg.kind-priority").click()
    assistant.locator("#cap-text").fill("Speerpunt: nazorggesprek binnen twee weken")
    assistant.locator("#cap-text").press("Enter")
    page.locator("#tab-outcomes").click()
    expect(page.locator("#outcome-list")).to_contain_text("Speerpunt: nazorggesprek binnen twee weken")
    assistant.locator("#tab-questions").click()
    assistant.locator("button", has_text="Toch bekijken").click()
    assistant.locator(f'li.q[data-id="{qid}"] [data-action=select]').click()
    page.locator("#tab-questions").click()
    page.locator("button", has_text="Toch bekijken").click()
    expect(page.locator(f'li.q[data-id="{qid}"]')).to_have_class(re.compile(r"\bselected\b"))
    assistant.screenshot(path=str(artifacts / "moderator-assistant-tablet.png"), full_page=True)
    assert not assistant.errors, assistant.errors
    listener.disconnect()
    mctx.close()
    actx.close()


def test_language_follows_the_meeting_and_is_switchable(browser, shared_live_server, no_third_party, artifacts):
    server = shared_live_server
    created = server.create_meeting(title="Mirror meeting", language="en", prepared=PREPARED)
    ctx, page = moderator_page(browser, created["moderator_url"], no_third_party)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#btn-next")).to_contain_text("Next:")
    expect(page.locator("#phase-title")).to_have_text("Welcome")
    page.locator("#lang").select_option("nl")
    expect(page.locator("#btn-next")).to_contain_text("Volgende:")
    expect(page.locator("#btn-invite")).to_have_text("Uitnodigen")
    # the phase plan follows the screen's language too, not only the buttons
    expect(page.locator("#phase-title")).to_have_text("Welkom")
    expect(page.locator("#btn-next")).to_contain_text("Luisteren")
    expect(page.locator("#steps li").nth(2)).to_contain_text("Verhelderende vragen")
    page.locator("#lang").select_option("en")
    expect(page.locator("#btn-invite")).to_have_text("Invite")
    expect(page.locator("#phase-title")).to_have_text("Welcome")

    # changing the meeting's language in its details changes the phase texts everywhere
    page.locator("#btn-menu").click()
    page.locator("#mi-details").click()
    page.locator("#d-lang").select_option("nl")
    page.locator("#d-theme").fill("Hoe ervaart u de nazorg?")
    page.locator("#dlg-foot button[type=submit]").click()
    expect(page.locator("#dlg")).to_be_hidden()
    expect(page.locator("#phase-title")).to_have_text("Welcome")  # this screen was switched to English
    page.locator("#lang").select_option("nl")
    expect(page.locator("#phase-title")).to_have_text("Welkom")
    expect(page.locator("#steps li").nth(1)).to_contain_text("Luisteren")
    snap_title = server.api("GET", f"/api/meetings/{created['meeting']['code']}")[1]["meeting"]
    assert snap_title["language"] == "nl" and snap_title["theme"] == "Hoe ervaart u de nazorg?"
    page.screenshot(path=str(artifacts / "moderator-english-ui.png"))
    ctx.close()


def test_overtime_is_shown_gently_to_the_moderator_only(browser, shared_live_server, no_third_party, artifacts):
    server = shared_live_server
    created = server.create_meeting(title="Over de tijd")
    code = created["meeting"]["code"]
    ctx, page = moderator_page(browser, created["moderator_url"], no_third_party)
    listener = listener_socket(server, code)
    assert listener.receive(timeout=10)[0] == "snapshot"
    mod = socketio.SimpleClient()
    mod.connect(server.url, auth={"token": created["moderator_key"]}, transports=["websocket"])
    mod.receive(timeout=10)
    display_url = mod.call("display.link", {}, timeout=10)["url"]
    assert mod.call("phase.goto", {"key": "listening"}, timeout=10)["ok"]
    assert mod.call("meeting.update", {"display_timer": True}, timeout=10)["ok"]  # the room sees the clock
    dctx = browser.new_context(viewport={"width": 1280, "height": 720})
    display = dctx.new_page()
    no_third_party(display)
    display.goto(display_url)
    expect(display.locator("#stage-phase")).to_have_text("Luisteren")
    expect(display.locator("#stage-timer")).to_be_visible()
    assert mod.call("timer.start", {"seconds": 2}, timeout=10)["ok"]
    mod.disconnect()

    # the moderator: a calm note and the time over, counting up; the server's notice as a toast
    expect(page.locator("#timer")).to_have_class(re.compile(r"\bover\b"), timeout=5000)
    expect(page.locator("#timer")).to_have_text(re.compile(r"^\+0:0\d$"))
    expect(page.locator("#timer-note")).to_have_text("over de tijd (alleen jij ziet dit)")
    notice = "De tijd voor deze fase is om. Er verandert niets vanzelf."
    expect(page.locator("#toast")).to_have_text(notice, timeout=3000)
    expect(page.locator("#phase-title")).to_have_text("Luisteren")  # nothing moved by itself
    page.screenshot(path=str(artifacts / "moderator-overtime.png"))
    # the room: the clock leaves the wall when time is up (no frozen 0:00, never minutes over)
    expect(display.locator("#stage-timer")).to_be_hidden()
    # the listener's socket never hears of it
    events = []
    try:
        while True:
            events.append(listener.receive(timeout=1)[0])
    except socketio.exceptions.TimeoutError:
        pass
    assert "timer.expired" not in events, events
    listener.disconnect()
    ctx.close()
    dctx.close()


def test_no_horizontal_scrolling_from_laptop_to_phone_width(browser, shared_live_server, no_third_party):
    """WCAG 1.4.10 reflow: the moderator screen works from a laptop down to 400 CSS px."""
    server = shared_live_server
    created = server.create_meeting(title="Een lange titel voor een spiegelgesprek over nazorg", prepared=PREPARED)
    code = created["meeting"]["code"]
    listener = listener_socket(server, code)
    mod = socketio.SimpleClient()
    mod.connect(server.url, auth={"token": created["moderator_key"]}, transports=["websocket"])
    mod.receive(timeout=10)
    mod.call("phase.goto", {"key": "listening"}, timeout=10)
    for i in range(3):
        text = f"Verhelderende vraag {i} over de overdracht naar de thuiszorg?"
        listener.call("question.add", {"id": str(uuid.uuid4()), "text": text}, timeout=10)
    mod.call("phase.goto", {"key": "questions"}, timeout=10)
    mod.disconnect()
    ctx, page = moderator_page(browser, created["moderator_url"], no_third_party)
    expect(page.locator("#q-parked > li")).to_have_count(3)
    for width in (1366, 1180, 1024, 820, 400):
        page.set_viewport_size({"width": width, "height": 800})
        page.wait_for_timeout(100)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, width
        expect(page.locator("#btn-next")).to_be_in_viewport()
    listener.disconnect()
    ctx.close()


def test_forgetting_the_link_on_a_shared_laptop(browser, shared_live_server, no_third_party):
    server = shared_live_server
    created = server.create_meeting(title="Gedeelde laptop (verzonnen)")
    meeting_id = created["meeting"]["id"]
    ctx, page = moderator_page(browser, created["moderator_url"], no_third_party)
    store = f"spiegel.moderator.{meeting_id}"
    assert page.evaluate(f"localStorage.getItem('{store}')") == created["moderator_key"]
    assert "#key=" not in page.url, "the key leaves the address bar"

    page.locator("#btn-menu").click()
    page.locator("#mi-forget").click()
    expect(page.locator("#dlg-title")).to_have_text("Link vergeten op dit apparaat?")
    page.locator("#dlg-ok").click()
    expect(page.locator("#fatal")).to_contain_text("Link vergeten")
    assert page.evaluate(f"localStorage.getItem('{store}') === null && sessionStorage.getItem('{store}') === null")

    page.reload()
    expect(page.locator("#fatal")).to_be_visible()
    expect(page.locator("#main")).to_be_hidden()
    # The meeting itself goes on: the link still works where it is opened again.
    page.goto(created["moderator_url"])
    expect(page.locator("#main")).to_be_visible()
    assert page.errors == []
    ctx.close()
