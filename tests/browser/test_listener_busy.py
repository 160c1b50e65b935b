"""A tablet whose new socket is refused at the HTTP handshake by a worker that is behind
(server/load_shed.py: 503, `Retry-After`, `server_busy`) waits the time the server named
before it tries again, keeps what it writes meanwhile, and stores it once the worker caught up.

A real `spiegel run` process with the `busy.hog` test plugin (tests/plugins/busy/) and a low
shedding threshold, as tests/test_load_shed.py; the listener page in Chromium.
"""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest
from helpers import LiveServer, until
from listener_support import (
    code_of,
    join,
    listener_page,
    listener_snapshot,
    new_meeting,
    stored_token,
    wait_all_stored,
    write_note,
)
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PLUGINS = Path(__file__).resolve().parent.parent / "plugins" / "busy"
WAIT_MS = 60_000  # the longest retry_after (30 s) spread by half again, and a shared machine


def shedding(server) -> bool:
    with urllib.request.urlopen(server.url + "/healthz", timeout=30) as r:
        return json.loads(r.read())["load"]["shedding"]


def is_handshake(response) -> bool:
    """The first request of a new Engine.IO session: the Socket.IO path without `sid`."""
    return "/socket.io/" in response.url and "sid=" not in response.url


def busy_server(tmp_path: Path) -> LiveServer:
    """A `spiegel run` that sheds past 50 ms of lag, with the `busy.hog` event to make it lag."""
    return LiveServer(instance=tmp_path / "instance", extra_env={
        "SPIEGEL_SHED_LAG_MS": "50", "SPIEGEL_PLUGINS_DIR": str(PLUGINS)}).start()


def test_a_refused_handshake_makes_the_tablet_wait_as_told_and_lose_nothing(browser, tmp_path, no_third_party):
    server, mod = busy_server(tmp_path), None
    try:
        created, mod = new_meeting(server)
        code = code_of(created)
        mod.goto(mod.phase_key("note", "question"))
        ctx, page = listener_page(browser, no_third_party)
        join(page, server, code, "Noor", "arts")
        token = stored_token(page, code)
        write_note(page, "Voor de drukte: de dochter wachtte buiten")
        wait_all_stored(page, 1)

        assert mod.call("busy.hog", {"on": True})["on"]
        until("the worker falls behind", lambda: shedding(server))

        # A reload makes a new socket: its handshake is refused with a wait to honour.
        with page.expect_response(lambda r: is_handshake(r) and r.status == 503, timeout=WAIT_MS) as refused:
            page.reload()
        first = refused.value
        retry_after = int(first.headers["retry-after"])
        body = first.json()
        assert body["ok"] is False and body["error"]["code"] == "server_busy"
        assert body["error"]["retry_after"] == retry_after
        expect(page.locator("#conn")).not_to_have_attribute("data-state", "online")
        write_note(page, "In de drukte: niemand zei iets over de pijn")
        expect(page.locator("#note-list .item-status.local")).to_have_count(1)

        # socket.io's own retry would come within a second; the page waits what the server said.
        again = page.wait_for_event("response", is_handshake, timeout=WAIT_MS)
        gap_ms = again.request.timing["startTime"] - first.request.timing["startTime"]
        assert gap_ms >= retry_after * 1000 - 100, (gap_ms, retry_after)  # a lower bound: the page's own timer

        # The worker catches up: the tablet connects and sends what it kept, once.
        assert mod.call("busy.hog", {"on": False})["on"] is False
        expect(page.locator("#conn")).to_have_attribute("data-state", "online", timeout=WAIT_MS)
        wait_all_stored(page, 2, timeout=WAIT_MS)
        texts = sorted(n["text"] for n in listener_snapshot(server, token)["notes"])
        assert texts == ["In de drukte: niemand zei iets over de pijn", "Voor de drukte: de dochter wachtte buiten"]
        ctx.close()
    finally:
        if mod is not None:
            mod.close()
        server.stop()
