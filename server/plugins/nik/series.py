"""The series a NIK meeting belongs to: organisation, region, round and year ("NIK Utrecht,
ronde 3, 2024"), so that rounds can be compared over the years.

Every read and write of the series goes through this module, on the report feature's series
tables through ``spiegel.api`` (``series_of``, ``join_series``, ``series_rounds``): the report
and the follow-up board see the same series.
"""

from __future__ import annotations

from spiegel.api import Ctx, join_series, leave_series, series_rounds
from spiegel.api import series_of as stored_series


def series_of(ctx: Ctx) -> dict | None:
    found = stored_series(ctx)
    if found is None:
        return None
    return {"organisation": found["organisation"], "region": found["region"], "round": found["round"],
            "year": found["year"]}


def set_series(ctx: Ctx, series: dict | None) -> None:
    if series:
        join_series(ctx, series["organisation"], series.get("region") or "", int(series["round"]),
                    int(series["year"]))
    else:
        leave_series(ctx)


def label(series: dict | None, language: str) -> str:
    """"NIK Utrecht, ronde 3, 2024" / "NIK Utrecht, round 3, 2024"."""
    if not series:
        return ""
    where = " ".join(p for p in (series["organisation"], series.get("region")) if p)
    word = "ronde" if language == "nl" else "round"
    return f"{where}, {word} {series['round']}" + (f", {series['year']}" if series.get("year") else "")


def earlier_rounds(ctx: Ctx) -> list[dict]:
    """The meetings of earlier rounds of this meeting's series, oldest round first:
    ``[{meeting_id, title, theme, round, year}]``."""
    mine = series_of(ctx)
    if not mine:
        return []
    return [{k: r[k] for k in ("meeting_id", "title", "theme", "round", "year")}
            for r in series_rounds(ctx) if r["round"] < mine["round"] and r["meeting_id"] != ctx.meeting.id]
