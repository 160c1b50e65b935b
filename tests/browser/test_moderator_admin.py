"""Admin page and printable invitation (issue 5): prepare a meeting of the common form in the
browser, and print an A4 page whose QR code decodes to the join URL."""

from __future__ import annotations

import re

import cv2
import numpy as np
import pytest
from chromium import expect_image_loaded
from moderator_support import ADMIN_LAPTOP as LAPTOP
from moderator_support import admin_page, sign_in
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def decode_qr(png: bytes) -> str:
    image = cv2.imdecode(np.frombuffer(png, dtype=np.uint8), cv2.IMREAD_COLOR)
    text, points, _ = cv2.QRCodeDetector().detectAndDecode(image)
    assert points is not None, "no QR code found in the screenshot"
    return text


def test_admin_creates_a_meeting_of_the_common_form(browser, shared_live_server, no_third_party, artifacts):
    server = shared_live_server
    ctx, page = admin_page(browser, server, no_third_party)

    # sign in: a wrong password is refused with a clear message
    expect(page.locator("#login")).to_be_visible()
    page.locator("#password").fill("not the password")
    page.locator("#login-form button[type=submit]").click()
    expect(page.locator("#login-error")).to_have_text("Dat wachtwoord klopt niet.")
    sign_in(page, server)

    # the format picker shows each loaded format with its description and phase plan
    card = page.locator(".format-card", has=page.locator("input[value=common]"))
    expect(card.locator("input")).to_be_checked()
    expect(card).to_contain_text("De binnenkring vertelt")
    expect(card.locator(".fc-phases li")).to_have_count(5)
    expect(card.locator(".fc-phases")).to_contain_text("Luisteren")

    # a title is required
    page.locator("#save-draft").click()
    expect(page.locator("#f-title-error")).to_have_text("Geef de bijeenkomst een titel.")  # beside the field

    page.locator("#f-title").fill("Spiegelgesprek nazorg 2026")
    page.locator("#f-theme").fill("Hoe ervaren ouders de nazorg na ontslag?")
    page.locator("#f-date").fill("2026-12-03T19:30")
    page.locator("#f-expected").fill("18")
    page.locator("input[name=language][value=nl]").check()
    # durations start at the format's defaults and can be changed
    listening = page.locator('#durations input[data-phase="listening"]')
    expect(listening).to_have_value("60")
    listening.fill("45")
    # prepared questions, ordered, each with its phase
    for text in ("Wat viel u op bij het ontslag?", "Wat hielp u thuis het meest?", "Wat moet er morgen anders?"):
        page.locator("#prep-add").click()
        page.locator("#prep-list textarea").last.fill(text)
    page.locator("#prep-list select").nth(2).select_option("closing")
    page.locator("#prep-list li").nth(1).locator("button", has_text="↑").click()  # second one first
    expect(page.locator("#prep-list textarea").first).to_have_value("Wat hielp u thuis het meest?")
    page.screenshot(path=str(artifacts / "admin-create.png"), full_page=True)

    page.locator("#save-draft").click()
    expect(page.locator("#created")).to_be_visible()
    mod_url = page.locator("#mod-url").input_value()
    assert re.match(rf"^{re.escape(server.url)}/moderate/\w+#key=\S+$", mod_url), mod_url
    code = page.locator("#created-code").inner_text()
    expect(page.locator("#join-url")).to_have_value(f"{server.url}/join/{code}")
    page.screenshot(path=str(artifacts / "admin-created.png"), full_page=False)

    # what the server stored is what the form said
    status, listing = server.api("GET", "/api/admin/meetings", admin=True)
    stored = next(m for m in listing["meetings"] if m["code"] == code)
    assert stored["state"] == "draft"
    assert stored["format"] == "common"
    assert stored["theme"] == "Hoe ervaren ouders de nazorg na ontslag?"
    assert stored["expected_listeners"] == 18
    assert stored["durations"]["listening"] == 45 * 60
    assert [(p["text"], p["phase"]) for p in stored["prepared"]] == [
        ("Wat hielp u thuis het meest?", "listening"),
        ("Wat viel u op bij het ontslag?", "listening"),
        ("Wat moet er morgen anders?", "closing"),
    ]
    expect(page.locator("#meeting-list li", has_text="Spiegelgesprek nazorg 2026")).to_contain_text("Concept")

    # the key is shown once: "Klaar" takes it off the page
    page.locator("#created-done").click()
    expect(page.locator("#created")).to_be_hidden()
    assert page.locator("#mod-url").input_value() == ""

    # the moderator link opens the draft; opening it makes it joinable
    mctx = browser.new_context(viewport=LAPTOP, locale="nl-NL")
    mod = mctx.new_page()
    no_third_party(mod)
    mod.goto(mod_url)
    expect(mod.locator("#meeting-title")).to_have_text("Spiegelgesprek nazorg 2026")
    expect(mod.locator("#meeting-state")).to_have_text("Concept")
    expect(mod.locator("#btn-next")).to_have_count(0)
    mod.locator("#btn-open").click()
    expect(mod.locator("#meeting-state")).to_have_text("Open")
    expect(mod.locator("#btn-next")).to_contain_text("Luisteren")
    assert server.api("GET", f"/api/meetings/{code}")[1]["meeting"]["joinable"] is True
    mod.locator("#btn-next").click()
    expect(mod.locator("#prompt-current")).to_have_text("Wat hielp u thuis het meest?")
    expect(mod.locator("#timer")).to_have_text("45:00")
    mctx.close()

    # duplicate as a template: a new draft with the same title, theme, questions and durations
    row = page.locator("#meeting-list li", has_text="Spiegelgesprek nazorg 2026").first
    row.locator("button", has_text="Als sjabloon gebruiken").click()
    expect(page.locator("#created")).to_be_visible()
    new_code = page.locator("#created-code").inner_text()
    assert new_code != code
    status, listing = server.api("GET", "/api/admin/meetings", admin=True)
    copy = next(m for m in listing["meetings"] if m["code"] == new_code)
    assert copy["state"] == "draft"
    assert copy["title"] == "Spiegelgesprek nazorg 2026"
    assert [p["text"] for p in copy["prepared"]] == [p["text"] for p in stored["prepared"]]
    assert copy["durations"]["listening"] == 45 * 60
    expect(page.locator("#meeting-list li", has_text="Spiegelgesprek nazorg 2026")).to_have_count(2)
    assert not page.errors, page.errors
    ctx.close()


def test_print_page_has_a_qr_code_of_the_join_url(browser, shared_live_server, no_third_party, artifacts):
    server = shared_live_server
    created = server.create_meeting(title="Spiegelbijeenkomst AMC", theme="Samen beslissen op de poli")
    code = created["meeting"]["code"]
    join_url = created["join_url"]
    ctx = browser.new_context(viewport=LAPTOP, locale="nl-NL")
    page = ctx.new_page()
    no_third_party(page)
    page.goto(created["moderator_url"])
    expect(page.locator("#main")).to_be_visible()

    # the invite dialog: code, link, QR code and the printable page
    page.locator("#btn-invite").click()
    expect(page.locator("#invite-code")).to_have_text(code)
    expect(page.locator("#invite-url")).to_have_value(join_url)
    page.screenshot(path=str(artifacts / "moderator-invite.png"))
    href = page.locator("#invite-print").get_attribute("href")
    assert href.startswith("/static/moderator/print.html?")

    printable = ctx.new_page()
    no_third_party(printable)
    printable.goto(server.url + href)
    expect(printable.locator("#title")).to_have_text("Spiegelbijeenkomst AMC")
    expect(printable.locator("#code")).to_have_text(code)
    expect(printable.locator("#host")).to_have_text(join_url.split("://")[1].rsplit("/", 1)[0])
    expect_image_loaded(printable.locator("#qr"))
    printable.emulate_media(media="print")
    expect(printable.locator(".toolbar")).to_be_hidden()
    png = printable.screenshot(full_page=True)
    (artifacts / "print-invitation.png").write_bytes(png)
    assert decode_qr(png) == join_url
    printable.pdf(path=str(artifacts / "print-invitation.pdf"), format="A4", print_background=True)

    # the PNG QR the server offers decodes to the same URL
    png_qr = printable.request.get(f"{server.url}/qr/{code}.png").body()
    assert decode_qr(png_qr) == join_url
    ctx.close()


def test_admin_erases_a_meeting_after_confirming(browser, shared_live_server, no_third_party, artifacts):
    server = shared_live_server
    keep = server.create_meeting(title="Blijft staan (verzonnen)")
    gone = server.create_meeting(title="Wordt gewist (verzonnen)")
    server.join(gone["meeting"]["code"], name="Verzonnen luisteraar")
    ctx, page = admin_page(browser, server, no_third_party)
    page.locator("#password").fill(server.admin_password)
    page.locator("#login-form button[type=submit]").click()
    row = page.locator("#meeting-list li", has_text="Wordt gewist (verzonnen)")
    erase = row.get_by_role("button", name="Verwijderen: Wordt gewist (verzonnen)")

    # Cancel keeps everything; the dialog names the meeting and says it cannot be undone.
    erase.click()
    dialog = page.locator("#erase-dlg")
    expect(dialog).to_be_visible()
    expect(dialog.locator("#erase-title")).to_have_text("“Wordt gewist (verzonnen)” verwijderen?")
    expect(dialog).to_contain_text("kan niet ongedaan worden gemaakt")
    expect(page.locator("#erase-cancel")).to_be_focused()
    page.screenshot(path=str(artifacts / "admin-erase-confirm.png"))
    page.locator("#erase-cancel").click()
    expect(dialog).to_be_hidden()
    assert server.api("GET", f"/api/meetings/{gone['meeting']['code']}")[0] == 200

    erase.click()
    page.locator("#erase-ok").click()
    expect(page.locator("#toast")).to_have_text("“Wordt gewist (verzonnen)” is verwijderd.")
    expect(page.locator("#meeting-list li", has_text="Wordt gewist (verzonnen)")).to_have_count(0)
    expect(page.locator("#meeting-list li", has_text="Blijft staan (verzonnen)")).to_have_count(1)
    status, body = server.api("GET", f"/api/meetings/{gone['meeting']['code']}")
    assert (status, body["error"]["code"]) == (404, "unknown_code")
    assert server.api("GET", f"/api/meetings/{keep['meeting']['code']}")[0] == 200
    assert page.errors == []
    ctx.close()
