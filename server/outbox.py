"""Audiences, their Socket.IO rooms, and the outbox that only sends what was declared.

Every server→client event declares the audiences it may reach (``registry.ServerEvent``).
A handler queues messages here during its transaction; the dispatcher sends them only after
the commit, and only to an audience the event was declared for. That is what keeps a
listener's private text from reaching the room, whatever a plugin's handler tries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

#: The sender's own sockets (every tab and tablet signed in with the sender's token).
AUTHOR = "author"
#: One participant named when the message is queued (e.g. the author of a question that
#: staff just moved).
PARTICIPANT = "participant"
#: Moderator and assistants of the meeting.
STAFF = "staff"
#: Everyone in the meeting, the room display included.
MEETING = "meeting"
#: Prefix of a participant-kind audience: ``kind:parent`` is every parent of the meeting.
KIND_PREFIX = "kind:"

#: Audiences that reach only people allowed to see someone's own writing.
PRIVATE_AUDIENCES = frozenset({AUTHOR, PARTICIPANT, STAFF})


def kind_audience(kind: str) -> str:
    return f"{KIND_PREFIX}{kind}"


def meeting_room(meeting_id: str) -> str:
    return f"m:{meeting_id}"


def staff_room(meeting_id: str) -> str:
    return f"m:{meeting_id}:staff"


def kind_room(meeting_id: str, kind: str) -> str:
    return f"m:{meeting_id}:kind:{kind}"


def participant_room(participant_id: str) -> str:
    return f"p:{participant_id}"


def valid_audience(audience: str) -> bool:
    if audience in (AUTHOR, PARTICIPANT, STAFF, MEETING):
        return True
    return audience.startswith(KIND_PREFIX) and audience[len(KIND_PREFIX):].isidentifier()


class UndeclaredEvent(Exception):
    """A handler tried to send an event that is not declared, or to an audience it was not
    declared for: a bug in that handler, refused before anything is sent."""


@dataclass
class Outbox:
    """Messages to broadcast once the transaction has committed (never before)."""

    #: ``allows(event, audience)``: the registry's declarations.
    allows: Callable[[str, str], bool]
    #: (event, payload, room, skip_sender): ``skip_sender`` leaves out the socket whose event
    #: this is (it has the payload in its ack); the sender's other sockets still get it.
    messages: list[tuple[str, dict, str, bool]] = field(default_factory=list)

    def add(self, event: str, payload: dict, audience: str, room: str, skip_sender: bool = False) -> None:
        if not self.allows(event, audience):
            raise UndeclaredEvent(
                f"server event {event!r} is not declared for the audience {audience!r}: declare it with "
                "ServerEvent(name, audiences=...) in register_events (and in docs/protocol.md for core events)")
        self.messages.append((event, payload, room, skip_sender))
