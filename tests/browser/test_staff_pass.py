"""A moderator screen reloaded while the worker sheds load does not wait behind the tablets:
refused at the handshake, it trades its key for a staff pass (server/staff_pass.py) and its
next handshake gets through at once, while a tablet's new socket is still refused.

A real `spiegel run` process with the `busy.hog` test plugin (tests/plugins/busy/) and a low
shedding threshold, as tests/browser/test_listener_busy.py; the moderator page in Chromium.
"""

from __future__ import annotations

import re

import pytest
from helpers import until
from listener_support import new_meeting
from moderator_support import moderator_page
from playwright.sync_api import expect
from test_listener_busy import WAIT_MS, busy_server, is_handshake, shedding

pytestmark = pytest.mark.browser


def test_a_refused_moderator_screen_gets_through_with_a_staff_pass(browser, tmp_path, no_third_party):
    server, mod = busy_server(tmp_path), None
    try:
        created, mod = new_meeting(server)
        url = f"{server.url}/moderate/{created['meeting']['id']}#key={created['moderator_key']}"
        ctx, page = moderator_page(browser, url, no_third_party)

        assert mod.call("busy.hog", {"on": True})["on"]
        until("the worker falls behind", lambda: shedding(server))

        # The reload's new socket is refused at its handshake; the page asks for a pass …
        # (With a threshold this low the page may have needed a pass already at its first
        # connect, on a busy machine: it starts this reload without one.)
        ctx.clear_cookies()
        handshakes = []
        page.on("request", lambda r: is_handshake(r) and handshakes.append(r))
        with (page.expect_response(lambda r: is_handshake(r) and r.status == 503, timeout=WAIT_MS),
              page.expect_response(lambda r: "/api/staff-pass" in r.url, timeout=WAIT_MS) as got):
            page.reload()
        assert got.value.status == 200 and got.value.json()["ok"] is True
        assert created["moderator_key"] not in got.value.url  # the key goes in a header, never in a URL

        # … and connects with it at once (socket.io's own retries were stopped: a handshake
        # without the pass would have been refused again, and a tablet's would wait `Retry-After`).
        expect(page.locator("#conn")).to_have_class(re.compile(r"\bok\b"), timeout=WAIT_MS)
        with_pass = [r for r in handshakes if "spiegel_staff_pass=" in (r.header_value("cookie") or "")]
        assert with_pass, [r.url for r in handshakes]
        assert with_pass[0].response().status == 200
        ctx.close()
    finally:
        if mod is not None:
            mod.call("busy.hog", {"on": False})
            mod.close()
        server.stop()
