"""The realtime protocol (docs/protocol.md) through Flask-SocketIO test clients and the HTTP API.

One happy-path test per client→server event (the core registry, and ``action``) and
one test per error code (``spiegel.errors.ERROR_CODES``), each triggered for real. The tables
``EVENT_TESTS`` and ``ERROR_TESTS`` at the end name them; :func:`test_every_event_and_error_code_has_a_test`
fails when an event or a code exists without one.
"""

from __future__ import annotations

import json
import logging

import cv2
import numpy as np
import pytest
from flask_socketio.test_client import SocketIOTestClient
from helpers import ADMIN_PASSWORD, PLUGINS, FakeClock, Room, call, make_app, uid
from socketio import packet
from spiegel import web
from spiegel.app import create_app
from spiegel.errors import ERROR_CODES
from spiegel.models import Note
from spiegel.plugin_manager import core_registry

ADMIN = {"Authorization": f"Bearer {ADMIN_PASSWORD}"}


def _replace_handler(monkeypatch, app, event: str, handler) -> None:
    """Swap one event's handler in this app's registry (the declaration stays)."""
    from dataclasses import replace

    client = app.extensions["spiegel"].registry.client
    monkeypatch.setitem(client, event, replace(client[event], handler=handler))


@pytest.fixture(scope="module")
def clock() -> FakeClock:
    """Shared by the module's app; tests only ever look at times relative to ``clock.now``."""
    return FakeClock()


@pytest.fixture(scope="module")
def app(tmp_path_factory, clock):
    """One in-process app for the module (each test makes its own meetings), plus the example format
    from tests/plugins (turns, votes, an action)."""
    return make_app(tmp_path_factory.mktemp("instance"), clock, PLUGINS_DIR=str(PLUGINS))



def drain(client) -> list[tuple[str, dict]]:
    """(event name, payload) of everything that reached ``client`` since the last look."""
    return [(e["name"], e["args"][0] if e["args"] else None) for e in client.get_received()]


def names(events) -> list[str]:
    return [name for name, _ in events]


def of(events, name: str) -> list[dict]:
    return [payload for n, payload in events if n == name]


def err(ack: dict) -> str | None:
    return None if ack.get("ok") else ack["error"]["code"]


def clear(*clients) -> None:
    for c in clients:
        c.get_received()


def listening(make_room, **fields):
    room = make_room(**fields)
    mod = room.moderator()
    assert call(mod, "phase.goto", {"key": "listening"})["ok"]
    return room, mod


NOTE_KEYS = {"id", "text", "tags", "prompt_id", "shared", "created_at", "updated_at", "version"}
QUESTION_KEYS = {"id", "text", "status", "position", "merged_into", "created_at", "version", "triage"}
STAFF_QUESTION_KEYS = QUESTION_KEYS | {"author", "author_labels", "author_id", "prepared_id", "reason", "order",
                                       "asked_at"}
OUTCOME_KEYS = {"id", "kind", "text", "owner", "due", "phase", "status", "score", "note_ids", "created_at", "version"}
STATE_KEYS = {"version", "server_time", "meeting", "phase", "timer", "prompt", "poll", "asking", "room"}
TIMER_KEYS = {"running", "duration_ms", "remaining_ms", "deadline"}


# ================================================================================================
# Connecting and the snapshot
# ================================================================================================


def test_connect_sends_a_snapshot_first_with_each_roles_part(make_room):
    room = make_room(theme="Verzonnen thema", expected_listeners=12)
    mod = room.moderator()
    first = mod.get_received()[0]
    assert first["name"] == "snapshot"
    snap = first["args"][0]
    assert {"version", "server_time", "role", "me", "meeting", "format", "phase", "timer", "prompt",
            "poll"} <= set(snap)
    assert snap["role"] == "moderator"
    assert {"id", "role", "name", "discipline", "rights"} <= set(snap["me"])
    assert snap["me"]["rights"] == ["run", "questions", "outcomes", "setup"]
    assert {"id", "title", "theme", "language", "state", "code", "scheduled_for",
            "expected_listeners"} <= set(snap["meeting"])
    assert snap["meeting"]["expected_listeners"] == 12
    assert {"name", "title", "description", "phases"} <= set(snap["format"])
    assert all({"key", "title", "rule", "duration", "silent", "listener_actions"} <= set(p)
               for p in snap["format"]["phases"])
    assert {"key", "index", "title", "rule", "silent", "listener_actions", "started_at"} <= set(snap["phase"])
    assert (snap["phase"]["key"], snap["phase"]["index"]) == ("lobby", 0)
    assert {"questions", "presence", "prepared", "outcomes", "turns", "poll_results", "settings",
            "join_url"} <= set(snap)
    assert snap["join_url"] == f"http://spiegel.test/join/{room.code}"

    listener = room.listener(name="Verzonnen", discipline="fysiotherapeut")
    first = listener.get_received()[0]
    assert first["name"] == "snapshot"
    lsnap = first["args"][0]
    assert lsnap["role"] == "listener"
    assert (lsnap["me"]["name"], lsnap["me"]["discipline"]) == ("Verzonnen", "fysiotherapeut")
    assert {"notes", "questions", "turn", "answers"} <= set(lsnap)
    assert not {"presence", "outcomes", "prepared", "turns", "poll_results", "settings"} & set(lsnap)

    display = room.connect(call(mod, "display.link")["key"])
    dsnap = display.get_received()[0]
    assert dsnap["name"] == "snapshot"
    assert dsnap["args"][0]["role"] == "display"
    assert dsnap["args"][0]["join_url"] == f"http://spiegel.test/join/{room.code}"
    assert not {"notes", "questions", "presence", "outcomes"} & set(dsnap["args"][0])


def test_timer_payload_has_the_documented_fields(make_room, clock):
    """docs: `timer`: `{running, duration_ms, remaining_ms, deadline}`; only staff learn that time is up."""
    room = make_room()
    mod, listener = room.moderator(), room.listener()
    assert set(call(mod, "sync")["snapshot"]["timer"]) == TIMER_KEYS
    assert set(call(mod, "timer.start", {"seconds": 60})["timer"]) == TIMER_KEYS
    clock.advance(61)
    staff, own = call(mod, "sync")["snapshot"], call(listener, "sync")["snapshot"]
    assert staff["timer_expired"] is True
    assert "timer_expired" not in own
    assert set(own["timer"]) == TIMER_KEYS


def test_sync(make_room, clock):
    room, mod = listening(make_room)
    listener = room.listener()
    note = uid()
    call(listener, "note.add", {"id": note, "text": "Eigen verzonnen notitie"})
    clock.advance(5)
    ack = call(listener, "sync")
    assert ack["ok"]
    snap = ack["snapshot"]
    assert snap["role"] == "listener"
    assert snap["server_time"] == round(clock.now * 1000)
    assert [n["id"] for n in snap["notes"]] == [note]
    staff = call(mod, "sync")["snapshot"]
    assert staff["version"] == snap["version"], "the snapshot carries the meeting version"
    assert "notes" not in staff


def test_versions_grow_with_every_change(make_room):
    room = make_room()
    mod = room.moderator()
    listener = room.listener()
    v0 = call(mod, "sync")["snapshot"]["version"]
    states = []
    for key in ("listening", "questions", "closing"):
        states.append(call(mod, "phase.goto", {"key": key})["state"]["version"])
    assert [v0, *states] == sorted({v0, *states}), "strictly increasing"
    note = call(listener, "note.add", {"id": uid(), "text": "x"})["note"]
    assert note["version"] > states[-1]
    assert call(listener, "sync")["snapshot"]["version"] == note["version"]
    assert [s["version"] for s in of(drain(listener), "state")] == states


def test_reconnect_resumes_the_same_identity_and_notes(make_room):
    room, mod = listening(make_room)
    joined = room.join(name="Verzonnen")
    first = room.connect(joined["token"])
    note = uid()
    call(first, "note.add", {"id": note, "text": "Voor de herverbinding"})
    first.disconnect()
    again = room.connect(joined["token"])
    snap = again.get_received()[0]["args"][0]
    assert snap["me"]["id"] == joined["participant"]["id"]
    assert [n["id"] for n in snap["notes"]] == [note]


# ================================================================================================
# Listener events
# ================================================================================================


def test_note_add(make_room, clock):
    room, mod = listening(make_room)
    token = room.join(name="Auteur")["token"]
    author, author_tab2 = room.connect(token), room.connect(token)
    other = room.listener(name="Ander")
    display = room.connect(call(mod, "display.link")["key"])
    clear(mod, author, author_tab2, other, display)
    note_id = uid()
    ack = call(author, "note.add", {"id": note_id, "text": "  Wat me raakte: de wachttijd  ", "tags": ["improvement"]})
    assert ack["ok"] and ack["duplicate"] is False
    note = ack["note"]
    assert set(note) == NOTE_KEYS
    assert (note["id"], note["text"], note["tags"], note["shared"]) == (
        note_id, "Wat me raakte: de wachttijd", ["improvement"], False)
    assert note["created_at"] == note["updated_at"] == round(clock.now * 1000)
    assert of(drain(author_tab2), "note") == [{"version": note["version"], "note": note}]
    assert of(drain(author), "note") == [], "the sending socket has the note in its ack, no echo"
    for client in (other, mod, display):
        events = drain(client)
        assert "note" not in names(events)
        assert "wachttijd" not in json.dumps(events)


def test_note_edit(make_room):
    room, mod = listening(make_room)
    author, other = room.listener(), room.listener()
    note_id = uid()
    added = call(author, "note.add", {"id": note_id, "text": "Eerste versie"})["note"]
    clear(author, other, mod)
    ack = call(author, "note.edit", {"id": note_id, "text": "Tweede versie", "tags": ["positive", "later"]})
    assert ack["ok"]
    assert (ack["note"]["text"], ack["note"]["tags"]) == ("Tweede versie", ["later", "positive"])
    assert ack["note"]["version"] > added["version"]
    assert of(drain(author), "note") == [{"version": ack["note"]["version"], "note": ack["note"]}]
    assert "Tweede" not in json.dumps(drain(other) + drain(mod))
    tags_only = call(author, "note.edit", {"id": note_id, "tags": []})
    assert (tags_only["note"]["text"], tags_only["note"]["tags"]) == ("Tweede versie", [])


def test_note_delete(make_room):
    room, mod = listening(make_room)
    author, other = room.listener(), room.listener()
    note_id = uid()
    call(author, "note.add", {"id": note_id, "text": "Weg ermee"})
    call(mod, "phase.goto", {"key": "lobby"})  # any phase
    clear(author, other, mod)
    ack = call(author, "note.delete", {"id": note_id})
    assert ack == {"ok": True, "id": note_id}
    removed = of(drain(author), "note.removed")
    assert len(removed) == 1 and removed[0]["id"] == note_id and isinstance(removed[0]["version"], int)
    assert "note.removed" not in names(drain(other) + drain(mod))
    assert call(author, "sync")["snapshot"]["notes"] == []


def test_note_share_reaches_staff_only_anonymised_and_only_after_the_end(make_room):
    room, mod = listening(make_room)
    author = room.listener(name="Verzonnen Naam", discipline="arts")
    shared, private = uid(), uid()
    call(author, "note.add", {"id": shared, "text": "Mag in het verslag", "tags": ["positive"]})
    call(author, "note.add", {"id": private, "text": "Blijft van mij"})
    call(mod, "phase.goto", {"key": "closing"})
    clear(author, mod)
    ack = call(author, "note.share", {"id": shared, "shared": True})
    assert ack["ok"] and ack["note"]["shared"] is True
    assert of(drain(author), "note")[0]["note"]["shared"] is True
    staff_events = drain(mod)
    assert "Mag in het verslag" not in json.dumps(staff_events), "not during the meeting"
    assert "shared_notes" not in call(mod, "sync")["snapshot"]
    call(mod, "phase.goto", {"key": "ended"})
    staff = call(mod, "sync")["snapshot"]
    assert staff["shared_notes"] == [{"id": shared, "text": "Mag in het verslag", "tags": ["positive"]}]
    assert "Blijft van mij" not in json.dumps(staff)
    assert "Verzonnen Naam" not in json.dumps(staff["shared_notes"])
    # Taking it back works too (sharing is allowed in the ended phase).
    assert call(author, "note.share", {"id": shared, "shared": False})["note"]["shared"] is False
    assert call(mod, "sync")["snapshot"]["shared_notes"] == []


def test_question_add(make_room):
    room, mod = listening(make_room)
    assistant = room.connect(call(mod, "assistant.create", {"rights": ["questions"]})["key"])
    token = room.join(name="Verzonnen Vrager", discipline="wijkverpleegkundige")["token"]
    author, author_tab2 = room.connect(token), room.connect(token)
    anonymous = room.listener()
    display = room.connect(call(mod, "display.link")["key"])
    clear(mod, assistant, author, author_tab2, anonymous, display)
    qid = uid()
    ack = call(author, "question.add", {"id": qid, "text": "Wat bedoelde u met 'het loket'?"})
    assert ack["ok"] and ack["duplicate"] is False
    own = ack["question"]
    assert set(own) == QUESTION_KEYS
    assert (own["status"], own["position"], own["merged_into"]) == ("parked", None, None)
    for tab in (author, author_tab2):
        [msg] = of(drain(tab), "question")
        assert msg["question"] == own, "the author gets the listener view, without author fields"
    for staff in (mod, assistant):
        [msg] = of(drain(staff), "question")
        view = msg["question"]
        assert set(view) == STAFF_QUESTION_KEYS
        assert view["author"] == "Verzonnen Vrager (wijkverpleegkundige)"
        assert (view["triage"], view["status"], view["text"]) == ("clarifying", "parked", own["text"])
    for client in (anonymous, display):
        assert "loket" not in json.dumps(drain(client))
    # An anonymous listener is "Luisteraar N" to staff.
    call(anonymous, "question.add", {"id": uid(), "text": "Anoniem gevraagd?"})
    [msg] = of(drain(mod), "question")
    assert msg["question"]["author"].startswith("Luisteraar ")


def test_question_edit(make_room):
    room, mod = listening(make_room)
    author, other = room.listener(), room.listener()
    qid = uid()
    call(author, "question.add", {"id": qid, "text": "Eerste versie?"})
    clear(author, other, mod)
    ack = call(author, "question.edit", {"id": qid, "text": "Beter geformuleerd?"})
    assert ack["ok"] and ack["question"]["text"] == "Beter geformuleerd?"
    assert of(drain(author), "question")[0]["question"]["text"] == "Beter geformuleerd?"
    assert of(drain(mod), "question")[0]["question"]["text"] == "Beter geformuleerd?"
    assert "Beter" not in json.dumps(drain(other))


def test_question_delete(make_room):
    room, mod = listening(make_room)
    author, other = room.listener(), room.listener()
    qid = uid()
    call(author, "question.add", {"id": qid, "text": "Toch niet?"})
    clear(author, other, mod)
    assert call(author, "question.delete", {"id": qid}) == {"ok": True, "id": qid}
    assert [p["id"] for p in of(drain(author), "question.removed")] == [qid]
    assert [p["id"] for p in of(drain(mod), "question.removed")] == [qid]
    assert drain(other) == []
    assert call(mod, "sync")["snapshot"]["questions"] == []


def test_question_withdraw(make_room):
    room, mod = listening(make_room)
    author = room.listener()
    parked, selected = uid(), uid()
    call(author, "question.add", {"id": parked, "text": "Geparkeerd?"})
    call(author, "question.add", {"id": selected, "text": "Gekozen?"})
    call(mod, "question.update", {"id": selected, "status": "selected"})
    clear(author, mod)
    for qid in (parked, selected):
        ack = call(author, "question.withdraw", {"id": qid})
        assert ack["ok"] and ack["question"]["status"] == "withdrawn"
    assert [m["question"]["status"] for m in of(drain(author), "question")] == ["withdrawn", "withdrawn"]
    queues = of(drain(mod), "queue")
    assert len(queues) == 2, "staff get the whole queue after each withdrawal"
    assert {q["id"]: q["status"] for q in queues[-1]["questions"]} == {parked: "withdrawn", selected: "withdrawn"}
    assert err(call(author, "question.withdraw", {"id": parked})) == "invalid_transition"


def _round(make_room):
    """A meeting of the example format in its round (turns and votes allowed)."""
    room = make_room(format="example_round")
    mod = room.moderator()
    assert call(mod, "phase.goto", {"key": "round"})["ok"]
    return room, mod


def test_turn_set(make_room, clock):
    room, mod = _round(make_room)
    speaker = room.listener(name="Verzonnen Spreker")
    speaker_id = call(speaker, "sync")["snapshot"]["me"]["id"]
    other = room.listener()
    clear(mod, speaker, other)
    ack = call(speaker, "turn.set", {"state": "waiting"})
    assert ack == {"ok": True, "turn": {"state": "waiting", "since": round(clock.now * 1000)}}
    [turns] = of(drain(mod), "turns")
    assert turns["turns"] == [{"participant": speaker_id, "label": "Verzonnen Spreker", "state": "waiting",
                               "since": round(clock.now * 1000)}]
    assert [m["turn"] for m in of(drain(speaker), "turn")] == [ack["turn"]]
    call(speaker, "turn.set", {"state": "speaking"})
    assert of(drain(speaker), "turn")[0]["turn"]["state"] == "speaking"
    assert of(drain(mod), "turns")[0]["turns"][0]["state"] == "speaking"
    assert not {"turns", "turn"} & set(names(drain(other)))
    call(speaker, "turn.set", {"state": "none"})
    assert of(drain(mod), "turns")[-1]["turns"] == []
    assert call(speaker, "sync")["snapshot"]["turn"] == {"state": "none", "since": None}


def _open_poll(mod, kind="vote") -> str:
    pid = uid()
    ack = call(mod, "poll.open", {"id": pid, "kind": kind, "title": "Welk speerpunt eerst?",
                                  "options": [{"id": "a", "text": "Bereikbaarheid"}, {"id": "b", "text": "Nazorg"},
                                              {"id": "c", "text": "Overdracht"}]})
    assert ack["ok"], ack
    return pid


def test_poll_answer(make_room):
    room, mod = _round(make_room)
    voter, other = room.listener(), room.listener()
    pid = _open_poll(mod)
    clear(mod, voter, other)
    ack = call(voter, "poll.answer", {"poll_id": pid, "choices": ["b"]})
    assert ack == {"ok": True, "answer": {"poll_id": pid, "choices": ["b"]}}
    [results] = of(drain(mod), "poll.results")
    assert (results["poll_id"], results["answers"], results["scores"]) == (pid, 1, {"a": 0, "b": 1, "c": 0})
    assert "poll.results" not in names(drain(voter) + drain(other))
    # Changing one's mind replaces the answer.
    call(voter, "poll.answer", {"poll_id": pid, "choices": ["c"]})
    assert of(drain(mod), "poll.results")[0]["scores"] == {"a": 0, "b": 0, "c": 1}
    assert call(voter, "sync")["snapshot"]["answers"] == {pid: ["c"]}
    assert err(call(voter, "poll.answer", {"poll_id": pid, "choices": ["a", "b"]})) == "invalid_payload"
    assert err(call(voter, "poll.answer", {"poll_id": pid, "choices": ["z"]})) == "invalid_payload"


def test_a_ranking_poll_scores_borda_points(make_room):
    room, mod = _round(make_room)
    pid = _open_poll(mod, kind="rank")
    a, b = room.listener(), room.listener()
    call(a, "poll.answer", {"poll_id": pid, "choices": ["a", "b", "c"]})
    call(b, "poll.answer", {"poll_id": pid, "choices": ["b", "a"]})
    results = call(mod, "poll.close", {"id": pid})["results"]
    assert results == {"poll_id": pid, "answers": 2, "scores": {"a": 3 + 1, "b": 2 + 2, "c": 1}}
    assert err(call(a, "poll.answer", {"poll_id": pid, "choices": ["a"]})) == "invalid_transition"


# ================================================================================================
# Staff events
# ================================================================================================


def test_meeting_update(make_room):
    room = make_room()
    mod, listener = room.moderator(), room.listener()
    clear(mod, listener)
    ack = call(mod, "meeting.update", {"title": "Nieuwe verzonnen titel", "language": "en",
                                       "durations": {"listening": 1800}, "queue_visibility": "live",
                                       "expected_listeners": 20, "scheduled_for": "2031-03-04T09:30:00+01:00"})
    assert ack["ok"]
    assert (ack["meeting"]["title"], ack["meeting"]["language"], ack["meeting"]["expected_listeners"]) == (
        "Nieuwe verzonnen titel", "en", 20)
    assert ack["meeting"]["scheduled_for"].startswith("2031-03-04T09:30:00")
    [state] = of(drain(listener), "state")
    assert state["meeting"]["title"] == "Nieuwe verzonnen titel"
    assert state["phase"]["title"] == "Welcome", "the language switched"
    events = drain(mod)
    [settings] = of(events, "settings")
    assert settings["settings"]["queue_visibility"] == "live"
    assert settings["durations"] == {"listening": 1800}
    snap = call(mod, "sync")["snapshot"]
    assert [p["duration"] for p in snap["format"]["phases"] if p["key"] == "listening"] == [1800]
    assert err(call(mod, "meeting.update", {"durations": {"nowhere": 60}})) == "unknown_phase"


def test_meeting_open(make_room):
    room = make_room(open=False)
    mod = room.moderator()
    assert call(mod, "sync")["snapshot"]["meeting"]["state"] == "draft"
    clear(mod)
    ack = call(mod, "meeting.open")
    assert ack["ok"] and ack["state"]["meeting"]["state"] == "open"
    assert of(drain(mod), "state")[0]["meeting"]["state"] == "open"
    assert room.listener()  # joining works now


def test_meeting_archive(make_room):
    room = make_room()
    mod, listener = room.moderator(), room.listener()
    call(mod, "phase.goto", {"key": "ended"})
    clear(mod, listener)
    ack = call(mod, "meeting.archive")
    assert ack["ok"] and ack["state"]["meeting"]["state"] == "archived"
    assert of(drain(listener), "state")[0]["meeting"]["state"] == "archived"


def test_phase_goto(make_room, clock):
    room = make_room()
    mod, listener = room.moderator(), room.listener()
    display = room.connect(call(mod, "display.link")["key"])
    clear(mod, listener, display)
    clock.advance(42)
    ack = call(mod, "phase.goto", {"key": "listening", "from": "lobby"})
    assert ack["ok"]
    state = ack["state"]
    assert set(state) == STATE_KEYS
    assert (state["phase"]["key"], state["phase"]["index"], state["meeting"]["state"]) == ("listening", 1, "running")
    assert state["phase"]["silent"] is True
    assert state["phase"]["listener_actions"] == ["note", "question"]
    assert state["phase"]["started_at"] == round(clock.now * 1000)
    for client in (mod, listener, display):
        assert of(drain(client), "state") == [state]
    assert call(mod, "phase.goto", {"key": "ended"})["state"]["meeting"]["state"] == "ended"
    # Going back is the moderator's call (the format puts the meeting in the phase's state).
    assert call(mod, "phase.goto", {"key": "closing"})["state"]["meeting"]["state"] == "running"


def test_timer_start(make_room, clock):
    room, mod = listening(make_room)
    listener = room.listener()
    clear(listener)
    ack = call(mod, "timer.start", {"seconds": 300})
    assert ack["ok"]
    assert ack["timer"]["running"] and ack["timer"]["deadline"] == round((clock.now + 300) * 1000)
    assert of(drain(listener), "state")[0]["timer"] == ack["timer"]


def test_timer_pause(make_room, clock):
    room, mod = listening(make_room)
    call(mod, "timer.start", {"seconds": 300})
    clock.advance(60)
    ack = call(mod, "timer.pause")
    assert ack["ok"] and ack["timer"]["running"] is False and ack["timer"]["remaining_ms"] == 240_000


def test_timer_resume(make_room, clock):
    room, mod = listening(make_room)
    call(mod, "timer.start", {"seconds": 300})
    call(mod, "timer.pause")
    clock.advance(600)
    ack = call(mod, "timer.resume")
    assert ack["ok"] and ack["timer"]["deadline"] == round((clock.now + 300) * 1000)


def test_timer_adjust(make_room, clock):
    room, mod = listening(make_room)
    call(mod, "timer.start", {"seconds": 300})
    ack = call(mod, "timer.adjust", {"seconds": -120})
    assert ack["ok"] and ack["timer"]["deadline"] == round((clock.now + 180) * 1000)


def test_timer_reset(make_room):
    room, mod = listening(make_room)
    call(mod, "timer.start", {"seconds": 300})
    ack = call(mod, "timer.reset")
    assert ack["ok"]
    assert (ack["timer"]["running"], ack["timer"]["remaining_ms"]) == (False, 3_600_000)


def test_prepared_set(make_room):
    room = make_room()
    mod, listener = room.moderator(), room.listener()
    clear(mod, listener)
    ack = call(mod, "prepared.set", {"items": [{"id": "p1", "text": "Wat ging er goed?", "phase": "listening"},
                                               {"text": "Wat kan beter?"}]})
    assert ack["ok"]
    assert ack["prepared"][0] == {"id": "p1", "text": "Wat ging er goed?", "phase": "listening"}
    assert ack["prepared"][1]["id"], "an id is made up when none is given"
    assert of(drain(mod), "prepared")[0]["prepared"] == ack["prepared"]
    assert "prepared" not in names(drain(listener))
    assert err(call(mod, "prepared.set", {"items": [{"text": "x", "phase": "nowhere"}]})) == "unknown_phase"


def test_prompt_set(make_room):
    room = make_room(prepared=[{"id": "p1", "text": "Hoe was de eerste opname?"}])
    mod, listener = room.moderator(), room.listener()
    clear(mod, listener)
    ack = call(mod, "prompt.set", {"id": "p1"})
    assert ack["ok"]
    assert ack["state"]["prompt"] == {"id": "p1", "text": "Hoe was de eerste opname?"}
    assert of(drain(listener), "state")[0]["prompt"] == {"id": "p1", "text": "Hoe was de eerste opname?"}
    assert of(drain(mod), "prompt")[0]["shown"] is True
    assert call(mod, "prompt.set", {"id": "p1", "shown": False})["state"]["prompt"] is None
    assert call(mod, "prompt.set", {"id": None})["state"]["prompt"] is None
    assert err(call(mod, "prompt.set", {"id": "p9"})) == "not_found"


def _selected(room, mod, *authors) -> list[str]:
    """One question per author, all selected in this order."""
    ids = []
    for i, author in enumerate(authors):
        qid = uid()
        assert call(author, "question.add", {"id": qid, "text": f"Verzonnen vraag {i}?"})["ok"]
        assert call(mod, "question.update", {"id": qid, "status": "selected"})["ok"]
        ids.append(qid)
    return ids


def test_question_update(make_room, clock):
    room, mod = listening(make_room)
    author, other = room.listener(), room.listener()
    qid = uid()
    call(author, "question.add", {"id": qid, "text": "Welke hulp kwam te laat?"})
    call(mod, "phase.goto", {"key": "questions"})
    clear(mod, author, other)
    ack = call(mod, "question.update", {"id": qid, "status": "selected"})
    assert ack["ok"]
    assert set(ack["question"]) == STAFF_QUESTION_KEYS
    assert (ack["question"]["status"], ack["question"]["position"]) == ("selected", 1)
    own = of(drain(author), "question")
    assert own and own[-1]["question"]["status"] == "selected" and own[-1]["question"]["position"] == 1
    assert "author" not in own[-1]["question"]
    assert of(drain(mod), "queue"), "staff get the queue"
    assert "question" not in names(drain(other))
    asked = call(mod, "question.update", {"id": qid, "status": "asked"})["question"]
    assert (asked["status"], asked["position"], asked["asked_at"]) == ("asked", None, round(clock.now * 1000))
    assert of(drain(author), "question")[-1]["question"]["status"] == "asked"
    # Link to a prepared question, or refuse an unknown one.
    call(mod, "prepared.set", {"items": [{"id": "p1", "text": "Hoe verliep de overdracht?"}]})
    assert call(mod, "question.update", {"id": qid, "prepared_id": "p1"})["question"]["prepared_id"] == "p1"
    assert err(call(mod, "question.update", {"id": qid, "prepared_id": "p9"})) == "not_found"
    # Dismiss with a reason (from parked), triage, and the transitions that are not possible.
    q2 = uid()
    call(author, "question.add", {"id": q2, "text": "Nieuw onderwerp?"})
    ack = call(mod, "question.update", {"id": q2, "triage": "later", "reason": "Voor een volgende keer"})
    assert (ack["question"]["triage"], ack["question"]["reason"]) == ("later", "Voor een volgende keer")
    # the author is told it was kept for later, never the moderator's reason
    kept = of(drain(author), "question")[-1]["question"]
    assert (kept["id"], kept["status"], kept["triage"]) == (q2, "parked", "later")
    assert "reason" not in kept and "Voor een volgende keer" not in json.dumps(kept)
    assert err(call(mod, "question.update", {"id": q2, "status": "selected"})) == "invalid_transition"
    assert call(mod, "question.update", {"id": q2, "status": "dismissed"})["question"]["status"] == "dismissed"
    assert err(call(mod, "question.update", {"id": q2, "status": "asked"})) == "invalid_transition"


def test_question_reorder(make_room):
    room, mod = listening(make_room)
    a, b = room.listener(name="A"), room.listener(name="B")
    q1, q2, q3 = _selected(room, mod, a, b, a)
    clear(mod, a, b)
    ack = call(mod, "question.reorder", {"ids": [q3, q1, q2]})
    assert ack["ok"]
    assert [(q["id"], q["position"]) for q in ack["questions"]] == [(q3, 1), (q1, 2), (q2, 3)]
    [queue] = of(drain(mod), "queue")
    assert [q["id"] for q in queue["questions"]] == [q3, q1, q2]
    assert all("author" in q for q in queue["questions"])
    seen_a = {m["question"]["id"]: m["question"]["position"] for m in of(drain(a), "question")}
    seen_b = {m["question"]["id"]: m["question"]["position"] for m in of(drain(b), "question")}
    assert seen_a == {q3: 1, q1: 2}, "each author hears of their own questions only"
    assert seen_b == {q2: 3}
    assert {q["id"]: q["position"] for q in call(a, "sync")["snapshot"]["questions"]} == {q1: 2, q3: 1}
    assert err(call(mod, "question.reorder", {"ids": [q1, q1]})) == "invalid_payload"


def test_question_merge(make_room):
    room, mod = listening(make_room)
    a, b = room.listener(), room.listener()
    into, dup = uid(), uid()
    call(a, "question.add", {"id": into, "text": "Hoe lang duurde de wachttijd?"})
    call(b, "question.add", {"id": dup, "text": "Hoe lang moesten jullie wachten?"})
    clear(mod, a, b)
    ack = call(mod, "question.merge", {"into": into, "ids": [dup]})
    assert ack["ok"]
    by_id = {q["id"]: q for q in ack["questions"]}
    assert (by_id[dup]["status"], by_id[dup]["merged_into"]) == ("merged", into)
    assert of(drain(mod), "queue")
    [mine] = [m["question"] for m in of(drain(b), "question")]
    assert (mine["id"], mine["status"], mine["merged_into"]) == (dup, "merged", None), \
        "b is not told the id of a's question"
    assert into not in json.dumps(drain(b)) + json.dumps(call(b, "sync"))
    # Two of one listener's own questions merged: that listener may see which one is kept.
    own_into, own_dup = uid(), uid()
    call(a, "question.add", {"id": own_into, "text": "Verzonnen eigen vraag?"})
    call(a, "question.add", {"id": own_dup, "text": "Verzonnen eigen vraag, nogmaals?"})
    assert call(mod, "question.merge", {"into": own_into, "ids": [own_dup]})["ok"]
    [own] = [q for q in call(a, "sync")["snapshot"]["questions"] if q["id"] == own_dup]
    assert own["merged_into"] == own_into
    assert "wachten" not in json.dumps(drain(a)), "a hears nothing of b's text"
    assert err(call(mod, "question.merge", {"into": dup, "ids": [into]})) == "invalid_transition"


def test_a_merge_dismiss_and_asked_can_each_be_undone(make_room):
    """The moderator screen's "Ongedaan maken": each staff step has its way back in the server."""
    room, mod = listening(make_room)
    a, b = room.listener(), room.listener()
    into, dup, other = uid(), uid(), uid()
    call(a, "question.add", {"id": into, "text": "Hoe lang duurde de wachttijd?"})
    call(b, "question.add", {"id": dup, "text": "Hoe lang moesten jullie wachten?"})
    call(b, "question.add", {"id": other, "text": "Wie belde jullie terug?"})
    assert call(mod, "question.update", {"id": dup, "status": "selected"})["ok"]
    assert call(mod, "question.update", {"id": other, "status": "selected"})["ok"]
    assert call(mod, "question.merge", {"into": into, "ids": [dup]})["ok"]
    clear(mod, a, b)
    # undo the merge: back in the asking order, at its old place, no longer pointing at the target
    ack = call(mod, "question.update", {"id": dup, "status": "selected"})
    assert ack["ok"], ack
    assert (ack["question"]["status"], ack["question"]["merged_into"], ack["question"]["position"]) == (
        "selected", None, 1)
    [mine] = [m["question"] for m in of(drain(b), "question") if m["question"]["id"] == dup]
    assert (mine["status"], mine["merged_into"]) == ("selected", None)
    # undo a dismiss and an "asked"
    assert call(mod, "question.update", {"id": other, "status": "dismissed", "reason": "al beantwoord"})["ok"]
    assert call(mod, "question.update", {"id": other, "status": "parked"})["question"]["status"] == "parked"
    assert call(mod, "question.update", {"id": dup, "status": "asked"})["ok"]
    back = call(mod, "question.update", {"id": dup, "status": "selected"})["question"]
    assert (back["status"], back["asked_at"]) == ("selected", None)


def test_question_asking(make_room):
    """ "Now asking": the room and every tablet get the question's text, never its author."""
    room, mod = listening(make_room)
    author, other = room.listener(name="Verzonnen Naam"), room.listener()
    qid = uid()
    call(author, "question.add", {"id": qid, "text": "Hoe werd de overdracht geregeld?"})
    assert err(call(mod, "question.asking", {"id": qid})) == "invalid_transition", "only a selected question"
    call(mod, "question.update", {"id": qid, "status": "selected"})
    clear(mod, author, other)
    ack = call(mod, "question.asking", {"id": qid})
    assert ack["ok"], ack
    assert ack["state"]["asking"] == {"id": qid, "text": "Hoe werd de overdracht geregeld?"}
    for client in (author, other):
        [state] = of(drain(client), "state")
        assert state["asking"] == ack["state"]["asking"]
        assert "Verzonnen Naam" not in json.dumps(state)
    assert call(other, "sync")["snapshot"]["asking"]["id"] == qid
    # marked as asked: it comes down by itself
    call(mod, "question.update", {"id": qid, "status": "asked"})
    assert of(drain(other), "state")[-1]["asking"] is None
    call(mod, "question.update", {"id": qid, "status": "selected"})
    call(mod, "question.asking", {"id": qid})
    assert call(mod, "question.asking", {"id": None})["state"]["asking"] is None
    call(mod, "question.asking", {"id": qid})
    assert call(mod, "phase.goto", {"key": "questions"})["state"]["asking"] is None, "it leaves with its phase"
    assert err(call(other, "question.asking", {"id": None})) == "forbidden_role"
    assert err(call(mod, "question.asking", {})) == "invalid_payload"


def test_the_room_display_shows_the_timer_only_when_the_moderator_chose_so(make_room):
    room = make_room()
    mod = room.moderator()
    assert call(mod, "sync")["snapshot"]["room"] == {"timer": False}
    ack = call(mod, "meeting.update", {"display_timer": True})
    assert ack["ok"], ack
    assert call(room.listener(), "sync")["snapshot"]["room"] == {"timer": True}


def test_outcome_add(make_room):
    room = make_room()
    mod, listener = room.moderator(), room.listener()
    assistant = room.connect(call(mod, "assistant.create", {"rights": ["outcomes"]})["key"])
    clear(mod, listener, assistant)
    oid = uid()
    ack = call(assistant, "outcome.add", {"id": oid, "kind": "action", "text": "Terugbelprotocol opstellen",
                                          "owner": "Verzonnen teamleider", "due": "binnen 3 maanden"})
    assert ack["ok"] and ack["duplicate"] is False
    assert set(ack["outcome"]) == OUTCOME_KEYS
    for staff in (mod, assistant):
        assert of(drain(staff), "outcome") == [{"version": ack["outcome"]["version"], "outcome": ack["outcome"]}]
    assert "Terugbel" not in json.dumps(drain(listener))
    again = call(mod, "outcome.add", {"id": oid, "kind": "action", "text": "Terugbelprotocol opstellen"})
    assert again["duplicate"] is True and again["outcome"] == ack["outcome"]


def test_outcome_edit(make_room):
    room = make_room()
    mod = room.moderator()
    oid = uid()
    call(mod, "outcome.add", {"id": oid, "kind": "improvement", "text": "Eén aanspreekpunt", "owner": "X"})
    clear(mod)
    ack = call(mod, "outcome.edit", {"id": oid, "kind": "decision", "owner": ""})
    assert ack["ok"]
    assert (ack["outcome"]["kind"], ack["outcome"]["text"], ack["outcome"]["owner"]) == (
        "decision", "Eén aanspreekpunt", None)
    assert of(drain(mod), "outcome")[0]["outcome"] == ack["outcome"]


def test_outcome_delete(make_room):
    room = make_room()
    mod, listener = room.moderator(), room.listener()
    oid = uid()
    call(mod, "outcome.add", {"id": oid, "kind": "priority", "text": "Nazorg"})
    clear(mod, listener)
    assert call(mod, "outcome.delete", {"id": oid}) == {"ok": True, "id": oid}
    assert [p["id"] for p in of(drain(mod), "outcome.removed")] == [oid]
    assert drain(listener) == []
    assert call(mod, "sync")["snapshot"]["outcomes"] == []


def test_poll_open(make_room):
    room, mod = _round(make_room)
    listener = room.listener()
    clear(mod, listener)
    pid = _open_poll(mod)
    [state] = of(drain(listener), "state")
    assert state["poll"]["id"] == pid
    assert [o["id"] for o in state["poll"]["options"]] == ["a", "b", "c"]
    [results] = of(drain(mod), "poll.results")
    assert results["answers"] == 0
    assert call(listener, "sync")["snapshot"]["poll"]["id"] == pid
    # Opening another closes the first.
    second = _open_poll(mod)
    assert call(mod, "sync")["snapshot"]["poll"]["id"] == second
    assert err(call(listener, "poll.answer", {"poll_id": pid, "choices": ["a"]})) == "invalid_transition"


def test_poll_close(make_room):
    room, mod = _round(make_room)
    listener = room.listener()
    pid = _open_poll(mod)
    call(listener, "poll.answer", {"poll_id": pid, "choices": ["a"]})
    clear(mod, listener)
    ack = call(mod, "poll.close", {"id": pid})
    assert ack["ok"]
    assert (ack["poll"]["id"], ack["poll"]["open"]) == (pid, False)
    assert ack["results"]["scores"]["a"] == 1
    assert of(drain(listener), "state")[0]["poll"] is None
    assert of(drain(mod), "poll.results")


def test_assistant_create(make_room):
    room = make_room()
    mod = room.moderator()
    ack = call(mod, "assistant.create", {"rights": ["questions", "run"], "label": "Verzonnen assistent"})
    assert ack["ok"]
    assert len(ack["key"]) >= 32  # ≥ 128 bits in URL-safe base64
    assert ack["url"] == f"http://spiegel.test/moderate/{room.meeting_id}#key={ack['key']}"
    assistant = room.connect(ack["key"])
    snap = assistant.get_received()[0]["args"][0]
    assert (snap["role"], snap["me"]["rights"], snap["me"]["name"]) == (
        "assistant", ["questions", "run"], "Verzonnen assistent")
    assert call(mod, "assistant.create", {"rights": []})["key"] != ack["key"]


def test_display_link(make_room, monkeypatch):
    room = make_room()
    mod = room.moderator()
    first = call(mod, "display.link")
    assert first["ok"]
    assert first["url"] == f"http://spiegel.test/display/{room.code}#key={first['key']}"
    old_display = room.connect(first["key"])
    assert call(old_display, "sync")["snapshot"]["role"] == "display"
    second = call(mod, "display.link")
    assert second["key"] != first["key"]
    assert room.connect(second["key"])
    # The previous key stops working: no new connection, and the open one is closed.
    probe = connect_probe(room.app, {"token": first["key"]})
    assert not probe.is_connected()
    assert "token_unknown" in json.dumps(probe.refusal)
    assert not old_display.is_connected()


def test_a_replaced_display_link_stops_receiving_the_meeting(make_room):
    """docs: `display.link` makes "a new key; the previous display key stops working". A screen
    still connected with the old key must not keep receiving the meeting (e.g. a leaked link)."""
    room = make_room()
    mod = room.moderator()
    old_display = room.connect(call(mod, "display.link")["key"])
    assert old_display.is_connected()
    call(mod, "display.link")
    assert not old_display.is_connected(), "the server closes the replaced screen's socket"
    call(mod, "phase.goto", {"key": "listening"})
    assert not old_display.is_connected()


def test_action(make_room):
    room, mod = _round(make_room)
    listener = room.listener()
    ack = call(listener, "action", {"name": "example.pledge", "data": {"text": "Ik loop vaker mee.", "weeks": 8}})
    assert ack == {"ok": True, "result": {"pledge": "Ik loop vaker mee.", "weeks": 8, "phase": "round"}}
    assert call(mod, "action", {"name": "example.summary", "data": {"text": "Samengevat"}})["result"] == {
        "summary": "Samengevat", "by": "moderator"}


# ================================================================================================
# What each role receives
# ================================================================================================


def test_presence_goes_to_staff_only(make_room):
    room = make_room()
    mod = room.moderator()
    display = room.connect(call(mod, "display.link")["key"])
    other = room.listener()
    clear(mod, display, other)
    joined = room.join(name="Verzonnen Tablet")
    tablet = room.connect(joined["token"])
    [presence] = of(drain(mod), "presence")[-1:]
    assert presence["presence"]["joined"] == 2
    assert presence["presence"]["connected"] == 2
    assert presence["presence"]["dropped"] == []
    assert isinstance(presence["version"], int)
    tablet.disconnect()
    latest = of(drain(mod), "presence")[-1]["presence"]
    assert latest["connected"] == 1
    assert latest["dropped"] == [{"id": joined["participant"]["id"], "label": "Verzonnen Tablet",
                                  "labels": {"nl": "Verzonnen Tablet", "en": "Verzonnen Tablet"}}]
    for client in (display, other):
        assert "presence" not in names(drain(client))
    assert call(mod, "sync")["snapshot"]["presence"]["dropped"] == latest["dropped"]


def test_a_listeners_socket_never_carries_another_listeners_writing(make_room):
    """A whole meeting with two listeners; each one's stream holds none of the other's texts or ids."""
    room = make_room()
    mod = room.moderator()
    a, b = room.listener(name="Verzonnen A"), room.listener(name="Verzonnen B")
    display = room.connect(call(mod, "display.link")["key"])
    written = {"a": [], "b": []}  # texts, and note ids (a merged question may point at another's id)
    call(mod, "phase.goto", {"key": "listening"})
    for who, client in (("a", a), ("b", b)):
        for i in range(2):
            nid, qid = uid(), uid()
            call(client, "note.add", {"id": nid, "text": f"notitie-{who}-{i}-geheim"})
            call(client, "question.add", {"id": qid, "text": f"vraag-{who}-{i}-geheim"})
            written[who] += [nid, f"notitie-{who}-{i}-geheim", f"vraag-{who}-{i}-geheim"]
    call(mod, "phase.goto", {"key": "questions"})
    staff_queue = call(mod, "sync")["snapshot"]["questions"]
    for q in staff_queue:
        call(mod, "question.update", {"id": q["id"], "status": "selected"})
    call(mod, "question.reorder", {"ids": [q["id"] for q in reversed(staff_queue)]})
    call(mod, "question.merge", {"into": staff_queue[0]["id"], "ids": [staff_queue[-1]["id"]]})
    call(mod, "question.update", {"id": staff_queue[1]["id"], "status": "asked"})
    call(mod, "phase.goto", {"key": "closing"})
    call(mod, "phase.goto", {"key": "ended"})
    stream = {"a": json.dumps(drain(a)), "b": json.dumps(drain(b)), "display": json.dumps(drain(display))}
    staff = json.dumps(drain(mod))
    for item in written["a"]:
        assert item not in stream["b"]
        assert item not in stream["display"]
    for item in written["b"]:
        assert item not in stream["a"]
        assert item not in stream["display"]
    assert "notitie-" not in staff, "notes never reach staff"
    assert "vraag-a-0-geheim" in staff, "questions do"


def _positions(client) -> dict[str, tuple[int | None, int, str]]:
    """The latest (position, version, status) per question this client heard of."""
    latest: dict[str, tuple[int | None, int, str]] = {}
    for msg in of(drain(client), "question"):
        q = msg["question"]
        if q["id"] not in latest or q["version"] >= latest[q["id"]][1]:
            latest[q["id"]] = (q["position"], q["version"], q["status"])
    return latest


def test_question_status_and_position_reach_the_author(make_room):
    room, mod = listening(make_room)
    a, b = room.listener(), room.listener()
    qa, qb = _selected(room, mod, a, b)
    assert _positions(a)[qa][::2] == (1, "selected")
    assert _positions(b)[qb][::2] == (2, "selected")
    call(mod, "question.update", {"id": qa, "status": "asked"})
    assert _positions(a)[qa][::2] == (None, "asked")


def test_when_a_question_ahead_is_dismissed_the_author_behind_sees_the_new_place_with_a_newer_version(make_room):
    """docs: a client keeps the copy of an item with the higher version, so a moved place needs a new version."""
    room, mod = listening(make_room)
    a, b = room.listener(), room.listener()
    qa, qb = _selected(room, mod, a, b)
    before = _positions(b)[qb]
    assert before[0] == 2
    call(mod, "question.update", {"id": qa, "status": "dismissed"})
    after = _positions(b)
    assert qb in after, "the author behind hears of the new place"
    assert after[qb][0] == 1
    assert after[qb][1] > before[1], "with a higher version than the copy the tablet has"


def test_when_a_question_ahead_is_withdrawn_the_author_behind_sees_the_new_place(make_room):
    room, mod = listening(make_room)
    a, b = room.listener(), room.listener()
    qa, qb = _selected(room, mod, a, b)
    before = _positions(b)[qb]
    assert call(a, "question.withdraw", {"id": qa})["ok"]
    after = _positions(b)
    assert qb in after, "b's question moved from 2 to 1; b must be told"
    assert after[qb][0] == 1 and after[qb][1] > before[1]
    assert call(b, "sync")["snapshot"]["questions"][0]["position"] == 1


def test_when_a_selected_question_is_merged_away_the_author_behind_sees_the_new_place(make_room):
    room, mod = listening(make_room)
    a, b, c = room.listener(), room.listener(), room.listener()
    qa, qc = _selected(room, mod, a, c)
    qb = uid()
    call(b, "question.add", {"id": qb, "text": "Een gelijke vraag?"})
    before = _positions(c)[qc]
    assert before[0] == 2
    assert call(mod, "question.merge", {"into": qb, "ids": [qa]})["ok"]
    after = _positions(c)
    assert qc in after, "c's question moved from 2 to 1; c must be told"
    assert after[qc][0] == 1 and after[qc][1] > before[1]


# ================================================================================================
# Resends and malformed payloads
# ================================================================================================


def _stored_notes(app, note_id: str) -> int:
    with app.extensions["spiegel"].db.transaction() as session:
        return session.query(Note).filter_by(id=note_id).count()


def test_the_same_note_sent_three_times_is_stored_once(make_room, app):
    room, mod = listening(make_room)
    listener = room.listener()
    note = {"id": uid(), "text": "Drie keer verstuurd"}
    acks = [call(listener, "note.add", note) for _ in range(3)]
    assert [a["duplicate"] for a in acks] == [False, True, True]
    assert acks[1]["note"] == acks[2]["note"] == acks[0]["note"]
    assert _stored_notes(app, note["id"]) == 1
    assert len(call(listener, "sync")["snapshot"]["notes"]) == 1


def test_the_same_note_across_a_reconnect_is_stored_once(make_room, app):
    room, mod = listening(make_room)
    token = room.join()["token"]
    note = {"id": uid(), "text": "Verstuurd, verbinding weg, opnieuw verstuurd"}
    first = room.connect(token)
    assert call(first, "note.add", note)["duplicate"] is False
    first.disconnect()
    for _ in range(2):
        again = room.connect(token)
        ack = call(again, "note.add", {**note, "text": "een latere kopie"})
        assert ack["duplicate"] is True
        assert ack["note"]["text"] == note["text"], "the stored note, not the resent text"
        again.disconnect()
    assert _stored_notes(app, note["id"]) == 1
    assert [n["text"] for n in call(room.connect(token), "sync")["snapshot"]["notes"]] == [note["text"]]


def test_the_same_question_resent_is_stored_once_and_returns_its_place(make_room):
    room, mod = listening(make_room)
    listener = room.listener()
    question = {"id": uid(), "text": "Twee keer gevraagd?"}
    call(listener, "question.add", question)
    call(mod, "question.update", {"id": question["id"], "status": "selected"})
    again = call(listener, "question.add", question)
    assert again["duplicate"] is True
    assert (again["question"]["status"], again["question"]["position"]) == ("selected", 1)
    assert len(call(mod, "sync")["snapshot"]["questions"]) == 1


def test_a_resend_after_the_phase_moved_on_returns_the_stored_note(make_room):
    """docs: "a repeated `*.add` returns the stored item" (the ack was lost, the moderator moved on)."""
    room, mod = listening(make_room)
    listener = room.listener()
    note = {"id": uid(), "text": "Net voor het einde geschreven"}
    call(listener, "note.add", note)
    call(mod, "phase.goto", {"key": "ended"})
    ack = call(listener, "note.add", note)
    assert ack.get("ok") and ack["duplicate"] is True, ack


@pytest.mark.parametrize("payload", [["a", "list"], "a string", 42, True], ids=repr)
def test_a_malformed_payload_gets_a_clear_error_and_changes_nothing(make_room, payload):
    room, mod = listening(make_room)
    listener = room.listener()
    note = uid()
    call(listener, "note.add", {"id": note, "text": "Blijft zoals hij is"})
    before = call(listener, "sync")["snapshot"]
    for event in ("note.add", "note.edit", "note.delete", "question.add", "phase.goto"):
        client = mod if event == "phase.goto" else listener
        ack = call(client, event, payload)
        assert ack == {"ok": False, "error": {"code": "invalid_payload",
                                              "message": "The payload must be a JSON object."}}, event
    after = call(listener, "sync")["snapshot"]
    assert after["notes"] == before["notes"]
    assert after["questions"] == before["questions"] == []
    assert after["version"] == before["version"]
    assert after["phase"]["key"] == "listening"


def test_extra_arguments_are_refused(make_room):
    room, mod = listening(make_room)
    listener = room.listener()
    note_id = uid()
    ack = listener.emit("note.add", {"id": note_id, "text": "één"}, {"id": uid(), "text": "twee"}, callback=True)
    assert ack["ok"] is False
    assert ack["error"]["code"] == "invalid_payload"
    assert "one payload" in ack["error"]["message"]
    assert call(listener, "sync")["snapshot"]["notes"] == []


def test_a_missing_payload_is_treated_as_empty(make_room):
    room, mod = listening(make_room)
    listener = room.listener()
    ack = listener.emit("note.add", callback=True)
    assert err(ack) == "invalid_payload"
    assert {d["field"] for d in ack["error"]["details"]} == {"id", "text"}
    assert listener.emit("sync", callback=True)["ok"]


NULLS = [
    ("meeting.update", {"title": None}), ("meeting.update", {"theme": None}), ("meeting.update", {"language": None}),
    ("meeting.update", {"durations": None}), ("meeting.update", {"queue_visibility": None}),
    ("meeting.update", {"expected_listeners": None}), ("meeting.update", {"scheduled_for": None}),
    ("outcome.edit", {"kind": None}), ("outcome.edit", {"text": None}), ("outcome.edit", {"owner": None}),
    ("question.update", {"triage": None}), ("question.update", {"status": None}),
    ("question.update", {"reason": None}), ("question.update", {"prepared_id": None}),
    ("note.edit", {"text": None}), ("note.edit", {"tags": None}),
    ("timer.start", {"seconds": None}), ("timer.reset", {"seconds": None}),
]


@pytest.mark.parametrize(("event", "nulls"), NULLS, ids=[f"{e}:{next(iter(n))}" for e, n in NULLS])
def test_an_explicit_null_gets_a_clear_answer_never_internal_error(make_room, event, nulls):
    """docs/issue: malformed payloads get a clear error, never a crash. ``null`` for an optional
    field may mean "leave it" (ok) or be refused (invalid_payload); the stored data stays valid."""
    room, mod = listening(make_room)
    listener = room.listener()
    ids = {"outcome.edit": uid(), "question.update": uid(), "note.edit": uid()}
    call(mod, "outcome.add", {"id": ids["outcome.edit"], "kind": "action", "text": "Verzonnen actie"})
    call(listener, "question.add", {"id": ids["question.update"], "text": "Verzonnen vraag?"})
    call(listener, "note.add", {"id": ids["note.edit"], "text": "Verzonnen notitie"})
    payload = {**({"id": ids[event]} if event in ids else {}), **nulls}
    ack = call(listener if event.startswith("note.") else mod, event, payload)
    assert ack["ok"] or ack["error"]["code"] == "invalid_payload", ack
    staff, own = call(mod, "sync")["snapshot"], call(listener, "sync")["snapshot"]
    assert staff["meeting"]["title"] and staff["meeting"]["language"] in ("nl", "en")
    assert [(o["kind"], o["text"]) for o in staff["outcomes"]] == [("action", "Verzonnen actie")]
    assert staff["questions"][0]["triage"] in ("clarifying", "later", "discussion")
    assert own["notes"][0]["text"] == "Verzonnen notitie"


def test_validation_errors_list_the_fields(make_room):
    room, mod = listening(make_room)
    ack = call(room.listener(), "note.add", {"id": "geen-uuid", "text": "", "kleur": "rood"})
    assert ack["error"]["code"] == "invalid_payload"
    problems = {d["field"]: d["problem"] for d in ack["error"]["details"]}
    assert problems == {"id": "value_error", "text": "string_too_short", "kleur": "extra_forbidden"}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_db_app(request, tmp_path):
    """A fresh app on SQLite and on the local PostgreSQL server."""
    url = request.getfixturevalue("postgres_url") if request.param == "postgresql" else None
    app = create_app({"INSTANCE_PATH": str(tmp_path / "instance"), "ASYNC_MODE": "threading",
                      "ADMIN_PASSWORD": ADMIN_PASSWORD, "PUBLIC_URL": "http://spiegel.test", "DATABASE_URL": url,
                      "PLUGINS_DIR": None, "PLUGINS": None}, clock=FakeClock())
    yield app
    app.extensions["spiegel"].db.engine.dispose()


def test_a_nul_character_gets_a_clear_answer_on_every_database(any_db_app, caplog):
    """Malformed text must get a clear error (or be stored as sent), never `internal_error`,
    and the log must not hold the text (PostgreSQL refuses NUL in text columns)."""
    http = any_db_app.test_client()
    created = http.post("/api/admin/meetings", headers=ADMIN, json={"title": "x", "open": True}).get_json()
    sio = any_db_app.extensions["spiegel"].socketio
    mod = sio.test_client(any_db_app, flask_test_client=http, auth={"token": created["moderator_key"]})
    call(mod, "phase.goto", {"key": "listening"})
    code = created["meeting"]["code"]
    token = http.post(f"/api/meetings/{code}/join", json={}).get_json()["token"]
    listener = sio.test_client(any_db_app, flask_test_client=http, auth={"token": token})
    secret = "Verzonnen-geheim\x00na de nul"
    with caplog.at_level(logging.INFO):
        note = call(listener, "note.add", {"id": uid(), "text": secret})
        question = call(listener, "question.add", {"id": uid(), "text": secret})
        joined = http.post(f"/api/meetings/{code}/join", json={"name": "Naam\x00"})
    for ack in (note, question):
        assert ack["ok"] or ack["error"]["code"] == "invalid_payload", ack
    if note["ok"]:
        assert call(listener, "sync")["snapshot"]["notes"][0]["text"] == secret
    assert joined.status_code in (201, 400), joined.status_code
    assert "Verzonnen-geheim" not in caplog.text


def _listening_on(app):
    """A moderator and one listener in the listening phase of a new meeting of ``app``."""
    http = app.test_client()
    created = http.post("/api/admin/meetings", headers=ADMIN, json={"title": "x", "open": True}).get_json()
    sio = app.extensions["spiegel"].socketio
    mod = sio.test_client(app, flask_test_client=http, auth={"token": created["moderator_key"]})
    call(mod, "phase.goto", {"key": "listening"})
    token = http.post(f"/api/meetings/{created['meeting']['code']}/join", json={}).get_json()["token"]
    return mod, sio.test_client(app, flask_test_client=http, auth={"token": token})


@pytest.mark.parametrize("event", ["note.add", "question.add"])
def test_a_first_send_is_new_and_a_resend_is_a_resend_on_every_database(any_db_app, monkeypatch, event):
    """Exactly once rests on ``INSERT … ON CONFLICT DO NOTHING RETURNING``: psycopg reports no
    rowcount for it, so the answer must come from RETURNING. Also the lost race: the replay
    check found nothing (a concurrent resend had not committed yet), the insert then meets the
    stored row and the sender is answered with it, as a resend. A note or a question asks no
    check before its insert (``answers_resend``): every resend of one is answered that way."""
    from spiegel.context import Ctx

    mod, listener = _listening_on(any_db_app)
    item = {"id": uid(), "text": "Verzonnen eerste versie"}
    first = call(listener, event, item)
    assert first["ok"] and first["duplicate"] is False, first
    again = call(listener, event, {**item, "text": "Verzonnen kopie"})
    assert again["ok"] and again["duplicate"] is True, again
    kind = event.split(".")[0]
    assert again[kind]["text"] == item["text"], "the stored item, not the resent text"

    real = Ctx.resent
    blind = {"calls": 0}
    early = 0  # no check before the insert: the INSERT is the check

    def too_early(ctx, model, item_id, per_participant=True):
        blind["calls"] += 1
        if blind["calls"] <= early:  # both before the other commit
            return None
        return real(ctx, model, item_id, per_participant)

    monkeypatch.setattr(Ctx, "resent", too_early)
    raced = call(listener, event, {**item, "text": "Verzonnen kopie in een race"})
    assert raced["ok"] and raced["duplicate"] is True, raced
    assert raced[kind]["text"] == item["text"]
    assert blind["calls"] >= early + 1, "the lost race was answered from the stored row"
    monkeypatch.setattr(Ctx, "resent", real)
    snapshot = call(listener, "sync")["snapshot"]
    assert [x["text"] for x in snapshot[f"{kind}s"]] == [item["text"]], "stored once"


def test_an_item_inserted_once_is_in_the_session_like_a_loaded_row(any_db_app):
    """``Ctx.insert_once`` (plugin API): True for a new id, False for a stored one, and a change
    to the inserted row later in the same transaction is saved."""
    from spiegel.models import Meeting, Participant

    mod, listener = _listening_on(any_db_app)
    note_id = call(listener, "note.add", {"id": uid(), "text": "Verzonnen"})["note"]["id"]
    sp = any_db_app.extensions["spiegel"]
    with sp.db.transaction() as session:
        stored = session.get(Note, note_id)
        author = session.get(Participant, stored.participant_id)
        ctx = sp.context(session, session.get(Meeting, stored.meeting_id))
        ctx.participant = author
        fresh = Note(id=uid(), meeting_id=stored.meeting_id, participant_id=author.id, text="Verzonnen nieuw",
                     created_at=1.0, updated_at=1.0, version=ctx.version())
        assert ctx.insert_once(fresh) is True
        assert fresh.shared is False and fresh.tags == [], "column defaults are on the row"
        fresh.text = "Verzonnen veranderd"
        copy = Note(id=note_id, meeting_id=stored.meeting_id, participant_id=author.id, text="x",
                    created_at=1.0, updated_at=1.0, version=ctx.version())
        assert ctx.insert_once(copy) is False
    with sp.db.transaction() as session:
        assert session.get(Note, fresh.id).text == "Verzonnen veranderd"
        assert session.get(Note, note_id).text == "Verzonnen"


def test_a_database_error_is_logged_without_the_text(app, monkeypatch, caplog):
    """config: "Logs never hold note or question text"; docs: internal_error is logged without the payload.

    A failing statement's exception carries its parameters (SQLAlchemy prints them), so a database
    error while storing a note must not put the note in the log.
    """
    from sqlalchemy import text

    room, mod = listening_in(app)
    listener = room.listener()

    def failing_insert(ctx, data):
        ctx.session.execute(text("INSERT INTO no_such_table (body) VALUES (:body)"), {"body": data.text})
        return {}

    _replace_handler(monkeypatch, app, "note.add", failing_insert)
    with caplog.at_level(logging.INFO):
        ack = call(listener, "note.add", {"id": uid(), "text": "Verzonnen-vertrouwelijk verhaal"})
    assert err(ack) == "internal_error"
    assert "no_such_table" in caplog.text, "the error itself is logged"
    assert "Verzonnen-vertrouwelijk" not in caplog.text


def listening_in(app):
    """make_room for tests that take the app directly."""
    created = app.test_client().post("/api/admin/meetings", headers=ADMIN, json={"title": "x", "open": True})
    room = Room(app, created.get_json())
    mod = room.moderator()
    call(mod, "phase.goto", {"key": "listening"})
    return room, mod


# ================================================================================================
# HTTP: join, meeting info, QR codes, admin
# ================================================================================================


def test_meeting_info_by_code_in_any_spelling(make_room):
    room = make_room(title="Verzonnen bijeenkomst")
    spaced = f"{room.code[:3].lower()} {room.code[3:].lower()}"
    for spelling in (room.code, room.code.lower(), spaced, f"{room.code[:3]}-{room.code[3:]}", f" {room.code} "):
        r = room.http.get(f"/api/meetings/{spelling}")
        assert r.status_code == 200, spelling
        body = r.get_json()
        assert body["ok"]
        assert {"title", "theme", "language", "state", "format_title", "joinable"} <= set(body["meeting"])
        assert (body["meeting"]["title"], body["meeting"]["joinable"]) == ("Verzonnen bijeenkomst", True)
        assert body["meeting"]["format_title"] == "Spiegelgesprek (algemene vorm)"
    r = room.http.post(f"/api/meetings/{spaced}/join", json={})
    assert r.status_code == 201
    assert r.get_json()["meeting_id"] == room.meeting_id


def test_join(make_room):
    room = make_room()
    r = room.http.post(f"/api/meetings/{room.code}/join", json={"name": " Verzonnen ", "discipline": "arts"})
    assert r.status_code == 201
    body = r.get_json()
    assert set(body) >= {"ok", "token", "participant", "meeting_id"}
    assert body["meeting_id"] == room.meeting_id
    assert (body["participant"]["name"], body["participant"]["discipline"]) == ("Verzonnen", "arts")
    assert len(body["token"]) >= 32
    anonymous = room.http.post(f"/api/meetings/{room.code}/join").get_json()
    assert anonymous["participant"]["label"] == "Luisteraar 2"
    assert room.connect(anonymous["token"])


def test_join_refuses_bad_bodies(make_room):
    room = make_room()
    r = room.http.post(f"/api/meetings/{room.code}/join", data="{kapot", content_type="application/json")
    assert (r.status_code, r.get_json()["error"]["code"]) == (400, "invalid_payload")
    r = room.http.post(f"/api/meetings/{room.code}/join", json=["lijst"])
    assert (r.status_code, r.get_json()["error"]["code"]) == (400, "invalid_payload")
    r = room.http.post(f"/api/meetings/{room.code}/join", json={"naam": "typo"})
    assert (r.status_code, r.get_json()["error"]["code"]) == (400, "invalid_payload")


@pytest.mark.parametrize("kind", ["svg", "png"])
def test_qr_codes(make_room, kind):
    room = make_room()
    r = room.http.get(f"/qr/{room.code.lower()}.{kind}")
    assert r.status_code == 200
    if kind == "svg":
        assert r.mimetype == "image/svg+xml"
        assert b"<svg" in r.data
    else:
        assert r.mimetype == "image/png"
        assert r.data.startswith(b"\x89PNG")
        image = cv2.imdecode(np.frombuffer(r.data, np.uint8), cv2.IMREAD_GRAYSCALE)
        assert cv2.QRCodeDetector().detectAndDecode(image)[0] == f"http://spiegel.test/join/{room.code}"
    assert room.http.get(f"/qr/{room.code}.gif").status_code == 404


def test_admin_login_logout_and_session(app):
    http = app.test_client()
    assert http.get("/api/admin/session").get_json() == {"ok": True, "signed_in": False}
    r = http.get("/api/admin/meetings")
    assert (r.status_code, r.get_json()["error"]["code"]) == (401, "not_authenticated")
    r = http.post("/api/admin/login", json={"password": ADMIN_PASSWORD})
    assert r.status_code == 200 and r.get_json() == {"ok": True}
    cookie = r.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert http.get("/api/admin/session").get_json()["signed_in"] is True
    assert http.get("/api/admin/meetings").status_code == 200
    assert http.post("/api/admin/logout").get_json() == {"ok": True}
    assert http.get("/api/admin/session").get_json()["signed_in"] is False
    assert http.get("/api/admin/meetings").status_code == 401


def test_admin_create_and_list(app):
    http = app.test_client()
    r = http.post("/api/admin/meetings", headers=ADMIN, json={
        "title": "Verzonnen spiegelgesprek", "theme": "Nazorg", "language": "en", "expected_listeners": 18,
        "prepared": [{"text": "Wat viel op?", "phase": "listening"}], "durations": {"listening": 2700}})
    assert r.status_code == 201
    created = r.get_json()
    assert set(created) >= {"ok", "meeting", "moderator_key", "moderator_url", "join_url"}
    meeting = created["meeting"]
    assert (meeting["state"], meeting["language"], meeting["format"]) == ("draft", "en", "common")
    assert created["moderator_url"] == f"http://spiegel.test/moderate/{meeting['id']}#key={created['moderator_key']}"
    assert created["join_url"] == f"http://spiegel.test/join/{meeting['code']}"
    assert len(created["moderator_key"]) >= 32
    listed = http.get("/api/admin/meetings", headers=ADMIN).get_json()
    assert listed["ok"]
    [row] = [m for m in listed["meetings"] if m["id"] == meeting["id"]]
    assert (row["title"], row["state"], row["join_url"]) == ("Verzonnen spiegelgesprek", "draft",
                                                             created["join_url"])
    assert created["moderator_key"] not in json.dumps(listed), "the key is shown once"
    r = http.post("/api/admin/meetings", headers=ADMIN, json={"title": "x", "format": "bestaat_niet"})
    assert (r.status_code, r.get_json()["error"]["code"]) == (400, "invalid_payload")
    r = http.post("/api/admin/meetings", headers=ADMIN, json={"title": "x", "durations": {"nergens": 60}})
    assert (r.status_code, r.get_json()["error"]["code"]) == (400, "unknown_phase")
    r = http.post("/api/admin/meetings", headers=ADMIN, json={"title": "x" * 201})
    assert (r.status_code, r.get_json()["error"]["code"]) == (400, "text_too_long")


def test_admin_duplicate(make_room):
    room = make_room(title="Origineel", theme="Verzonnen thema", language="en",
                     prepared=[{"text": "Wat ging goed?", "phase": "listening"}], durations={"questions": 600})
    mod = room.moderator()
    call(mod, "phase.goto", {"key": "listening"})
    r = room.http.post(f"/api/admin/meetings/{room.meeting_id}/duplicate", headers=ADMIN)
    assert r.status_code == 201
    copy = r.get_json()
    m = copy["meeting"]
    assert m["id"] != room.meeting_id and m["code"] != room.code
    assert (m["title"], m["theme"], m["language"], m["format"], m["state"], m["phase"]) == (
        "Origineel", "Verzonnen thema", "en", "common", "draft", "lobby")
    assert [(p["text"], p["phase"]) for p in m["prepared"]] == [("Wat ging goed?", "listening")]
    assert m["durations"] == {"questions": 600}
    assert copy["moderator_key"] != room.moderator_key
    assert room.connect(copy["moderator_key"])
    r = room.http.post("/api/admin/meetings/bestaat-niet/duplicate", headers=ADMIN)
    assert (r.status_code, r.get_json()["error"]["code"]) == (404, "not_found")
    r = room.app.test_client().post(f"/api/admin/meetings/{room.meeting_id}/duplicate")
    assert (r.status_code, r.get_json()["error"]["code"]) == (401, "not_authenticated")


def test_admin_api_refuses_a_wrong_bearer_password(app):
    http = app.test_client()
    for method, path in (("get", "/api/admin/meetings"), ("post", "/api/admin/meetings")):
        r = getattr(http, method)(path, headers={"Authorization": "Bearer niet-het-wachtwoord"}, json={"title": "x"})
        assert (r.status_code, r.get_json()["error"]["code"]) == (401, "not_authenticated")


def test_error_method_not_allowed(app):
    """docs: "HTTP errors use the same body as socket acks: `{ok: false, error: {code, message}}`"."""
    r = app.test_client().get("/api/admin/login")  # wrong method
    assert r.status_code == 405
    body = r.get_json(silent=True)
    assert body is not None, f"not JSON: {r.data[:60]!r}"
    assert body["ok"] is False and body["error"]["code"] == "method_not_allowed"


def test_a_socket_flood_is_rate_limited_and_stored_data_stays(make_room, app, monkeypatch):
    monkeypatch.setattr(app.extensions["spiegel"].events, "limit", 15)
    room, _mod = listening(make_room)
    token = room.join()["token"]
    listener = room.connect(token)
    acks = [call(listener, "note.add", {"id": uid(), "text": f"Verzonnen {i}"}) for i in range(20)]
    assert [a["ok"] for a in acks] == [True] * 15 + [False] * 5
    assert {a["error"]["code"] for a in acks[15:]} == {"rate_limited"}
    # The limit is per participant: a second socket with the same token gets no fresh window.
    fresh = room.connect(token)
    assert err(call(fresh, "note.add", {"id": uid(), "text": "Verzonnen extra"})) == "rate_limited"
    monkeypatch.setattr(app.extensions["spiegel"].events, "limit", 1000)
    assert len(call(fresh, "sync")["snapshot"]["notes"]) == 15


def test_a_bug_in_an_http_route_answers_internal_error(app, monkeypatch):
    """docs: HTTP errors use the ack body; `internal_error` is "a bug: logged on the server"."""
    room_code = app.test_client().post("/api/admin/meetings", headers=ADMIN,
                                       json={"title": "x", "open": True}).get_json()["meeting"]["code"]

    def broken(*_args, **_kwargs):
        raise RuntimeError("a bug in a route")

    monkeypatch.setattr(web, "join", broken)
    r = app.test_client().post(f"/api/meetings/{room_code}/join", json={"name": "Verzonnen"})
    assert r.status_code == 500
    assert r.get_json(silent=True) == {"ok": False, "error": {"code": "internal_error",
                                                              "message": ERROR_CODES["internal_error"][1]}}


# ================================================================================================
# Every error code, triggered for real
# ================================================================================================


class ProbeClient(SocketIOTestClient):
    """A test client that also keeps the CONNECT_ERROR packet's data (what `connect_error` gets)."""

    refusal: dict | None = None

    def connect(self, *args, **kwargs):
        inner = self.socketio.server._send_packet

        def spy(eio_sid, pkt):
            if pkt.packet_type == packet.CONNECT_ERROR and eio_sid == self.eio_sid:
                self.refusal = pkt.data
            return inner(eio_sid, pkt)

        self.socketio.server._send_packet = spy
        return super().connect(*args, **kwargs)


def connect_probe(app, auth) -> ProbeClient:
    return ProbeClient(app, app.extensions["spiegel"].socketio, auth=auth)


@pytest.mark.parametrize("auth", [None, {}, {"token": ""}, {"token": 123}, "just-a-string"], ids=repr)
def test_error_not_authenticated(app, auth):
    probe = connect_probe(app, auth)
    assert not probe.is_connected()
    assert "not_authenticated" in json.dumps(probe.refusal)
    r = app.test_client().get("/api/admin/meetings")
    assert r.status_code == 401
    body = r.get_json()
    assert body["ok"] is False and body["error"]["code"] == "not_authenticated" and body["error"]["message"]


def test_error_token_unknown(app):
    probe = connect_probe(app, {"token": "niet-een-bestaand-token-" + "x" * 20})
    assert not probe.is_connected()
    assert "token_unknown" in json.dumps(probe.refusal)


def test_error_server_full(app, make_room):
    """docs: one socket past SPIEGEL_MAX_CONNECTIONS is refused with `server_full`; a freed
    place is given out again (the real servers: tests/test_capacity.py)."""
    places = app.extensions["spiegel"].capacity
    room = make_room()
    moderator = room.moderator()
    token = room.join()["token"]
    limit, places.limit = places.limit, places.open  # this module's app is shared: all places taken
    try:
        probe = connect_probe(app, {"token": token})
        assert not probe.is_connected()
        assert probe.refusal["data"]["code"] == "server_full" and probe.refusal["data"]["message"]
        assert room.join()["token"]  # HTTP is still served
        moderator.disconnect()
        room.connect(token).disconnect()
    finally:
        places.limit = limit


def test_error_server_busy(app, make_room):
    """docs: while the worker is too far behind (SPIEGEL_SHED_LAG_MS) a new socket and a
    listener's event get `server_busy` with `retry_after`; nothing is stored, staff events pass,
    HTTP is served, and the tablet's resend with the same id is stored once afterwards (the
    lag measured for real, on real servers: tests/test_load_shed.py)."""
    load = app.extensions["spiegel"].load
    room = make_room()
    moderator = room.moderator()
    assert call(moderator, "phase.goto", {"key": "listening"})["ok"]
    listener = room.listener()
    token = room.join()["token"]
    note = {"id": uid(), "text": "Verzonnen, even niet aangenomen"}
    load.shedding = True  # this module's app is shared: shedding only inside this block
    try:
        ack = call(listener, "note.add", note)
        assert err(ack) == "server_busy" and ack["error"]["retry_after"] >= 3 and ack["error"]["message"]
        # A new session is refused at its HTTP handshake (the real servers: tests/test_load_shed.py) …
        refused = app.test_client().get("/socket.io/?EIO=4&transport=polling")
        assert refused.status_code == 503 and int(refused.headers["Retry-After"]) >= 3
        assert refused.get_json()["error"]["code"] == "server_busy"
        # … and one whose handshake came just before is refused at connect.
        probe = connect_probe(app, {"token": token})
        assert not probe.is_connected()
        assert probe.refusal["data"]["code"] == "server_busy" and probe.refusal["data"]["retry_after"] >= 3
        assert call(moderator, "timer.start", {"seconds": 60})["ok"]  # staff keep running the meeting
        assert room.join()["token"]  # HTTP is still served
    finally:
        load.shedding = False
    first = call(listener, "note.add", note)
    assert first["ok"] and first["duplicate"] is False  # nothing was stored while refused
    assert call(listener, "note.add", note)["duplicate"] is True


@pytest.mark.parametrize(("auth", "code"), [({}, "not_authenticated"), ({"token": "onbekend"}, "token_unknown")])
def test_a_refused_connection_carries_code_and_message_in_connect_error_data(app, auth, code):
    """docs: "refuses the connection with `connect_error` whose `data` is `{code, message}`".

    The socket.io client builds ``err`` from the CONNECT_ERROR packet: ``err.message`` from its
    ``message`` and ``err.data`` from its ``data``; the listener page reads ``err.data.code``.
    """
    probe = connect_probe(app, auth)
    assert not probe.is_connected()
    assert isinstance(probe.refusal, dict)
    assert isinstance(probe.refusal.get("data"), dict), f"no data in the connect_error packet: {probe.refusal}"
    assert probe.refusal["data"]["code"] == code
    assert isinstance(probe.refusal["data"]["message"], str) and probe.refusal["data"]["message"]


def test_error_unknown_code(app):
    http = app.test_client()
    for r in (http.get("/api/meetings/ZZZZZZ"), http.post("/api/meetings/ZZZZZZ/join", json={}),
              http.get("/qr/ZZZZZZ.svg")):
        assert r.status_code == 404
        assert r.get_json()["error"]["code"] == "unknown_code"


def test_error_meeting_closed(make_room):
    room = make_room()
    mod = room.moderator()
    call(mod, "phase.goto", {"key": "ended"})
    r = room.http.post(f"/api/meetings/{room.code}/join", json={})
    assert (r.status_code, r.get_json()["error"]["code"]) == (409, "meeting_closed")
    assert err(call(mod, "timer.start")) == "meeting_closed"
    call(mod, "meeting.archive")
    assert err(call(mod, "phase.goto", {"key": "lobby"})) == "meeting_closed"


def test_error_meeting_not_open(make_room):
    room = make_room(open=False)
    r = room.http.post(f"/api/meetings/{room.code}/join", json={})
    assert (r.status_code, r.get_json()["error"]["code"]) == (409, "meeting_not_open")
    assert err(call(room.moderator(), "phase.goto", {"key": "listening"})) == "meeting_not_open"


def test_error_unknown_event(make_room):
    room = make_room()
    listener = room.listener()
    ack = call(listener, "note.explode", {})
    assert ack["ok"] is False and ack["error"]["code"] == "unknown_event"
    assert "note.explode" not in ack["error"]["message"], "the message never echoes what a client sent"
    assert err(call(listener, "action", {"name": "bestaat.niet"})) == "unknown_event"
    assert err(call(listener, "snapshot", {})) == "unknown_event", "server→client names are not events"


def test_error_invalid_payload(make_room):
    room, mod = listening(make_room)
    listener = room.listener()
    assert err(call(listener, "note.add", ["lijst"])) == "invalid_payload"
    assert err(call(listener, "note.add", {"id": "geen-uuid", "text": "x"})) == "invalid_payload"
    assert err(call(listener, "note.add", {"id": uid(), "text": "x", "extra": 1})) == "invalid_payload"
    assert err(call(mod, "timer.adjust", {"seconds": 0})) == "invalid_payload"


def test_error_text_too_long(make_room, app):
    room, mod = listening(make_room)
    listener = room.listener()
    note_id = uid()
    ack = call(listener, "note.add", {"id": note_id, "text": "x" * 4001})
    assert ack["error"]["code"] == "text_too_long"
    assert ack["error"]["details"] == [{"field": "text", "problem": "string_too_long", "limit": 4000}]
    assert _stored_notes(app, note_id) == 0
    assert call(listener, "note.add", {"id": note_id, "text": "x" * 4000})["ok"]
    ack = call(listener, "question.add", {"id": uid(), "text": "?" * 1001})
    assert ack["error"]["details"][0]["limit"] == 1000
    r = room.http.post(f"/api/meetings/{room.code}/join", json={"name": "n" * 61})
    assert (r.status_code, r.get_json()["error"]["code"]) == (400, "text_too_long")
    r = room.http.post(f"/api/meetings/{room.code}/join", data=b"{" + b" " * (300 * 1024) + b"}",
                       content_type="application/json")
    assert (r.status_code, r.get_json()["error"]["code"]) == (413, "text_too_long")


def test_error_forbidden_role(make_room):
    room = make_room()
    listener = room.listener()
    ack = call(listener, "phase.goto", {"key": "listening"})
    assert err(ack) == "forbidden_role"
    assert err(call(room.moderator(), "note.add", {"id": uid(), "text": "x"})) == "forbidden_role"


def test_error_missing_right(make_room):
    room = make_room()
    mod = room.moderator()
    assistant = room.connect(call(mod, "assistant.create", {"rights": ["questions"]})["key"])
    ack = call(assistant, "timer.start")
    assert err(ack) == "missing_right"
    assert "'run'" in ack["error"]["message"]


def test_error_not_allowed_in_phase(make_room):
    room = make_room()
    listener = room.listener()
    assert err(call(listener, "question.add", {"id": uid(), "text": "Te vroeg?"})) == "not_allowed_in_phase"


def test_error_not_this_format(make_room):
    """A format's own events (here NIK's and KOOS's) are refused in a meeting of another format,
    before any of its handlers runs."""
    room = make_room()
    mod, listener = room.moderator(), room.listener()
    assert err(call(mod, "nik.points.set", {"points": []})) == "not_this_format"
    assert err(call(mod, "koos.round.start", {})) == "not_this_format"
    assert err(call(listener, "koos.turn.pass", {})) == "not_this_format"


def test_error_not_found(make_room):
    room, mod = listening(make_room)
    listener = room.listener()
    assert err(call(listener, "note.edit", {"id": uid(), "text": "x"})) == "not_found"
    assert err(call(mod, "question.update", {"id": uid(), "status": "selected"})) == "not_found"
    assert err(call(mod, "outcome.delete", {"id": uid()})) == "not_found"
    r = room.http.get("/api/bestaat-niet")
    assert (r.status_code, r.get_json()["error"]["code"]) == (404, "not_found")


def test_error_id_conflict(make_room):
    room, mod = listening(make_room)
    a, b = room.listener(), room.listener()
    shared_id = uid()
    call(a, "note.add", {"id": shared_id, "text": "Van a"})
    ack = call(b, "note.add", {"id": shared_id, "text": "Van b"})
    assert err(ack) == "id_conflict"
    assert "Van a" not in json.dumps(ack), "the refusal does not leak a's note"
    call(a, "question.add", {"id": (qid := uid()), "text": "Van a?"})
    assert err(call(b, "question.add", {"id": qid, "text": "Van b?"})) == "id_conflict"


def test_error_question_locked(make_room):
    room, mod = listening(make_room)
    author = room.listener()
    qid = uid()
    call(author, "question.add", {"id": qid, "text": "Gekozen vraag?"})
    call(mod, "question.update", {"id": qid, "status": "selected"})
    assert err(call(author, "question.delete", {"id": qid})) == "question_locked"
    assert err(call(author, "question.edit", {"id": qid, "text": "Anders?"})) == "question_locked"
    assert call(author, "sync")["snapshot"]["questions"][0]["text"] == "Gekozen vraag?"


def test_error_invalid_transition(make_room):
    room = make_room()
    mod = room.moderator()
    assert err(call(mod, "meeting.open")) == "invalid_transition", "already open"
    assert err(call(mod, "meeting.archive")) == "invalid_transition", "not ended yet"
    assert err(call(mod, "timer.pause")) == "invalid_transition"


def test_error_unknown_phase(make_room):
    room = make_room()
    mod = room.moderator()
    ack = call(mod, "phase.goto", {"key": "pauze"})
    assert err(ack) == "unknown_phase"
    assert call(mod, "sync")["snapshot"]["phase"]["key"] == "lobby"


def test_error_unknown_outcome_kind(make_room):
    """The common form has the six core kinds only: another well-formed name is refused, and
    the answer lists the kinds the meeting has without echoing the name sent."""
    room = make_room()
    mod = room.moderator()
    ack = call(mod, "outcome.add", {"id": uid(), "kind": "compliment", "text": "Verzonnen compliment"})
    assert err(ack) == "unknown_outcome_kind" and "compliment" not in ack["error"]["message"]
    assert ack["error"]["details"][0]["allowed"] == ["well", "improvement", "wish", "decision", "priority", "action"]
    assert call(mod, "sync")["snapshot"]["outcomes"] == []


def test_error_stale_state(make_room):
    room = make_room()
    mod = room.moderator()
    assistant = room.connect(call(mod, "assistant.create", {"rights": ["run"]})["key"])
    assert call(mod, "phase.goto", {"key": "listening", "from": "lobby"})["ok"]
    ack = call(assistant, "phase.goto", {"key": "listening", "from": "lobby"})  # both pressed "next"
    assert err(ack) == "stale_state"
    ack = call(assistant, "phase.goto", {"key": "questions", "from": "lobby"})
    assert err(ack) == "stale_state"
    assert call(mod, "sync")["snapshot"]["phase"]["key"] == "listening", "the second press changed nothing"


def test_error_report_final(make_room):
    """A final report refuses item edits until it is reopened (tests/test_report.py has the rest)."""
    room = make_room()
    mod = room.moderator()
    oid = uid()
    assert call(mod, "outcome.add", {"id": oid, "kind": "well", "text": "Verzonnen: goed geluisterd"})["ok"]
    assert call(mod, "phase.goto", {"key": "ended"})["ok"]
    key = {"Authorization": f"Bearer {room.moderator_key}"}
    base = f"/api/moderate/{room.meeting_id}/report"
    assert room.http.put(f"{base}/final", json={"final": True}, headers=key).status_code == 200
    r = room.http.patch(f"{base}/items/outcome:{oid}", json={"removed": True}, headers=key)
    assert (r.status_code, r.get_json()["error"]["code"]) == (409, "report_final")
    assert room.http.put(f"{base}/final", json={"final": False}, headers=key).status_code == 200
    assert room.http.patch(f"{base}/items/outcome:{oid}", json={"removed": True}, headers=key).status_code == 200


def test_joins_from_one_address_are_limited(app, monkeypatch):
    monkeypatch.setattr(app.extensions["spiegel"].joins, "limit", 3)
    room = app.test_client().post("/api/admin/meetings", headers=ADMIN, json={"title": "Vol", "open": True}).get_json()
    http = app.test_client()
    http.environ_base["REMOTE_ADDR"] = "192.0.2.21"
    codes = [http.post(f"/api/meetings/{room['meeting']['code']}/join", json={}).status_code for _ in range(4)]
    assert codes == [201, 201, 201, 429]
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "192.0.2.22"
    assert other.post(f"/api/meetings/{room['meeting']['code']}/join", json={}).status_code == 201


def test_error_rate_limited(app):
    http = app.test_client()
    http.environ_base["REMOTE_ADDR"] = "192.0.2.11"
    for _ in range(10):
        r = http.post("/api/admin/login", json={"password": "fout"})
        assert (r.status_code, r.get_json()["error"]["code"]) == (401, "not_authenticated")
    r = http.post("/api/admin/login", json={"password": "fout"})
    assert (r.status_code, r.get_json()["error"]["code"]) == (429, "rate_limited")
    r = http.post("/api/admin/login", json={"password": ADMIN_PASSWORD})
    assert r.status_code == 429, "even the right password waits now"
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "192.0.2.12"
    assert other.post("/api/admin/login", json={"password": ADMIN_PASSWORD}).status_code == 200


@pytest.fixture
def pg_app(tmp_path, postgres_url):
    app = make_app(tmp_path / "pg-instance", FakeClock(), DATABASE_URL=postgres_url, DB_TIMEOUT=3)
    yield app, postgres_url.rsplit("/", 1)[1]
    app.extensions["spiegel"].db.engine.dispose()


@pytest.mark.postgres
def test_error_storage_unavailable(pg_app):
    """A database that refuses every connection: the ack says so (not internal_error), the
    connect is refused with the same code, /healthz reports it, and nothing is half-stored."""
    import psycopg
    from helpers import PG_ADMIN_URL

    app, dbname = pg_app
    room, _mod = listening_in(app)
    listener = room.listener()
    note = {"id": uid(), "text": "Verzonnen, nog niet bewaard"}
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{dbname}" ALLOW_CONNECTIONS false')
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (dbname,))
        try:
            assert err(call(listener, "note.add", note)) == "storage_unavailable"
            r = room.http.get("/healthz")
            assert (r.status_code, r.get_json()["error"]["code"], r.get_json()["database"]) == (
                503, "storage_unavailable", "down")
            r = room.http.post(f"/api/meetings/{room.code}/join", json={})
            assert (r.status_code, r.get_json()["error"]["code"]) == (503, "storage_unavailable")
            refused = app.extensions["spiegel"].socketio.test_client(
                app, flask_test_client=room.http, auth={"token": room.moderator_key})
            assert not refused.is_connected()
        finally:
            admin.execute(f'ALTER DATABASE "{dbname}" ALLOW_CONNECTIONS true')
    ack = call(listener, "note.add", note)  # the tablet's outbox resends with the same id
    assert ack["ok"] and ack["duplicate"] is False
    assert call(listener, "note.add", note)["duplicate"] is True
    health = room.http.get("/healthz").get_json()
    assert (health["ok"], health["database"]) == (True, "up")


def _sqlite_pragma_on_every_connection(app, pragma: str) -> None:
    """Reopen the app's SQLite connections with one more pragma (a full disk or a read-only file,
    as SQLite reports them)."""
    from sqlalchemy import event

    engine = app.extensions["spiegel"].db.engine
    engine.dispose()
    event.listen(engine, "connect", lambda dbapi, _record: dbapi.execute(pragma))


def test_error_storage_full(tmp_path):
    app = make_app(tmp_path / "instance", FakeClock())
    room, _mod = listening_in(app)
    listener = room.listener()
    with app.extensions["spiegel"].db.engine.connect() as c:
        pages = c.exec_driver_sql("PRAGMA page_count").scalar()
    _sqlite_pragma_on_every_connection(app, f"PRAGMA max_page_count={pages}")
    acks = [call(listener, "note.add", {"id": uid(), "text": "Verzonnen " * 400}) for _ in range(5)]
    assert "storage_full" in [err(a) for a in acks], acks
    assert "internal_error" not in [err(a) for a in acks]
    r = room.http.post(f"/api/meetings/{room.code}/join", json={"name": "Verzonnen " * 5})
    assert r.status_code in (201, 507)
    app.extensions["spiegel"].db.engine.dispose()


def test_error_storage_read_only(tmp_path):
    app = make_app(tmp_path / "instance", FakeClock())
    room, _mod = listening_in(app)
    listener = room.listener()
    _sqlite_pragma_on_every_connection(app, "PRAGMA query_only=ON")
    assert err(call(listener, "note.add", {"id": uid(), "text": "Verzonnen"})) == "storage_read_only"
    r = room.http.post(f"/api/meetings/{room.code}/join", json={})
    assert (r.status_code, r.get_json()["error"]["code"]) == (503, "storage_read_only")
    app.extensions["spiegel"].db.engine.dispose()


def test_error_internal_error(make_room, app, monkeypatch, caplog):
    room, mod = listening(make_room)
    listener = room.listener()

    def broken(ctx, data):
        ctx.session.add(Note(id=data.id, meeting_id=ctx.meeting.id, participant_id=ctx.participant.id,
                             text=data.text, tags=[], created_at=ctx.now, updated_at=ctx.now, version=1))
        ctx.session.flush()
        raise RuntimeError("a bug in a handler")

    _replace_handler(monkeypatch, app, "note.add", broken)
    note_id = uid()
    with caplog.at_level(logging.INFO, logger="spiegel"):
        ack = call(listener, "note.add", {"id": note_id, "text": "Gevoelige verzonnen tekst"})
    assert ack == {"ok": False, "error": {"code": "internal_error", "message": ERROR_CODES["internal_error"][1]}}
    assert "a bug in a handler" in caplog.text, "the traceback is logged"
    assert "Gevoelige" not in caplog.text, "the payload is not"
    assert _stored_notes(app, note_id) == 0, "nothing half-done is kept"
    assert listener.is_connected()
    assert call(listener, "sync")["ok"]


# ================================================================================================
# The tables: every event and every error code has its test
# ================================================================================================

EVENT_TESTS = {
    "sync": test_sync,
    "note.add": test_note_add,
    "note.edit": test_note_edit,
    "note.delete": test_note_delete,
    "note.share": test_note_share_reaches_staff_only_anonymised_and_only_after_the_end,
    "question.add": test_question_add,
    "question.edit": test_question_edit,
    "question.delete": test_question_delete,
    "question.withdraw": test_question_withdraw,
    "turn.set": test_turn_set,
    "poll.answer": test_poll_answer,
    "meeting.update": test_meeting_update,
    "meeting.open": test_meeting_open,
    "meeting.archive": test_meeting_archive,
    "phase.goto": test_phase_goto,
    "timer.start": test_timer_start,
    "timer.pause": test_timer_pause,
    "timer.resume": test_timer_resume,
    "timer.adjust": test_timer_adjust,
    "timer.reset": test_timer_reset,
    "prepared.set": test_prepared_set,
    "prompt.set": test_prompt_set,
    "question.update": test_question_update,
    "question.reorder": test_question_reorder,
    "question.merge": test_question_merge,
    "question.asking": test_question_asking,
    "outcome.add": test_outcome_add,
    "outcome.edit": test_outcome_edit,
    "outcome.delete": test_outcome_delete,
    "poll.open": test_poll_open,
    "poll.close": test_poll_close,
    "assistant.create": test_assistant_create,
    "display.link": test_display_link,
    "action": test_action,
}

ERROR_TESTS = {code: globals()[f"test_error_{code}"] for code in ERROR_CODES if f"test_error_{code}" in globals()}


def core_feature_events() -> set[str]:
    """The core features' events; the built-in formats (``spiegel.plugins.*``) test theirs in
    their own test modules (tests/test_format_*.py, each with the same table check)."""
    registry = core_registry()
    return {name for name in registry.client if not registry.owners[f"client:{name}"].startswith("spiegel.plugins.")}


def test_every_event_and_error_code_has_a_test():
    assert set(EVENT_TESTS) == core_feature_events() | {"action"}
    assert set(ERROR_TESTS) == set(ERROR_CODES), f"missing: {sorted(set(ERROR_CODES) - set(ERROR_TESTS))}"
    for test in [*EVENT_TESTS.values(), *ERROR_TESTS.values()]:
        assert callable(test) and test.__name__.startswith("test_")
        assert globals()[test.__name__] is test


def test_invite_create_makes_a_link_that_joins_as_its_kind(tmp_path, clock):
    """The example format declares a `guest` kind that joins by invitation only."""
    app = make_app(tmp_path / "instance", clock, PLUGINS_DIR=str(PLUGINS))
    http = app.test_client()
    created = http.post("/api/admin/meetings", headers=ADMIN,
                        json={"title": "Met gasten", "format": "example_round", "open": True}).get_json()
    room = Room(app, created)
    mod = room.moderator()
    ack = call(mod, "invite.create", {"kind": "guest"})
    assert ack["ok"] and ack["kind"] == "guest" and ack["qr_svg"].startswith("<")
    assert ack["url"].startswith(f"http://spiegel.test/join/{created['meeting']['code']}#invite=")
    secret = ack["url"].split("#invite=", 1)[1]
    joined = http.post(f"/api/meetings/{created['meeting']['code']}/join", json={"invite": secret}).get_json()
    assert joined["ok"] and joined["kind"] == "guest" and joined["participant"]["label"] == "Gast 1"
    guest = room.connect(joined["token"])
    snap = next(m["args"][0] for m in guest.get_received() if m["name"] == "snapshot")
    assert snap["role"] == snap["kind"] == "guest" and snap["client"]["page"] == "participant"
    # A new link for the kind revokes the old one; listeners cannot be invited, unknown kinds are refused.
    call(mod, "invite.create", {"kind": "guest"})
    again = http.post(f"/api/meetings/{created['meeting']['code']}/join", json={"invite": secret})
    assert (again.status_code, again.get_json()["error"]["code"]) == (401, "token_unknown")
    for kind in ("listener", "nobody"):
        refused = call(mod, "invite.create", {"kind": kind})
        assert refused["error"]["details"] == [{"field": "kind", "problem": "unknown_kind"}]
    assert err(call(room.listener(), "invite.create", {"kind": "guest"})) == "forbidden_role"


EVENT_TESTS["invite.create"] = test_invite_create_makes_a_link_that_joins_as_its_kind


def test_assistant_links_hold_only_assistant_rights(make_room):
    """`setup` stays the moderator's; names that are no right at all are refused too."""
    mod = make_room().moderator()
    for rights in (["setup"], ["everything"], ["run", "setup"]):
        ack = call(mod, "assistant.create", {"rights": rights})
        assert err(ack) == "invalid_payload", (rights, ack)
        assert ack["error"]["details"] == [{"field": "rights", "problem": "unknown_right"}]
    assert call(mod, "assistant.create", {"rights": ["run", "questions", "outcomes"]})["ok"]
