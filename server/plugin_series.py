"""Series for plugins (``spiegel.api``): a meeting's place in a series of rounds ("NIK
Utrecht, ronde 3, 2024"), on the report feature's tables (``spiegel.report.series``), as plain
dicts. A format that has its meetings repeat round after round (NIK) puts them in a series at
creation; the report and the follow-up board then compare the rounds."""

from __future__ import annotations

from sqlalchemy import func, select

from .context import Ctx
from .report import series as report_series
from .report.tables import Series, SeriesRound


def series_of(ctx: Ctx, meeting_id: str | None = None) -> dict | None:
    """``{id, organisation, region, title, round, year}`` of the meeting's series, or None."""
    row = ctx.session.execute(select(SeriesRound, Series).join(Series, Series.id == SeriesRound.series_id)
                              .where(SeriesRound.meeting_id == (meeting_id or ctx.meeting.id))).first()
    if row is None:
        return None
    place, series = row
    return {"id": series.id, "organisation": series.organisation, "region": series.region or "",
            "title": series.title or "", "round": place.round, "year": place.year}


def join_series(ctx: Ctx, organisation: str, region: str = "", round: int | None = None,  # noqa: A002
                year: int | None = None) -> dict:
    """Put the meeting in the series of ``organisation`` and ``region`` (made when there is none
    yet, matched without regard to case) as ``round`` (default: the next one) of ``year``."""
    found = ctx.session.scalar(select(Series).where(func.lower(Series.organisation) == organisation.lower(),
                                                    func.lower(Series.region) == (region or "").lower())
                               .order_by(Series.created_at))
    if found is None:
        found = report_series.create_series(ctx.session, organisation, region or "", "", ctx.now)
    report_series.assign(ctx.session, ctx.meeting.id, found.id, round, year)
    return series_of(ctx)


def leave_series(ctx: Ctx) -> None:
    report_series.assign(ctx.session, ctx.meeting.id, None)


def series_rounds(ctx: Ctx) -> list[dict]:
    """Every meeting of this meeting's series in round order: ``[{meeting_id, title, theme,
    format, round, year}]`` (this meeting included)."""
    mine = series_of(ctx)
    if mine is None:
        return []
    return [{"meeting_id": m.id, "title": m.title, "theme": m.theme or "", "format": m.format,
             "round": place.round, "year": place.year}
            for place, m in report_series.rounds(ctx.session, mine["id"])]
