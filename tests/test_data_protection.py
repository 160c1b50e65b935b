"""Data protection: erasing a meeting removes everything written in it; secrets are stored hashed."""

from __future__ import annotations

import pytest
from helpers import ADMIN_PASSWORD, FakeClock, Room, call, make_app, uid
from spiegel.models import Meeting, Note, Outcome, Participant, Poll, PollAnswer, Question
from sqlalchemy import func, select

ADMIN = {"Authorization": f"Bearer {ADMIN_PASSWORD}"}
TABLES = (Meeting, Participant, Note, Question, Outcome, Poll, PollAnswer)


@pytest.fixture(params=["sqlite", "postgresql"])
def erase_app(request, tmp_path):
    url = request.getfixturevalue("postgres_url") if request.param == "postgresql" else None
    return make_app(tmp_path / "instance", FakeClock(), DATABASE_URL=url)


def counts(app) -> dict[str, int]:
    with app.extensions["spiegel"].db.transaction() as s:
        return {t.__tablename__: s.scalar(select(func.count()).select_from(t)) for t in TABLES}


def meeting_with_writing(app) -> tuple[Room, object, object]:
    created = app.test_client().post("/api/admin/meetings", headers=ADMIN,
                                      json={"title": "Te wissen (verzonnen)", "open": True}).get_json()
    room = Room(app, created)
    mod = room.moderator()
    assert call(mod, "phase.goto", {"key": "listening"})["ok"]
    listener = room.listener(name="Verzonnen")
    assert call(listener, "note.add", {"id": uid(), "text": "Verzonnen notitie"})["ok"]
    assert call(listener, "question.add", {"id": uid(), "text": "Verzonnen vraag?"})["ok"]
    assert call(mod, "outcome.add", {"id": uid(), "kind": "action", "text": "Verzonnen actie"})["ok"]
    poll = {"id": uid(), "kind": "vote", "title": "Verzonnen keuze",
            "options": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}]}
    assert call(mod, "poll.open", poll)["ok"]
    return room, mod, listener


def test_erasing_a_meeting_removes_every_row_and_closes_its_sockets(erase_app):
    keep, _keep_mod, _keep_listener = meeting_with_writing(erase_app)
    before = counts(erase_app)
    room, mod, listener = meeting_with_writing(erase_app)

    r = erase_app.test_client().delete(f"/api/admin/meetings/{room.meeting_id}", headers=ADMIN)
    assert r.status_code == 200 and r.get_json() == {"ok": True, "deleted": room.meeting_id}

    assert counts(erase_app) == before, "only the other meeting's rows are left"
    assert not mod.is_connected() and not listener.is_connected()
    assert room.http.get(f"/api/meetings/{room.code}").get_json()["error"]["code"] == "unknown_code"
    assert keep.http.get(f"/api/meetings/{keep.code}").status_code == 200


def test_erasing_needs_the_admin_and_an_existing_meeting(app):
    http = app.test_client()
    created = http.post("/api/admin/meetings", headers=ADMIN, json={"title": "Blijft"}).get_json()
    r = http.delete(f"/api/admin/meetings/{created['meeting']['id']}")
    assert (r.status_code, r.get_json()["error"]["code"]) == (401, "not_authenticated")
    r = http.delete("/api/admin/meetings/0000", headers=ADMIN)
    assert (r.status_code, r.get_json()["error"]["code"]) == (404, "not_found")
    assert len(http.get("/api/admin/meetings", headers=ADMIN).get_json()["meetings"]) == 1


def test_tokens_and_keys_are_stored_only_as_hashes(app):
    """A copy of the database gives nobody a way into a meeting."""
    http = app.test_client()
    created = http.post("/api/admin/meetings", headers=ADMIN, json={"title": "Sleutels", "open": True}).get_json()
    room = Room(app, created)
    listener_token = room.join()["token"]
    assistant_key = call(room.moderator(), "assistant.create", {"rights": ["questions"]})["key"]
    secrets = [created["moderator_key"], listener_token, assistant_key]
    assert all(len(s) >= 32 for s in secrets), "at least 192 bits, URL-safe"
    dump = "\n".join(app.extensions["spiegel"].db.engine.raw_connection().iterdump())
    for secret in secrets:
        assert secret not in dump


@pytest.mark.postgres
def test_postgresqls_quote_of_a_refused_row_reaches_no_log_nor_client(tmp_path, postgres_url, monkeypatch, caplog):
    """PostgreSQL puts a refused row's values in its message (``DETAIL: Failing row contains``)
    and a data error's value in its first line: neither is in the error SQLAlchemy raises, nor in
    the traceback the server logs, nor in the ack; the constraint's place still is."""
    import logging
    import traceback
    from dataclasses import replace

    from sqlalchemy import exc as sa_exc
    from sqlalchemy import text

    app = make_app(tmp_path / "instance", FakeClock(), DATABASE_URL=postgres_url)
    db = app.extensions["spiegel"].db
    try:
        value = "Verzonnen" + str(12)  # not in the traceback's source lines either
        with pytest.raises(sa_exc.DataError) as refused, db.engine.connect() as connection:
            connection.execute(text("SELECT CAST(:v AS integer)"), {"v": value})
        assert value not in "".join(traceback.format_exception(refused.value))

        def broken(ctx, data):  # a bug: a note without its participant
            ctx.connection.execute(text("INSERT INTO notes (id, meeting_id, participant_id, text, tags, shared, "
                                        "version, created_at, updated_at) VALUES (:id, :m, NULL, :t, '[]', false, "
                                        "1, 0, 0)"), {"id": data.id, "m": ctx.meeting_id, "t": data.text})
            return {}

        client = app.extensions["spiegel"].registry.client
        monkeypatch.setitem(client, "note.add", replace(client["note.add"], handler=broken))
        created = app.test_client().post("/api/admin/meetings", headers=ADMIN,
                                          json={"title": "Verzonnen", "open": True}).get_json()
        room = Room(app, created)
        assert call(room.moderator(), "phase.goto", {"key": "listening"})["ok"]
        listener = room.listener()
        with caplog.at_level(logging.INFO):
            ack = call(listener, "note.add", {"id": uid(), "text": "Verzonnen geheime zin"})
        assert ack["error"]["code"] == "internal_error"
        assert "participant_id" in caplog.text, "the log says which constraint"
        assert "Verzonnen geheime zin" not in caplog.text and "Verzonnen geheime zin" not in str(ack)
    finally:
        db.dispose()
