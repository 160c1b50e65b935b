"""The cheaper paths of an event (bench/RESULTS.md, "Cost per event", session 9) keep what the
slower ones did: a context started from the sender's Core row loads the ORM rows on first use
and sees its own changes; the shared format and phase views equal what the format builds; the
cookie sessions' reused serializer signs and checks as Flask's."""

from __future__ import annotations

import functools

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from helpers import ADMIN_PASSWORD, Room, call, uid
from itsdangerous import BadSignature
from spiegel import wire_views
from spiegel.context import Ctx
from spiegel.cookie_sessions import SigningOnce
from spiegel.realtime import SENDER

ADMIN = {"Authorization": f"Bearer {ADMIN_PASSWORD}"}


def _room(app) -> Room:
    created = app.test_client().post("/api/admin/meetings", headers=ADMIN, json={"title": "Verzonnen", "open": True})
    return Room(app, created.get_json())


def test_a_context_from_the_sender_row_loads_both_rows_on_first_use_with_its_own_bump(app):
    room = _room(app)
    joined = room.join()
    sp = app.extensions["spiegel"]
    with sp.db.transaction() as session:
        sender = session.connection().execute(SENDER, {"participant_id": joined["participant"]["id"]}).first()
        ctx = Ctx(spiegel=sp, session=session, now=1.0, sender=sender)
        assert ctx.loaded_meeting is None and ctx.role == "listener" and ctx.state == "open"
        version = ctx.version()
        assert ctx.meeting.version == version, "a row loaded after the bump holds it"
        assert ctx.participant.id == sender.participant_id and ctx.participant.role == "listener"
        ctx.meeting.title = "Verzonnen anders"
    with sp.db.transaction() as session:
        ctx = Ctx(spiegel=sp, session=session, now=2.0, sender=sender)
        assert ctx.meeting.title == "Verzonnen anders", "a change to a lazily loaded row is saved"
        assert ctx.meeting.version == version


def test_a_note_from_the_fast_path_reads_back_as_stored(app):
    room = _room(app)
    mod = room.moderator()
    assert call(mod, "phase.goto", {"key": "listening"})["ok"]
    token = room.join()["token"]
    tablet = room.connect(token)
    note_id = uid()
    ack = call(tablet, "note.add", {"id": note_id, "text": "Verzonnen zin", "tags": ["later", "positive", "later"]})
    again = call(room.connect(token), "note.add", {"id": note_id, "text": "Verzonnen zin", "tags": ["positive"]})
    assert ack["ok"] and not ack["duplicate"] and again["duplicate"]
    assert again["note"] == ack["note"], "the ack's view is the stored row's view"
    assert ack["note"]["tags"] == ["later", "positive"] and ack["note"]["shared"] is False


def test_the_shared_views_are_the_formats_own(app):
    for fmt in app.extensions["spiegel"].formats.values():
        for language in ("nl", "en"):
            durations = {fmt.phases[0].key: 123}
            assert wire_views.format_view(fmt, language, durations) == fmt.to_wire(language, durations)
            assert wire_views.format_view(fmt, language, None) == fmt.to_wire(language, None)
            for phase in fmt.phases:
                view = wire_views.phase_view(fmt, phase, language, 77)
                assert view == phase.to_wire(language, 77)
                view["index"] = 5
                assert "index" not in wire_views.phase_view(fmt, phase, language, 77), "a fresh dict each time"


def test_the_reused_serializer_signs_as_flask_and_follows_a_new_key():
    app = Flask("verzonnen")
    app.secret_key = "verzonnen-sleutel-een"
    mine, flasks = SigningOnce(), SecureCookieSessionInterface()
    signed = mine.get_signing_serializer(app).dumps({"a": 1})
    assert flasks.get_signing_serializer(app).loads(signed) == {"a": 1}
    assert mine.get_signing_serializer(app) is mine.get_signing_serializer(app)
    app.secret_key = "verzonnen-sleutel-twee"
    assert mine.get_signing_serializer(app).loads(flasks.get_signing_serializer(app).dumps({"b": 2})) == {"b": 2}
    with pytest.raises(BadSignature):
        mine.get_signing_serializer(app).loads(signed)  # signed with the old key


@pytest.mark.parametrize("data", [None, "x", 1, [], {}, ["note", {"a": [1, {"b": "c"}]}], [{"a": [{"b": b"\x00"}]}],
                                  {"k": bytearray(b"1")}, ("tuple", b"not looked into"), [[[[]]], {"x": {}}]])
def test_the_packets_binary_check_answers_as_python_socketio(data):
    from socketio import packet
    from spiegel.guard import ScreenedPacket
    assert ScreenedPacket.data_is_binary(data) == packet.Packet.data_is_binary(data)


def test_no_event_changes_a_shared_view(app, monkeypatch):
    """The cached views are handed to every snapshot and state unfrozen (freezing them would cost
    what caching saves, and JSON cannot encode a frozen mapping). This walks every built-in
    format's meeting through all its phases, with snapshots for staff and a tablet, and then asks
    whether each view the events shared still equals what its format builds afresh: a caller that
    changed one in place would have changed it for everyone."""
    used: set[tuple] = set()

    def recorded(cached):
        def look(*key):
            used.add((cached, *key))
            return cached(*key)
        return look

    formats_cache = functools.lru_cache(maxsize=None)(wire_views._format_view.__wrapped__)
    phases_cache = functools.lru_cache(maxsize=None)(wire_views._phase_view.__wrapped__)
    monkeypatch.setattr(wire_views, "_format_view", recorded(formats_cache))
    monkeypatch.setattr(wire_views, "_phase_view", recorded(phases_cache))
    sp = app.extensions["spiegel"]
    client = app.test_client()
    for name, fmt in sp.formats.items():
        created = client.post("/api/admin/meetings", headers=ADMIN,
                              json={"title": f"Verzonnen {name}", "format": name, "open": True})
        assert created.status_code in (200, 201), (name, created.get_json())
        room = Room(app, created.get_json())
        mod = room.moderator()
        tablet = room.connect(room.join()["token"])
        for phase in fmt.phases[1:]:
            assert call(mod, "phase.goto", {"key": phase.key})["ok"], (name, phase.key)
            room.moderator().get_received()  # a fresh snapshot in this phase
            tablet.get_received()
    assert {key[0] for key in used} == {formats_cache, phases_cache}, "both views were shared"
    for cached, fmt, *rest in used:
        if cached is formats_cache:
            language, durations = rest
            assert cached(fmt, *rest) == fmt.to_wire(language, dict(durations)), fmt.name
        else:
            key, language, duration = rest
            assert cached(fmt, *rest) == fmt.phase(key).to_wire(language, duration), (fmt.name, key)
