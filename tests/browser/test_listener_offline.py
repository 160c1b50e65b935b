"""Never lose a note: offline for a while, the server stopped and started again, lost acks.

The server is a real `spiegel run` process with its own instance folder (database), stopped
and started on the same port and database, while Chromium is set offline.
"""

from __future__ import annotations

import json

import pytest
from listener_support import (
    Moderator,
    join,
    listener_page,
    listener_snapshot,
    shot,
    stored_token,
    wait_all_stored,
    write_note,
)
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_reload_without_wifi_shows_the_page_and_keeps_writing(browser, live_server, no_third_party):
    """The tablet sleeps, the browser discards the tab, the Wi-Fi is gone: the page reloads
    from the service worker's shell, with every note, and a new note waits for the network."""
    server = live_server
    created = server.create_meeting(title="Herladen zonder wifi")
    code = created["meeting"]["code"]
    mod = Moderator(server, created["moderator_key"])
    mod.goto(mod.phase_key("note", "question"))
    mod.close()

    ctx, page = listener_page(browser, no_third_party)
    join(page, server, code, "Sanne", "arts")
    token = stored_token(page, code)
    write_note(page, "Voor het herladen: de vader zat alleen op de gang")
    wait_all_stored(page, 1)
    page.reload()  # the first load registers the service worker; from now on it controls the page
    # `ready` resolves once a worker is active; the next load is then controlled by it.
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    assert page.evaluate("() => navigator.serviceWorker.controller !== null")

    ctx.set_offline(True)
    page.reload()
    expect(page.locator("#note-list")).to_contain_text("de vader zat alleen op de gang")
    expect(page.locator("#conn")).not_to_have_attribute("data-state", "online")
    write_note(page, "Na het herladen, zonder wifi: de zus werd vergeten")
    expect(page.locator("#note-list .item-status.local")).to_have_count(1)

    ctx.set_offline(False)
    wait_all_stored(page, 2, timeout=30000)
    texts = sorted(n["text"] for n in listener_snapshot(server, token)["notes"])
    assert texts == ["Na het herladen, zonder wifi: de zus werd vergeten",
                     "Voor het herladen: de vader zat alleen op de gang"]
    ctx.close()


def test_twenty_notes_offline_and_across_a_server_restart(browser, live_server, no_third_party, artifacts):
    server = live_server
    created = server.create_meeting(title="Spiegelgesprek op slechte wifi")
    code = created["meeting"]["code"]
    mod = Moderator(server, created["moderator_key"])
    mod.goto(mod.phase_key("note", "question"))
    mod.close()

    ctx, page = listener_page(browser, no_third_party)
    join(page, server, code, "Femke", "verpleegkundige")
    token = stored_token(page, code)
    expected = ["Online 1: de moeder begon te huilen", "Online 2: niemand vroeg naar de broer"]
    for text in expected:
        write_note(page, text)
    wait_all_stored(page, 2)

    # Wi-Fi drops: ten notes, each saved on the tablet at once.
    ctx.set_offline(True)
    expect(page.locator("#conn")).to_have_attribute("data-state", "offline")
    for i in range(1, 11):
        text = f"Offline {i:02d}: wat me raakte, deel {i}"
        write_note(page, text)
        expected.append(text)
    expect(page.locator("#note-list .item-status.local")).to_have_count(10)
    expect(page.locator("#note-list .item-status.local").first).to_have_text(
        "Bewaard op dit apparaat · wordt verstuurd"
    )
    expect(page.locator("#conn-text")).to_have_text("Geen verbinding · 10 bewaard op dit apparaat")

    # The server goes down too (and comes back later on the same database).
    server.stop()
    for i in range(11, 21):
        text = f"Offline {i:02d}: wat me raakte, deel {i}"
        write_note(page, text)
        expected.append(text)
    # a half-written draft is there too
    page.locator("#note-text").fill("Nog niet af")
    shot(page, artifacts, "14-offline-20-waiting")
    expect(page.locator("#note-list .item-status.local")).to_have_count(20)

    # Wi-Fi is back, the server is not: the page keeps trying, quietly.
    ctx.set_offline(False)
    expect(page.locator("#conn")).to_have_attribute("data-state", "connecting", timeout=10000)
    page.wait_for_timeout(1500)
    expect(page.locator("#note-list .item-status.local")).to_have_count(20)

    server.start()
    wait_all_stored(page, 22, timeout=30000)
    expect(page.locator("#conn")).to_have_attribute("data-state", "online")
    expect(page.locator("#note-text")).to_have_value("Nog niet af")

    snap = listener_snapshot(server, token)
    texts = [n["text"] for n in snap["notes"]]
    assert sorted(texts) == sorted(expected), "every note stored exactly once"
    assert len({n["id"] for n in snap["notes"]}) == 22
    local_ids = set(json.loads(page.evaluate("c => localStorage.getItem('spiegel.listener.' + c)", code))["notes"])
    assert local_ids == {n["id"] for n in snap["notes"]}, "tablet and server agree on the ids"

    # A lost ack: the tablet believes note 5 never arrived and sends it again after a reload.
    # The server answers duplicate:true; the note still exists once.
    page.evaluate(
        """c => {
          const key = 'spiegel.listener.' + c;
          const d = JSON.parse(localStorage.getItem(key));
          const n = Object.values(d.notes).find(n => n.text.startsWith('Offline 05'));
          n.server = null;
          d.seq += 1;
          d.outbox.push({seq: d.seq, event: 'note.add', payload: {id: n.id, text: n.text, tags: []},
                         itemKind: 'notes', itemId: n.id});
          localStorage.setItem(key, JSON.stringify(d));
        }""",
        code,
    )
    page.reload()
    wait_all_stored(page, 22)
    snap = listener_snapshot(server, token)
    assert sorted(n["text"] for n in snap["notes"]) == sorted(expected)

    # A hard crash (SIGKILL) after the acks: nothing acknowledged is lost.
    server.kill()
    server.start()
    expect(page.locator("#conn")).to_have_attribute("data-state", "online", timeout=20000)
    snap = listener_snapshot(server, token)
    assert len(snap["notes"]) == 22
    wait_all_stored(page, 22)
    ctx.close()
