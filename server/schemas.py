"""Payload schemas of every client→server message, and the text limits.

The server validates with these models and `tests/test_protocol_docs.py` reads the same
models to check `docs/protocol.md`, so code and documentation cannot drift apart.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    ValidationError,
    field_validator,
)

from .errors import SpiegelError
from .formats import CORE_OUTCOME_NAMES
from .permissions import CORE_RIGHTS

NOTE_MAX = 4000
QUESTION_MAX = 1000
OUTCOME_MAX = 2000
NAME_MAX = 60
DISCIPLINE_MAX = 80
TITLE_MAX = 200
THEME_MAX = 1000
PREPARED_MAX = 500
REASON_MAX = 300

NOTE_TAGS = ("positive", "improvement", "later")
TRIAGE = ("clarifying", "later", "discussion")
#: The core outcome kinds; a meeting's format may accept more (``MeetingFormat.outcome_kinds``,
#: the ``register_outcome_kinds`` hook), checked against the meeting by the handlers.
OUTCOME_KINDS = CORE_OUTCOME_NAMES
STAFF_RIGHTS = CORE_RIGHTS
ASSISTANT_RIGHTS = ("run", "questions", "outcomes")
TURN_STATES = ("none", "waiting", "speaking", "done")


def _no_nul(value: str) -> str:
    # PostgreSQL cannot store NUL, and no person types one: refuse it everywhere alike.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


def bounded_text(max_length: int, min_length: int = 1):
    """A text field: stripped, between ``min_length`` and ``max_length`` characters, no NUL
    (public API: plugins' payloads use it too)."""
    return Annotated[str, StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length),
                     AfterValidator(_no_nul)]


_text = bounded_text

Id = Annotated[str, StringConstraints(min_length=1, max_length=64), AfterValidator(_no_nul)]
#: The name of an outcome kind; whether the meeting's format has it is checked by the handler
#: (``unknown_outcome_kind``), since the schema is the same for every format.
OutcomeKindName = Annotated[str, StringConstraints(pattern=r"^[a-z_][a-z0-9_]{0,15}$")]


def _not_null(value: object) -> object:
    """For optional fields of edits: leave a field out to keep it; null is no value for it."""
    if value is None:
        raise ValueError("may be left out but not null")
    return value


class Payload(BaseModel):
    """Base: unknown fields are refused, so a typo is an error and not silently ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ClientId(Payload):
    id: str

    @field_validator("id")
    @classmethod
    def _uuid(cls, value: str) -> str:
        try:
            return str(uuid.UUID(value))
        except ValueError as exc:
            raise ValueError("must be a UUID") from exc


class Empty(Payload):
    pass


class ItemRef(ClientId):
    pass


class JoinRequest(Payload):
    name: _text(NAME_MAX, 0) | None = None
    discipline: _text(DISCIPLINE_MAX, 0) | None = None
    #: The secret of an invitation link (other participant kinds); none for listeners.
    invite: Annotated[str, StringConstraints(min_length=1, max_length=100)] | None = None


class PreparedItem(Payload):
    id: Id | None = None
    text: _text(PREPARED_MAX)
    phase: Id | None = None


def _check_durations(value: dict[str, int] | None) -> dict[str, int] | None:
    for key, seconds in (value or {}).items():
        if not 0 <= seconds <= 6 * 3600:
            raise ValueError(f"duration of {key!r} must be between 0 and 21600 seconds")
    return value


class MeetingCreate(Payload):
    title: _text(TITLE_MAX)
    theme: _text(THEME_MAX, 0) = ""
    format: Id = "common"
    language: Literal["nl", "en"] = "nl"
    scheduled_for: datetime | None = None
    expected_listeners: StrictInt | None = Field(default=None, ge=0, le=500)
    prepared: list[PreparedItem] = Field(default_factory=list, max_length=50)
    durations: dict[Id, StrictInt] = Field(default_factory=dict)
    #: The format's own meeting fields (``MeetingFormat.options``), checked against its class.
    options: dict[Id, object] = Field(default_factory=dict, max_length=50)
    open: bool = False

    _durations = field_validator("durations")(_check_durations)


class MeetingUpdate(Payload):
    title: _text(TITLE_MAX) | None = None
    theme: _text(THEME_MAX, 0) | None = None
    language: Literal["nl", "en"] | None = None
    scheduled_for: datetime | None = None
    expected_listeners: StrictInt | None = Field(default=None, ge=0, le=500)
    durations: dict[Id, StrictInt] | None = None
    queue_visibility: Literal["live", "count", "hidden"] | None = None
    #: Changes to the format's own meeting fields (the others keep their values).
    options: dict[Id, object] | None = Field(default=None, max_length=50)
    #: The room display shows the phase timer (off by default).
    display_timer: StrictBool | None = None
    #: Start the phase's timer when the phase starts; absent = what the format's phase says.
    timer_with_phase: StrictBool | None = None

    _durations = field_validator("durations")(_check_durations)
    _present = field_validator("title", "theme", "language", "durations", "queue_visibility", "display_timer",
                               "timer_with_phase", "options", mode="before")(_not_null)


class NoteAdd(ClientId):
    text: _text(NOTE_MAX)
    tags: list[Literal[NOTE_TAGS]] = Field(default_factory=list, max_length=3)  # type: ignore[valid-type]
    prompt_id: Id | None = None


class NoteEdit(ClientId):
    text: _text(NOTE_MAX) | None = None
    tags: list[Literal[NOTE_TAGS]] | None = Field(default=None, max_length=3)  # type: ignore[valid-type]

    _present = field_validator("text", "tags", mode="before")(_not_null)


class NoteShare(ClientId):
    shared: bool


class QuestionAdd(ClientId):
    text: _text(QUESTION_MAX)


class QuestionEdit(ClientId):
    text: _text(QUESTION_MAX)


class QuestionUpdate(ClientId):
    status: Literal["parked", "selected", "asked", "dismissed"] | None = None
    reason: _text(REASON_MAX, 0) | None = None
    triage: Literal[TRIAGE] | None = None  # type: ignore[valid-type]
    prepared_id: Id | None = None

    _present = field_validator("status", "triage", mode="before")(_not_null)


class QuestionAsking(Payload):
    """Put a selected question up as "now asking"; ``id`` null takes it down."""

    id: Id | None


class QuestionReorder(Payload):
    ids: list[Id] = Field(min_length=1, max_length=500)


class QuestionMerge(Payload):
    into: Id
    ids: list[Id] = Field(min_length=1, max_length=50)


class TurnSet(Payload):
    state: Literal[TURN_STATES]  # type: ignore[valid-type]


class PhaseGoto(Payload):
    key: Id
    from_: Id | None = Field(default=None, alias="from")

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class TimerStart(Payload):
    seconds: StrictInt | None = Field(default=None, ge=1, le=6 * 3600)


class TimerAdjust(Payload):
    seconds: StrictInt = Field(ge=-3600, le=3600)

    @field_validator("seconds")
    @classmethod
    def _not_zero(cls, value: int) -> int:
        if value == 0:
            raise ValueError("must not be 0")
        return value


class TimerReset(Payload):
    seconds: StrictInt | None = Field(default=None, ge=0, le=6 * 3600)


class PreparedSet(Payload):
    items: list[PreparedItem] = Field(max_length=50)


class PromptSet(Payload):
    id: Id | None = None
    shown: bool = True


class OutcomeAdd(ClientId):
    kind: OutcomeKindName
    text: _text(OUTCOME_MAX)
    owner: _text(NAME_MAX * 2, 0) | None = None
    due: _text(40, 0) | None = None


class OutcomeEdit(ClientId):
    kind: OutcomeKindName | None = None
    text: _text(OUTCOME_MAX) | None = None
    owner: _text(NAME_MAX * 2, 0) | None = None
    due: _text(40, 0) | None = None

    _present = field_validator("kind", "text", mode="before")(_not_null)


class PollOption(Payload):
    id: Id
    text: _text(200)


class PollOpen(ClientId):
    kind: Literal["vote", "rank"]
    title: _text(300)
    options: list[PollOption] = Field(min_length=2, max_length=20)


class PollAnswer(Payload):
    poll_id: Id
    choices: list[Id] = Field(min_length=1, max_length=20)


class AssistantCreate(Payload):
    #: ``run``, ``questions``, ``outcomes`` or a right a plugin registers (checked on the server).
    rights: list[Id] = Field(max_length=20)
    label: _text(NAME_MAX, 0) | None = None


class InviteCreate(Payload):
    kind: Id


class PluginAction(Payload):
    name: Id
    data: dict = Field(default_factory=dict)


_TOO_LONG = {"string_too_long", "too_long"}


def validate(model: type[Payload], data: object) -> Payload:
    """Parse ``data`` or raise a SpiegelError naming every field that is wrong."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise SpiegelError("invalid_payload", "The payload must be a JSON object.")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        details = [
            {
                "field": ".".join(str(p) for p in err["loc"]) or "(payload)",
                "problem": err["type"],
                **({"limit": err["ctx"]["max_length"]} if "max_length" in err.get("ctx", {}) else {}),
            }
            for err in exc.errors(include_url=False, include_input=False)
        ]
        too_long = [d for d in details if d["problem"] == "string_too_long"]
        if too_long:
            field = too_long[0]["field"]
            raise SpiegelError(
                "text_too_long", f"{field} is longer than {too_long[0]['limit']} characters.", details
            ) from None
        fields = ", ".join(sorted({d["field"] for d in details}))
        raise SpiegelError("invalid_payload", f"Invalid field(s): {fields}.", details) from None
