"""Load shedding: how far behind this worker is, and what it refuses while it is too far behind.

Why: measured on a starved machine (bench/RESULTS.md, session 9), an eventlet or gevent worker
that gets less CPU than its events need does not slow down evenly, it loses its sockets. Every
event a tablet sends becomes one more greenlet on the one hub; the backlog grows without
bound, and the hub reaches each socket's Engine.IO ping (and its reader, which would take the
answer) later and later, until the clients' own watchdogs give up (no packet to write for
25 s, nothing read for 30 s: ``transport error``) or the server finds a pong unread past its
ping timeout. Refusing work early, while the worker is behind, is far cheaper than the work
itself, so the hub catches up and the sockets it already serves stay open.

How far behind: the longest any event (or connect) now in hand has waited, and a small
background task (a greenlet under eventlet and gevent, a thread under threading) sleeps
:data:`CALM_EVERY` seconds (:data:`SAMPLE_EVERY` while behind) and measures how much later
than asked it woke. Under a cooperative hub that lateness *is* the queue every socket waits
in. Between two wakes, a wake that is already overdue counts too, so a hub stuck behind a long backlog is
seen at once, not only when the monitor finally runs. Under threading the same thread
measures how long a runnable thread waits for the interpreter lock and a core: a weaker
signal (threads preempt each other, so a backlog shows as every thread slower rather than
one queue), but the same number to compare with the threshold.

While the lag is over ``SPIEGEL_SHED_LAG_MS`` (and until it has stayed under half of it for
:data:`HOLD` seconds: no flapping), the worker

- refuses *new* Engine.IO sessions at the HTTP handshake (:func:`refuse_handshakes`: 503,
  ``Retry-After``, ``server_busy``), before Engine.IO makes a session or upgrades a
  websocket, so a reconnect storm costs a short answer per try and no more; a socket whose
  handshake slipped through as the lag rose is refused at connect, before its token is looked
  at; staff get through with a staff pass (server/staff_pass.py), a signed cookie their page
  fetches over HTTP when refused;
- refuses events from listener and display sockets with ``server_busy`` (nothing stored,
  nothing acknowledged: the tablet's outbox keeps the item and resends it after
  ``retry_after`` seconds, with the same id, so it is stored once);
- lets staff events through (the moderator keeps running the meeting: few sockets, each
  change essential);
- defers presence broadcasts until it has caught up (:meth:`LoadShed.defer`), one per meeting.

Pages, joins over HTTP and ``/healthz`` are served as before (``/healthz`` reports the lag).
``0`` turns shedding off; the lag is still measured and reported.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from urllib.parse import parse_qs

from . import trace
from .errors import SpiegelError
from .in_flight import InFlight

log = logging.getLogger("spiegel.load")

#: Seconds the monitor sleeps between two looks at its own lateness while the worker is behind
#: (or close to it): the calm hold is timed in these steps.
SAMPLE_EVERY = 0.25
#: Seconds it sleeps while the worker keeps up. Why: four wakes a second were most of an idle
#: server's CPU (bench/RESULTS.md, session 13), and a longer sleep detects a backlog no later:
#: an overdue wake counts as lag the moment anyone asks (:meth:`LoadShed.lag`).
CALM_EVERY = 1.0
#: Seconds the lag must stay under half the threshold before shedding stops.
HOLD = 2.0
#: Bounds of the ``retry_after`` hint, in seconds.
RETRY_MIN, RETRY_MAX = 3, 30


class LoadShed:
    """The worker's lag and whether it sheds; counts what it refused and why sockets closed."""

    def __init__(self, threshold: float, clock: Callable[[], float] = time.monotonic, hold: float = HOLD):
        if threshold < 0:
            raise ValueError("SPIEGEL_SHED_LAG_MS must be 0 (off) or more")
        self.threshold, self.clock, self.hold = threshold, clock, hold
        self.shedding = False
        self._due: float | None = None  # when the monitor should wake next (None: not running)
        self._late = 0.0  # how late its last wake was
        self._calm_since: float | None = None
        self._deferred: set[str] = set()
        #: Events and connects being handled, by when they began (insertion order is age order).
        self._working = InFlight(clock)
        self._lock = threading.Lock()
        #: Refusals by kind (``handshake``, ``connect``, ``event``): how much was shed.
        self.refused: Counter[str] = Counter()
        #: Socket closes by Engine.IO's reason (``ping timeout``, ``transport close``, …).
        self.closes: Counter[str] = Counter()
        self.worst = 0.0
        #: Other periodic looks that ride on the monitor's wakes (:meth:`on_wake`).
        self._riders: list[Callable[[], None]] = []

    # Measuring ----------------------------------------------------------------------------------
    def start(self, socketio) -> None:
        """Start the monitor (once per process: ``spiegel run``)."""
        if self._due is None:
            self._due = self.clock() + SAMPLE_EVERY
            socketio.start_background_task(self._watch, socketio.sleep)

    def on_wake(self, check: Callable[[], None]) -> None:
        """Run ``check`` after every wake of the monitor (every :data:`CALM_EVERY` seconds, or
        :data:`SAMPLE_EVERY` while behind, once :meth:`start` ran). Why: another look that must
        come round often (the stop signal, :mod:`.shutdown`) rides on this loop instead of
        waking the hub with a loop of its own; the two loops had raised an idle server's CPU from 30 to 140 ms a
        minute (bench/RESULTS.md, session 10); its four wakes a second, most of what was left
        (session 13), are one while the worker keeps up."""
        self._riders.append(check)

    def sleep_for(self) -> float:
        """How long the monitor sleeps next: :data:`SAMPLE_EVERY` while shedding or more than a
        quarter of the threshold behind (the last wake's lateness or the oldest event's wait),
        else :data:`CALM_EVERY`."""
        behind = max(self._late, self._working.oldest_wait(self.clock()))
        if self.shedding or (self.threshold and behind > self.threshold / 4):
            return SAMPLE_EVERY
        return CALM_EVERY

    def _watch(self, sleep: Callable[[float], None]) -> None:
        while True:
            every = self.sleep_for()
            self._due = self.clock() + every
            sleep(every)
            self.observe(max(0.0, self.clock() - self._due))
            trace.sample("monitor", late=self._late)
            self._ride()

    def _ride(self) -> None:
        """The riders' turn; one that fails is logged, and the monitor goes on measuring."""
        for check in self._riders:
            try:
                check()
            except Exception:  # noqa: BLE001 - the load monitor must outlive a rider's bug
                log.exception("a check riding on the load monitor failed")

    def observe(self, late: float) -> None:
        """One wake of the monitor, ``late`` seconds after it was due: engage or release (by
        that lateness or the oldest event's wait, whichever is longer)."""
        now = self.clock()
        self._late = late
        late = max(late, self._working.oldest_wait(now))
        self.worst = max(self.worst, late)
        if not self.threshold:
            return
        if late > self.threshold:
            if not self.shedding:
                log.warning("worker %.1f s behind: shedding load (new connections and listener events refused)",
                            late)
            self.shedding, self._calm_since = True, None
        elif self.shedding:
            if late > self.threshold / 2:
                self._calm_since = None
            elif self._calm_since is None:
                self._calm_since = now
            elif now - self._calm_since >= self.hold:
                self.shedding, self._calm_since = False, None
                log.warning("worker caught up: no longer shedding (refused so far: %s)", dict(self.refused))

    @contextlib.contextmanager
    def working(self) -> Iterator[None]:
        """Around one event's or connect's work: how long the oldest has been waiting counts as lag.

        The hub's lateness misses a queue that is not on the hub: transactions take turns on
        one lock (server/db.py), so at 100 notes/s on a starved core the notes waited there
        30 s while the hub was a few seconds late (bench/RESULTS.md, session 9)."""
        with self._working.track():
            yield

    def lag(self) -> float:
        """Seconds the worker is behind: the last wake's lateness, or more if the next wake is
        overdue or the oldest event in hand has waited longer."""
        now = self.clock()
        overdue = now - self._due if self._due is not None else 0.0
        return max(self._late, overdue, self._working.oldest_wait(now))

    # Deciding -----------------------------------------------------------------------------------
    def busy(self) -> bool:
        """Whether to refuse optional work now."""
        if not self.threshold:
            return False
        return self.shedding or self.lag() > self.threshold

    def retry_after(self) -> int:
        """Seconds after which a refused client should try again: longer the further behind."""
        return int(min(RETRY_MAX, max(RETRY_MIN, math.ceil(2 * self.lag()))))

    def refuse(self, kind: str) -> int:
        """Count one refusal; its ``retry_after``."""
        self.refused[kind] += 1
        return self.retry_after()

    def closed(self, reason: object) -> None:
        self.closes[str(reason or "unknown")] += 1

    def defer(self, key: str, send: Callable[[], None], socketio) -> bool:
        """While busy: run ``send`` once the worker has caught up (once per ``key``, however often
        asked). False when not busy: the caller sends now."""
        if not self.busy():
            return False
        with self._lock:
            if key in self._deferred:
                return True
            self._deferred.add(key)

        def later() -> None:
            while self.busy():
                socketio.sleep(1.0)
            with self._lock:
                self._deferred.discard(key)
            send()

        socketio.start_background_task(later)
        return True

    def health(self) -> dict:
        """For ``/healthz``: numbers only."""
        return {"lag_ms": round(self.lag() * 1000), "worst_lag_ms": round(self.worst * 1000),
                "shedding": self.busy(), "threshold_ms": round(self.threshold * 1000),
                "refused": dict(self.refused), "closes": dict(self.closes)}


def refuse_handshakes(wsgi_app, load: LoadShed, path: str, passes: Callable[[dict], bool] = lambda _environ: False):
    """WSGI middleware around Engine.IO's (``path``: its prefix, ``/socket.io/``): while ``load``
    is busy, a request for a *new* Engine.IO session (a GET without ``sid``, either transport)
    is answered 503 with ``Retry-After`` and ``{ok: false, error: {code: "server_busy", …,
    retry_after}}``, counted as a ``handshake`` refusal.

    Why here: refused in the Socket.IO ``connect`` handler, a socket has already cost its
    handshake (a session, its open packet, maybe a websocket upgrade and its reader) and the
    round trips of its connect; in a reconnect storm that is the load. Engine.IO's own
    ``connect`` hook runs only after the session exists and can answer only 401. Requests of
    existing sessions (with ``sid``: polls, posts, upgrades), requests that ``passes`` lets
    through (a staff pass: server/staff_pass.py) and everything outside ``path`` pass
    untouched."""

    def middleware(environ, start_response):
        if (environ.get("REQUEST_METHOD") == "GET" and environ.get("PATH_INFO", "").startswith(path)
                and load.busy() and "sid" not in parse_qs(environ.get("QUERY_STRING", ""))
                and not passes(environ)):
            retry = load.refuse("handshake")
            body = json.dumps(SpiegelError("server_busy", retry_after=retry).to_ack()).encode()
            start_response("503 Service Unavailable", [
                ("Content-Type", "application/json"), ("Content-Length", str(len(body))),
                ("Retry-After", str(retry))])
            return [body]
        return wsgi_app(environ, start_response)

    return middleware
