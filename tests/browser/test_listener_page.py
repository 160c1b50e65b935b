"""Listener tablet (issue 4) in real headless Chromium against a real `spiegel run` process.

Each test creates its own meeting on one shared server; a python-socketio client holding the
moderator key drives the phases, exactly as the moderator screen would.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from chromium import tablet_context
from listener_support import (
    NOTE_LIMIT,
    SILENCE_PROBE,
    choose,
    code_of,
    join,
    listener_page,
    listener_snapshot,
    listening_tablet,
    new_meeting,
    note_items,
    park_question,
    record_frames,
    shot,
    stored_token,
    wait_all_stored,
    write_note,
)
from playwright.sync_api import expect

pytestmark = pytest.mark.browser



def test_join_by_code_and_by_url(browser, shared_live_server, no_third_party, artifacts):
    server = shared_live_server
    created, mod = new_meeting(server, title="Spiegelgesprek nazorg", theme="Nazorg na de diagnose")
    code = code_of(created)

    # By code on the start page, typed lower case with a space, as people do.
    ctx, page = listener_page(browser, no_third_party)
    page.goto(server.url + "/")
    expect(page.get_by_role("heading", name="Deelnemen aan een spiegelgesprek")).to_be_visible()
    page.get_by_label("Code van de bijeenkomst").fill(code.lower()[:3] + " " + code.lower()[3:])
    shot(page, artifacts, "00-start")
    page.get_by_role("button", name="Verder").click()
    expect(page).to_have_url(f"{server.url}/join/{code}")
    expect(page.get_by_text("Spiegelgesprek nazorg · Nazorg na de diagnose")).to_be_visible()
    expect(page.get_by_text("Je luistert alleen: niet reageren")).to_be_visible()
    # the discipline field suggests professions
    options = page.locator("#disciplines option").evaluate_all("els => els.map(e => e.value)")
    assert {"arts", "verpleegkundige", "psycholoog"} <= set(options)
    page.get_by_label("Je naam (mag leeg blijven)").fill("Anna")
    page.get_by_label("Je vak of functie (mag leeg blijven)").fill("verpleegkundige")
    shot(page, artifacts, "01-join")
    page.get_by_role("button", name="Deelnemen").click()
    expect(page.locator("#screen-meeting")).to_be_visible()
    expect(page.locator("#conn")).to_have_attribute("data-state", "online")
    expect(page.locator("#me")).to_contain_text("Anna, verpleegkundige")
    expect(page.locator("#idle")).to_be_visible()  # lobby: nothing to do yet
    shot(page, artifacts, "02-lobby")
    token = stored_token(page, code)
    snap = listener_snapshot(server, token)
    assert snap["me"]["name"] == "Anna" and snap["me"]["discipline"] == "verpleegkundige"

    # By URL (the QR code), anonymous.
    ctx2, page2 = listener_page(browser, no_third_party)
    join(page2, server, code)
    expect(page2.locator("#me")).to_contain_text("luisteraar zonder naam")
    assert stored_token(page2, code) != token

    # A wrong code: a kind message on the start page and on /join/<code>, never an error page.
    page2.goto(server.url + "/")
    page2.get_by_label("Code van de bijeenkomst").fill("QQQQQQQ")
    page2.get_by_role("button", name="Verder").click()
    expect(page2.locator("#start-error")).to_contain_text("Deze code kennen we niet")
    page2.goto(server.url + "/join/QQQQQQQ")
    expect(page2.get_by_role("heading", name="Deze code kennen we niet")).to_be_visible()
    expect(page2.get_by_role("link", name="Een andere code typen")).to_be_visible()
    shot(page2, artifacts, "01-unknown-code")
    assert not page.dialogs and not page2.dialogs
    ctx.close()
    ctx2.close()
    mod.close()


def test_closed_and_unopened_meetings_are_explained(browser, shared_live_server, no_third_party, artifacts):
    server = shared_live_server
    draft = server.create_meeting(title="Nog niet open", open=False)
    ctx, page = listener_page(browser, no_third_party)
    page.goto(f"{server.url}/join/{code_of(draft)}")
    expect(page.get_by_role("heading", name="Deze bijeenkomst is nog niet geopend")).to_be_visible()
    expect(page.locator("#join-form")).to_be_hidden()

    created, mod = new_meeting(server, title="Al afgelopen")
    mod.goto(mod.phases[-1]["key"])  # the last phase ends the meeting
    page.goto(f"{server.url}/join/{code_of(created)}")
    expect(page.get_by_role("heading", name="Deze bijeenkomst is gesloten")).to_be_visible()
    shot(page, artifacts, "01-closed")
    ctx.close()
    mod.close()


def test_listening_is_private_and_quiet(browser, shared_live_server, no_third_party, artifacts):
    server = shared_live_server
    created, mod = new_meeting(server, title="Spiegelgesprek kinderpalliatieve zorg")
    code = code_of(created)
    listening = mod.phase_key("note", "question")

    ctx_a, a = listener_page(browser, no_third_party)
    a.add_init_script(SILENCE_PROBE)
    frames_a = record_frames(a)
    ctx_b, b = listener_page(browser, no_third_party)
    b.add_init_script(SILENCE_PROBE)
    frames_b = record_frames(b)
    join(a, server, code, "Anna", "arts")
    join(b, server, code, "Bram", "psycholoog")

    mod.goto(listening)
    title = next(p["title"] for p in mod.phases if p["key"] == listening)
    title = title.get("nl") if isinstance(title, dict) else title
    for page in (a, b):
        expect(page.locator("#phase-title")).to_have_text(title)
        expect(page.locator("#note-text")).to_be_visible()
        expect(page.locator("#live")).to_contain_text(title)  # announced politely, not in a pop-up

    write_note(a, "ANNA-NOTE-1 De moeder voelde zich niet gehoord bij de overdracht.", ("improvement",))
    write_note(a, "ANNA-NOTE-2 Mooi hoe de verpleging de broertjes betrok.", ("positive",))
    park_question(a, "ANNA-Q-1 Wat bedoelde u met 'de tweede week'?")
    write_note(b, "BRAM-NOTE-1 Dit raakte me: de stilte na het gesprek.")
    park_question(b, "BRAM-Q-1 Wie belde u na het ontslag?")

    choose(a, "#mode-note")
    a.locator("#note-text").fill("ANNA-NOTE-3 Met Ctrl+Enter bewaard")
    a.keyboard.press("Control+Enter")  # keyboard cover: save without reaching for the button
    wait_all_stored(a, 3)
    wait_all_stored(b, 1)
    expect(a.locator("#note-list")).to_contain_text("Verbeterpunt")
    expect(a.locator("#question-list > li")).to_have_count(1)
    expect(a.locator("#question-list")).to_contain_text("Geparkeerd")
    choose(a, "#mode-note")
    shot(a, artifacts, "03-listening")

    # Nothing of the other listener, on the page or on the wire.
    time.sleep(0.5)
    for page, frames, other in ((a, frames_a, "BRAM"), (b, frames_b, "ANNA")):
        assert other not in page.content()
        assert not [f for f in frames.all() if other in f], f"{other} reached the other tablet's socket"
    assert len(frames_a.all()) > len(frames_a), "long-polling bodies were read too"
    own_seen = [f for f in frames_a.all() if "ANNA-NOTE-1" in f]
    assert own_seen, "the recorder saw no frames at all: the privacy check would prove nothing"

    # Silent: no dialogs, no sounds, no vibration, no notifications; the screen is kept awake.
    assert not a.dialogs and not b.dialogs
    assert a.locator("audio, video, [role=alertdialog], dialog[open]").count() == 0
    for page in (a, b):
        assert page.evaluate("window.__loud") == []
        assert "screen" in page.evaluate("window.__wake")

    # A half-written draft survives a phase change and comes back.
    a.locator("#note-text").fill("Half af: de vader zei dat")
    nxt = mod.phase_key(after=listening)
    mod.goto(nxt)
    nxt_title = next(p["title"] for p in mod.phases if p["key"] == nxt)
    nxt_title = nxt_title.get("nl") if isinstance(nxt_title, dict) else nxt_title
    expect(a.locator("#phase-title")).to_have_text(nxt_title)
    expect(a.locator("#live")).to_have_text(f"Nieuwe fase: {nxt_title}")
    expect(a.locator("#note-text")).to_have_value("Half af: de vader zei dat")
    assert not a.dialogs
    assert a.evaluate("window.__loud") == []
    for page, frames, other in ((a, frames_a, "BRAM"), (b, frames_b, "ANNA")):  # and still nothing foreign
        assert other not in page.content()
        assert not [f for f in frames.all() if other in f]
    mod.close()
    ctx_a.close()
    ctx_b.close()


def test_reload_keeps_identity_notes_and_drafts(browser, shared_live_server, no_third_party):
    server = shared_live_server
    code, mod, ctx, page = listening_tablet(browser, server, no_third_party, "Carla", "pedagogisch medewerker")
    write_note(page, "Eerste notitie voor herladen")
    write_note(page, "Tweede notitie voor herladen")
    wait_all_stored(page, 2)
    token = stored_token(page, code)
    page.locator("#note-text").fill("Een concept dat niet verloren mag gaan")

    page.reload()
    expect(page.locator("#screen-join")).to_be_hidden()
    expect(page.locator("#conn")).to_have_attribute("data-state", "online")
    wait_all_stored(page, 2)
    expect(page.locator("#note-text")).to_have_value("Een concept dat niet verloren mag gaan")
    assert stored_token(page, code) == token

    # Closing the tab and opening the link again (same tablet storage): same identity.
    page.close()
    page = ctx.new_page()
    page.goto(f"{server.url}/join/{code}")
    expect(page.locator("#me")).to_contain_text("Carla")
    wait_all_stored(page, 2)

    # Edit and delete own notes; the server follows.
    first_id = note_items(page).filter(has_text="Eerste notitie").get_attribute("data-id")
    first = page.locator(f'#note-list > li[data-id="{first_id}"]')
    first.get_by_role("button", name="Wijzigen").click()
    first.locator("textarea").fill("Eerste notitie, half gewijzigd")
    page.reload()  # an edit in progress survives a reload too
    expect(first.locator("textarea")).to_have_value("Eerste notitie, half gewijzigd")
    first.locator("textarea").fill("Eerste notitie, gewijzigd")
    # saved while offline: queued, sent when the connection is back
    ctx.set_offline(True)
    expect(page.locator("#conn")).to_have_attribute("data-state", "offline")
    first.get_by_role("button", name="Wijziging bewaren").click()
    expect(first.locator(".item-status")).to_have_text("Bewaard op dit apparaat · wordt verstuurd")
    second = note_items(page).filter(has_text="Tweede notitie")
    second.get_by_role("button", name="Verwijderen").click()
    second.get_by_role("button", name="Ja, verwijderen").click()
    expect(second.locator(".item-status")).to_have_text("Wordt verwijderd")
    ctx.set_offline(False)
    wait_all_stored(page, 1)
    expect(first.locator(".item-text")).to_have_text("Eerste notitie, gewijzigd")
    snap = listener_snapshot(server, token)
    assert [n["text"] for n in snap["notes"]] == ["Eerste notitie, gewijzigd"]
    assert snap["me"]["name"] == "Carla"
    mod.close()
    ctx.close()


def test_unknown_token_rejoins_and_resends_every_local_note(browser, shared_live_server, no_third_party):
    """The server no longer knows this tablet (token revoked, other server): join again, lose nothing."""
    server = shared_live_server
    code, mod, ctx, page = listening_tablet(browser, server, no_third_party, "Hanna")
    write_note(page, "Notitie die de server straks niet meer kent")
    park_question(page, "Vraag die mee moet verhuizen")
    wait_all_stored(page, 1)
    old_token = stored_token(page, code)
    page.evaluate(
        """c => { const k = 'spiegel.listener.' + c; const d = JSON.parse(localStorage.getItem(k));
                  d.token = 'token-that-no-server-knows'; localStorage.setItem(k, JSON.stringify(d)); }""",
        code,
    )
    page.reload()
    expect(page.locator("#join-notice")).to_contain_text("niet meer aangemeld", timeout=8000)
    expect(page.get_by_label("Je naam (mag leeg blijven)")).to_have_value("Hanna")
    page.get_by_role("button", name="Deelnemen").click()
    expect(page.locator("#conn")).to_have_attribute("data-state", "online")
    new_token = stored_token(page, code)
    assert new_token != old_token
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        snap = listener_snapshot(server, new_token)
        if snap["notes"] and snap["questions"]:
            break
        time.sleep(0.3)
    wait_all_stored(page, 1)
    expect(page.locator("#question-list .item-status.stored")).to_have_count(1)
    assert [n["text"] for n in snap["notes"]] == ["Notitie die de server straks niet meer kent"]
    assert [q["text"] for q in snap["questions"]] == ["Vraag die mee moet verhuizen"]
    mod.close()
    ctx.close()


def test_refusals_keep_the_draft(browser, shared_live_server, no_third_party, artifacts):
    server = shared_live_server
    code, mod, ctx, page = listening_tablet(browser, server, no_third_party)
    listening = mod.phase_key("note", "question")
    no_notes = mod.phase_key(without=("note",))

    # 1. Too long: shown before the server would refuse; nothing is cut off.
    long_text = "x" * (NOTE_LIMIT + 7)
    page.locator("#note-text").fill(long_text)
    expect(page.locator("#note-count")).to_have_text("7 tekens te veel")
    expect(page.locator("#note-save")).to_be_disabled()
    expect(page.locator("#note-status")).to_contain_text("De tekst is te lang")
    shot(page, artifacts, "04-too-long")
    page.reload()
    expect(page.locator("#note-text")).to_have_value(long_text)
    page.locator("#note-text").fill("x" * NOTE_LIMIT)
    expect(page.locator("#note-count")).to_have_text("nog 0 tekens")
    expect(page.locator("#note-save")).to_be_enabled()

    # 2. A note in a phase that allows none: the server refuses, the text comes back.
    page.locator("#note-text").fill("")
    ctx.set_offline(True)
    expect(page.locator("#conn")).to_have_attribute("data-state", "offline")
    write_note(page, "Geschreven zonder verbinding, na het luisteren verstuurd")
    expect(note_items(page).first).to_contain_text("Bewaard op dit apparaat")
    mod.goto(no_notes)
    ctx.set_offline(False)
    expect(page.locator("#note-status")).to_contain_text("Niet opgeslagen: dat kan in deze fase niet.")
    expect(page.locator("#note-text")).to_have_value("Geschreven zonder verbinding, na het luisteren verstuurd")
    expect(note_items(page)).to_have_count(0)
    expect(page.locator("#note-save")).to_be_disabled()
    shot(page, artifacts, "05-refused-phase")
    # the page itself also explains why it does not send now
    page.reload()
    expect(page.locator("#note-text")).to_have_value("Geschreven zonder verbinding, na het luisteren verstuurd")
    expect(page.locator("#note-status")).to_contain_text("Niet opgeslagen")

    # 3. The meeting closes while the tablet is offline with a note waiting.
    mod.goto(listening)
    expect(page.locator("#note-save")).to_be_enabled()
    page.locator("#note-text").fill("")
    ctx.set_offline(True)
    expect(page.locator("#conn")).to_have_attribute("data-state", "offline")
    write_note(page, "Laatste gedachte terwijl de bijeenkomst sloot")
    mod.goto(mod.phases[-1]["key"])  # ended
    mod.call("meeting.archive")  # and archived: closed for good
    ctx.set_offline(False)
    expect(page.locator("#note-text")).to_have_value("Laatste gedachte terwijl de bijeenkomst sloot")
    status = page.locator("#note-status")
    expect(status).to_have_text(
        "Niet opgeslagen: de bijeenkomst is gesloten, wijzigen kan niet meer. Je tekst staat weer in het vak hierboven."
    )
    expect(page.locator("#idle-title")).to_have_text("De bijeenkomst is afgelopen")
    shot(page, artifacts, "06-refused-closed")
    assert listener_snapshot(server, stored_token(page, code))["notes"] == []
    mod.close()
    ctx.close()


def test_later_phases_questions_share_export(browser, shared_live_server, no_third_party, artifacts):
    server = shared_live_server
    code, mod, ctx, page = listening_tablet(browser, server, no_third_party, "Dirk", "jeugdzorgwerker",
                                            title="Spiegelgesprek jeugdzorg")
    listening = mod.phase_key("note", "question")
    write_note(page, "Notitie om te delen in het verslag", ("improvement",))
    write_note(page, "Notitie die privé blijft")
    park_question(page, "Vraag die gekozen wordt")
    park_question(page, "Vraag die ik weer intrek")
    park_question(page, "Vraag die ik verwijder")
    park_question(page, "Vraag die vergrendeld raakt")
    expect(page.locator("#question-list .item-status.stored")).to_have_count(4)
    snap = listener_snapshot(server, stored_token(page, code))
    qids = {q["text"]: q["id"] for q in snap["questions"]}

    # Delete a parked question: allowed.
    item = page.locator("#question-list > li").filter(has_text="Vraag die ik verwijder")
    item.get_by_role("button", name="Verwijderen").click()
    item.get_by_role("button", name="Ja, verwijderen").click()
    expect(page.locator("#question-list > li")).to_have_count(3)

    # Deleting a question the moderator selected meanwhile is refused with the reason.
    ctx.set_offline(True)
    expect(page.locator("#conn")).to_have_attribute("data-state", "offline")
    item = page.locator("#question-list > li").filter(has_text="Vraag die vergrendeld raakt")
    item.get_by_role("button", name="Verwijderen").click()
    item.get_by_role("button", name="Ja, verwijderen").click()
    expect(item).to_contain_text("Wordt verwijderd")

    clarifying = mod.phase_key("question", after=listening)
    mod.goto(clarifying)
    for text in ("Vraag die gekozen wordt", "Vraag die vergrendeld raakt", "Vraag die ik weer intrek"):
        mod.call("question.update", {"id": qids[text], "status": "selected"})
    ctx.set_offline(False)
    expect(item.locator(".item-status")).to_have_text(
        "Niet verwijderd: de gespreksleider heeft deze vraag al gekozen. "
        "Verwijderen of wijzigen kan niet meer; intrekken wel."
    )
    expect(item.get_by_role("button", name="Opnieuw versturen")).to_have_count(0)
    expect(item).not_to_contain_text("Wordt verwijderd")
    expect(page.locator("#question-list")).to_contain_text("Gekozen")
    expect(page.locator("#questions-order")).to_be_visible()
    # positions come from the server, in asking order
    positions = [
        q["position"]
        for q in listener_snapshot(server, stored_token(page, code))["questions"]
        if q["status"] == "selected"
    ]
    assert sorted(positions) == [1, 2, 3]
    expect(page.locator("#question-list > li").first).to_contain_text("als 1e aan de beurt")
    # the moderator changes the asking order: the tablet follows, quietly
    order = ["Vraag die ik weer intrek", "Vraag die gekozen wordt", "Vraag die vergrendeld raakt"]
    mod.call("question.reorder", {"ids": [qids[t] for t in order]})
    expect(page.locator("#question-list > li").first).to_contain_text("Vraag die ik weer intrek")
    expect(page.locator("#question-list > li").first).to_contain_text("als 1e aan de beurt")
    expect(page.locator("#question-list > li").nth(2)).to_contain_text("als 3e aan de beurt")
    shot(page, artifacts, "07-clarifying")

    # Withdraw a selected question.
    withdraw = page.locator("#question-list > li").filter(has_text="Vraag die ik weer intrek")
    withdraw.get_by_role("button", name="Intrekken").click()
    expect(withdraw).to_contain_text("Ingetrokken")

    # Whatever later phases exist: render from listener_actions.
    keys = [p["key"] for p in mod.phases]
    for p in mod.phases[keys.index(clarifying) + 1 :]:
        acts = p.get("listener_actions") or []
        mod.goto(p["key"])
        title = p["title"].get("nl") if isinstance(p["title"], dict) else p["title"]
        expect(page.locator("#phase-title")).to_have_text(title)
        expect(page.locator("#turn")).to_be_hidden()  # turns and votes: test_listener_rounds.py
        if "share" in acts:
            li = note_items(page).filter(has_text="Notitie om te delen")
            li.get_by_label("Anoniem delen in het verslag").check()
            expect(li.locator(".item-status")).to_have_text("Opgeslagen")
        shot(page, artifacts, f"08-phase-{p['key']}")
    shared = [n for n in listener_snapshot(server, stored_token(page, code))["notes"] if n["shared"]]
    assert [n["text"] for n in shared] == ["Notitie om te delen in het verslag"]

    # At the end: take your notes with you.
    expect(page.locator("#export")).to_be_visible()
    with page.expect_download() as dl:
        page.get_by_role("button", name="Opslaan als tekstbestand").click()
    text = Path(dl.value.path()).read_text(encoding="utf-8")
    assert "Notitie om te delen in het verslag" in text and "Notitie die privé blijft" in text
    assert "Spiegelgesprek jeugdzorg" in text
    ctx.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Kopiëren").click()
    expect(page.locator("#export-status")).to_have_text("Gekopieerd.")
    assert "Notitie die privé blijft" in page.evaluate("navigator.clipboard.readText()")
    shot(page, artifacts, "09-ended")
    mod.close()
    ctx.close()


def test_language_follows_meeting_and_is_switchable(browser, shared_live_server, no_third_party, artifacts):
    server = shared_live_server
    created, mod = new_meeting(server, language="en", title="Mirror meeting")
    mod.goto(mod.phase_key("note", "question"))
    ctx, page = listener_page(browser, no_third_party)
    page.goto(f"{server.url}/join/{code_of(created)}")
    expect(page.get_by_role("heading", name="Welcome to the mirror meeting")).to_be_visible()
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_label("What struck me, what did I notice?")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#phase-title")).to_have_text("Listening")
    page.get_by_role("button", name="Wissel naar Nederlands").click()
    expect(page.get_by_label("Wat raakte me, wat viel me op?")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    # the phase follows the tablet's language too, not only the page's own words
    expect(page.locator("#phase-title")).to_have_text("Luisteren")
    expect(page.locator("#phase-rule")).to_contain_text("Alleen luisteren")
    page.reload()  # the choice sticks
    expect(page.get_by_label("Wat raakte me, wat viel me op?")).to_be_visible()

    # both catalogs carry every key, so no English screen shows a Dutch or raw string
    # (the catalogues the page itself loads, as served: shared texts and the listener's own)
    keys = page.evaluate(
        """async () => { const keys = {};
             for (const lang of ['nl', 'en']) {
               const parts = await Promise.all(['shared', 'listener'].map(
                 (f) => fetch(`/static/${f}/i18n/${lang}.json`).then((r) => r.json())));
               keys[lang] = Object.keys(Object.assign({}, ...parts)).sort();
             }
             return keys; }"""
    )
    assert keys["nl"] == keys["en"]
    # every error code of the protocol has a translation
    protocol = (Path(__file__).resolve().parents[2] / "docs" / "protocol.md").read_text()
    section = protocol.split("## Error codes", 1)[1]
    codes = re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.M)
    assert codes
    missing = [c for c in codes if f"error.{c}" not in keys["nl"]]
    assert not missing, missing
    mod.close()
    ctx.close()


def test_layouts_and_screenshots(browser, shared_live_server, no_third_party, artifacts):
    """Tablet landscape, phone, light theme and 200 % text: everything reachable, no sideways scrolling."""
    server = shared_live_server
    created, mod = new_meeting(server, title="Spiegelgesprek UMCG", theme="Samen beslissen")
    code = code_of(created)
    mod.goto(mod.phase_key("note", "question"))
    prompt_id = "22222222-2222-4222-8222-222222222222"
    mod.call("prepared.set", {"items": [{"id": prompt_id, "text": "Wat had u nodig in de eerste week?"}]})
    mod.call("prompt.set", {"id": prompt_id, "shown": True})
    mod.call("timer.start", {"seconds": 45 * 60})

    ctx, page = listener_page(browser, no_third_party, landscape=True)
    join(page, server, code, "Eva", "kinderarts")
    expect(page.locator("#timer")).to_contain_text(re.compile(r"nog ongeveer 4[45] min"))
    expect(page.locator("#prompt-text")).to_have_text("Wat had u nodig in de eerste week?")
    expect(page.locator("#note-link")).to_be_checked()
    write_note(page, "Ouders willen één vast aanspreekpunt.", ("improvement",))
    write_note(page, "De verpleegkundige belde zelf terug: dat gaf rust.", ("positive", "later"))
    park_question(page, "Bedoelt u de eerste week thuis of in het ziekenhuis?")
    choose(page, "#mode-note")
    wait_all_stored(page, 2)
    snap = listener_snapshot(server, stored_token(page, code))
    assert sorted(n["prompt_id"] or "" for n in snap["notes"]) == [prompt_id, prompt_id]
    shot(page, artifacts, "10-listening-landscape")

    def no_sideways_scroll(p):
        return p.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    assert no_sideways_scroll(page)
    page.get_by_role("button", name="Licht scherm").click()
    shot(page, artifacts, "11-listening-light")

    phone = ctx.browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, locale="nl-NL", is_mobile=True
    )
    p2 = phone.new_page()
    no_third_party(p2)
    join(p2, server, code)
    write_note(p2, "Op de telefoon werkt het ook.")
    assert no_sideways_scroll(p2)
    shot(p2, artifacts, "12-phone")
    p2.set_viewport_size({"width": 844, "height": 390})  # phone turned sideways
    assert no_sideways_scroll(p2)
    expect(p2.locator("#note-save")).to_be_visible()
    shot(p2, artifacts, "12-phone-landscape")
    phone.close()

    # 200 % text on the tablet (portrait): the root font size doubles, everything reflows
    portrait = tablet_context(browser)
    p3 = portrait.new_page()
    no_third_party(p3)
    p3.add_init_script(
        "document.addEventListener('DOMContentLoaded', () => document.documentElement.style.fontSize = '200%')"
    )
    join(p3, server, code, "Fleur")
    assert p3.evaluate("getComputedStyle(document.body).fontSize") == "40px"
    write_note(p3, "Tekst op 200 %: alles blijft bereikbaar.")
    assert no_sideways_scroll(p3)
    for sel in ("#note-save", "#lang-btn", "#theme-btn", "#mode-question"):
        p3.locator(sel).scroll_into_view_if_needed()
    expect(p3.locator("#note-list > li")).to_have_count(1)
    shot(p3, artifacts, "13-tablet-200pct-text")
    portrait.close()
    mod.close()
    ctx.close()
