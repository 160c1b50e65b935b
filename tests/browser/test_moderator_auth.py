"""Authorization from the browser side (issue 5): a listener token (or a display key) cannot open
the moderator page or send moderator events; bad or missing keys get a clear message."""

from __future__ import annotations

import re
import uuid

import pytest
import socketio
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 860}

# Every staff event, with a payload that would be valid for the moderator.
STAFF_EVENTS = [
    ("phase.goto", {"key": "listening"}),
    ("meeting.update", {"title": "Overgenomen"}),
    ("timer.start", {}),
    ("timer.adjust", {"seconds": 300}),
    ("timer.reset", {}),
    ("prepared.set", {"items": [{"id": "x", "text": "Ingebroken vraag"}]}),
    ("prompt.set", {"id": None, "shown": False}),
    ("question.reorder", {"ids": [str(uuid.uuid4())]}),
    ("outcome.add", {"id": str(uuid.uuid4()), "kind": "decision", "text": "Ingebroken besluit"}),
    ("assistant.create", {"rights": ["run"]}),
    ("display.link", {}),
]


def new_page(browser, no_third_party):
    ctx = browser.new_context(viewport=LAPTOP, locale="nl-NL")
    page = ctx.new_page()
    no_third_party(page)
    return ctx, page


def emit_from_page(page, token: str, event: str, payload: dict) -> dict:
    """Connect a socket from inside the browser page with `token` and send one event."""
    return page.evaluate(
        """([token, event, payload]) => new Promise((resolve) => {
            const s = io({ auth: { token }, forceNew: true });
            s.on('connect_error', (err) => resolve({ connect_error: err.data || String(err) }));
            s.on('snapshot', () => s.timeout(5000).emit(event, payload, (err, ack) => {
              s.disconnect();
              resolve(err ? { timeout: true } : ack);
            }));
        })""",
        [token, event, payload],
    )


def test_listener_token_cannot_moderate(browser, shared_live_server, no_third_party, artifacts):
    server = shared_live_server
    created = server.create_meeting(title="Alleen voor de gespreksleider")
    meeting_id = created["meeting"]["id"]
    code = created["meeting"]["code"]
    joined = server.join(code)
    token = joined["token"]

    # the page says plainly that this link cannot moderate, and shows no controls
    ctx, page = new_page(browser, no_third_party)
    page.goto(f"{server.url}/moderate/{meeting_id}#key={token}")
    expect(page.locator("#fatal")).to_be_visible()
    expect(page.locator("#fatal h2")).to_have_text("Met deze link kun je niet modereren")
    expect(page.locator("#main")).to_be_hidden()
    expect(page.locator("#btn-next")).to_have_count(0)
    assert "key=" not in page.url
    # the wrong key is not kept for the next visit
    assert page.evaluate(f"localStorage.getItem('spiegel.moderator.{meeting_id}')") is None
    page.screenshot(path=str(artifacts / "moderator-refused-listener.png"))

    # from the browser, with the listener token, every moderator event is refused: forbidden_role
    for event, payload in STAFF_EVENTS:
        ack = emit_from_page(page, token, event, payload)
        assert ack.get("ok") is False, (event, ack)
        assert ack["error"]["code"] == "forbidden_role", (event, ack)

    # and from a plain socket client too; nothing changed on the server
    sio = socketio.SimpleClient()
    sio.connect(server.url, auth={"token": token}, transports=["websocket"])
    event, snap = sio.receive(timeout=10)
    assert event == "snapshot" and snap["role"] == "listener"
    for event, payload in STAFF_EVENTS:
        ack = sio.call(event, payload, timeout=10)
        assert ack["ok"] is False and ack["error"]["code"] == "forbidden_role", (event, ack)
    ack = sio.call("sync", {}, timeout=10)
    assert ack["snapshot"]["phase"]["key"] == "lobby"
    assert ack["snapshot"]["meeting"]["title"] == "Alleen voor de gespreksleider"
    assert ack["snapshot"]["timer"]["running"] is False
    sio.disconnect()
    ctx.close()


def test_display_key_cannot_moderate(browser, shared_live_server, no_third_party):
    server = shared_live_server
    created = server.create_meeting(title="Zaalscherm mag alleen kijken")
    mod = socketio.SimpleClient()
    mod.connect(server.url, auth={"token": created["moderator_key"]}, transports=["websocket"])
    mod.receive(timeout=10)
    link = mod.call("display.link", {}, timeout=10)
    assert link["ok"], link
    display_key = link["key"]
    mod.disconnect()

    ctx, page = new_page(browser, no_third_party)
    page.goto(f"{server.url}/moderate/{created['meeting']['id']}#key={display_key}")
    expect(page.locator("#fatal h2")).to_have_text("Met deze link kun je niet modereren")
    for event, payload in STAFF_EVENTS[:3]:
        ack = emit_from_page(page, display_key, event, payload)
        assert ack.get("ok") is False and ack["error"]["code"] == "forbidden_role", (event, ack)
    ctx.close()


def test_unknown_and_missing_keys_are_explained(browser, shared_live_server, no_third_party, artifacts):
    server = shared_live_server
    created = server.create_meeting(title="Sleutels")
    meeting_id = created["meeting"]["id"]

    ctx, page = new_page(browser, no_third_party)
    page.goto(f"{server.url}/moderate/{meeting_id}#key=not-a-real-key")
    expect(page.locator("#fatal h2")).to_have_text("Deze link werkt niet (meer)")
    page.screenshot(path=str(artifacts / "moderator-refused-unknown-key.png"))
    ctx.close()

    ctx, page = new_page(browser, no_third_party)
    page.goto(f"{server.url}/moderate/{meeting_id}")
    expect(page.locator("#fatal h2")).to_have_text("Deze link is niet compleet")
    ctx.close()

    # a revoked room display link says so on the display itself
    mod = socketio.SimpleClient()
    mod.connect(server.url, auth={"token": created["moderator_key"]}, transports=["websocket"])
    mod.receive(timeout=10)
    first = mod.call("display.link", {}, timeout=10)
    mod.call("display.link", {}, timeout=10)  # a new link revokes the first
    mod.disconnect()
    ctx, page = new_page(browser, no_third_party)
    page.goto(first["url"])
    expect(page.locator("#message-title")).to_have_text(re.compile("werkt niet meer"))
    ctx.close()
