"""Plugin-defined events (the ``action`` event) and the context every handler works in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic import BaseModel


@dataclass(frozen=True)
class Action:
    """An event a plugin adds.

    Exactly one of ``listener_action`` (a key phases list in ``Phase.listener``) or ``right``
    (a staff right: ``run``, ``questions``, ``outcomes``, ``setup``) says who may send it.
    """

    name: str
    schema: type[BaseModel]
    handler: Callable
    listener_action: str | None = None
    right: str | None = None
    description: str = ""
    #: Server→client events the handler sends (document them with your plugin).
    emits: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if (self.listener_action is None) == (self.right is None):
            raise ValueError(f"action {self.name!r}: set exactly one of listener_action or right")


#: Every server→client event. docs/protocol.md documents each (tests/test_protocol_docs.py).
SERVER_EVENTS = frozenset({
    "snapshot", "state", "note", "note.removed", "question", "question.removed", "queue", "presence",
    "outcome", "outcome.removed", "turns", "turn", "poll.results", "timer.expired", "settings", "prepared",
    "prompt", "meeting.erased",
})


@dataclass
class Outbox:
    """Messages to broadcast once the transaction has committed (never before).

    Only declared events go out: the core ones (documented in docs/protocol.md) and those a
    plugin's actions list in ``Action.emits``.
    """

    allowed: frozenset[str] = SERVER_EVENTS
    messages: list[tuple[str, dict, str]] = field(default_factory=list)

    def add(self, event: str, payload: dict, room: str) -> None:
        if event not in self.allowed:
            raise ValueError(f"undeclared server event {event!r}: core events go in SERVER_EVENTS and "
                             "docs/protocol.md, plugin events in Action.emits")
        self.messages.append((event, payload, room))
