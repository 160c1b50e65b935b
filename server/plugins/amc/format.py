"""The AMC format (seed 003): about 75 minutes, at most 12 clients in the inner circle and
best no more than 25 listeners; invited professionals send topics and questions in advance;
only informative questions at the end; then an informal after-talk with nothing on the tablets.
"""

from __future__ import annotations

from pydantic import Field
from spiegel.api import LANGUAGES, MeetingFormat, ParticipantKind, Payload, Phase, options, section

from .submissions import author_view, report_items, staff_view, submissions

#: The seed's sizes. Counts past them get a calm warning on the moderator screen, never a
#: refusal: the moderator decides.
CAPS = {"inner_circle": 12, "listeners": 25}

PROFESSIONAL = ParticipantKind(
    name="professional", join="invite", before_open=True,
    title={"nl": "Uitgenodigde professional", "en": "Invited professional"},
    description={"nl": "Krijgt vooraf een uitnodiging en stuurt onderwerpen of vragen in die aan bod kunnen komen.",
                 "en": "Is invited in advance and sends in topics or questions the meeting may cover."},
    label={"nl": "Professional {n}", "en": "Professional {n}"},
)


class AmcOptions(Payload):
    """What the moderator keeps on the meeting: the size of the inner circle (clients have no
    tablets, so the moderator counts them)."""

    inner_circle: int = Field(default=0, ge=0, le=100, json_schema_extra={
        "title": {"nl": "Cliënten in de binnenkring", "en": "Clients in the inner circle"},
        "help": {"nl": "Cliënten hebben geen tablet: tel ze zelf. Boven de 12 ziet de gespreksleider een rustige "
                       "waarschuwing.",
                 "en": "Clients have no tablet: count them yourself. Above 12 the moderator sees a calm warning."}})


class AmcFormat(MeetingFormat):
    name = "amc"
    title = {"nl": "Spiegelbijeenkomst AMC", "en": "Mirror meeting (AMC)"}
    description = {
        "nl": "Ongeveer vijf kwartier met hoogstens twaalf cliënten en liefst niet meer dan vijfentwintig "
              "toehoorders. Uitgenodigde professionals dragen vooraf onderwerpen en vragen aan; tijdens het "
              "gesprek geen commentaar, aan het eind alleen informatieve vragen; daarna napraten.",
        "en": "About 75 minutes with at most twelve clients and best no more than twenty-five listeners. "
              "Invited professionals send in topics and questions beforehand; no comment during the "
              "conversation, only informative questions at the end; then an informal after-talk.",
    }
    capabilities = frozenset({"outcomes"})
    defaults = {"queue_visibility": "count"}
    kinds = (PROFESSIONAL,)
    options = AmcOptions
    phases = (
        Phase(key="preparation", state="open", allow={"professional": frozenset({"submit"})},
              title={"nl": "Voorbereiding", "en": "Preparation"},
              rule={"nl": "Uitgenodigde professionals sturen onderwerpen of vragen in. Luisteraars: we beginnen zo.",
                    "en": "Invited professionals send in topics or questions. Listeners: we start soon."}),
        Phase(key="listening", duration=55 * 60, timer_autostart=True, silent=True,
              listener=frozenset({"note", "question"}),
              title={"nl": "Spiegelgesprek", "en": "Mirror conversation"},
              rule={"nl": "Alleen luisteren: geen commentaar, geen discussie. Schrijf op wat je raakt en parkeer "
                          "vragen over wat niet duidelijk is.",
                    "en": "Only listen: no comment, no discussion. Write down what strikes you and park "
                          "questions about what is not clear."}),
        Phase(key="questions", duration=10 * 60, timer_autostart=True, listener=frozenset({"note"}),
              title={"nl": "Informatieve vragen", "en": "Informative questions"},
              rule={"nl": "Alleen informatieve vragen over iets dat niet duidelijk was: geen nieuwe vragen, "
                          "geen discussie.",
                    "en": "Only informative questions about something that was not clear: no new questions, "
                          "no discussion."}),
        Phase(key="aftertalk", duration=10 * 60, timer_autostart=True,
              title={"nl": "Napraten", "en": "After-talk"},
              rule={"nl": "Leg de tablet weg: cliënten en professionals praten nog even na.",
                    "en": "Put the tablet away: clients and professionals talk informally for a while."}),
        Phase(key="ended", state="ended", listener=frozenset({"share"}),
              title={"nl": "Afgelopen", "en": "Ended"},
              rule={"nl": "Dank voor het luisteren. Kies wat anoniem in het verslag mag.",
                    "en": "Thank you for listening. Choose what may go into the report anonymously."}),
    )
    modules = {"participant": ["/plugins/amc/submit.js"], "moderator": ["/plugins/amc/prepare.js"],
               "display": ["/plugins/amc/display.js"]}

    @classmethod
    def snapshot_part(cls, ctx):
        if ctx.is_staff:
            return {"caps": dict(CAPS), "counts": counts(ctx),
                    "submissions": [staff_view(ctx, s) for s in submissions(ctx)]}
        if ctx.participant is not None and ctx.participant.role == PROFESSIONAL.name:
            return {"submissions": [author_view(ctx, s) for s in submissions(ctx, ctx.participant.id)]}
        return None

    @classmethod
    def report_sections(cls, ctx):
        lang = ctx.meeting.language if ctx.meeting.language in LANGUAGES else "nl"
        c = counts(ctx)
        attendance = [
            {"text": ATTENDANCE[lang]["inner_circle"].format(n=c["inner_circle"], cap=CAPS["inner_circle"]),
             "count": c["inner_circle"], "cap": CAPS["inner_circle"], "over": c["inner_circle"] > CAPS["inner_circle"]},
            {"text": ATTENDANCE[lang]["listeners"].format(n=c["listeners"], cap=CAPS["listeners"]),
             "count": c["listeners"], "cap": CAPS["listeners"], "over": c["listeners"] > CAPS["listeners"]},
        ]
        return [
            section("amc_submissions", {"nl": "Vooraf ingebracht door professionals",
                                        "en": "Sent in beforehand by professionals"}, report_items(ctx, lang)),
            section("amc_attendance", {"nl": "Bezetting", "en": "Attendance"}, attendance),
        ]


ATTENDANCE = {
    "nl": {"inner_circle": "Binnenkring: {n} cliënten (hoogstens {cap})",
           "listeners": "Luisteraars: {n} (liefst niet meer dan {cap})"},
    "en": {"inner_circle": "Inner circle: {n} clients (at most {cap})",
           "listeners": "Listeners: {n} (best no more than {cap})"},
}


def counts(ctx) -> dict:
    """The sizes the moderator checks against ``CAPS``: the inner circle as the moderator
    entered it, listeners and professionals as joined."""
    return {"inner_circle": options(ctx).get("inner_circle", 0), "listeners": ctx.count("listener"),
            "professionals": ctx.count(PROFESSIONAL.name)}
