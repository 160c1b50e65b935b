"""The holes found when Spiegel was attacked (issue 9), one test each, reproduced the way they were found.

Frame-level attacks go over a raw websocket to a real server (tests/raw_socket.py); the rest
through the in-process app. Every test here failed before its fix.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from helpers import ADMIN_PASSWORD, FakeClock, LiveServer, Room, call, make_app, uid
from raw_socket import RawSocket
from realtime_clients import Peer
from test_protocol import connect_probe

ADMIN = {"Authorization": f"Bearer {ADMIN_PASSWORD}"}
HOSTILE = "<img src=x onerror=alert(1)>'\"\\\n2026-01-01 FORGED"


def code_of(ack) -> str | None:
    return None if ack.get("ok") else ack["error"]["code"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = LiveServer(instance=tmp_path_factory.mktemp("instance")).start()
    yield srv
    srv.stop()


def open_meeting(server: LiveServer) -> tuple[dict, Peer]:
    created = server.create_meeting()
    moderator = Peer(server.url, created["moderator_key"], "moderator").connect()
    assert moderator.call("phase.goto", {"key": "listening"})["ok"]
    return created, moderator


# --- frames that must never reach a handler ---------------------------------------------------


def test_reserved_event_names_never_reach_the_lifecycle_handlers(server):
    created, moderator = open_meeting(server)
    token = server.join(created["meeting"]["code"])["token"]
    raw = RawSocket(server.url, {"token": token})
    moderator.call("sync")
    presence_before = len(moderator.of("presence"))
    frames = {1: f'["connect",null,{json.dumps({"token": token})}]', 2: '["connect"]', 3: '["disconnect"]',
              4: '["connect_error",{}]', 5: '["disconnecting"]', 6: '["*","note.add",{}]', 7: '["\\u0000refused"]'}
    for n, body in frames.items():
        raw.frame(f"42{n}{body}")
    for n in frames:
        assert code_of(raw.ack(n)) in ("unknown_event", "invalid_payload"), n
    assert raw.call(8, "note.add", {"id": uid(), "text": "Verzonnen, na de aanval"})["ok"], "the socket still works"
    moderator.call("sync")  # everything emitted to the moderator before this ack has arrived
    assert len(moderator.of("presence")) == presence_before, "no presence flood from fake connects"
    assert "Traceback" not in server.log()
    raw.close()
    moderator.close()


def test_a_disconnect_frame_does_not_reset_the_rate_limit(listening_room):
    """Through the same decoder as a real socket (the test client encodes every frame), with a
    limit small enough that the whole test fits in the 10-second window even on a busy machine."""
    room = listening_room(EVENT_LIMIT=10)
    listener = room.listener()
    acks = [call(listener, "note.add", {"id": uid(), "text": f"Verzonnen {n}"}) for n in range(8)]
    assert code_of(call(listener, "disconnect")) == "unknown_event"
    acks += [call(listener, "note.add", {"id": uid(), "text": f"Verzonnen {n}"}) for n in range(8)]
    assert sum(1 for a in acks if a["ok"]) == 10, "the limit holds across the fake disconnect"
    assert {code_of(a) for a in acks if not a["ok"]} == {"rate_limited"}
    assert listener.is_connected()


@pytest.mark.parametrize("body", ['[5,{}]', '[null]', '[{"a":1}]', '[["note.add"]]', '[]', '{"a":1}', '"x"', 'true'])
def test_an_event_name_that_is_not_a_string_gets_an_ack(server, body):
    created, moderator = open_meeting(server)
    raw = RawSocket(server.url, {"token": server.join(created["meeting"]["code"])["token"]})
    raw.frame(f"421{body}")
    assert code_of(raw.ack(1)) == "invalid_payload"
    assert raw.call(2, "sync")["ok"]
    raw.close()
    moderator.close()


def test_json_nested_five_thousand_deep_gets_a_defined_error_in_every_place(server):
    created, moderator = open_meeting(server)
    deep = "[" * 5000 + "]" * 5000
    token = server.join(created["meeting"]["code"])["token"]
    raw = RawSocket(server.url, {"token": token})
    raw.frame(f'421["note.add",{deep}]')
    raw.frame(f"422{deep}")
    raw.frame(f'423["note.add",{{"id":{deep}}}]')
    for n in (1, 2, 3):
        assert code_of(raw.ack(n)) == "invalid_payload"
    assert raw.call(4, "sync")["ok"]
    refused = RawSocket(server.url, auth_text='{"token":' + deep + "}")
    assert refused.connect_error and refused.connect_error["data"]["code"] == "not_authenticated"
    for path, admin in ((f"/api/meetings/{created['meeting']['code']}/join", False), ("/api/admin/login", False),
                        ("/api/admin/meetings", True)):
        req = urllib.request.Request(server.url + path, data=deep.encode(), method="POST",
                                     headers={"Content-Type": "application/json",
                                              **({"Authorization": f"Bearer {ADMIN_PASSWORD}"} if admin else {})})
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(req, timeout=10)
        assert answer.value.code == 400, path
        assert json.loads(answer.value.read())["error"]["code"] == "invalid_payload"
    assert "Traceback" not in server.log()
    raw.close()
    refused.close()
    moderator.close()


def test_event_names_in_the_log_are_capped_and_escaped(server):
    created, moderator = open_meeting(server)
    raw = RawSocket(server.url, {"token": server.join(created["meeting"]["code"])["token"]})
    size_before = len(server.log())
    name = "x" * 200_000 + "\n2026-01-01 00:00:00 INFO spiegel: FORGED"
    for n in range(1, 6):
        raw.frame(f"42{n}" + json.dumps([name, {}]))
    for n in range(1, 6):
        assert code_of(raw.ack(n)) == "unknown_event"
    assert raw.call(6, "sync")["ok"]
    grown = server.log()[size_before:]
    assert len(grown) < 5_000, f"the log grew by {len(grown)} characters"
    assert not any(line.startswith("2026-01-01") for line in grown.splitlines()), "no forged log line"
    raw.close()
    moderator.close()


# --- limits that hold ---------------------------------------------------------------------------


@pytest.fixture
def listening_room(tmp_path):
    def make(**config) -> Room:
        app = make_app(tmp_path / f"instance-{len(config)}-{uid()[:6]}", FakeClock(), **config)
        created = app.test_client().post("/api/admin/meetings", headers=ADMIN,
                                          json={"title": "Verzonnen", "open": True}).get_json()
        room = Room(app, created)
        assert call(room.moderator(), "phase.goto", {"key": "listening"})["ok"]
        return room

    return make


def test_the_event_limit_counts_all_sockets_of_one_participant(listening_room):
    room = listening_room(EVENT_LIMIT=10)
    token = room.join()["token"]
    sockets = [room.connect(token) for _ in range(3)]
    acks = [call(s, "note.add", {"id": uid(), "text": "Verzonnen"}) for s in sockets for _ in range(10)]
    assert sum(1 for a in acks if a["ok"]) == 10
    assert {code_of(a) for a in acks if not a["ok"]} == {"rate_limited"}
    other = room.listener()
    assert call(other, "note.add", {"id": uid(), "text": "Verzonnen"})["ok"], "another participant is not affected"


def test_the_event_limit_also_counts_per_address(listening_room):
    room = listening_room(EVENT_LIMIT=100, ADDRESS_EVENT_LIMIT=12)
    a, b = room.listener(), room.listener()  # the same address (127.0.0.1)
    acks = [call(s, "note.add", {"id": uid(), "text": "Verzonnen"}) for s in (a, b) for _ in range(10)]
    assert sum(1 for a in acks if a["ok"]) == 11, "12 in all, the moderator's phase.goto from 127.0.0.1 included"


# --- behind a reverse proxy -------------------------------------------------------------------


def _client(app, forwarded: str | None, proxy: str = "10.0.0.1", proto: str | None = None):
    http = app.test_client()
    http.environ_base["REMOTE_ADDR"] = proxy
    if forwarded:
        http.environ_base["HTTP_X_FORWARDED_FOR"] = forwarded
    if proto:
        http.environ_base["HTTP_X_FORWARDED_PROTO"] = proto
    return http


def test_behind_one_trusted_proxy_each_client_address_has_its_own_limits(tmp_path):
    app = make_app(tmp_path / "instance", FakeClock(), TRUSTED_PROXIES=1)
    app.extensions["spiegel"].joins.limit = 2
    code = app.test_client().post("/api/admin/meetings", headers=ADMIN,
                                  json={"title": "Verzonnen", "open": True}).get_json()["meeting"]["code"]
    for client in ("192.0.2.1", "192.0.2.2"):
        http = _client(app, client)
        assert [http.post(f"/api/meetings/{code}/join", json={}).status_code for _ in range(3)] == [201, 201, 429]
    for _ in range(10):
        assert _client(app, "192.0.2.66").post("/api/admin/login", json={"password": "fout"}).status_code == 401
    assert _client(app, "192.0.2.66").post("/api/admin/login", json={"password": ADMIN_PASSWORD}).status_code == 429
    assert _client(app, "192.0.2.7").post("/api/admin/login", json={"password": ADMIN_PASSWORD}).status_code == 200


def test_without_a_trusted_proxy_a_forged_forwarded_address_changes_nothing(tmp_path):
    app = make_app(tmp_path / "instance", FakeClock())
    app.extensions["spiegel"].joins.limit = 2
    code = app.test_client().post("/api/admin/meetings", headers=ADMIN,
                                  json={"title": "Verzonnen", "open": True}).get_json()["meeting"]["code"]
    statuses = [_client(app, f"192.0.2.{i}").post(f"/api/meetings/{code}/join", json={}).status_code
                for i in range(3)]
    assert statuses == [201, 201, 429]


# --- the admin password and sessions ------------------------------------------------------------


def test_bearer_guesses_are_limited_per_address_like_the_login_form(app):
    guesser, admin = app.test_client(), app.test_client()
    guesser.environ_base["REMOTE_ADDR"], admin.environ_base["REMOTE_ADDR"] = "192.0.2.31", "192.0.2.32"
    wrong = {"Authorization": "Bearer niet-het-wachtwoord"}
    statuses = [guesser.get("/api/admin/meetings", headers=wrong).status_code for _ in range(12)]
    assert statuses == [401] * 10 + [429] * 2
    assert guesser.get("/api/admin/meetings", headers=ADMIN).status_code == 429, "the guesser learns nothing more"
    assert guesser.post("/api/admin/login", json={"password": ADMIN_PASSWORD}).status_code == 429
    assert admin.get("/api/admin/meetings", headers=ADMIN).status_code == 200, "the admin elsewhere is not locked out"
    assert admin.post("/api/admin/login", json={"password": ADMIN_PASSWORD}).status_code == 200


def _session_cookie(response) -> str:
    [cookie] = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("spiegel_admin=")]
    return cookie


def _with_cookie(app, cookie: str) -> int:
    name, value = cookie.split(";")[0].split("=", 1)
    http = app.test_client()
    http.set_cookie(name, value)
    return http.get("/api/admin/meetings").status_code


def test_an_admin_session_ends_at_logout_restart_and_expiry(tmp_path):
    instance = tmp_path / "instance"
    app = make_app(instance, FakeClock())
    http = app.test_client()
    cookie = _session_cookie(http.post("/api/admin/login", json={"password": ADMIN_PASSWORD}))
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie
    assert _with_cookie(app, cookie) == 200
    http.post("/api/admin/logout")
    assert _with_cookie(app, cookie) == 401, "a copy of the cookie is worthless after logout"

    cookie = _session_cookie(app.test_client().post("/api/admin/login", json={"password": ADMIN_PASSWORD}))
    restarted = make_app(instance, FakeClock())  # same instance folder, same secret key
    assert _with_cookie(restarted, cookie) == 401, "a restart ends every session"

    auth = restarted.extensions["spiegel"].admin
    now = [1000.0]
    auth._clock = lambda: now[0]
    cookie = _session_cookie(restarted.test_client().post("/api/admin/login", json={"password": ADMIN_PASSWORD}))
    assert _with_cookie(restarted, cookie) == 200
    now[0] += 12 * 3600 + 1
    assert _with_cookie(restarted, cookie) == 401, "sessions expire"

    cookie = _session_cookie(restarted.test_client().post("/api/admin/login", json={"password": ADMIN_PASSWORD}))
    auth.set_password("een-nieuw-verzonnen-wachtwoord")
    assert _with_cookie(restarted, cookie) == 401, "a new password ends the old sessions"


def test_the_admin_cookie_is_secure_over_https(tmp_path):
    app = make_app(tmp_path / "a", FakeClock(), PUBLIC_URL="https://spiegel.example.org")
    assert "Secure" in _session_cookie(app.test_client().post("/api/admin/login", json={"password": ADMIN_PASSWORD}))
    proxied = make_app(tmp_path / "b", FakeClock(), TRUSTED_PROXIES=1)
    r = _client(proxied, "192.0.2.5", proto="https").post("/api/admin/login", json={"password": ADMIN_PASSWORD})
    assert "Secure" in _session_cookie(r)


# --- erase reaches the tablet and the database file -------------------------------------------


def test_erase_leaves_no_copy_in_the_sqlite_files(tmp_path):
    instance = tmp_path / "instance"
    app = make_app(instance, FakeClock())
    created = app.test_client().post("/api/admin/meetings", headers=ADMIN,
                                      json={"title": "Verzonnen", "open": True}).get_json()
    room = Room(app, created)
    assert call(room.moderator(), "phase.goto", {"key": "listening"})["ok"]
    listener = room.listener(name="Verzonnen-Naam-QX")
    marker = "Verzonnen-geheim-" + uid()
    assert call(listener, "note.add", {"id": uid(), "text": marker})["ok"]
    assert call(listener, "question.add", {"id": uid(), "text": marker + "?"})["ok"]
    r = app.test_client().delete(f"/api/admin/meetings/{room.meeting_id}", headers=ADMIN)
    assert r.status_code == 200
    for path in instance.glob("spiegel.db*"):
        data = path.read_bytes()
        assert marker.encode() not in data, f"erased text still in {path.name}"
        assert b"Verzonnen-Naam-QX" not in data, f"erased name still in {path.name}"


def test_erase_tells_connected_tablets_and_refuses_later_ones_with_wipe(app):
    created = app.test_client().post("/api/admin/meetings", headers=ADMIN,
                                      json={"title": "Verzonnen", "open": True}).get_json()
    room = Room(app, created)
    token = room.join()["token"]
    listener = room.connect(token)
    listener.get_received()
    assert app.test_client().delete(f"/api/admin/meetings/{room.meeting_id}", headers=ADMIN).status_code == 200
    assert not listener.is_connected()
    erased = [pkt["args"][0] for pkt in listener.queue if pkt["name"] == "meeting.erased"]  # got before the close
    assert erased == [{"meeting_id": room.meeting_id}]
    probe = connect_probe(app, {"token": token})
    assert not probe.is_connected()
    assert probe.refusal["data"] == {"code": "token_unknown", "message": probe.refusal["data"]["message"],
                                     "wipe": True}


# --- HTTP ---------------------------------------------------------------------------------------


def test_the_meeting_lookup_is_limited_like_joins(tmp_path):
    app = make_app(tmp_path / "instance", FakeClock(), JOIN_LIMIT=3)
    code = app.test_client().post("/api/admin/meetings", headers=ADMIN,
                                  json={"title": "Verzonnen", "open": True}).get_json()["meeting"]["code"]
    http = app.test_client()
    http.environ_base["REMOTE_ADDR"] = "192.0.2.41"
    assert [http.get(f"/api/meetings/{c}").status_code for c in (code, "AAAAAA", "BBBBBB", code)] == [
        200, 404, 404, 429]


@pytest.mark.parametrize("kind", ["form", "multipart"])
def test_form_and_multipart_join_bodies_are_refused(app, kind):
    code = app.test_client().post("/api/admin/meetings", headers=ADMIN,
                                  json={"title": "Verzonnen", "open": True}).get_json()["meeting"]["code"]
    http = app.test_client()
    if kind == "form":
        r = http.post(f"/api/meetings/{code}/join", data={"name": "Verzonnen"})
    else:
        r = http.post(f"/api/meetings/{code}/join", data={"name": "Verzonnen"}, content_type="multipart/form-data")
    assert (r.status_code, r.get_json()["error"]["code"]) == (400, "invalid_payload")
    assert http.post(f"/api/meetings/{code}/join").status_code == 201, "no body at all is an anonymous join"


def test_error_messages_never_echo_what_a_client_sent(app):
    http = app.test_client()
    created = http.post("/api/admin/meetings", headers=ADMIN, json={"title": "Verzonnen", "open": True}).get_json()
    room = Room(app, created)
    mod = room.moderator()
    short = HOSTILE[:60]
    acks = [
        call(mod, "phase.goto", {"key": short}),
        call(mod, "meeting.update", {"durations": {short: 60}}),
        call(mod, "prepared.set", {"items": [{"text": "Verzonnen", "phase": short}]}),
        call(mod, "question.reorder", {"ids": [short]}),
        call(mod, "action", {"name": short}),
        call(mod, HOSTILE),
    ]
    answers = [http.post("/api/admin/meetings", headers=ADMIN, json={"title": "x", "format": short}).get_json(),
               http.post("/api/admin/meetings", headers=ADMIN, json={"title": "x", "durations": {short: 1}}).get_json(),
               http.get("/api/meetings/" + "Z" * 40).get_json()]
    for answer in [*acks, *answers]:
        assert answer["ok"] is False
        text = json.dumps(answer["error"]["message"])
        assert "onerror" not in text and "FORGED" not in text and "ZZZZZZ" not in text, answer


def test_security_headers_on_404s_and_socketio_answers(app):
    http = app.test_client()
    answers = [http.get(path) for path in ("/bestaat-niet", "/api/bestaat-niet", "/socket.io/?EIO=4&transport=polling")]
    for r in answers:
        assert r.headers.get("X-Content-Type-Options") == "nosniff", r.status_code
        assert r.headers.get("X-Frame-Options") == "DENY"
        assert r.headers.get("Referrer-Policy") == "no-referrer"


def test_werkzeug_does_not_log_a_clients_raw_bytes_in_threading_mode(tmp_path):
    srv = LiveServer(instance=tmp_path / "instance", async_mode="threading").start()
    try:
        with socket.create_connection(("127.0.0.1", srv.port), timeout=10) as raw:
            raw.sendall(b"\x88\x82\x1f\x2c\x33\x44 Verzonnen-ruwe-bytes\r\n\r\n")
            with contextlib.suppress(OSError):
                raw.recv(1024)  # werkzeug answers 400 and closes: the line has been handled
        assert srv.api("GET", "/api/formats")[0] == 200
    finally:
        srv.stop()
    log = srv.log()
    assert "Verzonnen-ruwe-bytes" not in log and "Bad request" not in log


# --- a read-only instance folder ---------------------------------------------------------------


@contextlib.contextmanager
def read_only(folder: Path):
    """``folder`` made read-only for everyone, root included (a read-only bind mount)."""
    subprocess.run(["mount", "--bind", str(folder), str(folder)], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], check=True)
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_server_on_a_read_only_instance_folder_says_so_and_stops(tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    env = {**os.environ, "SPIEGEL_INSTANCE_PATH": str(instance), "SPIEGEL_ADMIN_PASSWORD": ADMIN_PASSWORD,
           "SPIEGEL_ASYNC_MODE": "threading"}
    with read_only(instance):
        done = subprocess.run([sys.executable, "-m", "spiegel", "run", "--host", "127.0.0.1", "--port", "0"],
                              env=env, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode != 0
    assert "cannot be written" in done.stderr and str(instance) in done.stderr, done.stderr[-2000:]
    assert "Traceback" not in done.stderr


def test_every_new_code_is_logged_without_a_traceback(app, caplog):
    """The refusals above are expected: they log one line each, never a traceback."""
    created = app.test_client().post("/api/admin/meetings", headers=ADMIN,
                                      json={"title": "Verzonnen", "open": True}).get_json()
    room = Room(app, created)
    listener = room.listener()
    with caplog.at_level(logging.INFO):
        call(listener, "connect", {"token": room.moderator_key})
        call(listener, HOSTILE * 100)
    assert "Traceback" not in caplog.text
    assert all("\n" not in r.getMessage() and len(r.getMessage()) < 300 for r in caplog.records)
