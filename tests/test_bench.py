"""The benchmark still runs (tiny sizes): it reports numbers, this only checks it works."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from helpers import ROOT

pytestmark = pytest.mark.e2e


def test_latency_benchmark_runs_and_prints_its_figures():
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "realtime_latency.py"), "--listeners", "2", "--notes", "3"],
        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    for line in ("bare server ack", "spiegel note.add ack", "spiegel state fan-out", "spiegel /healthz",
                 "ratio spiegel/bare"):
        assert line in result.stdout
    assert "n=    6" in result.stdout  # 2 listeners x 3 notes, every ack counted


def test_report_benchmark_runs_and_prints_its_figures():
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "report_exports.py"), "--notes", "30", "--questions", "5",
         "--repeat", "1", "--pdf-listeners", "2", "--pdf-outcomes", "3", "--pdf-actions", "2", "--pdf-notes", "3",
         "--pdf-questions", "2"],
        capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    for line in ("report data", "HTML", "Markdown", "CSV", "JSON", "PDF (WeasyPrint), next", "max RSS", "the PDF adds"):
        assert line in result.stdout
    assert "30 notes" in result.stdout


def test_scale_benchmark_runs_against_spiegel_and_the_bare_floor():
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "scale.py"), "--scenario", "load", "--tablets", "4", "--meetings", "2",
         "--rate", "5", "--change-every", "0.25", "--seconds", "1"],
        capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.count("4 tablets held") == 2, out  # Spiegel and the floor, every socket connected
    for line in ("note ack n=    5", "fan-out n=", "s per 1000 events", "KB per connection", "page n=",
                 "ms per page, measured apart; without the pages", "ratio spiegel/bare  ack p50",
                 "CPU/event without pages x"):
        assert line in out, out
    assert out.count("errors none") == 2, out


@pytest.mark.postgres
def test_workers_benchmark_runs_one_worker_then_two_then_one_with_their_load(tmp_path):
    """bench/workers.py at a tiny size: two workers on PostgreSQL and a Redis of the test's own,
    each in a CPU budget (cgroup), every tablet held and every note acknowledged in all three."""
    from redis_server import RedisServer

    redis = RedisServer().start()
    try:
        result = subprocess.run(
            [sys.executable, str(ROOT / "bench" / "workers.py"), "--tablets", "4", "--meetings", "2", "--rate", "4",
             "--seconds", "1", "--quota", "0.5", "--shed-lag-ms", "0", "--redis", redis.url],
            capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    finally:
        redis.destroy()
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.count("4 tablets held") == 1 and out.count("8 tablets held") == 2, out
    assert "note ack n=    4" in out and out.count("note ack n=    8") == 2, out
    assert out.count("errors none") == 3, out
    assert "2 worker(s) at 0.50 of a core each" in out and "held back by the budget" in out, out
    assert "N workers: ack p99 x" in out and "one worker, N x load: fan-out p99 x" in out, out


def test_the_ack_tail_traces_join_and_hold_no_written_text(tmp_path):
    """SPIEGEL_TRACE and SCALE_TRACE (bench/ack_tail.py): stage times and ids, never a note's text."""
    import os

    base = tmp_path / "trace"
    env = {**os.environ, "SPIEGEL_TRACE": f"{base}.server", "SCALE_TRACE": str(base)}
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "scale.py"), "--scenario", "load", "--tablets", "4", "--meetings", "2",
         "--rate", "10", "--change-every", "0.25", "--seconds", "1", "--no-bare"],
        capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL, env=env)
    assert result.returncode == 0, result.stderr
    server = (tmp_path / "trace.server").read_text()
    assert '"note.add"' in server and '"monitor"' in server
    assert "Verzonnen" not in server and "notitie" not in server, "the trace holds what a tablet wrote"
    tail = subprocess.run([sys.executable, str(ROOT / "bench" / "ack_tail.py"), str(base)],
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert tail.returncode == 0, tail.stderr
    for line in ("p45-p55", "slowest 1%", "turn_wait=", "batch_wait=", "commits ", "hub lateness"):
        assert line in tail.stdout, tail.stdout


def test_event_cost_benchmark_runs_every_scenario_against_the_floor():
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "event_cost.py"), "--events", "3", "--repeat", "1"],
        capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    for scenario in ("note.add", "question.add", "timer.adjust", "connect"):
        assert f"\n{scenario} " in result.stdout, result.stdout


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed")
def test_instruction_count_benchmark_counts_the_floors_notes_under_callgrind():
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "note_instructions.py"), "--events", "2", "--side", "bare"],
        capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    assert "instructions per note (2 notes)" in result.stdout, result.stdout


def test_soak_benchmark_runs_in_windows_and_samples_the_server():
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "scale.py"), "--scenario", "soak", "--tablets", "4", "--meetings", "2",
         "--rate", "5", "--change-every", "0.25", "--seconds", "2", "--window", "1", "--sample-every", "0.5",
         "--reconnect-every", "0.5"],
        capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "4 tablets held" in out and "tablets held at the end 4 of 4" in out, out
    assert out.count(" none\n") >= 2, out  # a row per window, no errors in either
    for line in ("memory: start", "MB/hour over", "sockets: start", "reconnects n=", "load average (1 min)",
                 "errors 0: none"):
        assert line in out, out


def test_storm_benchmark_brings_every_tablet_back_on_both_servers():
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "scale.py"), "--scenario", "storm", "--tablets", "4", "--meetings", "2",
         "--storms", "2", "--shed-lag-ms", "0"],  # a loaded machine's lag sheds nobody here
        capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.count("4/4 back in") == 4, out  # two storms on Spiegel and two on the floor
    assert out.count("errors none") == 4, out
    assert "CPU ms per leave and return" in out and "ratio spiegel/bare (medians): x" in out, out
