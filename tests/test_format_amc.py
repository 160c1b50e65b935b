"""The AMC format end to end, over the real protocol: a real server process, a moderator, six
listeners and two invited professionals through every phase. Checks each phase's permissions
for each kind, the advance submissions (sent before the meeting opens, merged, turned into a
prepared question, set aside; each sender sees what became of theirs and nothing of anyone
else's), the counts against the caps (never a refusal), and what reaches the report data."""

from __future__ import annotations

import pytest
from format_support import TRIES, check_phase, goto, invite, report_sections, uid
from helpers import LiveServer
from realtime_clients import Peer, close_all


def submit(text: str, kind: str = "topic"):
    return ("amc.submit", lambda: {"id": uid(), "kind": kind, "text": text})


@pytest.fixture
def server(tmp_path):
    live = LiveServer(instance=tmp_path / "instance").start()
    yield live
    live.stop()


def test_amc_meeting_from_invitations_to_after_talk(server):
    created = server.create_meeting(title="Spiegelbijeenkomst poli (test)", format="amc", open=False,
                                    options={"inner_circle": 9})
    code, meeting_id = created["meeting"]["code"], created["meeting"]["id"]
    peers: list[Peer] = []
    try:
        mod = Peer(server.url, created["moderator_key"], "moderator").connect()
        peers.append(mod)
        snap = mod.of("snapshot")[0]
        assert [p["key"] for p in snap["format"]["phases"]] == ["preparation", "listening", "questions",
                                                                "aftertalk", "ended"]
        assert sum(p["duration"] for p in snap["format"]["phases"]) == 75 * 60
        assert [k["name"] for k in snap["format"]["kinds"]] == ["listener", "professional"]
        assert snap["format_data"]["caps"] == {"inner_circle": 12, "listeners": 25}
        assert snap["format_data"]["counts"] == {"inner_circle": 9, "listeners": 0, "professionals": 0}

        # --- before the meeting: invited professionals send in topics and questions --------------
        status, refused = server.api("POST", f"/api/meetings/{code}/join", {})
        assert status == 409 and refused["error"]["code"] == "meeting_not_open", "listeners wait for the opening"
        anna = invite(server, mod, "professional", name="Anna")
        ben = invite(server, mod, "professional")
        peers += [anna, ben]
        assert ben.of("snapshot")[0]["me"]["label"] == "Professional 2"
        assert ben.of("snapshot")[0]["format_data"] == {"submissions": []}
        first = anna.call("amc.submit", {"id": uid(), "kind": "topic", "text": "Verzonnen: de wachttijd bij de poli"})
        assert first["ok"] and first["submission"]["status"] == "sent", first
        again = anna.call("amc.submit", {"id": first["submission"]["id"], "kind": "topic",
                                         "text": "Verzonnen: de wachttijd bij de poli"})
        assert again["ok"] and again["duplicate"], "a resend is answered, not stored twice"
        dup = ben.call("amc.submit", {"id": uid(), "kind": "topic", "text": "Verzonnen: lang wachten op de poli"})
        other = ben.call("amc.submit", {"id": uid(), "kind": "question",
                                        "text": "Verzonnen: hoe ervaren cliënten de uitslag per telefoon?"})
        assert dup["ok"] and other["ok"]
        seen = mod.wait_for("amc.submission", count=3)
        assert {s["submission"]["from"] for s in seen} == {"Anna", "Professional 2"}
        # Nobody but staff and the sender sees a submission.
        assert "wachttijd" not in ben.raw() and "lang wachten" not in anna.raw()

        # The moderator merges the duplicate, makes one a prepared question with one tap, sets one aside.
        merged = mod.call("amc.merge", {"into": first["submission"]["id"], "ids": [dup["submission"]["id"]]})
        assert merged["ok"] and merged["merged"] == [dup["submission"]["id"]], merged
        prepared = mod.call("amc.prepare", {"id": first["submission"]["id"],
                                            "text": "Hoe was het wachten op de poli voor u?"})
        assert prepared["ok"] and prepared["submission"]["status"] == "prepared", prepared
        assert mod.call("sync")["snapshot"]["prepared"][-1] == {"id": prepared["prepared"]["id"], "phase": "listening",
                                                                "text": "Hoe was het wachten op de poli voor u?"}
        assert mod.call("amc.set", {"id": other["submission"]["id"], "status": "dismissed"})["ok"]
        assert mod.call("amc.merge", {"into": other["submission"]["id"], "ids": [first["submission"]["id"]]})[
            "error"]["code"] == "invalid_transition"
        # Whoever sent it sees what became of it.
        anna.wait_for("amc.submission", where=lambda m: m["submission"]["status"] == "prepared")
        ben.wait_for("amc.submission", where=lambda m: m["submission"]["status"] == "merged"
                     and m["submission"]["prepared_text"] == "Hoe was het wachten op de poli voor u?")
        ben.wait_for("amc.submission", where=lambda m: m["submission"]["status"] == "dismissed")
        fates = {s["text"]: (s["status"], s["prepared"]) for s in ben.snapshot()["format_data"]["submissions"]}
        assert fates == {"Verzonnen: lang wachten op de poli": ("merged", True),
                         "Verzonnen: hoe ervaren cliënten de uitslag per telefoon?": ("dismissed", False)}
        assert "from" not in ben.snapshot()["format_data"]["submissions"][0], "a sender never sees who else sent"
        # Only staff decide what becomes of a submission.
        assert anna.call("amc.prepare", {"id": dup["submission"]["id"]})["error"]["code"] == "forbidden_role"

        # --- the meeting opens; more listeners than the guideline join (never refused) -----------
        assert mod.call("meeting.open")["ok"]
        listeners = [Peer(server.url, server.join(code)["token"], f"listener{i}").connect() for i in range(6)]
        peers += listeners
        for _ in range(20):
            server.join(code)  # 26 listeners: past the "best no more than 25", still welcome
        assert mod.call("meeting.update", {"options": {"inner_circle": 13}})["ok"]
        counts = mod.call("sync")["snapshot"]["format_data"]["counts"]
        assert counts == {"inner_circle": 13, "listeners": 26, "professionals": 2}
        assert mod.call("meeting.update", {"options": {"inner_circle": -1}})["error"]["code"] == "invalid_payload"
        listener = listeners[0]
        assert "format_data" not in listener.of("snapshot")[0], "listeners get no staff counts or submissions"

        tries_listener = {**TRIES, "share": ("note.share", lambda: {"id": shared_note, "shared": True})}
        tries_pro = {"submit": submit("Verzonnen: op de dag zelf ingestuurd"), **TRIES}
        note = listener.call("note.add", {"id": uid(), "text": "x"})
        assert note["error"]["code"] == "not_allowed_in_phase"
        shared_note = None

        plan = [  # phase, what a listener may do, what an invited professional may do
            ("preparation", set(), {"submit"}),
            ("listening", {"note", "question"}, set()),
            ("questions", {"note"}, set()),  # no new questions: only the triage of the queue
            ("aftertalk", set(), set()),     # tablets show nothing to do
            ("ended", {"share"}, set()),
        ]
        for phase, for_listeners, for_pros in plan:
            if phase != "preparation":
                state = goto(mod, phase)
                assert state["phase"]["listener_actions"] == sorted(for_listeners)
                assert state["phase"]["actions"].get("professional", []) == sorted(for_pros)
            if phase == "listening":
                parked = listener.call("question.add", {"id": uid(), "text": "Verzonnen: wat is een MDO?"})
                later = listeners[1].call("question.add", {"id": uid(), "text": "Verzonnen: kunnen we het anders?"})
                shared_note = listener.call("note.add", {"id": uid(), "text": "Verzonnen: wat me raakte"})["note"]["id"]
            if phase == "questions":
                # The triage: only informative questions are asked.
                assert mod.call("question.update", {"id": later["question"]["id"], "triage": "discussion"})["ok"]
                assert mod.call("question.update", {"id": later["question"]["id"], "status": "selected"})[
                    "error"]["code"] == "invalid_transition"
                assert mod.call("question.update", {"id": parked["question"]["id"], "status": "selected"})["ok"]
                assert mod.call("question.update", {"id": parked["question"]["id"], "status": "asked"})["ok"]
            check_phase(phase, listener, for_listeners,
                        TRIES if phase != "ended" else tries_listener)
            check_phase(phase, anna, for_pros, tries_pro)
        # After the meeting a sender still sees what became of theirs.
        assert anna.snapshot()["format_data"]["submissions"][0]["status"] == "prepared"
    finally:
        close_all(peers)

    sections = {s["key"]: s for s in report_sections(server, meeting_id)}
    assert sections["amc_submissions"]["source"] == "format:amc"
    assert sections["amc_submissions"]["items"] == [
        {"text": "Verzonnen: de wachttijd bij de poli", "kind": "topic", "status": "prepared",
         "status_text": "werd een voorbereide vraag", "prepared_text": "Hoe was het wachten op de poli voor u?",
         "also_sent_by": 1},
        {"text": "Verzonnen: hoe ervaren cliënten de uitslag per telefoon?", "kind": "question",
         "status": "dismissed", "status_text": "niet besproken", "prepared_text": None, "also_sent_by": 0},
        {"text": "Verzonnen: op de dag zelf ingestuurd", "kind": "topic", "status": "sent",
         "status_text": "ingebracht", "prepared_text": None, "also_sent_by": 0},
    ]
    report = repr(sections)
    assert "Anna" not in report and "Professional" not in report, "the report never says who sent what"
    attendance = sections["amc_attendance"]["items"]
    assert [(i["count"], i["cap"], i["over"]) for i in attendance] == [(13, 12, True), (26, 25, True)]
    assert attendance[0]["text"] == "Binnenkring: 13 cliënten (hoogstens 12)"
