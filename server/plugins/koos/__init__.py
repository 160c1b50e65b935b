"""KOOS Utrecht (seed 002), specialist youth care: the mirror meeting with its outer-ring
round, the organisation's library of prepared question sets, and step 2, the reflection
meeting that gathers the lessons of several mirror meetings organisation-wide.

A built-in plugin written exactly like an outside organisation's: it imports only
``spiegel.api``.
"""

from __future__ import annotations

from pathlib import Path

from spiegel.api import (
    MEETING,
    PARTICIPANT,
    STAFF,
    ClientEvent,
    Payload,
    ServerEvent,
    hookimpl,
    participant,
    staff,
)

from . import library, reflection, speaking
from .formats import KoosFormat, ReflectionFormat
from .payloads import RoundArrange, RoundNext, RoundPerson, RoundStart, RoundTimer, SourcesSet

SPIEGEL_API = 1
HERE = Path(__file__).resolve().parent


class Empty(Payload):
    pass


KOOS = frozenset({KoosFormat.name})
library.PHASES.update(p.key for p in KoosFormat.phases)
REFLECTION = frozenset({ReflectionFormat.name})


@hookimpl
def register_formats():
    return [KoosFormat, ReflectionFormat]


@hookimpl
def register_events():
    return [
        ClientEvent("koos.round.start", RoundStart, speaking.start, staff("run"), formats=KOOS,
                    description="Start the outer-ring speaking order (join order, shuffled or by hand)."),
        ClientEvent("koos.round.next", RoundNext, speaking.next_speaker, staff("run"), formats=KOOS,
                    description="The speaker is done (or passed, or is skipped): the next one speaks."),
        ClientEvent("koos.round.later", RoundPerson, speaking.to_end, staff("run"), formats=KOOS,
                    description="Back to the end of the line."),
        ClientEvent("koos.round.skip", RoundPerson, speaking.skip, staff("run"), formats=KOOS,
                    description="Skip someone in the line."),
        ClientEvent("koos.round.arrange", RoundArrange, speaking.arrange, staff("run"), formats=KOOS,
                    description="Put the waiting listeners in another order by hand."),
        ClientEvent("koos.round.timer", RoundTimer, speaking.timer, staff("run"), formats=KOOS,
                    description="The speaker timer: pause, resume, add time, restart."),
        ClientEvent("koos.round.stop", Empty, speaking.stop, staff("run"), formats=KOOS,
                    description="End the round."),
        ClientEvent("koos.turn.pass", Empty, speaking.pass_own_turn, participant("pass"), formats=KOOS,
                    description="A listener passes their own turn from their tablet."),
        ClientEvent("koos.sources.candidates", Empty, reflection.list_candidates, staff("setup"),
                    formats=REFLECTION,
                    description="KOOS mirror meetings that ended: what a reflection meeting may gather from."),
        ClientEvent("koos.sources.set", SourcesSet, reflection.set_sources, staff("setup"),
                    formats=REFLECTION,
                    description="The source meetings of a reflection meeting."),
        ServerEvent("koos.round", frozenset({STAFF}), description="The whole speaking order, for staff."),
        ServerEvent("koos.speaker", frozenset({MEETING}), description="Who is speaking, and the speaker timer."),
        ServerEvent("koos.turn", frozenset({PARTICIPANT}), private=True,
                    description="A listener's own place; while speaking, their own notes as a prompt."),
        ServerEvent("koos.material", frozenset({MEETING}),
                    description="What the source meetings' reports may show, gathered."),
    ]


@hookimpl
def register_admin_actions():
    return library.ACTIONS


@hookimpl
def register_migrations():
    return [("koos", HERE / "migrations")]


@hookimpl
def register_static():
    return [("koos", HERE / "static")]
