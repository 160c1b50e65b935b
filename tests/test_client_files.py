"""The client code's shape: ES modules on the shared kit, small files, and an offline shell
that holds every file the listener page needs to start.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CLIENTS = Path(__file__).resolve().parent.parent / "clients"
#: TypeScript from npm in the venv (the Makefile's ``$(TSC)``), the checker behind ``// @ts-check``.
TSC = Path(sys.prefix) / "tsc" / "node_modules" / "typescript" / "bin" / "tsc"
MAX_LINES = 600
# Page families on the shared kit (ES modules, JSON catalogues, panel registry): the moderator
# family holds the run screen (app.js, run/), the admin, room display, print and report pages.
ON_THE_KIT = ("shared", "listener", "moderator")
IMPORT = re.compile(r"""(?:\bfrom\s*|\bimport\s*\(?\s*)'([^']+\.js)'""")


def module_files(family: str) -> list[Path]:
    return sorted(p for p in (CLIENTS / family).rglob("*.js") if "vendor" not in p.parts)


def resolve(spec: str, importer: Path) -> Path:
    if spec.startswith("/static/"):
        return CLIENTS / spec.removeprefix("/static/")
    return (importer.parent / spec).resolve()


def graph(entry: Path) -> set[Path]:
    """Every module reachable from `entry` through static imports."""
    seen: set[Path] = set()
    todo = [entry]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        assert path.exists(), f"{path} is imported but does not exist"
        seen.add(path)
        todo += [resolve(spec, path) for spec in IMPORT.findall(path.read_text(encoding="utf-8"))]
    return seen


def url(path: Path) -> str:
    return "/static/" + path.relative_to(CLIENTS).as_posix()


@pytest.mark.parametrize("family", ON_THE_KIT)
def test_no_client_file_is_over_600_lines(family):
    files = module_files(family)
    assert files
    if family == "moderator":  # every page of the family is in the rule, the run screen's modules too
        names = {p.relative_to(CLIENTS / family).as_posix() for p in files}
        assert {"app.js", "admin.js", "display.js", "print.js", "report/screen.js", "run/queue.js"} <= names, names
    long = {p.relative_to(CLIENTS).as_posix(): n for p in files if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert not long, long


def all_client_code() -> list[Path]:
    """Every page module: the core's clients and each plugin's static folder (built in or a test plugin)."""
    root = CLIENTS.parent
    folders = [CLIENTS, *root.glob("server/plugins/*/static"), *root.glob("tests/plugins/*/*/static")]
    return sorted(p for f in folders for p in f.rglob("*.js") if not {"vendor", "build"} & set(p.parts))


def test_no_client_code_anywhere_is_over_600_lines():
    """The cap holds for a plugin's page modules too, not only for the core's."""
    files = all_client_code()
    assert any("server/plugins" in p.as_posix() for p in files) and any("tests/plugins" in p.as_posix() for p in files)
    lengths = {p.relative_to(CLIENTS.parent).as_posix(): len(p.read_text().splitlines()) for p in files}
    long = {name: n for name, n in lengths.items() if n > MAX_LINES}
    assert not long, long


@pytest.mark.parametrize("family", ON_THE_KIT)
def test_modules_say_ts_check(family):
    """Type-checked with JSDoc (`// @ts-check`) where an editor or tsc looks."""
    missing = [p.name for p in module_files(family) if "// @ts-check" not in p.read_text()]
    assert not missing, missing


def test_the_client_code_type_checks():
    """``// @ts-check`` with a checker behind it: ``tsc -p clients/jsconfig.json`` over the pages'
    modules and the built-in plugins' page modules, and not one error. Without it the comment
    only asked an editor that might not look."""
    assert TSC.exists(), f"TypeScript is not installed at {TSC}: run `make test`, which installs it"
    node = shutil.which("node")
    assert node, "node is needed to run tsc"
    done = subprocess.run([node, str(TSC), "-p", str(CLIENTS / "jsconfig.json"), "--pretty", "false"],
                          capture_output=True, text=True, timeout=300, cwd=CLIENTS.parent)
    errors = [line for line in done.stdout.splitlines() if ": error TS" in line]
    assert done.returncode == 0 and not errors, "\n".join(errors[:40]) or done.stdout + done.stderr
    checked = subprocess.run([node, str(TSC), "-p", str(CLIENTS / "jsconfig.json"), "--listFilesOnly"],
                             capture_output=True, text=True, timeout=300, cwd=CLIENTS.parent).stdout
    assert "clients/moderator/admin.js" in checked and "server/plugins/koos/static/admin.js" in checked, \
        "the config checks the pages and the plugins' page modules"


def test_the_offline_shell_holds_every_file_the_listener_page_needs():
    sw = (CLIENTS / "listener" / "sw.js").read_text(encoding="utf-8")
    shell = set(re.findall(r"'(/static/[^']+)'", sw))
    needed = {url(p) for p in graph(CLIENTS / "listener" / "app.js")}
    assert len(needed) > 15, needed
    needed |= {url(p) for f in ("shared", "listener") for p in (CLIENTS / f / "i18n").glob("*.json")}
    needed |= {"/static/shared/vendor/socket.io.min.js", "/static/shared/base.css", "/static/listener/listener.css"}
    assert not sorted(needed - shell), f"missing from the service worker's SHELL: {sorted(needed - shell)}"
    assert not sorted(shell - needed), f"listed but not used by the page: {sorted(shell - needed)}"


def test_every_page_loads_es_modules_only():
    """No classic scripts (besides the vendored socket.io client): every page is ES modules on the kit."""
    pages = sorted(CLIENTS.glob("*/*.html"))
    assert len(pages) >= 6, pages
    for page in pages:
        html = page.read_text(encoding="utf-8")
        scripts = re.findall(r"<script\b([^>]*)>", html)
        classic = [s for s in scripts if 'type="module"' not in s and "vendor/socket.io" not in s]
        assert not classic, f"{page.name}: classic scripts {classic}"


def test_the_moderator_pages_use_the_shared_kit():
    common = (CLIENTS / "moderator" / "common.js").read_text(encoding="utf-8")
    for module in ("dom.js", "i18n.js", "ids.js", "clock.js", "socket.js"):
        assert f"/static/shared/{module}" in common, module
    assert not (CLIENTS / "moderator" / "i18n.js").exists(), "texts are JSON catalogues now"
    for page in ("app.js", "admin.js", "display.js", "print.js"):
        assert "window.Spiegel" not in (CLIENTS / "moderator" / page).read_text(encoding="utf-8"), page
