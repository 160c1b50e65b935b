"""The report screen (issue 12) in real Chromium: the draft edited item by item, the printable
page, the letter edited and printed, the report made final; the follow-up page; axe-core on
each (tests/browser/test_accessibility.py has the checker)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
import socketio
from moderator_support import ADMIN_LAPTOP, LAPTOP, Listener, _watched_page, moderator_page, sign_in
from playwright.sync_api import expect
from test_accessibility import AXE, Audit

pytestmark = pytest.mark.browser

PRIVATE = "Verzonnen privézin die nooit op een scherm van de gespreksleiding komt"
SHARED = "Verzonnen gedeelde zin: de nachtzuster nam de tijd"
SHARED_2 = "Verzonnen gedeelde zin: het wachten op de uitslag duurde lang"
IMPROVEMENT = "Verzonnen verbeterpunt: de overdracht naar huis"
ACTION = "Verzonnen actie: terugbelafspraak binnen een week"


class Staff:
    """The moderator as a plain socket (the run screen itself is tested elsewhere)."""

    def __init__(self, server, key: str):
        self.sio = socketio.Client(reconnection=False)
        self.sio.connect(server.url, auth={"token": key}, transports=["websocket"], wait_timeout=10)

    def call(self, event: str, payload: dict) -> dict:
        return self.sio.call(event, payload, timeout=10)

    def close(self) -> None:
        self.sio.disconnect()


def _meeting_with_outcomes(server) -> dict:
    """A common-form meeting run to its end through the sockets: notes shared and private, one
    question asked, an improvement point and an action."""
    created = server.create_meeting(title="Verzonnen verslagbijeenkomst")
    code = created["meeting"]["code"]
    mod = Listener.__new__(Listener)  # a socket with the moderator key: same recorder, other token
    import threading

    import socketio

    mod.events, mod.lock = [], threading.Lock()
    mod.sio = socketio.Client(reconnection=False)
    mod.sio.on("*", mod._record)
    mod.sio.connect(server.url, auth={"token": created["moderator_key"]}, transports=["websocket"], wait_timeout=10)
    assert mod.call("phase.goto", {"key": "listening"})["ok"]
    listener = Listener(server, code, name="Verzonnen Naam")
    ids = [str(uuid.uuid4()) for _ in range(3)]
    for nid, text in zip(ids, (SHARED, SHARED_2, PRIVATE), strict=True):
        assert listener.call("note.add", {"id": nid, "text": text, "tags": ["positive"]})["ok"]
    qid = listener.park("Verzonnen vraag: wat bedoelde u met overdracht?")
    for kind, text in (("improvement", IMPROVEMENT), ("action", ACTION)):
        assert mod.call("outcome.add", {"id": str(uuid.uuid4()), "kind": kind, "text": text})["ok"]
    assert mod.call("phase.goto", {"key": "questions"})["ok"]
    assert mod.call("question.update", {"id": qid, "status": "selected"})["ok"]
    assert mod.call("question.update", {"id": qid, "status": "asked"})["ok"]
    assert mod.call("phase.goto", {"key": "closing"})["ok"]
    for nid in ids[:2]:
        assert listener.call("note.share", {"id": nid, "shared": True})["ok"]
    assert mod.call("phase.goto", {"key": "ended"})["ok"]
    listener.close()
    mod.close()
    return created


def test_the_report_draft_is_edited_printed_and_made_final(browser, shared_live_server, no_third_party):
    server = shared_live_server
    created = _meeting_with_outcomes(server)
    ctx, page = moderator_page(browser, created["moderator_url"], no_third_party, viewport=LAPTOP)

    # The moderator screen's menu opens the report screen in a new tab, on the same key.
    page.locator("#btn-menu").click()
    with ctx.expect_page() as opened:
        page.locator("#mi-report").click()
    report = opened.value
    no_third_party(report)
    report_errors: list[str] = []
    report.on("pageerror", lambda e: report_errors.append(str(e)))
    expect(report.locator("#meeting-title")).to_have_text("Verzonnen verslagbijeenkomst")
    expect(report.locator("#status")).to_have_text("Concept")
    expect(report.locator("#sec-kind-improvement")).to_contain_text(IMPROVEMENT)
    expect(report.locator("#draft")).to_contain_text(SHARED)
    expect(report.locator("#draft")).to_contain_text("wat bedoelde u met overdracht?")
    expect(report.locator("body")).not_to_contain_text(PRIVATE)
    expect(report.locator("body")).not_to_contain_text("Verzonnen Naam")

    # Edit an improvement point in place.
    item = report.locator("#sec-kind-improvement li.item").first
    item.get_by_role("button", name="Bewerken").click()
    editor = item.get_by_role("textbox", name="Tekst van dit onderdeel")
    expect(editor).to_be_focused()
    editor.fill("Verzonnen verbeterpunt, scherper: de overdracht van ziekenhuis naar huis")
    item.get_by_role("button", name="Opslaan").click()
    expect(report.locator("#sec-kind-improvement")).to_contain_text("scherper: de overdracht")

    # Write what went well after the meeting.
    well = report.locator("#sec-kind-well")
    well.get_by_role("textbox", name="Nieuw onderdeel bij: Wat goed ging").fill("Verzonnen: de rust in de zaal")
    well.get_by_role("button", name="Toevoegen").click()
    expect(well.locator("li.item")).to_have_text([re.compile("Verzonnen: de rust in de zaal")])

    # Leave one shared note out; it stays visible, marked, and can be put back.
    note = report.locator("li.item", has_text=SHARED_2)
    note.get_by_role("button", name="Uit verslag halen").click()
    expect(note).to_have_class(re.compile(r"\bremoved\b"))
    expect(note).to_contain_text("Niet in het verslag")

    # The action gets an owner, a due date and a status.
    action = report.locator("#sec-kind-action li.item").first
    action.get_by_label("Eigenaar").fill("Verzonnen team Noord")
    action.get_by_label("Uiterlijk").fill("2027-02-01")
    action.get_by_label("Status").select_option("in_progress")
    action.get_by_role("button", name="Actie opslaan").click()
    expect(report.locator("#sec-kind-action li.item").first.get_by_label("Status")).to_have_value("in_progress")

    # The printable page shows what the report says now.
    with ctx.expect_page() as printed:
        report.locator("#btn-print").click()
    sheet = printed.value
    no_third_party(sheet)
    expect(sheet.locator("#document h1")).to_have_text("Verzonnen verslagbijeenkomst")
    expect(sheet.locator("#document")).to_contain_text("scherper: de overdracht")
    expect(sheet.locator("#document")).to_contain_text(SHARED)
    expect(sheet.locator("#document")).to_contain_text("Verzonnen team Noord")
    expect(sheet.locator("#document #well")).to_contain_text("Verzonnen: de rust in de zaal")
    expect(sheet.locator("#document")).not_to_contain_text(SHARED_2)
    expect(sheet.locator("#document")).not_to_contain_text(PRIVATE)
    expect(sheet.locator("#print")).to_be_visible()
    sheet.close()

    # The letter: drafted from the outcomes, edited, saved, printed.
    letter = report.get_by_label("Tekst van de brief")
    expect(letter).to_have_value(re.compile(r"^Beste deelnemer,"))
    expect(letter).to_have_value(re.compile(re.escape(ACTION)))
    letter.fill(letter.input_value().replace("Met vriendelijke groet,", "Verzonnen: hartelijke groet,"))
    report.locator("#letter-save").click()
    expect(report.locator("#letter-state")).to_have_text("Aangepast door de gespreksleiding.")
    with ctx.expect_page() as printed_letter:
        report.locator("#letter-print").click()
    letter_sheet = printed_letter.value
    no_third_party(letter_sheet)
    expect(letter_sheet.locator("#document")).to_contain_text("Verzonnen: hartelijke groet,")
    expect(letter_sheet.locator("#document li", has_text="scherper")).to_have_text(
        "Verzonnen verbeterpunt, scherper: de overdracht van ziekenhuis naar huis")
    letter_sheet.close()

    # A PDF download works from the page (fetched with the key).
    with report.expect_download() as download:
        report.locator("#btn-pdf").click()
    assert download.value.suggested_filename.endswith(".pdf")
    with open(download.value.path(), "rb") as f:
        assert f.read(5) == b"%PDF-"

    # Final: the edit controls go, the status says so.
    report.locator("#btn-final").click()
    expect(report.locator("#status")).to_have_text("Definitief")
    expect(report.get_by_role("button", name="Bewerken")).to_have_count(0)
    report.locator("#btn-final").click()
    expect(report.locator("#status")).to_have_text("Concept")
    assert not report_errors, report_errors
    assert not page.errors, page.errors
    ctx.close()


def test_a_kind_the_format_adds_has_its_own_editable_section(browser, shared_live_server, no_third_party):
    """UMCG's "possible solution" (issue 12: formats add outcome kinds): its own section with
    the format's heading, in its place after the improvement points, and its own add form."""
    server = shared_live_server
    created = server.create_meeting(title="Verzonnen UMCG-verslag", format="umcg")
    staff = Staff(server, created["moderator_key"])
    solution = "Verzonnen oplossingsrichting: een vaste verpleegkundige per gezin"
    assert staff.call("outcome.add", {"id": str(uuid.uuid4()), "kind": "solution", "text": solution})["ok"]
    staff.close()
    ctx, page = _watched_page(browser, LAPTOP, no_third_party)
    page.goto(f"{server.url}/moderate/{created['meeting']['id']}/report#key={created['moderator_key']}")
    section = page.locator("#sec-kind-solution")
    expect(section.get_by_role("heading", level=2)).to_have_text("Oplossingsrichtingen uit de dialoog")
    expect(section).to_contain_text(solution)
    expect(page.locator("#sec-kind-improvement + #sec-kind-solution")).to_have_count(1)
    later = "Verzonnen tweede oplossingsrichting, achteraf"
    section.locator("textarea.item-editor").fill(later)
    section.get_by_role("button", name="Toevoegen").click()
    expect(section).to_contain_text(later)
    assert not page.errors, page.errors
    ctx.close()


def test_without_the_key_the_report_screen_says_what_to_do(browser, shared_live_server, no_third_party):
    created = shared_live_server.create_meeting(title="Verzonnen zonder sleutel")
    ctx, page = _watched_page(browser, LAPTOP, no_third_party)
    page.goto(f"{shared_live_server.url}/moderate/{created['meeting']['id']}/report")
    expect(page.locator("#fatal")).to_contain_text("Open eerst de link van de gespreksleider")
    page.goto(f"{shared_live_server.url}/moderate/{created['meeting']['id']}/report#key=wrong-key")
    expect(page.locator("#fatal")).to_contain_text("Deze link werkt niet")
    assert not page.errors, page.errors
    ctx.close()


def test_the_follow_up_page_shows_the_board_and_a_series(browser, shared_live_server, no_third_party):
    server = shared_live_server
    created = _meeting_with_outcomes(server)
    status, body = server.api("POST", "/api/admin/series", {"organisation": "Verzonnen NIK", "region": "Oost"},
                              admin=True)
    assert status == 201
    sid = body["series"]["id"]
    server.api("PUT", f"/api/admin/meetings/{created['meeting']['id']}/series", {"series_id": sid, "year": 2024},
               admin=True)
    ctx, page = _watched_page(browser, ADMIN_LAPTOP, no_third_party)
    page.goto(f"{server.url}/admin/followup")
    expect(page.locator("#fatal")).to_contain_text("Log eerst in")
    page.goto(f"{server.url}/admin")
    sign_in(page, server)
    page.get_by_role("link", name="Opvolging").click()
    expect(page.locator("#board")).to_contain_text(ACTION)
    page.locator("#f-series").select_option(sid)
    page.locator("#filters button[type=submit]").click()
    expect(page.locator("#board tbody tr")).to_have_count(1)
    expect(page.locator("#board-csv")).to_have_attribute("href", re.compile(f"series={sid}"))
    page.locator("#s-pick").select_option(sid)
    expect(page.locator("#compare")).to_contain_text("Ronde 1 (2024)")
    expect(page.locator("#compare")).to_contain_text(IMPROVEMENT)
    page.locator("#n-title").fill("Verzonnen ronde 2")
    page.locator("#next-form button[type=submit]").click()
    expect(page.locator("#next-out")).to_contain_text(ACTION)
    expect(page.locator("#next-out input")).to_have_value(re.compile(r"/moderate/\w+#key="))
    expect(page.locator("#compare")).to_contain_text("Ronde 2")
    expect(page.locator("#audit")).to_contain_text("admin.signin")
    expect(page.locator("body")).not_to_contain_text(PRIVATE)
    assert not page.errors, page.errors
    ctx.close()


def test_the_report_pages_pass_axe(browser, shared_live_server, no_third_party, artifacts):
    assert AXE.exists(), "axe-core is not installed: run `make test`"
    server = shared_live_server
    created = _meeting_with_outcomes(server)
    audit = Audit()
    ctx, page = moderator_page(browser, created["moderator_url"], no_third_party, bypass_csp=True)
    page.goto(f"{server.url}/moderate/{created['meeting']['id']}/report")
    expect(page.locator("#sec-kind-action")).to_contain_text(ACTION)
    audit(page, "report screen")
    page.locator("#sec-kind-improvement li.item").first.get_by_role("button", name="Bewerken").click()
    audit(page, "report screen, editing")
    page.goto(f"{server.url}/moderate/{created['meeting']['id']}/report/print")
    expect(page.locator("#document h1")).to_be_visible()
    audit(page, "printable report")
    page.goto(f"{server.url}/moderate/{created['meeting']['id']}/report/print?doc=letter")
    expect(page.locator("#document")).to_contain_text("Beste deelnemer")
    audit(page, "printable letter")
    page.goto(f"{server.url}/admin")
    sign_in(page, server)
    page.goto(f"{server.url}/admin/followup")
    expect(page.locator("#board")).to_contain_text(ACTION)
    audit(page, "follow-up page")
    ctx.close()
    audit.assert_clean()


def test_the_report_pages_catalogs_are_complete_in_dutch_and_english():
    """Every key the report pages use is in both catalogues (read by Node, not by a parser of ours)."""
    folder = Path(__file__).resolve().parents[2] / "clients" / "moderator" / "report"
    node = shutil.which("node")
    assert node, "node is needed (it installs axe-core too)"
    url = json.dumps((folder / "strings.js").as_uri())
    script = f"import({url}).then((m) => console.log(JSON.stringify(m.STRINGS)))"
    catalogs = json.loads(subprocess.run([node, "--input-type=module", "-e", script], capture_output=True, text=True,
                                         check=True, timeout=60).stdout)
    nl, en = catalogs["nl"], catalogs["en"]
    assert set(nl) == set(en), {"only nl": sorted(set(nl) - set(en)), "only en": sorted(set(en) - set(nl))}
    used: set[str] = set()
    for path in folder.glob("*.js"):
        used |= set(re.findall(r"\bt\('([a-zA-Z0-9_.]+)'", path.read_text()))
    for path in folder.glob("*.html"):
        used |= set(re.findall(r'data-i18n="([^"]+)"', path.read_text()))
    used |= {f"kind.{k}" for k in ("well", "improvement", "wish", "decision", "priority", "action")}
    used |= {f"st.{s}" for s in ("open", "in_progress", "done", "dropped")}
    used |= {f"tag.{s}" for s in ("positive", "improvement", "later", "untagged")}
    assert used <= set(nl), sorted(used - set(nl))
    assert all(v.strip() for v in [*nl.values(), *en.values()])
