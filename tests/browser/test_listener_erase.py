"""Nothing of an erased meeting stays on a tablet (issue 9, the tablet's part): erased while
connected, erased while the tablet was offline, and cleared by hand at the end of a meeting.
Storage is read through Playwright's storage_state (no evaluated strings under the CSP)."""

from __future__ import annotations

import pytest
from listener_support import code_of, join, listener_page, new_meeting, park_question, wait_all_stored, write_note
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def kept_of(ctx, code: str) -> list[str]:
    """The localStorage keys this browser keeps for the meeting."""
    state = ctx.storage_state(indexed_db=True)
    keys = [item["name"] for origin in state["origins"] for item in origin.get("localStorage", [])]
    assert not any(origin.get("indexedDB") for origin in state["origins"]), "the page keeps nothing in IndexedDB"
    return [k for k in keys if code in k]


def erase(server, created) -> None:
    status, body = server.api("DELETE", f"/api/admin/meetings/{created['meeting']['id']}", admin=True)
    assert status == 200 and body["ok"], (status, body)


def writing(server, browser, no_third_party, name):
    created, mod = new_meeting(server)
    code = code_of(created)
    mod.goto(mod.phase_key("note", "question"))
    ctx, page = listener_page(browser, no_third_party)
    join(page, server, code, name)
    write_note(page, f"Notitie van {name} die niet mag blijven liggen")
    park_question(page, f"Vraag van {name}")
    wait_all_stored(page, 1)
    assert kept_of(ctx, code), "the tablet keeps the meeting before the erase"
    return created, mod, code, ctx, page


def test_erased_while_connected(browser, shared_live_server, no_third_party):
    server = shared_live_server
    created, mod, code, ctx, page = writing(server, browser, no_third_party, "Kees")
    mod.close()
    erase(server, created)
    expect(page.get_by_role("heading", name="Deze bijeenkomst is gewist")).to_be_visible(timeout=15000)
    expect(page.locator("#message-body")).to_have_text("Er staat niets meer van op dit apparaat.")
    expect(page.get_by_role("link", name="Een andere code typen")).to_have_attribute("href", "/")
    assert kept_of(ctx, code) == []
    assert "niet mag blijven liggen" not in page.content()
    page.reload()  # and it does not come back
    expect(page.get_by_role("heading", name="Deze code kennen we niet")).to_be_visible()
    assert kept_of(ctx, code) == []
    ctx.close()


def test_erased_while_the_tablet_was_offline(browser, shared_live_server, no_third_party):
    server = shared_live_server
    created, mod, code, ctx, page = writing(server, browser, no_third_party, "Lotte")
    mod.close()
    ctx.set_offline(True)
    expect(page.locator("#conn")).to_have_attribute("data-state", "offline")
    write_note(page, "Offline geschreven, kan nooit meer aankomen")
    erase(server, created)
    ctx.set_offline(False)
    expect(page.get_by_role("heading", name="Deze bijeenkomst is gewist")).to_be_visible(timeout=20000)
    assert kept_of(ctx, code) == []
    ctx.close()


def test_cleared_by_hand_at_the_end(browser, shared_live_server, no_third_party, artifacts):
    server = shared_live_server
    created, mod, code, ctx, page = writing(server, browser, no_third_party, "Mila")
    expect(page.locator("#erase")).to_be_hidden()  # not while the meeting runs
    mod.goto(mod.phases[-1]["key"])
    expect(page.locator("#idle-title")).to_have_text("De bijeenkomst is afgelopen")
    card = page.locator("#erase")
    expect(card).to_be_visible()
    # one thing still on its way: the question says what would be lost
    ctx.set_offline(True)
    expect(page.locator("#conn")).to_have_attribute("data-state", "offline")
    page.locator("#note-list > li").first.get_by_label("Anoniem delen in het verslag").check()
    card.get_by_role("button", name="Van dit apparaat wissen").click()
    expect(card).to_contain_text("Alles wat dit apparaat van deze bijeenkomst bewaart, wissen?")
    expect(card).to_contain_text("1 notitie of vraag is nog niet bij de server aangekomen en gaat verloren.")
    expect(card.get_by_role("button", name="Ja, wissen")).to_be_focused()
    card.get_by_role("button", name="Annuleren").click()  # changed my mind: everything stays
    expect(card.get_by_role("button", name="Van dit apparaat wissen")).to_be_focused()
    assert kept_of(ctx, code)
    ctx.set_offline(False)
    expect(page.locator("#conn-text")).not_to_contain_text("wacht")
    card.get_by_role("button", name="Van dit apparaat wissen").click()
    expect(card).not_to_contain_text("gaat verloren")
    card.get_by_role("button", name="Ja, wissen").click()
    expect(page.get_by_role("heading", name="Gewist van dit apparaat")).to_be_visible()
    assert kept_of(ctx, code) == []
    assert not page.dialogs, "asked on the page, never in a browser dialog"
    page.screenshot(path=str(artifacts / "listener-21-cleared.png"), full_page=True)
    # opening the link again: the closed meeting's message, and nothing of it here
    page.goto(f"{server.url}/join/{code}")
    expect(page.get_by_role("heading", name="Deze bijeenkomst is gesloten")).to_be_visible()
    expect(page.locator("#message-erase")).to_be_hidden()
    mod.close()
    ctx.close()
