"""The bare baseline: Flask-SocketIO under eventlet with one event that only acknowledges.

Same stack, same transport, same TCP_NODELAY setting as Spiegel, no database and no logic,
so `realtime_latency.py` can report Spiegel's cost as a ratio against it.
"""

import os
import sys

os.environ.setdefault("EVENTLET_NO_GREENDNS", "yes")
import eventlet  # noqa: E402

eventlet.monkey_patch()

import socket  # noqa: E402

from flask import Flask  # noqa: E402
from flask_socketio import SocketIO, emit  # noqa: E402

app = Flask(__name__)
inner = app.wsgi_app


def no_delay(environ, start_response):
    if "eventlet.input" in environ:
        environ["eventlet.input"].get_socket().setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return inner(environ, start_response)


app.wsgi_app = no_delay
sio = SocketIO(app, async_mode="eventlet")


@app.get("/healthz")
def healthz():
    return {"ok": True}


@sio.on("connect")
def connect(auth=None):
    emit("snapshot", {})


@sio.on("*")
def echo(event, data=None):
    return {"ok": True}


if __name__ == "__main__":
    sio.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_output=False)
