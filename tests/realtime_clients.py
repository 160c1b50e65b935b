"""Real python-socketio clients for end-to-end tests against a server process."""

from __future__ import annotations

import json
import threading
import time

import socketio


class Peer:
    """One participant's socket: records every event it receives, calls events with acks."""

    def __init__(self, url: str, token: str, name: str = "peer", **options):
        """``options`` go to ``socketio.Client`` (``ssl_verify=False`` behind a self-signed proxy)."""
        self.name = name
        self.url = url
        self.token = token
        self.events: list[tuple[str, object]] = []
        self.drops: list[str] = []  # why each connection of this socket ended, as python-socketio says
        self._lock = threading.Lock()
        self.sio = socketio.Client(reconnection=True, reconnection_delay=0.2, reconnection_delay_max=1, **options)

        @self.sio.on("*")
        def _any(event, *args):
            with self._lock:
                self.events.append((event, args[0] if args else None))

        @self.sio.on("disconnect")
        def _dropped(reason=None):
            with self._lock:
                self.drops.append(str(reason))

    def connect(self) -> Peer:
        self.sio.connect(self.url, auth={"token": self.token}, transports=["websocket"], wait_timeout=10)
        self.wait_for("snapshot")
        return self

    def call(self, event: str, data: dict | None = None, timeout: float = 10) -> dict:
        return self.sio.call(event, data if data is not None else {}, timeout=timeout)

    def call_as_tablet(self, event: str, data: dict, timeout: float = 10, attempts: int = 3) -> dict:
        """``event`` sent the way a tablet's outbox sends it: when the connection drops before
        the ack, once the socket is back the same payload (same ``id``) goes again, and the
        server must answer it once, as stored or as a duplicate. An ack that never comes on a
        connection that stayed up is still a failure, with the drops so far in its message."""
        for _attempt in range(attempts):
            drops = len(self.drops)
            try:
                return self.call(event, data, timeout=timeout)
            except (socketio.exceptions.TimeoutError, socketio.exceptions.BadNamespaceError):
                if len(self.drops) == drops and self.sio.connected:
                    raise AssertionError(f"{self.name}: no ack for {event!r} on a connection that stayed up "
                                         f"(drops so far: {self.drops})") from None
                deadline = time.monotonic() + timeout
                while not self.sio.connected and time.monotonic() < deadline:
                    time.sleep(0.02)
        raise AssertionError(f"{self.name}: {event!r} not acknowledged in {attempts} connections ({self.drops})")

    def of(self, name: str) -> list:
        with self._lock:
            return [payload for event, payload in self.events if event == name]

    def wait_for(self, name: str, count: int = 1, timeout: float = 10, where=None) -> list:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [p for p in self.of(name) if where is None or where(p)]
            if len(found) >= count:
                return found
            time.sleep(0.02)
        raise AssertionError(f"{self.name}: expected {count} {name!r} events, got {self.of(name)!r:.500}")

    def raw(self) -> str:
        """Everything this socket received, as one string: for "never carried" assertions."""
        with self._lock:
            return json.dumps(self.events, ensure_ascii=False)

    def snapshot(self) -> dict:
        ack = self.call("sync")
        assert ack["ok"], ack
        return ack["snapshot"]

    def close(self) -> None:
        if self.sio.connected:
            self.sio.disconnect()


def close_all(peers: list[Peer]) -> None:
    """Disconnect in parallel: websocket-client waits up to 3 s for each close handshake."""
    threads = [threading.Thread(target=p.close) for p in peers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(15)
