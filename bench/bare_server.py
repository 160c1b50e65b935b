"""The floor Spiegel is measured against: a bare Flask-SocketIO server doing the least a
meeting server must do, on the same stack and the same WSGI server (``spiegel.serving``).

- ``note.add``: one row into SQLite with Spiegel's pragmas (WAL, ``synchronous=FULL``),
  committed before the ack, so an acknowledged note survives a power cut as in Spiegel;
- ``timer.adjust`` (a moderator's public change): one committed row, then ``state``
  ``{version}`` to everyone in the meeting's room;
- connect with ``auth: {token: "<meeting>:<anything>"}`` joins that meeting's room and gets
  a ``snapshot``; ``GET /join/<code>`` is a small page, ``/healthz`` answers.

No validation, permissions, versions per item, plugins or presence: whatever Spiegel spends
beyond this is its own cost. Usage: python bench/bare_server.py PORT MODE DB_PATH [MAX_CONNECTIONS]
"""

from __future__ import annotations

import sys

if __name__ == "__main__":
    from spiegel.cli import monkey_patch

    monkey_patch(sys.argv[2])  # before Flask, sqlite3 or socket are imported

import sqlite3  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

from flask import Flask, request  # noqa: E402
from flask_socketio import SocketIO, emit, join_room  # noqa: E402

PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON",
           "PRAGMA busy_timeout=30000", "PRAGMA secure_delete=ON")


class Store:
    """One SQLite connection behind a lock (green under eventlet and gevent)."""

    def __init__(self, path: str):
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        for pragma in PRAGMAS:
            self.db.execute(pragma)
        self.db.execute("CREATE TABLE IF NOT EXISTS note (id TEXT PRIMARY KEY, room TEXT, text TEXT, at REAL)")
        self.db.execute("CREATE TABLE IF NOT EXISTS change (room TEXT, version INTEGER, at REAL)")
        self.lock = threading.Lock()
        self.versions: dict[str, int] = {}

    def note(self, room: str, note_id: str, text: str) -> None:
        with self.lock:
            self.db.execute("BEGIN")
            self.db.execute("INSERT OR IGNORE INTO note VALUES (?, ?, ?, ?)", (note_id, room, text, time.time()))
            self.db.execute("COMMIT")

    def change(self, room: str) -> int:
        with self.lock:
            version = self.versions[room] = self.versions.get(room, 0) + 1
            self.db.execute("BEGIN")
            self.db.execute("INSERT INTO change VALUES (?, ?, ?)", (room, version, time.time()))
            self.db.execute("COMMIT")
            return version


def create(mode: str, db_path: str) -> tuple[Flask, SocketIO]:
    app = Flask(__name__)
    sio = SocketIO(app, async_mode=mode, ping_interval=10, ping_timeout=20, max_http_buffer_size=1_000_000)
    store = Store(db_path)
    rooms: dict[str, str] = {}

    @app.get("/healthz")
    def healthz():
        return {"ok": True}

    @app.get("/join/<code>")
    def join_page(code: str):
        return f"<!doctype html><title>{len(code)}</title><p>join</p>"

    @sio.on("connect")
    def connect(auth=None):
        token = auth.get("token", "") if isinstance(auth, dict) else ""
        room = rooms[request.sid] = token.split(":", 1)[0]
        join_room(room)
        emit("snapshot", {"version": store.versions.get(room, 0)})

    @sio.on("disconnect")
    def disconnect(*_args):
        rooms.pop(request.sid, None)

    @sio.on("note.add")
    def note_add(data=None):
        data = data if isinstance(data, dict) else {}
        store.note(rooms.get(request.sid, ""), str(data.get("id")), str(data.get("text", "")))
        return {"ok": True}

    @sio.on("timer.adjust")
    def change(data=None):
        room = rooms.get(request.sid, "")
        version = store.change(room)
        sio.emit("state", {"version": version}, to=room)
        return {"ok": True, "version": version}

    @sio.on("*")
    def anything_else(event, data=None):
        return {"ok": True}

    return app, sio


if __name__ == "__main__":
    from spiegel.serving import serve

    port, mode, path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    cap = int(sys.argv[4]) if len(sys.argv) > 4 else 5000  # Spiegel's cap in the same run
    flask_app, _ = create(mode, path)
    serve(flask_app, "127.0.0.1", port, {"ASYNC_MODE": mode, "MAX_CONNECTIONS": cap})
