"""The `spiegel` command as a new user meets it: run, create, plugins."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import pytest
from helpers import LiveServer


def spiegel(*args: str, instance, env: dict | None = None) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if not k.startswith("SPIEGEL_")}
    full.update(SPIEGEL_INSTANCE_PATH=str(instance), SPIEGEL_PUBLIC_URL="http://spiegel.test:5000", **(env or {}))
    return subprocess.run([sys.executable, "-m", "spiegel", *args], env=full, capture_output=True, text=True,
                          timeout=60, stdin=subprocess.DEVNULL)


def test_create_prints_links_and_a_terminal_qr(tmp_path):
    out = spiegel("create", "Verzonnen bijeenkomst", "--open", instance=tmp_path).stdout
    code = re.search(r"code ([A-Z0-9]{6})", out).group(1)
    assert f"http://spiegel.test:5000/join/{code}" in out
    assert re.search(r"http://spiegel.test:5000/moderate/[0-9a-f]{32}#key=\S{32}", out)
    assert "█" in out  # the QR code, drawn in block characters
    assert "(open)" in out


def test_create_refuses_unknown_format_clearly(tmp_path):
    result = spiegel("create", "X", "--format", "nope", instance=tmp_path)
    assert result.returncode != 0
    assert "No format has that name" in result.stderr and "nope" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.e2e
def test_run_generates_the_admin_password_once_and_announces_new_meetings(tmp_path):
    instance = tmp_path / "instance"
    server = LiveServer(instance=instance, admin_password="")
    server.extra_env = {"SPIEGEL_ADMIN_PASSWORD": ""}
    server.start()
    try:
        stored = (instance / "admin-password").read_text().strip()
        assert (instance / "admin-password").stat().st_mode & 0o777 == 0o600
        server.admin_password = stored
        created = server.create_meeting(title="Aangekondigd (verzonnen)")
        deadline = time.monotonic() + 5
        while created["join_url"] not in server.log() and time.monotonic() < deadline:
            time.sleep(0.05)
        log = server.log()
        assert f"Admin password (shown once, kept in {instance}/admin-password): {stored}" in log
        assert "/admin" in log
        assert created["join_url"] in log
        assert created["moderator_key"] not in log
    finally:
        server.stop()
    server.start()
    try:
        assert server.log().count(stored) == 1  # the second start does not print it again
    finally:
        server.stop()
