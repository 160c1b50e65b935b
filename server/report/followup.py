"""The organisation's follow-up board: actions of every meeting, by owner and due date.

Due dates are free text at capture ("eind maart"); those written as ISO dates (YYYY-MM-DD)
are the ones that can be overdue and go into the calendar export.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Meeting, Outcome
from .exports import cell
from .model import ACTION_STATUSES, iso
from .tables import Series, SeriesRound

OPEN = ("open", "in_progress")


@dataclass(frozen=True)
class Filters:
    series: str | None = None
    format: str | None = None
    theme: str | None = None
    owner: str | None = None
    #: Statuses to show; empty: the open ones (open, in progress).
    status: tuple[str, ...] = ()
    overdue: bool = False

    @classmethod
    def from_args(cls, args) -> Filters:
        status = tuple(s for s in (args.get("status") or "").split(",") if s in ACTION_STATUSES)
        if args.get("status") == "all":
            status = ACTION_STATUSES
        return cls(series=args.get("series") or None, format=args.get("format") or None,
                   theme=(args.get("theme") or "").strip() or None, owner=(args.get("owner") or "").strip() or None,
                   status=status, overdue=args.get("overdue") in ("1", "true", "yes"))


def due_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat((text or "").strip()[:10]) if text else None
    except ValueError:
        return None


def board(session: Session, filters: Filters, today: date) -> list[dict]:
    """Actions matching ``filters``, by owner (no owner last) and then due date."""
    query = (select(Outcome, Meeting, SeriesRound, Series)
             .join(Meeting, Meeting.id == Outcome.meeting_id)
             .outerjoin(SeriesRound, SeriesRound.meeting_id == Meeting.id)
             .outerjoin(Series, Series.id == SeriesRound.series_id)
             .where(Outcome.kind == "action"))
    statuses = filters.status or OPEN
    query = query.where(Outcome.status.in_(statuses))
    if filters.series:
        query = query.where(SeriesRound.series_id == filters.series)
    if filters.format:
        query = query.where(Meeting.format == filters.format)
    rows = []
    for o, m, place, series in session.execute(query):
        if filters.theme and filters.theme.casefold() not in (m.theme or "").casefold():
            continue
        if filters.owner and filters.owner.casefold() != (o.owner or "").casefold():
            continue
        due = due_date(o.due)
        overdue = due is not None and due < today and o.status in OPEN
        if filters.overdue and not overdue:
            continue
        rows.append({
            "id": o.id, "text": o.text, "owner": o.owner, "due": o.due, "due_date": due.isoformat() if due else None,
            "overdue": overdue, "status": o.status, "updated_at": iso(o.updated_at),
            "meeting": {"id": m.id, "title": m.title, "theme": m.theme or "", "format": m.format},
            "series": {"id": series.id, "organisation": series.organisation, "region": series.region,
                       "round": place.round} if series else None,
        })
    rows.sort(key=lambda r: ((r["owner"] or "").casefold() == "", (r["owner"] or "").casefold(),
                             r["due_date"] or "9999", r["text"]))
    return rows


CSV_COLUMNS = ("id", "owner", "due", "due_date", "overdue", "status", "text", "meeting", "theme", "format",
               "series", "round")


def to_csv(rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        s = r["series"] or {}
        writer.writerow([cell(v) for v in (
            r["id"], r["owner"], r["due"], r["due_date"], "yes" if r["overdue"] else "no", r["status"], r["text"],
            r["meeting"]["title"], r["meeting"]["theme"], r["meeting"]["format"],
            " ".join(x for x in (s.get("organisation"), s.get("region")) if x), s.get("round"))])
    return "\ufeff" + buffer.getvalue()


def _ics_text(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _fold(line: str) -> str:
    """RFC 5545: lines of at most 75 octets, continued with a leading space."""
    out, current = [], b""
    for ch in line:
        b = ch.encode()
        if len(current) + len(b) > 75:
            out.append(current.decode())
            current = b" "
        current += b
    out.append(current.decode())
    return "\r\n".join(out)


def to_ics(rows: list[dict], now: float) -> str:
    """An all-day calendar entry per action with an ISO due date."""
    stamp = datetime.fromtimestamp(now, UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Spiegel//Follow-up//NL", "CALSCALE:GREGORIAN"]
    for r in rows:
        if not r["due_date"]:
            continue
        day = date.fromisoformat(r["due_date"])
        summary = r["text"] + (f" ({r['owner']})" if r["owner"] else "")
        lines += ["BEGIN:VEVENT", f"UID:{r['id']}@spiegel", f"DTSTAMP:{stamp}",
                  f"DTSTART;VALUE=DATE:{day.strftime('%Y%m%d')}",
                  f"SUMMARY:{_ics_text(summary)}", f"DESCRIPTION:{_ics_text(r['meeting']['title'])}", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
