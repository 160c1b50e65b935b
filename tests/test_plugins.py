"""Plugin loading: the built-in common form, installed (entry-point) plugins, one-off plugin
files, the restriction by name, and what goes wrong loudly at start.

Example plugins live in ``tests/plugins/``; plugins that must fail are written to ``tmp_path``.
An installed plugin is a real distribution (``*.dist-info`` with ``entry_points.txt``) put on
``sys.path``: ``importlib.metadata`` discovers it exactly as it would after ``pip install``.
"""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from textwrap import dedent

import pytest
from helpers import ADMIN_PASSWORD, ROOT, FakeClock, Room, call
from spiegel import hookspecs
from spiegel.app import create_app
from spiegel.formats import CORE_LISTENER_ACTIONS, check_format
from spiegel.plugin_manager import PluginError, core_formats, describe

PLUGINS = Path(__file__).resolve().parent / "plugins"
EXAMPLE = "file:example_format.py"


def make_app(tmp_path: Path, clock: FakeClock | None = None, **config):
    """An in-process app; PLUGINS_DIR and PLUGINS default to none unless given (or left to the environment)."""
    settings = {
        "INSTANCE_PATH": str(tmp_path / f"instance-{uuid.uuid4().hex[:6]}"),
        "ASYNC_MODE": "threading",
        "ADMIN_PASSWORD": ADMIN_PASSWORD,
        "PUBLIC_URL": "http://spiegel.test",
        "DATABASE_URL": None,
        "PLUGINS_DIR": None,
        "PLUGINS": None,
    }
    settings.update(config)
    settings = {k: v for k, v in settings.items() if v is not ...}
    return create_app(settings, clock=clock or FakeClock())


def make_room(app, **fields) -> Room:
    body = {"title": "Testbijeenkomst", "theme": "Verzonnen thema", "format": "common", "open": True}
    body.update(fields)
    r = app.test_client().post("/api/admin/meetings", json=body, headers={"Authorization": f"Bearer {ADMIN_PASSWORD}"})
    assert r.status_code == 201, r.get_json()
    return Room(app, r.get_json())


def format_plugin(name: str, *, title: str = '{"nl": "Verzonnen vorm", "en": "Invented format"}',
                  middle: str = "", extra: str = "") -> str:
    """Source of a plugin module declaring one small format (``middle``: more phases)."""
    return dedent(f'''
        from spiegel import hookimpl
        from spiegel.formats import MeetingFormat, Phase

        class Fmt(MeetingFormat):
            name = {name!r}
            title = {title}
            description = {{"nl": "Alleen voor tests.", "en": "Only for tests."}}
            phases = (
                Phase(key="start", state="open", title={{"nl": "Begin", "en": "Start"}},
                      rule={{"nl": "Even wachten.", "en": "Please wait."}}),
                {middle}
                Phase(key="end", state="ended", title={{"nl": "Einde", "en": "End"}},
                      rule={{"nl": "Klaar.", "en": "Done."}}),
            )

        @hookimpl
        def register_formats():
            return [Fmt]
    ''') + extra


def make_dist(root: Path, dist: str, modules: dict[str, str], entry_points: dict[str, str]) -> Path:
    """An installed distribution: modules plus ``<dist>-0.1.dist-info`` with a ``[spiegel]`` group."""
    root.mkdir(parents=True, exist_ok=True)
    for module, source in modules.items():
        (root / f"{module}.py").write_text(source)
    info = root / f"{dist}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(
        "[spiegel]\n" + "".join(f"{name} = {target}\n" for name, target in entry_points.items()))
    return root


def unique(prefix: str) -> str:
    """A module name no earlier test imported (sys.modules keeps modules across tests)."""
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


def plugins_dir(tmp_path: Path, files: dict[str, str]) -> Path:
    folder = tmp_path / "plugins"
    folder.mkdir(exist_ok=True)
    for name, source in files.items():
        (folder / name).write_text(source)
    return folder


# --- built-in ---------------------------------------------------------------------------------------


def test_the_common_form_is_built_in(tmp_path):
    app = make_app(tmp_path)
    sp = app.extensions["spiegel"]
    assert sp.pm.get_plugin("spiegel.plugins.common") is not None
    fmt = sp.formats["common"]
    assert [p.key for p in fmt.phases] == ["lobby", "listening", "questions", "closing", "ended"]
    assert [p.state for p in fmt.phases] == ["open", "running", "running", "running", "ended"]
    listening = fmt.phase("listening")
    assert listening.silent
    assert listening.listener == {"note", "question"}
    assert fmt.phase("lobby").listener == frozenset()
    check_format(fmt, CORE_LISTENER_ACTIONS)  # the declaration is one the server can run
    rows = {r["name"]: r for r in describe(sp.pm, sp.formats)}
    row = rows["spiegel.plugins.common"]
    assert {k: row[k] for k in ("name", "source", "hooks", "formats")} == {
        "name": "spiegel.plugins.common", "source": "built-in", "hooks": ["register_formats"], "formats": ["common"]}
    assert row["format_details"] == [{"name": "common", "title": "Mirror meeting (common form)",
                                      "phases": ["lobby", "listening", "questions", "closing", "ended"],
                                      "kinds": ["listener"]}]


def test_api_formats_lists_the_loaded_formats_with_their_phase_plans(tmp_path):
    app = make_app(tmp_path, PLUGINS_DIR=str(PLUGINS))
    body = app.test_client().get("/api/formats?lang=en").get_json()
    assert body["ok"]
    formats = {f["name"]: f for f in body["formats"]}
    assert set(formats) == {*core_formats(), "example_round"}
    assert formats["common"]["title"] == "Mirror meeting (common form)"
    assert [p["key"] for p in formats["example_round"]["phases"]] == ["lobby", "listening", "round", "ended"]
    round_ = formats["example_round"]["phases"][2]
    assert round_["listener_actions"] == ["note", "pledge", "turn", "vote"]
    assert round_["duration"] == 7 * 60


def test_each_app_has_its_own_plugin_manager(tmp_path):
    plain = make_app(tmp_path)
    with_example = make_app(tmp_path, PLUGINS_DIR=str(PLUGINS))
    assert plain.extensions["spiegel"].pm is not with_example.extensions["spiegel"].pm
    assert "example_round" not in plain.extensions["spiegel"].formats
    assert "example_round" in with_example.extensions["spiegel"].formats
    assert "example.pledge" not in plain.extensions["spiegel"].registry.client


# --- installed plugins (entry points) -----------------------------------------------------------------


def test_an_installed_plugin_is_found_through_its_entry_point(tmp_path, monkeypatch):
    module = unique("myplugin")
    site = make_dist(tmp_path / "site", "myplugin", {module: format_plugin("installed_form")}, {"myplugin": module})
    monkeypatch.syspath_prepend(str(site))
    app = make_app(tmp_path)
    sp = app.extensions["spiegel"]
    assert "installed_form" in sp.formats
    assert sp.pm.get_plugin("myplugin") is sys.modules[module]
    rows = {r["name"]: r for r in describe(sp.pm, sp.formats)}
    assert rows["myplugin"]["source"] == "entry point"
    assert rows["myplugin"]["formats"] == ["installed_form"]
    # And a meeting of that format can be created and run.
    room = make_room(app, format="installed_form")
    mod = room.moderator()
    assert call(mod, "phase.goto", {"key": "end"})["state"]["meeting"]["state"] == "ended"


def test_without_the_distribution_the_plugin_is_not_there(tmp_path):
    assert "installed_form" not in make_app(tmp_path).extensions["spiegel"].formats


def test_an_installed_plugin_that_fails_to_import_stops_the_start(tmp_path, monkeypatch):
    module = unique("brokenplugin")
    site = make_dist(tmp_path / "site", "brokenplugin", {module: "raise RuntimeError('verzonnen fout')\n"},
                     {"brokenplugin": module})
    monkeypatch.syspath_prepend(str(site))
    with pytest.raises(PluginError) as info:
        make_app(tmp_path)
    message = str(info.value)
    assert "brokenplugin" in message
    assert "verzonnen fout" in message


def test_an_entry_point_to_a_missing_module_stops_the_start(tmp_path, monkeypatch):
    site = make_dist(tmp_path / "site", "ghostplugin", {}, {"ghostplugin": unique("no_such_module")})
    monkeypatch.syspath_prepend(str(site))
    with pytest.raises(PluginError, match="ghostplugin"):
        make_app(tmp_path)


def _two_installed(tmp_path, monkeypatch) -> None:
    alpha, beta = unique("alpha"), unique("beta")
    site = make_dist(tmp_path / "site", "twoplugins",
                     {alpha: format_plugin("alpha_form"), beta: format_plugin("beta_form")},
                     {"alpha": alpha, "beta": beta})
    monkeypatch.syspath_prepend(str(site))


def test_all_installed_plugins_load_by_default(tmp_path, monkeypatch):
    _two_installed(tmp_path, monkeypatch)
    monkeypatch.delenv("SPIEGEL_PLUGINS", raising=False)
    formats = make_app(tmp_path, PLUGINS=...).extensions["spiegel"].formats
    assert {"alpha_form", "beta_form", "common"} <= set(formats)


def test_plugins_setting_restricts_installed_plugins_by_name(tmp_path, monkeypatch):
    _two_installed(tmp_path, monkeypatch)
    sp = make_app(tmp_path, PLUGINS="alpha").extensions["spiegel"]
    assert "alpha_form" in sp.formats
    assert "beta_form" not in sp.formats
    assert sp.pm.get_plugin("beta") is None
    assert "common" in sp.formats, "built-ins are always there"


def test_spiegel_plugins_environment_variable_restricts_too(tmp_path, monkeypatch):
    _two_installed(tmp_path, monkeypatch)
    monkeypatch.setenv("SPIEGEL_PLUGINS", " beta , ")
    sp = make_app(tmp_path, PLUGINS=...).extensions["spiegel"]  # not given: read from the environment
    assert "beta_form" in sp.formats
    assert "alpha_form" not in sp.formats


def test_the_restriction_does_not_hide_plugin_files(tmp_path, monkeypatch):
    _two_installed(tmp_path, monkeypatch)
    sp = make_app(tmp_path, PLUGINS="alpha", PLUGINS_DIR=str(PLUGINS)).extensions["spiegel"]
    assert {*core_formats(), "alpha_form", "example_round"} == set(sp.formats)


# --- one-off plugin files ---------------------------------------------------------------------------


def test_plugin_files_from_the_plugins_folder_are_loaded(tmp_path):
    sp = make_app(tmp_path, PLUGINS_DIR=str(PLUGINS)).extensions["spiegel"]
    assert "example_round" in sp.formats
    assert {"example.pledge", "example.summary"} <= set(sp.registry.client)
    rows = {r["name"]: r for r in describe(sp.pm, sp.formats)}
    assert rows[EXAMPLE]["source"] == "file"
    assert rows[EXAMPLE]["formats"] == ["example_round"]
    assert rows[EXAMPLE]["hooks"] == ["meeting_created", "phase_changed", "register_actions", "register_formats"]


def test_spiegel_plugins_dir_environment_variable(tmp_path, monkeypatch):
    folder = plugins_dir(tmp_path, {"house_style.py": format_plugin("house_style")})
    monkeypatch.setenv("SPIEGEL_PLUGINS_DIR", str(folder))
    assert "house_style" in make_app(tmp_path, PLUGINS_DIR=...).extensions["spiegel"].formats


def test_only_python_files_in_the_folder_are_loaded(tmp_path):
    folder = plugins_dir(tmp_path, {"notes.txt": "not python", "draft.py.bak": "raise SystemExit"})
    sp = make_app(tmp_path, PLUGINS_DIR=str(folder)).extensions["spiegel"]
    assert tuple(sp.formats) == core_formats()


def test_a_plugin_file_that_fails_to_import_stops_the_start(tmp_path):
    folder = plugins_dir(tmp_path, {"typo.py": "def register_formats(:\n"})
    with pytest.raises(PluginError) as info:
        make_app(tmp_path, PLUGINS_DIR=str(folder))
    assert "typo.py" in str(info.value)


# --- mistakes that stop the server at start ----------------------------------------------------------


def test_a_duplicate_format_name_names_both_plugin_files(tmp_path):
    folder = plugins_dir(tmp_path, {"first.py": format_plugin("twin"), "second.py": format_plugin("twin")})
    with pytest.raises(PluginError) as info:
        make_app(tmp_path, PLUGINS_DIR=str(folder))
    message = str(info.value)
    assert "'twin'" in message
    assert "registered twice" in message
    assert "file:first.py" in message
    assert "file:second.py" in message


@pytest.mark.parametrize(("attr", "url"), [
    ("styles", "https://cdn.example.invalid/look.css"),
    ("styles", "//cdn.example.invalid/look.css"),
    ("modules", "https://cdn.example.invalid/panel.js"),
])
def test_a_page_asset_from_another_origin_stops_the_start_naming_the_plugin(tmp_path, attr, url):
    extra = f"Fmt.{attr} = {{'moderator': ['/plugins/far/own.css', {url!r}]}}\n"
    folder = plugins_dir(tmp_path, {"far.py": format_plugin("far", extra=extra)})
    with pytest.raises(PluginError) as info:
        make_app(tmp_path, PLUGINS_DIR=str(folder))
    message = str(info.value)
    assert "file:far.py" in message
    assert f"`{attr}`" in message and url in message and "same-origin" in message


def test_an_installed_plugin_may_not_take_the_name_of_the_built_in_format(tmp_path, monkeypatch):
    module = unique("myplugin")
    site = make_dist(tmp_path / "site", "myplugin", {module: format_plugin("common")}, {"myplugin": module})
    monkeypatch.syspath_prepend(str(site))
    with pytest.raises(PluginError) as info:
        make_app(tmp_path)
    message = str(info.value)
    assert "'common'" in message
    assert "spiegel.plugins.common" in message
    assert "myplugin" in message


def test_a_duplicate_action_name_names_both_plugins(tmp_path):
    action = dedent('''
        from pydantic import BaseModel
        from spiegel.actions import Action

        class Data(BaseModel):
            pass

        @hookimpl
        def register_actions():
            return [Action(name="shared.name", schema=Data, handler=lambda ctx, data: {{}}, right="run")]
    ''').replace("{{}}", "{}")
    folder = plugins_dir(tmp_path, {"one.py": format_plugin("one_form", extra=action),
                                    "two.py": format_plugin("two_form", extra=action)})
    with pytest.raises(PluginError) as info:
        make_app(tmp_path, PLUGINS_DIR=str(folder))
    message = str(info.value)
    assert "'shared.name'" in message
    assert "file:one.py" in message
    assert "file:two.py" in message


OK_PHASE = 'Phase(key="talk", title={"nl": "Praten", "en": "Talk"}, rule={"nl": "r", "en": "r"}),'

BROKEN = {
    "missing English title": (
        dict(title='{"nl": "Alleen Nederlands"}'), "`title` needs Dutch and English text"),
    "empty English title": (
        dict(title='{"nl": "Nederlands", "en": ""}'), "`title` needs Dutch and English text"),
    "repeated phase key": (
        dict(middle=OK_PHASE + " " + OK_PHASE), "phase keys repeat"),
    "unknown listener action": (
        dict(middle='Phase(key="talk", listener=frozenset({"note", "applaud"}), title={"nl": "P", "en": "T"}, '
                    'rule={"nl": "r", "en": "r"}),'),
        "phase 'talk' allows unknown actions ['applaud']"),
    "phase rule without English": (
        dict(middle='Phase(key="talk", title={"nl": "P", "en": "T"}, rule={"nl": "alleen nl"}),'),
        "phase 'talk' `rule` needs Dutch and English text"),
}


@pytest.mark.parametrize("case", list(BROKEN), ids=str)
def test_a_broken_format_declaration_stops_the_start_with_a_clear_message(tmp_path, case):
    tweaks, expected = BROKEN[case]
    folder = plugins_dir(tmp_path, {"broken.py": format_plugin("broken_form", **tweaks)})
    with pytest.raises(PluginError) as info:
        make_app(tmp_path, PLUGINS_DIR=str(folder))
    message = str(info.value)
    assert "file:broken.py" in message, "names the plugin"
    assert "'broken_form'" in message, "names the format"
    assert expected in message


def test_a_format_must_start_open_and_end_ended(tmp_path):
    source = format_plugin("upside_down").replace('key="start", state="open"', 'key="start", state="running"')
    folder = plugins_dir(tmp_path, {"broken.py": source})
    with pytest.raises(PluginError, match="first phase must have state 'open'"):
        make_app(tmp_path, PLUGINS_DIR=str(folder))


def test_a_format_name_must_be_an_identifier(tmp_path):
    folder = plugins_dir(tmp_path, {"broken.py": format_plugin("two words")})
    with pytest.raises(PluginError, match="`name` must be an identifier"):
        make_app(tmp_path, PLUGINS_DIR=str(folder))


def test_a_listener_action_from_a_plugin_action_may_be_used_in_phases(tmp_path):
    """The example plugin's ``pledge`` is not a core action, yet its phase may allow it."""
    assert "pledge" not in CORE_LISTENER_ACTIONS
    sp = make_app(tmp_path, PLUGINS_DIR=str(PLUGINS)).extensions["spiegel"]
    assert "pledge" in sp.formats["example_round"].phase("round").listener


# --- plugin actions through the `action` event ---------------------------------------------------------


@pytest.fixture
def example_app(tmp_path, clock):
    return make_app(tmp_path, clock, PLUGINS_DIR=str(PLUGINS))


def _events(client, name):
    return [e["args"][0] for e in client.get_received() if e["name"] == name]


def test_a_listener_plugin_action_is_gated_by_the_phase(example_app):
    room = make_room(example_app, format="example_round")
    mod, listener = room.moderator(), room.listener(name="Verzonnen")
    pledge = {"name": "example.pledge", "data": {"text": "Ik bel de huisarts vaker terug."}}
    for phase in ("lobby", "listening"):
        assert call(mod, "phase.goto", {"key": phase})["ok"]
        ack = call(listener, "action", pledge)
        assert ack["ok"] is False
        assert ack["error"]["code"] == "not_allowed_in_phase", (phase, ack)
    call(mod, "phase.goto", {"key": "round"})
    mod.get_received()
    listener.get_received()
    ack = call(listener, "action", pledge)
    assert ack == {"ok": True, "result": {"pledge": "Ik bel de huisarts vaker terug.", "weeks": 4, "phase": "round"}}
    told = _events(mod, "example.pledge")
    assert len(told) == 1 and told[0]["text"] == "Ik bel de huisarts vaker terug."
    assert _events(listener, "example.pledge") == [], "the plugin sends it to staff only"
    call(mod, "phase.goto", {"key": "ended"})
    assert call(listener, "action", pledge)["error"]["code"] == "not_allowed_in_phase"


def test_a_plugin_action_payload_is_validated_by_its_schema(example_app):
    room = make_room(example_app, format="example_round")
    mod, listener = room.moderator(), room.listener()
    call(mod, "phase.goto", {"key": "round"})

    def send(data):
        return call(listener, "action", {"name": "example.pledge", "data": data})

    assert send({"text": "x" * 201})["error"]["code"] == "text_too_long"
    assert send({"text": "x" * 201})["error"]["details"][0]["limit"] == 200
    assert send({"text": "ok", "weeks": 53})["error"]["code"] == "invalid_payload"
    assert send({"text": "ok", "colour": "blue"})["error"]["code"] == "invalid_payload"
    assert send({})["error"]["code"] == "invalid_payload"
    assert call(listener, "action", {"name": "example.pledge", "data": "ok"})["error"]["code"] == "invalid_payload"
    assert call(listener, "action", {"data": {"text": "ok"}})["error"]["code"] == "invalid_payload"
    assert call(listener, "action", ["example.pledge"])["error"]["code"] == "invalid_payload"
    assert send({"text": "  met spaties  ", "weeks": 2})["result"]["pledge"] == "met spaties"


def test_a_listener_plugin_action_is_not_for_staff(example_app):
    room = make_room(example_app, format="example_round")
    mod = room.moderator()
    call(mod, "phase.goto", {"key": "round"})
    ack = call(mod, "action", {"name": "example.pledge", "data": {"text": "x"}})
    assert ack["error"]["code"] == "forbidden_role"


def test_a_staff_plugin_action_needs_its_right(example_app):
    room = make_room(example_app, format="example_round")
    mod = room.moderator()
    summary = {"name": "example.summary", "data": {"text": "Ouders willen één vast aanspreekpunt."}}
    assert call(mod, "action", summary) == {"ok": True, "result": {"summary": "Ouders willen één vast aanspreekpunt.",
                                                                   "by": "moderator"}}
    with_right = room.connect(call(mod, "assistant.create", {"rights": ["outcomes"]})["key"])
    assert call(with_right, "action", summary)["result"]["by"] == "assistant"
    without = room.connect(call(mod, "assistant.create", {"rights": ["run", "questions"]})["key"])
    assert call(without, "action", summary)["error"]["code"] == "missing_right"
    assert call(room.listener(), "action", summary)["error"]["code"] == "forbidden_role"


def test_an_unknown_plugin_action_is_an_unknown_event(example_app):
    room = make_room(example_app, format="example_round")
    ack = call(room.moderator(), "action", {"name": "example.nothing", "data": {}})
    assert ack["error"]["code"] == "unknown_event"
    assert "example.nothing" not in ack["error"]["message"], "refusals never echo what a client sent"


def test_plugin_actions_work_in_any_format_whose_phase_allows_them(example_app):
    """The common form allows no ``pledge``: the action exists but its phases refuse it."""
    room = make_room(example_app)
    mod, listener = room.moderator(), room.listener()
    for phase in ("listening", "questions", "closing", "ended"):
        call(mod, "phase.goto", {"key": phase})
        ack = call(listener, "action", {"name": "example.pledge", "data": {"text": "x"}})
        assert ack["error"]["code"] == "not_allowed_in_phase", phase


LOUD = dedent('''
    from pydantic import BaseModel
    from spiegel import hookimpl
    from spiegel.actions import Action

    class Nothing(BaseModel):
        pass

    def shout(ctx, data):
        ctx.version()
        ctx.to_staff("loud.undeclared", {"version": ctx.meeting.version})
        return {"shouted": True}

    def declared(ctx, data):
        ctx.to_staff("loud.declared", {"hello": "staff"})
        return {"declared": True}

    @hookimpl
    def register_actions():
        return [Action(name="loud.shout", schema=Nothing, handler=shout, right="run"),
                Action(name="loud.declared", schema=Nothing, handler=declared, right="run",
                       emits=frozenset({"loud.declared"}))]
''')


def test_a_plugin_event_reaches_sockets_only_when_its_action_declares_it(tmp_path, clock):
    app = make_app(tmp_path, clock, PLUGINS_DIR=str(plugins_dir(tmp_path, {"loud.py": LOUD})))
    room = make_room(app)
    mod = room.moderator()
    version = call(mod, "sync")["snapshot"]["version"]
    mod.get_received()
    ack = call(mod, "action", {"name": "loud.shout", "data": {}})
    assert ack["ok"] is False and ack["error"]["code"] == "internal_error"
    assert [e["name"] for e in mod.get_received()] == []
    assert call(mod, "sync")["snapshot"]["version"] == version, "the transaction was rolled back"
    mod.get_received()
    assert call(mod, "action", {"name": "loud.declared", "data": {}}) == {"ok": True, "result": {"declared": True}}
    assert [(e["name"], e["args"][0]) for e in mod.get_received()] == [("loud.declared", {"hello": "staff"})]


# --- hooks: meeting_created and phase_changed ----------------------------------------------------------


def _calls(app, hook: str) -> list[dict]:
    module = app.extensions["spiegel"].pm.get_plugin(EXAMPLE)
    return [details for name, details in module.CALLS if name == hook]


def test_meeting_created_is_called_for_every_new_meeting(example_app):
    room = make_room(example_app, format="example_round")
    assert _calls(example_app, "meeting_created") == [{"meeting": room.meeting_id, "format": "example_round"}]
    common = make_room(example_app)
    assert _calls(example_app, "meeting_created")[-1] == {"meeting": common.meeting_id, "format": "common"}
    # The hook may set defaults on the row: the example format starts with a prepared question.
    assert room.created["meeting"]["prepared"] == [
        {"id": "ex-1", "text": "Wat heb je gehoord dat je wilt onthouden?", "phase": "round"}]
    assert common.created["meeting"]["prepared"] == []


def test_meeting_created_is_called_when_a_meeting_is_duplicated(example_app):
    room = make_room(example_app, format="example_round")
    r = room.http.post(f"/api/admin/meetings/{room.meeting_id}/duplicate",
                       headers={"Authorization": f"Bearer {ADMIN_PASSWORD}"})
    assert r.status_code == 201, r.get_json()
    copy_id = r.get_json()["meeting"]["id"]
    assert _calls(example_app, "meeting_created")[-1] == {"meeting": copy_id, "format": "example_round"}


def test_phase_changed_is_called_with_the_previous_and_current_phase(example_app, clock):
    room = make_room(example_app, format="example_round")
    mod = room.moderator()
    call(mod, "phase.goto", {"key": "listening"})
    call(mod, "phase.goto", {"key": "listening"})  # no change: no call
    call(mod, "phase.goto", {"key": "nowhere"})  # refused: no call
    ack = call(mod, "phase.goto", {"key": "round"})
    mine = [c for c in _calls(example_app, "phase_changed") if c["meeting"] == room.meeting_id]
    assert mine == [
        {"meeting": room.meeting_id, "previous": "lobby", "current": "listening"},
        {"meeting": room.meeting_id, "previous": "listening", "current": "round"},
    ]
    # The example plugin starts the timer when the round begins (ctx.start_timer).
    assert ack["state"]["timer"] == {"running": True, "duration_ms": 420_000, "remaining_ms": 420_000,
                                     "deadline": round((clock.now + 420) * 1000)}


def test_phase_changed_is_called_for_the_common_form_too(example_app):
    room = make_room(example_app)
    mod = room.moderator()
    # The common form starts its timers with the phase; switched off here, so a running timer
    # could only come from the example plugin's hook.
    assert call(mod, "meeting.update", {"timer_with_phase": False})["ok"]
    call(mod, "phase.goto", {"key": "questions"})
    mine = [c for c in _calls(example_app, "phase_changed") if c["meeting"] == room.meeting_id]
    assert mine == [{"meeting": room.meeting_id, "previous": "lobby", "current": "questions"}]
    assert call(mod, "sync")["snapshot"]["timer"]["running"] is False, "only the example format starts its timer"


GUARD = dedent('''
    from spiegel import hookimpl
    from spiegel.errors import SpiegelError

    @hookimpl
    def phase_changed(ctx, previous, current):
        if previous.key != "lobby" and current.key == "lobby":
            raise SpiegelError("invalid_transition", "Once started, the meeting does not go back to the lobby.")
''')


def test_phase_changed_may_refuse_the_change_and_nothing_is_stored_or_sent(tmp_path, clock):
    app = make_app(tmp_path, clock, PLUGINS_DIR=str(plugins_dir(tmp_path, {"guard.py": GUARD})))
    room = make_room(app)
    mod, listener = room.moderator(), room.listener()
    assert call(mod, "phase.goto", {"key": "listening"})["ok"]
    before = call(mod, "sync")["snapshot"]
    mod.get_received()
    listener.get_received()
    ack = call(mod, "phase.goto", {"key": "lobby"})
    assert ack["ok"] is False
    assert ack["error"] == {"code": "invalid_transition",
                            "message": "Once started, the meeting does not go back to the lobby."}
    after = call(mod, "sync")["snapshot"]
    assert after["phase"]["key"] == "listening"
    assert after["meeting"]["state"] == "running"
    assert after["version"] == before["version"]
    assert [e["name"] for e in listener.get_received()] == [], "nobody hears of a change that did not happen"


# --- `spiegel plugins` --------------------------------------------------------------------------------


def test_spiegel_plugins_command_lists_what_is_loaded(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPIEGEL_")}
    env.update(SPIEGEL_INSTANCE_PATH=str(tmp_path / "instance"), SPIEGEL_PLUGINS_DIR=str(PLUGINS))
    env.pop("DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-m", "spiegel", "plugins"], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    rows = {r["name"]: r for r in json.loads(done.stdout)}
    assert rows["spiegel.plugins.common"]["source"] == "built-in"
    assert rows["spiegel.plugins.common"]["formats"] == ["common"]
    assert rows[EXAMPLE]["source"] == "file"
    assert rows[EXAMPLE]["formats"] == ["example_round"]
    assert "phase_changed" in rows[EXAMPLE]["hooks"]
    assert "Admin password" not in done.stdout, "listing plugins prints no secret"


def test_spiegel_plugins_command_fails_clearly_on_a_broken_plugin(tmp_path):
    folder = plugins_dir(tmp_path, {"first.py": format_plugin("twin"), "second.py": format_plugin("twin")})
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPIEGEL_")}
    env.update(SPIEGEL_INSTANCE_PATH=str(tmp_path / "instance"), SPIEGEL_PLUGINS_DIR=str(folder))
    env.pop("DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-m", "spiegel", "plugins"], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "registered twice" in done.stderr
    assert "file:first.py" in done.stderr and "file:second.py" in done.stderr


# --- the hook specifications themselves ------------------------------------------------------------------


def _hookspecs() -> dict[str, object]:
    return {name: f for name, f in inspect.getmembers(hookspecs, inspect.isfunction) if hasattr(f, "spiegel_spec")}


def test_every_hook_has_a_docstring():
    specs = _hookspecs()
    assert set(specs) >= {"register_formats", "register_actions", "meeting_created", "phase_changed"}
    for name, spec in specs.items():
        doc = inspect.getdoc(spec) or ""
        assert len(doc) > 40, f"hook {name} needs a docstring that says what it is for"


def test_the_example_plugin_hooks_are_called(tmp_path):
    """Every hook the example plugin implements is called; that *every* hook is implemented
    and exercised somewhere is tests/test_plugin_platform.py::test_every_hook_is_called_and_exercised."""
    app = make_app(tmp_path, PLUGINS_DIR=str(PLUGINS))
    room = make_room(app, format="example_round")
    call(room.moderator(), "phase.goto", {"key": "listening"})
    module = app.extensions["spiegel"].pm.get_plugin(EXAMPLE)
    implemented = {name for name in _hookspecs() if hasattr(module, name)}
    assert {name for name, _ in module.CALLS} == implemented
