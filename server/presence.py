"""Who is connected right now, per meeting, in this process.

Kept in memory: a socket belongs to one process. With several workers this moves to Redis
(the scale-out issue); the interface stays the same.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, select

from .hookspecs import hookimpl
from .models import Participant
from .outbox import STAFF
from .registry import ServerEvent
from .views import participant_label, participant_labels

if TYPE_CHECKING:  # pragma: no cover
    from .context import Ctx

#: What the presence view needs of a meeting's participants (labels, roles, ever seen).
_PRESENCE = select(Participant.id, Participant.role, Participant.name, Participant.discipline, Participant.number,
                   Participant.last_seen_at).where(Participant.meeting_id == bindparam("meeting_id"))


class Presence:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        # meeting id -> participant id -> set of socket ids
        self._sockets: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))

    def connect(self, meeting_id: str, participant_id: str, sid: str) -> None:
        with self._lock:
            self._sockets[meeting_id][participant_id].add(sid)

    def disconnect(self, meeting_id: str, participant_id: str, sid: str) -> None:
        with self._lock:
            sockets = self._sockets[meeting_id].get(participant_id)
            if sockets is not None:
                sockets.discard(sid)
                if not sockets:
                    del self._sockets[meeting_id][participant_id]

    def sockets(self, meeting_id: str, participant_id: str) -> set[str]:
        with self._lock:
            return set(self._sockets[meeting_id].get(participant_id, ()))

    def connected(self, meeting_id: str) -> set[str]:
        with self._lock:
            return set(self._sockets[meeting_id])

    def view(self, ctx: Ctx) -> dict:
        """Joined and connected listeners, and the ones whose tablet dropped (by label only).

        One query of the few columns it needs (sent on every connect and disconnect: a whole
        row per participant, JSON columns decoded, cost more than the rest of a connect)."""
        rows = ctx.session.execute(_PRESENCE, {"meeting_id": ctx.meeting.id}).all()
        live = self.connected(ctx.meeting.id)
        listeners = [p for p in rows if p.role == "listener"]
        dropped = [{"id": p.id, "label": participant_label(p, ctx.meeting.language), "labels": participant_labels(p)}
                   for p in listeners if p.id not in live and p.last_seen_at is not None]
        staff_live = sum(1 for p in rows if p.role in ("moderator", "assistant") and p.id in live)
        kinds: dict[str, dict[str, int]] = {}
        for p in rows:
            if p.role in ("listener", "moderator", "assistant", "display"):
                continue
            counts = kinds.setdefault(p.role, {"joined": 0, "connected": 0})
            counts["joined"] += 1
            counts["connected"] += p.id in live
        return {"joined": len(listeners), "connected": sum(1 for p in listeners if p.id in live),
                "dropped": dropped, "staff_connected": staff_live, "kinds": kinds}


@hookimpl
def register_events():
    return [ServerEvent("presence", frozenset({STAFF}),
                        description="Joined and connected participants, dropped tablets by label.")]
