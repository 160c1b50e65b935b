"""Report sections from format plugins (the ``report_sections(ctx)`` hook of the plugin
platform): plain dicts ``{"key", "title": {"nl", "en"}, "items": [{"text", ...}]}``."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..models import Meeting
from .model import check_sections


def plugin_sections(sp, session: Session, meeting: Meeting) -> list[dict]:
    """Every plugin's sections for ``meeting`` (none while no plugin offers the hook)."""
    hook = getattr(sp.hook, "report_sections", None)
    if hook is None or meeting.format not in sp.formats:
        return []
    results = hook(ctx=sp.context(session, meeting))
    return check_sections([section for result in results or [] for section in (result or [])])
