"""NIK and KOOS end to end: a real server process, real Socket.IO clients (a moderator, at
least five listeners, parents for NIK), every phase of each format with each kind's
permissions, the formats' own actions, a server killed mid-round, and what reaches the
report data (read from the same database by an app in this process)."""

from __future__ import annotations

import re

import pytest
from format_support import invite, report_sections
from helpers import LiveServer, uid
from realtime_clients import Peer, close_all

pytestmark = pytest.mark.e2e


def sections(server: LiveServer, meeting_id: str) -> dict[str, dict]:
    """The report data of a meeting, by section key, from the server's own database."""
    return {s["key"]: s for s in report_sections(server, meeting_id)}


def code_of(ack: dict) -> str | None:
    return None if ack["ok"] else ack["error"]["code"]


# --- NIK ------------------------------------------------------------------------------------------------

NIK_PLAN = {  # phase: (what listeners may do, what parents may do)
    "lobby": (set(), set()),
    "listening": ({"note", "question"}, set()),
    "questions": ({"note", "question", "share"}, set()),
    "priorities": ({"note", "share"}, {"prioritise"}),
    "ended": ({"share"}, set()),
}


def test_nik_meeting_and_priority_session_end_to_end(tmp_path):
    server = LiveServer(instance=tmp_path / "instance").start()
    peers: list[Peer] = []
    try:
        series = {"organisation": "NIK", "region": "Utrecht", "round": 3, "year": 2024}
        earlier = server.create_meeting(title="NIK Utrecht ronde 2 (verzonnen)", format="nik",
                                        options={"series": {**series, "round": 2, "year": 2022}})
        created = server.create_meeting(title="NIK Utrecht ronde 3 (verzonnen)", format="nik",
                                        theme="Welbevinden van ouders", options={"series": series, "focus": "Nazorg"})
        code, meeting_id = created["meeting"]["code"], created["meeting"]["id"]
        mod = Peer(server.url, created["moderator_key"], "moderator").connect()
        peers.append(mod)
        assert mod.of("snapshot")[0]["format_data"]["setup"]["series_label"] == "NIK Utrecht, ronde 3, 2024"
        assert [r["round"] for r in mod.of("snapshot")[0]["format_data"]["earlier_rounds"]] == [2]
        listeners = [Peer(server.url, server.join(code)["token"], f"listener{i}").connect() for i in range(5)]
        peers += listeners
        display = Peer(server.url, mod.call("display.link")["key"], "display").connect()
        peers.append(display)
        parents = [invite(server, mod, "parent", f"Ouder {i}") for i in range(3)]
        peers += parents
        assert parents[0].of("snapshot")[0]["kind"] == "parent"
        assert parents[0].of("snapshot")[0]["client"]["modules"] == ["/plugins/nik/parent.js"]

        shared_ids: list[str] = []
        for key, (listener_may, parent_may) in NIK_PLAN.items():
            if key != "lobby":
                assert mod.call("phase.goto", {"key": key})["ok"], key
            for i, peer in enumerate(listeners):
                note = peer.call("note.add", {"id": uid(), "text": f"Verzonnen notitie {key} {i}"})
                assert (note["ok"]) is ("note" in listener_may), (key, note)
                question = peer.call("question.add", {"id": uid(), "text": f"Verzonnen vraag {key} {i}?"})
                assert question["ok"] is ("question" in listener_may), (key, question)
                if note["ok"]:
                    share = peer.call("note.share", {"id": note["note"]["id"], "shared": True})
                    assert share["ok"] is ("share" in listener_may), (key, share)
                    if share["ok"] and i == 0:
                        shared_ids.append(note["note"]["id"])
                assert code_of(peer.call("nik.vote.cast", {"dots": {}})) == "not_allowed_in_phase", key
            for parent in parents:
                # Parents use no tablet during the meeting: no notes, no questions; vote only in their phase.
                assert code_of(parent.call("note.add", {"id": uid(), "text": "x"})) == "not_allowed_in_phase"
                cast = code_of(parent.call("nik.vote.cast", {"dots": {}}))
                assert cast == ("invalid_transition" if "prioritise" in parent_may else "not_allowed_in_phase"), key
            if key == "questions":
                assert mod.call("outcome.add", {"id": uid(), "kind": "improvement",
                                                "text": "Verzonnen: één vast aanspreekpunt"})["ok"]
            if key == "priorities":
                _run_priority_vote(mod, display, listeners, parents)
                break  # the session goes on below; `ended` is checked after it
        assert mod.call("phase.goto", {"key": "ended"})["ok"]
        assert code_of(listeners[0].call("note.add", {"id": uid(), "text": "x"})) == "not_allowed_in_phase"
        assert code_of(parents[0].call("nik.vote.cast", {"dots": {}})) == "not_allowed_in_phase"
        assert listeners[0].call("note.share", {"id": shared_ids[0], "shared": True})["ok"], "sharing goes on"
        # A parent who reloads sees the result.
        again = Peer(server.url, parents[1].token, "parent1-again").connect()
        peers.append(again)
        assert again.of("snapshot")[0]["format_data"]["priorities"][0]["text"] == "Verzonnen: één vast aanspreekpunt"

        report = sections(server, meeting_id)
        assert report["nik_priorities"]["items"][:2] == [
            {"text": "Verzonnen: één vast aanspreekpunt", "score": 8, "rank": 1, "rule": "dots", "voters": 5},
            {"text": "Verzonnen notitie questions 0", "score": 4, "rank": 2, "rule": "dots", "voters": 5}]
        assert {"text": "Regionale focus: Nazorg"} in report["nik_series"]["items"]
        assert [i["source"] for i in report["nik_points"]["items"]] == ["outcome", "note", "moderator"]
        assert not any("Verzonnen notitie listening" in i["text"] for s in report.values() for i in s["items"]), \
            "a note nobody shared never reaches the report"
        assert earlier["meeting"]["id"] != meeting_id
    finally:
        close_all(peers)
        server.stop()


def _run_priority_vote(mod: Peer, display: Peer, listeners: list[Peer], parents: list[Peer]) -> None:
    suggestions = mod.call("nik.suggestions")["suggestions"]
    outcome = next(s for s in suggestions if s["source"] == "outcome")
    note = next(s for s in suggestions if s["source"] == "note")
    assert all("listening" not in s["text"] for s in suggestions), "never a private note"
    points = [{"id": uid(), "text": outcome["text"], "source": "outcome"},
              {"id": uid(), "text": note["text"], "source": "note"},
              {"id": uid(), "text": "Verzonnen: aandacht voor broers en zussen", "source": "moderator"}]
    assert mod.call("nik.points.set", {"points": points})["ok"]
    display.wait_for("nik.points", where=lambda m: len(m["points"]) == 3)
    assert mod.call("nik.vote.open", {"method": "dots", "dots_per_person": 3})["ok"]
    parents[0].wait_for("nik.vote", where=lambda m: m["vote"] and m["vote"]["state"] == "open")
    a, b, c = (p["id"] for p in points)
    assert parents[0].call("nik.vote.cast", {"dots": {a: 2, b: 1}})["ok"]
    assert parents[1].call("nik.vote.cast", {"dots": {a: 1, b: 1, c: 1}})["ok"]
    assert parents[2].call("nik.vote.cast", {"dots": {a: 3}})["ok"]
    parents[0].wait_for("nik.ballot")
    # Two parents vote on the shared screen: the moderator enters their dots.
    assert mod.call("nik.vote.room", {"dots": {a: 2, b: 2, c: 2}, "voters": 2})["ok"]
    assert code_of(mod.call("nik.vote.limit", {"dots_per_person": 2})) == "invalid_transition"
    progress = mod.wait_for("nik.progress", where=lambda m: m["progress"]["voters"] == 5)[-1]["progress"]
    assert progress["dots_used"] == 15
    for peer in (display, *listeners, *parents, mod):
        # Outcomes carry an empty "score" field of their own (null); no number may be there yet.
        assert not re.search(r'"score": ?\d', peer.raw()), f"{peer.name} saw a total before the vote closed"
    closed = mod.call("nik.vote.close")
    assert [p["score"] for p in closed["priorities"]] == [8, 4, 3]
    display.wait_for("nik.priorities")
    parents[2].wait_for("nik.priorities")


# --- KOOS -------------------------------------------------------------------------------------------------

KOOS_PLAN = {"lobby": set(), "first_round": {"note"}, "outer_ring": {"note", "pass"}, "closing": {"note", "share"},
             "ended": {"share"}}


def _koos_mirror(server: LiveServer, team: str, set_id: str | None = None) -> dict:
    options = {"team": team, **({"question_set": set_id} if set_id else {})}
    return server.create_meeting(title=f"Spiegelgesprek team {team} (verzonnen)", format="koos", options=options)


def test_koos_mirror_meeting_with_outer_ring_round_restart_and_reflection_meeting(tmp_path):
    server = LiveServer(instance=tmp_path / "instance").start()
    peers: list[Peer] = []
    try:
        status, saved = server.api("POST", "/api/admin/actions/koos.question_sets.save", {
            "name": "Utrechtse aanpak (verzonnen)", "principle": "Dichtbij en op maat",
            "items": [{"text": "Hoe werden jullie meegenomen in het proces?", "phase": "first_round"}]}, admin=True)
        assert status == 200, saved
        created = _koos_mirror(server, "Noordwest", saved["set"]["id"])
        assert [p["text"] for p in created["meeting"]["prepared"]] == ["Hoe werden jullie meegenomen in het proces?"]
        code, meeting_id = created["meeting"]["code"], created["meeting"]["id"]
        mod = Peer(server.url, created["moderator_key"], "moderator").connect()
        display = Peer(server.url, mod.call("display.link")["key"], "display").connect()
        tokens = [server.join(code)["token"] for _ in range(6)]
        listeners = [Peer(server.url, t, f"listener{i}").connect() for i, t in enumerate(tokens)]
        peers += [mod, display, *listeners]
        ids = [p.of("snapshot")[0]["me"]["id"] for p in listeners]
        private = "Verzonnen-privé: de moeder die zich niet gezien voelde"

        for key, may in KOOS_PLAN.items():
            if key != "lobby":
                assert mod.call("phase.goto", {"key": key})["ok"], key
            for i, peer in enumerate(listeners):
                text = private if (key, i) == ("first_round", 1) else f"Verzonnen notitie {key} {i}"
                note = peer.call("note.add", {"id": uid(), "text": text})
                assert note["ok"] is ("note" in may), (key, note)
                assert code_of(peer.call("question.add", {"id": uid(), "text": "Vraag?"})) == "not_allowed_in_phase"
                if note["ok"]:
                    shared = peer.call("note.share", {"id": note["note"]["id"], "shared": True})
                    assert shared["ok"] is ("share" in may), (key, shared)
                passed = code_of(peer.call("koos.turn.pass"))
                assert passed == ("invalid_transition" if "pass" in may else "not_allowed_in_phase"), key
            if key == "outer_ring":
                server, mod, display, listeners = _run_outer_ring(server, created, mod, display, listeners, ids,
                                                                  private)
                peers += [mod, display, *listeners]
        assert mod.call("outcome.add", {"id": uid(), "kind": "improvement",
                                        "text": "Verzonnen: informeer ouders ook over hoe besluiten ontstaan"})["ok"]
        report = sections(server, meeting_id)
        assert report["koos_outer_ring"]["items"][0]["spoke"] >= 3
        assert {"text": "Vragenset: Utrechtse aanpak (verzonnen)"} in report["koos_meeting"]["items"]

        # Step 2: a reflection meeting gathers from this and another team's meeting.
        other = _koos_mirror(server, "Zuid")
        other_mod = Peer(server.url, other["moderator_key"], "other-moderator").connect()
        peers.append(other_mod)
        assert other_mod.call("outcome.add", {"id": uid(), "kind": "improvement",
                                              "text": "Verzonnen: een oudergroep voor herkenning"})["ok"]
        assert other_mod.call("phase.goto", {"key": "ended"})["ok"]
        reflection = server.create_meeting(title="Reflectiebijeenkomst KOOS (verzonnen)", format="koos_reflection")
        rmod = Peer(server.url, reflection["moderator_key"], "reflection-moderator").connect()
        rdisplay = Peer(server.url, rmod.call("display.link")["key"], "reflection-display").connect()
        pros = [Peer(server.url, server.join(reflection["meeting"]["code"])["token"], f"pro{i}").connect()
                for i in range(5)]
        peers += [rmod, rdisplay, *pros]
        candidates = rmod.call("koos.sources.candidates")["candidates"]
        assert {c["team"] for c in candidates} == {"Noordwest", "Zuid"}
        material = rmod.call("koos.sources.set", {"meeting_ids": [c["id"] for c in candidates]})["material"]
        assert len(material) == 2
        shown = rdisplay.wait_for("koos.material")[-1]
        assert "oudergroep" in str(shown) and "privé" not in str(shown)
        for plan_key, may in (("gather", {"note"}), ("actions", {"note", "share"}), ("ended", {"share"})):
            assert rmod.call("phase.goto", {"key": plan_key})["ok"]
            for pro in pros:
                note = pro.call("note.add", {"id": uid(), "text": f"Verzonnen reflectie {plan_key}"})
                assert note["ok"] is ("note" in may), plan_key
                assert code_of(pro.call("koos.sources.set", {"meeting_ids": []})) == "forbidden_role"
            if plan_key == "actions":
                assert rmod.call("outcome.add", {"id": uid(), "kind": "action", "owner": "Werkgroep ouders",
                                                 "due": "2025-06-01",
                                                 "text": "Verzonnen: start een oudergroep in elke wijk"})["ok"]
        for pro in pros:
            assert "privé" not in pro.raw()
        rreport = sections(server, reflection["meeting"]["id"])
        assert len(rreport["koos_reflection_sources"]["items"]) == 2
        texts = [i["text"] for i in rreport["koos_reflection_points"]["items"]]
        assert "Verzonnen: een oudergroep voor herkenning" in texts and not any("privé" in t for t in texts)
    finally:
        close_all(peers)
        server.stop()


def _run_outer_ring(server, created, mod, display, listeners, ids, private):
    started = mod.call("koos.round.start", {"mode": "join", "seconds": 180})["round"]
    assert started["current"]["id"] == ids[0] and started["next"]["id"] == ids[1]
    display.wait_for("koos.speaker", where=lambda m: m["round"]["speaker"] == "Luisteraar 1")
    listeners[1].wait_for("koos.turn", where=lambda m: m["turn"]["next"])
    assert mod.call("koos.round.next", {})["round"]["current"]["id"] == ids[1]
    # The speaker's own tablet shows their own notes as a private prompt; nobody else gets them.
    prompt = listeners[1].wait_for("koos.turn", where=lambda m: m["turn"]["speaking"])[-1]["turn"]
    assert private in [n["text"] for n in prompt["notes"]]
    assert listeners[2].call("koos.turn.pass")["ok"], "a waiting listener passes from their tablet"
    assert mod.call("koos.round.later", {"participant": ids[3]})["ok"]
    assert mod.call("koos.round.skip", {"participant": ids[4]})["ok"]
    late = Peer(server.url, server.join(created["meeting"]["code"])["token"], "late").connect()
    assert late.of("snapshot")[0]["format_data"]["turn"]["status"] == "waiting"
    line = mod.call("koos.round.timer", {"action": "pause"})["round"]
    assert line["current"]["id"] == ids[1] and line["next"]["id"] == ids[5]
    assert [p["id"] for p in line["line"] if p["status"] == "waiting"][-2:] == [ids[3], late.of("snapshot")[0]["me"]
                                                                               ["id"]]
    paused = line["timer"]
    for peer in (display, *listeners):
        assert private not in peer.raw() or peer is listeners[1], f"{peer.name} saw the speaker's private prompt"

    # A power cut mid-round: the round resumes with the same speaker and the same remaining time.
    server.kill()
    close_all([mod, display, late, *listeners])
    server.start()
    mod = Peer(server.url, created["moderator_key"], "moderator-again").connect()
    after = mod.of("snapshot")[0]["format_data"]["round"]
    assert after["current"]["id"] == ids[1] and after["timer"] == paused
    resumed = mod.call("koos.round.timer", {"action": "resume"})["round"]["timer"]
    assert resumed["running"] and resumed["remaining_ms"] == paused["remaining_ms"]
    speaker = Peer(server.url, listeners[1].token, "speaker-again").connect()
    assert private in [n["text"] for n in speaker.of("snapshot")[0]["format_data"]["turn"]["notes"]]
    display = Peer(server.url, display.token, "display-again").connect()
    assert display.of("snapshot")[0]["format_data"]["round"]["speaker"] == "Luisteraar 2"
    # Killed while running: the same deadline after the restart.
    deadline = resumed["deadline"]
    server.kill()
    close_all([mod, speaker, display])
    server.start()
    mod = Peer(server.url, created["moderator_key"], "moderator-third").connect()
    assert mod.of("snapshot")[0]["format_data"]["round"]["timer"]["deadline"] == deadline
    listeners = [Peer(server.url, p.token, f"{p.name}-again").connect() for p in listeners]
    display = Peer(server.url, display.token, "display-third").connect()
    for _ in range(3):
        assert mod.call("koos.round.next", {})["ok"]
    assert mod.call("koos.round.stop")["round"]["active"] is False
    return server, mod, display, listeners
