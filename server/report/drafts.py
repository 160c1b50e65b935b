"""The moderator's work on a report before it is final: item edits and removals, the letter,
and making it final (which freezes the report data, so a later purge cannot change it)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from sqlalchemy.orm import Session

from ..errors import SpiegelError
from ..formats import MeetingFormat, OutcomeKind
from ..models import Meeting
from . import letter
from .model import all_items, build_report, iso
from .tables import ReportDraft


def draft_row(session: Session, meeting: Meeting, now: float) -> ReportDraft:
    row = session.get(ReportDraft, meeting.id)
    if row is None:
        row = ReportDraft(meeting_id=meeting.id, overrides={}, updated_at=now)
        session.add(row)
        session.flush()
    return row


def is_final(session: Session, meeting_id: str) -> bool:
    row = session.get(ReportDraft, meeting_id)
    return row is not None and row.final_at is not None


def _editable(session: Session, meeting: Meeting, now: float) -> ReportDraft:
    row = draft_row(session, meeting, now)
    if row.final_at is not None:
        raise SpiegelError("report_final", "The report is final; reopen it to change it.")
    return row


def set_override(session: Session, meeting: Meeting, fmt: type[MeetingFormat] | None, key: str,
                 change: Mapping, now: float, extra_sections: Iterable[Mapping] | None = None,
                 kinds: Sequence[OutcomeKind] | None = None) -> dict:
    """Edit (``{"text": ...}``) or remove (``{"removed": true}``) one item of the report."""
    row = _editable(session, meeting, now)
    report = build_report(session, meeting, fmt, extra_sections, include_removed=True, now=now, kinds=kinds)
    if key not in {item["key"] for item in all_items(report)}:
        raise SpiegelError("not_found", "The report has no item with that key.")
    current = dict((row.overrides or {}).get(key) or {})
    if "text" in change:
        current["text"] = change["text"]
    if "removed" in change:
        if change["removed"]:
            current["removed"] = True
        else:
            current.pop("removed", None)
    row.overrides = {**(row.overrides or {}), key: current}
    row.updated_at = now
    return current


def clear_override(session: Session, meeting: Meeting, key: str, now: float) -> None:
    """Undo every edit of one item (back to what was captured)."""
    row = _editable(session, meeting, now)
    row.overrides = {k: v for k, v in (row.overrides or {}).items() if k != key}
    row.updated_at = now


def set_final(session: Session, meeting: Meeting, fmt: type[MeetingFormat] | None, final: bool, now: float,
              extra_sections: Iterable[Mapping] | None = None, kinds: Sequence[OutcomeKind] | None = None) -> dict:
    """Freeze the report (``final``) or reopen it for editing."""
    row = draft_row(session, meeting, now)
    if final:
        if meeting.state not in ("ended", "archived"):
            raise SpiegelError("invalid_transition", "A report becomes final after the meeting ended.")
        row.final_at, row.final_data = None, None
        report = build_report(session, meeting, fmt, extra_sections, now=now, kinds=kinds)
        report.update(status="final", final_at=iso(now))
        row.final_at, row.final_data = now, report
    else:
        row.final_at, row.final_data = None, None
    row.updated_at = now
    return build_report(session, meeting, fmt, extra_sections, now=now, kinds=kinds)


def letter_text(session: Session, report: Mapping) -> tuple[str, bool]:
    """The letter as it stands and whether the moderator edited it."""
    row = session.get(ReportDraft, report["meeting"]["id"])
    if row is not None and row.letter is not None:
        return row.letter, True
    return letter.draft_letter(report), False


def save_letter(session: Session, meeting: Meeting, text: str | None, now: float) -> None:
    """Keep the edited letter (``None``: back to the drafted one)."""
    row = draft_row(session, meeting, now)
    row.letter = text
    row.updated_at = now
