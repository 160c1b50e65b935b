"""A full invented meeting for the report tests: notes shared and private, questions asked
and not, every outcome kind. Importable by name (like helpers.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from helpers import ADMIN_PASSWORD, Room, call, uid

ADMIN = {"Authorization": f"Bearer {ADMIN_PASSWORD}"}
#: Never allowed in any export, page, log or audit entry.
PRIVATE = "Deze verzonnen privézin over kamer zeventien blijft bij de schrijver"
UNASKED = "Verzonnen vraag die nooit gesteld werd?"
LISTENER_NAME = "Verzonnen Luisteraarnaam"
DISCIPLINE = "verzonnen kinderarts"


@dataclass
class Meeting:
    room: Room
    listener_ids: list[str] = field(default_factory=list)
    listener_tokens: list[str] = field(default_factory=list)
    shared: dict[str, str] = field(default_factory=dict)
    outcomes: dict[str, str] = field(default_factory=dict)
    action_id: str = ""
    asked: str = "Wat bedoelde u met de overdracht naar huis?"

    @property
    def key(self) -> dict:
        return {"Authorization": f"Bearer {self.room.moderator_key}"}

    @property
    def base(self) -> str:
        return f"/api/moderate/{self.room.meeting_id}"


OUTCOMES = {
    "well": "Verzonnen: de warme ontvangst op de afdeling",
    "improvement": "Verzonnen: de overdracht van ziekenhuis naar huis",
    "wish": "Verzonnen: één vast aanspreekpunt voor het gezin",
    "decision": "Verzonnen: de folder wordt herschreven met ouders",
    "priority": "Verzonnen: nazorg na overlijden",
    "action": "Verzonnen: terugbelafspraak binnen een week",
}


def full_meeting(app, language: str = "nl", title: str = "Verzonnen spiegelgesprek", ended: bool = True) -> Meeting:
    http = app.test_client()
    created = http.post("/api/admin/meetings", headers=ADMIN, json={
        "title": title, "theme": "Verzonnen thema: nazorg", "open": True, "language": language}).get_json()
    room = Room(app, created)
    mod = room.moderator()
    out = Meeting(room)
    assert call(mod, "phase.goto", {"key": "listening"})["ok"]
    named = room.join(name=LISTENER_NAME, discipline=DISCIPLINE)
    anonymous = room.join()
    out.listener_ids = [named["participant"]["id"], anonymous["participant"]["id"]]
    out.listener_tokens = [named["token"], anonymous["token"]]
    a, b = room.connect(named["token"]), room.connect(anonymous["token"])
    notes = {
        uid(): (a, "Verzonnen gedeelde zin: de nachtdienst luisterde echt", ["positive"]),
        uid(): (b, "Verzonnen gedeelde zin: wachten op de uitslag duurde te lang", ["improvement", "later"]),
        uid(): (b, "Verzonnen gedeelde zin zonder label", []),
    }
    private_id = uid()
    for nid, (who, text, tags) in notes.items():
        assert call(who, "note.add", {"id": nid, "text": text, "tags": tags})["ok"]
    assert call(a, "note.add", {"id": private_id, "text": PRIVATE, "tags": ["positive"]})["ok"]
    asked, unasked = uid(), uid()
    assert call(a, "question.add", {"id": asked, "text": out.asked})["ok"]
    assert call(b, "question.add", {"id": unasked, "text": UNASKED})["ok"]
    for kind, text in OUTCOMES.items():
        oid = uid()
        extra = {"owner": "Verzonnen team Noord", "due": "2027-02-01"} if kind == "action" else {}
        assert call(mod, "outcome.add", {"id": oid, "kind": kind, "text": text, **extra})["ok"]
        out.outcomes[kind] = oid
    out.action_id = out.outcomes["action"]
    assert call(mod, "phase.goto", {"key": "questions"})["ok"]
    assert call(mod, "question.update", {"id": asked, "status": "selected"})["ok"]
    assert call(mod, "question.update", {"id": asked, "status": "asked"})["ok"]
    assert call(mod, "phase.goto", {"key": "closing"})["ok"]
    for nid, (who, text, _tags) in notes.items():
        assert call(who, "note.share", {"id": nid, "shared": True})["ok"]
        out.shared[nid] = text
    if ended:
        assert call(mod, "phase.goto", {"key": "ended"})["ok"]
    for client in (mod, a, b):
        client.disconnect()
    return out
