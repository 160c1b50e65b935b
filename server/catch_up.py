"""After the message queue comes back: bring this worker's sockets up to date.

While Redis was away each worker served its own sockets, but what another worker sent (a
phase change, a question for staff) never reached them. Once the queue is subscribed again,
each worker sends the public ``state`` once to every meeting it holds sockets of, and a fresh
``snapshot`` to its staff sockets (a handful per meeting): the same messages a reconnect
brings, without making every tablet reconnect. Listeners' own items are theirs and were
acknowledged by this worker, so they missed nothing of their own.
"""

from __future__ import annotations

import logging
from collections import defaultdict

from sqlalchemy import select

from . import storage
from .context import STAFF_ROLES
from .models import Meeting, Participant
from .outbox import meeting_room

log = logging.getLogger("spiegel.catch_up")


def catch_up(sp) -> None:
    from .realtime import run  # the one path every event takes, sync included

    by_meeting: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for meeting_id, participant_id, sid in sp.presence.own():
        by_meeting[meeting_id].append((participant_id, sid))
    with sp.app.app_context():
        for meeting_id, sockets in by_meeting.items():
            try:
                with sp.db.transaction() as session:
                    meeting = session.get(Meeting, meeting_id)
                    if meeting is None:
                        continue
                    state = sp.state_payload(sp.context(session, meeting))
                    staff = set(session.scalars(select(Participant.id).where(
                        Participant.meeting_id == meeting_id, Participant.role.in_(STAFF_ROLES))))
            except Exception as exc:
                if storage.refusal(exc) is None:
                    raise
                continue  # the database is away too: the next reconnect brings everything
            sp.socketio.emit("state", state, to=meeting_room(meeting_id))
            for participant_id, sid in sockets:
                if participant_id in staff:
                    ack = run("sync", {}, sp, (participant_id, meeting_id))
                    if ack["ok"]:
                        sp.socketio.emit("snapshot", ack["snapshot"], to=sid)
    log.info("message queue back: %d meetings brought up to date", len(by_meeting))
