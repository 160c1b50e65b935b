"""NIK (seed 000) in process: the phase plan's permissions per kind, the priority vote (dots
and ranking, hidden totals, the limit rule, the shared screen), the series, and what reaches
the report data. The end-to-end run over real sockets is in test_formats_e2e.py."""

from __future__ import annotations

import pytest
from helpers import ADMIN_PASSWORD, Room, call, received, uid
from spiegel.models import Meeting
from spiegel.sections import collect_sections

ADMIN = {"Authorization": f"Bearer {ADMIN_PASSWORD}"}
SERIES = {"organisation": "NIK", "region": "Utrecht", "round": 3, "year": 2024}


def nik_meeting(app, **fields) -> Room:
    body = {"title": "Spiegelgesprek NIK (verzonnen)", "theme": "Welbevinden van ouders", "format": "nik",
            "open": True, "options": {"series": SERIES, "focus": "Nazorg"}, **fields}
    r = app.test_client().post("/api/admin/meetings", json=body, headers=ADMIN)
    assert r.status_code == 201, r.get_json()
    return Room(app, r.get_json())


def join_parent(room: Room, mod):
    secret = call(mod, "invite.create", {"kind": "parent"})["url"].split("#invite=", 1)[1]
    joined = room.http.post(f"/api/meetings/{room.code}/join", json={"invite": secret}).get_json()
    assert joined["kind"] == "parent", joined
    return room.connect(joined["token"])


def sections_of(app, room: Room) -> dict[str, dict]:
    sp = app.extensions["spiegel"]
    with sp.db.transaction() as session:
        return {s["key"]: s for s in collect_sections(sp.context(session, session.get(Meeting, room.meeting_id)))}


def to_priorities(app, mod, listener, texts=("Eén vast aanspreekpunt", "Betere overdracht naar huis",
                                              "Aandacht voor broers en zussen")):
    call(mod, "phase.goto", {"key": "priorities"})
    points = [{"id": uid(), "text": t, "source": "moderator"} for t in texts]
    assert call(mod, "nik.points.set", {"points": points})["ok"]
    return [p["id"] for p in points]


def test_options_are_validated_and_refused_for_a_format_without_them(app):
    r = app.test_client().post("/api/admin/meetings", headers=ADMIN, json={
        "title": "x", "format": "nik", "options": {"series": {"organisation": "NIK", "round": 0, "year": 2024}}})
    assert r.status_code == 400 and r.get_json()["error"]["details"][0]["field"] == "series.round"
    r = app.test_client().post("/api/admin/meetings", headers=ADMIN, json={"title": "x", "options": {"a": 1}})
    assert r.get_json()["error"]["details"] == [{"field": "options", "problem": "extra_forbidden"}]


def test_dot_vote_hides_totals_until_closed_and_keeps_priorities_with_their_rule(app):
    room = nik_meeting(app)
    mod = room.moderator()
    listener = room.listener()
    display = room.connect(call(mod, "display.link")["key"])
    parents = [join_parent(room, mod) for _ in range(3)]
    # The invite link is one per kind: a new one revoked the old, but those who joined stay.
    a, b, c = to_priorities(app, mod, listener)
    assert call(mod, "nik.vote.open", {"method": "dots", "dots_per_person": 3})["ok"]
    for client in (mod, listener, display, *parents):
        client.get_received()
    assert call(parents[0], "nik.vote.cast", {"dots": {a: 2, b: 1}})["ok"]
    assert call(parents[1], "nik.vote.cast", {"dots": {b: 3}})["ok"]
    too_many = call(parents[2], "nik.vote.cast", {"dots": {a: 4}})
    assert too_many["error"]["details"][0]["problem"] == "too_many_dots"
    assert call(parents[2], "nik.vote.cast", {"dots": {c: 1}})["ok"]
    assert call(parents[2], "nik.vote.cast", {"dots": {a: 1}})["ok"], "a parent may change their mind"
    # Nobody sees a total while the vote is open: not staff, not the room, not the parents.
    for client in (mod, listener, display, *parents):
        assert "score" not in repr(client.get_received())
    staff = call(mod, "sync")["snapshot"]["format_data"]
    assert staff["progress"] == {"voters": 3, "parents": 3, "dots_used": 7, "most_dots_by_one": 3}
    assert staff["priorities"] == [] and staff["vote"]["voters"] == 3
    assert call(parents[0], "sync")["snapshot"]["format_data"]["ballot"] == {"dots": {a: 2, b: 1}}
    # The limit is never lowered below dots already used.
    low = call(mod, "nik.vote.limit", {"dots_per_person": 2})
    assert low["error"]["code"] == "invalid_transition" and low["error"]["details"][0]["limit"] == 3
    assert call(mod, "nik.vote.limit", {"dots_per_person": 4})["vote"]["dots_per_person"] == 4
    # Points are fixed while the vote is open.
    assert call(mod, "nik.points.set", {"points": []})["error"]["code"] == "invalid_transition"
    closed = call(mod, "nik.vote.close")
    assert [(p["text"], p["score"], p["rank"]) for p in closed["priorities"]] == [
        ("Betere overdracht naar huis", 4, 1), ("Eén vast aanspreekpunt", 3, 2),
        ("Aandacht voor broers en zussen", 0, 3)]
    assert received(display, "nik.priorities")[0]["priorities"][0]["score"] == 4
    assert call(parents[0], "nik.vote.cast", {"dots": {a: 1}})["error"]["code"] == "invalid_transition"
    report = sections_of(app, room)
    assert report["nik_priorities"]["items"][0] == {"text": "Betere overdracht naar huis", "score": 4, "rank": 1,
                                                    "rule": "dots", "voters": 3}
    assert report["nik_series"]["items"][:2] == [{"text": "NIK Utrecht, ronde 3, 2024", "round": 3, "year": 2024},
                                                 {"text": "Regionale focus: Nazorg"}]


def test_ranking_scores_borda_and_the_shared_screen_counts_for_several_parents(app):
    room = nik_meeting(app)
    mod = room.moderator()
    parent = join_parent(room, mod)
    a, b, c = to_priorities(app, mod, None)
    assert call(mod, "nik.vote.open", {"method": "rank"})["vote"]["rule"] == "borda"
    assert call(parent, "nik.vote.cast", {"dots": {a: 1}})["error"]["details"][0]["field"] == "ranking"
    assert call(parent, "nik.vote.cast", {"ranking": [c, a]})["ok"]
    assert call(mod, "nik.vote.room", {"ranking": [a, b, c], "voters": 2})["ok"]
    scores = {p["text"][:4]: p["score"] for p in call(mod, "nik.vote.close")["priorities"]}
    # parent: c=3, a=2; room (2 people): a=3*2, b=2*2, c=1*2
    assert scores == {"Eén ": 8, "Bete": 4, "Aand": 5}


def test_each_kind_may_do_only_what_its_phase_allows(app):
    room = nik_meeting(app)
    mod = room.moderator()
    listener = room.listener()
    parent = join_parent(room, mod)
    cases = {"lobby": (set(), set()), "listening": ({"note", "question"}, set()),
             "questions": ({"note", "question", "share"}, set()), "priorities": ({"note", "share"}, {"prioritise"}),
             "ended": ({"share"}, set())}
    note = None
    for key, (listener_may, parent_may) in cases.items():
        if key != "lobby":
            assert call(mod, "phase.goto", {"key": key})["ok"]
        tried = call(listener, "note.add", {"id": uid(), "text": "Verzonnen notitie"})
        assert tried["ok"] is ("note" in listener_may), (key, tried)
        if tried["ok"]:
            note = tried["note"]["id"]
        tried = call(listener, "question.add", {"id": uid(), "text": "Verzonnen vraag?"})
        assert tried["ok"] is ("question" in listener_may), (key, tried)
        if note:
            tried = call(listener, "note.share", {"id": note, "shared": True})
            assert tried["ok"] is ("share" in listener_may), (key, tried)
        tried = call(parent, "nik.vote.cast", {"dots": {}})
        expected = "invalid_transition" if "prioritise" in parent_may else "not_allowed_in_phase"
        assert tried["error"]["code"] == expected, (key, tried)
        assert call(parent, "note.add", {"id": uid(), "text": "x"})["error"]["code"] == "not_allowed_in_phase"
        assert call(listener, "nik.vote.cast", {"dots": {}})["error"]["code"] == "not_allowed_in_phase"
        assert call(listener, "nik.points.set", {"points": []})["error"]["code"] == "forbidden_role"


def test_suggestions_are_outcomes_and_shared_notes_never_private_ones(app):
    room = nik_meeting(app)
    mod = room.moderator()
    listener = room.listener()
    call(mod, "phase.goto", {"key": "questions"})
    private = call(listener, "note.add", {"id": uid(), "text": "Verzonnen-privé: blijft bij mij"})["note"]
    shared = call(listener, "note.add", {"id": uid(), "text": "Verzonnen: informatie over de NIK"})["note"]
    call(listener, "note.share", {"id": shared["id"], "shared": True})
    call(mod, "outcome.add", {"id": uid(), "kind": "improvement", "text": "Verzonnen: overgang naar huis"})
    found = call(mod, "nik.suggestions")["suggestions"]
    assert [(s["source"], s["text"]) for s in found] == [("outcome", "Verzonnen: overgang naar huis"),
                                                         ("note", "Verzonnen: informatie over de NIK")]
    assert private["text"] not in repr(found)


def test_rounds_of_a_series_are_compared_in_the_report(app):
    earlier = nik_meeting(app, options={"series": {**SERIES, "round": 2, "year": 2021}})
    mod = earlier.moderator()
    a, _b, _c = to_priorities(app, mod, None)
    call(mod, "nik.vote.open", {"method": "dots", "dots_per_person": 2})
    call(mod, "nik.vote.room", {"dots": {a: 6}, "voters": 4})
    call(mod, "nik.vote.close")
    other_region = nik_meeting(app, options={"series": {**SERIES, "region": "Zuidwest", "round": 1, "year": 2019}})
    assert other_region
    now = nik_meeting(app)
    assert call(now.moderator(), "sync")["snapshot"]["format_data"]["earlier_rounds"][0]["round"] == 2
    items = sections_of(app, now)["nik_series"]["items"]
    assert {"text": "NIK Utrecht, ronde 2, 2021: Eén vast aanspreekpunt", "round": 2, "year": 2021, "score": 6,
            "rank": 1, "rule": "dots"} in items
    assert not any("Zuidwest" in i["text"] for i in items)


@pytest.mark.parametrize("bad", [{"dots": {"nope": 1}}, {"ranking": ["x"]}])
def test_a_ballot_for_unknown_points_is_refused(app, bad):
    room = nik_meeting(app)
    mod = room.moderator()
    parent = join_parent(room, mod)
    to_priorities(app, mod, None)
    call(mod, "nik.vote.open", {"method": "dots" if "dots" in bad else "rank"})
    assert call(parent, "nik.vote.cast", bad)["error"]["code"] == "invalid_payload"


EVENT_TESTS = {
    "nik.setup": None,  # filled below, after the test is defined
    "nik.suggestions": test_suggestions_are_outcomes_and_shared_notes_never_private_ones,
    "nik.points.set": test_dot_vote_hides_totals_until_closed_and_keeps_priorities_with_their_rule,
    "nik.vote.open": test_dot_vote_hides_totals_until_closed_and_keeps_priorities_with_their_rule,
    "nik.vote.limit": test_dot_vote_hides_totals_until_closed_and_keeps_priorities_with_their_rule,
    "nik.vote.cast": test_dot_vote_hides_totals_until_closed_and_keeps_priorities_with_their_rule,
    "nik.vote.close": test_dot_vote_hides_totals_until_closed_and_keeps_priorities_with_their_rule,
    "nik.vote.room": test_ranking_scores_borda_and_the_shared_screen_counts_for_several_parents,
}


def test_setup_changes_series_and_focus_and_tells_the_room(app):
    room = nik_meeting(app)
    mod = room.moderator()
    display = room.connect(call(mod, "display.link")["key"])
    display.get_received()
    ack = call(mod, "nik.setup", {"series": {**SERIES, "round": 4, "year": 2027}, "focus": "Rouw en verlies"})
    assert ack["setup"]["series_label"] == "NIK Utrecht, ronde 4, 2027"
    assert received(display, "nik.setup")[0]["setup"]["focus"] == "Rouw en verlies"
    assert call(room.listener(), "nik.setup", {"focus": "x"})["error"]["code"] == "forbidden_role"


EVENT_TESTS["nik.setup"] = test_setup_changes_series_and_focus_and_tells_the_room


def test_every_nik_event_has_a_test():
    from spiegel.plugin_manager import core_registry

    registry = core_registry()
    owned = {n for n in registry.client if registry.owners[f"client:{n}"] == "spiegel.plugins.nik"}
    assert set(EVENT_TESTS) == owned
    assert all(globals()[t.__name__] is t for t in EVENT_TESTS.values())
