"""The authorization matrix: every role × every event and endpoint × its own meeting and another one.

The expected outcome of every cell is written out in :data:`EVENTS_TABLE` and
:data:`HTTP_TABLE` below (not derived from ``permissions.RULES``, so a wrong rule shows up as
a wrong cell). Each cell runs against two fresh meetings, A (the actor's own) and B (another):
"own" sends a payload that refers to A's items, "other" one that refers to B's. Every cell
also checks that B did not change at all, and that a refused cell left A unchanged too.

Roles: ``none`` sends no credentials, ``wrong`` a token (or password) nobody has.
Codes: ok · NA not_authenticated (connection refused: no token) · TU token_unknown
(refused: the admin password is no socket token) · FR forbidden_role · MR missing_right ·
NF not_found · IC id_conflict · IT invalid_transition. A cell ``x/y`` is x in the own
meeting, y with the other meeting's items; a single value is the same for both.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import pytest
from helpers import ADMIN_PASSWORD, PLUGINS, FakeClock, call, make_app, uid
from spiegel.models import Meeting, Note, Outcome, Participant, Poll, PollAnswer, Question
from spiegel.plugin_manager import core_registry
from sqlalchemy import func, select
from test_protocol import connect_probe

ROLES = ("none", "wrong", "listener", "guest", "display", "a:run", "a:questions", "a:outcomes", "moderator", "admin")
SCOPES = ("own", "other")
CODES = {"ok": None, "NA": "not_authenticated", "TU": "token_unknown", "FR": "forbidden_role",
         "MR": "missing_right", "NF": "not_found", "IC": "id_conflict", "IT": "invalid_transition",
         "NP": "not_allowed_in_phase"}

EVENTS_TABLE = """
event                  none wrong listener guest display a:run a:questions a:outcomes moderator admin
sync                   NA   TU    ok       ok    ok      ok    ok          ok         ok        TU
note.add               NA   TU    ok/IC    NP/IC FR      FR    FR          FR         FR        TU
note.edit              NA   TU    ok/NF    NP    FR      FR    FR          FR         FR        TU
note.delete            NA   TU    ok/NF    NF    FR      FR    FR          FR         FR        TU
note.share             NA   TU    ok/NF    NP    FR      FR    FR          FR         FR        TU
question.add           NA   TU    ok/IC    NP/IC FR      FR    FR          FR         FR        TU
question.edit          NA   TU    ok/NF    NP    FR      FR    FR          FR         FR        TU
question.delete        NA   TU    ok/NF    NF    FR      FR    FR          FR         FR        TU
question.withdraw      NA   TU    ok/NF    NF    FR      FR    FR          FR         FR        TU
turn.set               NA   TU    ok       NP    FR      FR    FR          FR         FR        TU
poll.answer            NA   TU    ok/NF    NP    FR      FR    FR          FR         FR        TU
meeting.update         NA   TU    FR       FR    FR      MR    MR          MR         ok        TU
meeting.open           NA   TU    FR       FR    FR      IT    MR          MR         IT        TU
meeting.archive        NA   TU    FR       FR    FR      MR    MR          MR         IT        TU
phase.goto             NA   TU    FR       FR    FR      ok    MR          MR         ok        TU
timer.start            NA   TU    FR       FR    FR      ok    MR          MR         ok        TU
timer.pause            NA   TU    FR       FR    FR      ok    MR          MR         ok        TU
timer.resume           NA   TU    FR       FR    FR      IT    MR          MR         IT        TU
timer.adjust           NA   TU    FR       FR    FR      ok    MR          MR         ok        TU
timer.reset            NA   TU    FR       FR    FR      ok    MR          MR         ok        TU
prepared.set           NA   TU    FR       FR    FR      MR    MR          MR         ok        TU
prompt.set             NA   TU    FR       FR    FR      ok/NF MR          MR         ok/NF     TU
question.update        NA   TU    FR       FR    FR      MR    ok/NF       MR         ok/NF     TU
question.reorder       NA   TU    FR       FR    FR      MR    ok/NF       MR         ok/NF     TU
question.merge         NA   TU    FR       FR    FR      MR    ok/NF       MR         ok/NF     TU
question.asking        NA   TU    FR       FR    FR      MR    IT/NF       MR         IT/NF     TU
outcome.add            NA   TU    FR       FR    FR      MR    MR          ok/IC      ok/IC     TU
outcome.edit           NA   TU    FR       FR    FR      MR    MR          ok/NF      ok/NF     TU
outcome.delete         NA   TU    FR       FR    FR      MR    MR          ok/NF      ok/NF     TU
poll.open              NA   TU    FR       FR    FR      ok/IC MR          MR         ok/IC     TU
poll.close             NA   TU    FR       FR    FR      ok/NF MR          MR         ok/NF     TU
assistant.create       NA   TU    FR       FR    FR      FR    FR          FR         ok        TU
display.link           NA   TU    FR       FR    FR      FR    FR          FR         ok        TU
invite.create          NA   TU    FR       FR    FR      FR    FR          FR         ok        TU
example.pledge         NA   TU    ok       NP    FR      FR    FR          FR         FR        TU
example.summary        NA   TU    FR       FR    FR      MR    MR          ok         ok        TU
action:example.pledge  NA   TU    ok       NP    FR      FR    FR          FR         FR        TU
action:example.summary NA   TU    FR       FR    FR      MR    MR          ok         ok        TU
"""

#: Pages are public shells (their data comes from the authenticated API); ``/api/moderate/…``
#: takes the moderator key or an assistant key with ``outcomes`` as a Bearer token, so another
#: meeting's key is TU; ``/api/admin/…`` takes the admin password (or session), anything else NA.
#: Short for the long prefixes: ``~`` is ``/api/moderate/<id>``, ``^`` is ``/api/admin/``.
HTTP_TABLE = """
endpoint                                none wrong listener guest display a:run a:questions a:outcomes moderator admin
GET /                                   ok   ok    ok       ok    ok      ok    ok          ok         ok        ok
GET /admin                              ok   ok    ok       ok    ok      ok    ok          ok         ok        ok
GET /join                               ok   ok    ok       ok    ok      ok    ok          ok         ok        ok
GET /join/<code>                        ok   ok    ok       ok    ok      ok    ok          ok         ok        ok
GET /display/<code>                     ok   ok    ok       ok    ok      ok    ok          ok         ok        ok
GET /moderate/<id>                      ok   ok    ok       ok    ok      ok    ok          ok         ok        ok
GET /moderate/<id>/report               ok   ok    ok       ok    ok      ok    ok          ok         ok        ok
GET /moderate/<id>/report/print         ok   ok    ok       ok    ok      ok    ok          ok         ok        ok
GET /admin/followup                     ok   ok    ok       ok    ok      ok    ok          ok         ok        ok
GET /healthz                            ok   ok    ok       ok    ok      ok    ok          ok         ok        ok
GET /sw.js                              ok   ok    ok       ok    ok      ok    ok          ok         ok        ok
GET /static/shared/base.css             ok   ok    ok       ok    ok      ok    ok          ok         ok        ok
GET /plugins/koos/kit.js                ok   ok    ok       ok    ok      ok    ok          ok         ok        ok
GET /api/meetings/<code>                ok   ok    ok       ok    ok      ok    ok          ok         ok        ok
POST /api/meetings/<code>/join          ok   ok    ok       ok    ok      ok    ok          ok         ok        ok
GET /api/formats                        ok   ok    ok       ok    ok      ok    ok          ok         ok        ok
POST /api/staff-pass                    NA   TU    FR       FR    FR      ok    ok          ok         ok        TU
GET /qr/<code>.svg                      ok   ok    ok       ok    ok      ok    ok          ok         ok        ok
GET ^session                            ok   ok    ok       ok    ok      ok    ok          ok         ok        ok
POST ^login                             NA   NA    NA       NA    NA      NA    NA          NA         NA        ok
POST ^logout                            ok   ok    ok       ok    ok      ok    ok          ok         ok        ok
GET ^meetings                           NA   NA    NA       NA    NA      NA    NA          NA         NA        ok
POST ^meetings                          NA   NA    NA       NA    NA      NA    NA          NA         NA        ok
POST ^meetings/<id>/duplicate           NA   NA    NA       NA    NA      NA    NA          NA         NA        ok
DELETE ^meetings/<id>                   NA   NA    NA       NA    NA      NA    NA          NA         NA        ok
PATCH ^meetings/<id>                    NA   NA    NA       NA    NA      NA    NA          NA         NA        ok
POST ^meetings/<id>/open                NA   NA    NA       NA    NA      NA    NA          NA         NA        IT
POST ^meetings/<id>/moderator-link      NA   NA    NA       NA    NA      NA    NA          NA         NA        ok
PUT ^meetings/<id>/retention            NA   NA    NA       NA    NA      NA    NA          NA         NA        ok
PUT ^meetings/<id>/series               NA   NA    NA       NA    NA      NA    NA          NA         NA        ok
GET ^audit                              NA   NA    NA       NA    NA      NA    NA          NA         NA        ok
GET ^audit.csv                          NA   NA    NA       NA    NA      NA    NA          NA         NA        ok
GET ^followup                           NA   NA    NA       NA    NA      NA    NA          NA         NA        ok
GET ^followup.csv                       NA   NA    NA       NA    NA      NA    NA          NA         NA        ok
GET ^followup.ics                       NA   NA    NA       NA    NA      NA    NA          NA         NA        ok
GET ^series                             NA   NA    NA       NA    NA      NA    NA          NA         NA        ok
POST ^series                            NA   NA    NA       NA    NA      NA    NA          NA         NA        ok
GET ^series/<series_id>/compare         NA   NA    NA       NA    NA      NA    NA          NA         NA        ok
POST ^series/<series_id>/next           NA   NA    NA       NA    NA      NA    NA          NA         NA        ok
PATCH ^series/<series_id>               NA   NA    NA       NA    NA      NA    NA          NA         NA        ok
PATCH ^actions/<outcome_id>             NA   NA    NA       NA    NA      NA    NA          NA         NA        ok
POST ^actions/<outcome_id>/progress     NA   NA    NA       NA    NA      NA    NA          NA         NA        ok
POST ^actions/koos.question_sets.list   NA   NA    NA       NA    NA      NA    NA          NA         NA        ok
POST ^actions/koos.question_sets.save   NA   NA    NA       NA    NA      NA    NA          NA         NA        ok
POST ^actions/koos.question_sets.delete NA   NA    NA       NA    NA      NA    NA          NA         NA        NF
POST ^actions/no.such.action            NA   NA    NA       NA    NA      NA    NA          NA         NA        NF
GET ~/report                            NA   TU    FR/TU    FR/TU FR/TU   MR/TU MR/TU       ok/TU      ok/TU     TU
GET ~/report.json                       NA   TU    FR/TU    FR/TU FR/TU   MR/TU MR/TU       ok/TU      ok/TU     TU
GET ~/report.md                         NA   TU    FR/TU    FR/TU FR/TU   MR/TU MR/TU       ok/TU      ok/TU     TU
GET ~/report.csv                        NA   TU    FR/TU    FR/TU FR/TU   MR/TU MR/TU       ok/TU      ok/TU     TU
GET ~/report.html                       NA   TU    FR/TU    FR/TU FR/TU   MR/TU MR/TU       ok/TU      ok/TU     TU
GET ~/report.pdf                        NA   TU    FR/TU    FR/TU FR/TU   MR/TU MR/TU       ok/TU      ok/TU     TU
PATCH ~/report/items/<key>              NA   TU    FR/TU    FR/TU FR/TU   MR/TU MR/TU       ok/TU      ok/TU     TU
DELETE ~/report/items/<key>             NA   TU    FR/TU    FR/TU FR/TU   MR/TU MR/TU       ok/TU      ok/TU     TU
PUT ~/report/final                      NA   TU    FR/TU    FR/TU FR/TU   MR/TU MR/TU       IT/TU      IT/TU     TU
PUT ~/letter                            NA   TU    FR/TU    FR/TU FR/TU   MR/TU MR/TU       ok/TU      ok/TU     TU
GET ~/letter.html                       NA   TU    FR/TU    FR/TU FR/TU   MR/TU MR/TU       ok/TU      ok/TU     TU
GET ~/letter.pdf                        NA   TU    FR/TU    FR/TU FR/TU   MR/TU MR/TU       ok/TU      ok/TU     TU
POST ~/outcomes                         NA   TU    FR/TU    FR/TU FR/TU   MR/TU MR/TU       ok/TU      ok/TU     TU
PATCH ~/outcomes/<outcome_id>           NA   TU    FR/TU    FR/TU FR/TU   MR/TU MR/TU       ok/TU      ok/TU     TU
POST ~/outcomes/<outcome_id>/progress   NA   TU    FR/TU    FR/TU FR/TU   MR/TU MR/TU       ok/TU      ok/TU     TU
POST ~/consent                          NA   TU    FR/TU    FR/TU FR/TU   MR/TU MR/TU       ok/TU      ok/TU     TU
"""


def parse(table: str) -> dict[tuple[str, str, str], str]:
    """(row, role, scope) -> expected code name."""
    lines = [line.split() for line in table.strip().splitlines()]
    header, rows = lines[0], lines[1:]
    width = len(header) - ROLES.__len__()
    assert tuple(header[width:]) == ROLES
    cells = {}
    for row in rows:
        name, values = " ".join(row[:-len(ROLES)]), row[-len(ROLES):]
        for role, value in zip(ROLES, values, strict=True):
            own, _, other = value.partition("/")
            cells[(name, role, "own")], cells[(name, role, "other")] = own, other or own
    return cells


#: A credential nobody has: as a socket token, as a moderator key, as the admin password.
WRONG = "not-a-token-of-anyone-0000"

EVENT_CELLS = parse(EVENTS_TABLE)
HTTP_CELLS = {(name.replace(" ~", " /api/moderate/<id>").replace(" ^", " /api/admin/"), role, scope): code
              for (name, role, scope), code in parse(HTTP_TABLE).items()}

#: The phase each event is tried in, so that a listener action is allowed there (the matrix is
#: about who, not when); everything else runs in "listening". The example format has them all.
PHASE = {"note.share": "ended", "turn.set": "round", "poll.answer": "round", "action:example.pledge": "round",
         "example.pledge": "round"}


@pytest.fixture(scope="module")
def app():
    """One app for the module, its SQLite in memory-backed /dev/shm: the matrix is a thousand commits."""
    import shutil
    import tempfile
    from pathlib import Path

    folder = Path(tempfile.mkdtemp(prefix="spiegel-matrix-", dir="/dev/shm" if Path("/dev/shm").is_dir() else None))
    app = make_app(folder, FakeClock(), PLUGINS_DIR=str(PLUGINS),
                   EVENT_LIMIT=10**6, ADDRESS_EVENT_LIMIT=10**6, LOGIN_LIMIT=10**6)
    app.extensions["spiegel"].lookups.limit = 10**6
    yield app
    app.extensions["spiegel"].db.engine.dispose()
    shutil.rmtree(folder, ignore_errors=True)


@dataclass
class Meet:
    """One meeting with one of each role and one item of each kind."""

    id: str
    code: str
    tokens: dict[str, str] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)


_prepared = itertools.count()


def build(app, phase: str) -> Meet:
    http = app.test_client()
    prepared_id = f"prep-{next(_prepared)}"
    created = http.post("/api/admin/meetings", headers={"Authorization": f"Bearer {ADMIN_PASSWORD}"}, json={
        "title": "Verzonnen", "format": "example_round", "open": True,
        "prepared": [{"id": prepared_id, "text": "Verzonnen vraag"}]}).get_json()
    m = Meet(created["meeting"]["id"], created["meeting"]["code"])
    sio = app.extensions["spiegel"].socketio

    def connect(token):
        return sio.test_client(app, flask_test_client=http, auth={"token": token})

    mod = connect(created["moderator_key"])
    m.tokens["moderator"] = created["moderator_key"]
    for right in ("run", "questions", "outcomes"):
        m.tokens[f"a:{right}"] = call(mod, "assistant.create", {"rights": [right]})["key"]
    m.tokens["display"] = call(mod, "display.link")["key"]
    join = f"/api/meetings/{m.code}/join"
    invite = call(mod, "invite.create", {"kind": "guest"})["url"].split("#invite=", 1)[1]
    m.tokens["guest"] = http.post(join, json={"invite": invite}).get_json()["token"]
    m.tokens["listener"] = http.post(join, json={}).get_json()["token"]
    other_token = http.post(join, json={}).get_json()["token"]
    assert call(mod, "phase.goto", {"key": "listening"})["ok"]
    listener, other = connect(m.tokens["listener"]), connect(other_token)
    m.refs.update(note=uid(), question=uid(), question2=uid(), outcome=uid(), poll=uid(), prepared=prepared_id)
    assert call(listener, "note.add", {"id": m.refs["note"], "text": "Verzonnen notitie"})["ok"]
    assert call(listener, "question.add", {"id": m.refs["question"], "text": "Verzonnen vraag?"})["ok"]
    assert call(other, "question.add", {"id": m.refs["question2"], "text": "Andere verzonnen vraag?"})["ok"]
    assert call(mod, "outcome.add", {"id": m.refs["outcome"], "kind": "action", "text": "Verzonnen actie"})["ok"]
    assert call(mod, "poll.open", {"id": m.refs["poll"], "kind": "vote", "title": "Verzonnen keuze",
                                   "options": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}]})["ok"]
    assert call(mod, "timer.start", {"seconds": 600})["ok"]
    if phase != "listening":
        assert call(mod, "phase.goto", {"key": phase})["ok"]
    for client in (mod, listener, other):
        client.disconnect()
    return m


_worlds: dict[tuple[str, str], Meet] = {}


def world(app, kind: str, key: str, phase: str) -> Meet:
    """A meeting reused by the cells of one row until a cell changes it (a refusal changes nothing,
    which every cell checks), so most cells need no fresh meeting."""
    if (kind, key) not in _worlds:
        _worlds[(kind, key)] = build(app, phase)
    return _worlds[(kind, key)]


def settle(app, kind: str, key: str, before: tuple) -> None:
    """Forget a meeting the cell changed: the next cell gets a fresh one."""
    m = _worlds.get((kind, key))
    if m is not None and fingerprint(app, m.id) != before:
        del _worlds[(kind, key)]


def payload(event: str, r: dict[str, str]) -> tuple[str, dict]:
    """The wire event and a valid payload that refers to the items ``r`` (own or other meeting)."""
    poll = {"kind": "vote", "title": "Nieuwe verzonnen keuze", "options": [{"id": "a", "text": "A"},
                                                                          {"id": "b", "text": "B"}]}
    bodies = {
        "sync": {}, "note.add": {"id": r["note"], "text": "Verzonnen"},
        "note.edit": {"id": r["note"], "text": "Verzonnen anders"}, "note.delete": {"id": r["note"]},
        "note.share": {"id": r["note"], "shared": True}, "question.add": {"id": r["question"], "text": "Verzonnen?"},
        "question.edit": {"id": r["question"], "text": "Verzonnen anders?"}, "question.delete": {"id": r["question"]},
        "question.withdraw": {"id": r["question"]}, "turn.set": {"state": "waiting"},
        "poll.answer": {"poll_id": r["poll"], "choices": ["a"]}, "meeting.update": {"title": "Verzonnen nieuw"},
        "meeting.open": {}, "meeting.archive": {}, "phase.goto": {"key": "round"}, "timer.start": {"seconds": 60},
        "timer.pause": {}, "timer.resume": {}, "timer.adjust": {"seconds": 30}, "timer.reset": {},
        "prepared.set": {"items": [{"text": "Verzonnen voorbereid"}]},
        "prompt.set": {"id": r["prepared"], "shown": True},
        "question.update": {"id": r["question"], "status": "selected"},
        "question.reorder": {"ids": [r["question2"], r["question"]]},
        "question.merge": {"into": r["question"], "ids": [r["question2"]]},
        "question.asking": {"id": r["question"]},  # parked, not selected: put up only once selected
        "outcome.add": {"id": r["outcome"], "kind": "decision", "text": "Verzonnen besluit"},
        "outcome.edit": {"id": r["outcome"], "text": "Verzonnen anders"}, "outcome.delete": {"id": r["outcome"]},
        "poll.open": {"id": r["poll"], **poll}, "poll.close": {"id": r["poll"]},
        "assistant.create": {"rights": ["run"]}, "display.link": {},
        "action:example.pledge": {"name": "example.pledge", "data": {"text": "Verzonnen belofte"}},
        "action:example.summary": {"name": "example.summary", "data": {"text": "Verzonnen samenvatting"}},
        "example.pledge": {"text": "Verzonnen belofte"}, "example.summary": {"text": "Verzonnen samenvatting"},
        "invite.create": {"kind": "guest"},
    }
    body = dict(bodies[event])
    own_new = {"note.add", "question.add", "outcome.add", "poll.open"}
    if event in own_new and r.get("fresh"):
        body["id"] = uid()  # in the own meeting an add is of a new item; with the other's id it is a conflict
    return ("action" if event.startswith("action:") else event), body


def fingerprint(app, meeting_id: str) -> tuple:
    """Everything stored of one meeting, cheaply (one query): its version and its row counts."""
    def count(table, where):
        return select(func.count()).select_from(table).where(where).scalar_subquery()

    with app.extensions["spiegel"].db.transaction() as s:
        return tuple(s.execute(select(
            select(Meeting.version).where(Meeting.id == meeting_id).scalar_subquery(),
            *(count(t, t.meeting_id == meeting_id) for t in (Participant, Note, Question, Outcome, Poll)),
            count(PollAnswer, PollAnswer.poll_id.in_(select(Poll.id).where(Poll.meeting_id == meeting_id))),
            select(func.max(Note.updated_at)).where(Note.meeting_id == meeting_id).scalar_subquery(),
            select(func.max(Question.updated_at)).where(Question.meeting_id == meeting_id).scalar_subquery(),
        )).one())


def socket_outcome(app, token: str | None, event: str, body: dict) -> str:
    client = connect_probe(app, {"token": token} if token is not None else None)
    if not client.is_connected():
        return client.refusal["data"]["code"]
    ack = call(client, event, body)
    client.disconnect()
    return "ok" if ack["ok"] else ack["error"]["code"]


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("event", sorted({key[0] for key in EVENT_CELLS}))
def test_event_matrix(app, event, role, scope):
    phase = PHASE.get(event, "listening")
    a, b = world(app, "A", event, phase), world(app, "B", phase, phase)
    refs = {**a.refs, "fresh": "1"} if scope == "own" else b.refs
    token = {"none": None, "wrong": WRONG, "admin": ADMIN_PASSWORD}.get(role, a.tokens.get(role))
    name, body = payload(event, refs)
    before_a, before_b = fingerprint(app, a.id), fingerprint(app, b.id)
    got = socket_outcome(app, token, name, body)
    expected = EVENT_CELLS[(event, role, scope)]
    assert got == (CODES[expected] or "ok"), f"{event} by {role} ({scope} meeting): {got}"
    assert fingerprint(app, b.id) == before_b, "the other meeting is untouched"
    if got != "ok":
        assert fingerprint(app, a.id) == before_a, "a refusal changes nothing"
    settle(app, "A", event, before_a)


def test_the_event_tables_cover_every_event_and_role(app):
    """Every client event the server registers (core, built-in formats, the example plugin) has
    a row: a new event fails here until it gets one."""
    registered = set(app.extensions["spiegel"].registry.client)
    rows = {key[0] for key in EVENT_CELLS}
    format_rows = {key[0] for key in FORMAT_CELLS}
    assert set(FORMAT_EVENTS) == format_rows, "FORMAT_EVENTS_TABLE has a row for each format event"
    assert registered == ({r.split(":")[0] for r in rows} - {"action"}) | format_rows
    assert {r.split(":", 1)[1] for r in rows if r.startswith("action:")} <= registered
    assert len(EVENT_CELLS) == len(rows) * len(ROLES) * len(SCOPES)
    assert len(FORMAT_CELLS) == len(format_rows) * len(FORMAT_ROLES)
    for (event, role), value in FORMAT_CELLS.items():
        assert (value == "-") == (role == "kind" and format_of(event)[0] not in FORMAT_KIND), (event, role)


def http_credentials(role: str, m: Meet) -> dict[str, str]:
    """A role's secret offered to the HTTP API the only way it can be: as a Bearer password."""
    secret = {"none": None, "wrong": WRONG, "admin": ADMIN_PASSWORD}.get(role, m.tokens.get(role))
    return {"Authorization": f"Bearer {secret}"} if secret else {}


#: The body each endpoint is sent with (valid, so an allowed role gets past validation).
HTTP_BODIES = {
    "POST /api/meetings/<code>/join": {},
    "POST /api/admin/meetings": {"title": "Verzonnen"},
    "PATCH /api/admin/meetings/<id>": {"title": "Verzonnen, hernoemd"},
    "PUT /api/admin/meetings/<id>/retention": {"retain_until": "2030-01-01"},
    "PUT /api/admin/meetings/<id>/series": {"series_id": "<series_id>", "round": 1},
    "POST /api/admin/series": {"organisation": "Verzonnen organisatie"},
    "POST /api/admin/series/<series_id>/next": {"title": "Verzonnen volgende ronde"},
    "PATCH /api/admin/series/<series_id>": {"organisation": "Verzonnen organisatie", "region": "Verzonnen regio"},
    "PATCH /api/admin/actions/<outcome_id>": {"text": "Verzonnen, bijgewerkt"},
    "POST /api/admin/actions/<outcome_id>/progress": {"text": "Verzonnen stap", "status": "in_progress"},
    "POST /api/admin/actions/koos.question_sets.list": {},
    "POST /api/admin/actions/koos.question_sets.save": {"name": "Verzonnen set", "items": [{"text": "Verzonnen?"}]},
    "POST /api/admin/actions/koos.question_sets.delete": {"id": "no-such-set"},
    "POST /api/admin/actions/no.such.action": {},
    "PATCH /api/moderate/<id>/report/items/<key>": {"removed": True},
    "PUT /api/moderate/<id>/report/final": {"final": True},
    "PUT /api/moderate/<id>/letter": {"text": "Verzonnen brief"},
    "POST /api/moderate/<id>/outcomes": {"kind": "wish", "text": "Verzonnen wens"},
    "PATCH /api/moderate/<id>/outcomes/<outcome_id>": {"text": "Verzonnen, anders"},
    "POST /api/moderate/<id>/outcomes/<outcome_id>/progress": {"text": "Verzonnen stap"},
    "POST /api/moderate/<id>/consent": {"what": "Verzonnen toestemming", "participants": 4},
}


def fill(text: str, m: Meet) -> str:
    """An endpoint's placeholders with the items of meeting ``m``."""
    return (text.replace("<code>", m.code).replace("<id>", m.id).replace("<outcome_id>", m.refs["outcome"])
            .replace("<key>", f"outcome:{m.refs['outcome']}").replace("<series_id>", m.refs["series"]))


def http_outcome(app, endpoint: str, role: str, a: Meet, target: Meet) -> str:
    method, path = endpoint.split(" ", 1)
    headers = http_credentials(role, a)
    body = HTTP_BODIES.get(endpoint)
    if body is not None:
        body = {k: fill(v, target) if isinstance(v, str) else v for k, v in body.items()}
    if path == "/api/admin/login":
        body = {"password": headers.pop("Authorization", "Bearer ")[7:]}
    r = app.test_client().open(fill(path, target), method=method, headers=headers, json=body)
    if r.status_code < 400:
        return "ok"
    assert r.is_json, f"{endpoint}: {r.status_code} without a JSON error"
    return r.get_json()["error"]["code"]


def series_of(app, m: Meet) -> None:
    if "series" not in m.refs:
        r = app.test_client().post("/api/admin/series", headers={"Authorization": f"Bearer {ADMIN_PASSWORD}"},
                                   json={"organisation": "Verzonnen organisatie"})
        m.refs["series"] = r.get_json()["series"]["id"]


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", sorted({key[0] for key in HTTP_CELLS}))
def test_http_matrix(app, endpoint, role, scope):
    a, b = world(app, "A", endpoint, "listening"), world(app, "B", "http", "listening")
    series_of(app, a)
    series_of(app, b)
    target = a if scope == "own" else b
    before = {m.id: fingerprint(app, m.id) for m in (a, b)}
    got = http_outcome(app, endpoint, role, a, target)
    expected = HTTP_CELLS[(endpoint, role, scope)]
    assert got == (CODES[expected] or "ok"), f"{endpoint} by {role} ({scope} meeting): {got}"
    for m in (a, b):
        if m is not target or got != "ok":
            assert fingerprint(app, m.id) == before[m.id], "only the target of an allowed call changes"
    settle(app, "A", endpoint, before[a.id])
    settle(app, "B", "http", before[b.id])


#: Route placeholders the rows keep (filled per meeting); any other one a row spells out.
KEPT = {"<meeting_id>": "<id>", "<code>": "<code>", "<outcome_id>": "<outcome_id>", "<path:key>": "<key>",
        "<series_id>": "<series_id>"}


def test_the_http_table_covers_every_route_and_admin_action(app):
    """Every route of the app (pages, API, report, admin, static) and method has a row, and
    every administrator action a plugin registers: a new one fails here until it gets one."""
    import re

    rows = {tuple(key[0].split(" ", 1)) for key in HTTP_CELLS}
    for rule in app.url_map.iter_rules():
        pattern = rule.rule
        for placeholder, kept in KEPT.items():
            pattern = pattern.replace(placeholder, kept)
        regex = "".join(re.escape(part) if not part.startswith("<") or part in KEPT.values() else "[^/]+(/[^/]+)*"
                        for part in re.split(r"(<[^>]+>)", pattern))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            assert any(m == method and re.fullmatch(regex, path) for m, path in rows), \
                f"{method} {rule.rule} has no row in HTTP_TABLE"
    for name in app.extensions["spiegel"].admin_actions:
        assert ("POST", f"/api/admin/actions/{name}") in rows, f"admin action {name} has no row in HTTP_TABLE"
    assert len(HTTP_CELLS) == len(rows) * len(ROLES) * len(SCOPES)


# --- the built-in formats' own events ------------------------------------------------------------
#
# Each row runs in a meeting of its format, in the phase of FORMAT_PHASE, with the state the
# event needs (submissions, a decision, points and an open vote, a speaking round). ``kind`` is
# the format's own participant kind (AMC: professional, NIK: parent); ``-`` where the format
# has none. ``wrong`` is a token no participant has. NT: not_this_format. IT on
# ``nik.points.set`` and ``nik.vote.open`` is the rule for allowed roles while the vote is open.

FORMAT_ROLES = ("none", "wrong", "listener", "kind", "display", "a:run", "a:questions", "a:outcomes", "moderator",
                "admin")

FORMAT_EVENTS_TABLE = """
event                   none wrong listener kind display a:run a:questions a:outcomes moderator admin
amc.merge               NA   TU    FR       FR   FR      MR    ok          MR         ok        TU
amc.prepare             NA   TU    FR       FR   FR      MR    ok          MR         ok        TU
amc.set                 NA   TU    FR       FR   FR      MR    ok          MR         ok        TU
amc.submit              NA   TU    NP       ok   FR      FR    FR          FR         FR        TU
koos.round.arrange      NA   TU    FR       -    FR      ok    MR          MR         ok        TU
koos.round.later        NA   TU    FR       -    FR      ok    MR          MR         ok        TU
koos.round.next         NA   TU    FR       -    FR      ok    MR          MR         ok        TU
koos.round.skip         NA   TU    FR       -    FR      ok    MR          MR         ok        TU
koos.round.start        NA   TU    FR       -    FR      ok    MR          MR         ok        TU
koos.round.stop         NA   TU    FR       -    FR      ok    MR          MR         ok        TU
koos.round.timer        NA   TU    FR       -    FR      ok    MR          MR         ok        TU
koos.sources.candidates NA   TU    FR       -    FR      MR    MR          MR         ok        TU
koos.sources.set        NA   TU    FR       -    FR      MR    MR          MR         ok        TU
koos.turn.pass          NA   TU    ok       -    FR      FR    FR          FR         FR        TU
nik.points.set          NA   TU    FR       FR   FR      IT    MR          MR         IT        TU
nik.setup               NA   TU    FR       FR   FR      MR    MR          MR         ok        TU
nik.suggestions         NA   TU    FR       FR   FR      ok    MR          MR         ok        TU
nik.vote.cast           NA   TU    NP       ok   FR      FR    FR          FR         FR        TU
nik.vote.close          NA   TU    FR       FR   FR      ok    MR          MR         ok        TU
nik.vote.limit          NA   TU    FR       FR   FR      ok    MR          MR         ok        TU
nik.vote.open           NA   TU    FR       FR   FR      IT    MR          MR         IT        TU
nik.vote.room           NA   TU    FR       FR   FR      ok    MR          MR         ok        TU
umcg.decide             NA   TU    FR       -    FR      MR    MR          ok         ok        TU
umcg.plan               NA   TU    FR       -    FR      MR    MR          ok         ok        TU
umcg.show               NA   TU    FR       -    FR      MR    MR          ok         ok        TU
"""

#: The format and phase each format event is tried in.
FORMAT_PHASE = {
    "amc.": ("amc", "preparation"), "umcg.": ("umcg", "dialogue"), "nik.": ("nik", "priorities"),
    "koos.round.": ("koos", "outer_ring"), "koos.turn.": ("koos", "outer_ring"),
    "koos.sources.": ("koos_reflection", "lobby"),
}
FORMAT_KIND = {"amc": "professional", "nik": "parent"}


def format_of(event: str) -> tuple[str, str]:
    return next(v for prefix, v in FORMAT_PHASE.items() if event.startswith(prefix))


def build_format(app, fmt: str, phase: str) -> Meet:
    """A meeting of ``fmt`` with one of each role, in ``phase``, holding what its events act on."""
    http = app.test_client()
    created = http.post("/api/admin/meetings", headers={"Authorization": f"Bearer {ADMIN_PASSWORD}"}, json={
        "title": "Verzonnen", "format": fmt, "open": True}).get_json()
    m = Meet(created["meeting"]["id"], created["meeting"]["code"])
    sio = app.extensions["spiegel"].socketio

    def connect(token):
        return sio.test_client(app, flask_test_client=http, auth={"token": token})

    mod = connect(created["moderator_key"])
    m.tokens["moderator"] = created["moderator_key"]
    for right in ("run", "questions", "outcomes"):
        m.tokens[f"a:{right}"] = call(mod, "assistant.create", {"rights": [right]})["key"]
    m.tokens["display"] = call(mod, "display.link")["key"]
    join = f"/api/meetings/{m.code}/join"
    if fmt in FORMAT_KIND:
        invite = call(mod, "invite.create", {"kind": FORMAT_KIND[fmt]})["url"].split("#invite=", 1)[1]
        m.tokens["kind"] = http.post(join, json={"invite": invite}).get_json()["token"]
    joined = http.post(join, json={}).get_json()
    m.tokens["listener"], m.refs["listener"] = joined["token"], joined["participant"]["id"]
    clients = [mod]
    if fmt == "amc":
        professional = connect(m.tokens["kind"])
        clients.append(professional)
        m.refs.update(sub1=uid(), sub2=uid())
        for sid in (m.refs["sub1"], m.refs["sub2"]):
            assert call(professional, "amc.submit", {"id": sid, "kind": "topic", "text": "Verzonnen onderwerp"})["ok"]
    keys = [p.key for p in app.extensions["spiegel"].formats[fmt].phases]
    for key in keys[1:keys.index(phase) + 1]:
        assert call(mod, "phase.goto", {"key": key})["ok"], key
    if fmt == "umcg":
        m.refs["decision"] = uid()
        assert call(mod, "umcg.decide", {"id": m.refs["decision"], "text": "Verzonnen besluit",
                                         "decided_by": "Verzonnen team"})["ok"]
    if fmt == "nik":
        m.refs.update(p1=uid(), p2=uid())
        points = [{"id": m.refs["p1"], "text": "Verzonnen punt A"}, {"id": m.refs["p2"], "text": "Verzonnen punt B"}]
        assert call(mod, "nik.points.set", {"points": points})["ok"]
        assert call(mod, "nik.vote.open", {"method": "dots", "dots_per_person": 3})["ok"]
    if fmt == "koos":
        assert call(mod, "koos.round.start", {"mode": "join"})["ok"]
    for client in clients:
        client.disconnect()
    return m


def format_payload(event: str, r: dict[str, str]) -> dict:
    """A valid payload for ``event`` that refers to the items ``r`` of its meeting."""
    points = [{"id": r.get("p1", uid()), "text": "Verzonnen punt A"}, {"id": r.get("p2", uid()), "text": "B"}]
    return {
        "amc.submit": {"id": uid(), "kind": "topic", "text": "Verzonnen onderwerp"},
        "amc.merge": {"into": r.get("sub1", uid()), "ids": [r.get("sub2", uid())]},
        "amc.prepare": {"id": r.get("sub1", uid())},
        "amc.set": {"id": r.get("sub1", uid()), "status": "dismissed"},
        "umcg.decide": {"id": uid(), "text": "Verzonnen besluit", "decided_by": "Verzonnen team"},
        "umcg.show": {"id": r.get("decision", uid())},
        "umcg.plan": {"text": "Verzonnen actie", "owner": "Verzonnen eigenaar"},
        "nik.setup": {"focus": "Verzonnen focus"},
        "nik.suggestions": {},
        "nik.points.set": {"points": points},
        "nik.vote.open": {"method": "dots", "dots_per_person": 3},
        "nik.vote.limit": {"dots_per_person": 4},
        "nik.vote.cast": {"dots": {points[0]["id"]: 1}},
        "nik.vote.room": {"dots": {points[0]["id"]: 2}, "voters": 2},
        "nik.vote.close": {},
        "koos.round.start": {"mode": "join"},
        "koos.round.next": {"outcome": "done"},
        "koos.round.later": {},
        "koos.round.skip": {},
        "koos.round.arrange": {"order": [r.get("listener", "nobody")]},
        "koos.round.timer": {"action": "add"},
        "koos.round.stop": {},
        "koos.turn.pass": {},
        "koos.sources.candidates": {},
        "koos.sources.set": {"meeting_ids": []},
    }[event]


def parse_roles(table: str, roles: tuple[str, ...]) -> dict[tuple[str, str], str]:
    lines = [line.split() for line in table.strip().splitlines()]
    assert tuple(lines[0][1:]) == roles
    return {(row[0], role): value for row in lines[1:] for role, value in zip(roles, row[1:], strict=True)}


FORMAT_CELLS = parse_roles(FORMAT_EVENTS_TABLE, FORMAT_ROLES)
#: Every event of a built-in format, from the registry (the coverage test holds the table to it).
FORMAT_EVENTS = sorted(e for e in core_registry().client if e.startswith(tuple(FORMAT_PHASE)))
FORMAT_CODES = {**CODES, "NT": "not_this_format"}


@pytest.mark.parametrize(("event", "role"), sorted(k for k, v in FORMAT_CELLS.items() if v != "-"))
def test_format_event_matrix(app, event, role):
    fmt, phase = format_of(event)
    a, b = _format_world(app, fmt, event, phase), _format_world(app, fmt, "other", phase)
    token = {"none": None, "wrong": WRONG, "admin": ADMIN_PASSWORD}.get(role, a.tokens.get(role))
    before_a, before_b = fingerprint(app, a.id), fingerprint(app, b.id)
    got = socket_outcome(app, token, event, format_payload(event, a.refs))
    expected = FORMAT_CELLS[(event, role)]
    assert got == (FORMAT_CODES[expected] or "ok"), f"{event} by {role}: {got}"
    assert fingerprint(app, b.id) == before_b, "another meeting of the format is untouched"
    if got != "ok":
        assert fingerprint(app, a.id) == before_a, "a refusal changes nothing"
    settle(app, fmt, event, before_a)


def _format_world(app, fmt: str, key: str, phase: str) -> Meet:
    if (fmt, key) not in _worlds:
        _worlds[(fmt, key)] = build_format(app, fmt, phase)
    return _worlds[(fmt, key)]


@pytest.mark.parametrize("role", FORMAT_ROLES)
@pytest.mark.parametrize("event", FORMAT_EVENTS)
def test_a_format_event_in_a_meeting_of_another_format_is_not_this_format(app, event, role):
    """Whoever sends it, a format's event never acts on a meeting of another format (the
    example format's meeting here): signed in, the answer is not_this_format."""
    m = world(app, "B", "listening", "listening")
    token = {"none": None, "wrong": WRONG, "admin": ADMIN_PASSWORD,
             "kind": m.tokens["guest"]}.get(role, m.tokens.get(role))
    before = fingerprint(app, m.id)
    got = socket_outcome(app, token, event, format_payload(event, m.refs))
    expected = {"none": "not_authenticated", "wrong": "token_unknown", "admin": "token_unknown"}.get(
        role, "not_this_format")
    assert got == expected, f"{event} by {role} in an example-format meeting: {got}"
    assert fingerprint(app, m.id) == before
