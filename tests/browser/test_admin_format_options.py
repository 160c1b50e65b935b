"""The new-meeting form and the meeting dialog show each format's own options (issue 11):
drawn from `/api/formats`, checked beside the field, sent as `options`; and the admin panels
the KOOS and NIK plugins register on the admin page (their `admin` modules): KOOS's library of
question sets and NIK's series, each picked when a meeting of the format is created."""

from __future__ import annotations

import re
import uuid

import pytest
from moderator_support import admin_page, sign_in, signed_in_admin
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def created_meeting(page, server) -> dict:
    """The meeting the form just made, as the admin list has it (with options and prepared)."""
    expect(page.locator("#created")).to_be_visible()
    code = page.locator("#created-code").inner_text()
    page.locator("#created-done").click()
    meetings = server.api("GET", "/api/admin/meetings", admin=True)[1]["meetings"]
    return next(m for m in meetings if m["code"] == code)


def test_a_formats_options_are_drawn_checked_sent_and_edited(browser, shared_live_server, no_third_party):
    server = shared_live_server
    ctx, page = signed_in_admin(browser, server, no_third_party)
    box = page.locator("#options-box")
    expect(box).to_be_hidden()  # the common form has no options of its own

    page.locator("#fmt-amc").check()
    expect(box).to_be_visible()
    inner = page.get_by_label("Cliënten in de binnenkring")
    expect(inner).to_have_value("0")
    expect(box.get_by_text("Cliënten hebben geen tablet: tel ze zelf.")).to_be_visible()
    page.locator("#f-title").fill("AMC spiegelgesprek (verzonnen)")
    inner.fill("140")
    page.locator("#save-draft").click()
    expect(page.locator("#opt-inner_circle-error")).to_have_text("Hoogstens 100.")  # beside the field
    expect(inner).to_have_attribute("aria-invalid", "true")
    expect(inner).to_be_focused()
    expect(page.locator("#created")).to_be_hidden()  # nothing was sent
    inner.fill("14")
    expect(inner).not_to_have_attribute("aria-invalid", "true")
    page.locator("#save-draft").click()
    meeting = created_meeting(page, server)
    assert meeting["format"] == "amc" and meeting["options"] == {"inner_circle": 14}

    # "Bekijken en bewerken": the option still counts after the meeting was made
    page.locator("#meeting-list li", has_text="AMC spiegelgesprek").get_by_role(
        "button", name=re.compile("Bekijken")).click()
    dialog = page.locator("#meeting-dlg")
    edit = dialog.get_by_label("Cliënten in de binnenkring")
    expect(edit).to_have_value("14")
    edit.fill("-3")
    page.locator("#meeting-save").click()
    expect(page.locator("#eopt-inner_circle-error")).to_have_text("Minstens 0.")
    edit.fill("11")
    page.locator("#meeting-save").click()
    expect(dialog).to_be_hidden()
    changed = server.api("GET", "/api/admin/meetings", admin=True)[1]["meetings"]
    assert next(m for m in changed if m["id"] == meeting["id"])["options"] == {"inner_circle": 11}

    # UMCG's parties, in the admin's language (English as the second)
    page.locator("#fmt-umcg").check()
    box.get_by_label("Zorgverzekeraar").fill("Invented Insurer")
    page.locator("#lang").select_option("en")  # drawn again in English, with what was typed
    expect(page.get_by_role("group", name="Settings of this format")).to_be_visible()
    expect(box.get_by_label("Health insurer")).to_have_value("Invented Insurer")
    page.locator("#f-title").fill("UMCG dialogue (invented)")
    box.get_by_label("Patient organisation").fill("Invented Patients")
    page.locator("#save-draft").click()
    meeting = created_meeting(page, server)
    assert meeting["options"] == {"hospital": "", "patient_organisation": "Invented Patients",
                                  "insurer": "Invented Insurer"}
    assert not page.errors, page.errors
    ctx.close()


def test_the_koos_library_of_question_sets_is_kept_and_picked(browser, shared_live_server, no_third_party):
    server = shared_live_server
    ctx, page = signed_in_admin(browser, server, no_third_party)
    library = page.locator("#koos-library")
    expect(library.get_by_role("heading", name="Vragensets (KOOS)")).to_be_visible()
    name = f"Verzonnen set {uuid.uuid4().hex[:6]}"

    # a set needs a name and a question: said beside the form, nothing is sent
    library.get_by_role("button", name="Set toevoegen").click()
    expect(page.locator("#koos-set-error")).to_have_text("Geef de set een naam.")
    library.get_by_label("Naam van de set").fill(name)
    library.get_by_role("button", name="Set toevoegen").click()
    expect(page.locator("#koos-set-error")).to_have_text("Schrijf minstens één vraag.")
    library.get_by_label("Leidend principe (mag leeg blijven)").fill("Verzonnen: samen beslissen")
    library.get_by_label("Vragen", exact=True).fill("Verzonnen: wat hielp jullie?\nVerzonnen: wat miste je?")
    library.get_by_role("button", name="Set toevoegen").click()
    row = library.locator("#koos-sets li", has_text=name)
    expect(row).to_contain_text("2 vragen")

    # changed: a question added, the name corrected
    row.get_by_role("button", name=f"Aanpassen: {name}").click()
    expect(library.get_by_label("Naam van de set")).to_have_value(name)
    library.get_by_label("Naam van de set").fill(f"{name} (bijgewerkt)")
    library.get_by_label("Vragen", exact=True).fill("Verzonnen: wat hielp jullie?\nVerzonnen: wat miste je?\n"
                                        "Verzonnen: wat zou je een ander gezin aanraden?")
    library.get_by_role("button", name="Wijzigingen bewaren").click()
    row = library.locator("#koos-sets li", has_text=f"{name} (bijgewerkt)")
    expect(row).to_contain_text("3 vragen")
    sets = server.api("POST", "/api/admin/actions/koos.question_sets.list", {}, admin=True)[1]["sets"]
    kept = next(s for s in sets if s["name"] == f"{name} (bijgewerkt)")
    assert [i["phase"] for i in kept["items"]] == ["first_round"] * 3

    # picked when a KOOS meeting is made: its questions become the prepared questions
    page.locator("#fmt-koos").check()
    pick = page.get_by_label("Vragenset uit de bibliotheek")
    expect(pick).to_be_visible()
    expect(page.locator("#f-options")).not_to_contain_text("Vragenset")  # drawn by the plugin, once
    pick.select_option(label=f"{name} (bijgewerkt) (3 vragen)")
    page.locator("#opt-team").fill("Team Zuid (verzonnen)")
    page.locator("#f-title").fill("KOOS team Zuid (verzonnen)")
    page.locator("#save-draft").click()
    meeting = created_meeting(page, server)
    assert meeting["options"] == {"question_set": kept["id"], "team": "Team Zuid (verzonnen)"}
    assert [p["text"] for p in meeting["prepared"]] == [i["text"] for i in kept["items"]]
    expect(pick).to_have_value("")  # the form starts afresh

    # the dialog offers only what still counts after creation: the team, not the set
    page.locator("#meeting-list li", has_text="KOOS team Zuid").get_by_role(
        "button", name=re.compile("Bekijken")).click()
    expect(page.locator("#e-options").get_by_label("Team of wijk")).to_have_value("Team Zuid (verzonnen)")
    expect(page.locator("#e-options")).not_to_contain_text("Vragenset")
    page.locator("#meeting-x").click()

    # removed from the library: the meeting keeps its questions
    row.get_by_role("button", name=re.compile("Verwijderen")).click()
    expect(row).to_have_count(0)
    kept_meeting = next(m for m in server.api("GET", "/api/admin/meetings", admin=True)[1]["meetings"]
                        if m["id"] == meeting["id"])
    assert len(kept_meeting["prepared"]) == 3
    # the plugin's panels follow the admin's language
    page.locator("#lang").select_option("en")
    expect(library.get_by_role("heading", name="Question sets (KOOS)")).to_be_visible()
    expect(library.get_by_role("button", name="Add the set")).to_be_visible()
    expect(page.locator("#nik-library").get_by_role("heading", name="Series (NIK)")).to_be_visible()
    page.locator("#fmt-koos").check()
    expect(page.get_by_label("Question set from the library")).to_be_visible()
    expect(page.get_by_label("Question set from the library").locator("option").first).to_have_text("No question set")
    assert not page.errors, page.errors
    ctx.close()


def test_nik_series_are_kept_and_a_meeting_is_put_in_one(browser, shared_live_server, no_third_party):
    server = shared_live_server
    ctx, page = signed_in_admin(browser, server, no_third_party)
    library = page.locator("#nik-library")
    expect(library.get_by_role("heading", name="Reeksen (NIK)")).to_be_visible()
    region = f"Utrecht-{uuid.uuid4().hex[:5]}"
    library.get_by_role("button", name="Reeks toevoegen").click()
    expect(page.locator("#nik-s-org-error")).to_have_text("Vul de organisatie in.")
    library.get_by_label("Organisatie").fill("NIK verzonnen")
    library.get_by_label("Regio (mag leeg blijven)").fill(region.lower())
    library.get_by_role("button", name="Reeks toevoegen").click()
    row = library.locator("#nik-series li", has_text=region.lower())
    expect(row).to_contain_text("Rondes: 0")
    row.get_by_role("button", name=re.compile("Aanpassen")).click()
    library.get_by_label("Regio (mag leeg blijven)").fill(region)  # a typo corrected
    library.get_by_role("button", name="Wijzigingen bewaren").click()
    row = library.locator("#nik-series li", has_text=f"NIK verzonnen {region}")
    expect(row).to_be_visible()

    page.locator("#fmt-nik").check()
    box = page.locator("#nik-pick-box")
    expect(box).to_be_visible()
    box.get_by_label("Hoort bij de reeks").select_option(label=f"NIK verzonnen {region} (Rondes: 0)")
    expect(box.get_by_label("Ronde")).to_have_value("1")
    box.get_by_label("Jaar").fill("1890")
    page.locator("#f-title").fill("NIK ronde 1 (verzonnen)")
    page.locator("#opt-focus").fill("nazorg")
    page.locator("#save-draft").click()
    expect(page.locator("#nik-year-error")).to_have_text("Vul een heel getal in van 1990 tot en met 2200.")
    expect(box.get_by_label("Jaar")).to_be_focused()
    box.get_by_label("Jaar").fill("2024")
    page.locator("#save-draft").click()
    meeting = created_meeting(page, server)
    assert meeting["options"]["focus"] == "nazorg"
    assert meeting["options"]["series"] == {"organisation": "NIK verzonnen", "region": region, "round": 1,
                                            "year": 2024}
    expect(library.locator("#nik-series li", has_text=region)).to_contain_text("Rondes: 1")
    series = server.api("GET", "/api/admin/series", admin=True)[1]["series"]
    assert [s["rounds"] for s in series if s["region"] == region] == [1]  # no second series was made

    # a new series straight from the form needs its organisation
    page.locator("#fmt-nik").check()
    box.get_by_label("Hoort bij de reeks").select_option(label="Nieuwe reeks…")
    page.locator("#f-title").fill("NIK Noord ronde 1 (verzonnen)")
    page.locator("#save-draft").click()
    expect(page.locator("#nik-new-org-error")).to_have_text("Vul de organisatie in.")
    page.locator("#nik-new-org").fill("NIK verzonnen")
    page.locator("#nik-new-region").fill(f"Noord-{region}")
    page.locator("#save-draft").click()
    meeting = created_meeting(page, server)
    assert meeting["options"]["series"]["region"] == f"Noord-{region}"
    expect(library.locator("#nik-series li", has_text=f"Noord-{region}")).to_contain_text("Rondes: 1")
    assert not page.errors, page.errors
    ctx.close()


def test_what_was_typed_stays_when_the_formats_admin_modules_come_in_late(browser, shared_live_server,
                                                                         no_third_party):
    """The KOOS and NIK admin modules load after the form is drawn, and the options are drawn
    again when they come in. That redraw kept only what parsed: a number out of range typed
    before it went back to its default and the form sent that, and a message already shown
    beside the field vanished, and so did the focus the message had put there (all seen on a
    busy machine). Here the modules are held back
    until the organiser has typed and tried to save."""
    server = shared_live_server
    held = []
    ctx, page = admin_page(browser, server, no_third_party)
    page.route(re.compile(r"/plugins/[a-z]+/admin\.js$"), lambda route: held.append(route), times=2)
    sign_in(page, server)
    page.locator("#fmt-amc").check()
    inner = page.get_by_label("Cliënten in de binnenkring")
    expect(inner).to_have_value("0")
    inner.fill("140")
    page.locator("#f-title").fill("AMC spiegelgesprek (verzonnen, laat geladen)")
    page.locator("#save-draft").click()
    expect(page.locator("#opt-inner_circle-error")).to_have_text("Hoogstens 100.")
    expect(inner).to_be_focused()  # the message sent the admin there
    expect(page.get_by_role("region", name="Vragensets (KOOS)")).to_have_count(0)  # still held back
    expect(page.locator("#create")).to_have_attribute("aria-busy", "true")
    assert held, "the admin modules were never asked for"
    for route in held:
        route.fallback()  # on to the page's other routes (no_third_party's check)
    expect(page.get_by_role("region", name="Vragensets (KOOS)")).to_be_visible()
    expect(page.locator("#create")).not_to_have_attribute("aria-busy", "true")  # drawn with them
    # drawn again: the number and the message beside it are as they were
    expect(inner).to_have_value("140")
    expect(page.locator("#opt-inner_circle-error")).to_have_text("Hoogstens 100.")
    expect(inner).to_have_attribute("aria-invalid", "true")
    expect(inner).to_be_focused()  # and the redraw did not take the admin away from it
    expect(page.locator("#created")).to_be_hidden()
    page.locator("#save-draft").click()
    expect(page.locator("#opt-inner_circle-error")).to_have_text("Hoogstens 100.")
    expect(page.locator("#created")).to_be_hidden()
    ctx.close()
