"""The built-in formats (server/plugins/amc, umcg) are plugins like any other: they import only
``spiegel.api``, serve their page modules and texts, keep their rows in tables of their own
that go with an erased meeting, and take their own meeting options."""

from __future__ import annotations

import re

import pytest
from helpers import ADMIN_PASSWORD, ROOT, Room, call, uid
from sqlalchemy import text

ADMIN = {"Authorization": f"Bearer {ADMIN_PASSWORD}"}
PLUGINS = ROOT / "server" / "plugins"


@pytest.mark.parametrize("name", ["amc", "umcg"])
def test_a_builtin_format_imports_only_the_public_api(name):
    imports = {m for path in (PLUGINS / name).rglob("*.py")
               for m in re.findall(r"^from (spiegel\S*) import", path.read_text(), re.M)}
    assert imports == {"spiegel.api"}, imports


@pytest.mark.parametrize(("name", "files"), [("amc", ["submit.js", "prepare.js", "display.js"]),
                                             ("umcg", ["dialogue.js", "display.js"])])
def test_page_modules_and_both_catalogues_are_served(app, name, files):
    http = app.test_client()
    for file in files:
        r = http.get(f"/plugins/{name}/{file}")
        assert r.status_code == 200 and b"registerPanel" in r.data, file
    nl, en = (http.get(f"/plugins/{name}/i18n/{lang}.json").get_json() for lang in ("nl", "en"))
    assert set(nl) == set(en) and all(nl.values()) and all(en.values())


def create(app, **fields) -> Room:
    r = app.test_client().post("/api/admin/meetings", json={"title": "t", "open": True, **fields}, headers=ADMIN)
    assert r.status_code == 201, r.get_json()
    return Room(app, r.get_json())


def test_options_are_checked_against_the_format(app):
    r = app.test_client().post("/api/admin/meetings", json={"title": "t", "format": "umcg",
                                                            "options": {"hospitl": "x"}}, headers=ADMIN)
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid_payload"
    r = app.test_client().post("/api/admin/meetings", json={"title": "t", "format": "common",
                                                            "options": {"x": 1}}, headers=ADMIN)
    assert r.get_json()["error"]["details"] == [{"field": "options", "problem": "extra_forbidden"}]
    room = create(app, format="umcg", options={"insurer": "Verzonnen Verzekeraar"})
    mod = room.moderator()
    assert call(mod, "meeting.update", {"options": {"hospital": "Verzonnen Ziekenhuis"}})["ok"]
    assert call(mod, "sync")["snapshot"]["format_data"]["parties"] == {
        "hospital": "Verzonnen Ziekenhuis", "patient_organisation": "", "insurer": "Verzonnen Verzekeraar"}
    dup = app.test_client().post(f"/api/admin/meetings/{room.meeting_id}/duplicate", headers=ADMIN).get_json()
    copy = Room(app, dup)
    assert call(copy.moderator(), "sync")["snapshot"]["format_data"]["parties"]["insurer"] == "Verzonnen Verzekeraar"


def test_erasing_a_meeting_erases_the_formats_rows(app):
    amc = create(app, format="amc")
    mod = amc.moderator()
    secret = call(mod, "invite.create", {"kind": "professional"})["url"].split("#invite=", 1)[1]
    pro = amc.connect(amc.join(invite=secret)["token"])
    assert call(pro, "amc.submit", {"id": uid(), "text": "Verzonnen onderwerp"})["ok"]
    umcg = create(app, format="umcg")
    umod = umcg.moderator()
    call(umod, "phase.goto", {"key": "dialogue"})
    assert call(umod, "umcg.decide", {"id": uid(), "text": "Verzonnen besluit", "decided_by": "team"})["ok"]
    engine = app.extensions["spiegel"].db.engine
    with engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM amc_submissions")).scalar() == 1
        assert c.execute(text("SELECT count(*) FROM umcg_decisions")).scalar() == 1
    for room in (amc, umcg):
        assert app.test_client().delete(f"/api/admin/meetings/{room.meeting_id}", headers=ADMIN).status_code == 200
    with engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM amc_submissions")).scalar() == 0
        assert c.execute(text("SELECT count(*) FROM umcg_decisions")).scalar() == 0


def test_spiegel_plugins_lists_each_builtin_format_with_its_phases_and_kinds(app):
    from spiegel.plugin_manager import describe

    sp = app.extensions["spiegel"]
    rows = {r["name"]: r for r in describe(sp.pm, sp.formats, sp.registry)}
    assert rows["spiegel.plugins.amc"]["format_details"] == [{
        "name": "amc", "title": "Mirror meeting (AMC)", "kinds": ["listener", "professional"],
        "phases": ["preparation", "listening", "questions", "aftertalk", "ended"]}]
    assert rows["spiegel.plugins.umcg"]["formats"] == ["umcg"]
    assert rows["spiegel.plugins.umcg"]["events"] == ["umcg.decide", "umcg.plan", "umcg.show"]
