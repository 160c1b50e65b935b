"""The garbage collector in a serving worker (server/collector.py): start-up's objects and the
survivors of each full pass are frozen, so the next pass scans only what came since; the
periodic pass over everything still frees cycles that died among frozen objects."""

from __future__ import annotations

import gc
import json
import urllib.request
import weakref

import pytest
from helpers import FakeClock, LiveServer
from spiegel.collector import FULL_EVERY, Collector


class Cycle:
    """An object in a reference cycle with itself: only the cycle collector frees it."""

    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def collector():
    found = Collector(clock=FakeClock())
    try:
        yield found
    finally:
        gc.unfreeze()  # the rest of the suite runs with the interpreter's own collector


def test_start_up_freezes_what_is_there(collector):
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    collector.start()
    assert gc.get_freeze_count() > 1000  # the modules, the app's classes, this test process
    assert collector.health()["frozen"] == gc.get_freeze_count()


def test_after_a_full_pass_of_the_interpreter_the_survivors_are_frozen_at_the_next_wake(collector):
    collector.start()
    kept = [[n] for n in range(5000)]  # tracked objects made after start-up
    frozen = gc.get_freeze_count()
    collector.look()
    assert gc.get_freeze_count() == frozen, "no full pass since: nothing to freeze"
    gc.collect()  # a full pass, as the interpreter makes by itself
    collector.look()
    assert gc.get_freeze_count() >= frozen + len(kept)
    again = gc.get_freeze_count()
    collector.look()
    assert gc.get_freeze_count() == again, "each pass is frozen once"


def test_the_pass_over_everything_frees_a_cycle_that_died_frozen(collector):
    collector.start()
    cycle = Cycle()
    alive = weakref.ref(cycle)
    gc.collect()
    collector.look()  # the cycle survived a full pass and is frozen now
    del cycle
    gc.collect()
    assert alive() is not None, "a frozen cycle is not scanned by the passes in between"
    collector.clock.advance(FULL_EVERY)
    collector.look()  # due: one pass over everything
    assert alive() is None
    health = collector.health()
    assert health["passes_over_all"] == 1 and health["last_pass_over_all_ms"] >= 0
    assert gc.get_freeze_count() > 0, "the survivors are frozen again"


def test_spiegel_run_freezes_start_up_and_reports_it(tmp_path):
    server = LiveServer(instance=tmp_path / "instance").start()
    try:
        with urllib.request.urlopen(server.url + "/healthz", timeout=30) as r:
            health = json.loads(r.read())
    finally:
        server.stop()
    assert health["gc"]["frozen"] > 1000
    assert isinstance(health["gc"]["full_passes"], int) and health["gc"]["passes_over_all"] == 0
