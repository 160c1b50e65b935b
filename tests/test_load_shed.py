"""Load shedding (server/load_shed.py): a worker that falls behind refuses new sockets (at the
HTTP handshake: 503, `Retry-After`, `server_busy`) and listeners' events with `server_busy`,
keeps the sockets it holds, lets staff run the meeting, and stores every refused note once
its tablet resends it after the worker caught up.

On real `spiegel run` processes in each async mode, with real Socket.IO clients: the lag is
real (the `busy.hog` test plugin keeps the worker busy in long stretches), the threshold is
set low so the test does not need a starved machine. Conditions are waited on, never times.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import socketio
from helpers import ADMIN_PASSWORD, FakeClock, LiveServer, call, make_app, uid, until
from realtime_clients import Peer, close_all
from spiegel.in_flight import InFlight
from spiegel.load_shed import CALM_EVERY, RETRY_MAX, RETRY_MIN, SAMPLE_EVERY, LoadShed
from spiegel.staff_pass import COOKIE, LIFETIME

pytestmark = pytest.mark.e2e

PLUGINS = Path(__file__).parent / "plugins" / "busy"
THRESHOLD_MS = 50
WAIT = 60.0  # generous: the machine is shared


def load_of(server: LiveServer) -> dict:
    with urllib.request.urlopen(server.url + "/healthz", timeout=30) as r:
        return json.loads(r.read())["load"]


HANDSHAKE = "/socket.io/?EIO=4&transport=polling"


def get(url: str) -> tuple[int, dict, bytes]:
    """A raw GET: (status, headers, body), whatever the status."""
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def assert_busy_answer(status: int, headers: dict, body: bytes) -> None:
    """The handshake refusal: 503, `Retry-After` and the JSON error with the same hint."""
    assert status == 503, (status, body[:200])
    retry = int(headers["Retry-After"])
    assert RETRY_MIN <= retry <= RETRY_MAX
    assert headers["Content-Type"] == "application/json"
    answer = json.loads(body)
    assert answer["ok"] is False and answer["error"]["code"] == "server_busy" and answer["error"]["message"]
    assert answer["error"]["retry_after"] == retry


def staff_pass(server: LiveServer, key: str) -> str:
    """``POST /api/staff-pass`` with a staff key: the pass as a ``Cookie`` header's value."""
    request = urllib.request.Request(server.url + "/api/staff-pass", method="POST",
                                     headers={"Authorization": f"Bearer {key}"})
    with urllib.request.urlopen(request, timeout=WAIT) as r:
        assert json.loads(r.read()) == {"ok": True, "expires_in": LIFETIME}
        return r.headers["Set-Cookie"].split(";", 1)[0]


class Tablet(Peer):
    """A peer that remembers it was dropped, and connects again after a `server_busy` refusal
    as the pages do (with a threshold this low the worker may be behind at any moment)."""

    def __init__(self, *args, transport: str = "websocket", headers: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.transport, self.headers = transport, headers or {}
        self.drops: list[object] = []
        self.refusals: list[dict] = []
        self.sio.on("disconnect", lambda *reason: self.drops.append(reason))
        self.sio.on("connect_error", self._refused)

    def _refused(self, data=None) -> None:
        """A refused connect's ``{code, …}``: in CONNECT_ERROR's ``data``, or (polling) in the body
        of a refused handshake, ``{ok: false, error}``; a refused websocket handshake tells nothing."""
        data = data if isinstance(data, dict) else {}
        self.refusals.append(data.get("data") or data.get("error") or {})

    def try_connect(self) -> bool:
        try:
            self.sio.connect(self.url, auth={"token": self.token}, transports=[self.transport], headers=self.headers,
                             wait_timeout=WAIT)
        except socketio.exceptions.ConnectionError:
            return False
        self.wait_for("snapshot", timeout=WAIT)
        return True

    def connect(self) -> Tablet:
        until(f"{self.name} connected ({self.refusals[-1:]})", self.try_connect)
        return self

    def snapshot(self) -> dict:
        """``sync`` until it is answered: with a threshold this low the worker may shed again
        at any moment on a busy machine, and a listener's ``sync`` is refused then too."""
        return self.store("sync", {})["snapshot"]

    def store(self, event: str, data: dict) -> dict:
        """Send until it is stored, as the outbox does: `server_busy` and `rate_limited` mean later."""
        def once():
            ack = self.call(event, data, timeout=WAIT)
            return ack if ack.get("ok") or ack["error"]["code"] not in ("server_busy", "rate_limited") else None
        return until(f"{event} stored", once)


@pytest.mark.parametrize("mode", ["eventlet", "gevent", "threading"])
def test_a_worker_behind_sheds_new_work_and_keeps_its_sockets(tmp_path, mode):
    server = LiveServer(instance=tmp_path / "instance", async_mode=mode, extra_env={
        "SPIEGEL_SHED_LAG_MS": str(THRESHOLD_MS), "SPIEGEL_PLUGINS_DIR": str(PLUGINS)}).start()
    peers: list[Tablet] = []
    try:
        created = server.create_meeting()
        code = created["meeting"]["code"]
        moderator = Tablet(server.url, created["moderator_key"], "moderator").connect()
        listener = Tablet(server.url, server.join(code)["token"], "listener").connect()
        # An open socket on long-polling: each of its requests names its session (`sid`).
        poller = Tablet(server.url, server.join(code)["token"], "poller", transport="polling").connect()
        newcomer = Tablet(server.url, server.join(code)["token"], "newcomer", transport="polling")
        ws_newcomer = Tablet(server.url, server.join(code)["token"], "ws-newcomer")
        peers = [moderator, listener, poller, newcomer, ws_newcomer]
        assert moderator.call("phase.goto", {"key": "listening"}, timeout=WAIT)["ok"]
        before = uid()
        assert listener.store("note.add", {"id": before, "text": "Verzonnen notitie voor de drukte."})["ok"]

        # The worker falls behind: staff events still pass (the moderator starts the hog).
        assert moderator.call("busy.hog", {"on": True}, timeout=WAIT)["on"]
        until("shedding", lambda: load_of(server)["shedding"])

        # A new Engine.IO session is refused at its first request: 503, Retry-After, server_busy …
        def refused_handshake():
            answer = get(server.url + HANDSHAKE)
            return answer[0] != 200 and answer  # 200: the worker caught up between two stretches
        assert_busy_answer(*until("a refused handshake", refused_handshake))

        # … so a client's new socket is refused, with the hint (polling: in the body) …
        def refused(tablet: Tablet) -> dict | None:
            """Connect: the refusal's ``{code, …}`` (``{}`` from a websocket handshake), or None
            when the worker caught up between two stretches and let it in."""
            if tablet.try_connect():
                tablet.sio.disconnect()
                return None
            return tablet.refusals[-1] if tablet.refusals else {}

        refusal = until("a server_busy refusal", lambda: (refused(newcomer) or {}).get("code") == "server_busy"
                        and newcomer.refusals[-1])
        assert refusal["message"] and RETRY_MIN <= refusal["retry_after"] <= RETRY_MAX
        until("a refused websocket", lambda: refused(ws_newcomer) is not None)

        # … a listener's write is refused, not acknowledged (on either transport) …
        during, polled = uid(), uid()

        def busy_ack(tablet: Tablet, note_id: str):
            def once():
                ack = tablet.call("note.add", {"id": note_id, "text": "Verzonnen notitie in de drukte."}, timeout=WAIT)
                return not ack["ok"] and ack["error"]["code"] == "server_busy" and ack
            return once
        ack = until("a server_busy ack", busy_ack(listener, during))
        assert RETRY_MIN <= ack["error"]["retry_after"] <= RETRY_MAX and ack["error"]["message"]
        until("a server_busy ack over polling", busy_ack(poller, polled))

        # … while staff keep running the meeting and pages and /healthz are served …
        assert moderator.call("timer.adjust", {"seconds": 60}, timeout=WAIT)["ok"]
        # … and a moderator's new screen gets through at its first try with a staff pass.
        cookie = staff_pass(server, created["moderator_key"])
        for transport in ("websocket", "polling"):
            screen = Tablet(server.url, created["moderator_key"], f"screen-{transport}", transport=transport,
                            headers={"Cookie": cookie})
            peers.append(screen)
            assert screen.try_connect(), screen.refusals
            assert screen.call("timer.adjust", {"seconds": 60}, timeout=WAIT)["ok"]
        assert get(f"{server.url}/join/{code}")[0] == 200
        shed = load_of(server)
        assert shed["refused"].get("handshake", 0) >= 3 and shed["refused"].get("event", 0) >= 2, shed

        # The worker catches up; the tablets resend with the same id and it is stored once.
        assert moderator.call("busy.hog", {"on": False}, timeout=WAIT)["on"] is False
        assert listener.store("note.add", {"id": during, "text": "Verzonnen notitie in de drukte."})["ok"]
        assert poller.store("note.add", {"id": polled, "text": "Verzonnen notitie in de drukte."})["ok"]
        newcomer.connect()
        ws_newcomer.connect()
        notes = [n["id"] for n in listener.snapshot()["notes"]]
        assert notes.count(before) == 1 and notes.count(during) == 1
        assert [n["id"] for n in poller.snapshot()["notes"]].count(polled) == 1

        # The sockets it held stayed connected through it all.
        held = (moderator, listener, poller)
        assert all(t.sio.connected for t in held) and not any(t.drops for t in held), [t.drops for t in held]
        assert not load_of(server)["closes"], "the server closed a socket"
    finally:
        close_all(peers)
        server.stop()


def test_a_new_session_is_refused_at_the_handshake_and_nothing_else(tmp_path):
    """While shedding, only a request for a new Engine.IO session (a GET on the Socket.IO path
    without `sid`, either transport) is answered 503; requests of sessions, other methods, pages
    and `/healthz` reach what they always reached. In process, the WSGI stack as served."""
    app = make_app(tmp_path / "instance", FakeClock(), SHED_LAG_MS=THRESHOLD_MS)
    load, http = app.extensions["spiegel"].load, app.test_client()
    load._due = time.monotonic() + 3600  # no monitor in process: never overdue
    assert http.get(HANDSHAKE).status_code == 200  # not shedding: a session as usual

    load.shedding = True
    polling = http.get(HANDSHAKE)
    assert_busy_answer(polling.status_code, dict(polling.headers), polling.data)
    assert polling.headers["X-Content-Type-Options"] == "nosniff"  # the security headers too
    upgrade = http.get("/socket.io/?EIO=4&transport=websocket",
                       headers={"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
                                "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="})
    assert_busy_answer(upgrade.status_code, dict(upgrade.headers), upgrade.data)
    # A session's own requests get Engine.IO's answers (here: no such session), never 503.
    assert http.get(HANDSHAKE + "&sid=onbekend").status_code == 400
    assert http.post(HANDSHAKE, data="1").status_code == 400
    assert http.get("/").status_code == 200
    health = http.get("/healthz")
    assert health.status_code == 200 and health.get_json()["load"]["refused"] == {"handshake": 2}

    load.shedding = False
    assert http.get(HANDSHAKE).status_code == 200


def test_a_staff_pass_lets_staff_through_the_handshake_and_no_one_else(tmp_path):
    """``POST /api/staff-pass`` trades a moderator's or assistant's key for a signed cookie on
    the Socket.IO path; a handshake carrying it passes a shedding worker, until it expires. A
    listener's or display's key gets none; a forged or expired pass is refused like none."""
    clock = FakeClock()
    app = make_app(tmp_path / "instance", clock, SHED_LAG_MS=THRESHOLD_MS)
    load, http = app.extensions["spiegel"].load, app.test_client()
    load._due = time.monotonic() + 3600  # no monitor in process: never overdue
    created = http.post("/api/admin/meetings", json={"title": "Verzonnen", "open": True},
                        headers={"Authorization": f"Bearer {ADMIN_PASSWORD}"}).get_json()
    moderator = app.extensions["spiegel"].socketio.test_client(app, flask_test_client=http,
                                                               auth={"token": created["moderator_key"]})
    assistant = call(moderator, "assistant.create", {"rights": ["run"]})["key"]
    display = call(moderator, "display.link")["key"]
    listener = http.post(f"/api/meetings/{created['meeting']['code']}/join", json={}).get_json()["token"]
    moderator.disconnect()
    load.shedding = True

    def handshake(cookie: str | None) -> int:
        fresh = app.test_client(use_cookies=False)  # only the Cookie header given here
        return fresh.get(HANDSHAKE, headers={"Cookie": cookie} if cookie else {}).status_code

    def pass_for(key: str | None):
        return app.test_client().post("/api/staff-pass", headers={"Authorization": f"Bearer {key}"} if key else {})

    for key in (created["moderator_key"], assistant):
        answer = pass_for(key)
        assert answer.status_code == 200 and answer.get_json() == {"ok": True, "expires_in": LIFETIME}
        cookie = answer.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/socket.io/" in cookie, cookie
        assert handshake(cookie.split(";", 1)[0]) == 200
    for key, code in ((listener, "forbidden_role"), (display, "forbidden_role"), ("verzonnen", "token_unknown"),
                      (None, "not_authenticated")):
        answer = pass_for(key)
        assert answer.status_code >= 400 and answer.get_json()["error"]["code"] == code, key
        assert "Set-Cookie" not in answer.headers
    value = pass_for(created["moderator_key"]).headers["Set-Cookie"].split(";", 1)[0]
    assert handshake(None) == 503
    assert handshake(value[:-2] + ("AA" if not value.endswith("AA") else "BB")) == 503  # forged
    assert handshake(f"{COOKIE}=") == 503
    clock.advance(LIFETIME)
    assert handshake(value) == 503  # expired


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_shedding_engages_past_the_threshold_and_releases_after_a_calm_hold():
    clock = Clock()
    shed = LoadShed(0.5, clock=clock, hold=2.0)

    def wake(after: float, late: float) -> bool:
        """The monitor wakes ``after`` seconds on, ``late`` seconds late; then busy?"""
        clock.now += after
        shed.observe(late)
        shed._due = clock.now + SAMPLE_EVERY  # asleep again, not overdue
        return shed.busy()

    assert not wake(0.25, 0.1)
    assert wake(0.25, 0.8) and shed.retry_after() == RETRY_MIN
    assert wake(1.0, 0.2)  # under half the threshold: the calm hold starts
    assert wake(1.0, 0.3)  # over half: not calm, the hold starts again
    assert wake(1.0, 0.1)
    assert wake(1.5, 0.1)  # calm for 1.5 s of the 2 s hold
    assert not wake(0.6, 0.1)  # calm for the whole hold: released


def test_an_overdue_monitor_counts_as_lag_before_it_wakes():
    """A hub stuck behind a backlog is seen at once, not only when the monitor finally runs."""
    clock = Clock()
    shed = LoadShed(1.0, clock=clock)
    shed._due = clock.now + 0.25
    assert not shed.busy()
    clock.now += 20
    assert shed.lag() >= 19 and shed.busy() and shed.retry_after() == RETRY_MAX


def test_off_never_sheds_but_still_measures():
    clock = Clock()
    shed = LoadShed(0, clock=clock)
    shed._due = clock.now
    shed.observe(30.0)
    assert not shed.busy() and shed.health()["worst_lag_ms"] == 30_000


def test_deferred_work_runs_once_after_catching_up():
    clock = Clock()
    shed = LoadShed(0.5, clock=clock, hold=0.0)
    shed._due = clock.now + 0.25
    sent: list[str] = []
    woke = threading.Event()

    class Tasks:  # the two socketio calls defer uses, in threads
        def start_background_task(self, fn):
            threading.Thread(target=fn, daemon=True).start()

        def sleep(self, _seconds):
            woke.wait(WAIT)

    assert not shed.defer("presence:m", lambda: sent.append("m"), Tasks())  # not busy: send now
    shed.observe(0.9)
    assert shed.defer("presence:m", lambda: sent.append("m"), Tasks())
    assert shed.defer("presence:m", lambda: sent.append("again"), Tasks())  # folded into the first
    shed.observe(0.0)
    shed.observe(0.0)  # calm for the (zero) hold: released
    woke.set()
    until("the deferred send", lambda: sent)
    assert sent == ["m"]


def test_an_event_waiting_long_in_hand_counts_as_lag():
    """A queue off the hub (transactions taking turns on the database lock) is seen too."""
    clock = Clock()
    shed = LoadShed(1.0, clock=clock)
    shed._due = clock.now + SAMPLE_EVERY
    with shed.working():
        clock.now += 0.2
        with shed.working():
            pass
        assert not shed.busy()
        clock.now += 1.5
        shed._due = clock.now + SAMPLE_EVERY
        assert shed.lag() >= 1.5 and shed.busy()
        shed.observe(0.0)  # the monitor on time, the event still waiting: shedding engages
        assert shed.shedding
    assert shed.lag() == 0.0


def test_work_in_hand_is_aged_by_its_oldest_and_forgotten_once_overdue():
    """What the load shed and the storage watchdog both ask (server/in_flight.py)."""
    clock = Clock()
    hand = InFlight(clock)
    assert hand.oldest_wait(clock.now) == 0.0
    with hand.track():
        clock.now += 3.0
        with hand.track():
            clock.now += 1.0
            assert hand.oldest_wait(clock.now) == 4.0
            assert hand.forget_older_than(3.5, clock.now) == 1, "only the first is overdue"
            assert hand.forget_older_than(3.5, clock.now) == 0, "and it is acted on once"
            assert hand.oldest_wait(clock.now) == 1.0
        assert hand.oldest_wait(clock.now) == 0.0  # leaving the forgotten one is harmless


class _Stop(Exception):
    """Ends a monitor loop in a test after a few wakes."""


class _Tasks:
    """The socketio calls the monitor and the stop check use, recorded, run by the test."""

    def __init__(self) -> None:
        self.started: list[tuple] = []

    def start_background_task(self, fn, *args):
        self.started.append((fn, args))

    def sleep(self, _seconds):
        raise AssertionError("the monitor sleeps with the function it was started with")


def _run_wakes(fn, args, clock: Clock, wakes: int, late: float) -> None:
    """Run a started monitor loop for ``wakes`` wakes, each ``late`` seconds late."""
    count = 0

    def sleep(seconds: float) -> None:
        nonlocal count
        if count == wakes:
            raise _Stop
        count += 1
        clock.now += seconds + late

    with pytest.raises(_Stop):
        fn(sleep, *args[1:])


def test_checks_ride_on_every_wake_of_the_one_monitor_and_a_failing_one_stops_nothing():
    clock = Clock()
    shed = LoadShed(0.5, clock=clock)
    seen: list[float] = []
    shed.on_wake(lambda: 1 / 0)
    shed.on_wake(lambda: seen.append(clock.now))
    tasks = _Tasks()
    shed.start(tasks)
    shed.start(tasks)
    assert len(tasks.started) == 1, "one loop however often started"
    fn, args = tasks.started[0]
    _run_wakes(fn, args, clock, wakes=3, late=0.9)
    assert len(seen) == 3, "the second check ran on every wake, after the first failed"
    assert shed.shedding, "and the monitor still measured"


def test_the_stop_signal_check_rides_on_the_load_monitor(monkeypatch):
    """``shutdown.install`` starts no loop of its own (two loops cost an idle server twice the
    wakes, bench/RESULTS.md session 11): the signal is looked for on the monitor's wakes."""
    from types import SimpleNamespace

    from spiegel import shutdown

    clock = Clock()
    handlers: dict = {}
    monkeypatch.setattr(shutdown.signal, "signal", lambda signum, fn: handlers.__setitem__(signum, fn))
    stopped: list[int] = []
    monkeypatch.setattr(shutdown, "stop", lambda _sp, signum: stopped.append(signum))
    tasks = _Tasks()
    sp = SimpleNamespace(load=LoadShed(0.5, clock=clock), socketio=tasks)
    sp.load.start(tasks)  # as `spiegel run` does, before installing the stop
    shutdown.install(sp)
    assert len(tasks.started) == 1, "the stop check started no loop of its own"
    fn, args = tasks.started[0]
    _run_wakes(fn, args, clock, wakes=2, late=0.0)
    assert not stopped
    handlers[shutdown.signal.SIGTERM](shutdown.signal.SIGTERM, None)
    _run_wakes(fn, args, clock, wakes=1, late=0.0)
    assert stopped == [shutdown.signal.SIGTERM]


def test_the_monitor_wakes_once_a_second_while_the_worker_keeps_up_and_often_while_behind():
    """An idle server pays for every wake (bench/RESULTS.md, session 13): four a second only
    while the lag matters, so the calm hold is still timed in quarter seconds."""
    clock = Clock()
    shed = LoadShed(0.5, clock=clock, hold=1.0)
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        if len(slept) > 12:
            raise _Stop
        late = 0.9 if len(slept) == 3 else 0.0  # one wake far behind, then on time again
        clock.now += seconds + late

    with pytest.raises(_Stop):
        shed._watch(sleep)
    assert slept[:3] == [CALM_EVERY] * 3, "calm: once a second"
    assert shed.shedding is False and slept[-1] == CALM_EVERY, "released, and calm again"
    assert SAMPLE_EVERY in slept[3:], "behind: shedding, and the hold timed in short steps"
    assert slept[3:].count(SAMPLE_EVERY) >= 1.0 / SAMPLE_EVERY


def test_a_longer_calm_sleep_sees_a_stuck_hub_no_later():
    """The monitor asleep for a whole second: a hub stuck behind a backlog counts as lag as
    soon as an event or handshake asks, not when the monitor wakes."""
    clock = Clock()
    shed = LoadShed(0.5, clock=clock)
    shed._due = clock.now + CALM_EVERY
    clock.now += CALM_EVERY + 0.6
    assert shed.busy() and shed.lag() > 0.55
    with shed.working():
        clock.now += 0.7
        shed._due = clock.now + CALM_EVERY  # the monitor woke on time meanwhile
        assert shed.busy(), "an event waiting in hand counts too"
        assert shed.sleep_for() == SAMPLE_EVERY
