"""The access log after NEN 7513: who (role, link, address), when, what.

It holds no text anyone wrote: an entry names an action and, at most, an export format or a
count. It has no foreign key, so "meeting erased" outlives the meeting it names.
"""

from __future__ import annotations

import csv
import io

from sqlalchemy import select
from sqlalchemy.orm import Session

from .model import iso
from .tables import AuditEntry

ACTIONS = frozenset({
    "admin.signin", "report.viewed", "report.exported", "report.final", "letter.printed", "meeting.erased",
    "meeting.purged", "followup.exported", "audit.exported",
})


def record(session: Session, *, at: float, role: str, link: str, address: str | None, action: str,
           meeting_id: str | None = None, detail: str = "") -> None:
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    session.add(AuditEntry(at=at, role=role, link=link[:64], address=(address or "?")[:64], action=action,
                           meeting_id=meeting_id, detail=detail[:200]))


def seen_since(session: Session, link: str, action: str, meeting_id: str | None, since: float) -> bool:
    """Whether ``link`` already has an entry for ``action`` on this meeting since ``since``."""
    return session.scalar(select(AuditEntry.id).where(
        AuditEntry.link == link, AuditEntry.action == action, AuditEntry.meeting_id == meeting_id,
        AuditEntry.at >= since).limit(1)) is not None


def entries(session: Session, meeting_id: str | None = None, limit: int = 1000) -> list[dict]:
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    if meeting_id:
        query = query.where(AuditEntry.meeting_id == meeting_id)
    return [{"id": e.id, "at": iso(e.at), "role": e.role, "link": e.link, "address": e.address,
             "action": e.action, "meeting_id": e.meeting_id, "detail": e.detail} for e in session.scalars(query)]


COLUMNS = ("id", "at", "role", "link", "address", "action", "meeting_id", "detail")


def to_csv(rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()
