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


def test_a_socket_binds_its_url_adapter_once_and_its_events_match_and_build_as_flasks(tmp_path, monkeypatch):
    """The URL adapter and the handshake URL's match are kept for the socket: its events bind no
    adapter of their own, and each sees the match Flask made and builds URLs as Flask does."""
    app = make_app(tmp_path / "instance", FakeClock())
    room = _room(app)
    assert call(room.moderator(), "phase.goto", {"key": "listening"})["ok"]
    token = room.join()["token"]
    bound: list[str] = []
    bind = app.url_map.bind_to_environ
    monkeypatch.setattr(app.url_map, "bind_to_environ",
                        lambda environ, **kw: (bound.append(environ["PATH_INFO"]), bind(environ, **kw))[1])
    seen: list[tuple] = []

    def add_note(ctx, data):
        request = flask.request
        seen.append((request.url_rule, request.view_args, type(request.routing_exception),
                     flask.url_for("spiegel.healthz", _external=True)))
        return notes.add_note(ctx, data)

    client = app.extensions["spiegel"].registry.client
    monkeypatch.setitem(client, "note.add", replace(client["note.add"], handler=add_note))
    tablet = room.connect(token)
    for text in ("Verzonnen een", "Verzonnen twee", "Verzonnen drie"):
        assert call(tablet, "note.add", {"id": uid(), "text": text})["ok"]
    assert bound == ["/socket.io", "/socket.io"], "the connect's and the one kept from the second event on"
    with app.test_request_context("/socket.io"):
        flask.globals.request_ctx.match_request()
        flasks = (flask.request.url_rule, flask.request.view_args, type(flask.request.routing_exception),
                  flask.url_for("spiegel.healthz", _external=True))
    assert seen == [flasks] * 3
