"""Who is connected right now, per meeting, in this process.

Kept in memory: a socket belongs to one process. With several workers this moves to Redis
(the scale-out issue); the interface stays the same.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from typing import TYPE_CHECKING

from sqlalchemy import select

from .hookspecs import hookimpl
from .models import Participant
from .outbox import STAFF
from .registry import ServerEvent
from .views import participant_label, participant_labels

if TYPE_CHECKING:  # pragma: no cover
    from .context import Ctx


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
        """Joined and connected listeners, and the ones whose tablet dropped (by label only)."""
        listeners = ctx.session.scalars(select(Participant).where(
            Participant.meeting_id == ctx.meeting.id, Participant.role == "listener")).all()
        live = self.connected(ctx.meeting.id)
        dropped = [{"id": p.id, "label": participant_label(p, ctx.meeting.language), "labels": participant_labels(p)}
                   for p in listeners if p.id not in live and p.last_seen_at is not None]
        staff_live = sum(1 for p in ctx.session.scalars(select(Participant.id).where(
            Participant.meeting_id == ctx.meeting.id, Participant.role.in_(("moderator", "assistant")))) if p in live)
        others = ctx.session.execute(select(Participant.role, Participant.id).where(
            Participant.meeting_id == ctx.meeting.id,
            Participant.role.not_in(("listener", "moderator", "assistant", "display")))).all()
        kinds: dict[str, dict[str, int]] = {}
        for role, pid in others:
            counts = kinds.setdefault(role, {"joined": 0, "connected": 0})
            counts["joined"] += 1
            counts["connected"] += pid in live
        return {"joined": len(listeners), "connected": sum(1 for p in listeners if p.id in live),
                "dropped": dropped, "staff_connected": staff_live, "kinds": kinds}


@hookimpl
def register_events():
    return [ServerEvent("presence", frozenset({STAFF}),
                        description="Joined and connected participants, dropped tablets by label.")]
