"""The cheaper (re)connect (bench/RESULTS.md, "Session 11: the connect path") keeps what the
slower one did: sign-in and snapshot are one transaction, the rooms are joined before the snapshot
reads, a connect that fails after the sign-in leaves no trace, a tablet's snapshot read as plain
values equals the one read through the ORM, and a packet encoded once is the packet
python-socketio would have sent."""

from __future__ import annotations

import traceback

import pytest
from flask_socketio.test_client import SocketIOTestClient
from helpers import ADMIN_PASSWORD, PLUGINS, FakeClock, Room, call, make_app, uid
from socketio import packet
from spiegel import snapshots
from spiegel.guard import ScreenedPacket
from spiegel.models import Participant
from spiegel.outbox import meeting_room
from sqlalchemy import select
from sqlalchemy.orm import Session

ADMIN = {"Authorization": f"Bearer {ADMIN_PASSWORD}"}


def _room(app, **fields) -> Room:
    created = app.test_client().post("/api/admin/meetings", headers=ADMIN,
                                     json={"title": "Verzonnen", "open": True, **fields})
    assert created.status_code == 201, created.get_json()
    return Room(app, created.get_json())


def _units(app, monkeypatch) -> list[int]:
    """A list that grows by one with every event transaction (``db.Unit``) the app opens but
    presence's to staff (one of its own, after the connect)."""
    db, seen = app.extensions["spiegel"].db, []
    opened = db.unit

    def counting():
        if not any(frame.name == "send_presence" for frame in traceback.extract_stack(limit=4)):
            seen.append(1)
        return opened()

    monkeypatch.setattr(db, "unit", counting)
    return seen


def _last_seen(app, token_participant: str) -> float | None:
    with app.extensions["spiegel"].db.transaction() as session:
        return session.scalar(select(Participant.last_seen_at).where(Participant.id == token_participant))


def test_a_connect_is_one_transaction_first_time_and_on_every_reconnect(app, clock, monkeypatch):
    room = _room(app)
    token = room.join()["token"]
    commits = _units(app, monkeypatch)
    first = room.connect(token)
    me = first.get_received()[0]["args"][0]["me"]["id"]
    assert len(commits) == 1, "sign-in, last_seen_at and snapshot: one transaction"
    assert _last_seen(app, me) == clock.now
    first.disconnect()
    clock.advance(5)
    commits.clear()
    sessions: list[int] = []
    made = Session.__init__

    def counting(session, *args, **kwargs):
        sessions.append(1)
        made(session, *args, **kwargs)

    monkeypatch.setattr(Session, "__init__", counting)
    again = room.connect(token)
    assert again.get_received()[0]["name"] == "snapshot"
    assert len(commits) == 1, "a reconnect: one transaction (of nothing written)"
    assert sessions == [], "no ORM Session: not for the tablet's snapshot, nor for presence to staff"
    assert _last_seen(app, me) == clock.now - 5, "last_seen_at is not due yet"


def test_the_rooms_are_joined_before_the_snapshot_reads(app, monkeypatch):
    """A change committed after the snapshot's reads reaches the socket through its rooms."""
    sp = app.extensions["spiegel"]
    room = _room(app)
    token = room.join()["token"]
    joined: list[bool] = []
    built = sp.snapshot

    def looking(ctx):
        rooms = sp.socketio.server.manager.rooms["/"].get(meeting_room(room.meeting_id), {})
        joined.append(any(sid in rooms for sid, pair in sp.connections.items() if pair[1] == room.meeting_id))
        return built(ctx)

    monkeypatch.setattr(sp, "snapshot", looking)
    room.connect(token)
    assert joined == [True]


def test_a_connect_whose_snapshot_fails_is_refused_and_leaves_nothing_behind(app, monkeypatch):
    sp = app.extensions["spiegel"]
    room = _room(app)
    token = room.join()["token"]
    held = sp.capacity.open

    def broken(_ctx):
        raise RuntimeError("verzonnen fout")

    monkeypatch.setattr(sp, "snapshot", broken)
    probe = SocketIOTestClient(app, sp.socketio, auth={"token": token})
    assert not probe.is_connected(), "no socket left in without its snapshot"
    assert sp.capacity.open == held, "its place is free again"
    assert not [pair for pair in sp.connections.values() if pair[1] == room.meeting_id]
    assert sp.presence.connected(room.meeting_id) == set()
    monkeypatch.undo()
    assert room.connect(token).get_received()[0]["name"] == "snapshot"


def _without_time(snapshot: dict) -> dict:
    return {k: v for k, v in snapshot.items() if k != "server_time"}


def _both_ways(tablet, monkeypatch) -> tuple[dict, dict]:
    """The tablet's snapshot read as plain values, and read through the ORM."""
    read = []
    made = snapshots._Reading.__init__

    def counting(self, ctx):
        read.append(ctx)
        made(self, ctx)

    with monkeypatch.context() as patch:
        patch.setattr(snapshots._Reading, "__init__", counting)
        patch.setattr(snapshots, "_reads_plainly", lambda ctx: True)
        plain = call(tablet, "sync")["snapshot"]
        assert len(read) == 1, "the plain reading was taken"
        patch.setattr(snapshots, "_reads_plainly", lambda ctx: False)
        orm = call(tablet, "sync")["snapshot"]
        assert len(read) == 1
    return _without_time(plain), _without_time(orm)


@pytest.mark.parametrize("plugins", [False, True], ids=["core formats", "with tests/plugins"])
def test_a_tablets_snapshot_read_as_plain_values_is_the_one_read_through_the_orm(tmp_path, monkeypatch, plugins):
    clock = FakeClock()
    app = make_app(tmp_path / "instance", clock, **({"PLUGINS_DIR": str(PLUGINS)} if plugins else {}))
    room = _room(app, **({"format": "example_round"} if plugins else {}))
    mod = room.moderator()
    assert call(mod, "phase.goto", {"key": "round" if plugins else "listening"})["ok"]
    tablet = room.listener(name="Verzonnen Naam", discipline="Verzonnen vak")
    assert call(tablet, "note.add", {"id": uid(), "text": "Verzonnen notitie"})["ok"]
    if plugins:
        assert call(tablet, "turn.set", {"state": "waiting"})["ok"]
        poll = uid()
        assert call(mod, "poll.open", {"id": poll, "kind": "vote", "title": "Verzonnen keuze",
                                       "options": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}]})["ok"]
        assert call(tablet, "poll.answer", {"poll_id": poll, "choices": ["b"]})["ok"]
        plain, orm = _both_ways(tablet, monkeypatch)
        assert plain == orm and plain["answers"] and plain["turn"]["state"] == "waiting"
        return
    asked = [uid(), uid(), uid()]
    for qid in asked:
        assert call(tablet, "question.add", {"id": qid, "text": "Verzonnen vraag?"})["ok"]
    plain, orm = _both_ways(tablet, monkeypatch)
    assert plain == orm and len(plain["questions"]) == 3 and plain["notes"]
    assert plain["me"]["label"] == "Verzonnen Naam (Verzonnen vak)"
    other = room.listener()
    theirs = uid()
    assert call(other, "question.add", {"id": theirs, "text": "Verzonnen andere vraag?"})["ok"]
    # Own into own (shown to its author), own into another's (not shown).
    assert call(mod, "question.merge", {"into": asked[0], "ids": [asked[1]]})["ok"]
    assert call(mod, "question.merge", {"into": theirs, "ids": [asked[2]]})["ok"]
    plain, orm = _both_ways(tablet, monkeypatch)
    assert plain == orm
    assert [q["merged_into"] for q in plain["questions"]] == [None, asked[0], None]


def test_a_plain_meeting_reads_plainly_and_a_formats_own_part_through_the_orm(tmp_path):
    app = make_app(tmp_path / "instance", FakeClock())
    sp = app.extensions["spiegel"]
    plain = _room(app)
    own = next(name for name, fmt in sp.formats.items()
               if getattr(fmt.snapshot_part, "__func__", None) is not snapshots.MeetingFormat.snapshot_part.__func__)
    with_part = _room(app, format=own)
    looked: list[bool] = []
    decide = snapshots._reads_plainly

    def recorded(ctx):
        looked.append(decide(ctx))
        return looked[-1]

    snapshots._reads_plainly = recorded
    try:
        plain.listener()
        with_part.listener()
        plain.moderator()
    finally:
        snapshots._reads_plainly = decide
    assert looked == [True, False, False], "a tablet of each meeting, then a moderator"


@pytest.mark.parametrize("data", [["snapshot", {"a": [1, {"b": "c"}], "t": "é\u2028"}], ["x"], ["bin", {"k": b"\x00"}],
                                  ["tuple", ("a", 1)], ["nan", float("nan")]])
@pytest.mark.parametrize(("kind", "namespace", "pid"), [(packet.EVENT, None, None), (packet.ACK, "/", 7),
                                                        (packet.EVENT, "/andere", 12)])
def test_a_packet_encoded_once_is_the_packet_python_socketio_sends(data, kind, namespace, pid):
    ours = ScreenedPacket(kind, data=data, namespace=namespace, id=pid)
    theirs = packet.Packet(kind, data=data, namespace=namespace, id=pid)
    assert ours.packet_type == theirs.packet_type
    assert ours.encode() == theirs.encode()


def test_a_json_payload_is_not_walked_for_bytes(monkeypatch):
    def walked(_data):
        raise AssertionError("walked")

    monkeypatch.setattr(ScreenedPacket, "data_is_binary", classmethod(lambda cls, data: walked(data)))
    big = ["snapshot", {"notes": [{"id": str(i), "tags": ["a"]} for i in range(50)]}]
    assert ScreenedPacket(packet.EVENT, data=big).encode().startswith('2["snapshot",')
