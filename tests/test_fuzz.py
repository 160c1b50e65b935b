"""Property-based fuzz (Hypothesis) of every socket event and every HTTP endpoint.

For any payload, from any role: the server answers (an ack, an HTTP answer), never crashes,
never says ``internal_error``, never puts a stack trace in an answer or the log, refuses only
with documented codes, and a refusal leaves the stored data as it was. Payloads are arbitrary
JSON, and dicts shaped like each event's schema with arbitrary values (so validation is passed
now and then and the handlers are reached). Examples are bounded and derandomized: the suite
stays fast and a failure reproduces.
"""

from __future__ import annotations

import json
import logging

import pytest
from helpers import ADMIN_PASSWORD, PLUGINS, FakeClock, call, make_app
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from spiegel.errors import ERROR_CODES
from spiegel.plugin_manager import core_registry
from test_authorization import Meet, build, fingerprint

#: Core events plus the example plugin's (tests/plugins), with their schemas.
EVENTS = {**core_registry().client}
PLUGIN_EVENTS = ("example.pledge", "example.summary")

FUZZ = settings(max_examples=15, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

scalars = st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=True) | st.text(max_size=30)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=12)


def deep(n: int) -> list:
    """``[[[…]]]`` n deep (5,000 deep frames go over a raw websocket: tests/test_security.py; the
    test client and Hypothesis stop near 500)."""
    value: list = []
    for _ in range(n):
        value = [value]
    return value


def shaped(event: str) -> st.SearchStrategy:
    """Dicts with (some of) the schema's own field names, arbitrary values."""
    schema = EVENTS[event].schema if event in EVENTS else None  # plugin events: name/data-shaped dicts
    names = [f.alias or n for n, f in schema.model_fields.items()] if schema else ["name", "data"]
    if not names:
        return st.just({})
    plausible = json_values | st.uuids().map(str) | st.sampled_from(["listening", "round", "selected", "a", "run"])
    return st.dictionaries(st.sampled_from(names), plausible, max_size=len(names))


class Errors(logging.Handler):
    """Collects ERROR records (a logged traceback) of the spiegel loggers during the fuzz."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("instance"), FakeClock(), PLUGINS_DIR=str(PLUGINS),
                   EVENT_LIMIT=10**6, ADDRESS_EVENT_LIMIT=10**6, LOGIN_LIMIT=10**6)
    app.extensions["spiegel"].lookups.limit = 10**6
    return app


@pytest.fixture
def errors():
    handler = Errors()
    for name in ("spiegel", "flask.app", "socketio", "engineio"):
        logging.getLogger(name).addHandler(handler)
    yield handler
    for name in ("spiegel", "flask.app", "socketio", "engineio"):
        logging.getLogger(name).removeHandler(handler)
    assert not handler.records, [r.getMessage() for r in handler.records][:3]


def check_refusal(answer: object) -> str | None:
    """The code of a documented refusal, None for ok; fails on anything else."""
    assert isinstance(answer, dict) and isinstance(answer.get("ok"), bool), answer
    if answer["ok"]:
        return None
    code = answer["error"]["code"]
    assert code in ERROR_CODES and code != "internal_error", answer
    assert "Traceback" not in json.dumps(answer)
    return code


ROLES = ("listener", "moderator", "a:run", "a:questions", "display")


@pytest.fixture(scope="module")
def room(app):
    """One meeting and one socket per role for all the event fuzz (a refusal changes nothing,
    and what an accepted payload changes is the next example's starting point)."""
    meeting: Meet = build(app, "listening")
    sio = app.extensions["spiegel"].socketio
    return meeting, {role: sio.test_client(app, auth={"token": meeting.tokens[role]}) for role in ROLES}


@pytest.mark.parametrize("event", [*sorted(EVENTS), *PLUGIN_EVENTS, "action"])
def test_every_event_survives_any_payload_from_any_role(app, room, errors, event):
    meeting, clients = room
    sio = app.extensions["spiegel"].socketio

    @FUZZ
    @given(role=st.sampled_from(ROLES), data=json_values | shaped(event))
    @example(role="listener", data=deep(300))
    @example(role="moderator", data={"id": deep(300), "key": deep(300), "name": deep(300)})
    def one(role, data):
        if not clients[role].is_connected():  # its link was replaced (display.link): a new one
            assert role == "display" and event == "display.link"
            meeting.tokens[role] = call(clients["moderator"], "display.link")["key"]
            clients[role] = sio.test_client(app, auth={"token": meeting.tokens[role]})
        before = fingerprint(app, meeting.id)
        ack = call(clients[role], event, data) if data is not None else clients[role].emit(event, callback=True)
        if check_refusal(ack) is not None:
            assert fingerprint(app, meeting.id) == before, "a refusal changed stored data"

    one()
    for role, client in clients.items():
        assert client.is_connected() or (role, event) == ("display", "display.link"), f"{role}'s socket dropped"


def test_any_event_name_gets_a_defined_answer(app, room, errors):
    meeting, clients = room
    client = clients["listener"]

    @FUZZ
    @given(name=st.text(max_size=40) | st.sampled_from(["connect", "disconnect", "*", "\x00refused", "message"])
           | json_values.filter(lambda v: not isinstance(v, str)), data=json_values)
    def one(name, data):
        before = fingerprint(app, meeting.id)
        code = check_refusal(call(client, name, data))
        if code is not None:
            assert fingerprint(app, meeting.id) == before

    one()
    assert client.is_connected()


ENDPOINTS = [("GET", "/api/meetings/{code}"), ("POST", "/api/meetings/{code}/join"), ("GET", "/api/formats"),
             ("GET", "/qr/{code}.svg"), ("GET", "/api/admin/session"), ("POST", "/api/admin/login"),
             ("POST", "/api/admin/logout"), ("GET", "/api/admin/meetings"), ("POST", "/api/admin/meetings"),
             ("POST", "/api/admin/meetings/{id}/duplicate"), ("PATCH", "/api/admin/meetings/{id}"),
             ("POST", "/api/admin/meetings/{id}/open"), ("POST", "/api/admin/meetings/{id}/moderator-link"),
             ("DELETE", "/api/admin/meetings/{id}"),
             ("GET", "/healthz"), ("GET", "/join/{code}"), ("GET", "/moderate/{id}"), ("GET", "/display/{code}"),
             ("GET", "/static/{code}")]
CONTENT_TYPES = ["application/json", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                 "text/plain", "application/json; charset=latin-1", ""]


@pytest.mark.parametrize(("method", "template"), ENDPOINTS, ids=[f"{m} {t}" for m, t in ENDPOINTS])
def test_every_endpoint_survives_any_request(app, room, errors, method, template):
    meeting, _clients = room
    admin = {"Authorization": f"Bearer {ADMIN_PASSWORD}"}
    segment = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="/?#"), min_size=1, max_size=20)
    bodies = (json_values.map(lambda v: json.dumps(v).encode()) | st.binary(max_size=64)
              | st.sampled_from([b"[" * 5000, b'{"password":' * 3000, b"\xff\xfe", b""]))

    @FUZZ
    @given(code=st.sampled_from([meeting.code, meeting.id]) | segment, body=bodies,
           content_type=st.sampled_from(CONTENT_TYPES), as_admin=st.booleans())
    @example(code="ABCDEF", body=b"[" * 5000, content_type="application/json", as_admin=True)
    @example(code="ABCDEF", body=b"name=Verzonnen", content_type="application/x-www-form-urlencoded", as_admin=False)
    def one(code, body, content_type, as_admin):
        before = fingerprint(app, meeting.id)
        path = template.format(code=code, id=code)
        headers = {**(admin if as_admin else {}), **({"Content-Type": content_type} if content_type else {})}
        r = app.test_client().open(path, method=method, data=body, headers=headers)
        assert r.status_code < 500, (path, r.status_code, r.data[:200])
        if path.startswith("/api/") or r.mimetype == "application/json":
            answer = r.get_json(silent=True)
            code_ = check_refusal(answer)
            if code_ is not None and method != "GET":
                assert fingerprint(app, meeting.id) == before

    one()
