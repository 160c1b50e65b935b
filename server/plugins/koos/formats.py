"""The two KOOS Utrecht formats (seed 002): the mirror meeting with its outer-ring round, and
step 2, the reflection meeting across teams."""

from __future__ import annotations

from spiegel.api import MeetingFormat, Phase, SpiegelError, section

from .library import get_set, prepared_from
from .payloads import KoosOptions, ReflectionOptions
from .reflection import list_candidates, material
from .speaking import PHASE, personal_view, public_view, round_of, staff_view, stop, summary


def team_of(settings: dict) -> str:
    """The team or district of a meeting: one of its options."""
    return ((settings or {}).get("options") or {}).get("team", "")


class KoosFormat(MeetingFormat):
    name = "koos"
    title = {"nl": "KOOS-spiegelgesprek met buitenringronde", "en": "KOOS mirror meeting with outer-ring round"}
    description = {
        "nl": "Acht tot twaalf ouders en/of jongeren vertellen in een kring hoe zij hun traject hebben ervaren. "
              "Een zorgprofessional is voorzitter en stelt vragen die vooraf zijn opgesteld vanuit de leidende "
              "principes. Na de eerste ronde vertellen de professionals in de buitenring om de beurt wat ze "
              "hebben gehoord en wat hen heeft geraakt.",
        "en": "Eight to twelve parents and/or young people tell in a circle how they experienced their care. A "
              "care professional chairs, with questions prepared from the guiding principles. After the first "
              "round the professionals of the outer ring take turns to say what they heard and what touched them.",
    }
    capabilities = frozenset({"outcomes"})
    defaults = {"queue_visibility": "hidden"}
    options = KoosOptions
    modules = {"moderator": ["/plugins/koos/round-moderator.js"], "participant": ["/plugins/koos/round-tablet.js"],
               "display": ["/plugins/koos/round-display.js"], "admin": ["/plugins/koos/admin.js"]}
    phases = (
        Phase(key="lobby", state="open",
              title={"nl": "Welkom", "en": "Welcome"},
              rule={"nl": "We beginnen zo. De binnenring vertelt, de buitenring luistert. Zet je telefoon op stil.",
                    "en": "We are about to start. The inner circle tells, the outer ring listens. Please silence "
                          "your phone."}),
        Phase(key="first_round", duration=60 * 60, silent=True, listener=frozenset({"note"}),
              title={"nl": "Eerste ronde: de binnenring vertelt", "en": "First round: the inner circle tells"},
              rule={"nl": "Alleen luisteren. Schrijf voor jezelf op wat je hoort en wat je raakt: straks vertel "
                          "je dat in de buitenringronde.",
                    "en": "Only listen. Write down for yourself what you hear and what touches you: you will "
                          "tell it in the outer-ring round."}),
        Phase(key=PHASE, duration=30 * 60, listener=frozenset({"note", "pass"}),
              title={"nl": "Buitenringronde: wat hoorde je, wat raakte je", "en": "Outer-ring round: what you "
                     "heard, what touched you"},
              rule={"nl": "Om de beurt vertelt iedere professional wat hij of zij heeft gehoord en wat hem of haar "
                          "heeft geraakt. Geen discussie, geen verdediging.",
                    "en": "One by one, each professional says what they heard and what touched them. No "
                          "discussion, no defending."}),
        Phase(key="closing", duration=10 * 60, listener=frozenset({"note", "share"}),
              title={"nl": "Afronding", "en": "Closing"},
              rule={"nl": "We vatten samen wat we hoorden. Deel wat in het verslag en de reflectiebijeenkomst mag.",
                    "en": "We sum up what we heard. Share what may go into the report and the reflection "
                          "meeting."}),
        Phase(key="ended", state="ended", listener=frozenset({"share"}),
              title={"nl": "Afgelopen", "en": "Ended"},
              rule={"nl": "Dank je wel. De lessen komen samen in de reflectiebijeenkomst van alle teams.",
                    "en": "Thank you. The lessons come together in the reflection meeting of all teams."}),
    )

    @classmethod
    def configure(cls, ctx, options: KoosOptions) -> None:
        settings = dict(ctx.meeting.settings or {})
        if options.question_set:
            try:
                chosen = get_set(ctx.session, options.question_set)
            except SpiegelError:
                raise SpiegelError("invalid_payload", "No question set with that id in the library.",
                                   [{"field": "options.question_set", "problem": "unknown_set"}]) from None
            # A duplicated meeting already carries the set's questions: add only what is missing.
            have = {p["text"] for p in ctx.meeting.prepared or []}
            ctx.meeting.prepared = [*(ctx.meeting.prepared or []),
                                    *(p for p in prepared_from(chosen) if p["text"] not in have)]
            settings["question_set"] = {"id": chosen.id, "name": chosen.name}
        ctx.meeting.settings = settings

    @classmethod
    def on_phase_left(cls, ctx, phase, following) -> None:
        row = round_of(ctx)
        if phase.key == PHASE and row is not None and row.active:
            stop(ctx, None)

    @classmethod
    def snapshot_part(cls, ctx) -> dict:
        settings = ctx.meeting.settings or {}
        part = {"team": team_of(settings), "question_set": settings.get("question_set")}
        if ctx.is_staff:
            part["round"] = staff_view(ctx)
        elif ctx.participant.role == "listener":
            part["turn"] = personal_view(ctx, ctx.participant.id)
        else:
            part["round"] = public_view(ctx)
        return part

    @classmethod
    def report_sections(cls, ctx) -> list[dict]:
        settings = ctx.meeting.settings or {}
        lang = ctx.meeting.language
        about = []
        if team_of(settings):
            about.append({"text": ("Team/wijk: " if lang == "nl" else "Team/district: ") + team_of(settings)})
        if settings.get("question_set"):
            about.append({"text": ("Vragenset: " if lang == "nl" else "Question set: ")
                          + settings["question_set"]["name"]})
        counts = summary(ctx)
        ring = []
        if counts:
            said = "spraken" if lang == "nl" else "spoke"
            passed = "pasten" if lang == "nl" else "passed"
            skipped = "overgeslagen" if lang == "nl" else "skipped"
            ring.append({"text": f"{counts['done']} {said}, {counts['passed']} {passed}, "
                                 f"{counts['skipped']} {skipped}", "spoke": counts["done"],
                         "passed": counts["passed"], "skipped": counts["skipped"]})
        return [section("koos_meeting", {"nl": "Team en vragenset", "en": "Team and question set"}, about),
                section("koos_outer_ring", {"nl": "Buitenringronde", "en": "Outer-ring round"}, ring)]


class ReflectionFormat(MeetingFormat):
    name = "koos_reflection"
    title = {"nl": "KOOS-reflectiebijeenkomst", "en": "KOOS reflection meeting"}
    description = {
        "nl": "Stap 2: professionals uit alle teams bespreken wat de spiegelgesprekken per team of wijk "
              "opleverden en maken er concrete acties van, organisatiebreed. De organisator kiest de "
              "spiegelgesprekken; alleen wat hun verslag mag tonen komt mee.",
        "en": "Step 2: professionals from all teams discuss what the mirror meetings per team or district "
              "brought up, and turn it into concrete actions organisation-wide. The organiser picks the mirror "
              "meetings; only what their reports may show comes along.",
    }
    capabilities = frozenset({"outcomes"})
    options = ReflectionOptions
    modules = {"moderator": ["/plugins/koos/reflection-moderator.js"],
               "display": ["/plugins/koos/reflection-display.js"]}
    phases = (
        Phase(key="lobby", state="open", title={"nl": "Welkom", "en": "Welcome"},
              rule={"nl": "We beginnen zo. Vandaag komen de lessen uit de spiegelgesprekken samen.",
                    "en": "We are about to start. Today the lessons of the mirror meetings come together."}),
        Phase(key="gather", duration=30 * 60, listener=frozenset({"note"}),
              title={"nl": "Wat de spiegelgesprekken opleverden", "en": "What the mirror meetings brought up"},
              rule={"nl": "We lopen door wat ouders en jongeren per team vertelden. Schrijf op wat je herkent.",
                    "en": "We go through what parents and young people told per team. Write down what you "
                          "recognise."}),
        Phase(key="actions", duration=45 * 60, listener=frozenset({"note", "share"}),
              title={"nl": "Naar concrete acties", "en": "Towards concrete actions"},
              rule={"nl": "Welke verbeteracties pakken we organisatiebreed op, wie is eigenaar en wanneer?",
                    "en": "Which improvement actions do we take up organisation-wide, who owns them and by "
                          "when?"}),
        Phase(key="ended", state="ended", listener=frozenset({"share"}),
              title={"nl": "Afgelopen", "en": "Ended"},
              rule={"nl": "Dank je wel. De acties staan in het verslag, met eigenaar en datum.",
                    "en": "Thank you. The actions are in the report, with owner and date."}),
    )

    @classmethod
    def snapshot_part(cls, ctx) -> dict:
        part = {"material": material(ctx)}
        if ctx.is_staff:
            part["candidates"] = list_candidates(ctx, None)["candidates"]
        return part

    @classmethod
    def report_sections(cls, ctx) -> list[dict]:
        gathered = material(ctx)
        sources = [{"text": " – ".join(p for p in (m["meeting"]["team"], m["meeting"]["title"]) if p),
                    "meeting_id": m["meeting"]["id"], "points": len(m["outcomes"]) + len(m["shared_notes"])}
                   for m in gathered]
        points = [{"text": o["text"], "source": m["meeting"]["title"], "kind": o["kind"]}
                  for m in gathered for o in m["outcomes"]]
        points += [{"text": text, "source": m["meeting"]["title"], "kind": "note"}
                   for m in gathered for text in m["shared_notes"]]
        # The actions themselves are the meeting's outcomes (kind ``action``): the report has them.
        return [
            section("koos_reflection_sources", {"nl": "Spiegelgesprekken waaruit we putten",
                                                "en": "Mirror meetings drawn from"}, sources),
            section("koos_reflection_points", {"nl": "Wat ouders en jongeren ons meegaven",
                                               "en": "What parents and young people told us"}, points),
        ]
