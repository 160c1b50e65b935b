"""Who is connected right now, per meeting.

Each worker keeps its own sockets in memory (a socket lives in one process). With several
workers (``SPIEGEL_MESSAGE_QUEUE``) it also mirrors them into Redis
(:class:`.redis_state.PresenceMirror`), and answers from there: sockets of every worker, a
dead worker's dropping out once its heartbeat stops. While Redis is away it answers from its
own memory, and rewrites its sockets into Redis once Redis is back.
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
from .shared_state import Unavailable
from .views import participant_label, participant_labels

if TYPE_CHECKING:  # pragma: no cover
    from .context import Ctx
    from .redis_state import PresenceMirror


class Presence:
    def __init__(self, mirror: PresenceMirror | None = None) -> None:
        self._lock = threading.Lock()
        # meeting id -> participant id -> set of socket ids (this worker's own)
        self._sockets: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self._mirror = mirror
        if mirror is not None:
            mirror.own = self.own

    def connect(self, meeting_id: str, participant_id: str, sid: str) -> None:
        with self._lock:
            self._sockets[meeting_id][participant_id].add(sid)
        if self._mirror is not None:
            self._mirror.connect(meeting_id, participant_id, sid)

    def disconnect(self, meeting_id: str, participant_id: str, sid: str) -> None:
        with self._lock:
            sockets = self._sockets[meeting_id].get(participant_id)
            if sockets is not None:
                sockets.discard(sid)
                if not sockets:
                    del self._sockets[meeting_id][participant_id]
            if not self._sockets[meeting_id]:
                del self._sockets[meeting_id]
        if self._mirror is not None:
            self._mirror.disconnect(meeting_id, sid)

    def own(self) -> list[tuple[str, str, str]]:
        """(meeting, participant, sid) of every socket of this worker: what it rewrites into Redis."""
        with self._lock:
            return [(m, p, sid) for m, by in self._sockets.items() for p, sids in by.items() for sid in sids]

    def _local(self, meeting_id: str) -> dict[str, set[str]]:
        with self._lock:
            return {p: set(sids) for p, sids in self._sockets.get(meeting_id, {}).items()}

    def _all(self, meeting_id: str) -> dict[str, set[str]]:
        """Participant id → socket ids in every worker (only this one's while Redis is away).
        This worker's own always count, also in the moment between a Redis restart and the
        heartbeat that writes them back."""
        found = self._local(meeting_id)
        if self._mirror is not None:
            try:
                for participant_id, sids in self._mirror.sockets(meeting_id).items():
                    found.setdefault(participant_id, set()).update(sids)
            except Unavailable:
                pass
        return found

    def sockets(self, meeting_id: str, participant_id: str) -> set[str]:
        return self._all(meeting_id).get(participant_id, set())

    def meeting_sockets(self, meeting_id: str) -> set[str]:
        """Every socket of the meeting in every worker (to close them when it is erased)."""
        return {sid for sids in self._all(meeting_id).values() for sid in sids}

    def connected(self, meeting_id: str) -> set[str]:
        return set(self._all(meeting_id))

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
