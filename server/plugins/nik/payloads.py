"""Payloads of NIK's events and creation options (validated before any handler runs)."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator
from spiegel.api import Payload

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Optional = Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)]
PointId = Annotated[str, StringConstraints(min_length=1, max_length=36)]


class Series(Payload):
    organisation: Name = Field(json_schema_extra={"title": {"nl": "Organisatie", "en": "Organisation"}})
    region: Optional = Field(default="", json_schema_extra={"title": {"nl": "Regio", "en": "Region"}})
    round: int = Field(ge=1, le=100, json_schema_extra={"title": {"nl": "Ronde", "en": "Round"}})
    year: int = Field(ge=1990, le=2200, json_schema_extra={"title": {"nl": "Jaar", "en": "Year"}})


class NikOptions(Payload):
    """What a NIK meeting is created with: its series and the optional regional focus."""

    series: Series | None = Field(default=None, json_schema_extra={
        "title": {"nl": "Reeks (organisatie, regio, ronde, jaar)", "en": "Series (organisation, region, round, year)"},
        "help": {"nl": "Zo zijn de rondes van een regio over de jaren te vergelijken.",
                 "en": "So that a region's rounds can be compared over the years."},
        # Read once, when the meeting is made; the moderator changes it with nik.setup.
        "create_only": True})
    focus: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] = Field(
        default="", json_schema_extra={"title": {"nl": "Regionale focus", "en": "Regional focus"},
                                        "help": {"nl": "Mag leeg blijven, bijvoorbeeld ‘nazorg’.",
                                                 "en": "May stay empty, for example ‘aftercare’."}})


class NikSetup(Payload):
    series: Series | None = None
    focus: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] | None = None


class PointIn(Payload):
    id: str
    text: Text
    source: Literal["outcome", "note", "moderator"] = "moderator"

    @field_validator("id")
    @classmethod
    def _uuid(cls, value: str) -> str:
        return str(uuid.UUID(value))


class PointsSet(Payload):
    points: list[PointIn] = Field(max_length=40)


class VoteOpen(Payload):
    method: Literal["dots", "rank"] = "dots"
    dots_per_person: int = Field(default=3, ge=1, le=20)


class VoteLimit(Payload):
    dots_per_person: int = Field(ge=1, le=20)


class VoteCast(Payload):
    """A parent's whole choice (sent again to change it): dots per point, or a ranking."""

    dots: dict[PointId, Annotated[int, Field(ge=0, le=20)]] | None = None
    ranking: list[PointId] | None = Field(default=None, max_length=40)


class RoomVote(VoteCast):
    """The room's choice, recorded by the moderator from the shared screen, for ``voters`` people."""

    voters: int = Field(ge=1, le=50)
