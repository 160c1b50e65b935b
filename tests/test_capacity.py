"""The connection wall: past SPIEGEL_MAX_CONNECTIONS a socket is refused with `server_full`,
while pages, joins, static files and the admin API are still served; a freed place is
given out again. In each async mode `spiegel run` offers, on a real server process."""

from __future__ import annotations

import os
import threading
import time
import urllib.request

import pytest
import socketio
from helpers import LiveServer
from realtime_clients import Peer, close_all
from spiegel.capacity import Capacity

pytestmark = pytest.mark.e2e

CAP = 3


class Refusable:
    """A socket that records the data of a refused connect instead of failing the test."""

    def __init__(self, url: str, token: str):
        self.url, self.token = url, token
        self.refusals: list[object] = []
        self.snapshot = threading.Event()
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("connect_error", self.refusals.append)
        self.sio.on("snapshot", lambda *_: self.snapshot.set())

    def try_connect(self) -> bool:
        try:
            self.sio.connect(self.url, auth={"token": self.token}, transports=["websocket"], wait_timeout=10)
        except socketio.exceptions.ConnectionError:
            return False
        return self.snapshot.wait(10)


def get(url: str, headers: dict | None = None) -> int:
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=10) as r:
        r.read()
        return r.status


@pytest.mark.parametrize("mode", ["eventlet", "gevent", "threading"])
def test_past_the_cap_a_socket_is_refused_and_http_still_answers(tmp_path, mode):
    server = LiveServer(instance=tmp_path / "instance", async_mode=mode,
                        extra_env={"SPIEGEL_MAX_CONNECTIONS": str(CAP)}).start()
    peers: list[Peer] = []
    try:
        created = server.create_meeting()
        code = created["meeting"]["code"]
        tokens = [server.join(code)["token"] for _ in range(CAP + 1)]
        peers = [Peer(server.url, token, f"l{i}").connect() for i, token in enumerate(tokens[:CAP])]

        extra = Refusable(server.url, tokens[CAP])
        assert not extra.try_connect()
        assert extra.refusals, "no connect_error"
        refused = extra.refusals[-1]["data"]  # the python client hands over {message, data}
        assert refused["code"] == "server_full" and refused["message"], extra.refusals

        # Every socket place is taken; the server still serves everything else.
        assert get(f"{server.url}/join/{code}") == 200
        assert get(f"{server.url}/admin") == 200
        assert get(f"{server.url}/static/shared/socket.js") == 200
        assert get(f"{server.url}/api/admin/meetings", {"Authorization": f"Bearer {server.admin_password}"}) == 200
        assert server.join(code)["token"]  # a join is HTTP too
        assert all(p.sio.connected for p in peers)  # the open sockets are untouched

        peers.pop().close()
        deadline = time.monotonic() + 20
        while not extra.try_connect():  # the server notices the close a moment later
            assert time.monotonic() < deadline, f"the freed place was not given out: {extra.refusals[-1]}"
            time.sleep(0.1)
        assert extra.sio.connected
        extra.sio.disconnect()
    finally:
        close_all(peers)
        server.stop()


@pytest.mark.parametrize("mode", ["eventlet", "gevent", "threading"])
def test_a_closed_websocket_has_its_connection_closed_by_the_server(tmp_path, mode):
    """After the close handshake the server ends the TCP connection: the client need not wait
    for a timeout of its own, and the connection's place, descriptor and greenlet are free at
    once (under gevent the server had kept it open for a next HTTP request)."""
    import websocket

    server = LiveServer(instance=tmp_path / "instance", async_mode=mode).start()
    try:
        ws = websocket.create_connection(f"ws://127.0.0.1:{server.port}/socket.io/?EIO=4&transport=websocket",
                                         timeout=10)
        assert ws.recv().startswith("0{")  # engine.io's open packet
        ws.send_close()
        ws.sock.settimeout(30)  # a bound for a loaded machine; the server's close comes at once
        received = b""
        while chunk := ws.sock.recv(4096):  # the server's close frame, then the end of the stream
            received += chunk
        assert received[:1] == b"\x88", "the server answered the close frame before it closed"
        ws.shutdown()
    finally:
        server.stop()


def test_a_place_is_claimed_once_and_given_back():
    places = Capacity(2)
    assert places.claim("a") and places.claim("a") and places.claim("b")
    assert not places.claim("c")
    places.release("a")
    places.release("a")  # a second release (disconnect after a refusal) frees nothing more
    assert places.claim("c") and not places.claim("d")
    assert places.open == 2


def _open_files(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


@pytest.mark.parametrize("mode", ["eventlet", "gevent", "threading"])
def test_the_open_files_limit_is_sized_for_what_a_websocket_holds_in_each_mode(tmp_path, mode):
    """The limit ``spiegel run`` raises for the cap counts each websocket's descriptors as the mode
    holds them: under gevent simple-websocket keeps a dup of the socket, two per connection, and
    a limit sized for one ran out near half the cap."""
    import websocket
    from spiegel.serving import FILES_PER_CONNECTION, Sizing

    server = LiveServer(instance=tmp_path / "instance", async_mode=mode).start()
    sockets = []
    try:
        before = _open_files(server.proc.pid)
        for _ in range(20):
            ws = websocket.create_connection(f"ws://127.0.0.1:{server.port}/socket.io/?EIO=4&transport=websocket",
                                             timeout=30)
            assert ws.recv().startswith("0{")  # sent on the websocket: the server holds it by now
            sockets.append(ws)
        per_socket = (_open_files(server.proc.pid) - before) / len(sockets)
        assert round(per_socket) == FILES_PER_CONNECTION[mode], per_socket
        sizing = Sizing.for_cap(5000, mode)
        assert sizing.open_files >= sizing.pool * per_socket
    finally:
        for ws in sockets:
            ws.close()
        server.stop()
