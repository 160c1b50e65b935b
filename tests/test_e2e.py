"""A whole meeting of the common form against a real `spiegel run` process.

A moderator and twenty listener tablets (real python-socketio clients over websockets on
127.0.0.1) go through every phase, in both supported async modes.
"""

from __future__ import annotations

import pytest
from helpers import LiveServer, uid
from realtime_clients import Peer, close_all

pytestmark = pytest.mark.e2e

LISTENERS = 20



@pytest.fixture(params=["eventlet", "gevent", "threading"])
def server(request, tmp_path):
    srv = LiveServer(instance=tmp_path / "instance", async_mode=request.param).start()
    yield srv
    srv.stop()


def test_whole_common_form_with_twenty_listeners(server: LiveServer):
    created = server.create_meeting(title="Spiegelgesprek nazorg (verzonnen)")
    code = created["meeting"]["code"]
    moderator = Peer(server.url, created["moderator_key"], "moderator").connect()
    assert moderator.of("snapshot")[0]["phase"]["key"] == "lobby"

    listeners: list[Peer] = []
    for i in range(LISTENERS):
        fields = {"name": f"Luisteraar-{i}", "discipline": "verpleegkundige"} if i % 2 else {}
        joined = server.join(code, **fields)
        listeners.append(Peer(server.url, joined["token"], f"listener{i}").connect())
    moderator.wait_for("presence", where=lambda p: p["presence"]["connected"] == LISTENERS)

    # Lobby: nothing to write yet, and listeners cannot drive the meeting.
    refused = listeners[0].call("note.add", {"id": uid(), "text": "te vroeg"})
    assert refused["error"]["code"] == "not_allowed_in_phase"
    assert listeners[0].call("phase.goto", {"key": "listening"})["error"]["code"] == "forbidden_role"

    # Phase one: listening. Each tablet writes two notes and parks one question.
    assert moderator.call("phase.goto", {"key": "listening", "from": "lobby"})["ok"]
    assert moderator.call("timer.start", {})["ok"]
    for peer in listeners:
        peer.wait_for("state", where=lambda s: s["phase"]["key"] == "listening")
    mine: dict[str, dict] = {}
    for i, peer in enumerate(listeners):
        notes = [f"Notitie {i}-{n}: verzonnen observatie" for n in range(2)]
        question = f"Vraag {i}: wat bedoelde u met het verzonnen voorbeeld?"
        for text in notes:
            ack = peer.call("note.add", {"id": uid(), "text": text, "tags": ["improvement"]})
            assert ack["ok"] and not ack["duplicate"], ack
        ack = peer.call("question.add", {"id": uid(), "text": question})
        assert ack["ok"], ack
        mine[peer.name] = {"notes": notes, "question": question, "question_id": ack["question"]["id"]}

    moderator.wait_for("question", count=LISTENERS)
    queue = moderator.snapshot()["questions"]
    assert len(queue) == LISTENERS
    assert {q["author"] for q in queue} >= {"Luisteraar-1 (verpleegkundige)", "Luisteraar 1"}

    # Clarifying questions: the moderator selects three, reorders them, asks the first.
    assert moderator.call("phase.goto", {"key": "questions", "from": "listening"})["ok"]
    chosen = [mine[listeners[i].name]["question_id"] for i in (4, 9, 14)]
    for qid in chosen:
        assert moderator.call("question.update", {"id": qid, "status": "selected"})["ok"]
    assert moderator.call("question.reorder", {"ids": list(reversed(chosen))})["ok"]
    assert moderator.call("question.update", {"id": chosen[-1], "status": "asked"})["ok"]

    author = listeners[9]
    own = author.wait_for("question", where=lambda e: e["question"]["position"] == 1)[-1]["question"]
    assert own["id"] == chosen[1] and own["status"] == "selected"
    asked = listeners[14].wait_for("question", where=lambda e: e["question"]["status"] == "asked")
    assert asked[-1]["question"]["id"] == chosen[2]
    # The author of the dismissed-later question cannot delete a selected one.
    locked = listeners[4].call("question.delete", {"id": chosen[0]})
    assert locked["error"]["code"] == "question_locked"

    # Closing: a listener shares a note for the report; the moderator captures an outcome.
    assert moderator.call("phase.goto", {"key": "closing", "from": "questions"})["ok"]
    sharer = listeners[3]
    note_id = sharer.snapshot()["notes"][0]["id"]
    assert sharer.call("note.share", {"id": note_id, "shared": True})["ok"]
    outcome = {"id": uid(), "kind": "improvement", "text": "Verzonnen verbeterpunt: terugbelafspraak"}
    assert moderator.call("outcome.add", outcome)["ok"]

    assert moderator.call("phase.goto", {"key": "ended", "from": "closing"})["ok"]
    ended = listeners[0].wait_for("state", where=lambda s: s["meeting"]["state"] == "ended")
    assert ended
    assert listeners[0].call("note.add", {"id": uid(), "text": "te laat"})["error"]["code"] == "not_allowed_in_phase"
    status, body = server.api("POST", f"/api/meetings/{code}/join", {})
    assert status == 409 and body["error"]["code"] == "meeting_closed"
    shared = moderator.snapshot()["shared_notes"]
    assert [n["text"] for n in shared] == [mine[sharer.name]["notes"][0]]
    assert "author" not in shared[0] and "participant_id" not in shared[0]

    # Privacy: no socket ever carried another listener's writing; staff never got notes.
    for peer in listeners:
        raw = peer.raw()
        snap = peer.snapshot()
        assert sorted(n["text"] for n in snap["notes"]) == sorted(mine[peer.name]["notes"])
        assert [q["text"] for q in snap["questions"]] == [mine[peer.name]["question"]]
        for other, texts in mine.items():
            if other != peer.name:
                assert not any(t in raw for t in [*texts["notes"], texts["question"]]), (peer.name, other)
    moderator_raw = moderator.raw()
    assert moderator.of("note") == []
    for texts in mine.values():
        for text in texts["notes"]:
            if text != mine[sharer.name]["notes"][0]:
                assert text not in moderator_raw

    close_all([moderator, *listeners])


def test_resend_same_uuid_three_times_across_reconnect(server: LiveServer):
    created = server.create_meeting()
    code = created["meeting"]["code"]
    moderator = Peer(server.url, created["moderator_key"], "moderator").connect()
    assert moderator.call("phase.goto", {"key": "listening"})["ok"]
    token = server.join(code)["token"]
    note = {"id": uid(), "text": "Verzonnen: de ouder voelde zich niet gehoord"}

    first = Peer(server.url, token, "tablet").connect()
    acks = [first.call("note.add", note), first.call("note.add", note)]
    first.close()
    again = Peer(server.url, token, "tablet-after-reload").connect()
    acks.append(again.call("note.add", note))

    assert [a["duplicate"] for a in acks] == [False, True, True]
    assert len({a["note"]["version"] for a in acks}) == 1
    notes = again.snapshot()["notes"]
    assert [n["id"] for n in notes] == [note["id"]]
    close_all([again, moderator])


def test_time_up_is_told_to_the_moderator_only_and_changes_nothing(server: LiveServer):
    created = server.create_meeting()
    moderator = Peer(server.url, created["moderator_key"], "moderator").connect()
    listener = Peer(server.url, server.join(created["meeting"]["code"])["token"], "listener").connect()
    assert moderator.call("phase.goto", {"key": "listening"})["ok"]
    assert moderator.call("timer.start", {"seconds": 1})["ok"]
    expired = moderator.wait_for("timer.expired", timeout=5)
    assert expired[0]["phase"] == "listening"
    time_up_seen_by_listener = listener.of("timer.expired")
    snap = listener.snapshot()
    assert time_up_seen_by_listener == []
    assert snap["phase"]["key"] == "listening" and snap["timer"]["running"] is True
    assert moderator.snapshot()["timer_expired"] is True
    close_all([moderator, listener])
