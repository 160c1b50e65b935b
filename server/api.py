"""The public plugin API: everything a plugin may import, in one place.

``from spiegel.api import ...`` is stable within an ``API_VERSION``; every other module of
the ``spiegel`` package is private and may change. A plugin may state the API it was made
for with ``SPIEGEL_API = 1`` at module level; a server that offers another refuses it at
start with a clear message. ``docs/plugins.md`` is the guide.
"""

from __future__ import annotations

from .admin_actions import AdminAction
from .context import Ctx
from .errors import ERROR_CODES, SpiegelError
from .formats import CORE_OUTCOME_KINDS, LANGUAGES, LISTENER, MeetingFormat, OutcomeKind, ParticipantKind, Phase, pick
from .hookspecs import hookimpl
from .lookups import meetings, outcomes, own_notes, participants, report_data, shared_notes
from .models import Base as Model
from .outbox import AUTHOR, MEETING, PARTICIPANT, STAFF, kind_audience
from .outcomes import add_outcome_row as add_outcome
from .permissions import ANY, ANYONE, MODERATOR, Rule, participant, staff
from .plugin_manager import API_VERSION
from .plugin_series import join_series, leave_series, series_of, series_rounds
from .prompter import add_prepared
from .registry import ClientEvent, ServerEvent
from .schemas import ClientId, Payload, bounded_text, validate
from .timer import Timer, start_timer
from .views import participant_label


def options(ctx: Ctx) -> dict:
    """The meeting's values of its format's own fields (``MeetingFormat.options``), defaults
    filled in."""
    stored = (ctx.meeting.settings or {}).get("options") or {}
    if ctx.fmt.options is None:
        return {}
    return ctx.fmt.options.model_validate(stored).model_dump(mode="json")


def section(key: str, title: dict[str, str], items: list[dict], **extra) -> dict:
    """A report section in the plain shape the report renders: ``key``, a Dutch and English
    ``title`` and ``items`` (each at least ``{"text": ...}``)."""
    if any(not isinstance(item.get("text"), str) for item in items):
        raise ValueError(f"report section {key!r}: every item needs a text")
    return {"key": key, "title": dict(title), "items": list(items), **extra}


__all__ = [
    "ANY", "ANYONE", "API_VERSION", "AUTHOR", "CORE_OUTCOME_KINDS", "ERROR_CODES", "LANGUAGES", "LISTENER",
    "MEETING", "MODERATOR", "PARTICIPANT", "STAFF", "AdminAction", "ClientEvent", "ClientId", "Ctx",
    "MeetingFormat", "Model", "OutcomeKind", "ParticipantKind", "Payload", "Phase", "Rule", "ServerEvent",
    "SpiegelError", "Timer", "add_outcome", "add_prepared", "bounded_text", "hookimpl", "join_series",
    "kind_audience", "leave_series", "meetings", "options", "outcomes", "own_notes", "participant",
    "participant_label", "participants", "pick", "report_data", "section", "series_of", "series_rounds",
    "shared_notes", "staff", "start_timer", "validate",
]
