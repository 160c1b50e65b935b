"""Who is connected right now, per meeting.

Each worker keeps its own sockets in memory (a socket lives in one process). With several
workers (``SPIEGEL_MESSAGE_QUEUE``) it also mirrors them into Redis
(:class:`.redis_state.PresenceMirror`), and answers from there: sockets of every worker, a
dead worker's dropping out once its heartbeat stops. While Redis is away it answers from its
own memory, and rewrites its sockets into Redis once Redis is back.
"""

from __future__ import annotations

import contextlib
import threading
from collections import defaultdict
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, select

from . import hot_sql
from .hookspecs import hookimpl
from .models import Participant
from .outbox import STAFF
from .registry import ServerEvent
from .shared_state import Unavailable
from .views import participant_label, participant_labels

if TYPE_CHECKING:  # pragma: no cover
    from .context import Ctx
    from .redis_state import PresenceMirror

#: What the presence view needs of a meeting's participants (labels, roles, ever seen).
_PRESENCE = hot_sql.Hot(select(Participant.id, Participant.role, Participant.name, Participant.discipline,
                               Participant.number, Participant.last_seen_at)
                        .where(Participant.meeting_id == bindparam("meeting_id")))


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

    def retire(self) -> set[str]:
        """This worker stops (:mod:`.shutdown`): its sockets leave presence, here and in Redis,
        at once. Returns the meetings they were in, whose staff are to be told."""
        with self._lock:
            meetings = set(self._sockets)
            self._sockets.clear()
        if self._mirror is not None:
            # Redis away: the heartbeat key expires instead, as for a killed worker.
            with contextlib.suppress(Unavailable):
                self._mirror.retire()
        return meetings

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
        """Joined and connected listeners, and the ones whose tablet dropped (by label only).

        One query of the few columns it needs (sent on every connect and disconnect: a whole
        row per participant, JSON columns decoded, cost more than the rest of a connect)."""
        session = ctx.unit.opened  # its changes not yet flushed are not on the connection
        reader = ctx.connection if session is None or not (session.new or session.dirty) else session
        rows = _PRESENCE.rows(reader, {"meeting_id": ctx.meeting.id})
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
