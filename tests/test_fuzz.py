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
from spiegel.models import Outcome
from spiegel.plugin_manager import core_registry
from spiegel.report.tables import ActionUpdate, Consent, ReportDraft, Retention, SeriesRound
from sqlalchemy import func, select
from test_authorization import FORMAT_KIND, FORMAT_PHASE, Meet, build, build_format, fingerprint, format_of

#: Core events, the built-in formats' and the example plugin's (tests/plugins), with their schemas.
EVENTS = {**core_registry().client}
#: The built-in formats' own events: fuzzed in a meeting of their own format too (elsewhere they
#: only ever meet not_this_format).
FORMAT_EVENTS = sorted(e for e in EVENTS if e.startswith(tuple(FORMAT_PHASE)))
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


def stored(app, meeting_id: str) -> tuple:
    """What a refusal must leave as it was: the meeting's rows (``fingerprint``) and what the
    report, letter, consent, retention and series routes keep of it."""
    with app.extensions["spiegel"].db.transaction() as s:
        draft = s.get(ReportDraft, meeting_id)
        retention = s.get(Retention, meeting_id)
        outcomes = s.execute(select(func.count(), func.max(Outcome.updated_at))
                             .where(Outcome.meeting_id == meeting_id)).one()
        return (fingerprint(app, meeting_id), tuple(outcomes),
                (draft.updated_at, repr(draft.overrides), draft.letter, draft.final_at) if draft else None,
                retention.retain_until if retention else None,
                s.scalar(select(func.count()).select_from(Consent).where(Consent.meeting_id == meeting_id)),
                s.scalar(select(func.count()).select_from(ActionUpdate).where(ActionUpdate.outcome_id.in_(
                    select(Outcome.id).where(Outcome.meeting_id == meeting_id)))),
                s.scalar(select(func.count()).select_from(SeriesRound).where(SeriesRound.meeting_id == meeting_id)))


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

    def fresh_display() -> None:
        """The display's link was replaced (display.link): connect it with a new one."""
        meeting.tokens["display"] = call(clients["moderator"], "display.link")["key"]
        clients["display"] = sio.test_client(app, auth={"token": meeting.tokens["display"]})

    @FUZZ
    @given(role=st.sampled_from(ROLES), data=json_values | shaped(event))
    @example(role="listener", data=deep(300))
    @example(role="moderator", data={"id": deep(300), "key": deep(300), "name": deep(300)})
    def one(role, data):
        if not clients[role].is_connected():
            assert role == "display" and event == "display.link"
            fresh_display()
        before = fingerprint(app, meeting.id)
        ack = call(clients[role], event, data) if data is not None else clients[role].emit(event, callback=True)
        if check_refusal(ack) is not None:
            assert fingerprint(app, meeting.id) == before, "a refusal changed stored data"

    one()
    for role, client in clients.items():
        assert client.is_connected() or (role, event) == ("display", "display.link"), f"{role}'s socket dropped"
    if not clients["display"].is_connected():  # display.link's last example replaced it: the next
        fresh_display()                        # event's fuzz starts with every socket connected


FORMAT_ROLES = ("listener", "kind", "moderator", "a:run", "a:questions", "a:outcomes", "display")


@pytest.fixture(scope="module")
def format_rooms(app):
    """A meeting of each built-in format, in the phase its events act in, with their state
    (submissions, a decision, points and an open vote, a speaking round), and a socket per role."""
    sio = app.extensions["spiegel"].socketio
    rooms = {}
    for fmt, phase in FORMAT_PHASE.values():
        if fmt not in rooms:
            m = build_format(app, fmt, phase)
            roles = [r for r in FORMAT_ROLES if r != "kind" or fmt in FORMAT_KIND]
            rooms[fmt] = (m, {r: sio.test_client(app, auth={"token": m.tokens[r]}) for r in roles})
    return rooms


@pytest.mark.parametrize("event", FORMAT_EVENTS)
def test_every_format_event_survives_any_payload_in_its_own_format(app, format_rooms, errors, event):
    fmt = format_of(event)[0]
    meeting, clients = format_rooms[fmt]

    @FUZZ
    @given(role=st.sampled_from(sorted(clients)), data=json_values | shaped(event))
    @example(role="moderator", data=deep(300))
    @example(role="moderator", data={name: "x" * 100_000 for name in EVENTS[event].schema.model_fields} or {"x": 1})
    @example(role="kind" if fmt in FORMAT_KIND else "listener",
             data={name: deep(200) for name in EVENTS[event].schema.model_fields} or {"x": deep(200)})
    def one(role, data):
        before = stored(app, meeting.id)
        ack = call(clients[role], event, data)
        if check_refusal(ack) is not None:
            assert stored(app, meeting.id) == before, "a refusal changed stored data"

    one()
    for role, client in clients.items():
        assert client.is_connected(), f"{role}'s socket dropped"


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
             ("POST", "/api/staff-pass"),
             ("GET", "/qr/{code}.svg"), ("GET", "/api/admin/session"), ("POST", "/api/admin/login"),
             ("POST", "/api/admin/logout"), ("GET", "/api/admin/meetings"), ("POST", "/api/admin/meetings"),
             ("POST", "/api/admin/meetings/{id}/duplicate"), ("PATCH", "/api/admin/meetings/{id}"),
             ("POST", "/api/admin/meetings/{id}/open"), ("POST", "/api/admin/meetings/{id}/moderator-link"),
             ("DELETE", "/api/admin/meetings/{id}"),
             ("GET", "/healthz"), ("GET", "/join/{code}"), ("GET", "/moderate/{id}"), ("GET", "/display/{code}"),
             ("GET", "/static/{code}"),
             # The administrator's actions of plugins, the follow-up board, series, retention, audit.
             ("POST", "/api/admin/actions/{name}"), ("PATCH", "/api/admin/actions/{oid}"),
             ("POST", "/api/admin/actions/{oid}/progress"), ("PUT", "/api/admin/meetings/{id}/retention"),
             ("PUT", "/api/admin/meetings/{id}/series"), ("GET", "/api/admin/audit"),
             ("GET", "/api/admin/audit.csv"), ("GET", "/api/admin/followup"), ("GET", "/api/admin/followup.{kind}"),
             ("GET", "/api/admin/series"), ("POST", "/api/admin/series"), ("GET", "/api/admin/series/{sid}/compare"),
             ("POST", "/api/admin/series/{sid}/next"), ("PATCH", "/api/admin/series/{sid}"),
             # The moderator's report, exports, letter, outcomes after the meeting and consent.
             ("GET", "/api/moderate/{id}/report"), ("GET", "/api/moderate/{id}/report.{kind}"),
             ("PATCH", "/api/moderate/{id}/report/items/{key}"), ("DELETE", "/api/moderate/{id}/report/items/{key}"),
             ("PUT", "/api/moderate/{id}/report/final"), ("PUT", "/api/moderate/{id}/letter"),
             ("GET", "/api/moderate/{id}/letter.{kind}"), ("POST", "/api/moderate/{id}/outcomes"),
             ("PATCH", "/api/moderate/{id}/outcomes/{oid}"), ("POST", "/api/moderate/{id}/outcomes/{oid}/progress"),
             ("POST", "/api/moderate/{id}/consent"),
             ("GET", "/moderate/{id}/report"), ("GET", "/moderate/{id}/report/print"), ("GET", "/admin/followup")]
CONTENT_TYPES = ["application/json", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                 "text/plain", "application/json; charset=latin-1", ""]


#: Endpoints fuzzed on other ids only: erasing the meeting or replacing its moderator key would
#: leave the endpoints after them nothing to reach.
DESTRUCTIVE = {("DELETE", "/api/admin/meetings/{id}"), ("POST", "/api/admin/meetings/{id}/moderator-link")}
#: Placeholders of ENDPOINTS with the real item of the fuzzed meeting they may stand for.
REAL = {"code": "code", "id": "id", "oid": "outcome", "key": "key", "sid": "series", "name": "name", "kind": "kind"}


@pytest.mark.parametrize(("method", "template"), ENDPOINTS, ids=[f"{m} {t}" for m, t in ENDPOINTS])
def test_every_endpoint_survives_any_request(app, room, errors, method, template):
    meeting, _clients = room
    if "series" not in meeting.refs:
        meeting.refs["series"] = app.test_client().post("/api/admin/series", json={"organisation": "Verzonnen"},
                                                        headers={"Authorization": f"Bearer {ADMIN_PASSWORD}"},
                                                        ).get_json()["series"]["id"]
    real = {"code": meeting.code, "id": meeting.id, "outcome": meeting.refs["outcome"],
            "key": f"outcome:{meeting.refs['outcome']}", "series": meeting.refs["series"],
            "name": "koos.question_sets.list", "kind": "json"}
    credentials = {"none": {}, "admin": {"Authorization": f"Bearer {ADMIN_PASSWORD}"},
                   "moderator": {"Authorization": f"Bearer {meeting.tokens['moderator']}"},
                   "listener": {"Authorization": f"Bearer {meeting.tokens['listener']}"}}
    segment = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="/?#"), min_size=1, max_size=20)
    bodies = (json_values.map(lambda v: json.dumps(v).encode()) | st.binary(max_size=64)
              | st.sampled_from([b"[" * 5000, b'{"password":' * 3000, b"\xff\xfe", b"",
                                 json.dumps({"text": "x" * 300_000}).encode(),
                                 json.dumps({"kind": "x" * 5000, "text": deep(400)}).encode()]))
    names = sorted({n for n in REAL if "{" + n + "}" in template})
    if (method, template) in DESTRUCTIVE:  # the meeting and its moderator key are the later endpoints' targets
        real = {k: "ABCDEF" for k in real}

    @FUZZ
    @given(parts=st.fixed_dictionaries({n: st.sampled_from([real[REAL[n]]]) | segment for n in names}), body=bodies,
           content_type=st.sampled_from(CONTENT_TYPES), who=st.sampled_from(sorted(credentials)))
    @example(parts={n: "ABCDEF" for n in names}, body=b"[" * 5000, content_type="application/json", who="admin")
    @example(parts={n: real[REAL[n]] for n in names}, body=b"[" * 5000, content_type="application/json",
             who="moderator")
    @example(parts={n: real[REAL[n]] for n in names}, body=json.dumps({"text": "x" * 300_000}).encode(),
             content_type="application/json", who="moderator")
    @example(parts={n: "ABCDEF" for n in names}, body=b"name=Verzonnen",
             content_type="application/x-www-form-urlencoded", who="none")
    def one(parts, body, content_type, who):
        before = stored(app, meeting.id)
        path = template.format(**parts)
        headers = {**credentials[who], **({"Content-Type": content_type} if content_type else {})}
        r = app.test_client().open(path, method=method, data=body, headers=headers)
        assert r.status_code < 500, (path, r.status_code, r.data[:200])
        if r.status_code >= 400 and path.startswith("/api/"):
            assert r.mimetype == "application/json", (path, r.status_code, r.data[:200])
        answer = r.get_json(silent=True) if r.mimetype == "application/json" else None
        refused = r.status_code >= 400 and (path.startswith("/api/") or answer is not None)
        if refused or (isinstance(answer, dict) and "ok" in answer):  # an ack, not an export's own JSON
            code_ = check_refusal(answer)
            if code_ is not None and method != "GET":
                assert stored(app, meeting.id) == before, "a refusal changed stored data"

    one()
