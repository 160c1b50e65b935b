"""Probe: an invented format that uses every extension point of Spiegel's plugin API, from
outside the core, only through ``spiegel.api``. Tests install it as a wheel.

- a participant kind, ``scout``, that joins by invitation and may send tips before the
  meeting opens;
- a table of its own (``probe_tips``) with its own migration, erased with the meeting;
- events with declared audiences: a tip (private: its author and staff), a cheer tally
  (staff and every scout), a banner staff show to the whole meeting;
- a right of its own (``probe``) for the banner;
- page modules for the participant page and the moderator screen, with Dutch and English
  texts, and a stylesheet of its own on the moderator screen;
- a panel on the admin page that is the plugin's, not its format's (``register_admin_modules``),
  with a stylesheet, counting tips through its administrator action;
- the format's snapshot part, a plugin snapshot part, report sections, and every
  behaviour hook. ``CALLS`` records each hook call so tests can see what ran.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Annotated

from pydantic import StringConstraints, field_validator
from spiegel.api import (
    MEETING,
    PARTICIPANT,
    STAFF,
    AdminAction,
    ClientEvent,
    MeetingFormat,
    OutcomeKind,
    ParticipantKind,
    Payload,
    Phase,
    ServerEvent,
    SpiegelError,
    hookimpl,
    kind_audience,
    participant,
    section,
    staff,
    start_timer,
)
from sqlalchemy import func, select

from .models import ProbeTip

SPIEGEL_API = 1
HERE = Path(__file__).resolve().parent
CALLS: list[tuple[str, dict]] = []


class ProbeFormat(MeetingFormat):
    name = "probe"
    title = {"nl": "Proefvorm (test)", "en": "Probe format (test)"}
    description = {"nl": "Een verzonnen vorm die elk uitbreidingspunt gebruikt.",
                   "en": "An invented format that uses every extension point."}
    kinds = (ParticipantKind(name="scout", title={"nl": "Verkenner", "en": "Scout"},
                             description={"nl": "Stuurt vooraf tips in.", "en": "Sends tips in advance."},
                             join="invite", before_open=True,
                             label={"nl": "Verkenner {n}", "en": "Scout {n}"}),)
    phases = (
        Phase(key="lobby", state="open", allow={"scout": frozenset({"tip"})},
              title={"nl": "Voorbereiding", "en": "Preparation"},
              rule={"nl": "Verkenners sturen tips in.", "en": "Scouts send in tips."}),
        Phase(key="listening", duration=30 * 60, silent=True, listener=frozenset({"note", "question"}),
              title={"nl": "Luisteren", "en": "Listening"}, rule={"nl": "Alleen luisteren.", "en": "Only listen."}),
        Phase(key="round", duration=5 * 60, listener=frozenset({"note", "cheer"}),
              allow={"scout": frozenset({"tip"})},
              title={"nl": "Ronde", "en": "Round"}, rule={"nl": "Juich als je het eens bent.",
                                                          "en": "Cheer when you agree."}),
        Phase(key="ended", state="ended", listener=frozenset({"share"}),
              title={"nl": "Afgelopen", "en": "Ended"}, rule={"nl": "Dank je wel.", "en": "Thank you."}),
    )
    modules = {"participant": ["/plugins/probe/tips.js"], "moderator": ["/plugins/probe/tally.js"]}
    styles = {"moderator": ["/plugins/probe/tally.css"]}

    @classmethod
    def on_created(cls, ctx):
        CALLS.append(("on_created", {"meeting": ctx.meeting.id}))
        ctx.meeting.settings = {**(ctx.meeting.settings or {}), "probe_cheers": 0}

    @classmethod
    def on_phase_left(cls, ctx, phase, following):
        CALLS.append(("on_phase_left", {"phase": phase.key, "following": following.key}))

    @classmethod
    def on_phase_entered(cls, ctx, phase, previous):
        CALLS.append(("on_phase_entered", {"phase": phase.key, "previous": previous.key}))
        if phase.key == "round":
            start_timer(ctx)

    @classmethod
    def on_timer_expired(cls, ctx):
        CALLS.append(("on_timer_expired", {"phase": ctx.phase.key}))

    @classmethod
    def snapshot_part(cls, ctx):
        """Staff see every tip; a scout only their own; listeners the cheer count."""
        if ctx.is_staff:
            return {"tips": [tip_view(t) for t in tips(ctx)], "cheers": cheers(ctx)}
        if ctx.participant.role == "scout":
            return {"tips": [tip_view(t) for t in tips(ctx, ctx.participant.id)]}
        return {"cheers": cheers(ctx)} if ctx.participant.role == "listener" else None

    @classmethod
    def report_sections(cls, ctx):
        return [section("probe_tips", {"nl": "Tips van verkenners", "en": "Tips from scouts"},
                        [{"text": t.text} for t in tips(ctx)])]


class TipAdd(Payload):
    id: str
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]

    @field_validator("id")
    @classmethod
    def _uuid(cls, value: str) -> str:
        return str(uuid.UUID(value))


class Shout(Payload):
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


class Empty(Payload):
    pass


def tips(ctx, participant_id: str | None = None) -> list[ProbeTip]:
    query = select(ProbeTip).where(ProbeTip.meeting_id == ctx.meeting.id).order_by(ProbeTip.created_at)
    if participant_id is not None:
        query = query.where(ProbeTip.participant_id == participant_id)
    return list(ctx.session.scalars(query))


def tip_view(tip: ProbeTip) -> dict:
    return {"id": tip.id, "text": tip.text}


def cheers(ctx) -> int:
    return int((ctx.meeting.settings or {}).get("probe_cheers", 0))


def replay_tip(ctx, data: TipAdd):
    stored = ctx.session.get(ProbeTip, data.id)
    if stored is None:
        return None
    if stored.participant_id != ctx.participant.id:
        raise SpiegelError("id_conflict")
    return {"tip": tip_view(stored), "duplicate": True}


def add_tip(ctx, data: TipAdd) -> dict:
    tip = ProbeTip(id=data.id, meeting_id=ctx.meeting.id, participant_id=ctx.participant.id, text=data.text,
                   created_at=ctx.now)
    ctx.session.add(tip)
    version = ctx.version()
    ctx.to_author("probe.tip", {"version": version, "tip": tip_view(tip)})
    ctx.to_staff("probe.tip", {"version": version, "tip": tip_view(tip)})
    return {"tip": tip_view(tip), "duplicate": False}


def cheer(ctx, _data: Empty) -> dict:
    ctx.meeting.settings = {**(ctx.meeting.settings or {}), "probe_cheers": cheers(ctx) + 1}
    version = ctx.version()
    tally = {"version": version, "cheers": cheers(ctx)}
    ctx.to_staff("probe.tally", tally)
    ctx.to_kind("scout", "probe.tally", tally)
    return {"cheers": cheers(ctx)}


def shout(ctx, data: Shout) -> dict:
    ctx.to_meeting("probe.banner", {"version": ctx.version(), "text": data.text})
    return {"shown": True}


def leak(ctx, _data: Empty) -> dict:
    """A bug on purpose: tries to show every tip to the whole meeting. The outbox refuses."""
    for tip in tips(ctx):
        ctx.to_meeting("probe.tip", {"version": ctx.version(), "tip": tip_view(tip)})
    return {}


@hookimpl
def register_formats():
    CALLS.append(("register_formats", {}))
    return [ProbeFormat]


@hookimpl
def register_events():
    CALLS.append(("register_events", {}))
    return [
        ClientEvent("probe.tip", TipAdd, add_tip, participant("tip"), replay=replay_tip,
                    description="A scout sends a tip."),
        ClientEvent("probe.cheer", Empty, cheer, participant("cheer"), description="A listener cheers."),
        ClientEvent("probe.shout", Shout, shout, staff("probe"), description="Staff show a banner."),
        ClientEvent("probe.leak", Empty, leak, staff("probe"), description="A deliberate bug (tests)."),
        ServerEvent("probe.tip", frozenset({PARTICIPANT, STAFF}), private=True),
        ServerEvent("probe.tally", frozenset({STAFF, kind_audience("scout")})),
        ServerEvent("probe.banner", frozenset({MEETING})),
    ]


@hookimpl
def register_rights():
    CALLS.append(("register_rights", {}))
    return ["probe"]


def count_tips(session, _data: Empty, _now: float) -> dict:
    """An organisation-wide figure, outside any meeting: how many tips there are in all."""
    return {"tips": session.scalar(select(func.count()).select_from(ProbeTip))}


@hookimpl
def register_admin_actions():
    CALLS.append(("register_admin_actions", {}))
    return [AdminAction("probe.count", Empty, count_tips, "Tips in all meetings.")]


@hookimpl
def register_outcome_kinds(format):
    """A kind of outcome for the probe's own meetings only: other formats are left alone."""
    CALLS.append(("register_outcome_kinds", {"format": format.name}))
    if format.name != "probe":
        return []
    return [OutcomeKind("hunch", {"nl": "Vermoeden", "en": "Hunch"}, {"nl": "Vermoedens", "en": "Hunches"},
                        after="wish")]


@hookimpl
def register_migrations():
    CALLS.append(("register_migrations", {}))
    return [("probe", HERE / "migrations")]


@hookimpl
def register_static():
    CALLS.append(("register_static", {}))
    return [("probe", HERE / "static")]


@hookimpl
def page_modules(page, meeting, format):
    CALLS.append(("page_modules", {"page": page, "format": format.name}))
    shown = page == "display" and format.name == "probe"
    return ["/plugins/probe/banner.js", "/plugins/probe/banner.css"] if shown else []


@hookimpl
def register_admin_modules():
    CALLS.append(("register_admin_modules", {}))
    return ["/plugins/probe/admin.js", "/plugins/probe/admin.css"]


@hookimpl
def snapshot_part(ctx):
    CALLS.append(("snapshot_part", {"role": ctx.participant.role}))
    if ctx.fmt is not ProbeFormat:
        return None
    count = ctx.session.scalar(select(func.count()).select_from(ProbeTip).where(
        ProbeTip.meeting_id == ctx.meeting.id))
    return {"tip_count": count} if ctx.is_staff else None


@hookimpl
def report_sections(ctx):
    CALLS.append(("report_sections", {"format": ctx.fmt.name}))
    return [section("probe_summary", {"nl": "Samenvatting proef", "en": "Probe summary"},
                    [{"text": f"{len(tips(ctx))} tips"}])] if ctx.fmt is ProbeFormat else []


@hookimpl
def meeting_created(meeting, format):
    CALLS.append(("meeting_created", {"meeting": meeting.id, "format": format.name}))


@hookimpl
def phase_changed(ctx, previous, current):
    CALLS.append(("phase_changed", {"previous": previous.key, "current": current.key}))


@hookimpl
def meeting_erased(session, meeting_id):
    CALLS.append(("meeting_erased", {"meeting": meeting_id}))
