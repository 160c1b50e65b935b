"""Payloads of KOOS's events, administrator actions and creation options."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints
from spiegel.api import Payload

Id = Annotated[str, StringConstraints(min_length=1, max_length=32)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)]


class KoosOptions(Payload):
    """A KOOS meeting is created with a question set from the library and its team or district."""

    question_set: Id | None = Field(default=None, json_schema_extra={
        "title": {"nl": "Vragenset uit de bibliotheek", "en": "Question set from the library"},
        "help": {"nl": "De vragen van de set komen bij de voorbereide vragen.",
                 "en": "The set's questions are added to the prepared questions."},
        # Copied into the prepared questions once, when the meeting is made.
        "create_only": True})
    team: Short = Field(default="", json_schema_extra={"title": {"nl": "Team of wijk", "en": "Team or district"}})


class ReflectionOptions(Payload):
    team: Short = Field(default="", json_schema_extra={"title": {"nl": "Organisator (team)",
                                                                  "en": "Organiser (team)"}})


class RoundStart(Payload):
    mode: Literal["join", "shuffle", "manual"] = "join"
    #: For ``manual``: participant ids in speaking order (anyone left out follows in join order).
    order: list[Id] = Field(default_factory=list, max_length=60)
    #: Seconds per speaker; 0 for no timer.
    seconds: int = Field(default=0, ge=0, le=1800)


class RoundNext(Payload):
    outcome: Literal["done", "passed", "skipped"] = "done"


class RoundPerson(Payload):
    #: Left out: the current speaker.
    participant: Id | None = None


class RoundArrange(Payload):
    order: list[Id] = Field(max_length=60)


class RoundTimer(Payload):
    action: Literal["pause", "resume", "add", "restart"]
    seconds: int | None = Field(default=None, ge=-1800, le=1800)


class SourcesSet(Payload):
    meeting_ids: list[Id] = Field(max_length=30)


class QuestionItem(Payload):
    text: Text
    phase: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None


class QuestionSetSave(Payload):
    id: Id | None = None
    name: Name
    principle: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] = ""
    items: list[QuestionItem] = Field(min_length=1, max_length=50)


class QuestionSetRef(Payload):
    id: Id
