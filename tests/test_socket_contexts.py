"""A socket event's request context (server/socket_contexts.py): the cookie session is opened
once per socket, at its first event, and every later event sees that same session (as
Flask-SocketIO's ``manage_session`` gives it); HTTP requests open theirs as before."""

from __future__ import annotations

from dataclasses import replace

import flask
from helpers import FakeClock, call, make_app, uid
from spiegel import notes
from test_event_paths import _room


def test_a_sockets_later_events_open_no_cookie_session_and_see_its_first(tmp_path, monkeypatch):
    app = make_app(tmp_path / "instance", FakeClock())
    room = _room(app)
    assert call(room.moderator(), "phase.goto", {"key": "listening"})["ok"]
    token = room.join()["token"]
    signed = app.session_interface.get_signing_serializer(app).dumps({"verzonnen": "ja"})
    room.http.set_cookie(app.config["SESSION_COOKIE_NAME"], signed)
    opened: list[str] = []
    open_session = app.session_interface.open_session
    monkeypatch.setattr(app.session_interface, "open_session",
                        lambda a, request: (opened.append(request.path), open_session(a, request))[1])
    seen: list[object] = []

    def add_note(ctx, data):
        seen.append(flask.session._get_current_object())
        assert flask.session.get("verzonnen") == "ja", "the cookie's session, as it was at connect"
        return notes.add_note(ctx, data)

    client = app.extensions["spiegel"].registry.client
    monkeypatch.setitem(client, "note.add", replace(client["note.add"], handler=add_note))
    tablet = room.connect(token)
    assert opened == ["/socket.io"], "the socket's first event (connect) opened it"
    for text in ("Verzonnen een", "Verzonnen twee", "Verzonnen drie"):
        assert call(tablet, "note.add", {"id": uid(), "text": text})["ok"]
    assert opened == ["/socket.io"], "no later event opened one"
    assert len(seen) == 3 and seen[0] is seen[1] is seen[2], "every event saw the socket's one session"
    assert room.http.get("/healthz").status_code == 200
    assert opened == ["/socket.io", "/healthz"], "an HTTP request opens its own"
