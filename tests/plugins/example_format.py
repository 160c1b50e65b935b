"""An invented format for tests: a listening part, then a round in which listeners take turns,
vote and make a "pledge" (a plugin action), then the end.

Loaded as a one-off plugin file (``PLUGINS_DIR=tests/plugins``). It records every hook call
in ``CALLS`` so tests can see that Spiegel called its hooks, and with what.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from spiegel import hookimpl
from spiegel.actions import Action
from spiegel.formats import MeetingFormat, ParticipantKind, Phase

#: (hook name, details) for every call, in order.
CALLS: list[tuple[str, dict]] = []

ROUND_SECONDS = 7 * 60


class ExampleRound(MeetingFormat):
    name = "example_round"
    title = {"nl": "Voorbeeldronde (test)", "en": "Example round (test)"}
    description = {
        "nl": "Een verzonnen vorm voor tests: luisteren, dan een ronde met beurten, stemmen en toezeggingen.",
        "en": "An invented format for tests: listening, then a round with turns, votes and pledges.",
    }
    capabilities = frozenset({"polls", "turns"})
    defaults = {"queue_visibility": "hidden"}
    kinds = (ParticipantKind(name="guest", title={"nl": "Gast", "en": "Guest"}),)
    phases = (
        Phase(key="lobby", state="open", title={"nl": "Welkom", "en": "Welcome"},
              rule={"nl": "We beginnen zo.", "en": "We start soon."}),
        Phase(key="listening", duration=20 * 60, silent=True, listener=frozenset({"note", "question"}),
              title={"nl": "Luisteren", "en": "Listening"},
              rule={"nl": "Alleen luisteren.", "en": "Only listen."}),
        Phase(key="round", duration=ROUND_SECONDS, listener=frozenset({"note", "turn", "vote", "pledge"}),
              title={"nl": "Ronde", "en": "Round"},
              rule={"nl": "Om de beurt: wat hoorde je?", "en": "In turn: what did you hear?"}),
        Phase(key="ended", state="ended", listener=frozenset({"share"}),
              title={"nl": "Afgelopen", "en": "Ended"},
              rule={"nl": "Dank je wel.", "en": "Thank you."}),
    )


class Pledge(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    weeks: int = Field(default=4, ge=1, le=52)


class Summary(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: Annotated[str, StringConstraints(min_length=1, max_length=500)]


def pledge(ctx, data: Pledge) -> dict:
    """A listener promises something; staff hear of it, the answer goes back to the sender."""
    ctx.version()
    ctx.to_staff("example.pledge", {"version": ctx.meeting.version, "text": data.text, "weeks": data.weeks})
    return {"pledge": data.text, "weeks": data.weeks, "phase": ctx.phase.key}


def summary(ctx, data: Summary) -> dict:
    return {"summary": data.text, "by": ctx.participant.role}


@hookimpl
def register_formats():
    CALLS.append(("register_formats", {}))
    return [ExampleRound]


@hookimpl
def register_actions():
    CALLS.append(("register_actions", {}))
    return [
        Action(name="example.pledge", schema=Pledge, handler=pledge, listener_action="pledge",
               description="A listener's pledge for the follow-up.", emits=frozenset({"example.pledge"})),
        Action(name="example.summary", schema=Summary, handler=summary, right="outcomes",
               description="Staff note a one-line summary."),
    ]


@hookimpl
def meeting_created(meeting, format):
    CALLS.append(("meeting_created", {"meeting": meeting.id, "format": format.name}))
    if format.name == ExampleRound.name and not meeting.prepared:
        meeting.prepared = [{"id": "ex-1", "text": "Wat heb je gehoord dat je wilt onthouden?", "phase": "round"}]


@hookimpl
def phase_changed(ctx, previous, current):
    CALLS.append(("phase_changed", {"meeting": ctx.meeting.id, "previous": previous.key, "current": current.key}))
    if ctx.fmt.name == ExampleRound.name and current.key == "round":
        ctx.start_timer(ctx.duration_of(current))
