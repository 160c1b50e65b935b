"""The UMCG format end to end, over the real protocol: a real server process, a moderator, an
assistant, the room display and six listeners of the multidisciplinary team through every
phase. Checks each phase's permissions, the decisions on the spot (recorded with who decided
and when, shown to the room only when the moderator chooses), the improvement plan (actions
with an owner), the tripartite parties on the meeting, and what reaches the report data."""

from __future__ import annotations

import time
from datetime import datetime

import pytest
from format_support import TRIES, check_phase, goto, report_sections, uid
from helpers import LiveServer
from realtime_clients import Peer, close_all

PARTIES = {"hospital": "Verzonnen Academisch Ziekenhuis", "patient_organisation": "Verzonnen Patiëntenvereniging",
           "insurer": "Verzonnen Zorgverzekeraar"}


@pytest.fixture
def server(tmp_path):
    live = LiveServer(instance=tmp_path / "instance").start()
    yield live
    live.stop()


def test_umcg_meeting_with_dialogue_decisions_and_improvement_plan(server):
    started = time.time()
    created = server.create_meeting(title="Spiegelbijeenkomst zorgpad (test)", format="umcg", options=PARTIES)
    code, meeting_id = created["meeting"]["code"], created["meeting"]["id"]
    peers: list[Peer] = []
    try:
        mod = Peer(server.url, created["moderator_key"], "moderator").connect()
        peers.append(mod)
        snap = mod.of("snapshot")[0]
        assert [p["key"] for p in snap["format"]["phases"]] == ["welcome", "listening", "dialogue", "plan", "ended"]
        assert snap["format"]["phases"][1]["duration"] > 60 * 60, "part one: over an hour of listening"
        assert [o["name"] for o in snap["format"]["options"]] == list(PARTIES)
        assert snap["format_data"]["parties"] == PARTIES
        display = Peer(server.url, mod.call("display.link")["key"], "display").connect()
        helper = Peer(server.url, mod.call("assistant.create", {"rights": ["run"]})["key"], "assistant").connect()
        listeners = [Peer(server.url, server.join(code, discipline=d)["token"], f"listener{i}").connect()
                     for i, d in enumerate(["arts", "verpleegkundige", "facilitaire dienst", "zorgadministratie",
                                            "fysiotherapeut", "secretariaat"])]
        peers += [display, helper, *listeners]
        assert display.of("snapshot")[0]["format_data"] == {"parties": PARTIES, "shown": None}
        assert "decisions" not in listeners[0].of("snapshot")[0]["format_data"], "staff only"
        listener = listeners[0]
        tries_end = {**TRIES, "share": ("note.share", lambda: {"id": note_id, "shared": True})}
        note_id = None

        plan = [("welcome", set()), ("listening", {"note", "question"}), ("dialogue", {"note", "question"}),
                ("plan", {"note", "share"}), ("ended", {"share"})]
        for phase, allowed in plan:
            if phase != "welcome":
                state = goto(mod, phase)
                assert state["phase"]["listener_actions"] == sorted(allowed)
                assert state["phase"]["silent"] is (phase == "listening")
            if phase == "listening":
                note_id = listener.call("note.add", {"id": uid(), "text": "Verzonnen: de overdracht ging mis"})[
                    "note"]["id"]
                early = mod.call("umcg.decide", {"id": uid(), "text": "x", "decided_by": "y"})
                assert early["error"]["code"] == "not_allowed_in_phase", "decisions belong to the dialogue"
            if phase == "dialogue":
                point = mod.call("outcome.add", {"id": uid(), "kind": "improvement",
                                                 "text": "Verzonnen: uitslagen komen laat bij de patiënt"})
                assert point["ok"], point
                display_before = len(display.events)
                decided = mod.call("umcg.decide", {"id": uid(), "text": "Verzonnen: uitslag binnen twee dagen bellen",
                                                   "decided_by": "Teamleider polikliniek",
                                                   "point_id": point["outcome"]["id"]})
                assert decided["ok"] and not decided["duplicate"], decided
                again = mod.call("umcg.decide", {"id": decided["decision"]["id"], "text": "Verzonnen: uitslag binnen "
                                                 "twee dagen bellen", "decided_by": "Teamleider polikliniek"})
                assert again["ok"] and again["duplicate"], "a resend is the same decision"
                decision = decided["decision"]
                assert started - 1 <= datetime.fromisoformat(decision["decided_at"]).timestamp() <= time.time() + 1
                helper.wait_for("umcg.decision")
                # Not on the room display until the moderator chooses.
                assert "twee dagen" not in display.raw()
                assert len([e for e, _ in display.events[display_before:] if e == "umcg.shown"]) == 0
                shown = mod.call("umcg.show", {"id": decision["id"]})
                assert shown["ok"] and shown["shown"]["decided_by"] == "Teamleider polikliniek"
                on_display = display.wait_for("umcg.shown")[-1]["decision"]
                assert on_display["text"] == "Verzonnen: uitslag binnen twee dagen bellen"
                assert on_display["decided_at"] == decision["decided_at"]
                second = mod.call("umcg.decide", {"id": uid(), "text": "Verzonnen: parkeerkaart bij de balie",
                                                  "decided_by": "Facilitaire dienst en patiënten samen",
                                                  "show": True})
                assert second["ok"]
                display.wait_for("umcg.shown", where=lambda m: (m["decision"] or {}).get("text", "").endswith("balie"))
                assert display.snapshot()["format_data"]["shown"]["id"] == second["decision"]["id"]
                # Who may record: staff with the outcomes right, nobody else.
                assert listener.call("umcg.decide", {"id": uid(), "text": "x", "decided_by": "y"})["error"][
                    "code"] == "forbidden_role"
                assert helper.call("umcg.plan", {"text": "x", "owner": "y"})["error"]["code"] == "missing_right"
                assert mod.call("umcg.plan", {"text": "x", "owner": ""})["error"]["code"] == "invalid_payload", \
                    "an action on the plan needs an owner"
            if phase == "plan":
                action = mod.call("umcg.plan", {"text": "Verzonnen: overdracht tussen afdelingen herzien",
                                                "owner": "Projectgroep zorgpad", "due": "2025-03-01"})
                assert action["ok"] and action["action"]["kind"] == "action", action
                assert (action["action"]["status"], action["action"]["phase"]) == ("open", "plan"), \
                    "an action of the report's action model, tracked on the follow-up board"
                mod.wait_for("outcome", where=lambda m, wanted=action["action"]["id"]: m["outcome"]["id"] == wanted)
                staff_part = mod.snapshot()["format_data"]
                assert [a["owner"] for a in staff_part["plan"]] == ["Projectgroep zorgpad"]
                assert [d["decided_by"] for d in staff_part["decisions"]] == [
                    "Teamleider polikliniek", "Facilitaire dienst en patiënten samen"]
                assert mod.call("umcg.show", {"id": None})["ok"]
                display.wait_for("umcg.shown", where=lambda m: m["decision"] is None)
            check_phase(phase, listener, allowed, tries_end if phase in ("plan", "ended") else TRIES)
        assert "overdracht ging mis" not in display.raw(), "a listener's note never reaches the room"
    finally:
        close_all(peers)

    sections = {s["key"]: s for s in report_sections(server, meeting_id)}
    assert [i["text"] for i in sections["umcg_parties"]["items"]] == [
        "Ziekenhuis: Verzonnen Academisch Ziekenhuis", "Patiëntenorganisatie: Verzonnen Patiëntenvereniging",
        "Zorgverzekeraar: Verzonnen Zorgverzekeraar"]
    decisions = sections["umcg_decisions"]["items"]
    assert [(d["text"], d["decided_by"]) for d in decisions] == [
        ("Verzonnen: uitslag binnen twee dagen bellen", "Teamleider polikliniek"),
        ("Verzonnen: parkeerkaart bij de balie", "Facilitaire dienst en patiënten samen")]
    assert all(d["decided_at"] for d in decisions)
    assert sections["umcg_plan"]["items"] == [{"text": "Verzonnen: overdracht tussen afdelingen herzien",
                                               "owner": "Projectgroep zorgpad", "due": "2025-03-01",
                                               "status": "open"}]
    assert sections["umcg_plan"]["title"] == {"nl": "Verbeterplan voor de projectgroep",
                                              "en": "Improvement plan for the project group"}
