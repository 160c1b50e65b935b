"""What the moderator browser tests share: listener sockets, the run screen, the room display,
the admin page."""

from __future__ import annotations

import re
import threading
import time
import uuid

import socketio
from playwright.sync_api import expect

LAPTOP = {"width": 1366, "height": 860}
PROJECTOR = {"width": 1280, "height": 720}
ADMIN_LAPTOP = {"width": 1366, "height": 900}


class Listener:
    """A listener tablet as a socket: records every event the server sends it."""

    def __init__(self, server, code: str, **fields):
        joined = server.join(code, **fields)
        self.token = joined["token"]
        self.id = joined["participant"]["id"]
        self.events: list[tuple[str, object]] = []
        self.lock = threading.Lock()
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("*", self._record)
        self.sio.connect(server.url, auth={"token": self.token}, transports=["websocket"], wait_timeout=10)
        self.wait_for(lambda e, d: e == "snapshot")

    def _record(self, event, data=None):
        with self.lock:
            self.events.append((event, data))

    def mark(self) -> int:
        """A point in the event log: wait_for(..., since=mark) only looks at later events."""
        with self.lock:
            return len(self.events)

    def wait_for(self, match, timeout: float = 5.0, since: int = 0):
        """The first recorded event (after `since`) for which match(event, data) is true."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                for event, data in self.events[since:]:
                    if match(event, data):
                        return data
            time.sleep(0.02)
        with self.lock:
            seen = [e for e, _ in self.events]
        raise AssertionError(f"listener never got the expected event; got {seen}")

    def wait_question(self, qid: str, timeout: float = 5.0, since: int = 0, **want):
        def match(event, data):
            if event != "question":
                return False
            q = data["question"]
            return q["id"] == qid and all(q.get(k) == v for k, v in want.items())

        return self.wait_for(match, timeout, since)["question"]

    def wait_phase(self, key: str, timeout: float = 5.0):
        return self.wait_for(lambda e, d: e == "state" and d["phase"]["key"] == key, timeout)

    def call(self, event: str, payload: dict | None = None) -> dict:
        return self.sio.call(event, payload or {}, timeout=10)

    def park(self, text: str) -> str:
        qid = str(uuid.uuid4())
        ack = self.call("question.add", {"id": qid, "text": text})
        assert ack["ok"], ack
        return qid

    def close(self) -> None:
        self.sio.disconnect()


def _watched_page(browser, viewport, no_third_party, **context):
    """A Dutch page in a new context that fails on outside requests and records script errors
    in `page.errors`."""
    ctx = browser.new_context(viewport=viewport, locale="nl-NL", **context)
    page = ctx.new_page()
    no_third_party(page)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.errors = errors
    return ctx, page


def moderator_page(browser, url: str, no_third_party, viewport=LAPTOP, **context):
    """The run screen in a laptop-sized window, connected; `context` goes to browser.new_context."""
    ctx, page = _watched_page(browser, viewport, no_third_party, **context)
    page.goto(url)
    expect(page.locator("#main")).to_be_visible()
    expect(page.locator("#conn")).to_have_class(re.compile(r"\bok\b"))
    return ctx, page


def open_display(browser, page, no_third_party, **context):
    """Create a room display link through the moderator's menu and open it like a projector would."""
    page.locator("#btn-menu").click()
    page.locator("#mi-display").click()
    page.locator("#display-create").click()
    url_field = page.locator("#display-out input.once-url")
    expect(url_field).to_have_value(re.compile(r"/display/\w+#key="))
    url = url_field.input_value()
    page.locator("#dlg-x").click()
    ctx = browser.new_context(viewport=PROJECTOR, locale="nl-NL", **context)
    display = ctx.new_page()
    no_third_party(display)
    display.goto(url)
    return ctx, display, url



def next_phase(page, title: str) -> None:
    page.locator("#btn-next").click()
    expect(page.locator("#phase-title")).to_have_text(title)


def admin_page(browser, server, no_third_party, **context):
    """The admin page, signed out and started; `context` goes to browser.new_context.

    The page's code waits for its catalogues before it listens (a module's top-level await,
    which the load event does not wait for): the sign-in form, shown by that code, says it
    has started."""
    ctx, page = _watched_page(browser, ADMIN_LAPTOP, no_third_party, **context)
    page.goto(f"{server.url}/admin")
    expect(page.locator("#login")).to_be_visible()
    return ctx, page


def sign_in(page, server) -> None:
    """Sign in on the admin page's form with the server's password, and wait for the app."""
    page.locator("#password").fill(server.admin_password)
    page.locator("#login-form button[type=submit]").click()
    expect(page.locator("#app")).to_be_visible()


def signed_in_admin(browser, server, no_third_party, **context):
    """The admin page, signed in."""
    ctx, page = admin_page(browser, server, no_third_party, **context)
    sign_in(page, server)
    return ctx, page
