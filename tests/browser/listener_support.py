"""What the listener browser tests share: a moderator socket, joining, writing, looking."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import NamedTuple

import socketio
from chromium import tablet_context
from playwright.sync_api import expect

NOTE_LIMIT = 4000


# ----------------------------------------------------------------------------- helpers


class Moderator:
    """The moderator's socket: phases, questions, polls, prompts."""

    def __init__(self, server, key: str):
        self.sio = socketio.SimpleClient()
        self.sio.connect(server.url, auth={"token": key}, transports=["websocket"])
        # the snapshot; a staff broadcast (presence) racing it on a busy machine is skipped
        # (the order on connect is tests/test_protocol.py's business)
        event, snap = self.sio.receive(timeout=10)
        for _ in range(20):
            if event == "snapshot":
                break
            event, snap = self.sio.receive(timeout=10)
        assert event == "snapshot", event
        self.snapshot = snap
        self.phases = snap["format"]["phases"]

    def call(self, event: str, payload: dict | None = None) -> dict:
        ack = self.sio.call(event, payload or {}, timeout=10)
        assert ack and ack.get("ok"), (event, payload, ack)
        return ack

    def goto(self, key: str) -> dict:
        return self.call("phase.goto", {"key": key})

    def phase_key(self, *need: str, without: tuple[str, ...] = (), after: str | None = None) -> str:
        """First phase (optionally after `after`) whose listener actions include `need`, exclude `without`."""
        keys = [p["key"] for p in self.phases]
        start = keys.index(after) + 1 if after else 0
        for p in self.phases[start:]:
            acts = p.get("listener_actions") or []
            if all(a in acts for a in need) and not any(a in acts for a in without):
                return p["key"]
        raise AssertionError(f"format has no phase with {need} without {without}: {self.phases}")

    def close(self) -> None:
        self.sio.disconnect()


def new_meeting(server, **fields) -> tuple[dict, Moderator]:
    created = server.create_meeting(**fields)
    mod = Moderator(server, created["moderator_key"])
    return created, mod


def code_of(created: dict) -> str:
    return created["meeting"]["code"]


class Listening(NamedTuple):
    """A meeting in its first phase with notes and questions, and one tablet joined to it."""

    code: str
    mod: Moderator
    ctx: object
    page: object


def listening_tablet(browser, server, no_third_party, name: str = "", discipline: str = "",
                     **meeting) -> Listening:
    """Where most listener tests start: a new meeting (``meeting`` are its fields) moved to the
    phase where listeners write notes and park questions, and one tablet joined by its link."""
    created, mod = new_meeting(server, **meeting)
    code = code_of(created)
    mod.goto(mod.phase_key("note", "question"))
    ctx, page = listener_page(browser, no_third_party)
    join(page, server, code, name, discipline)
    return Listening(code, mod, ctx, page)


def listener_page(browser, no_third_party=None, landscape=False, **kw):
    ctx = tablet_context(browser, landscape=landscape, **kw)
    page = ctx.new_page()
    if no_third_party:
        no_third_party(page)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.dialogs = dialogs
    return ctx, page


# Records anything that would make a sound, buzz or pop up, and stands in for the Wake Lock API
# (headless Chromium has no screen to keep awake).
SILENCE_PROBE = """
window.__loud = [];
const note = (what) => (..._) => { window.__loud.push(what); };
navigator.vibrate = note('vibrate');
window.alert = note('alert');
window.confirm = (..._) => { window.__loud.push('confirm'); return true; };
window.prompt = (..._) => { window.__loud.push('prompt'); return null; };
HTMLMediaElement.prototype.play = function () { window.__loud.push('play'); return Promise.resolve(); };
if (window.AudioContext) window.AudioContext = function () { window.__loud.push('audiocontext'); };
if (window.Notification) Notification.requestPermission = note('notification');
window.__wake = [];
Object.defineProperty(navigator, 'wakeLock', { configurable: true, value: {
  request: async (type) => {
    window.__wake.push(type);
    return { released: false, addEventListener() {}, release: async () => {} };
  },
} });
"""


class Frames(list):
    """Everything the page receives from Socket.IO: websocket frames and long-polling bodies."""

    def __init__(self, page):
        super().__init__()
        self.polls = []
        page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: self.append(str(payload))))
        page.on("response", lambda r: self.polls.append(r) if "/socket.io/" in r.url else None)

    def all(self) -> list[str]:
        bodies = []
        for r in self.polls:
            try:
                bodies.append(r.text())
            except Exception:  # noqa: BLE001 - a poll cut off by an upgrade has no body to read
                continue
        return [*self, *bodies]


def record_frames(page) -> Frames:
    return Frames(page)


def join(page, server, code: str, name: str = "", discipline: str = "") -> None:
    page.goto(f"{server.url}/join/{code}")
    expect(page.get_by_role("heading", name="Welkom bij het spiegelgesprek")).to_be_visible()
    if name:
        page.get_by_label("Je naam (mag leeg blijven)").fill(name)
    if discipline:
        page.get_by_label("Je vak of functie (mag leeg blijven)").fill(discipline)
    page.get_by_role("button", name="Deelnemen").click()
    expect(page.locator("#screen-meeting")).to_be_visible()
    expect(page.locator("#conn")).to_have_attribute("data-state", "online")


def choose(page, control: str) -> None:
    """Tap a radio or checkbox the way a person does: on its visible label.

    The inputs themselves are visually hidden behind styled labels. Forcing a click on the
    input skips Playwright's checks that the target is stable and receives the tap, so on a
    busy machine the click could land while the page was still scrolling to the focused
    field. Tapping the label waits for both, and the state is then checked.
    """
    page.locator(f"label:has({control})").click()
    expect(page.locator(control)).to_be_checked()


def write_note(page, text: str, tags: tuple[str, ...] = ()) -> None:
    if page.locator("#mode").is_visible():
        choose(page, "#mode-note")
    page.locator("#note-text").fill(text)
    for tag in tags:
        choose(page, f'input[name="note-tag"][value="{tag}"]')
    page.locator("#note-save").click()
    expect(page.locator("#note-text")).to_have_value("")


def park_question(page, text: str) -> None:
    choose(page, "#mode-question")
    page.locator("#question-text").fill(text)
    page.locator("#question-save").click()
    expect(page.locator("#question-text")).to_have_value("")


def note_items(page):
    return page.locator("#note-list > li")


def wait_all_stored(page, count: int, timeout: float = 20000) -> None:
    expect(note_items(page)).to_have_count(count, timeout=timeout)
    expect(page.locator("#note-list .item-status.stored")).to_have_count(count, timeout=timeout)
    expect(page.locator("#conn-text")).not_to_contain_text("wacht", timeout=timeout)


def listener_snapshot(server, token: str) -> dict:
    """What the server holds for this listener, through a fresh connection with its token."""
    sio = socketio.SimpleClient()
    sio.connect(server.url, auth={"token": token}, transports=["websocket"])
    try:
        # The room's own messages (a `state` or `presence` sent while this socket joined) may
        # come first: the snapshot is the one this connection asked for.
        deadline = time.monotonic() + 20
        while True:
            event, data = sio.receive(timeout=max(0.1, deadline - time.monotonic()))
            if event == "snapshot":
                return data
    finally:
        sio.disconnect()


def stored_token(page, code: str) -> str:
    raw = page.evaluate("code => localStorage.getItem('spiegel.listener.' + code)", code)
    return json.loads(raw)["token"]


def shot(page, artifacts: Path, name: str) -> None:
    page.screenshot(path=str(artifacts / f"listener-{name}.png"), full_page=True)


# ------------------------------------------------------------------------------- tests
