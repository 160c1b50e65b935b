"""The room display on a 1080p projector and a 720p TV: every state fits the screen with the
longest texts the forms allow, the timer stays off the wall unless the moderator chose it, and
the clarifying question being asked is shown without its author."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from listener_support import Moderator
from moderator_support import Listener
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SCREENS = {"1080p projector": {"width": 1920, "height": 1080}, "720p TV": {"width": 1280, "height": 720}}
# As long as the forms allow (title 200, theme 1000, prepared question 500, clarifying question
# 1000 characters), in words, so lines break as in real text.
WORDS = "lange verzonnen woorden voor een scherm dat alles moet tonen zonder iets te verliezen "


def text_of(length: int) -> str:
    return (WORDS * (length // len(WORDS) + 1))[:length].strip()


def assert_fits(page, what: str, min_font_px: float, measured: dict | None = None) -> None:
    """Every part of the current view is inside the screen, and the main text is still readable
    (its size goes into `measured`, written next to the screenshots)."""
    size = page.viewport_size
    parts = page.locator("[data-fit]:visible")
    assert parts.count() > 0, what
    for i in range(parts.count()):
        box = parts.nth(i).bounding_box()
        assert box and box["y"] >= -1 and box["y"] + box["height"] <= size["height"] + 1, (what, i, box)
        assert box["x"] >= -1 and box["x"] + box["width"] <= size["width"] + 1, (what, i, box)
    main = page.locator("#stage-prompt:visible, #lobby-code:visible, #message-title:visible").first
    font = float(main.evaluate("n => parseFloat(getComputedStyle(n).fontSize)"))
    assert font >= min_font_px, f"{what}: main text only {font}px"
    if measured is not None:
        measured[what] = font


@pytest.mark.parametrize("screen", SCREENS, ids=list(SCREENS))
def test_every_display_state_fits_with_the_longest_texts(browser, live_server, no_third_party, artifacts, screen):
    server = live_server
    created = server.create_meeting(title=text_of(200), theme=text_of(1000),
                                    prepared=[{"id": "p1", "text": text_of(500)}])
    code = created["meeting"]["code"]
    mod = Moderator(server, created["moderator_key"])
    url = mod.call("display.link")["url"]
    viewport = SCREENS[screen]
    ctx = browser.new_context(viewport=viewport, locale="nl-NL")
    page = ctx.new_page()
    no_third_party(page)
    page.goto(url)
    name = screen.replace(" ", "-")
    readable = viewport["height"] / 45  # 24 px on 1080p, 16 px on 720p: legible from the back row
    fonts: dict[str, float] = {}

    expect(page.locator("#lobby-code")).to_have_text(code)
    expect(page.locator("#lobby")).to_contain_text("Je tablet blijft stil")
    assert_fits(page, "lobby with a 200-character title", readable, fonts)
    page.screenshot(path=str(artifacts / f"display-{name}-lobby.png"))

    mod.goto("listening")  # the common form starts the timer with the phase
    expect(page.locator("#stage-label")).to_have_text("Thema")
    expect(page.locator("#stage-timer")).to_be_hidden()  # off by default: no countdown on the wall
    assert_fits(page, "stage with a 1000-character theme", readable, fonts)
    page.screenshot(path=str(artifacts / f"display-{name}-theme.png"))

    mod.call("meeting.update", {"display_timer": True})
    expect(page.locator("#stage-timer")).to_have_text(re.compile(r"^(1:00:00|59:\d\d)$"))
    mod.call("prompt.set", {"id": "p1", "shown": True})
    expect(page.locator("#stage-label")).to_have_text("Vraag")
    assert_fits(page, "stage with a 500-character prepared question and the timer", readable, fonts)
    page.screenshot(path=str(artifacts / f"display-{name}-prompt.png"))

    mod.goto("questions")
    listener = Listener(server, code, name="Verzonnen Auteur", discipline="arts")
    qid = str(uuid.uuid4())
    assert listener.call("question.add", {"id": qid, "text": text_of(1000)})["ok"]
    mod.call("question.update", {"id": qid, "status": "selected"})
    mod.call("question.asking", {"id": qid})
    expect(page.locator("#stage-label")).to_have_text("Nu gevraagd")
    expect(page.locator("#stage-prompt")).to_have_text(text_of(1000))
    expect(page.locator("#screen")).not_to_contain_text("Verzonnen Auteur")
    assert_fits(page, "stage with a 1000-character question being asked", readable, fonts)
    page.screenshot(path=str(artifacts / f"display-{name}-asking.png"))
    mod.call("question.asking", {"id": None})
    expect(page.locator("#stage-label")).to_have_text("Vraag")  # back to the prepared question still shown

    mod.goto("ended")
    expect(page.locator("#message-title")).to_have_text("Dank je wel voor het luisteren")
    assert_fits(page, "thanks with a 200-character title", readable, fonts)
    (artifacts / f"display-{name}-fonts.json").write_text(json.dumps(fonts, indent=1))
    listener.close()
    mod.close()
    ctx.close()
