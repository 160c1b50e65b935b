"""Report sections from the meeting's format and from plugins (the platform's
``spiegel.sections.collect_sections``), in the plain shape the report renders:
``{"key", "title": {"nl", "en"}, "items": [{"text", ...}]}``."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..models import Meeting
from ..sections import collect_sections
from .model import check_sections


def plugin_sections(sp, session: Session, meeting: Meeting) -> list[dict]:
    """Every section the format and plugins add to this meeting's report."""
    if meeting.format not in sp.formats:
        return []
    return check_sections(collect_sections(sp.context(session, meeting)))
