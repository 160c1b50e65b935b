"""Blocking work off the green hub (server/offload.py, ``exports.off_the_loop``): under eventlet
and gevent a commit's fsync or a PDF runs in a real OS thread, so every other socket of the
worker goes on; in threading mode it runs where it was called.

Each mode is tried in a process of its own, monkey-patched first as ``spiegel run`` does,
since patching cannot be undone inside this test process."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

PROBE = textwrap.dedent("""
    import json, sys
    from spiegel.cli import monkey_patch
    monkey_patch(sys.argv[1])
    import threading
    from spiegel import offload
    from spiegel.report import exports

    caller = threading.get_native_id()
    threads = []

    def render(html):
        threads.append(threading.get_native_id())
        return exports.html_to_pdf(html)

    def fail():
        raise ValueError("raised in the worker thread")

    pdf = exports.off_the_loop(render, "<p>Uitgevonden tekst voor een test</p>")
    blocking = offload.blocking(threading.get_native_id)
    try:
        offload.blocking(fail)
        raised = None
    except ValueError as exc:
        raised = str(exc)
    print(json.dumps({"green": offload.green(), "pdf": pdf[:5].decode(), "raised": raised,
                      "pdf_elsewhere": threads[0] != caller, "blocking_elsewhere": blocking != caller}))
""")


@pytest.mark.parametrize(("mode", "green"), [("eventlet", "eventlet"), ("gevent", "gevent"),
                                              ("threading", None)])
def test_a_pdf_and_a_blocking_call_leave_the_hub_in_each_mode(mode: str, green: str | None):
    """Under gevent the PDF once failed in the pool's thread: WeasyPrint's first import runs
    ``ldconfig`` in a subprocess, which gevent can only watch from its main loop."""
    done = subprocess.run([sys.executable, "-c", PROBE, mode], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    elsewhere = green is not None
    assert found == {"green": green, "pdf": "%PDF-", "raised": "raised in the worker thread",
                     "pdf_elsewhere": elsewhere, "blocking_elsewhere": elsewhere}
