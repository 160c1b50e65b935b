"""Helpers for the formats' end-to-end runs (real server process, real Socket.IO clients):
try what each kind may and may not do in a phase, and read the report data afterwards."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from helpers import ADMIN_PASSWORD, LiveServer
from realtime_clients import Peer

#: A probe of one action: the event and a payload made fresh for each try.
Attempt = tuple[str, Callable[[], dict]]


def uid() -> str:
    return str(uuid.uuid4())


#: What a participant can try, by the action key a phase allows.
TRIES: dict[str, Attempt] = {
    "note": ("note.add", lambda: {"id": uid(), "text": "Verzonnen notitie voor de test"}),
    "question": ("question.add", lambda: {"id": uid(), "text": "Verzonnen vraag voor de test?"}),
}


def check_phase(phase: str, peer: Peer, allowed: set[str], tries: dict[str, Attempt]) -> dict[str, dict]:
    """Try every action in ``tries`` as ``peer``: the ones in ``allowed`` must be accepted, the
    others refused with ``not_allowed_in_phase``. Returns the accepted acks by action."""
    accepted = {}
    for action, (event, payload) in tries.items():
        ack = peer.call(event, payload())
        if action in allowed:
            assert ack["ok"], f"{phase}: {peer.name} may {action}, got {ack}"
            accepted[action] = ack
        else:
            assert not ack["ok"] and ack["error"]["code"] == "not_allowed_in_phase", \
                f"{phase}: {peer.name} may not {action}, got {ack}"
    return accepted


def goto(moderator: Peer, key: str) -> dict:
    ack = moderator.call("phase.goto", {"key": key})
    assert ack["ok"], ack
    assert ack["state"]["phase"]["key"] == key
    return ack["state"]


def invite(server: LiveServer, moderator: Peer, kind: str, name: str | None = None) -> Peer:
    """Make an invitation link for ``kind`` (as the moderator does) and join through it."""
    link = moderator.call("invite.create", {"kind": kind})
    assert link["ok"], link
    secret = link["url"].split("#invite=", 1)[1]
    joined = server.join(moderator_code(moderator), invite=secret, **({"name": name} if name else {}))
    assert joined["kind"] == kind, joined
    return Peer(server.url, joined["token"], name=f"{kind}:{name or '?'}").connect()


def moderator_code(moderator: Peer) -> str:
    return moderator.of("snapshot")[0]["meeting"]["code"]


def report_sections(server: LiveServer, meeting_id: str) -> list[dict]:
    """The report data (``spiegel.sections.collect_sections``) of a meeting the server process
    ran, read in-process from the same database."""
    from spiegel.app import create_app
    from spiegel.models import Meeting
    from spiegel.sections import collect_sections

    app = create_app({"INSTANCE_PATH": str(server.instance), "ASYNC_MODE": "threading",
                      "ADMIN_PASSWORD": ADMIN_PASSWORD, "DATABASE_URL": server.database_url})
    sp = app.extensions["spiegel"]
    with sp.db.transaction() as session:
        return collect_sections(sp.context(session, session.get(Meeting, meeting_id)))
