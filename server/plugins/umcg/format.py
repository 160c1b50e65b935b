"""The UMCG format (seed 004): part one, over an hour in which the moderator talks with
patients while the whole multidisciplinary team (support staff included) listens; part two,
the dialogue, in which patients and team deepen the improvement points together. Points solved
at once become decisions on the spot; the rest go to the project group's improvement plan.
The parties of the tripartite project are named on the meeting and in its report.
"""

from __future__ import annotations

from pydantic import Field
from spiegel.api import LANGUAGES, MeetingFormat, OutcomeKind, Payload, Phase, bounded_text, options, section

from .decisions import decision_view, decisions, public_view, shown
from .plan import actions as plan_actions

PARTY_TITLES = {
    "hospital": {"nl": "Ziekenhuis", "en": "Hospital"},
    "patient_organisation": {"nl": "Patiëntenorganisatie", "en": "Patient organisation"},
    "insurer": {"nl": "Zorgverzekeraar", "en": "Health insurer"},
}


class UmcgOptions(Payload):
    """The tripartite project's parties, named on the meeting."""

    hospital: bounded_text(200, 0) = Field(default="", json_schema_extra={"title": PARTY_TITLES["hospital"]})
    patient_organisation: bounded_text(200, 0) = Field(
        default="", json_schema_extra={"title": PARTY_TITLES["patient_organisation"]})
    insurer: bounded_text(200, 0) = Field(default="", json_schema_extra={"title": PARTY_TITLES["insurer"]})


class UmcgFormat(MeetingFormat):
    name = "umcg"
    title = {"nl": "Spiegelbijeenkomst UMCG (met dialoog)", "en": "Mirror meeting (UMCG, with dialogue)"}
    description = {
        "nl": "Deel één: ruim een uur vertellen patiënten, het hele multidisciplinaire team (ook ondersteunende "
              "diensten) luistert. Deel twee: de dialoog, waarin patiënten en team verbeterpunten samen uitdiepen; "
              "wat direct kan, wordt ter plekke besloten, de rest gaat naar het verbeterplan van de projectgroep.",
        "en": "Part one: for over an hour patients tell, the whole multidisciplinary team (support staff too) "
              "listens. Part two: the dialogue, in which patients and team deepen the improvement points together; "
              "what can be solved at once is decided on the spot, the rest goes to the project group's "
              "improvement plan.",
    }
    capabilities = frozenset({"outcomes", "dialogue"})
    defaults = {"queue_visibility": "count"}
    options = UmcgOptions
    #: In the dialogue patients and team look for solutions together (seed 004): a direction
    #: found there is neither the improvement point itself nor yet a decision or an action.
    outcome_kinds = (
        OutcomeKind("solution", {"nl": "Oplossingsrichting", "en": "Possible solution"},
                    {"nl": "Oplossingsrichtingen uit de dialoog", "en": "Possible solutions from the dialogue"},
                    after="improvement"),
    )
    phases = (
        Phase(key="welcome", state="open", title={"nl": "Welkom", "en": "Welcome"},
              rule={"nl": "We beginnen zo. Zet je telefoon op stil.",
                    "en": "We start soon. Please silence your phone."}),
        Phase(key="listening", duration=70 * 60, timer_autostart=True, silent=True,
              listener=frozenset({"note", "question"}),
              title={"nl": "Deel 1: luisteren", "en": "Part 1: listening"},
              rule={"nl": "Het team luistert en neemt niet deel aan het gesprek. Schrijf op wat je raakt en wat "
                          "beter kan; parkeer vragen voor de dialoog.",
                    "en": "The team listens and does not take part in the conversation. Write down what strikes "
                          "you and what could be better; park questions for the dialogue."}),
        Phase(key="dialogue", duration=40 * 60, timer_autostart=True, listener=frozenset({"note", "question"}),
              title={"nl": "Deel 2: dialoog", "en": "Part 2: dialogue"},
              rule={"nl": "Patiënten en team diepen de verbeterpunten samen uit en zoeken naar oplossingen. Wat "
                          "direct kan, besluiten we ter plekke.",
                    "en": "Patients and team deepen the improvement points together and look for solutions. What "
                          "can be solved at once, we decide on the spot."}),
        Phase(key="plan", duration=10 * 60, timer_autostart=True, listener=frozenset({"note", "share"}),
              title={"nl": "Naar het verbeterplan", "en": "Towards the improvement plan"},
              rule={"nl": "Wat niet direct kan, gaat naar de projectgroep: elk punt krijgt een eigenaar.",
                    "en": "What cannot be solved at once goes to the project group: each point gets an owner."}),
        Phase(key="ended", state="ended", listener=frozenset({"share"}),
              title={"nl": "Afgelopen", "en": "Ended"},
              rule={"nl": "Dank je wel. Kies wat anoniem in het verslag mag.",
                    "en": "Thank you. Choose what may go into the report anonymously."}),
    )
    modules = {"moderator": ["/plugins/umcg/dialogue.js"], "display": ["/plugins/umcg/display.js"]}

    @classmethod
    def snapshot_part(cls, ctx):
        """Everyone: the parties and the decision the moderator shows; staff: every decision
        and the improvement plan."""
        current = shown(ctx)
        part = {"parties": parties(ctx), "shown": public_view(current) if current else None}
        if ctx.is_staff:
            part.update(decisions=[decision_view(d) for d in decisions(ctx)], plan=plan_actions(ctx))
        return part

    @classmethod
    def report_sections(cls, ctx):
        lang = ctx.meeting.language if ctx.meeting.language in LANGUAGES else "nl"
        named = parties(ctx)
        return [
            section("umcg_parties", {"nl": "Partijen in het project", "en": "Parties to the project"},
                    [{"text": f"{PARTY_TITLES[key][lang]}: {value}", "party": key, "name": value}
                     for key, value in named.items() if value]),
            section("umcg_decisions", {"nl": "Besluiten ter plekke", "en": "Decisions on the spot"},
                    [{"text": d.text, "decided_by": d.decided_by, "decided_at": decision_view(d)["decided_at"]}
                     for d in decisions(ctx)]),
            section("umcg_plan", {"nl": "Verbeterplan voor de projectgroep",
                                  "en": "Improvement plan for the project group"},
                    [{"text": a["text"], "owner": a["owner"], "due": a["due"], "status": a["status"]}
                     for a in plan_actions(ctx)]),
        ]


def parties(ctx) -> dict[str, str]:
    return {key: options(ctx).get(key, "") for key in PARTY_TITLES}
