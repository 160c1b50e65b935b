"""The report: one data model, every export from it, and nothing private in any of them."""

from __future__ import annotations

import io
import json
import logging
import re
import zipfile

import jsonschema
import pytest
from helpers import call
from pypdf import PdfReader
from report_support import ADMIN, DISCIPLINE, LISTENER_NAME, OUTCOMES, PRIVATE, UNASKED, full_meeting
from spiegel.models import Meeting
from spiegel.report import exports, letter
from spiegel.report.model import build_report
from spiegel.report.tables import AuditEntry
from sqlalchemy import select

EXTRA = [{"key": "speerpunten_nik", "title": {"nl": "Verzonnen NIK-sectie", "en": "Invented NIK section"},
          "items": [{"text": "Verzonnen plugin-item met score", "score": 7}]}]


def pdf_text(data: bytes) -> str:
    """Text of a PDF with Dutch hyphenation undone (a word split at a line end is one word)."""
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(re.sub(r"-\s*\n\s*", "", text).split())


def flat(text: str) -> str:
    return " ".join(text.split())


def exports_of(http, m) -> dict[str, str]:
    """Every export and page of the meeting's report and letter, as text."""
    out = {}
    for kind in ("html", "md", "json"):
        r = http.get(f"{m.base}/report.{kind}", headers=m.key)
        assert r.status_code == 200, (kind, r.data[:300])
        out[kind] = r.data.decode()
    r = http.get(f"{m.base}/report.pdf", headers=m.key)
    assert r.status_code == 200 and r.mimetype == "application/pdf" and r.data.startswith(b"%PDF")
    out["pdf"] = pdf_text(r.data)
    r = http.get(f"{m.base}/report.csv", headers=m.key)
    assert r.status_code == 200 and r.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(r.data)) as z:
        out["csv"] = "\n".join(z.read(name).decode("utf-8-sig") for name in sorted(z.namelist()))
    out["letter.html"] = http.get(f"{m.base}/letter.html", headers=m.key).data.decode()
    out["letter.pdf"] = pdf_text(http.get(f"{m.base}/letter.pdf", headers=m.key).data)
    out["api"] = json.dumps(http.get(f"{m.base}/report", headers=m.key).get_json(), ensure_ascii=False)
    for page in ("report", "report/print"):
        r = http.get(f"/moderate/{m.room.meeting_id}/{page}")
        assert r.status_code == 200
        out[page] = r.data.decode()
    return out


def test_a_full_meeting_in_every_export(app, caplog):
    caplog.set_level(logging.DEBUG)
    m = full_meeting(app)
    http = m.room.http
    r = http.patch(f"{m.base}/outcomes/{m.outcomes['priority']}", json={"score": 12}, headers=m.key)
    assert r.status_code == 200 and r.get_json()["outcome"]["score"] == 12
    assert http.post(f"{m.base}/consent", json={"what": "Verzonnen: toestemming voor verslag", "participants": 4},
                     headers=m.key).status_code == 201
    got = exports_of(http, m)

    for name in ("html", "md", "pdf", "csv", "json"):
        text = flat(got[name]) if name != "json" else got[name]
        for kind, outcome in OUTCOMES.items():
            assert outcome in text, f"{kind} missing from the {name} export"
        for note in m.shared.values():
            assert note in text, f"a shared note missing from the {name} export"
        assert m.asked in text, f"the asked question missing from the {name} export"
        assert "Verzonnen team Noord" in text
    for name in ("html", "md", "pdf"):
        text = flat(got[name])
        for heading in ("Wat goed ging", "Verbeterpunten", "Wensen", "Besluiten", "Speerpunten", "Acties",
                        "Gestelde verhelderende vragen", "Wat luisteraars wilden delen"):
            assert heading in text, f"{heading!r} missing from {name}"
        assert "Concept" in text and "4 deelnemers" in text
    assert "Verzonnen: terugbelafspraak binnen een week" in got["letter.pdf"]
    assert "Hartelijk dank" in got["letter.pdf"] and "Hartelijk dank" in got["letter.html"]

    audit_rows = app.test_client().get("/api/admin/audit", headers=ADMIN).get_json()["entries"]
    forbidden = [PRIVATE, UNASKED, LISTENER_NAME, DISCIPLINE, *m.listener_ids]
    for name, text in {**got, "log": caplog.text, "audit": json.dumps(audit_rows)}.items():
        for secret in forbidden:
            assert secret not in text, f"{secret!r} leaked into {name}"
    actions = {e["action"] for e in audit_rows}
    assert {"report.viewed", "report.exported", "letter.printed"} <= actions
    assert all(e["role"] == "moderator" and e["address"] for e in audit_rows if e["action"].startswith("report"))


def test_json_validates_and_reads_back_and_csv_reads_back(app):
    m = full_meeting(app)
    http = m.room.http
    http.post(f"{m.base}/outcomes/{m.action_id}/progress", json={"text": "Verzonnen: eerste gesprek gepland",
                                                                 "status": "in_progress"}, headers=m.key)
    report = json.loads(http.get(f"{m.base}/report.json", headers=m.key).data)
    jsonschema.Draft202012Validator(exports.json_schema()).validate(report)
    assert report["schema"] == "spiegel-report/2"
    assert report == json.loads(exports.to_json(report)), "JSON reads back without loss"
    assert report["counts"] == {"listeners": 2, "inner_circle": None, "shared_notes": 3, "questions_asked": 1,
                                "outcomes": {k: 1 for k in OUTCOMES}}

    zipped = http.get(f"{m.base}/report.csv", headers=m.key).data
    with zipfile.ZipFile(io.BytesIO(zipped)) as z:
        tables = {name[:-4]: exports.read_csv_table(z.read(name).decode("utf-8")) for name in z.namelist()}
    assert set(tables) == set(exports.COLUMNS)
    for kind in OUTCOMES:
        (row,) = tables[kind]
        item = report["outcomes"][kind][0]
        for column in exports.COLUMNS[kind]:
            expected = item[column]
            expected = " ".join(expected) if isinstance(expected, list) else expected
            assert row[column] == ("" if expected is None else str(expected)), (kind, column)
    (progress,) = tables["progress"]
    assert (progress["action_id"], progress["status"], progress["text"]) == (
        m.action_id, "in_progress", "Verzonnen: eerste gesprek gepland")
    notes = {row["id"]: row for row in tables["shared_notes"]}
    assert {nid: row["text"] for nid, row in notes.items()} == m.shared
    assert [r["text"] for r in tables["questions"]] == [m.asked]
    facts = {r["field"]: r["value"] for r in tables["meeting"]}
    assert (facts["title"], facts["listeners"], facts["shared_notes"]) == ("Verzonnen spiegelgesprek", "2", "3")
    single = http.get(f"{m.base}/report.csv?table=action", headers=m.key)
    assert single.mimetype == "text/csv" and exports.read_csv_table(single.data.decode()) == tables["action"]


def test_a_cell_that_looks_like_a_formula_is_guarded_and_read_back(app):
    m = full_meeting(app)
    text = "=HYPERLINK(\"http://example.invalid\")"
    m.room.http.patch(f"{m.base}/outcomes/{m.outcomes['wish']}", json={"text": text}, headers=m.key)
    table = m.room.http.get(f"{m.base}/report.csv?table=wish", headers=m.key).data.decode("utf-8-sig")
    cells = [row.split(",", 1)[1] for row in table.splitlines()[1:]]
    assert cells and all(c.startswith("\"'=HYPERLINK") for c in cells), "a spreadsheet will not run it"
    assert exports.read_csv_table(table)[0]["text"] == text


def test_plugin_sections_go_into_every_export(app):
    m = full_meeting(app)
    sp = app.extensions["spiegel"]
    with sp.db.transaction() as s:
        report = build_report(s, s.get(Meeting, m.room.meeting_id), sp.formats["common"], EXTRA, now=sp.clock())
    jsonschema.Draft202012Validator(exports.json_schema()).validate(report)
    item = "Verzonnen plugin-item met score"
    assert "Verzonnen NIK-sectie" in exports.to_html(report) and item in exports.to_html(report)
    assert "Verzonnen NIK-sectie" in exports.to_markdown(report) and item in exports.to_markdown(report)
    assert item in pdf_text(exports.to_pdf(report))
    (row,) = exports.read_csv_table(exports.csv_tables(report)["extra"])
    assert (row["section"], row["text"], json.loads(row["fields"])) == ("speerpunten_nik", item, {"score": 7})
    assert json.loads(exports.to_json(report))["extra_sections"][0]["items"][0]["score"] == 7


@pytest.mark.parametrize("bad", [
    [{"key": "x y", "title": {"nl": "a", "en": "b"}, "items": []}],
    [{"key": "x", "title": {"nl": "a"}, "items": []}],
    [{"key": "x", "title": {"nl": "a", "en": "b"}, "items": [{"score": 1}]}],
    [{"key": "x", "title": {"nl": "a", "en": "b"}, "items": [{"text": "t", "nested": {"a": 1}}]}],
])
def test_a_malformed_plugin_section_is_refused_by_name(app, bad):
    m = full_meeting(app, ended=False)
    sp = app.extensions["spiegel"]
    with sp.db.transaction() as s, pytest.raises(ValueError, match="report section"):
        build_report(s, s.get(Meeting, m.room.meeting_id), sp.formats["common"], bad)


def test_items_are_edited_and_removed_before_the_report_is_final(app):
    m = full_meeting(app)
    http, sid = m.room.http, m.room.meeting_id
    mod = m.room.moderator()
    note_id, note_text = next(iter(m.shared.items()))
    draft = http.get(f"{m.base}/report", headers=m.key).get_json()["report"]
    question_key = draft["questions"][0]["key"]

    assert http.patch(f"{m.base}/report/items/note:{note_id}", json={"removed": True}, headers=m.key).status_code == 200
    assert http.patch(f"{m.base}/report/items/{question_key}", json={"text": "Verzonnen: vraag, ingekort"},
                      headers=m.key).status_code == 200
    mod.get_received()
    r = http.patch(f"{m.base}/report/items/outcome:{m.outcomes['well']}",
                   json={"text": "Verzonnen: nieuw geformuleerd"}, headers=m.key)
    assert r.status_code == 200
    events = [e["args"][0] for e in mod.get_received() if e["name"] == "outcome"]
    assert events and events[-1]["outcome"]["text"] == "Verzonnen: nieuw geformuleerd", "the outcome itself changed"

    screen = http.get(f"{m.base}/report", headers=m.key).get_json()["report"]
    removed = [i for g in screen["shared_notes"] for i in g["items"] if i.get("removed")]
    assert [i["id"] for i in removed] == [note_id], "the screen still shows the removed note, marked"
    md = http.get(f"{m.base}/report.md", headers=m.key).data.decode()
    assert note_text not in md and "vraag, ingekort" in md and "nieuw geformuleerd" in md
    assert OUTCOMES["well"] not in md

    assert http.delete(f"{m.base}/report/items/note:{note_id}", headers=m.key).status_code == 200
    assert note_text in http.get(f"{m.base}/report.md", headers=m.key).data.decode(), "restored"
    r = http.patch(f"{m.base}/report/items/note:nonexistent", json={"removed": True}, headers=m.key)
    assert (r.status_code, r.get_json()["error"]["code"]) == (404, "not_found")

    final = http.put(f"{m.base}/report/final", json={"final": True}, headers=m.key).get_json()
    assert final["report"]["status"] == "final" and final["report"]["final_at"]
    r = http.patch(f"{m.base}/report/items/{question_key}", json={"text": "te laat"}, headers=m.key)
    assert r.get_json()["error"]["code"] == "report_final"
    # Outcomes live on for the follow-up; the final report keeps what it said.
    http.patch(f"{m.base}/outcomes/{m.action_id}", json={"status": "done"}, headers=m.key)
    frozen = http.get(f"{m.base}/report.json", headers=m.key).get_json()
    assert frozen["status"] == "final" and frozen["outcomes"]["action"][0]["status"] == "open"
    assert "definitief sinds" in http.get(f"{m.base}/report.html", headers=m.key).data.decode()
    assert "Concept" not in flat(http.get(f"{m.base}/report.html", headers=m.key).data.decode())
    assert sid


def test_a_report_is_final_only_after_the_meeting(app):
    m = full_meeting(app, ended=False)
    r = m.room.http.put(f"{m.base}/report/final", json={"final": True}, headers=m.key)
    assert (r.status_code, r.get_json()["error"]["code"]) == (409, "invalid_transition")


def test_only_the_meetings_staff_reach_its_report(app):
    m = full_meeting(app)
    other = full_meeting(app, title="Verzonnen andere bijeenkomst")
    http = m.room.http
    assert http.get(f"{m.base}/report").get_json()["error"]["code"] == "not_authenticated"
    r = http.get(f"{m.base}/report", headers=other.key)
    assert (r.status_code, r.get_json()["error"]["code"]) == (401, "token_unknown")
    listener = m.listener_tokens[1]
    r = http.get(f"{m.base}/report.json", headers={"Authorization": f"Bearer {listener}"})
    assert (r.status_code, r.get_json()["error"]["code"]) == (403, "forbidden_role")
    mod = m.room.moderator()
    questions_only = call(mod, "assistant.create", {"rights": ["questions"]})["key"]
    outcomes = call(mod, "assistant.create", {"rights": ["outcomes"]})["key"]
    r = http.get(f"{m.base}/report", headers={"Authorization": f"Bearer {questions_only}"})
    assert (r.status_code, r.get_json()["error"]["code"]) == (403, "missing_right")
    assert http.get(f"{m.base}/report", headers={"Authorization": f"Bearer {outcomes}"}).status_code == 200
    r = http.get(f"{m.base}/report.docx", headers=m.key)
    assert r.status_code == 404


def test_the_letter_is_drafted_edited_and_printed(app):
    m = full_meeting(app)
    http = m.room.http
    drafted = http.get(f"{m.base}/report", headers=m.key).get_json()["letter"]
    assert drafted["edited"] is False
    text = drafted["text"]
    assert text.startswith("Beste deelnemer,") and "Hartelijk dank" in text
    assert "- Verzonnen: terugbelafspraak binnen een week (Verzonnen team Noord, uiterlijk 1 februari 2027)" in text
    assert OUTCOMES["decision"] in text and PRIVATE not in text
    edited = text.replace("Met vriendelijke groet,", "Verzonnen: met warme groet,")
    r = http.put(f"{m.base}/letter", json={"text": edited}, headers=m.key).get_json()
    assert r["letter"] == {"text": edited.strip(), "edited": True}
    html = http.get(f"{m.base}/letter.html", headers=m.key).data.decode()
    assert "Verzonnen: met warme groet," in html and "<li>Verzonnen: terugbelafspraak" in html
    assert "met warme groet" in pdf_text(http.get(f"{m.base}/letter.pdf", headers=m.key).data)
    assert http.put(f"{m.base}/letter", json={"text": None}, headers=m.key).get_json()["letter"]["edited"] is False


def test_letter_blocks():
    assert letter.blocks("Kop:\n- een\n- twee\n\nGewone alinea\nmet tweede regel\n\n- los") == [
        {"type": "list", "heading": "Kop:", "items": ["een", "twee"]},
        {"type": "p", "lines": ["Gewone alinea", "met tweede regel"]},
        {"type": "list", "heading": "", "items": ["los"]},
    ]


def test_an_english_meeting_gets_an_english_report_and_letter(app):
    m = full_meeting(app, language="en")
    http = m.room.http
    html = flat(http.get(f"{m.base}/report.html", headers=m.key).data.decode())
    for heading in ("What went well", "Improvement points", "Wishes", "Decisions", "Priorities", "Actions",
                    "Clarifying questions asked", "What listeners chose to share", "Draft"):
        assert heading in html
    assert "Verbeterpunten" not in html and 'lang="en"' in html
    assert http.get(f"{m.base}/report", headers=m.key).get_json()["letter"]["text"].startswith("Dear participant,")


def test_the_audit_log_holds_no_text(app):
    m = full_meeting(app)
    m.room.http.get(f"{m.base}/report.pdf", headers=m.key)
    sp = app.extensions["spiegel"]
    with sp.db.transaction() as s:
        rows = s.scalars(select(AuditEntry)).all()
        dump = json.dumps([[r.role, r.link, r.address, r.action, r.detail] for r in rows], ensure_ascii=False)
    assert rows and "pdf" in dump
    for text in [*OUTCOMES.values(), *m.shared.values(), m.asked, PRIVATE]:
        assert text not in dump
