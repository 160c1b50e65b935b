"""A server killed mid-listening (SIGKILL, like a power cut) and started again on the same
database gives back the phase, the timer deadline and every acknowledged item, none twice."""

from __future__ import annotations

import pytest
from helpers import LiveServer, uid
from realtime_clients import Peer, close_all

pytestmark = pytest.mark.e2e



@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request) -> str | None:
    if request.param == "sqlite":
        return None  # the embedded default in the instance folder
    return request.getfixturevalue("postgres_url")


def test_sigkill_mid_listening_loses_nothing(tmp_path, database_url):
    server = LiveServer(instance=tmp_path / "instance", database_url=database_url).start()
    try:
        created = server.create_meeting(title="Herstarttest (verzonnen)")
        code = created["meeting"]["code"]
        moderator = Peer(server.url, created["moderator_key"], "moderator").connect()
        assert moderator.call("phase.goto", {"key": "listening"})["ok"]
        timer = moderator.call("timer.start", {"seconds": 45 * 60})["timer"]
        tokens = [server.join(code, name=f"L{i}")["token"] for i in range(3)]
        peers = [Peer(server.url, t, f"listener{i}").connect() for i, t in enumerate(tokens)]
        acked: dict[str, list[dict]] = {}
        for i, peer in enumerate(peers):
            items = []
            for n in range(5):
                note = {"id": uid(), "text": f"Verzonnen notitie {i}.{n}"}
                assert peer.call("note.add", note)["ok"]
                items.append(note)
            question = {"id": uid(), "text": f"Verzonnen vraag {i}"}
            assert peer.call("question.add", question)["ok"]
            acked[tokens[i]] = [*items, question]

        server.kill()
        close_all([moderator, *peers])
        server.start()

        moderator = Peer(server.url, created["moderator_key"], "moderator").connect()
        snap = moderator.of("snapshot")[0]
        assert snap["phase"]["key"] == "listening"
        assert snap["timer"]["running"] is True
        assert snap["timer"]["deadline"] == timer["deadline"]
        assert len(snap["questions"]) == 3

        for token, items in acked.items():
            peer = Peer(server.url, token, "again").connect()
            snap = peer.of("snapshot")[0]
            notes, questions = items[:-1], items[-1:]
            assert sorted(n["id"] for n in snap["notes"]) == sorted(n["id"] for n in notes)
            assert [q["id"] for q in snap["questions"]] == [q["id"] for q in questions]
            # The tablet resends what it never saw acknowledged: still stored once.
            for note in notes:
                assert peer.call("note.add", note)["duplicate"] is True
            assert len(peer.snapshot()["notes"]) == len(notes)
            peer.close()
        moderator.close()
    finally:
        server.stop()
