"""The admin page after creating a meeting (issue 8): a lost moderator link can be replaced
(the old one stops working), a meeting is opened and edited from the list, a missing title is
said next to the field, and the A4 invitation stays on one page with a long title."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from chromium import expect_image_loaded
from moderator_support import admin_page, moderator_page, sign_in
from playwright.sync_api import expect
from test_moderator_admin import decode_qr

pytestmark = pytest.mark.browser


def test_a_missing_title_is_said_next_to_the_field(browser, shared_live_server, no_third_party):
    ctx, page = admin_page(browser, shared_live_server, no_third_party)
    sign_in(page, shared_live_server)
    page.locator("#save-open").click()
    error = page.locator("#f-title-error")
    expect(error).to_have_text("Geef de bijeenkomst een titel.")
    expect(page.locator("#f-title")).to_be_focused()
    expect(page.locator("#f-title")).to_have_attribute("aria-invalid", "true")
    field, box = page.locator("#f-title").bounding_box(), error.bounding_box()
    height = page.viewport_size["height"]
    assert box["y"] >= 0 and box["y"] + box["height"] <= height, "the message is off the screen"
    assert 0 <= box["y"] - (field["y"] + field["height"]) < 24, "the message is not beside its field"
    page.locator("#f-title").fill("Nu met titel")
    expect(error).to_be_hidden()
    ctx.close()


def test_new_moderator_link_edit_and_open_from_the_list(browser, shared_live_server, no_third_party, artifacts):
    server = shared_live_server
    created = server.create_meeting(title="Concept voor de regio (verzonnen)", open=False)
    code = created["meeting"]["code"]
    mctx, old_screen = moderator_page(browser, created["moderator_url"], no_third_party)

    ctx, page = admin_page(browser, server, no_third_party)
    sign_in(page, server)
    row = page.locator("#meeting-list li", has_text="Concept voor de regio (verzonnen)")
    row.get_by_role("button", name="Bekijken en bewerken: Concept voor de regio (verzonnen)").click()
    dialog = page.locator("#meeting-dlg")
    expect(dialog).to_be_visible()
    expect(dialog.locator("#meeting-facts")).to_contain_text(code)

    # a new moderator link: shown once, and the old one stops at once (its screen says so)
    page.locator("#modlink-new").click()
    url = page.locator("#modlink-url")
    expect(url).to_have_value(re.compile(rf"/moderate/{created['meeting']['id']}#key="))
    new_url = url.input_value()
    assert new_url != created["moderator_url"]
    page.screenshot(path=str(artifacts / "admin-meeting-dialog.png"))
    expect(old_screen.locator("#fatal")).to_contain_text("Deze link werkt niet (meer)", timeout=15000)
    nctx, new_screen = moderator_page(browser, new_url, no_third_party)
    expect(new_screen.locator("#meeting-title")).to_have_text("Concept voor de regio (verzonnen)")

    # edit: an empty title is refused beside the field; a real one reaches the open screen
    page.locator("#e-title").fill("")
    page.locator("#meeting-save").click()
    expect(page.locator("#e-title-error")).to_have_text("Geef de bijeenkomst een titel.")
    page.locator("#e-title").fill("Spiegelgesprek regio Noord (verzonnen)")
    page.locator("#e-theme").fill("Hoe was de overgang naar huis?")
    page.locator("#meeting-save").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#meeting-list")).to_contain_text("Spiegelgesprek regio Noord (verzonnen)")
    expect(new_screen.locator("#meeting-title")).to_have_text("Spiegelgesprek regio Noord (verzonnen)")

    # open it for listeners from the list
    page.locator("#meeting-list li", has_text="regio Noord").get_by_role("button", name=re.compile("Bekijken")).click()
    page.locator("#meeting-open").click()
    expect(page.locator("#meeting-open")).to_be_hidden()
    expect(page.locator("#meeting-facts .badge")).to_have_text("Open")
    expect(new_screen.locator("#meeting-state")).to_have_text("Open")
    assert server.api("GET", f"/api/meetings/{code}")[1]["meeting"]["joinable"] is True
    page.locator("#meeting-x").click()
    expect(page.locator("#modlink-url")).to_have_value("")  # the key does not stay in the page
    assert not page.errors and not new_screen.errors, (page.errors, new_screen.errors)
    for c in (ctx, mctx, nctx):
        c.close()


@pytest.mark.parametrize("title", [
    "Spiegelgesprek over de nazorg na een opname op de kinder-IC, regio Noord en Oost (verzonnen)",
    "Lange verzonnen titel " * 9 + "voor de rand",
], ids=["two-line title", "200-character title"])
def test_the_a4_invitation_stays_on_one_page(browser, shared_live_server, no_third_party, artifacts, title):
    server = shared_live_server
    title = title[:200]
    created = server.create_meeting(title=title, theme="Hoe was de overgang van het ziekenhuis naar huis?")
    code, join_url = created["meeting"]["code"], created["join_url"]
    ctx = browser.new_context(locale="nl-NL")
    page = ctx.new_page()
    no_third_party(page)
    page.goto(f"{server.url}/static/moderator/print.html?{urlencode({'code': code, 'url': join_url})}")
    expect(page.locator("#title")).to_have_text(title.strip())
    expect_image_loaded(page.locator("#qr"))
    lines = page.locator("#title").evaluate(
        "h => Math.round(h.getBoundingClientRect().height / parseFloat(getComputedStyle(h).lineHeight))")
    assert lines >= 2, lines
    name = "print-" + ("two-lines" if len(title) < 120 else "200")
    pdf = page.pdf(format="A4", print_background=True)
    (artifacts / f"{name}.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert pages == 1, f"the invitation takes {pages} pages"
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    png = page.screenshot(full_page=True)
    (artifacts / f"{name}.png").write_bytes(png)
    assert decode_qr(png) == join_url, "the QR code no longer reads"
    foot = page.locator(".foot").bounding_box()
    sheet = page.locator("#sheet").bounding_box()
    assert foot["y"] + foot["height"] <= sheet["y"] + sheet["height"] + 1, "the last line is cut off"
    ctx.close()
