"""The common form of a spiegelgesprek (seed 001): listen in silence, questions at the end,
then summary and follow-up. Every other format is written the same way."""

from __future__ import annotations

from spiegel import hookimpl
from spiegel.formats import MeetingFormat, Phase


class CommonForm(MeetingFormat):
    name = "common"
    title = {"nl": "Spiegelgesprek (algemene vorm)", "en": "Mirror meeting (common form)"}
    description = {
        "nl": "De binnenkring vertelt, de buitenring luistert in stilte en schrijft op wat opvalt. "
        "Aan het eind alleen verhelderende vragen; daarna samenvatten en afspraken voor de opvolging.",
        "en": "The inner circle tells, the outer ring listens in silence and writes down what "
        "strikes them. Only clarifying questions at the end; then a summary and follow-up actions.",
    }
    capabilities = frozenset({"outcomes"})
    defaults = {"queue_visibility": "count"}
    phases = (
        Phase(
            key="lobby",
            state="open",
            title={"nl": "Welkom", "en": "Welcome"},
            rule={
                "nl": "We beginnen zo. Zet je telefoon op stil en ga er rustig bij zitten.",
                "en": "We are about to start. Please silence your phone and settle in.",
            },
        ),
        Phase(
            key="listening",
            duration=60 * 60,
            timer_autostart=True,
            silent=True,
            listener=frozenset({"note", "question"}),
            title={"nl": "Luisteren", "en": "Listening"},
            rule={
                "nl": "Alleen luisteren: niet reageren, niet verdedigen. Schrijf op wat je raakt en "
                "parkeer verhelderende vragen.",
                "en": "Only listen: no reactions, no defending. Write down what strikes you and park "
                "clarifying questions.",
            },
        ),
        Phase(
            key="questions",
            duration=15 * 60,
            timer_autostart=True,
            listener=frozenset({"note", "question"}),
            title={"nl": "Verhelderende vragen", "en": "Clarifying questions"},
            rule={
                "nl": "Alleen vragen om iets te verhelderen: geen nieuwe onderwerpen, geen discussie.",
                "en": "Only questions that clarify: no new topics, no discussion.",
            },
        ),
        Phase(
            key="closing",
            duration=15 * 60,
            timer_autostart=True,
            listener=frozenset({"note", "share"}),
            title={"nl": "Afronding en opvolging", "en": "Closing and follow-up"},
            rule={
                "nl": "We vatten samen wat we hoorden en spreken af wat ermee gebeurt.",
                "en": "We sum up what we heard and agree on what will be done with it.",
            },
        ),
        Phase(
            key="ended",
            state="ended",
            listener=frozenset({"share"}),
            title={"nl": "Afgelopen", "en": "Ended"},
            rule={
                "nl": "Dank voor het luisteren. Bewaar je notities en kies wat anoniem in het verslag mag.",
                "en": "Thank you for listening. Keep your notes and choose what may go into the report anonymously.",
            },
        ),
    )


@hookimpl
def register_formats():
    return [CommonForm]
