"""Privacy of the report features: consent without names, retention and purge, the audit log
after NEN 7513, and the message catalogues being complete."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import tomllib
from datetime import date
from fnmatch import fnmatch

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from helpers import ADMIN_PASSWORD, ROOT, FakeClock, make_app
from report_support import ADMIN, LISTENER_NAME, PRIVATE, full_meeting
from spiegel.models import Meeting, Note, Outcome, Participant, Question
from spiegel.report import i18n, retention
from spiegel.report.tables import AuditEntry, ReportDraft
from sqlalchemy import func, select


def counts(app, meeting_id: str) -> dict[str, int]:
    with app.extensions["spiegel"].db.transaction() as s:
        return {
            "notes": s.scalar(select(func.count()).select_from(Note).where(Note.meeting_id == meeting_id)),
            "questions": s.scalar(select(func.count()).select_from(Question).where(Question.meeting_id == meeting_id)),
            "listeners": s.scalar(select(func.count()).select_from(Participant).where(
                Participant.meeting_id == meeting_id, Participant.role == "listener")),
            "outcomes": s.scalar(select(func.count()).select_from(Outcome).where(Outcome.meeting_id == meeting_id)),
        }


def test_purge_dry_run_lists_and_the_real_run_erases_raw_items_and_keeps_the_report(app):
    http = app.test_client()
    due = full_meeting(app, title="Verzonnen oude bijeenkomst")
    keep = full_meeting(app, title="Verzonnen recente bijeenkomst")
    running = full_meeting(app, title="Verzonnen lopende bijeenkomst", ended=False)
    r = http.put(f"/api/admin/meetings/{due.room.meeting_id}/retention", headers=ADMIN,
                 json={"retain_until": "2026-06-30"})
    assert r.get_json()["retain_until"] == "2026-06-30"
    http.put(f"/api/admin/meetings/{running.room.meeting_id}/retention", headers=ADMIN,
             json={"retain_until": "2026-06-30"})
    letter = due.room.http.put(f"{due.base}/letter", json={"text": "Verzonnen brief\n\n- punt"}, headers=due.key)
    assert letter.status_code == 200
    report_before = due.room.http.get(f"{due.base}/report.json", headers=due.key).get_json()
    before = {m.room.meeting_id: counts(app, m.room.meeting_id) for m in (due, keep, running)}
    sp = app.extensions["spiegel"]

    listed = retention.purge(sp, today=date(2026, 7, 1), dry_run=True)
    assert [(d["meeting_id"], d["notes"], d["questions"], d["listeners"]) for d in listed] == [
        (due.room.meeting_id, 4, 2, 2)], "only the ended meeting past its date; the running one waits"
    assert {m: counts(app, m) for m in before} == before, "the dry run changes nothing"

    purged = retention.purge(sp, today=date(2026, 7, 1))
    assert [d["meeting_id"] for d in purged] == [due.room.meeting_id]
    assert counts(app, due.room.meeting_id) == {"notes": 0, "questions": 0, "listeners": 0, "outcomes": 6}
    assert counts(app, keep.room.meeting_id) == before[keep.room.meeting_id], "nothing else is touched"
    assert counts(app, running.room.meeting_id) == before[running.room.meeting_id]

    after = due.room.http.get(f"{due.base}/report.json", headers=due.key).get_json()
    assert after["status"] == "final", "frozen before the raw items went"
    for k in ("outcomes", "questions", "shared_notes", "counts", "meeting"):
        assert after[k] == report_before[k], k
    screen = due.room.http.get(f"{due.base}/report", headers=due.key).get_json()
    assert screen["retention"]["purged_at"] and screen["letter"]["text"].startswith("Verzonnen brief")
    assert retention.purge(sp, today=date(2026, 7, 1), dry_run=True) == [], "nothing left to purge"
    with sp.db.transaction() as s:
        (entry,) = s.scalars(select(AuditEntry).where(AuditEntry.action == "meeting.purged")).all()
        assert entry.meeting_id == due.room.meeting_id and PRIVATE not in entry.detail


def test_the_default_retention_counts_from_the_end_of_the_meeting(app, clock):
    m = full_meeting(app)
    sp = app.extensions["spiegel"]
    with sp.db.transaction() as s:
        ended = s.get(Meeting, m.room.meeting_id).phase_started_at
    end = date.fromtimestamp(ended)
    days = app.config["RETENTION_DAYS"]
    assert days == 90
    assert retention.purge(sp, today=date.fromordinal(end.toordinal() + days - 1), dry_run=True) == []
    assert len(retention.purge(sp, today=date.fromordinal(end.toordinal() + days), dry_run=True)) == 1


def test_spiegel_purge_on_the_command_line(tmp_path):
    instance = tmp_path / "instance"
    app = make_app(instance, FakeClock())
    m = full_meeting(app)
    app.test_client().put(f"/api/admin/meetings/{m.room.meeting_id}/retention", headers=ADMIN,
                          json={"retain_until": "2020-01-01"})
    app.extensions["spiegel"].db.engine.dispose()
    env = {**os.environ, "SPIEGEL_INSTANCE_PATH": str(instance), "SPIEGEL_ADMIN_PASSWORD": ADMIN_PASSWORD,
           "SPIEGEL_ASYNC_MODE": "threading"}

    def purge(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "spiegel", "purge", *args], env=env, capture_output=True,
                              text=True, timeout=120, cwd=ROOT)
        assert done.returncode == 0, done.stderr
        return done.stdout

    out = purge("--dry-run")
    assert f"{m.room.meeting_id}" in out and "would erase 4 notes, 2 questions" in out and "1 meeting(s) due" in out
    assert PRIVATE not in out
    assert counts(app, m.room.meeting_id)["notes"] == 4
    out = purge()
    assert "erased 4 notes" in out and counts(app, m.room.meeting_id)["notes"] == 0
    assert "0 meeting(s) due" in purge("--dry-run")


def test_consent_is_recorded_without_names_unless_the_organisation_chooses(app, tmp_path):
    m = full_meeting(app)
    http = m.room.http
    r = http.post(f"{m.base}/consent", json={"what": "Verzonnen: verslag en brief", "participants": 5,
                                             "names": ["Verzonnen Ouder"]}, headers=m.key)
    assert r.status_code == 400 and r.get_json()["error"]["details"][0]["problem"] == "names_not_stored"
    r = http.post(f"{m.base}/consent", json={"what": "Verzonnen: verslag en brief", "participants": 5}, headers=m.key)
    assert r.status_code == 201 and r.get_json()["consent"]["names"] == []
    report = http.get(f"{m.base}/report.json", headers=m.key).get_json()
    assert report["counts"]["inner_circle"] == 5 and report["consent"][0]["what"] == "Verzonnen: verslag en brief"

    named = make_app(tmp_path / "named", FakeClock(), CONSENT_NAMES=1)
    n = full_meeting(named)
    r = n.room.http.post(f"{n.base}/consent", json={"what": "Verzonnen", "participants": 1,
                                                    "names": ["Verzonnen Ouder"]}, headers=n.key)
    assert r.status_code == 201 and r.get_json()["consent"]["names"] == ["Verzonnen Ouder"]
    for kind in ("json", "md", "html"):
        assert "Verzonnen Ouder" not in n.room.http.get(f"{n.base}/report.{kind}", headers=n.key).data.decode(), (
            "names of the inner circle never go into a report")


def test_the_audit_log_records_who_when_what_and_is_exportable(app):
    http = app.test_client()
    assert http.post("/api/admin/login", json={"password": ADMIN_PASSWORD}).status_code == 200
    m = full_meeting(app)
    m.room.http.get(f"{m.base}/report", headers=m.key)
    m.room.http.get(f"{m.base}/report.md", headers=m.key)
    m.room.http.get(f"{m.base}/letter.html", headers=m.key)
    assert http.delete(f"/api/admin/meetings/{m.room.meeting_id}", headers=ADMIN).status_code == 200
    entries = http.get("/api/admin/audit", headers=ADMIN).get_json()["entries"]
    actions = [e["action"] for e in entries]
    assert actions[0] == "meeting.erased", "newest first; it outlives the meeting"
    assert {"admin.signin", "report.viewed", "report.exported", "letter.printed"} <= set(actions)
    exported = next(e for e in entries if e["action"] == "report.exported")
    assert (exported["role"], exported["address"], exported["detail"], exported["meeting_id"]) == (
        "moderator", "127.0.0.1", "md", m.room.meeting_id)
    assert exported["link"] != m.room.moderator_key and len(exported["link"]) == 32, "the link's id, never the key"
    signin = next(e for e in entries if e["action"] == "admin.signin")
    assert (signin["role"], signin["link"]) == ("admin", "admin")
    csv_text = http.get("/api/admin/audit.csv", headers=ADMIN).data.decode()
    assert csv_text.startswith("id,at,role,link,address,action,meeting_id,detail") and "letter.printed" in csv_text
    everything = json.dumps(entries) + csv_text
    for text in (PRIVATE, LISTENER_NAME, m.asked, *m.shared.values()):
        assert text not in everything
    assert http.get("/api/admin/audit").status_code == 200, "the session cookie signs in too"
    assert app.test_client().get("/api/admin/audit").get_json()["error"]["code"] == "not_authenticated"
    with app.extensions["spiegel"].db.transaction() as s:
        assert s.get(ReportDraft, m.room.meeting_id) is None, "the erased meeting's report went with it"


def test_every_text_of_the_report_is_in_both_catalogues():
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2"), ("**/templates/**.md", "jinja2")]
    options = {"**/templates/**": {"extensions": "jinja2.ext.i18n"}}
    keywords = {"_": None, "gettext": (2,), "ngettext": (1, 2), "N_": None}
    found = {msg for _f, _l, msg, *_ in extract_from_dir(ROOT / "server" / "report", method_map, options,
                                                            keywords=keywords)}
    found = {m if isinstance(m, str) else m[0] for m in found}
    assert len(found) > 40
    for lang in i18n.LANGUAGES:
        with i18n.po_path(lang).open("rb") as f:
            catalog = read_po(f, locale=lang)
        ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
        assert found <= ids, f"{lang}: missing {sorted(found - ids)}"
        untranslated = [m.id for m in catalog
                        if m.id and not (m.string if isinstance(m.string, str) else all(m.string))]
        assert not untranslated, f"{lang}: untranslated {untranslated}"
    assert i18n.gettext("nl", "Report") == "Verslag" and i18n.gettext("en", "Report") == "Report"


def test_the_wheel_carries_templates_catalogues_and_schema():
    """pyproject's package data names every file the report needs at run time."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["spiegel.report"]
    report = ROOT / "server" / "report"
    needed = [p.relative_to(report).as_posix() for p in report.rglob("*")
              if p.is_file() and p.suffix in (".html", ".md", ".css", ".po", ".json")]
    assert needed and all(any(fnmatch(n, pattern) for pattern in data) for n in needed), needed


def test_the_server_purges_in_the_background(app):
    m = full_meeting(app)
    app.test_client().put(f"/api/admin/meetings/{m.room.meeting_id}/retention", headers=ADMIN,
                          json={"retain_until": "2020-01-01"})
    stop = retention.start_job(app.extensions["spiegel"], interval=0.05)
    try:
        deadline = time.monotonic() + 30
        while counts(app, m.room.meeting_id)["notes"] and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop()
    assert counts(app, m.room.meeting_id) == {"notes": 0, "questions": 0, "listeners": 0, "outcomes": 6}


def test_a_screen_reloading_the_report_is_one_view_per_ten_minutes(app, clock):
    m = full_meeting(app)
    for _ in range(3):
        m.room.http.get(f"{m.base}/report", headers=m.key)
    clock.advance(601)
    m.room.http.get(f"{m.base}/report", headers=m.key)
    entries = app.test_client().get("/api/admin/audit", headers=ADMIN).get_json()["entries"]
    assert [e["action"] for e in entries].count("report.viewed") == 2
