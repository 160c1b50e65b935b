"""The benchmark still runs (tiny sizes): it reports numbers, this only checks it works."""

from __future__ import annotations

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
    for line in ("bare echo ack", "spiegel note.add ack", "spiegel state fan-out", "ratio spiegel/bare"):
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
