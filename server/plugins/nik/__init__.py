"""NIK (Netwerken Integrale Kindzorg, seed 000): 3 to 5 families, about 90 minutes, one
overarching theme with an optional regional focus, clarifying questions at the end; then the
priority session with the parents, right after the meeting, in which they choose the
priorities (speerpunten) from the improvement points raised. Meetings belong to a series
(organisation, region, round, year) so rounds can be compared.

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
    MeetingFormat,
    ParticipantKind,
    Payload,
    Phase,
    ServerEvent,
    hookimpl,
    participant,
    section,
    staff,
)

from . import series as series_store
from . import vote
from .payloads import NikOptions, NikSetup, PointsSet, RoomVote, VoteCast, VoteLimit, VoteOpen

SPIEGEL_API = 1
HERE = Path(__file__).resolve().parent

PARENT = ParticipantKind(
    name="parent", join="invite",
    title={"nl": "Ouder", "en": "Parent"},
    description={"nl": "Ouder in de binnenkring: kiest na het gesprek de speerpunten, op het grote scherm of "
                       "op de eigen telefoon.",
                 "en": "Parent in the inner circle: chooses the priorities after the meeting, on the shared "
                       "screen or on their own phone."},
    label={"nl": "Ouder {n}", "en": "Parent {n}"},
)


class NikFormat(MeetingFormat):
    name = "nik"
    title = {"nl": "NIK-spiegelgesprek met speerpunten", "en": "NIK mirror meeting with priorities"}
    description = {
        "nl": "Drie tot vijf gezinnen vertellen, ongeveer anderhalf uur, rond één overkoepelend thema (soms "
              "met een regionale focus). Aan het eind verhelderende vragen. Direct daarna kiezen de ouders de "
              "speerpunten uit de verbeterpunten die aan bod kwamen. Elke bijeenkomst hoort bij een reeks "
              "(regio, ronde, jaar), zodat rondes te vergelijken zijn.",
        "en": "Three to five families tell, about ninety minutes, around one overarching theme (sometimes "
              "with a regional focus). Clarifying questions at the end. Right after, the parents choose the "
              "priorities from the improvement points raised. Each meeting belongs to a series (region, "
              "round, year), so rounds can be compared.",
    }
    capabilities = frozenset({"outcomes"})
    defaults = {"queue_visibility": "count"}
    kinds = (PARENT,)
    options = NikOptions
    modules = {"moderator": ["/plugins/nik/moderator.js"], "participant": ["/plugins/nik/parent.js"],
               "display": ["/plugins/nik/display.js"], "admin": ["/plugins/nik/admin.js"]}
    phases = (
        Phase(key="lobby", state="open",
              title={"nl": "Welkom", "en": "Welcome"},
              rule={"nl": "We beginnen zo. De ouders maken eerst rustig kennis met elkaar. Zet je telefoon op stil.",
                    "en": "We are about to start. The parents first get to know each other. Please silence "
                          "your phone."}),
        Phase(key="listening", duration=70 * 60, silent=True, listener=frozenset({"note", "question"}),
              title={"nl": "Ouders vertellen", "en": "Parents tell"},
              rule={"nl": "Alleen luisteren: niet reageren, niet verdedigen. Schrijf op wat je raakt en wat beter "
                          "kan, en parkeer verhelderende vragen.",
                    "en": "Only listen: no reactions, no defending. Write down what strikes you and what could "
                          "be better, and park clarifying questions."}),
        Phase(key="questions", duration=20 * 60, listener=frozenset({"note", "question", "share"}),
              title={"nl": "Verhelderende vragen", "en": "Clarifying questions"},
              rule={"nl": "Alleen vragen om iets te verhelderen: geen nieuwe onderwerpen, geen discussie. Deel "
                          "verbeterpunten die in het verslag mogen.",
                    "en": "Only questions that clarify: no new topics, no discussion. Share improvement points "
                          "that may go into the report."}),
        Phase(key="priorities", duration=30 * 60, listener=frozenset({"note", "share"}),
              allow={"parent": frozenset({"prioritise"})},
              title={"nl": "Speerpunten kiezen", "en": "Choosing priorities"},
              rule={"nl": "De ouders kiezen uit de verbeterpunten wat het eerst moet gebeuren. Professionals "
                          "kijken mee en reageren niet.",
                    "en": "The parents choose from the improvement points what should come first. "
                          "Professionals watch and do not react."}),
        Phase(key="ended", state="ended", listener=frozenset({"share"}),
              title={"nl": "Afgelopen", "en": "Ended"},
              rule={"nl": "Dank voor jullie verhalen en keuzes. Met de speerpunten gaan we aan de slag, in het "
                          "netwerk en met de NIK-coördinator.",
                    "en": "Thank you for your stories and choices. We will work on the priorities, in the "
                          "network and with the NIK coordinator."}),
    )

    @classmethod
    def configure(cls, ctx, options: NikOptions) -> None:
        series_store.set_series(ctx, options.series.model_dump() if options.series else None)

    @classmethod
    def snapshot_part(cls, ctx) -> dict:
        part = {"setup": setup_view(ctx), "points": vote.points_view(ctx), "vote": vote.vote_view(ctx),
                "priorities": vote.priorities_view(ctx)}
        if ctx.is_staff:
            part.update(progress=vote.progress(ctx), suggestions=vote.suggestions(ctx),
                        earlier_rounds=series_store.earlier_rounds(ctx))
        elif ctx.participant.role == "parent":
            part["ballot"] = vote.own_ballot(ctx)
        return part

    @classmethod
    def report_sections(cls, ctx) -> list[dict]:
        return report_sections(ctx)


def focus_of(ctx) -> str:
    """The regional focus: one of the meeting's options (``NikOptions.focus``)."""
    return ((ctx.meeting.settings or {}).get("options") or {}).get("focus", "")


def set_focus(ctx, focus: str) -> None:
    settings = dict(ctx.meeting.settings or {})
    settings["options"] = {**(settings.get("options") or {}), "focus": focus}
    ctx.meeting.settings = settings


def setup_view(ctx) -> dict:
    current = series_store.series_of(ctx)
    return {"series": current, "series_label": series_store.label(current, ctx.meeting.language),
            "focus": focus_of(ctx)}


def report_sections(ctx) -> list[dict]:
    lang = ctx.meeting.language
    setup = setup_view(ctx)
    series_items = []
    if setup["series_label"]:
        series_items.append({"text": setup["series_label"], "round": setup["series"]["round"],
                             "year": setup["series"]["year"]})
    if setup["focus"]:
        series_items.append({"text": ("Regionale focus: " if lang == "nl" else "Regional focus: ") + setup["focus"]})
    for earlier in series_store.earlier_rounds(ctx):
        for p in vote.priorities(ctx, earlier["meeting_id"]):
            where = series_store.label({**setup["series"], "round": earlier["round"], "year": earlier["year"]}, lang)
            series_items.append({"text": f"{where}: {p.text}", "round": earlier["round"], "year": earlier["year"],
                                 "score": p.score, "rank": p.rank, "rule": p.rule})
    chosen = vote.priorities(ctx)
    return [
        section("nik_series", {"nl": "Reeks en eerdere rondes", "en": "Series and earlier rounds"}, series_items),
        section("nik_points", {"nl": "Verbeterpunten voor de speerpuntensessie",
                               "en": "Improvement points for the priority session"},
                [{"text": p.text, "source": p.source} for p in vote.points(ctx)]),
        section("nik_priorities",
                {"nl": "Speerpunten gekozen door de ouders", "en": "Priorities chosen by the parents"},
                [{"text": p.text, "score": p.score, "rank": p.rank, "rule": p.rule, "voters": p.voters}
                 for p in chosen]),
    ]


def update_setup(ctx, data: NikSetup) -> dict:
    fields = data.model_dump(exclude_unset=True)
    if "series" in fields:
        series_store.set_series(ctx, fields["series"])
    if fields.get("focus") is not None:
        set_focus(ctx, fields["focus"])
    version = ctx.version()
    ctx.to_meeting("nik.setup", {"version": version, "setup": setup_view(ctx)})
    return {"setup": setup_view(ctx)}


class Empty(Payload):
    pass


NIK = frozenset({"nik"})


@hookimpl
def register_formats():
    return [NikFormat]


@hookimpl
def register_events():
    return [
        ClientEvent("nik.setup", NikSetup, update_setup, staff("setup"), formats=NIK,
                    description="Set the meeting's series and regional focus."),
        ClientEvent("nik.suggestions", Empty, vote.list_suggestions, staff("run"), formats=NIK,
                    description="The improvement points raised: captured outcomes and shared notes."),
        ClientEvent("nik.points.set", PointsSet, vote.set_points, staff("run"), formats=NIK,
                    description="The curated list of improvement points parents choose from."),
        ClientEvent("nik.vote.open", VoteOpen, vote.open_vote, staff("run"), formats=NIK,
                    description="Open the priority vote: dots (with dots per person) or ranking."),
        ClientEvent("nik.vote.limit", VoteLimit, vote.set_limit, staff("run"), formats=NIK,
                    description="Change the dots per person (never below dots already used)."),
        ClientEvent("nik.vote.cast", VoteCast, vote.cast, participant("prioritise"), formats=NIK,
                    description="A parent's own choice, from their phone."),
        ClientEvent("nik.vote.room", RoomVote, vote.room_vote, staff("run"), formats=NIK,
                    description="The room's choice from the shared screen, for a number of parents."),
        ClientEvent("nik.vote.close", Empty, vote.close_vote, staff("run"), formats=NIK,
                    description="Close the vote: count, keep and show the priorities."),
        ServerEvent("nik.setup", frozenset({MEETING}), description="Series and regional focus changed."),
        ServerEvent("nik.points", frozenset({MEETING}), description="The curated improvement points."),
        ServerEvent("nik.vote", frozenset({MEETING}), description="The vote's public state (no totals)."),
        ServerEvent("nik.progress", frozenset({STAFF}), description="How many voted and dots used (staff)."),
        ServerEvent("nik.ballot", frozenset({PARTICIPANT}), description="A parent's own ballot."),
        ServerEvent("nik.priorities", frozenset({MEETING}), description="The priorities once the vote closed."),
    ]


@hookimpl
def register_migrations():
    return [("nik", HERE / "migrations")]


@hookimpl
def register_static():
    return [("nik", HERE / "static")]
