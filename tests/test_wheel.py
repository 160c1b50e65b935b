"""An organisation installs Spiegel from a wheel with pip: every page and asset must be there.

Builds the wheel from the repository's files, installs it into a fresh virtual environment
(no editable install, no source folder on the path), starts `python -m spiegel run` from
that environment and fetches every page and every client file.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
import urllib.request
import venv
import zipfile
from pathlib import Path

import pytest
from helpers import ROOT, LiveServer

pytestmark = pytest.mark.e2e

PAGES = ["/", "/join", "/join/ABC123", "/admin", "/moderate/some-meeting", "/display/ABC123", "/sw.js"]


def _repository_files() -> list[str]:
    """Tracked files and new ones not ignored: what a fresh clone would hold."""
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                         check=True, capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if (ROOT / line).is_file()]


def _client_assets() -> list[str]:
    """Every static client file, as the repository has it (clients/…, without Python)."""
    return sorted(f for f in _repository_files() if f.startswith("clients/") and not f.endswith(".py"))


def test_pyproject_names_only_files_that_exist():
    """Each package-data pattern matches at least one file in its package's folder."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    folders = {package: ROOT / folder for package, folder in config["package-dir"].items()}

    def folder_of(package: str) -> Path:
        root = max((p for p in folders if package == p or package.startswith(p + ".")), key=len)
        return folders[root].joinpath(*package[len(root):].strip(".").split(".")) if package != root \
            else folders[root]

    for package in config["packages"]:
        assert folder_of(package).is_dir(), package
    for package, patterns in config["package-data"].items():
        for pattern in patterns:
            assert list(folder_of(package).glob(pattern)), f"{package}: {pattern!r} matches no file"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built from a copy of the repository's files (so nothing untracked sneaks in)."""
    src = tmp_path_factory.mktemp("src")
    for name in _repository_files():
        target = src / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((ROOT / name).read_bytes())
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(src)],
                   check=True, timeout=600)
    (built,) = out.glob("spiegel-*.whl")
    return built


def test_the_wheel_holds_every_client_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [f for f in _client_assets() if "spiegel/" + f not in names]
    assert not missing, missing
    assert "spiegel/migrations/script.py.mako" in names
    assert any(n.startswith("spiegel/migrations/versions/0001") for n in names)


def test_installed_wheel_serves_every_page_and_asset(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = str(env_dir / "bin" / "python")
    subprocess.run([python, "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel)],
                   check=True, timeout=900)
    where = subprocess.run([python, "-c", "import spiegel.web as w; print(w.CLIENTS)"], cwd=tmp_path,
                           check=True, capture_output=True, text=True).stdout.strip()
    assert where.startswith(str(env_dir)), f"the installed server reads its pages from {where}"

    server = LiveServer(instance=tmp_path / "instance", python=python).start(timeout=60)
    try:
        for path in PAGES + ["/static/" + f.removeprefix("clients/") for f in _client_assets()]:
            with urllib.request.urlopen(server.url + path, timeout=10) as answer:
                assert answer.status == 200, path
                assert answer.read(), path
        status, body = server.api("GET", "/api/formats")
        assert status == 200 and body["formats"], body
    finally:
        server.stop()
