"""What the admin page does with a meeting after creating it: edit it, open it, and issue a new
moderator link when the old one is lost (without a new code, so printed invitations stay valid)."""

from __future__ import annotations

from helpers import ADMIN_PASSWORD, call, received

ADMIN = {"Authorization": f"Bearer {ADMIN_PASSWORD}"}


def test_a_new_moderator_link_revokes_the_old_one_and_keeps_the_meeting(make_room):
    room = make_room(title="Verzonnen bijeenkomst")
    old_screen = room.moderator()
    assert call(old_screen, "outcome.add", {"id": "6f1c2b1e-0000-4000-8000-000000000001", "kind": "decision",
                                             "text": "Verzonnen besluit"})["ok"]
    r = room.http.post(f"/api/admin/meetings/{room.meeting_id}/moderator-link", headers=ADMIN)
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["moderator_key"] != room.moderator_key
    assert body["moderator_url"].endswith(f"/moderate/{room.meeting_id}#key={body['moderator_key']}")
    assert not old_screen.is_connected(), "the screen with the old link is closed at once"

    sio = room.app.extensions["spiegel"].socketio
    refused = sio.test_client(room.app, flask_test_client=room.http, auth={"token": room.moderator_key})
    assert not refused.is_connected(), "the old key no longer signs in"
    new_screen = room.connect(body["moderator_key"])
    snap = call(new_screen, "sync")["snapshot"]
    assert snap["role"] == "moderator" and snap["meeting"]["code"] == room.code
    assert [o["text"] for o in snap["outcomes"]] == ["Verzonnen besluit"], "what was written keeps its place"


def test_only_the_admin_issues_moderator_links(make_room):
    room = make_room()
    r = room.http.post(f"/api/admin/meetings/{room.meeting_id}/moderator-link")
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "not_authenticated"
    r = room.http.post("/api/admin/meetings/nope/moderator-link", headers=ADMIN)
    assert r.status_code == 404


def test_the_admin_edits_and_opens_a_meeting_from_the_list(make_room):
    room = make_room(title="Concepttitel", open=False)
    screen = room.moderator()
    received(screen, "state")
    r = room.http.patch(f"/api/admin/meetings/{room.meeting_id}", headers=ADMIN,
                        json={"title": "Spiegelgesprek nazorg", "durations": {"listening": 45 * 60}})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["meeting"]["title"] == "Spiegelgesprek nazorg"
    assert r.get_json()["meeting"]["durations"] == {"listening": 2700}
    assert received(screen, "state")[-1]["meeting"]["title"] == "Spiegelgesprek nazorg", "open screens follow"
    r = room.http.patch(f"/api/admin/meetings/{room.meeting_id}", headers=ADMIN, json={"title": ""})
    assert r.status_code == 400 and r.get_json()["error"]["code"] in ("invalid_payload", "text_too_long")

    r = room.http.post(f"/api/admin/meetings/{room.meeting_id}/open", headers=ADMIN)
    assert r.status_code == 200 and r.get_json()["meeting"]["state"] == "open"
    assert received(screen, "state")[-1]["meeting"]["state"] == "open"
    r = room.http.post(f"/api/admin/meetings/{room.meeting_id}/open", headers=ADMIN)
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "invalid_transition"
    listed = room.http.get("/api/admin/meetings", headers=ADMIN).get_json()["meetings"]
    assert [m["title"] for m in listed if m["id"] == room.meeting_id] == ["Spiegelgesprek nazorg"]
