"""KOOS Utrecht (seed 002) in process: the library of question sets picked at creation, the
phase plan's permissions, the outer-ring speaking order (join order, shuffled, by hand; skip,
pass, back to the end, late joiners; the speaker timer; the speaker's private prompt), and the
reflection meeting that gathers what several mirror meetings' reports may show. The run over
real sockets, with a server restart mid-round, is in test_formats_e2e.py."""

from __future__ import annotations

from helpers import ADMIN_PASSWORD, Room, call, received, uid
from spiegel.models import Meeting
from spiegel.plugins.koos.order import Line
from spiegel.sections import collect_sections

ADMIN = {"Authorization": f"Bearer {ADMIN_PASSWORD}"}


def admin(app, name: str, body: dict | None = None):
    return app.test_client().post(f"/api/admin/actions/{name}", json=body or {}, headers=ADMIN)


def question_set(app) -> dict:
    r = admin(app, "koos.question_sets.save", {
        "name": "Leidende principes (verzonnen)", "principle": "Eén gezin, één plan",
        "items": [{"text": "Hoe werd er naar jullie geluisterd?", "phase": "first_round"},
                  {"text": "Wat wisten jullie van hoe besluiten tot stand kwamen?", "phase": "first_round"}]})
    assert r.status_code == 200, r.get_json()
    return r.get_json()["set"]


def koos_meeting(app, **fields) -> Room:
    body = {"title": "Spiegelgesprek team Noordwest (verzonnen)", "format": "koos", "open": True,
            "options": {"team": "Noordwest"}, **fields}
    r = app.test_client().post("/api/admin/meetings", json=body, headers=ADMIN)
    assert r.status_code == 201, r.get_json()
    return Room(app, r.get_json())


def sections_of(app, meeting_id: str) -> dict[str, dict]:
    sp = app.extensions["spiegel"]
    with sp.db.transaction() as session:
        return {s["key"]: s for s in collect_sections(sp.context(session, session.get(Meeting, meeting_id)))}


# --- the library -------------------------------------------------------------------------------------

def test_the_library_keeps_question_sets_and_a_meeting_is_created_from_one(app):
    chosen = question_set(app)
    assert [s["name"] for s in admin(app, "koos.question_sets.list").get_json()["sets"]] == [chosen["name"]]
    room = koos_meeting(app, options={"question_set": chosen["id"], "team": "Noordwest"})
    prepared = room.created["meeting"]["prepared"]
    assert [p["text"] for p in prepared] == [i["text"] for i in chosen["items"]]
    assert {p["phase"] for p in prepared} == {"first_round"}
    assert call(room.moderator(), "sync")["snapshot"]["format_data"]["question_set"]["name"] == chosen["name"]
    assert sections_of(app, room.meeting_id)["koos_meeting"]["items"] == [
        {"text": "Team/wijk: Noordwest"}, {"text": f"Vragenset: {chosen['name']}"}]
    # Deleting the set leaves the meeting's copy alone.
    assert admin(app, "koos.question_sets.delete", {"id": chosen["id"]}).get_json()["deleted"] == chosen["id"]
    assert admin(app, "koos.question_sets.list").get_json()["sets"] == []


def test_library_refusals(app):
    r = app.test_client().post("/api/admin/actions/koos.question_sets.list", json={})
    assert r.status_code == 401, "administrator only"
    r = admin(app, "koos.question_sets.save", {"name": "x", "items": [{"text": "y", "phase": "nergens"}]})
    assert r.get_json()["error"]["code"] == "unknown_phase"
    assert admin(app, "bestaat.niet").status_code == 404
    r = app.test_client().post("/api/admin/meetings", headers=ADMIN, json={
        "title": "x", "format": "koos", "options": {"question_set": "onbekend"}})
    assert r.get_json()["error"]["details"] == [{"field": "options.question_set", "problem": "unknown_set"}]


# --- the speaking order as data ------------------------------------------------------------------------

def test_the_line_runs_skip_pass_back_to_the_end_and_late_joiners():
    line = Line.build("join", ["a", "b", "c", "d"])
    assert line.current == "a" and line.next_up() == "b"
    line.advance()                       # a done
    line.to_end("b")                     # b: later, back to the end
    assert line.current == "c" and line.waiting() == ["d", "b"]
    line.skip("d")                       # d is not there now
    assert line.waiting() == ["b"]
    line.join_late(["a", "b", "c", "d", "e"])
    assert line.waiting() == ["b", "e"], "a late joiner joins the end"
    line.pass_turn("c")                  # c passes while speaking
    assert line.current == "b" and line.status["c"] == "passed"
    line.to_end("d")                     # the skipped one gets another chance, at the end
    assert line.waiting() == ["e", "d"]
    line.arrange(["d", "e"])
    assert line.waiting() == ["d", "e"] and line.position("e") == 2 and line.position("b") == 0
    assert Line.build("manual", ["a", "b", "c"], ["c", "a"]).line == ["c", "a", "b"]
    shuffled = Line.build("shuffle", [str(i) for i in range(12)])
    assert sorted(shuffled.line, key=int) == [str(i) for i in range(12)]


# --- the outer-ring round over the protocol ---------------------------------------------------------------

def test_outer_ring_round_tells_each_their_own_place_and_the_speaker_their_own_notes(app, clock):
    room = koos_meeting(app)
    mod = room.moderator()
    display = room.connect(call(mod, "display.link")["key"])
    listeners = [room.listener() for _ in range(3)]
    ids = [call(c, "sync")["snapshot"]["me"]["id"] for c in listeners]
    call(mod, "phase.goto", {"key": "first_round"})
    secret = "Verzonnen-privé: wat mij raakte bij de moeder"
    call(listeners[0], "note.add", {"id": uid(), "text": secret})
    call(listeners[1], "note.add", {"id": uid(), "text": "Verzonnen: notitie van de tweede"})
    assert call(mod, "koos.round.start", {})["error"]["code"] == "not_allowed_in_phase"
    call(mod, "phase.goto", {"key": "outer_ring"})
    for c in (mod, display, *listeners):
        c.get_received()
    started = call(mod, "koos.round.start", {"mode": "join", "seconds": 120})["round"]
    assert [p["id"] for p in started["line"]] == ids
    assert started["current"]["id"] == ids[0] and started["next"]["id"] == ids[1]
    assert started["timer"]["running"] and started["timer"]["duration_ms"] == 120_000
    mine = received(listeners[0], "koos.turn")[-1]["turn"]
    assert mine["speaking"] and [n["text"] for n in mine["notes"]] == [secret]
    second = received(listeners[1], "koos.turn")[-1]["turn"]
    assert second == {"active": True, "status": "waiting", "position": 1, "next": True, "speaking": False,
                      "timer": second["timer"]}
    # The private prompt reaches its owner only: not the room, not the other listeners.
    assert secret not in repr(display.get_received()) + repr(listeners[1].get_received()) + repr(
        listeners[2].get_received())
    assert received(mod, "koos.speaker")[-1]["round"]["speaker"] == "Luisteraar 1"
    # A late joiner joins the end of the line.
    late = room.listener()
    late_id = call(late, "sync")["snapshot"]["me"]["id"]
    assert call(late, "sync")["snapshot"]["format_data"]["turn"]["position"] == 3
    # The speaker passes from their own tablet; the moderator sends one back to the end; skip.
    assert call(listeners[0], "koos.turn.pass")["turn"]["status"] == "passed"
    now = call(mod, "sync")["snapshot"]["format_data"]["round"]
    assert now["current"]["id"] == ids[1]
    assert [p["id"] for p in now["line"] if p["status"] == "waiting"] == [ids[2], late_id]
    assert call(mod, "koos.round.later", {})["round"]["current"]["id"] == ids[2]
    assert call(mod, "koos.round.skip", {"participant": late_id})["round"]["next"]["id"] == ids[1]
    assert call(mod, "koos.round.arrange", {"order": [ids[1]]})["ok"]
    # The speaker timer: pause keeps the remaining time; add; restart.
    clock.advance(30)
    paused = call(mod, "koos.round.timer", {"action": "pause"})["round"]["timer"]
    assert not paused["running"] and paused["remaining_ms"] == 90_000
    assert call(mod, "koos.round.timer", {"action": "add", "seconds": 30})["round"]["timer"]["remaining_ms"] == 120_000
    assert call(mod, "koos.round.timer", {"action": "resume"})["round"]["timer"]["running"]
    restarted = call(mod, "koos.round.timer", {"action": "restart", "seconds": 60})["round"]["timer"]
    assert restarted["duration_ms"] == 60_000
    assert call(mod, "koos.round.next", {})["round"]["current"]["id"] == ids[1]
    done = call(mod, "koos.round.next", {})["round"]
    assert done["current"] is None and done["next"] is None
    assert call(mod, "koos.round.stop")["round"]["active"] is False
    assert sections_of(app, room.meeting_id)["koos_outer_ring"]["items"] == [
        {"text": "2 spraken, 1 pasten, 1 overgeslagen", "spoke": 2, "passed": 1, "skipped": 1}]
    assert call(listeners[2], "koos.round.next", {})["error"]["code"] == "forbidden_role"


def test_each_kind_may_do_only_what_its_phase_allows(app):
    room = koos_meeting(app)
    mod = room.moderator()
    listener = room.listener()
    plan = {"lobby": set(), "first_round": {"note"}, "outer_ring": {"note", "pass"}, "closing": {"note", "share"},
            "ended": {"share"}}
    note = None
    for key, may in plan.items():
        if key != "lobby":
            call(mod, "phase.goto", {"key": key})
        tried = call(listener, "note.add", {"id": uid(), "text": "Verzonnen notitie"})
        assert tried["ok"] is ("note" in may), key
        note = tried["note"]["id"] if tried["ok"] else note
        assert call(listener, "question.add", {"id": uid(), "text": "Vraag?"})["error"]["code"] == \
            "not_allowed_in_phase", key
        if note:
            assert call(listener, "note.share", {"id": note, "shared": True})["ok"] is ("share" in may), key
        passed = call(listener, "koos.turn.pass")
        assert passed["error"]["code"] == ("invalid_transition" if "pass" in may else "not_allowed_in_phase"), key


# --- the reflection meeting ------------------------------------------------------------------------------

def _ended_mirror(app, team: str, shared: str, private: str, point: str) -> Room:
    room = koos_meeting(app, title=f"Spiegelgesprek team {team} (verzonnen)", options={"team": team})
    mod = room.moderator()
    listener = room.listener()
    call(mod, "phase.goto", {"key": "closing"})
    call(listener, "note.add", {"id": uid(), "text": private})
    note = call(listener, "note.add", {"id": uid(), "text": shared})["note"]
    call(listener, "note.share", {"id": note["id"], "shared": True})
    call(mod, "outcome.add", {"id": uid(), "kind": "improvement", "text": point})
    call(mod, "phase.goto", {"key": "ended"})
    return room


def test_reflection_meeting_gathers_only_what_reports_may_show_and_turns_it_into_actions(app):
    north = _ended_mirror(app, "Noordwest", "Verzonnen gedeeld: ouders willen het proces kennen",
                          "Verzonnen-privé-noord", "Verzonnen: procesinformatie voor ouders")
    south = _ended_mirror(app, "Zuid", "Verzonnen gedeeld: behoefte aan lotgenoten",
                          "Verzonnen-privé-zuid", "Verzonnen: oudergroep autisme")
    running = koos_meeting(app, title="Nog bezig (verzonnen)")
    r = app.test_client().post("/api/admin/meetings", headers=ADMIN, json={
        "title": "Reflectiebijeenkomst (verzonnen)", "format": "koos_reflection", "open": True})
    reflection = Room(app, r.get_json())
    mod = reflection.moderator()
    display = reflection.connect(call(mod, "display.link")["key"])
    candidates = call(mod, "koos.sources.candidates")["candidates"]
    assert {c["id"] for c in candidates} == {north.meeting_id, south.meeting_id}, "only ended KOOS meetings"
    assert {c["team"] for c in candidates} == {"Noordwest", "Zuid"}
    refused = call(mod, "koos.sources.set", {"meeting_ids": [running.meeting_id]})
    assert refused["error"]["details"] == [{"field": "meeting_ids", "problem": "not_a_source"}]
    display.get_received()
    gathered = call(mod, "koos.sources.set", {"meeting_ids": [north.meeting_id, south.meeting_id]})["material"]
    assert [m["meeting"]["team"] for m in gathered] == ["Noordwest", "Zuid"]
    assert gathered[0]["shared_notes"] == ["Verzonnen gedeeld: ouders willen het proces kennen"]
    assert gathered[0]["outcomes"] == [{"kind": "improvement", "text": "Verzonnen: procesinformatie voor ouders"}]
    shown = repr(received(display, "koos.material"))
    assert "lotgenoten" in shown and "privé" not in shown, "never a private note"
    listener = reflection.listener()
    assert "privé" not in repr(call(listener, "sync")["snapshot"])
    call(mod, "phase.goto", {"key": "actions"})
    call(mod, "outcome.add", {"id": uid(), "kind": "action", "text": "Verzonnen: document over hoe KOOS werkt",
                              "owner": "Werkgroep proces", "due": "2025-03-01"})
    report = sections_of(app, reflection.meeting_id)
    assert [i["text"] for i in report["koos_reflection_sources"]["items"]] == [
        "Noordwest – Spiegelgesprek team Noordwest (verzonnen)", "Zuid – Spiegelgesprek team Zuid (verzonnen)"]
    texts = [i["text"] for i in report["koos_reflection_points"]["items"]]
    assert "Verzonnen: oudergroep autisme" in texts and not any("privé" in t for t in texts)
    assert call(mod, "koos.round.start", {})["error"]["code"] == "not_this_format"
    assert call(north.moderator(), "koos.sources.set", {"meeting_ids": []})["error"]["code"] == "not_this_format"


EVENT_TESTS = {
    "koos.round.start": test_outer_ring_round_tells_each_their_own_place_and_the_speaker_their_own_notes,
    "koos.round.next": test_outer_ring_round_tells_each_their_own_place_and_the_speaker_their_own_notes,
    "koos.round.later": test_outer_ring_round_tells_each_their_own_place_and_the_speaker_their_own_notes,
    "koos.round.skip": test_outer_ring_round_tells_each_their_own_place_and_the_speaker_their_own_notes,
    "koos.round.arrange": test_outer_ring_round_tells_each_their_own_place_and_the_speaker_their_own_notes,
    "koos.round.timer": test_outer_ring_round_tells_each_their_own_place_and_the_speaker_their_own_notes,
    "koos.round.stop": test_outer_ring_round_tells_each_their_own_place_and_the_speaker_their_own_notes,
    "koos.turn.pass": test_outer_ring_round_tells_each_their_own_place_and_the_speaker_their_own_notes,
    "koos.sources.candidates": test_reflection_meeting_gathers_only_what_reports_may_show_and_turns_it_into_actions,
    "koos.sources.set": test_reflection_meeting_gathers_only_what_reports_may_show_and_turns_it_into_actions,
}


def test_every_koos_event_has_a_test():
    from spiegel.plugin_manager import core_registry

    registry = core_registry()
    owned = {n for n in registry.client if registry.owners[f"client:{n}"] == "spiegel.plugins.koos"}
    assert set(EVENT_TESTS) == owned
    assert all(globals()[t.__name__] is t for t in EVENT_TESTS.values())
