"""README's configuration table lists every setting the server reads, with its default."""

from __future__ import annotations

import re
from pathlib import Path

from spiegel.config import SETTINGS, load_config

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_readme_lists_every_setting_and_nothing_else():
    table = README[README.index("## Configuration"):]
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", table, flags=re.M))
    assert documented == {env for env, *_ in SETTINGS}


def test_readme_quick_start_has_exactly_two_commands_run_then_test():
    block = README[README.index("## Quick start"):].split("```")[1]
    commands = [line for line in block.splitlines() if line.strip()]
    assert commands == ["make run", "make test"]
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text()
    assert "make test" in ci


def test_defaults_are_safe(tmp_path, monkeypatch):
    for env, *_ in SETTINGS:
        monkeypatch.delenv(env, raising=False)
    config = load_config({"INSTANCE_PATH": str(tmp_path)})
    assert config["ASYNC_MODE"] == "gevent"
    assert config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'spiegel.db'}"
    secret = tmp_path / "secret-key"
    assert secret.stat().st_mode & 0o777 == 0o600
    assert load_config({"INSTANCE_PATH": str(tmp_path)})["SECRET_KEY"] == config["SECRET_KEY"]


def test_unknown_async_mode_is_refused(tmp_path):
    import pytest

    with pytest.raises(ValueError, match="SPIEGEL_ASYNC_MODE"):
        load_config({"INSTANCE_PATH": str(tmp_path), "ASYNC_MODE": "asyncio"})
