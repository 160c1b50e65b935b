"""The plugin kit, as an organisation meets it: the example package installs from its folder,
shows in `spiegel plugins` and passes its own tests (written with spiegel.testing); the
package `spiegel new-plugin` writes passes its own tests as it is; a broken plugin stops
`spiegel run` (a real process) with a message naming the plugin and the mistake."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT, free_port

EXAMPLE = ROOT / "examples" / "spiegel-thanks"
PIP = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]


def env_with(site: Path, tmp: Path, **extra) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(site), "SPIEGEL_INSTANCE_PATH": str(tmp / "instance"),
            "SPIEGEL_ADMIN_PASSWORD": "x", "SPIEGEL_ASYNC_MODE": "threading", **extra}


def install(package: Path, site: Path) -> None:
    """As `pip install` would, into a folder of its own (the plugin depends on spiegel, which
    is installed already: --no-deps)."""
    subprocess.run([*PIP, "install", "--no-deps", "--target", str(site), str(package)],
                   check=True, capture_output=True, timeout=600)


def run_own_tests(tests: Path, site: Path, tmp: Path) -> subprocess.CompletedProcess:
    """The package's tests, run from a copy outside its source folder so they import the
    installed package, not the source."""
    copy = tmp / "own-tests"
    shutil.copytree(tests, copy)
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(copy)], cwd=tmp,
                          env=env_with(site, tmp), capture_output=True, text=True, timeout=600)


def test_the_example_plugin_installs_shows_in_spiegel_plugins_and_passes_its_own_tests(tmp_path):
    site = tmp_path / "site"
    install(EXAMPLE, site)
    assert (site / "spiegel_thanks" / "static" / "card.js").is_file(), "page modules ship as package data"
    listed = subprocess.run([sys.executable, "-m", "spiegel", "plugins"], env=env_with(site, tmp_path),
                            capture_output=True, text=True, timeout=120, check=True).stdout
    row = next(r for r in json.loads(listed) if r["name"] == "thanks")
    assert row["source"] == "entry point"
    [details] = row["format_details"]
    assert [k["kind"] for k in details.pop("outcome_kinds")] == [
        "well", "improvement", "wish", "decision", "priority", "action"]  # the core ones: it adds none
    assert details == {"name": "thanks", "title": "Mirror meeting with a thank-you round",
                       "phases": ["lobby", "listening", "thanks", "ended"], "kinds": ["listener"]}
    assert row["events"] == ["thanks.show", "thanks.write"]
    done = run_own_tests(EXAMPLE / "tests", site, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 passed" in done.stdout, done.stdout


def test_new_plugin_writes_a_package_that_passes_its_own_tests(tmp_path):
    made = subprocess.run([sys.executable, "-m", "spiegel", "new-plugin", "team_reflection", "--dir", str(tmp_path)],
                          capture_output=True, text=True, timeout=120, env=env_with(tmp_path / "none", tmp_path))
    assert made.returncode == 0, made.stderr
    package = tmp_path / "spiegel-team-reflection"
    assert {p.relative_to(package).as_posix() for p in package.rglob("*") if p.is_file()} >= {
        "pyproject.toml", "spiegel_team_reflection/__init__.py", "spiegel_team_reflection/models.py",
        "spiegel_team_reflection/migrations/team_reflection_0001_ideas.py",
        "spiegel_team_reflection/static/panel.js", "spiegel_team_reflection/static/i18n/nl.json",
        "spiegel_team_reflection/static/i18n/en.json", "tests/conftest.py", "tests/test_team_reflection.py"}
    site = tmp_path / "site"
    install(package, site)
    done = run_own_tests(package / "tests", site, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed" in done.stdout, done.stdout
    again = subprocess.run([sys.executable, "-m", "spiegel", "new-plugin", "team_reflection", "--dir", str(tmp_path)],
                           capture_output=True, text=True, timeout=120)
    assert again.returncode != 0 and "exists already" in again.stderr
    bad = subprocess.run([sys.executable, "-m", "spiegel", "new-plugin", "Team-Reflection", "--dir", str(tmp_path)],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode != 0 and "lower-case identifier" in bad.stderr


FORMAT = '''from spiegel.api import MeetingFormat, Phase, hookimpl

class Broken(MeetingFormat):
    name = {name!r}
    title = {{"nl": "Kapot", "en": "Broken"}}
    description = {{"nl": "Kapot", "en": "Broken"}}
    phases = (
        Phase(key="lobby", state="open", title={{"nl": "Welkom", "en": "Welcome"}}, rule={{"nl": "x", "en": "x"}}),
        Phase(key={second!r}, state="ended", title={{"nl": "Einde", "en": {english!r}}}, rule={{"nl": "x", "en": "x"}}),
    )

@hookimpl
def register_formats():
    return [Broken]
'''

STATIC = '''from pathlib import Path
from spiegel.api import hookimpl

@hookimpl
def register_static():
    return [("texts", Path(__file__).parent / "texts")]
'''


@pytest.mark.parametrize(("files", "message"), [
    ({"typo.py": "def register_formats(:\n"}, r"plugin file .*typo\.py failed to load: .*syntax"),
    ({"twin.py": FORMAT.format(name="amc", second="ended", english="End")},
     r"meeting format 'amc' is registered twice: by spiegel\.plugins\.amc and by file:twin\.py"),
    ({"plan.py": FORMAT.format(name="plan_form", second="lobby", english="End")},
     r"plugin file:plan\.py: format 'plan_form' .*phase keys repeat: \['lobby', 'lobby'\]"),
    ({"words.py": FORMAT.format(name="words_form", second="ended", english="")},
     r"plugin file:words\.py: format 'words_form' .*phase 'ended' `title` needs Dutch and English text"),
    ({"pages.py": STATIC, "texts/i18n/nl.json": '{"a": "Een"}', "texts/i18n/en.json": "{}"},
     r"plugin file:pages\.py: missing translation in en\.json for a"),
])
def test_a_broken_plugin_stops_spiegel_run_naming_the_plugin_and_the_mistake(tmp_path, files, message):
    import re

    folder = tmp_path / "plugins"
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    port = free_port()
    done = subprocess.run([sys.executable, "-m", "spiegel", "run", "--host", "127.0.0.1", "--port", str(port)],
                          env=env_with(tmp_path / "none", tmp_path, SPIEGEL_PLUGINS_DIR=str(folder),
                                       SPIEGEL_ASYNC_MODE="eventlet"),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0, "the server must not start"
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("spiegel run: cannot start: "), done.stderr
    assert re.search(message, last, re.I), last
    assert "Traceback" not in done.stderr, "one clear line, not a traceback"
