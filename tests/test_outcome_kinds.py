"""Outcome kinds a format adds: the UMCG format's ``solution`` (a direction found in the
dialogue, seed 004) captured over Socket.IO in English and Dutch meetings, placed after the
improvement points in the moderator's list and in every export; declarations that cannot
work stop the start; a report frozen under schema version 1 still renders."""

from __future__ import annotations

import io
import zipfile

import jsonschema
import pytest
from helpers import ADMIN_PASSWORD, Room, call, make_app, received, uid
from spiegel.formats import CORE_OUTCOME_NAMES, FormatError, OutcomeKind, check_outcome_kinds
from spiegel.plugin_manager import PluginError
from spiegel.report import exports, letter

ADMIN = {"Authorization": f"Bearer {ADMIN_PASSWORD}"}
SOLUTION = "Verzonnen oplossingsrichting: een vaste verpleegkundige per gezin"
UMCG_ORDER = ["well", "improvement", "solution", "wish", "decision", "priority", "action"]


def umcg_meeting(app, language: str = "nl") -> Room:
    r = app.test_client().post("/api/admin/meetings", headers=ADMIN, json={
        "title": "Verzonnen UMCG-bijeenkomst", "format": "umcg", "open": True, "language": language})
    assert r.status_code == 201, r.get_json()
    return Room(app, r.get_json())


def test_the_umcg_solution_kind_from_capture_to_every_export(app):
    room = umcg_meeting(app)
    mod = room.moderator()
    kinds = received(mod, "snapshot")[-1]["outcome_kinds"]
    assert [k["kind"] for k in kinds] == UMCG_ORDER
    assert kinds[2] == {"kind": "solution", "label": "Oplossingsrichting",
                        "labels": {"nl": "Oplossingsrichting", "en": "Possible solution"}, "core": False}
    assert kinds[0] == {"kind": "well", "label": "Wat ging goed",
                        "labels": {"nl": "Wat ging goed", "en": "What went well"}, "core": True}
    assert call(mod, "phase.goto", {"key": "listening"})["ok"]
    assert call(mod, "phase.goto", {"key": "dialogue"})["ok"]
    improvement = call(mod, "outcome.add", {"id": uid(), "kind": "improvement", "text": "Verzonnen verbeterpunt"})
    oid = uid()
    added = call(mod, "outcome.add", {"id": oid, "kind": "solution", "text": SOLUTION})
    assert added["ok"] and added["outcome"]["kind"] == "solution" and added["outcome"]["phase"] == "dialogue"
    assert call(mod, "outcome.add", {"id": oid, "kind": "solution", "text": SOLUTION})["duplicate"]
    # An improvement point the dialogue turned into a direction, and back.
    edited = call(mod, "outcome.edit", {"id": improvement["outcome"]["id"], "kind": "solution"})
    assert edited["ok"] and edited["outcome"]["kind"] == "solution"
    assert call(mod, "outcome.edit", {"id": improvement["outcome"]["id"], "kind": "improvement"})["ok"]
    for bad in ("hunch", "Solution", "x" * 17, 7, None):
        ack = call(mod, "outcome.add", {"id": uid(), "kind": bad, "text": "Verzonnen"})
        assert ack["error"]["code"] == ("unknown_outcome_kind" if bad == "hunch" else "invalid_payload"), (bad, ack)
    assert call(mod, "sync")["snapshot"]["outcome_kinds"] == kinds

    http, key = app.test_client(), {"Authorization": f"Bearer {room.moderator_key}"}
    base = f"/api/moderate/{room.meeting_id}"
    report = http.get(f"{base}/report.json", headers=key).get_json()
    jsonschema.Draft202012Validator(exports.json_schema()).validate(report)
    assert list(report["outcomes"]) == UMCG_ORDER and [k["kind"] for k in report["outcome_kinds"]] == UMCG_ORDER
    assert [i["text"] for i in report["outcomes"]["solution"]] == [SOLUTION]
    assert report["outcomes"]["solution"][0]["phase_title"] == "Deel 2: dialoog"
    csv_zip = zipfile.ZipFile(io.BytesIO(http.get(f"{base}/report.csv", headers=key).data))
    assert "solution.csv" in csv_zip.namelist()
    assert [r["text"] for r in exports.read_csv_table(csv_zip.read("solution.csv").decode())] == [SOLUTION]
    one = http.get(f"{base}/report.csv?table=solution", headers=key)
    assert one.status_code == 200 and SOLUTION in one.get_data(as_text=True)
    markdown = http.get(f"{base}/report.md", headers=key).get_data(as_text=True)
    assert "## Oplossingsrichtingen uit de dialoog\n\n- " + SOLUTION in markdown
    assert markdown.index("## Verbeterpunten") < markdown.index("## Oplossingsrichtingen") < markdown.index("## Wensen")
    html = http.get(f"{base}/report.html", headers=key).get_data(as_text=True)
    assert SOLUTION in html.split('<section id="solution">', 1)[1].split("</section>", 1)[0]
    assert "Oplossingsrichtingen uit de dialoog:\n- " + SOLUTION in letter.draft_letter(report)


def test_an_english_meeting_labels_the_kind_in_english_and_the_common_format_refuses_it(app):
    room = umcg_meeting(app, "en")
    mod = room.moderator()
    kinds = received(mod, "snapshot")[-1]["outcome_kinds"]
    assert [(k["kind"], k["label"]) for k in kinds][:3] == [
        ("well", "What went well"), ("improvement", "Improvement point"), ("solution", "Possible solution")]
    assert call(mod, "outcome.add", {"id": uid(), "kind": "solution", "text": SOLUTION})["ok"]
    report = app.test_client().get(f"/api/moderate/{room.meeting_id}/report.md",
                                   headers={"Authorization": f"Bearer {room.moderator_key}"}).get_data(as_text=True)
    assert "## Possible solutions from the dialogue" in report and "## Improvement points" in report

    common = Room(app, app.test_client().post("/api/admin/meetings", headers=ADMIN, json={
        "title": "Verzonnen gewone bijeenkomst", "open": True}).get_json())
    other = common.moderator()
    assert [k["kind"] for k in received(other, "snapshot")[-1]["outcome_kinds"]] == list(CORE_OUTCOME_NAMES)
    ack = call(other, "outcome.add", {"id": uid(), "kind": "solution", "text": SOLUTION})
    assert ack["error"]["code"] == "unknown_outcome_kind"
    assert ack["error"]["details"] == [{"field": "kind", "problem": "unknown_outcome_kind",
                                        "allowed": list(CORE_OUTCOME_NAMES)}]


def test_listeners_get_no_kind_list(app):
    room = umcg_meeting(app)
    listener = room.listener()
    assert "outcome_kinds" not in received(listener, "snapshot")[-1]


@pytest.mark.parametrize(("kinds", "problem"), [
    ((OutcomeKind("wish", {"nl": "Wens", "en": "Wish"}),), "declared twice"),
    ((OutcomeKind("meeting", {"nl": "B", "en": "M"}),), "lower-case identifier"),
    ((OutcomeKind("Hunch", {"nl": "V", "en": "H"}),), "lower-case identifier"),
    ((OutcomeKind("a" * 17, {"nl": "V", "en": "H"}),), "lower-case identifier"),
    ((OutcomeKind("hunch", {"nl": "Vermoeden"}),), "missing translation"),
    ((OutcomeKind("hunch", {"nl": "V", "en": "H"}, {"nl": "Vermoedens"}),), "missing translation"),
    ((OutcomeKind("hunch", {"nl": "V", "en": "H"}, after="later"),), "comes after 'later'"),
    (("hunch",), "must be spiegel.api.OutcomeKind"),
])
def test_a_kind_that_cannot_work_is_refused_with_a_reason(kinds, problem):
    with pytest.raises(FormatError, match=problem):
        check_outcome_kinds(kinds, "format 'x'")


def test_kinds_are_placed_after_their_kind_in_declaration_order():
    from spiegel.formats import ordered_outcome_kinds

    a = OutcomeKind("a", {"nl": "A", "en": "A"}, after="well")
    b = OutcomeKind("b", {"nl": "B", "en": "B"}, after="well")
    c = OutcomeKind("c", {"nl": "C", "en": "C"})
    d = OutcomeKind("d", {"nl": "D", "en": "D"}, after="a")
    assert [k.name for k in ordered_outcome_kinds((a, b, c, d))] == [
        "well", "a", "d", "b", "improvement", "wish", "decision", "priority", "action", "c"]


CORE_SIX = ["well", "improvement", "wish", "decision", "priority", "action"]
#: A one-off plugin file that gives the common form a kind of its own (``register_outcome_kinds``).
TOPIC_PLUGIN = ("from spiegel.api import OutcomeKind, hookimpl\n\n@hookimpl\ndef register_outcome_kinds(format):\n"
                "    return [OutcomeKind('topic', {'nl': 'Verzonnen onderwerp', 'en': 'Invented topic'})]"
                " if format.name == 'common' else []\n")


def test_api_formats_lists_each_formats_outcome_kinds_as_a_meeting_has_them(tmp_path, clock):
    """Before any meeting exists, `/api/formats` tells which outcome kinds a format has: the
    core six, the format's own (UMCG's ``solution``) and what another plugin adds."""
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "topics.py").write_text(TOPIC_PLUGIN)
    app = make_app(tmp_path / "instance", clock, PLUGINS_DIR=str(folder))
    formats = {f["name"]: f for f in app.test_client().get("/api/formats?lang=en").get_json()["formats"]}
    assert [k["kind"] for k in formats["umcg"]["outcome_kinds"]] == UMCG_ORDER
    assert formats["umcg"]["outcome_kinds"][2] == {
        "kind": "solution", "label": "Possible solution",
        "labels": {"nl": "Oplossingsrichting", "en": "Possible solution"}, "core": False}
    assert [k["kind"] for k in formats["common"]["outcome_kinds"]] == [*CORE_SIX, "topic"]
    assert formats["common"]["outcome_kinds"][-1]["labels"] == {"nl": "Verzonnen onderwerp", "en": "Invented topic"}
    assert [k["kind"] for k in formats["amc"]["outcome_kinds"]] == CORE_SIX  # left alone by the plugin
    dutch = {f["name"]: f for f in app.test_client().get("/api/formats").get_json()["formats"]}
    assert dutch["umcg"]["outcome_kinds"][2]["label"] == "Oplossingsrichting"


def test_spiegel_plugins_lists_each_formats_outcome_kinds_with_both_labels(tmp_path):
    """The real command, with a plugin file adding a kind to the common form: each format's
    details carry its kinds, the id and the Dutch and English label, core ones marked."""
    import json
    import os
    import subprocess
    import sys

    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "topics.py").write_text(TOPIC_PLUGIN)
    env = {**os.environ, "SPIEGEL_INSTANCE_PATH": str(tmp_path / "instance"), "SPIEGEL_ADMIN_PASSWORD": "x",
           "SPIEGEL_ASYNC_MODE": "threading", "SPIEGEL_PLUGINS_DIR": str(folder)}
    listed = json.loads(subprocess.run([sys.executable, "-m", "spiegel", "plugins"], env=env, capture_output=True,
                                       text=True, timeout=120, check=True).stdout)
    details = {d["name"]: d for row in listed for d in row["format_details"]}
    umcg = details["umcg"]["outcome_kinds"]
    assert [k["kind"] for k in umcg] == UMCG_ORDER
    assert umcg[2] == {"kind": "solution", "labels": {"nl": "Oplossingsrichting", "en": "Possible solution"},
                       "core": False}
    assert umcg[0] == {"kind": "well", "labels": {"nl": "Wat ging goed", "en": "What went well"}, "core": True}
    common = details["common"]["outcome_kinds"]
    assert [k["kind"] for k in common] == [*CORE_SIX, "topic"]
    assert common[-1] == {"kind": "topic", "labels": {"nl": "Verzonnen onderwerp", "en": "Invented topic"},
                          "core": False}
    plugin = next(row for row in listed if row["name"] == "file:topics.py")
    assert plugin["hooks"] == ["register_outcome_kinds"] and plugin["format_details"] == []


def test_a_plugin_adding_a_kind_the_format_has_stops_the_start_naming_it(tmp_path, clock):
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "kinds.py").write_text(
        "from spiegel.api import OutcomeKind, hookimpl\n\n@hookimpl\ndef register_outcome_kinds(format):\n"
        "    return [OutcomeKind('solution', {'nl': 'O', 'en': 'S'})] if format.name == 'umcg' else []\n")
    with pytest.raises(PluginError, match=r"plugin file:kinds.py \(outcome kinds for format 'umcg'\): "
                                          r"outcome kind 'solution' is declared twice"):
        make_app(tmp_path / "instance", clock, PLUGINS_DIR=str(folder))


def test_a_format_with_a_broken_kind_stops_the_start(tmp_path, clock):
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "broken.py").write_text(
        "from spiegel.api import MeetingFormat, OutcomeKind, Phase, hookimpl\n\n"
        "class Broken(MeetingFormat):\n    name = 'broken'\n    title = description = {'nl': 'B', 'en': 'B'}\n"
        "    phases = (Phase(key='a', state='open', title={'nl': 'A', 'en': 'A'}, rule={'nl': 'A', 'en': 'A'}),\n"
        "              Phase(key='b', state='ended', title={'nl': 'B', 'en': 'B'}, rule={'nl': 'B', 'en': 'B'}))\n"
        "    outcome_kinds = (OutcomeKind('idea', {'nl': 'Idee'}),)\n\n"
        "@hookimpl\ndef register_formats():\n    return [Broken]\n")
    with pytest.raises(PluginError, match=r"file:broken.py: format 'broken' .*outcome kind 'idea' needs Dutch and "
                                          r"English text"):
        make_app(tmp_path / "instance", clock, PLUGINS_DIR=str(folder))


def test_a_report_frozen_under_schema_1_still_renders_and_validates(app):
    room = umcg_meeting(app)
    mod = room.moderator()
    call(mod, "outcome.add", {"id": uid(), "kind": "wish", "text": "Verzonnen wens"})
    report = app.test_client().get(f"/api/moderate/{room.meeting_id}/report.json",
                                   headers={"Authorization": f"Bearer {room.moderator_key}"}).get_json()
    old = {k: v for k, v in report.items() if k != "outcome_kinds"}
    old["schema"] = "spiegel-report/1"
    old["outcomes"] = {k: v for k, v in old["outcomes"].items() if k in CORE_OUTCOME_NAMES}
    old["counts"]["outcomes"] = {k: len(v) for k, v in old["outcomes"].items()}
    jsonschema.Draft202012Validator(exports.json_schema(1)).validate(old)
    assert "## Wensen\n\n- Verzonnen wens" in exports.to_markdown(old)
    assert list(exports.csv_tables(old))[:6] == list(CORE_OUTCOME_NAMES)
