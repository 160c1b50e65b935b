"""What listeners tripped over on tablets and phones (issue 8, "The listener tablet" and the
listener's words), each checked in real Chromium against a real `spiegel run` process."""

from __future__ import annotations

import re

import pytest
from chromium import phone_context
from listener_support import (
    NOTE_LIMIT,
    code_of,
    join,
    listener_page,
    listener_snapshot,
    listening_tablet,
    new_meeting,
    note_items,
    park_question,
    shot,
    stored_token,
    wait_all_stored,
    write_note,
)
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

WIDEST_RIGHT = """() => Math.max(...[...document.querySelectorAll('body *')]
  .filter((e) => e.getClientRects().length).map((e) => e.getBoundingClientRect().right))"""


def test_after_parking_a_question_the_composer_is_private_again(browser, shared_live_server, no_third_party):
    server = shared_live_server
    code, mod, ctx, page = listening_tablet(browser, server, no_third_party, "Iris")
    park_question(page, "Wat bedoelde u met de tweede opname?")
    # back on the private note, said in words, and the cursor is there to write on
    expect(page.locator("#mode-note")).to_be_checked()
    expect(page.locator("#note-form")).to_be_visible()
    expect(page.locator("#question-form")).to_be_hidden()
    expect(page.locator("#note-status")).to_contain_text("Je vraag is geparkeerd voor het eind")
    expect(page.locator("#note-text")).to_be_focused()
    expect(page.locator("#live")).to_contain_text("Je vraag is geparkeerd")
    # the next thought goes where the screen says: a note, not a second question
    page.keyboard.type("Voor mezelf: de stilte na de vraag over de opname.")
    page.locator("#note-save").click()
    wait_all_stored(page, 1)
    expect(page.locator("#question-list .item-status.stored")).to_have_count(1)
    snap = listener_snapshot(server, stored_token(page, code))
    assert [q["text"] for q in snap["questions"]] == ["Wat bedoelde u met de tweede opname?"]
    assert [n["text"] for n in snap["notes"]] == ["Voor mezelf: de stilte na de vraag over de opname."]
    # a reload keeps the note mode too
    page.reload()
    expect(page.locator("#mode-note")).to_be_checked()
    mod.close()
    ctx.close()


def test_a_360px_phone_at_200_percent_text_scrolls_only_down(browser, shared_live_server, no_third_party, artifacts):
    server = shared_live_server
    created, mod = new_meeting(
        server, title="Spiegelgesprek kinderpalliatieve zorg in de regio", theme="Nazorg na de diagnose"
    )
    code = code_of(created)
    mod.goto(mod.phase_key("note", "question"))
    ctx = phone_context(browser)
    page = ctx.new_page()
    no_third_party(page)
    page.add_init_script(
        "document.addEventListener('DOMContentLoaded', () => document.documentElement.style.fontSize = '200%')"
    )

    def fits(where: str) -> None:
        width = page.evaluate("window.innerWidth")
        assert width == 360, f"{where}: the layout viewport grew to {width} px (something is too wide)"
        assert page.evaluate("document.documentElement.scrollWidth") <= 361, f"{where}: sideways scroll"
        assert page.evaluate(WIDEST_RIGHT) <= 361, f"{where}: something sticks out on the right"

    page.goto(f"{server.url}/join/{code}")
    expect(page.locator("#join-go")).to_be_visible()
    assert page.evaluate("getComputedStyle(document.body).fontSize") == "36.8px"  # 1.15rem at 200 %
    fits("join screen")
    page.get_by_role("button", name="Deelnemen").click()
    expect(page.locator("#note-text")).to_be_visible()
    fits("listening")
    header = page.locator("#bar").bounding_box()
    assert header and header["height"] <= 0.4 * 740, f"the header takes {header} of a 740 px screen"
    # the switch between note and question fits, and both halves can be tapped
    mode = page.locator("#mode").bounding_box()
    assert mode and mode["x"] >= 0 and mode["x"] + mode["width"] <= 360
    page.locator("#mode-question-wrap").click()
    expect(page.locator("#question-form")).to_be_visible()
    fits("question mode")
    page.locator("#mode-note-wrap").click()
    write_note(page, "Op de telefoon, met grote letters.", ("improvement",))
    wait_all_stored(page, 1)
    fits("with a note")
    shot(page, artifacts, "18-phone-360-200pct")
    mod.close()
    ctx.close()


def test_sharing_is_explained_on_screen_with_a_big_enough_box(browser, shared_live_server, no_third_party, artifacts):
    server = shared_live_server
    code, mod, ctx, page = listening_tablet(browser, server, no_third_party)
    write_note(page, "Deze notitie mag anoniem in het verslag.")
    wait_all_stored(page, 1)
    expect(page.locator("#share-help")).to_be_hidden()  # no sharing while listening
    mod.goto(mod.phase_key("share"))
    item = note_items(page).first
    box = item.get_by_label("Anoniem delen in het verslag")
    expect(box).to_be_visible()
    # the explanation is on the screen, not in a hover tooltip a tablet cannot show
    help_text = page.locator("#share-help")
    expect(help_text).to_be_visible()
    expect(help_text).to_have_text("Zonder je naam. Alleen de tekst komt in het verslag, na de bijeenkomst.")
    expect(box).to_have_accessible_description(re.compile("Zonder je naam"))
    assert item.locator("[title]").count() == 0 and item.locator(".share").get_attribute("title") is None
    # WCAG 2.2 target size: the box itself is at least 24 × 24 CSS px, the whole line is tappable
    size = box.bounding_box()
    assert size and size["width"] >= 24 and size["height"] >= 24, size
    row = item.locator(".share").bounding_box()
    assert row and row["height"] >= 44, row
    item.locator(".share-text").click()
    expect(box).to_be_checked()
    expect(item.locator(".item-status")).to_have_text("Opgeslagen")
    assert [n["shared"] for n in listener_snapshot(server, stored_token(page, code))["notes"]] == [True]
    shot(page, artifacts, "19-share-explained")
    mod.close()
    ctx.close()


def test_warnings_look_like_warnings_and_point_the_right_way(browser, shared_live_server, no_third_party):
    server = shared_live_server
    code, mod, ctx, page = listening_tablet(browser, server, no_third_party)
    status = page.locator("#note-status")
    hint_colour = page.locator("#note-hint").evaluate("e => getComputedStyle(e).color")
    warn_colour = page.evaluate(
        """() => { const p = document.createElement('p'); p.style.color = 'var(--warn)';
                   document.body.append(p); const c = getComputedStyle(p).color; p.remove(); return c; }"""
    )
    assert warn_colour != hint_colour

    # over-length: a real warning, tied to the field, not grey small print
    page.locator("#note-text").fill("x" * (NOTE_LIMIT + 3))
    expect(status).to_contain_text("De tekst is te lang")
    expect(status).to_have_class(re.compile(r"\bwarn\b"))
    assert status.evaluate("e => getComputedStyle(e).color") == warn_colour
    expect(page.locator("#note-text")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#note-text")).to_have_accessible_description(re.compile("De tekst is te lang"))
    page.locator("#note-text").fill("Kort genoeg")
    expect(status).to_have_text("")
    expect(status).not_to_have_class(re.compile(r"\bwarn\b"))

    # refused: the text is back in the box, and the message says where that box is
    page.locator("#note-text").fill("")
    ctx.set_offline(True)
    expect(page.locator("#conn")).to_have_attribute("data-state", "offline")
    write_note(page, "Geschreven zonder verbinding")
    mod.goto(mod.phase_key(without=("note",)))
    ctx.set_offline(False)
    expect(status).to_contain_text("Je tekst staat weer in het vak hierboven.")
    expect(status).to_have_class(re.compile(r"\bwarn\b"))
    box, msg = page.locator("#note-text").bounding_box(), status.bounding_box()
    assert box and msg and msg["y"] >= box["y"] + box["height"], "the message stands below the box it points up to"
    expect(page.locator("#note-text")).to_have_value("Geschreven zonder verbinding")
    mod.close()
    ctx.close()


def test_a_question_kept_for_later_is_told_so_kindly(browser, shared_live_server, no_third_party, artifacts):
    server = shared_live_server
    code, mod, ctx, page = listening_tablet(browser, server, no_third_party, "Joost")
    park_question(page, "Kunnen we het ook over de wachtlijsten hebben?")
    item = page.locator("#question-list > li").first
    expect(item.locator(".item-status")).to_have_text("Opgeslagen")
    expect(item).to_contain_text("Geparkeerd")
    qid = item.get_attribute("data-id")
    mod.call("question.update", {"id": qid, "triage": "later"})
    expect(item.locator(".qstatus")).to_have_text("Bewaard voor later")
    expect(item).to_contain_text("Dit onderwerp komt niet in deze vragenronde, maar het is niet weg.")
    expect(item).not_to_contain_text("Geparkeerd")
    shot(page, artifacts, "20-question-later")
    page.get_by_role("button", name="English").click()
    expect(item.locator(".qstatus")).to_have_text("Kept for later")
    page.get_by_role("button", name="Nederlands").click()
    # back to clarifying: parked again, as before
    mod.call("question.update", {"id": qid, "triage": "clarifying"})
    expect(item.locator(".qstatus")).to_have_text("Geparkeerd")
    expect(item.locator(".q-explain")).to_have_count(0)
    mod.close()
    ctx.close()


def test_words_fit_every_device_in_both_languages(browser, shared_live_server, no_third_party):
    """No "tablet" on a phone's screen; "saved on this device" in English; no "time is up"."""
    server = shared_live_server
    created, mod = new_meeting(server)
    code = code_of(created)
    mod.goto(mod.phase_key("note", "question"))
    mod.call("timer.start", {"seconds": 1})  # runs out at once: only staff are told
    ctx, page = listener_page(browser, no_third_party)
    join(page, server, code)
    write_note(page, "Een notitie")
    wait_all_stored(page, 1)
    expect(page.locator("#timer")).to_be_hidden()
    for lang in ("nl", "en"):
        if lang == "en":
            page.get_by_role("button", name="Switch to English").click()
            expect(page.locator("html")).to_have_attribute("lang", "en")
        ctx.set_offline(True)
        expect(page.locator("#conn")).to_have_attribute("data-state", "offline")
        page.locator("#note-text").fill(f"Zonder verbinding ({lang})")
        page.locator("#note-save").click()
        expect(page.locator("#note-status")).to_have_text(
            "Bewaard op dit apparaat." if lang == "nl" else "Saved on this device."
        )
        expect(page.locator("#conn-text")).to_have_text(
            "Geen verbinding · 1 bewaard op dit apparaat" if lang == "nl" else "No connection · 1 saved on this device"
        )
        text = page.locator("body").inner_text().lower()
        assert "tablet" not in text, f"{lang}: 'tablet' on a screen that may be a phone"
        assert "tijd is om" not in text and "time is up" not in text
        ctx.set_offline(False)
        expect(page.locator("#conn")).to_have_attribute("data-state", "online")
        wait_all_stored(page, 2 if lang == "nl" else 3)
    mod.close()
    ctx.close()


def test_now_asking_is_shown_calmly_and_the_author_is_not_told_to_speak(browser, shared_live_server, no_third_party):
    server = shared_live_server
    created, mod = new_meeting(server)
    code = code_of(created)
    listening = mod.phase_key("note", "question")
    mod.goto(listening)
    ctx_a, author = listener_page(browser, no_third_party)
    ctx_b, other = listener_page(browser, no_third_party)
    join(author, server, code, "Noor")
    join(other, server, code, "Olaf")
    park_question(author, "Wat gebeurde er in het weekend?")
    item = author.locator("#question-list > li").first
    expect(item.locator(".item-status")).to_have_text("Opgeslagen")
    qid = item.get_attribute("data-id")
    clarifying = mod.phase_key("question", after=listening)
    mod.goto(clarifying)
    phase = next(p for p in mod.phases if p["key"] == clarifying)
    mod.call("question.update", {"id": qid, "status": "selected"})
    mod.call("question.asking", {"id": qid})
    expect(author.locator("#asking-text")).to_have_text("Nu gevraagd: Wat gebeurde er in het weekend?")
    speak = "Je mag hem nu zelf stellen." if phase.get("asker_speaks") else "De gespreksleider leest hem voor."
    expect(author.locator("#asking-own")).to_have_text(f"Je vraag wordt nu gesteld. {speak}")
    expect(other.locator("#asking-text")).to_have_text("Nu gevraagd: Wat gebeurde er in het weekend?")
    expect(other.locator("#asking-own")).to_be_hidden()
    assert "Noor" not in other.locator("#asking").inner_text()
    assert not author.dialogs and not other.dialogs
    mod.call("question.asking", {"id": None})
    expect(author.locator("#asking")).to_be_hidden()
    expect(other.locator("#asking")).to_be_hidden()
    mod.close()
    ctx_a.close()
    ctx_b.close()
