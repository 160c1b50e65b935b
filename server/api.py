"""The public plugin API: everything a plugin may import, in one place.

``from spiegel.api import ...`` is stable within an ``API_VERSION``; every other module of
the ``spiegel`` package is private and may change. A plugin may state the API it was made
for with ``SPIEGEL_API = 1`` at module level; a server that offers another refuses it at
start with a clear message. ``docs/plugins.md`` is the guide.
"""

from __future__ import annotations

from .context import Ctx
from .errors import ERROR_CODES, SpiegelError
from .formats import LANGUAGES, LISTENER, MeetingFormat, ParticipantKind, Phase, pick
from .hookspecs import hookimpl
from .models import Base as Model
from .outbox import AUTHOR, MEETING, PARTICIPANT, STAFF, kind_audience
from .permissions import ANY, ANYONE, MODERATOR, Rule, participant, staff
from .plugin_manager import API_VERSION
from .registry import ClientEvent, ServerEvent
from .schemas import Payload, validate
from .timer import start_timer
from .views import participant_label


def section(key: str, title: dict[str, str], items: list[dict], **extra) -> dict:
    """A report section in the plain shape the report renders: ``key``, a Dutch and English
    ``title`` and ``items`` (each at least ``{"text": ...}``)."""
    if any(not isinstance(item.get("text"), str) for item in items):
        raise ValueError(f"report section {key!r}: every item needs a text")
    return {"key": key, "title": dict(title), "items": list(items), **extra}


__all__ = [
    "ANY", "ANYONE", "API_VERSION", "AUTHOR", "ERROR_CODES", "LANGUAGES", "LISTENER", "MEETING", "MODERATOR",
    "PARTICIPANT", "STAFF", "ClientEvent", "Ctx", "MeetingFormat", "Model", "ParticipantKind", "Payload",
    "Phase", "Rule", "ServerEvent", "SpiegelError", "hookimpl", "kind_audience", "participant",
    "participant_label", "pick", "section", "staff", "start_timer", "validate",
]
