"""Follow-up after the meeting: the action lifecycle, the organisation's board (filters, CSV,
ICS) and series of rounds compared side by side."""

from __future__ import annotations

import json

from helpers import Room, call, uid
from report_support import ADMIN, PRIVATE, full_meeting
from spiegel.report import followup
from spiegel.report.exports import read_csv_table
from spiegel.report.tables import ActionUpdate
from sqlalchemy import select


def test_an_action_moves_through_its_statuses_with_dated_progress(app, clock):
    m = full_meeting(app)
    http, path = m.room.http, f"{m.base}/outcomes/{m.action_id}"
    mod = m.room.moderator()
    mod.get_received()
    r = http.post(f"{path}/progress", json={"text": "Verzonnen: eerste overleg gepland", "status": "in_progress"},
                  headers=m.key)
    assert r.status_code == 201 and r.get_json()["outcome"]["status"] == "in_progress"
    assert [e["args"][0]["outcome"]["status"] for e in mod.get_received() if e["name"] == "outcome"] == ["in_progress"]
    clock.advance(7 * 86400)
    assert http.patch(path, json={"status": "done"}, headers=m.key).get_json()["outcome"]["status"] == "done"
    clock.advance(86400)
    http.patch(path, json={"status": "dropped"}, headers=m.key)
    http.patch(path, json={"status": "open"}, headers=m.key)
    progress = http.get(f"{m.base}/report.json", headers=m.key).get_json()["outcomes"]["action"][0]["progress"]
    assert [(p["status"], p["text"]) for p in progress] == [
        ("in_progress", "Verzonnen: eerste overleg gepland"), ("done", ""), ("dropped", ""), ("open", "")]
    assert progress[0]["at"] < progress[1]["at"] < progress[2]["at"], "each step has its date"
    sp = app.extensions["spiegel"]
    with sp.db.transaction() as s:
        assert {u.by_role for u in s.scalars(select(ActionUpdate))} == {"moderator"}

    r = http.patch(path, json={"status": "finished"}, headers=m.key)
    assert r.get_json()["error"]["code"] == "invalid_payload"
    r = http.post(f"{m.base}/outcomes/{m.outcomes['wish']}/progress", json={"text": "x"}, headers=m.key)
    assert r.get_json()["error"]["code"] == "invalid_transition", "only actions have progress"
    r = http.patch(f"{m.base}/outcomes/{m.outcomes['wish']}", json={"status": "done"}, headers=m.key)
    assert r.get_json()["error"]["code"] == "invalid_transition"


def test_outcomes_link_to_shared_notes_only_and_to_a_phase(app):
    m = full_meeting(app)
    http, path = m.room.http, f"{m.base}/outcomes/{m.outcomes['improvement']}"
    shared = list(m.shared)[:2]
    r = http.patch(path, json={"note_ids": shared, "phase": "questions"}, headers=m.key).get_json()
    assert r["outcome"]["note_ids"] == shared and r["outcome"]["phase"] == "questions"
    report = http.get(f"{m.base}/report.json", headers=m.key).get_json()
    assert report["outcomes"]["improvement"][0]["note_ids"] == shared
    assert report["outcomes"]["improvement"][0]["phase_title"] == "Verhelderende vragen"
    assert http.patch(path, json={"note_ids": [uid()]}, headers=m.key).get_json()["error"]["code"] == "not_found"
    assert http.patch(path, json={"phase": "nope"}, headers=m.key).get_json()["error"]["code"] == "unknown_phase"


def test_a_new_action_is_open_and_outcomes_remember_their_phase(make_room):
    room = make_room()
    mod = room.moderator()
    assert call(mod, "phase.goto", {"key": "listening"})["ok"]
    ack = call(mod, "outcome.add", {"id": uid(), "kind": "action", "text": "Verzonnen actie"})
    assert (ack["outcome"]["status"], ack["outcome"]["phase"]) == ("open", "listening")
    ack = call(mod, "outcome.add", {"id": uid(), "kind": "wish", "text": "Verzonnen wens"})
    assert (ack["outcome"]["status"], ack["outcome"]["phase"]) == (None, "listening")
    ack = call(mod, "outcome.edit", {"id": ack["outcome"]["id"], "kind": "action"})
    assert ack["outcome"]["status"] == "open"


def _action(app, room: Room, text: str, owner: str | None, due: str | None) -> str:
    mod = room.moderator()
    oid = uid()
    extra = {k: v for k, v in (("owner", owner), ("due", due)) if v}
    assert call(mod, "outcome.add", {"id": oid, "kind": "action", "text": text, **extra})["ok"]
    mod.disconnect()
    return oid


def test_the_board_filters_by_series_format_theme_owner_status_and_overdue(app, make_room, clock):
    # The fake clock stands at 2027-01-15.
    http = app.test_client()
    north = http.post("/api/admin/series", headers=ADMIN, json={"organisation": "Verzonnen NIK", "region": "Noord"})
    north = north.get_json()["series"]["id"]
    a = make_room(title="Verzonnen A", theme="Nazorg na verlies")
    b = make_room(title="Verzonnen B", theme="Overdracht naar huis")
    http.put(f"/api/admin/meetings/{a.meeting_id}/series", headers=ADMIN, json={"series_id": north, "year": 2024})
    late = _action(app, a, "Verzonnen: rouwfolder", "Team Rouw", "2027-01-01")
    soon = _action(app, a, "Verzonnen: terugbellen", "Team Rouw", "2027-03-01")
    free = _action(app, b, "Verzonnen: huisbezoek", "Anne (verzonnen)", "voor de zomer")
    none = _action(app, b, "Verzonnen: zonder eigenaar", None, "2026-12-01")
    done = _action(app, b, "Verzonnen: al klaar", "Team Rouw", "2026-11-01")
    http.patch(f"/api/admin/actions/{done}", headers=ADMIN, json={"status": "done"})

    def ids(query: str = "") -> list[str]:
        body = http.get(f"/api/admin/followup{query}", headers=ADMIN).get_json()
        return [row["id"] for row in body["actions"]]

    board = http.get("/api/admin/followup", headers=ADMIN).get_json()
    assert [r["id"] for r in board["actions"]] == [free, late, soon, none], "by owner, then due date; no owner last"
    overdue = {r["id"]: r["overdue"] for r in board["actions"]}
    assert overdue == {late: True, soon: False, free: False, none: True}
    assert ids(f"?series={north}") == [late, soon]
    assert ids("?theme=overdracht") == [free, none]
    assert ids("?owner=team%20rouw") == [late, soon]
    assert ids("?overdue=1") == [late, none]
    assert ids("?status=done") == [done]
    assert set(ids("?status=all")) == {late, soon, free, none, done}
    assert ids("?format=common") == ids() and ids("?format=nik") == []
    assert board["series"][0]["organisation"] == "Verzonnen NIK"

    csv_text = http.get("/api/admin/followup.csv?overdue=1", headers=ADMIN).data.decode("utf-8-sig")
    rows = read_csv_table(csv_text)
    assert [(r["id"], r["overdue"], r["due_date"]) for r in rows] == [(late, "yes", "2027-01-01"),
                                                                      (none, "yes", "2026-12-01")]
    ics = http.get("/api/admin/followup.ics", headers=ADMIN)
    assert ics.mimetype == "text/calendar"
    text = ics.data.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert text.count("BEGIN:VEVENT") == 3, "the action with a free-text due date has no calendar day"
    assert f"UID:{late}@spiegel" in text and "DTSTART;VALUE=DATE:20270101" in text
    assert "SUMMARY:Verzonnen: rouwfolder (Team Rouw)" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert http.get("/api/admin/followup").get_json()["error"]["code"] == "not_authenticated"


def test_ics_folds_long_lines_and_escapes_text():
    rows = [{"id": "x", "text": "Verzonnen; lang, " + "é" * 80, "owner": None, "due_date": "2027-05-01",
             "meeting": {"title": "T"}}]
    text = followup.to_ics(rows, 1_800_000_000)
    assert "SUMMARY:Verzonnen\\; lang\\, " in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    unfolded = text.replace("\r\n ", "")
    assert "é" * 80 in unfolded


def test_a_series_of_three_rounds_side_by_side(app, clock):
    http = app.test_client()
    sid = http.post("/api/admin/series", headers=ADMIN, json={
        "organisation": "Verzonnen netwerk", "region": "Zuidoost", "title": "Spiegelgesprekken"})
    sid = sid.get_json()["series"]["id"]
    first = full_meeting(app, title="Verzonnen ronde 1")
    assert http.put(f"/api/admin/meetings/{first.room.meeting_id}/series", headers=ADMIN,
                    json={"series_id": sid, "year": 2019}).get_json()["place"] == {
        "series_id": sid, "round": 1, "year": 2019}
    first.room.http.patch(f"{first.base}/outcomes/{first.outcomes['priority']}", json={"score": 9}, headers=first.key)

    r = http.post(f"/api/admin/series/{sid}/next", headers=ADMIN, json={"title": "Verzonnen ronde 2", "year": 2022})
    assert r.status_code == 201
    second = r.get_json()
    assert second["place"]["round"] == 2 and second["meeting"]["theme"] == "Verzonnen thema: nazorg"
    prev = second["previous_round"]
    assert prev["round"] == 1
    assert [a["text"] for a in prev["actions"]] == ["Verzonnen: terugbelafspraak binnen een week"]
    # Its moderator sees them on the report screen of the new meeting.
    key = {"Authorization": f"Bearer {second['moderator_key']}"}
    screen = http.get(f"/api/moderate/{second['meeting']['id']}/report", headers=key).get_json()
    assert screen["previous_round"]["actions"][0]["id"] == first.action_id

    # Round 2 takes place: one new improvement point and an action that gets done.
    room2 = Room(app, second)
    mod = room2.moderator()
    assert call(mod, "meeting.open", {})["ok"]
    a2 = uid()
    call(mod, "outcome.add", {"id": a2, "kind": "action", "text": "Verzonnen: actie ronde 2"})
    call(mod, "outcome.add", {"id": uid(), "kind": "improvement", "text": "Verzonnen: verbeterpunt ronde 2"})
    call(mod, "outcome.add", {"id": uid(), "kind": "priority", "text": "Verzonnen: speerpunt ronde 2"})
    room2.http.patch(f"/api/moderate/{room2.meeting_id}/outcomes/{a2}", json={"status": "done"}, headers=key)
    first.room.http.patch(f"{first.base}/outcomes/{first.action_id}", json={"status": "in_progress"}, headers=first.key)

    third = http.post(f"/api/admin/series/{sid}/next", headers=ADMIN, json={"title": "Verzonnen ronde 3",
                                                                           "theme": "Welbevinden", "year": 2024})
    third = third.get_json()
    assert third["place"]["round"] == 3 and third["previous_round"]["round"] == 2
    assert third["previous_round"]["actions"] == [], "round 2's only action is done"

    compared = http.get(f"/api/admin/series/{sid}/compare", headers=ADMIN).get_json()
    assert compared["series"]["region"] == "Zuidoost"
    rounds = compared["rounds"]
    assert [(r["round"], r["year"], r["meeting"]["title"]) for r in rounds] == [
        (1, 2019, "Verzonnen ronde 1"), (2, 2022, "Verzonnen ronde 2"), (3, 2024, "Verzonnen ronde 3")]
    assert rounds[2]["meeting"]["theme"] == "Welbevinden"
    assert rounds[0]["priorities"] == [{"text": "Verzonnen: nazorg na overlijden", "score": 9}]
    assert rounds[0]["improvements"] == ["Verzonnen: de overdracht van ziekenhuis naar huis"]
    assert [a["status"] for a in rounds[0]["actions_open"]] == ["in_progress"]
    assert [a["text"] for a in rounds[1]["actions_done"]] == ["Verzonnen: actie ronde 2"]
    assert rounds[1]["improvements"] == ["Verzonnen: verbeterpunt ronde 2"]
    assert PRIVATE not in json.dumps(compared)
    assert http.get("/api/admin/series", headers=ADMIN).get_json()["series"][0]["rounds"] == 3


def test_the_first_round_needs_a_title_and_unknown_series_are_refused(app):
    http = app.test_client()
    sid = http.post("/api/admin/series", headers=ADMIN, json={"organisation": "Verzonnen"}).get_json()["series"]["id"]
    r = http.post(f"/api/admin/series/{sid}/next", headers=ADMIN, json={})
    assert r.get_json()["error"]["code"] == "invalid_payload"
    r = http.post(f"/api/admin/series/{sid}/next", headers=ADMIN, json={"title": "Verzonnen eerste ronde"})
    assert r.status_code == 201 and r.get_json()["previous_round"] is None
    assert http.get("/api/admin/series/nope/compare", headers=ADMIN).status_code == 404


def test_an_outcome_is_written_after_the_meeting(app, clock):
    m = full_meeting(app)
    clock.advance(3600)
    mod = m.room.moderator()
    mod.get_received()
    r = m.room.http.post(f"{m.base}/outcomes", json={"kind": "well", "text": "Verzonnen: achteraf genoteerd",
                                                     "phase": "closing"}, headers=m.key)
    assert r.status_code == 201
    outcome = r.get_json()["outcome"]
    assert (outcome["kind"], outcome["phase"], outcome["status"]) == ("well", "closing", None)
    assert [e["args"][0]["outcome"]["id"] for e in mod.get_received() if e["name"] == "outcome"] == [outcome["id"]]
    report = m.room.http.get(f"{m.base}/report.json", headers=m.key).get_json()
    assert [i["text"] for i in report["outcomes"]["well"]][-1] == "Verzonnen: achteraf genoteerd"
    r = m.room.http.post(f"{m.base}/outcomes", json={"kind": "action", "text": "Verzonnen actie"}, headers=m.key)
    assert r.get_json()["outcome"]["status"] == "open"
    r = m.room.http.post(f"{m.base}/outcomes", json={"kind": "complaint", "text": "x"}, headers=m.key)
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "unknown_outcome_kind"
    r = m.room.http.post(f"{m.base}/outcomes", json={"kind": "Complaint!", "text": "x"}, headers=m.key)
    assert r.get_json()["error"]["code"] == "invalid_payload"
