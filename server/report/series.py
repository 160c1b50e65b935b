"""Series: meetings of one organisation (and region) that repeat, round after round.

The API other modules (and format plugins such as NIK) use:

- :func:`create_series`, :func:`list_series`, :func:`get_series`
- :func:`assign`: put a meeting in a series as round *n* (of a year)
- :func:`rounds`: the meetings of a series in round order
- :func:`compare`: the rounds side by side (themes, improvement points, priorities with
  scores, actions done and open)
- :func:`previous_round` / :func:`open_actions_before`: what the last round left open, shown
  to the moderator of the next one
- :func:`next_round_number`
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..access import new_id
from ..errors import SpiegelError
from ..models import Meeting, Outcome
from .model import iso
from .tables import Series, SeriesRound

DONE = ("done",)
OPEN = ("open", "in_progress")


def series_view(s: Series) -> dict:
    return {"id": s.id, "organisation": s.organisation, "region": s.region, "title": s.title,
            "created_at": iso(s.created_at)}


def create_series(session: Session, organisation: str, region: str, title: str, now: float) -> Series:
    s = Series(id=new_id(), organisation=organisation, region=region or "", title=title or "", created_at=now)
    session.add(s)
    session.flush()
    return s


def get_series(session: Session, series_id: str) -> Series:
    s = session.get(Series, series_id)
    if s is None:
        raise SpiegelError("not_found", "No series with that id.")
    return s


def list_series(session: Session) -> list[dict]:
    out = []
    for s in session.scalars(select(Series).order_by(Series.organisation, Series.region, Series.created_at)):
        out.append({**series_view(s), "rounds": len(rounds(session, s.id))})
    return out


def next_round_number(session: Session, series_id: str) -> int:
    return (session.scalar(select(func.max(SeriesRound.round)).where(SeriesRound.series_id == series_id)) or 0) + 1


def assign(session: Session, meeting_id: str, series_id: str | None, round_: int | None = None,
           year: int | None = None) -> dict | None:
    """Put a meeting in a series (``series_id`` None takes it out). Returns its place."""
    row = session.get(SeriesRound, meeting_id)
    if series_id is None:
        if row is not None:
            session.delete(row)
        return None
    get_series(session, series_id)
    if round_ is None:
        round_ = row.round if row is not None and row.series_id == series_id else next_round_number(session, series_id)
    if row is None:
        row = SeriesRound(meeting_id=meeting_id, series_id=series_id, round=round_, year=year)
        session.add(row)
    else:
        row.series_id, row.round, row.year = series_id, round_, year
    session.flush()
    return {"series_id": series_id, "round": row.round, "year": row.year}


def rounds(session: Session, series_id: str) -> list[tuple[SeriesRound, Meeting]]:
    return list(session.execute(
        select(SeriesRound, Meeting).join(Meeting, Meeting.id == SeriesRound.meeting_id)
        .where(SeriesRound.series_id == series_id).order_by(SeriesRound.round, Meeting.created_at)))


def _outcomes(session: Session, meeting_id: str, kinds: tuple[str, ...]) -> list[Outcome]:
    return list(session.scalars(select(Outcome).where(Outcome.meeting_id == meeting_id, Outcome.kind.in_(kinds))
                                .order_by(Outcome.created_at, Outcome.id)))


def action_view(o: Outcome) -> dict:
    return {"id": o.id, "text": o.text, "owner": o.owner, "due": o.due, "status": o.status or "open"}


def compare(session: Session, series_id: str) -> dict:
    """The rounds of a series side by side."""
    s = get_series(session, series_id)
    columns = []
    for place, m in rounds(session, series_id):
        outcomes = _outcomes(session, m.id, ("improvement", "priority", "action"))
        actions = [o for o in outcomes if o.kind == "action"]
        columns.append({
            "round": place.round, "year": place.year,
            "meeting": {"id": m.id, "title": m.title, "theme": m.theme or "", "state": m.state,
                        "scheduled_for": m.scheduled_for},
            "improvements": [o.text for o in outcomes if o.kind == "improvement"],
            "priorities": sorted(({"text": o.text, "score": o.score} for o in outcomes if o.kind == "priority"),
                                 key=lambda p: -(p["score"] or 0)),
            "actions_done": [action_view(o) for o in actions if o.status in DONE],
            "actions_open": [action_view(o) for o in actions if (o.status or "open") in OPEN],
            "actions_dropped": [action_view(o) for o in actions if o.status == "dropped"],
        })
    return {"series": series_view(s), "rounds": columns}


def previous_round(session: Session, meeting_id: str) -> tuple[SeriesRound, Meeting] | None:
    """The round before this meeting's in its series, if any."""
    place = session.get(SeriesRound, meeting_id)
    if place is None:
        return None
    earlier = [(r, m) for r, m in rounds(session, place.series_id) if r.round < place.round]
    return earlier[-1] if earlier else None


def open_actions_before(session: Session, meeting_id: str) -> dict | None:
    """Open actions of the round before ``meeting_id``: what its moderator should see first."""
    prev = previous_round(session, meeting_id)
    if prev is None:
        return None
    place, m = prev
    actions = [action_view(o) for o in _outcomes(session, m.id, ("action",)) if (o.status or "open") in OPEN]
    return {"round": place.round, "year": place.year, "meeting": {"id": m.id, "title": m.title},
            "actions": actions}
