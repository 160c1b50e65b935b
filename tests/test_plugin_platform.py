"""The plugin platform, proved by a plugin from outside the core: the probe
(tests/plugins/spiegel_probe), installed from its wheel, uses every extension point through
``spiegel.api`` only. Without it the core works unchanged.
"""

from __future__ import annotations

import inspect
import re
import subprocess
import sys

import pytest
from helpers import ADMIN_PASSWORD, PLUGINS, ROOT, Room, call, make_app, uid
from spiegel import hookspecs
from spiegel.plugin_manager import PluginError, core_formats
from spiegel.sections import SectionError, collect_sections
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import text

ADMIN = {"Authorization": f"Bearer {ADMIN_PASSWORD}"}


def new_meeting(app, **fields) -> Room:
    body = {"title": "Proefbijeenkomst", "theme": "Verzonnen thema", "format": "probe", "open": True, **fields}
    r = app.test_client().post("/api/admin/meetings", json=body, headers=ADMIN)
    assert r.status_code == 201, r.get_json()
    return Room(app, r.get_json())


def received(client, name: str) -> list[dict]:
    return [m["args"][0] for m in client.get_received() if m["name"] == name]


def join_scout(room: Room, mod) -> object:
    secret = call(mod, "invite.create", {"kind": "scout"})["url"].split("#invite=", 1)[1]
    joined = room.app.test_client().post(f"/api/meetings/{room.code}/join", json={"invite": secret}).get_json()
    assert joined["ok"] and joined["kind"] == "scout", joined
    return room.connect(joined["token"])


@pytest.fixture
def papp(probe, tmp_path, clock):
    return make_app(tmp_path / "instance", clock)


# --- loading -----------------------------------------------------------------------------------------


def test_the_probe_loads_from_its_installed_wheel_with_everything_it_declares(papp, probe):
    sp = papp.extensions["spiegel"]
    assert "probe" in sp.formats and sp.pm.get_plugin("probe") is probe
    assert {"probe.tip", "probe.cheer", "probe.shout"} <= set(sp.registry.client)
    assert sp.registry.server["probe.tip"].private
    assert "probe" in sp.rights and "probe" in sp.assistant_rights
    assert [f.name for f in sp.migrations][-1] == "probe" and "site" in str(sp.migrations[-1].path)
    tables = set(sa_inspect(sp.db.engine).get_table_names())
    assert {"probe_tips", "spiegel_probe_version"} <= tables


def test_without_the_probe_the_core_is_unchanged(app):
    sp = app.extensions["spiegel"]
    assert tuple(sp.formats) == core_formats() and "probe" not in sp.formats
    assert not any(name.startswith("probe.") for name in sp.registry.client)
    assert "probe_tips" not in sa_inspect(sp.db.engine).get_table_names()
    r = app.test_client().get("/plugins/probe/tips.js")
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "not_found"


def test_spiegel_plugins_and_permissions_show_the_probe(probe_site, tmp_path):
    env = {"PYTHONPATH": str(probe_site), "SPIEGEL_INSTANCE_PATH": str(tmp_path), "SPIEGEL_ADMIN_PASSWORD": "x",
           "PATH": "/usr/bin:/bin", "SPIEGEL_ASYNC_MODE": "threading"}
    plugins = subprocess.run([sys.executable, "-m", "spiegel", "plugins"], env=env, capture_output=True, text=True,
                             timeout=120, check=True).stdout
    assert '"name": "probe"' in plugins and '"kinds": [\n' in plugins and '"scout"' in plugins
    table = subprocess.run([sys.executable, "-m", "spiegel", "permissions"], env=env, capture_output=True, text=True,
                           timeout=120, check=True).stdout
    assert re.search(r"^probe\.shout\s+staff with right 'probe'\s+until archived\s+probe$", table, re.M)
    assert re.search(r"^probe\.tip\s+participant\s+phases allowing 'tip'\s+probe$", table, re.M)
    assert re.search(r"^note\s+participant\s+yes\s+spiegel\.notes$", table, re.M)
    assert re.search(r"^probe\.tally\s+kind:scout, staff\s+no\s+probe$", table, re.M)


# --- participant kinds, events and audiences ------------------------------------------------------------


def test_a_scout_joins_by_invitation_before_the_meeting_opens_and_sends_a_tip(papp):
    room = new_meeting(papp, open=False)
    mod = room.moderator()
    # Listeners cannot join a draft; scouts (before_open) can, and may send tips in the lobby.
    r = papp.test_client().post(f"/api/meetings/{room.code}/join", json={})
    assert r.get_json()["error"]["code"] == "meeting_not_open"
    scout = join_scout(room, mod)
    snap = received(scout, "snapshot")[0]
    assert snap["kind"] == "scout" and snap["me"]["label"] == "Verkenner 1"
    assert snap["client"] == {"page": "participant", "modules": ["/plugins/probe/tips.js"], "styles": []}
    assert snap["format_data"] == {"tips": []}
    mod.get_received()
    ack = call(scout, "probe.tip", {"id": uid(), "text": "Verzonnen tip over de wachtkamer"})
    assert ack["ok"] and ack["duplicate"] is False
    again = call(scout, "probe.tip", {"id": ack["tip"]["id"], "text": "Verzonnen tip over de wachtkamer"})
    assert again["ok"] and again["duplicate"] is True, "a resend is answered from the plugin's own table"
    assert received(scout, "probe.tip")[0]["tip"]["text"] == "Verzonnen tip over de wachtkamer"
    assert received(mod, "probe.tip")[0]["tip"]["text"] == "Verzonnen tip over de wachtkamer"
    # A scout may not do what listeners do, and not what the phase does not allow them.
    assert call(scout, "note.add", {"id": uid(), "text": "x"})["error"]["code"] == "not_allowed_in_phase"
    staff_snap = call(mod, "sync")["snapshot"]
    assert [t["text"] for t in staff_snap["format_data"]["tips"]] == ["Verzonnen tip over de wachtkamer"]
    assert staff_snap["plugins"]["probe"] == {"tip_count": 1}
    assert staff_snap["presence"]["kinds"] == {"scout": {"joined": 1, "connected": 1}}


def test_private_plugin_events_reach_only_the_author_and_staff(papp):
    room = new_meeting(papp)
    mod = room.moderator()
    listener = room.listener()
    display = room.connect(call(mod, "display.link")["key"])
    scout, other_scout = join_scout(room, mod), None
    secret_tip = "Verzonnen-geheim: alleen voor de staf"
    for client in (mod, listener, display, scout):
        client.get_received()
    assert call(scout, "probe.tip", {"id": uid(), "text": secret_tip})["ok"]
    assert received(mod, "probe.tip") and received(scout, "probe.tip")
    for client in (listener, display):
        assert secret_tip not in repr(client.get_received())
    assert secret_tip not in repr(call(listener, "sync")["snapshot"])
    assert other_scout is None


def test_a_kind_audience_reaches_that_kind_and_staff_only(papp):
    room = new_meeting(papp)
    mod = room.moderator()
    listener, scout = room.listener(), join_scout(room, mod)
    call(mod, "phase.goto", {"key": "round"})
    for client in (mod, listener, scout):
        client.get_received()
    assert call(listener, "probe.cheer")["cheers"] == 1
    assert received(mod, "probe.tally") == received(scout, "probe.tally") != []
    assert received(listener, "probe.tally") == []
    assert call(scout, "probe.cheer")["error"]["code"] == "not_allowed_in_phase"


def test_a_plugin_right_gates_its_staff_event_and_the_banner_reaches_the_room(papp):
    room = new_meeting(papp)
    mod = room.moderator()
    display = room.connect(call(mod, "display.link")["key"])
    without = room.connect(call(mod, "assistant.create", {"rights": ["run"]})["key"])
    holder = room.connect(call(mod, "assistant.create", {"rights": ["probe"]})["key"])
    assert call(without, "probe.shout", {"text": "Pauze"})["error"]["code"] == "missing_right"
    display.get_received()
    assert call(holder, "probe.shout", {"text": "Pauze tot half elf"})["ok"]
    assert received(display, "probe.banner")[0]["text"] == "Pauze tot half elf"
    assert call(mod, "sync")["snapshot"]["me"]["rights"][-1] == "probe"


def test_sending_a_private_event_to_the_meeting_is_refused_and_nothing_is_sent(papp):
    room = new_meeting(papp)
    mod = room.moderator()
    listener = room.listener()
    scout = join_scout(room, mod)
    call(scout, "probe.tip", {"id": uid(), "text": "Verzonnen tip die binnen moet blijven"})
    before = call(mod, "sync")["snapshot"]["version"]
    listener.get_received()
    ack = call(mod, "probe.leak")
    assert ack["error"]["code"] == "internal_error"
    assert "binnen moet blijven" not in repr(listener.get_received())
    assert call(mod, "sync")["snapshot"]["version"] == before, "the change was rolled back"


def test_a_private_event_declared_for_the_meeting_stops_the_start(tmp_path, clock):
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "leaky.py").write_text(
        "from spiegel.api import MEETING, ServerEvent, hookimpl\n\n"
        "@hookimpl\ndef register_events():\n"
        "    return [ServerEvent('leaky.note', frozenset({MEETING}), private=True)]\n")
    with pytest.raises(PluginError, match=r"file:leaky.py: server event 'leaky.note' carries .* may not go to "
                                          r"\['meeting'\]"):
        make_app(tmp_path / "instance", clock, PLUGINS_DIR=str(folder))


@pytest.mark.parametrize(("source", "message"), [
    ("SPIEGEL_API = 2\n", r"plugin file:bad.py is built for Spiegel plugin API 2; this server offers API 1"),
    ("from spiegel.api import ClientEvent, Payload, hookimpl, participant\n"
     "@hookimpl\ndef register_events():\n"
     "    return [ClientEvent('note.add', Payload, lambda c, d: {}, participant('note'))]\n",
     r"client event 'note.add' is registered twice: by spiegel.notes and by file:bad.py"),
    ("from spiegel.api import ServerEvent, hookimpl\n"
     "@hookimpl\ndef register_events():\n    return [ServerEvent('x', frozenset({'everyone'}))]\n",
     r"file:bad.py: server event 'x' has unknown audiences \['everyone'\]"),
])
def test_broken_declarations_stop_the_start_naming_the_plugin(tmp_path, clock, source, message):
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "bad.py").write_text(source)
    with pytest.raises(PluginError, match=message):
        make_app(tmp_path / "instance", clock, PLUGINS_DIR=str(folder))


def test_a_missing_translation_of_a_plugin_page_stops_the_start(tmp_path, clock):
    folder = tmp_path / "plugins"
    static = tmp_path / "static" / "i18n"
    static.mkdir(parents=True)
    (static / "nl.json").write_text('{"a": "Een", "b": "Twee"}')
    (static / "en.json").write_text('{"a": "One", "b": ""}')
    folder.mkdir()
    (folder / "texts.py").write_text(
        "from spiegel.api import hookimpl\n\n@hookimpl\ndef register_static():\n"
        f"    return [('texts', {str(tmp_path / 'static')!r})]\n")
    with pytest.raises(PluginError, match=r"plugin file:texts.py: missing translation in en.json for b"):
        make_app(tmp_path / "instance", clock, PLUGINS_DIR=str(folder))


def test_an_admin_action_of_a_plugin_is_served_to_the_administrator_only(papp):
    room = new_meeting(papp)
    call(join_scout(room, room.moderator()), "probe.tip", {"id": uid(), "text": "Verzonnen tip"})
    http = papp.test_client()
    assert http.post("/api/admin/actions/probe.count", json={}).status_code == 401
    r = http.post("/api/admin/actions/probe.count", json={}, headers=ADMIN)
    assert r.status_code == 200 and r.get_json() == {"ok": True, "tips": 1}
    assert http.post("/api/admin/actions/probe.count", json={"x": 1}, headers=ADMIN).status_code == 400
    assert http.post("/api/admin/actions/probe.nope", json={}, headers=ADMIN).status_code == 404


def test_an_admin_action_declared_twice_stops_the_start(probe, tmp_path, clock):
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "twice.py").write_text(
        "from spiegel.api import AdminAction, Payload, hookimpl\n\n"
        "@hookimpl\ndef register_admin_actions():\n"
        "    return [AdminAction('probe.count', Payload, lambda s, d, n: {})]\n")
    with pytest.raises(PluginError, match=r"admin action 'probe.count' is registered twice: by probe and by "
                                          r"file:twice.py"):
        make_app(tmp_path / "instance", clock, PLUGINS_DIR=str(folder))


def test_a_plugin_adds_admin_page_modules_besides_its_formats(papp):
    """``register_admin_modules``: the probe's own admin panel (not its format's), listed beside
    the formats in ``/api/formats``, its ``.css`` a stylesheet; the format's stay its own."""
    body = papp.test_client().get("/api/formats?lang=en").get_json()
    assert body["admin_modules"] == ["/plugins/probe/admin.js"]
    assert body["admin_styles"] == ["/plugins/probe/admin.css"]
    probe_format = next(f for f in body["formats"] if f["name"] == "probe")
    assert probe_format["admin_modules"] == [] and probe_format["admin_styles"] == []
    assert papp.test_client().get("/plugins/probe/admin.js").status_code == 200


@pytest.mark.parametrize("urls", ['["https://cdn.example/panel.js"]', '["//cdn.example/panel.js"]',
                                  '["plugins/other/panel.js"]', '"/plugins/other/panel.js"'])
def test_an_admin_module_from_another_origin_stops_the_start(tmp_path, clock, urls):
    """Checked as a format's ``modules`` are: the admin page's CSP loads from this server only."""
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "elsewhere.py").write_text(
        f"from spiegel.api import hookimpl\n\n@hookimpl\ndef register_admin_modules():\n    return {urls}\n")
    with pytest.raises(PluginError, match=r"plugin file:elsewhere.py: register_admin_modules"):
        make_app(tmp_path / "instance", clock, PLUGINS_DIR=str(folder))


# --- format behaviour ---------------------------------------------------------------------------------


def test_format_hooks_run_for_their_own_meetings_only(papp, probe, clock):
    common = new_meeting(papp, format="common")
    call(common.moderator(), "phase.goto", {"key": "listening"})
    assert not [c for c in probe.CALLS if c[0].startswith("on_")], "a common-form meeting runs no probe format hook"
    room = new_meeting(papp)
    mod = room.moderator()
    assert ("on_created", {"meeting": room.meeting_id}) in probe.CALLS
    assert call(mod, "phase.goto", {"key": "round"})["state"]["timer"]["running"], "on_phase_entered started it"
    calls = [c for c in probe.CALLS if c[0] in ("on_phase_left", "on_phase_entered", "phase_changed")]
    assert calls[-3:] == [("on_phase_left", {"phase": "lobby", "following": "round"}),
                          ("on_phase_entered", {"phase": "round", "previous": "lobby"}),
                          ("phase_changed", {"previous": "lobby", "current": "round"})]
    mod.get_received()
    clock.advance(5 * 60 + 1)
    sp = papp.extensions["spiegel"]
    assert sp.check_timers() == 1 and sp.check_timers() == 0
    assert [c for c in probe.CALLS if c[0] == "on_timer_expired"] == [("on_timer_expired", {"phase": "round"})]
    assert received(mod, "timer.expired")


def test_report_sections_come_from_the_format_and_the_plugins(papp):
    room = new_meeting(papp)
    mod = room.moderator()
    scout = join_scout(room, mod)
    call(scout, "probe.tip", {"id": uid(), "text": "Verzonnen tip voor het verslag"})
    sp = papp.extensions["spiegel"]
    from spiegel.models import Meeting

    with sp.db.transaction() as session:
        ctx = sp.context(session, session.get(Meeting, room.meeting_id))
        sections = collect_sections(ctx)
    assert [(s["key"], s["source"]) for s in sections] == [("probe_tips", "format:probe"),
                                                           ("probe_summary", "probe")]
    assert sections[0]["items"] == [{"text": "Verzonnen tip voor het verslag"}]
    assert sections[1]["title"] == {"nl": "Samenvatting proef", "en": "Probe summary"}


def test_a_plugin_outcome_kind_is_captured_in_its_format_and_reported_in_every_export(papp, probe):
    """The probe adds ``hunch`` to its own format (``register_outcome_kinds``): staff capture
    it over Socket.IO, the report shows it as its own section and table; a meeting of another
    format refuses it."""
    import io
    import zipfile

    import jsonschema
    from spiegel.report import exports

    room = new_meeting(papp)
    mod = room.moderator()
    kinds = [m for m in received(mod, "snapshot")][-1]["outcome_kinds"]
    assert [k["kind"] for k in kinds] == ["well", "improvement", "wish", "hunch", "decision", "priority", "action"]
    assert kinds[3] == {"kind": "hunch", "label": "Vermoeden", "labels": {"nl": "Vermoeden", "en": "Hunch"},
                        "core": False}
    assert ("register_outcome_kinds", {"format": "common"}) in probe.CALLS
    text = "Verzonnen vermoeden: de wachtkamer is te klein"
    ack = call(mod, "outcome.add", {"id": uid(), "kind": "hunch", "text": text})
    assert ack["ok"] and ack["outcome"]["kind"] == "hunch", ack

    common = Room(papp, papp.test_client().post("/api/admin/meetings", headers=ADMIN, json={
        "title": "Gewone bijeenkomst", "open": True}).get_json())
    other = common.moderator()
    refused = call(other, "outcome.add", {"id": uid(), "kind": "hunch", "text": text})
    assert refused["error"]["code"] == "unknown_outcome_kind" and "hunch" not in refused["error"]["message"]
    assert refused["error"]["details"][0]["allowed"] == ["well", "improvement", "wish", "decision", "priority",
                                                         "action"]
    wish = call(other, "outcome.add", {"id": uid(), "kind": "wish", "text": "Verzonnen wens"})["outcome"]
    assert call(other, "outcome.edit", {"id": wish["id"], "kind": "hunch"})["error"]["code"] == "unknown_outcome_kind"

    key = {"Authorization": f"Bearer {room.moderator_key}"}
    http, base = papp.test_client(), f"/api/moderate/{room.meeting_id}"
    report = http.get(f"{base}/report.json", headers=key).get_json()
    jsonschema.Draft202012Validator(exports.json_schema()).validate(report)
    assert report["schema"] == "spiegel-report/2"
    assert [i["text"] for i in report["outcomes"]["hunch"]] == [text] and report["counts"]["outcomes"]["hunch"] == 1
    assert {"kind": "hunch", "title": {"nl": "Vermoeden", "en": "Hunch"},
            "heading": {"nl": "Vermoedens", "en": "Hunches"}, "core": False} in report["outcome_kinds"]
    tables = zipfile.ZipFile(io.BytesIO(http.get(f"{base}/report.csv", headers=key).data))
    rows = exports.read_csv_table(tables.read("hunch.csv").decode("utf-8"))
    assert [r["text"] for r in rows] == [text] and list(rows[0]) == list(exports.PLAIN_COLUMNS)
    markdown = http.get(f"{base}/report.md", headers=key).get_data(as_text=True)
    assert "## Vermoedens\n\n- " + text in markdown
    assert markdown.index("## Wensen") < markdown.index("## Vermoedens") < markdown.index("## Besluiten")
    html = http.get(f"{base}/report.html", headers=key).get_data(as_text=True)
    section = html.split('<section id="hunch">', 1)[1].split("</section>", 1)[0]
    assert "<h2>Vermoedens</h2>" in section and text in section
    new = http.post(f"{base}/outcomes", headers=key, json={"kind": "hunch", "text": "Verzonnen tweede vermoeden"})
    assert new.status_code == 201
    assert http.post(f"/api/moderate/{common.meeting_id}/outcomes", json={"kind": "hunch", "text": "x"}, headers={
        "Authorization": f"Bearer {common.moderator_key}"}).get_json()["error"]["code"] == "unknown_outcome_kind"


def test_a_malformed_report_section_is_a_clear_error(tmp_path, clock):
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "sloppy.py").write_text(
        "from spiegel.api import hookimpl\n\n@hookimpl\ndef report_sections(ctx):\n"
        "    return [{'key': 'x', 'title': {'nl': 'Alleen Nederlands'}, 'items': []}]\n")
    app = make_app(tmp_path / "instance", clock, PLUGINS_DIR=str(folder))
    room = Room(app, app.test_client().post("/api/admin/meetings", json={"title": "t"}, headers=ADMIN).get_json())
    sp = app.extensions["spiegel"]
    from spiegel.models import Meeting

    with sp.db.transaction() as session, pytest.raises(SectionError, match="file:sloppy.py: .* Dutch and English"):
        collect_sections(sp.context(session, session.get(Meeting, room.meeting_id)))


# --- data, erase, assets ---------------------------------------------------------------------------------


def _erase_reaches_plugin_rows(app, probe):
    room = new_meeting(app)
    mod = room.moderator()
    scout = join_scout(room, mod)
    call(scout, "probe.tip", {"id": uid(), "text": "Verzonnen tip die weg moet"})
    engine = app.extensions["spiegel"].db.engine
    with engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM probe_tips")).scalar() == 1
    r = app.test_client().delete(f"/api/admin/meetings/{room.meeting_id}", headers=ADMIN)
    assert r.status_code == 200
    with engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM probe_tips")).scalar() == 0
    assert ("meeting_erased", {"meeting": room.meeting_id}) in probe.CALLS


def test_erasing_a_meeting_erases_the_plugins_rows_too(papp, probe):
    _erase_reaches_plugin_rows(papp, probe)


@pytest.mark.postgres
def test_plugin_migrations_and_erase_on_postgresql(probe, postgres_url, tmp_path, clock):
    app = make_app(tmp_path / "instance", clock, DATABASE_URL=postgres_url)
    assert "probe_tips" in sa_inspect(app.extensions["spiegel"].db.engine).get_table_names()
    _erase_reaches_plugin_rows(app, probe)


def test_plugin_static_files_come_from_the_installed_package_under_the_strict_policy(papp):
    http = papp.test_client()
    r = http.get("/plugins/probe/tips.js")
    assert r.status_code == 200 and "javascript" in r.mimetype
    assert b"registerPanel" in r.data
    assert "script-src 'self'" in r.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in r.headers["Content-Security-Policy"]
    assert http.get("/plugins/probe/i18n/en.json").get_json()["tips.send"] == "Send tip"
    style = http.get("/plugins/probe/tally.css")
    assert style.status_code == 200 and style.mimetype == "text/css" and b"probe.tally" in style.data
    assert http.get("/plugins/probe/../__init__.py").status_code == 404
    assert http.get("/plugins/nobody/x.js").status_code == 404


def test_each_page_gets_its_own_modules(papp):
    room = new_meeting(papp)
    mod = room.moderator()
    display = room.connect(call(mod, "display.link")["key"])
    assert call(mod, "sync")["snapshot"]["client"] == {"page": "moderator", "modules": ["/plugins/probe/tally.js"],
                                                       "styles": ["/plugins/probe/tally.css"]}
    # a `page_modules` URL ending in .css is a stylesheet
    assert received(display, "snapshot")[0]["client"] == {"page": "display", "modules": ["/plugins/probe/banner.js"],
                                                          "styles": ["/plugins/probe/banner.css"]}
    listener = room.listener()
    snap = received(listener, "snapshot")[0]
    assert snap["client"]["modules"] == ["/plugins/probe/tips.js"] and snap["format_data"] == {"cheers": 0}


# --- meta: every hook documented and exercised ---------------------------------------------------------


def _hookspecs() -> dict[str, object]:
    return {name: f for name, f in inspect.getmembers(hookspecs, inspect.isfunction) if hasattr(f, "spiegel_spec")}


def test_every_hook_is_documented_in_the_plugin_guide():
    guide = (ROOT / "docs" / "plugins.md").read_text()
    for name in _hookspecs():
        assert re.search(rf"^### `{name}\(", guide, re.M), f"docs/plugins.md has no section for the hook {name}"
    for method in ("on_created", "on_phase_left", "on_phase_entered", "on_timer_expired", "snapshot_part",
                   "report_sections"):
        assert f"`{method}(" in guide, f"docs/plugins.md does not document MeetingFormat.{method}"


def test_every_hook_is_called_and_exercised(papp, probe, tmp_path, clock):
    """A new hook fails here until a test plugin implements it and a test covers it."""
    room = new_meeting(papp)
    mod = room.moderator()
    call(mod, "phase.goto", {"key": "listening"})
    room.connect(call(mod, "display.link")["key"])
    sp = papp.extensions["spiegel"]
    from spiegel.models import Meeting

    with sp.db.transaction() as session:
        collect_sections(sp.context(session, session.get(Meeting, room.meeting_id)))
    papp.test_client().delete(f"/api/admin/meetings/{room.meeting_id}", headers=ADMIN)
    example = make_app(tmp_path / "other", clock, PLUGINS_DIR=str(PLUGINS)).extensions["spiegel"]
    called = {name for name, _ in probe.CALLS} | {name for name, _ in example.pm.get_plugin(
        "file:example_format.py").CALLS}
    assert set(_hookspecs()) <= called, f"never called: {sorted(set(_hookspecs()) - called)}"
    exercised = {
        "register_formats": test_the_probe_loads_from_its_installed_wheel_with_everything_it_declares,
        "register_events": test_private_plugin_events_reach_only_the_author_and_staff,
        "register_rights": test_a_plugin_right_gates_its_staff_event_and_the_banner_reaches_the_room,
        "register_migrations": test_plugin_migrations_and_erase_on_postgresql,
        "register_static": test_plugin_static_files_come_from_the_installed_package_under_the_strict_policy,
        "page_modules": test_each_page_gets_its_own_modules,
        "snapshot_part": test_a_scout_joins_by_invitation_before_the_meeting_opens_and_sends_a_tip,
        "report_sections": test_report_sections_come_from_the_format_and_the_plugins,
        "meeting_created": test_format_hooks_run_for_their_own_meetings_only,
        "phase_changed": test_format_hooks_run_for_their_own_meetings_only,
        "meeting_erased": test_erasing_a_meeting_erases_the_plugins_rows_too,
        "register_actions": test_broken_declarations_stop_the_start_naming_the_plugin,
        "register_admin_actions": test_an_admin_action_of_a_plugin_is_served_to_the_administrator_only,
        "register_admin_modules": test_a_plugin_adds_admin_page_modules_besides_its_formats,
        "register_outcome_kinds": test_a_plugin_outcome_kind_is_captured_in_its_format_and_reported_in_every_export,
    }
    assert set(exercised) == set(_hookspecs()), "name the test that covers each hook"


def test_the_probe_imports_only_the_public_api():
    sources = (PLUGINS / "spiegel_probe" / "spiegel_probe").rglob("*.py")
    imports = {m for path in sources for m in re.findall(r"^from (spiegel\S*) import", path.read_text(), re.M)}
    assert imports == {"spiegel.api"}, imports


def test_no_import_cycles_in_the_server():
    tool = ROOT.parent / "shared" / "tools" / "importcycles.py"
    if not tool.exists():  # the CI checkout has ../shared beside it; a bare clone may not
        pytest.skip("../shared/tools/importcycles.py is not beside this checkout")
    done = subprocess.run([sys.executable, str(tool), str(ROOT / "server"), "--package", "spiegel"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout
