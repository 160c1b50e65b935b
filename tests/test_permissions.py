"""Who may send which event, checked for real through the socket (server/permissions.py).

Table-driven over the core registry's rules: an event added there without a case here
fails :func:`test_every_event_has_a_case`. Listener events are tried in every phase of the
common form (and of the example format from ``tests/plugins/``, whose round allows ``turn``
and ``vote``); staff events with every role and with assistants holding or lacking each right.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from helpers import PLUGINS, FakeClock, call, make_app, uid
from spiegel.permissions import ANY, MODERATOR, listener, staff
from spiegel.plugin_manager import core_registry
from spiegel.plugins.common import CommonForm
from spiegel.schemas import ASSISTANT_RIGHTS

_CORE = core_registry()
#: The core features' rules. The built-in formats' own events (server/plugins/) are checked
#: by each format's end-to-end run (tests/test_format_*.py), as an outside plugin's would be.
RULES = {name: rule for name, rule in _CORE.rules().items()
         if not _CORE.owners[f"client:{name}"].startswith("spiegel.plugins.")}


def _load_example():
    spec = importlib.util.spec_from_file_location("_permissions_example_format", PLUGINS / "example_format.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.ExampleRound


ExampleRound = _load_example()


@pytest.fixture(scope="module")
def clock() -> FakeClock:
    """Shared by the module's app; tests only ever look at times relative to ``clock.now``."""
    return FakeClock()


@pytest.fixture(scope="module")
def app(tmp_path_factory, clock):
    """One in-process app for the module (each test makes its own meetings), plus the example format."""
    return make_app(tmp_path_factory.mktemp("instance"), clock, PLUGINS_DIR=str(PLUGINS))



def code(ack: dict) -> str | None:
    return None if ack.get("ok") else ack["error"]["code"]


# --- the rule table matches docs/protocol.md -----------------------------------------------------

#: The "who" column of the event table in docs/protocol.md.
DOCUMENTED = {
    "note.add": listener("note"), "note.edit": listener("note"), "note.delete": listener(ANY),
    "note.share": listener("share"), "question.add": listener("question"), "question.edit": listener("question"),
    "question.delete": listener(ANY), "question.withdraw": listener(ANY), "turn.set": listener("turn"),
    "poll.answer": listener("vote"),
    "meeting.update": staff("setup"), "meeting.open": staff("run"), "meeting.archive": staff("setup"),
    "phase.goto": staff("run"), "timer.start": staff("run"), "timer.pause": staff("run"),
    "timer.resume": staff("run"), "timer.adjust": staff("run"), "timer.reset": staff("run"),
    "prepared.set": staff("setup"), "prompt.set": staff("run"), "question.update": staff("questions"),
    "question.reorder": staff("questions"), "question.merge": staff("questions"),
    "question.asking": staff("questions"),
    "outcome.add": staff("outcomes"), "outcome.edit": staff("outcomes"), "outcome.delete": staff("outcomes"),
    "poll.open": staff("run"), "poll.close": staff("run"),
    "assistant.create": MODERATOR, "display.link": MODERATOR, "invite.create": MODERATOR,
}


def test_rules_are_the_documented_ones():
    assert RULES["sync"].anyone
    assert {k: v for k, v in RULES.items() if k != "sync"} == DOCUMENTED


# --- listener events in every phase ----------------------------------------------------------------


def _listener_items(room, mod, lis) -> dict[str, str]:
    """In the listening phase: one note or question per event that needs one, and an open poll."""
    assert call(mod, "phase.goto", {"key": "listening"})["ok"]
    items = {}
    for name in ("note_edit", "note_delete", "note_share"):
        items[name] = uid()
        assert call(lis, "note.add", {"id": items[name], "text": f"Verzonnen notitie {name}"})["ok"]
    for name in ("question_edit", "question_delete", "question_withdraw"):
        items[name] = uid()
        assert call(lis, "question.add", {"id": items[name], "text": f"Verzonnen vraag {name}?"})["ok"]
    items["poll"] = uid()
    assert call(mod, "poll.open", {"id": items["poll"], "kind": "vote", "title": "Welk punt eerst?",
                                   "options": [{"id": "a", "text": "Bereikbaarheid"},
                                               {"id": "b", "text": "Nazorg"}]})["ok"]
    return items


LISTENER_PAYLOADS: dict[str, Callable[[dict], dict]] = {
    "note.add": lambda i: {"id": uid(), "text": "Een nieuwe verzonnen notitie"},
    "note.edit": lambda i: {"id": i["note_edit"], "text": "Aangepaste verzonnen notitie", "tags": ["later"]},
    "note.delete": lambda i: {"id": i["note_delete"]},
    "note.share": lambda i: {"id": i["note_share"], "shared": True},
    "question.add": lambda i: {"id": uid(), "text": "Een nieuwe verzonnen vraag?"},
    "question.edit": lambda i: {"id": i["question_edit"], "text": "Anders gesteld?"},
    "question.delete": lambda i: {"id": i["question_delete"]},
    "question.withdraw": lambda i: {"id": i["question_withdraw"]},
    "turn.set": lambda i: {"state": "waiting"},
    "poll.answer": lambda i: {"poll_id": i["poll"], "choices": ["b"]},
}

LISTENER_EVENTS = [e for e, r in RULES.items() if r.listener_action is not None]
PHASES = [(fmt, phase) for fmt in (CommonForm, ExampleRound) for phase in fmt.phases]


@pytest.mark.parametrize(("fmt", "phase"), PHASES, ids=[f"{f.name}:{p.key}" for f, p in PHASES])
def test_listener_events_are_allowed_exactly_when_the_phase_allows_them(make_room, fmt, phase):
    room = make_room(format=fmt.name)
    mod, lis = room.moderator(), room.listener(name="Verzonnen Luisteraar")
    items = _listener_items(room, mod, lis)
    assert call(mod, "phase.goto", {"key": phase.key})["ok"]
    for event in LISTENER_EVENTS:
        action = RULES[event].listener_action
        allowed = action == ANY or action in phase.listener
        ack = call(lis, event, LISTENER_PAYLOADS[event](items))
        expected = None if allowed else "not_allowed_in_phase"
        assert code(ack) == expected, f"{event} in {fmt.name}:{phase.key}: {ack}"


def test_the_plans_above_try_both_answers():
    """The common form never allows turns or votes; the example round does, so both are tried."""
    assert all("turn" not in p.listener and "vote" not in p.listener for p in CommonForm.phases)
    assert any("turn" in p.listener and "vote" in p.listener for p in ExampleRound.phases)


def test_a_refusal_names_the_phase_and_the_action(make_room):
    room = make_room()
    ack = call(room.listener(), "note.add", {"id": uid(), "text": "te vroeg"})
    assert ack["ok"] is False and ack["error"]["code"] == "not_allowed_in_phase"
    assert "'lobby'" in ack["error"]["message"] and "'note'" in ack["error"]["message"]


@pytest.mark.parametrize("event", LISTENER_EVENTS)
def test_listener_events_are_refused_for_staff_and_display(make_room, event):
    room = make_room()
    mod = room.moderator()
    assistant = room.connect(call(mod, "assistant.create", {"rights": list(ASSISTANT_RIGHTS)})["key"])
    display = room.connect(call(mod, "display.link")["key"])
    lis = room.listener()
    items = _listener_items(room, mod, lis)
    for who, client in (("moderator", mod), ("assistant", assistant), ("display", display)):
        ack = call(client, event, LISTENER_PAYLOADS[event](items))
        assert code(ack) == "forbidden_role", (who, ack)


# --- staff events ------------------------------------------------------------------------------------


@dataclass
class Case:
    """How to make ``event`` succeed: room fields, and a setup returning a payload valid right then."""

    setup: Callable  # (room, moderator) -> payload
    room: dict = field(default_factory=dict)


def _questions(room, mod, n: int) -> list[str]:
    lis = room.listener()
    call(mod, "phase.goto", {"key": "listening"})
    ids = [uid() for _ in range(n)]
    for i, qid in enumerate(ids):
        assert call(lis, "question.add", {"id": qid, "text": f"Verzonnen vraag {i}?"})["ok"]
    return ids


def _outcome(room, mod) -> str:
    oid = uid()
    assert call(mod, "outcome.add", {"id": oid, "kind": "improvement", "text": "Eén vast aanspreekpunt"})["ok"]
    return oid


def _poll(mod) -> dict:
    return {"id": uid(), "kind": "vote", "title": "Welk punt eerst?",
            "options": [{"id": "a", "text": "Bereikbaarheid"}, {"id": "b", "text": "Nazorg"}]}


def _then(*steps):
    def setup(room, mod):
        payload = None
        for step in steps:
            payload = step(room, mod)
        return payload
    return setup


def _send(event, data=None):
    def step(room, mod):
        assert call(mod, event, data or {})["ok"]
    return step


STAFF_CASES: dict[str, Case] = {
    "meeting.update": Case(lambda r, m: {"title": "Een andere verzonnen titel", "queue_visibility": "live"}),
    "meeting.open": Case(lambda r, m: {}, room={"open": False}),
    "meeting.archive": Case(_then(_send("phase.goto", {"key": "ended"}), lambda r, m: {})),
    "phase.goto": Case(lambda r, m: {"key": "listening", "from": "lobby"}),
    "timer.start": Case(lambda r, m: {"seconds": 300}),
    "timer.pause": Case(_then(_send("timer.start"), lambda r, m: {})),
    "timer.resume": Case(_then(_send("timer.start"), _send("timer.pause"), lambda r, m: {})),
    "timer.adjust": Case(lambda r, m: {"seconds": -60}),
    "timer.reset": Case(lambda r, m: {"seconds": 120}),
    "prepared.set": Case(lambda r, m: {"items": [{"id": "p1", "text": "Wat ging er goed?"}]}),
    "prompt.set": Case(lambda r, m: {"id": "p1"}, room={"prepared": [{"id": "p1", "text": "Wat ging er goed?"}]}),
    "question.update": Case(lambda r, m: {"id": _questions(r, m, 1)[0], "status": "selected"}),
    "question.reorder": Case(lambda r, m: {"ids": list(reversed(_questions(r, m, 2)))}),
    "question.merge": Case(lambda r, m: (lambda ids: {"into": ids[0], "ids": ids[1:]})(_questions(r, m, 2))),
    "question.asking": Case(lambda r, m: (lambda qid: call(m, "question.update", {"id": qid, "status": "selected"})
                                          and {"id": qid})(_questions(r, m, 1)[0])),
    "outcome.add": Case(lambda r, m: {"id": uid(), "kind": "decision", "text": "Terugbelafspraak binnen een dag"}),
    "outcome.edit": Case(lambda r, m: {"id": _outcome(r, m), "owner": "Teamleider"}),
    "outcome.delete": Case(lambda r, m: {"id": _outcome(r, m)}),
    "poll.open": Case(lambda r, m: _poll(m)),
    "poll.close": Case(lambda r, m: (lambda p: call(m, "poll.open", p) and {"id": p["id"]})(_poll(m))),
    "assistant.create": Case(lambda r, m: {"rights": ["run"], "label": "Verzonnen assistent"}),
    "display.link": Case(lambda r, m: {}),
    "invite.create": Case(lambda r, m: {"kind": "guest"}, room={"format": "example_round"}),
}

STAFF_EVENTS = [e for e, r in RULES.items() if r.right is not None]
MODERATOR_EVENTS = [e for e, r in RULES.items() if r.moderator_only]


def _assistant(room, mod, rights):
    ack = call(mod, "assistant.create", {"rights": sorted(rights)})
    assert ack["ok"], ack
    return room.connect(ack["key"])


def test_every_event_has_a_case():
    """A new event in RULES fails here until it gets a row in one of the tables above."""
    covered = set(LISTENER_PAYLOADS) | set(STAFF_CASES) | {"sync"}
    assert covered == set(RULES)
    assert set(STAFF_CASES) == set(STAFF_EVENTS) | set(MODERATOR_EVENTS)
    assert set(LISTENER_PAYLOADS) == set(LISTENER_EVENTS)


@pytest.mark.parametrize("event", STAFF_EVENTS + MODERATOR_EVENTS)
def test_the_moderator_may_send_every_staff_event(make_room, event):
    case = STAFF_CASES[event]
    room = make_room(**case.room)
    mod = room.moderator()
    payload = case.setup(room, mod)
    ack = call(mod, event, payload)
    assert ack["ok"], ack


@pytest.mark.parametrize("event", STAFF_EVENTS)
def test_an_assistant_with_the_right_may(make_room, event):
    right = RULES[event].right
    if right not in ASSISTANT_RIGHTS:
        # `setup` belongs to the moderator alone: even an assistant with every right is refused.
        room = make_room(**STAFF_CASES[event].room)
        mod = room.moderator()
        assistant = _assistant(room, mod, ASSISTANT_RIGHTS)
        payload = STAFF_CASES[event].setup(room, mod)
        assert code(call(assistant, event, payload)) == "missing_right"
        return
    room = make_room(**STAFF_CASES[event].room)
    mod = room.moderator()
    assistant = _assistant(room, mod, [right])
    payload = STAFF_CASES[event].setup(room, mod)
    ack = call(assistant, event, payload)
    assert ack["ok"], ack


@pytest.mark.parametrize("event", STAFF_EVENTS)
def test_an_assistant_without_the_right_is_refused(make_room, event):
    right = RULES[event].right
    room = make_room(**STAFF_CASES[event].room)
    mod = room.moderator()
    assistant = _assistant(room, mod, set(ASSISTANT_RIGHTS) - {right})
    payload = STAFF_CASES[event].setup(room, mod)
    ack = call(assistant, event, payload)
    assert code(ack) == "missing_right", ack
    assert right in ack["error"]["message"]
    # Nothing happened: the moderator can still do it.
    assert call(mod, event, payload)["ok"]


@pytest.mark.parametrize("event", MODERATOR_EVENTS)
def test_moderator_only_events_are_refused_even_for_an_assistant_with_every_right(make_room, event):
    room = make_room()
    mod = room.moderator()
    assistant = _assistant(room, mod, ASSISTANT_RIGHTS)
    ack = call(assistant, event, STAFF_CASES[event].setup(room, mod))
    assert code(ack) == "forbidden_role", ack


@pytest.mark.parametrize("event", STAFF_EVENTS + MODERATOR_EVENTS)
def test_staff_events_are_refused_for_listeners_and_the_display(make_room, event):
    case = STAFF_CASES[event]
    room = make_room(**{**case.room, "open": True})
    mod = room.moderator()
    lis = room.listener()
    display = room.connect(call(mod, "display.link")["key"])
    payload = case.setup(room, mod)
    for who, client in (("listener", lis), ("display", display)):
        ack = call(client, event, payload)
        assert code(ack) == "forbidden_role", (who, ack)


def test_assistant_rights_are_shown_in_its_snapshot(make_room):
    room = make_room()
    mod = room.moderator()
    assistant = _assistant(room, mod, ["questions", "run"])
    snap = call(assistant, "sync")["snapshot"]
    assert snap["role"] == "assistant"
    assert snap["me"]["rights"] == ["questions", "run"]


def test_everyone_may_sync(make_room):
    room = make_room()
    mod = room.moderator()
    clients = {"moderator": mod, "assistant": _assistant(room, mod, []),
               "display": room.connect(call(mod, "display.link")["key"]), "listener": room.listener()}
    for role, client in clients.items():
        ack = call(client, "sync")
        assert ack["ok"], role
        assert ack["snapshot"]["role"] == role


# --- closed and draft meetings -------------------------------------------------------------------------


def _any_payload(event: str) -> dict:
    """A payload that passes validation for ``event`` (the handler is never reached here)."""
    if event == "sync":
        return {}
    if event in LISTENER_PAYLOADS:
        return LISTENER_PAYLOADS[event]({k: uid() for k in ("note_edit", "note_delete", "note_share", "question_edit",
                                                            "question_delete", "question_withdraw", "poll")})
    static = {
        "meeting.update": {"title": "x"}, "meeting.open": {}, "meeting.archive": {}, "phase.goto": {"key": "lobby"},
        "timer.start": {}, "timer.pause": {}, "timer.resume": {}, "timer.adjust": {"seconds": 60},
        "timer.reset": {}, "prepared.set": {"items": []}, "prompt.set": {"id": None},
        "question.update": {"id": uid(), "status": "selected"}, "question.reorder": {"ids": [uid()]},
        "question.merge": {"into": uid(), "ids": [uid()]}, "question.asking": {"id": None},
        "outcome.add": {"id": uid(), "kind": "action", "text": "x"},
        "outcome.edit": {"id": uid(), "text": "x"}, "outcome.delete": {"id": uid()}, "poll.open": _poll(None),
        "poll.close": {"id": uid()}, "assistant.create": {"rights": []}, "display.link": {},
        "invite.create": {"kind": "guest"},
    }
    return static[event]


def test_an_archived_meeting_refuses_everything_but_sync(make_room):
    room = make_room()
    mod = room.moderator()
    lis = room.listener()
    assistant = _assistant(room, mod, ASSISTANT_RIGHTS)
    display = room.connect(call(mod, "display.link")["key"])
    call(mod, "phase.goto", {"key": "listening"})
    note = uid()
    call(lis, "note.add", {"id": note, "text": "Blijft bewaard"})
    call(mod, "phase.goto", {"key": "ended"})
    assert call(mod, "meeting.archive")["ok"]
    clients = {"moderator": mod, "assistant": assistant, "display": display, "listener": lis}
    for event in RULES:
        for who, client in clients.items():
            ack = call(client, event, _any_payload(event))
            if event == "sync":
                assert ack["ok"], (who, ack)
                assert ack["snapshot"]["meeting"]["state"] == "archived"
            else:
                assert code(ack) == "meeting_closed", (event, who, ack)
    for action in ({"name": "example.summary", "data": {"text": "x"}}, {"name": "example.pledge",
                                                                        "data": {"text": "x"}}):
        assert code(call(lis, "action", action)) == "meeting_closed"
        assert code(call(mod, "action", action)) == "meeting_closed"
    assert [n["id"] for n in call(lis, "sync")["snapshot"]["notes"]] == [note]


def test_an_archived_or_ended_meeting_takes_no_joins(make_room):
    room = make_room()
    mod = room.moderator()
    call(mod, "phase.goto", {"key": "ended"})
    r = room.http.post(f"/api/meetings/{room.code}/join", json={})
    assert r.status_code == 409
    assert r.get_json()["error"]["code"] == "meeting_closed"
    call(mod, "meeting.archive")
    r = room.http.post(f"/api/meetings/{room.code}/join", json={})
    assert (r.status_code, r.get_json()["error"]["code"]) == (409, "meeting_closed")
    assert room.http.get(f"/api/meetings/{room.code}").get_json()["meeting"]["joinable"] is False


def test_a_draft_meeting_takes_no_listeners_and_no_phase_change(make_room):
    room = make_room(open=False)
    r = room.http.post(f"/api/meetings/{room.code}/join", json={"name": "Te vroeg"})
    assert r.status_code == 409
    assert r.get_json()["error"]["code"] == "meeting_not_open"
    assert room.http.get(f"/api/meetings/{room.code}").get_json()["meeting"]["joinable"] is False
    mod = room.moderator()
    assert code(call(mod, "phase.goto", {"key": "listening"})) == "meeting_not_open"
    # Preparing is fine while it is a draft.
    assert call(mod, "meeting.update", {"theme": "Een verzonnen thema"})["ok"]
    assert call(mod, "prepared.set", {"items": [{"text": "Wat viel op?"}]})["ok"]
    assert call(mod, "sync")["snapshot"]["meeting"]["state"] == "draft"
    # Once opened, listeners can join and the phase can move.
    assert call(mod, "meeting.open")["ok"]
    assert room.listener()
    assert call(mod, "phase.goto", {"key": "listening"})["ok"]


# --- nobody reaches another meeting's (or another listener's) data -----------------------------------------


def _filled(make_room):
    """A meeting in the questions phase with a listener's note, question, an outcome, a poll."""
    room = make_room(format="example_round")
    mod, lis = room.moderator(), room.listener(name="Verzonnen B")
    call(mod, "phase.goto", {"key": "listening"})
    ids = {"note": uid(), "question": uid(), "outcome": uid(), "poll": uid()}
    assert call(lis, "note.add", {"id": ids["note"], "text": "Notitie van B"})["ok"]
    assert call(lis, "question.add", {"id": ids["question"], "text": "Vraag van B?"})["ok"]
    assert call(mod, "outcome.add", {"id": ids["outcome"], "kind": "action", "text": "Actie van B"})["ok"]
    assert call(mod, "poll.open", {**_poll(mod), "id": ids["poll"]})["ok"]
    return room, mod, lis, ids


def _attacks(ids: dict) -> list[tuple[str, dict, str]]:
    """(event, payload, expected code) aimed at someone else's items."""
    return [
        ("note.add", {"id": ids["note"], "text": "overschrijven"}, "id_conflict"),
        ("note.edit", {"id": ids["note"], "text": "overschrijven"}, "not_found"),
        ("note.delete", {"id": ids["note"]}, "not_found"),
        ("question.add", {"id": ids["question"], "text": "overschrijven"}, "id_conflict"),
        ("question.edit", {"id": ids["question"], "text": "overschrijven"}, "not_found"),
        ("question.delete", {"id": ids["question"]}, "not_found"),
        ("question.withdraw", {"id": ids["question"]}, "not_found"),
    ]


def _untouched(lis_b, mod_b, ids):
    snap = call(lis_b, "sync")["snapshot"]
    assert [(n["id"], n["text"], n["shared"]) for n in snap["notes"]] == [(ids["note"], "Notitie van B", False)]
    assert [(q["id"], q["text"], q["status"]) for q in snap["questions"]] == [
        (ids["question"], "Vraag van B?", "parked")]
    staff = call(mod_b, "sync")["snapshot"]
    assert [(o["id"], o["text"]) for o in staff["outcomes"]] == [(ids["outcome"], "Actie van B")]
    assert staff["poll"]["id"] == ids["poll"]
    assert staff["poll_results"]["answers"] == 0


def test_a_listener_of_meeting_a_never_touches_meeting_b(make_room):
    room_b, mod_b, lis_b, ids = _filled(make_room)
    room_a = make_room(format="example_round")
    mod_a, lis_a = room_a.moderator(), room_a.listener(name="Verzonnen A")
    call(mod_a, "phase.goto", {"key": "listening"})
    for event, payload, expected in _attacks(ids):
        ack = call(lis_a, event, payload)
        assert code(ack) == expected, (event, ack)
    call(mod_a, "phase.goto", {"key": "round"})
    assert code(call(lis_a, "poll.answer", {"poll_id": ids["poll"], "choices": ["a"]})) == "not_found"
    call(mod_a, "phase.goto", {"key": "ended"})  # sharing is allowed here
    assert code(call(lis_a, "note.share", {"id": ids["note"], "shared": True})) == "not_found"
    _untouched(lis_b, mod_b, ids)
    assert call(lis_a, "sync")["snapshot"]["notes"] == []


def test_staff_of_meeting_a_never_touch_meeting_b(make_room):
    room_b, mod_b, lis_b, ids = _filled(make_room)
    room_a = make_room()
    mod_a = room_a.moderator()
    attacks = [
        ("question.update", {"id": ids["question"], "status": "selected"}, "not_found"),
        ("question.reorder", {"ids": [ids["question"]]}, "not_found"),
        ("question.merge", {"into": ids["question"], "ids": [ids["question"]]}, "not_found"),
        ("question.asking", {"id": ids["question"]}, "not_found"),
        ("outcome.edit", {"id": ids["outcome"], "text": "overschrijven"}, "not_found"),
        ("outcome.delete", {"id": ids["outcome"]}, "not_found"),
        ("outcome.add", {"id": ids["outcome"], "kind": "decision", "text": "overschrijven"}, "id_conflict"),
        ("poll.close", {"id": ids["poll"]}, "not_found"),
        ("poll.open", {**_poll(mod_a), "id": ids["poll"]}, "id_conflict"),
    ]
    for event, payload, expected in attacks:
        ack = call(mod_a, event, payload)
        assert code(ack) == expected, (event, ack)
    staff_a = call(mod_a, "sync")["snapshot"]
    assert staff_a["questions"] == [] and staff_a["outcomes"] == []
    _untouched(lis_b, mod_b, ids)


def test_a_listener_never_touches_another_listeners_items_in_the_same_meeting(make_room):
    room, mod, lis_b, ids = _filled(make_room)
    other = room.listener(name="Verzonnen C")
    for event, payload, expected in _attacks(ids):
        ack = call(other, event, payload)
        assert code(ack) == expected, (event, ack)
    call(mod, "phase.goto", {"key": "ended"})  # sharing is allowed here
    assert code(call(other, "note.share", {"id": ids["note"], "shared": True})) == "not_found"
    _untouched(lis_b, mod, ids)
