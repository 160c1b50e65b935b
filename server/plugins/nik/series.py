"""The series a NIK meeting belongs to: organisation, region, round and year ("NIK Utrecht,
ronde 3, 2024"), so that rounds can be compared over the years.

Every read and write of the series goes through this module. Until the report feature's
series tables are on main the series is kept in the meeting's settings; switching to them
changes this file only.
"""

from __future__ import annotations

from spiegel.api import Ctx, meetings

FORMAT = "nik"


def series_of(ctx: Ctx, settings: dict | None = None) -> dict | None:
    value = (ctx.meeting.settings if settings is None else settings or {}).get("series")
    return dict(value) if value else None


def set_series(ctx: Ctx, series: dict | None) -> None:
    settings = dict(ctx.meeting.settings or {})
    if series:
        settings["series"] = {"organisation": series["organisation"], "region": series.get("region") or "",
                              "round": int(series["round"]), "year": int(series["year"])}
    else:
        settings.pop("series", None)
    ctx.meeting.settings = settings


def label(series: dict | None, language: str) -> str:
    """"NIK Utrecht, ronde 3, 2024" / "NIK Utrecht, round 3, 2024"."""
    if not series:
        return ""
    where = " ".join(p for p in (series["organisation"], series.get("region")) if p)
    word = "ronde" if language == "nl" else "round"
    return f"{where}, {word} {series['round']}, {series['year']}"


def same_series(a: dict | None, b: dict | None) -> bool:
    return bool(a and b) and (a["organisation"].casefold(), (a.get("region") or "").casefold()) == (
        b["organisation"].casefold(), (b.get("region") or "").casefold())


def earlier_rounds(ctx: Ctx) -> list[dict]:
    """The meetings of earlier rounds of this meeting's series, oldest round first:
    ``[{meeting_id, title, theme, round, year}]``."""
    mine = series_of(ctx)
    if not mine:
        return []
    found = []
    for m in meetings(ctx, formats=[FORMAT]):
        theirs = series_of(ctx, m["settings"])
        if same_series(mine, theirs) and theirs["round"] < mine["round"]:
            found.append({"meeting_id": m["id"], "title": m["title"], "theme": m["theme"],
                          "round": theirs["round"], "year": theirs["year"]})
    return sorted(found, key=lambda r: (r["round"], r["year"]))
