"""A Socket.IO client that writes raw frames, for the attacks a well-behaved client cannot send
(``42["connect",…]``, non-string event names, JSON nested 5,000 deep)."""

from __future__ import annotations

import json
import time

import websocket


class RawSocket:
    """One Engine.IO v4 websocket, spoken by hand: ``frame()`` sends text as it is, ``ack(n)``
    waits for the ack of the frame with id ``n``."""

    def __init__(self, url: str, auth: object = None, auth_text: str | None = None):
        ws_url = url.replace("http://", "ws://", 1) + "/socket.io/?EIO=4&transport=websocket"
        self.ws = websocket.create_connection(ws_url, timeout=20)
        opened = self.ws.recv()
        assert opened.startswith("0"), opened
        self.acks: dict[int, object] = {}
        self.events: list[tuple[str, object]] = []
        self.connect_error: dict | None = None
        self.sid: str | None = None
        self.ws.send("40" + (auth_text if auth_text is not None else json.dumps(auth) if auth is not None else ""))
        self._until(lambda: self.sid is not None or self.connect_error is not None)

    def frame(self, text: str) -> None:
        self.ws.send(text)

    def ack(self, n: int, timeout: float = 30) -> object:
        self._until(lambda: n in self.acks, timeout)
        return self.acks.pop(n)

    def call(self, n: int, event: str, data: object = None) -> object:
        self.frame(f"42{n}" + json.dumps([event] if data is None else [event, data]))
        return self.ack(n)

    def _until(self, done, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not done():
            if time.monotonic() > deadline:
                raise AssertionError("no answer from the server")
            self._read(self.ws.recv())

    def _read(self, message: str) -> None:
        if message == "2":  # Engine.IO ping
            self.ws.send("3")
        elif message.startswith("40"):
            self.sid = json.loads(message[2:])["sid"]
        elif message.startswith("44"):
            self.connect_error = json.loads(message[2:])
        elif message.startswith("43"):
            body = message[2:]
            i = 0
            while body[i].isdigit():
                i += 1
            payload = json.loads(body[i:])
            self.acks[int(body[:i])] = payload[0] if payload else None
        elif message.startswith("42"):
            name, *args = json.loads(message[2:])
            self.events.append((name, args[0] if args else None))

    def close(self) -> None:
        self.ws.close()
