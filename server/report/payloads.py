"""Bodies of the report, follow-up, series and privacy HTTP routes (validated like socket
payloads, documented in docs/protocol.md)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from ..schemas import NAME_MAX, OUTCOME_MAX, TITLE_MAX, Id, OutcomeKindName, Payload, _text
from .model import ACTION_STATUSES

LETTER_MAX = 20_000
CONSENT_MAX = 1000
PROGRESS_MAX = 2000


class ItemChange(Payload):
    text: _text(OUTCOME_MAX * 2) | None = None
    removed: bool | None = None


class FinalSet(Payload):
    final: bool


class LetterSet(Payload):
    #: null: back to the drafted letter.
    text: _text(LETTER_MAX) | None = None


class OutcomeChange(Payload):
    kind: OutcomeKindName | None = None
    text: _text(OUTCOME_MAX) | None = None
    owner: _text(NAME_MAX * 2, 0) | None = None
    due: _text(40, 0) | None = None
    status: Literal[ACTION_STATUSES] | None = None  # type: ignore[valid-type]
    score: float | None = Field(default=None, ge=-1e6, le=1e6)
    phase: Id | None = None
    note_ids: list[Id] | None = Field(default=None, max_length=200)


class OutcomeNew(Payload):
    kind: OutcomeKindName
    text: _text(OUTCOME_MAX)
    owner: _text(NAME_MAX * 2, 0) | None = None
    due: _text(40, 0) | None = None
    phase: Id | None = None


class ProgressAdd(Payload):
    text: _text(PROGRESS_MAX, 0) = ""
    status: Literal[ACTION_STATUSES] | None = None  # type: ignore[valid-type]


class ConsentAdd(Payload):
    what: _text(CONSENT_MAX)
    participants: int = Field(ge=0, le=500)
    names: list[_text(NAME_MAX)] = Field(default_factory=list, max_length=50)


class SeriesCreate(Payload):
    organisation: _text(TITLE_MAX)
    region: _text(TITLE_MAX, 0) = ""
    title: _text(TITLE_MAX, 0) = ""


class SeriesAssign(Payload):
    #: null takes the meeting out of its series.
    series_id: Id | None = None
    round: int | None = Field(default=None, ge=1, le=1000)
    year: int | None = Field(default=None, ge=1990, le=2200)


class NextRound(Payload):
    title: _text(TITLE_MAX) | None = None
    theme: _text(1000, 0) | None = None
    year: int | None = Field(default=None, ge=1990, le=2200)


class RetentionSet(Payload):
    #: ISO date; null: the default period after the meeting's end.
    retain_until: date | None = None
