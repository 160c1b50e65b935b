"""Step 2, the reflection meeting: professionals from all teams gather what several mirror
meetings (one per team or district) may put in their reports, and turn it into concrete
actions organisation-wide.

Its organiser (the moderator) picks the source meetings among KOOS mirror meetings that have
ended. What is gathered is exactly what those reports may show (``spiegel.api.report_data``:
shared notes, outcomes, report sections), never a private note and never who wrote it. The
actions are the meeting's own outcomes (``outcome.add`` with kind ``action``, owner and due).
"""

from __future__ import annotations

from spiegel.api import Ctx, SpiegelError, meetings, report_data
from sqlalchemy import delete, select

from .models import KoosSource
from .payloads import SourcesSet

SOURCE_FORMATS = ("koos",)
SOURCE_STATES = ("ended", "archived")


def candidates(ctx: Ctx) -> list[dict]:
    return [{"id": m["id"], "title": m["title"], "theme": m["theme"], "state": m["state"],
             "team": ((m["settings"] or {}).get("options") or {}).get("team", ""), "created_at": m["created_at"],
             "scheduled_for": m["scheduled_for"]}
            for m in meetings(ctx, formats=SOURCE_FORMATS, states=SOURCE_STATES)]


def source_ids(ctx: Ctx) -> list[str]:
    return list(ctx.session.scalars(select(KoosSource.source_id).where(KoosSource.meeting_id == ctx.meeting.id)
                                    .order_by(KoosSource.position)))


def material(ctx: Ctx) -> list[dict]:
    """Per source meeting: its title and team, and what its report may show."""
    found = []
    for source_id in source_ids(ctx):
        data = report_data(ctx, source_id)
        found.append({
            "meeting": {"id": source_id, "title": data["meeting"]["title"], "theme": data["meeting"]["theme"],
                        "scheduled_for": data["meeting"]["scheduled_for"], "team": _team(ctx, source_id)},
            "shared_notes": [n["text"] for n in data["shared_notes"]],
            "outcomes": [{"kind": o["kind"], "text": o["text"]} for o in data["outcomes"]],
            "sections": [{"key": s["key"], "title": s["title"], "items": [i["text"] for i in s["items"]]}
                         for s in data["sections"]],
        })
    return found


def _team(ctx: Ctx, meeting_id: str) -> str:
    return next((c["team"] for c in candidates(ctx) if c["id"] == meeting_id), "")


def set_sources(ctx: Ctx, data: SourcesSet) -> dict:
    allowed = {c["id"] for c in candidates(ctx)}
    wanted = list(dict.fromkeys(data.meeting_ids))
    if set(wanted) - allowed:
        raise SpiegelError("invalid_payload", "Sources are KOOS mirror meetings that have ended.",
                           [{"field": "meeting_ids", "problem": "not_a_source"}])
    ctx.session.execute(delete(KoosSource).where(KoosSource.meeting_id == ctx.meeting.id))
    for position, source_id in enumerate(wanted):
        ctx.session.add(KoosSource(meeting_id=ctx.meeting.id, source_id=source_id, position=position))
    ctx.session.flush()
    version = ctx.version()
    gathered = material(ctx)
    ctx.to_meeting("koos.material", {"version": version, "material": gathered})
    return {"material": gathered}


def list_candidates(ctx: Ctx, _data) -> dict:
    chosen = set(source_ids(ctx))
    return {"candidates": [{**c, "chosen": c["id"] in chosen} for c in candidates(ctx)]}
