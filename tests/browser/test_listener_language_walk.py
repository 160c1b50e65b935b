"""Every listener screen in one language (issue 8): a tablet in English shows no Dutch word, and a
Dutch one no English, from the start page to the erased meeting. What people wrote is the test's
own, in the walk's language; the language button (marked with the other `lang`) is skipped."""

from __future__ import annotations

import pytest
from language_support import assert_one_language
from listener_support import choose, code_of, listener_page, new_meeting, park_question, wait_all_stored, write_note
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

CONTENT = {
    "nl": {"title": "Spiegelgesprek nazorg (verzonnen)", "theme": "Hoe was de weg naar huis?",
           "note": "De moeder voelde zich alleen.", "q1": "Wie belde u na het ontslag?",
           "q2": "Hoe gaat het nu met de wachtlijst?", "name": "Noor"},
    "en": {"title": "Aftercare mirror meeting (made up)", "theme": "How was the way home?",
           "note": "The mother felt alone.", "q1": "Who called you after discharge?",
           "q2": "How is the waiting list now?", "name": "Noor"},
}


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_every_listener_screen_in_one_language(browser, shared_live_server, no_third_party, lang):
    server = shared_live_server
    c = CONTENT[lang]
    created, mod = new_meeting(server, title=c["title"], theme=c["theme"], language=lang)
    code = code_of(created)
    ctx, page = listener_page(browser, no_third_party)
    check = lambda where: assert_one_language(page, lang, f"listener: {where}")  # noqa: E731

    page.goto(server.url + "/")
    expect(page.locator("#start-title")).to_be_visible()
    if lang == "en":
        page.locator("#lang-btn").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
    check("start page")
    page.goto(f"{server.url}/join/{code}")
    expect(page.locator("#join-title")).to_be_visible()
    check("join")
    page.locator("#join-name").fill(c["name"])
    page.locator("#join-go").click()
    expect(page.locator("#conn")).to_have_attribute("data-state", "online")
    expect(page.locator("#idle")).to_be_visible()
    check("lobby")

    listening = mod.phase_key("note", "question")
    mod.goto(listening)
    expect(page.locator("#note-text")).to_be_visible()
    check("listening, note")
    park_question(page, c["q1"])
    park_question(page, c["q2"])
    write_note(page, c["note"], ("improvement",))
    wait_all_stored(page, 1)
    expect(page.locator("#question-list .item-status.stored")).to_have_count(2)
    check("listening, after parking")
    choose(page, "#mode-question")
    expect(page.locator("#question-form")).to_be_visible()
    check("listening, question")
    choose(page, "#mode-note")
    page.locator("#note-text").fill("x" * 4010)
    check("listening, too long")
    page.locator("#note-text").fill("")

    ctx.set_offline(True)
    expect(page.locator("#conn")).to_have_attribute("data-state", "offline")
    write_note(page, c["note"] + " 2")
    check("offline, one waiting")
    ctx.set_offline(False)
    wait_all_stored(page, 2)

    clarifying = mod.phase_key("question", after=listening)
    mod.goto(clarifying)
    ids = {li.get_attribute("data-id"): li.inner_text() for li in page.locator("#question-list > li").all()}
    q1 = next(i for i, text in ids.items() if c["q1"] in text)
    q2 = next(i for i, text in ids.items() if c["q2"] in text)
    mod.call("question.update", {"id": q1, "status": "selected"})
    mod.call("question.update", {"id": q2, "triage": "later"})
    mod.call("question.asking", {"id": q1})
    expect(page.locator("#asking")).to_be_visible()
    expect(page.locator(".q-later")).to_have_count(1)
    check("clarifying, asking, kept for later")

    mod.goto(mod.phases[-1]["key"])
    expect(page.locator("#erase")).to_be_visible()
    check("ended, export and erase")
    page.locator("#erase [data-action=erase]").click()
    expect(page.locator("#erase [data-action=erase-yes]")).to_be_visible()
    check("erase question")
    page.locator("#erase [data-action=erase-yes]").click()
    expect(page.locator("#message-title")).to_be_visible()
    check("cleared")
    mod.close()
    ctx.close()
