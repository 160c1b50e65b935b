"""The Redis backends of :mod:`.shared_state`: limits, presence and admin sessions shared by
every worker, and Socket.IO's message queue with a reconnect that does not back off.

Redis keeps nothing on disk here: every key is either short-lived (limit windows, worker
heartbeats) or rewritten by its owner (a worker's sockets) after a Redis restart. Every
call is bounded (connect and read timeouts of a second); after a failure the link stays
"down" for half a second, so an outage costs each event at most one refused connect and the
callers fall back to process memory.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
import uuid
from collections import defaultdict

import redis
from socketio import RedisManager

from .shared_state import MemorySessions, Shared, Unavailable

log = logging.getLogger("spiegel.redis")

#: A worker's heartbeat key lives this long; a worker that stops beating (killed) drops out
#: of presence after it. Beats come every HEARTBEAT seconds.
WORKER_TTL = 10
HEARTBEAT = 2.0
#: How long after a failure Redis is not asked again (the fallback answers meanwhile).
RETRY_AFTER = 0.5


class Link:
    """One Redis client with the "down for a moment" memory described above."""

    def __init__(self, url: str, prefix: str):
        self.prefix = prefix
        self.client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1,
                                           health_check_interval=5)
        self._down_until = 0.0
        self.failed = False  #: set at a failure; the heartbeat clears it after it rewrote presence

    def run(self, fn):
        """``fn(client)``, or :class:`Unavailable` when Redis is away."""
        if time.monotonic() < self._down_until:
            raise Unavailable
        try:
            return fn(self.client)
        except (redis.RedisError, OSError) as exc:
            self._down_until = time.monotonic() + RETRY_AFTER
            if not self.failed:
                log.warning("Redis unavailable (%s); using this process's memory until it is back",
                            type(exc).__name__)
            self.failed = True
            raise Unavailable from None


class RedisHits:
    """A limit window's hits as a sorted set per key (score: the hit's wall-clock time)."""

    def __init__(self, link: Link, name: str):
        self._link, self._base = link, f"{link.prefix}limit:{name}:"

    def count(self, key: str, seconds: float) -> int:
        def go(r):
            pipe = r.pipeline()
            pipe.zremrangebyscore(self._base + key, "-inf", time.time() - seconds)
            pipe.zcard(self._base + key)
            return pipe.execute()[1]

        return int(self._link.run(go))

    def add(self, key: str, seconds: float) -> None:
        def go(r):
            pipe = r.pipeline()
            pipe.zadd(self._base + key, {uuid.uuid4().hex: time.time()})
            pipe.expire(self._base + key, int(seconds) + 1)
            pipe.execute()

        self._link.run(go)

    def forget(self, key: str) -> None:
        self._link.run(lambda r: r.delete(self._base + key))


class RedisSessions:
    """Admin sessions as keys that expire with the session; this process's memory while Redis is away."""

    def __init__(self, link: Link, clock=time.monotonic):
        self._link, self._base = link, f"{link.prefix}admin:"
        self._local = MemorySessions(clock)

    def open(self, digest: str, mark: str, lifetime: float) -> None:
        try:
            self._link.run(lambda r: r.set(self._base + digest, mark, ex=max(1, int(lifetime))))
        except Unavailable:
            self._local.open(digest, mark, lifetime)

    def mark(self, digest: str) -> str | None:
        try:
            found = self._link.run(lambda r: r.get(self._base + digest))
        except Unavailable:
            return self._local.mark(digest)
        return found.decode() if found is not None else self._local.mark(digest)

    def close(self, digest: str) -> None:
        self._local.close(digest)
        # A session opened in Redis outlives a logout made while Redis was away; it expires.
        with contextlib.suppress(Unavailable):
            self._link.run(lambda r: r.delete(self._base + digest))


class PresenceMirror:
    """This worker's sockets in Redis, and everyone's read back.

    ``presence:<meeting>`` is a hash ``sid → worker|participant``; ``worker:<id>`` a key with a
    TTL the worker renews every :data:`HEARTBEAT` seconds. A socket counts while its worker's
    key exists. When the heartbeat finds its key gone (Redis restarted, or the worker was cut
    off longer than the TTL) or a write failed, it rewrites all of its own sockets.
    """

    def __init__(self, link: Link):
        self._link = link
        self.worker = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.own = lambda: []  # set by Presence: (meeting, participant, sid) of this worker's sockets
        self._touched: set[str] = set()  # meetings this worker wrote to (stale fields to clean)
        self._lock = threading.Lock()
        self._retired = False  # set by retire(): no beat may write this worker back

    def _key(self, meeting_id: str) -> str:
        return f"{self._link.prefix}presence:{meeting_id}"

    def _worker_key(self, worker: str) -> str:
        return f"{self._link.prefix}worker:{worker}"

    def connect(self, meeting_id: str, participant_id: str, sid: str) -> None:
        self._touched.add(meeting_id)
        with contextlib.suppress(Unavailable):  # else rewritten by the heartbeat once Redis is back
            self._link.run(lambda r: r.hset(self._key(meeting_id), sid, f"{self.worker}|{participant_id}"))

    def disconnect(self, meeting_id: str, sid: str) -> None:
        with contextlib.suppress(Unavailable):
            self._link.run(lambda r: r.hdel(self._key(meeting_id), sid))

    def sockets(self, meeting_id: str) -> dict[str, set[str]]:
        """Participant → socket ids of live workers; fields of dead workers are removed."""

        def go(r):
            fields = {k.decode(): v.decode() for k, v in r.hgetall(self._key(meeting_id)).items()}
            owners = {sid: value.split("|", 1) for sid, value in fields.items()}
            workers = sorted({w for w, _ in owners.values()} - {self.worker})
            beats = r.mget([self._worker_key(w) for w in workers]) if workers else []
            alive = {self.worker} | {w for w, beat in zip(workers, beats, strict=True) if beat is not None}
            dead = [sid for sid, (w, _) in owners.items() if w not in alive]
            if dead:
                r.hdel(self._key(meeting_id), *dead)
            return owners, alive

        owners, alive = self._link.run(go)
        found: dict[str, set[str]] = defaultdict(set)
        for sid, (worker, participant) in owners.items():
            if worker in alive:
                found[participant].add(sid)
        return dict(found)

    def beat(self) -> bool:
        """Renew this worker's key; rewrite its sockets when Redis lost them. True when it rewrote."""
        with self._lock:
            if self._retired:
                return False

            def go(r):
                renewed = r.set(self._worker_key(self.worker), "1", ex=WORKER_TTL, xx=True)
                if renewed and not self._link.failed:
                    return False
                # The key first: another worker reading presence between the two would drop
                # fields whose worker has no key, and the next beat (key found) not rewrite them.
                r.set(self._worker_key(self.worker), "1", ex=WORKER_TTL)
                self._rewrite(r)
                return True

            rewrote = self._link.run(go)
            self._link.failed = False
            return rewrote

    def _rewrite(self, r) -> None:
        mine = self.own()
        by_meeting: dict[str, dict[str, str]] = defaultdict(dict)
        for meeting_id, participant_id, sid in mine:
            by_meeting[meeting_id][sid] = f"{self.worker}|{participant_id}"
        self._touched |= set(by_meeting)
        pipe = r.pipeline()
        for meeting_id in self._touched:
            stale = [sid for sid in self._fields_of_mine(r, meeting_id) if sid not in by_meeting[meeting_id]]
            if stale:
                pipe.hdel(self._key(meeting_id), *stale)
            if by_meeting[meeting_id]:
                pipe.hset(self._key(meeting_id), mapping=by_meeting[meeting_id])
        pipe.execute()
        self._touched = set(by_meeting)
        log.info("presence of this worker written to Redis (%d sockets)", len(mine))

    def _fields_of_mine(self, r, meeting_id: str) -> list[str]:
        """The socket ids this worker has in the meeting's hash, as Redis holds them."""
        return [k.decode() for k, v in r.hgetall(self._key(meeting_id)).items()
                if v.decode().startswith(self.worker + "|")]

    def retire(self) -> None:
        """A graceful stop: this worker's sockets leave presence now, and its heartbeat key with
        them (not after :data:`WORKER_TTL`); no later beat writes them back."""
        with self._lock:
            self._retired = True

            def go(r):
                pipe = r.pipeline()
                for meeting_id in self._touched:
                    mine = self._fields_of_mine(r, meeting_id)
                    if mine:
                        pipe.hdel(self._key(meeting_id), *mine)
                pipe.delete(self._worker_key(self.worker))
                pipe.execute()

            self._link.run(go)
            self._touched = set()


class QueueManager(RedisManager):
    """Socket.IO's Redis message queue, reconnecting every half second.

    The stock manager waits 1, 2, 4 … up to 60 seconds between attempts to resubscribe, so after
    a Redis restart a worker could stay deaf to the others for a minute. Emits to this worker's
    own sockets never wait for Redis (python-socketio delivers them locally first). After a
    loss, ``on_regained`` runs (in a background task): it catches this worker's sockets up on
    what the other workers sent meanwhile (:mod:`.catch_up`).
    """

    on_regained = None  #: called with no arguments after the subscription was lost and is back

    def _redis_listen_with_retries(self):  # pragma: no cover - exercised by tests/test_scale.py
        subscribed = lost = False
        while True:
            try:
                if not subscribed:
                    self._redis_connect()
                    self.pubsub.subscribe(self.channel)
                    subscribed = True
                    log.info("subscribed to the Socket.IO message queue")
                    if lost and self.on_regained is not None:
                        self.server.start_background_task(self.on_regained)
                    lost = False
                yield from self.pubsub.listen()
            except Exception as exc:  # noqa: BLE001 - any failure: reconnect
                if subscribed:
                    log.warning("Socket.IO message queue lost (%s); reconnecting", type(exc).__name__)
                subscribed, lost = False, True
                time.sleep(RETRY_AFTER)


class RedisShared(Shared):
    """Every store in one Redis, under ``prefix`` (several deployments may share one Redis)."""

    kind = "redis"

    def __init__(self, url: str, prefix: str):
        self.url, self.prefix = url, prefix
        self.link = Link(url, prefix)
        self._mirror = PresenceMirror(self.link)
        self._started = False

    def hits(self, name: str) -> RedisHits:
        return RedisHits(self.link, name)

    def sessions(self, clock=time.monotonic) -> RedisSessions:
        return RedisSessions(self.link, clock)

    def presence_mirror(self) -> PresenceMirror:
        return self._mirror

    def queue(self) -> QueueManager:
        return QueueManager(self.url, channel=f"{self.prefix}socketio",
                            redis_options={"socket_connect_timeout": 1, "socket_keepalive": True})

    def health(self) -> dict:
        try:
            self.link.run(lambda r: r.ping())
        except Unavailable:
            return {"redis": "down"}  # still 200: each worker serves its own sockets meanwhile
        return {"redis": "up"}

    def start(self, socketio) -> None:
        """The heartbeat: renew this worker's key, rewrite its sockets after a Redis restart."""
        if self._started:
            return
        self._started = True

        def loop() -> None:
            while True:
                try:
                    self._mirror.beat()
                except Unavailable:
                    pass
                except Exception:  # noqa: BLE001 - keep beating; the next round may work
                    log.exception("presence heartbeat failed")
                socketio.sleep(HEARTBEAT)

        socketio.start_background_task(loop)
