"""Deprecated plugin events (API 1 still accepts them): an ``Action`` becomes a
``ClientEvent`` of its own name in the registry. New plugins declare ``ClientEvent`` and
``ServerEvent`` in ``register_events`` (see ``spiegel.api``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pydantic import BaseModel

from .outbox import AUTHOR, STAFF
from .permissions import participant, staff
from .registry import ClientEvent, ServerEvent


@dataclass(frozen=True)
class Action:
    """An event a plugin adds (old style).

    Exactly one of ``listener_action`` (a key phases list in ``Phase.listener``) or ``right``
    (a staff right) says who may send it. ``emits`` are the server events its handler sends;
    they are declared for staff and the author only.
    """

    name: str
    schema: type[BaseModel]
    handler: Callable
    listener_action: str | None = None
    right: str | None = None
    description: str = ""
    emits: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if (self.listener_action is None) == (self.right is None):
            raise ValueError(f"action {self.name!r}: set exactly one of listener_action or right")

    def declarations(self) -> list[ClientEvent | ServerEvent]:
        rule = participant(self.listener_action) if self.listener_action else staff(self.right)
        return [ClientEvent(self.name, self.schema, self.handler, rule, description=self.description),
                *(ServerEvent(name, frozenset({STAFF, AUTHOR})) for name in sorted(self.emits))]
