"""One registry of events: every client→server and server→client event, core or plugin.

Each client event is declared once (name, payload schema, rule, handler, optional replay);
each server event declares the audiences it may reach and whether it carries someone's own
writing (``private``). The core's own features declare theirs through the same
``register_events`` hook as any plugin. The registry is built per app at start and refuses
duplicates and unsafe declarations with a message naming the plugin.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from pydantic import BaseModel

from .outbox import AUTHOR, PARTICIPANT, PRIVATE_AUDIENCES, valid_audience
from .permissions import ANY, Rule


@dataclass(frozen=True)
class ClientEvent:
    """An event clients send: ``name``, its pydantic ``schema``, who may send it (``rule``),
    and ``handler(ctx, data) -> dict`` (merged into the ack). ``replay(ctx, data)`` answers a
    resend of an idempotent add before the phase rule is checked, so a tablet whose outbox
    drains after the meeting moved on still gets its ack."""

    name: str
    schema: type[BaseModel]
    handler: Callable
    rule: Rule
    replay: Callable | None = None
    #: The handler answers a resend itself (its ``Ctx.insert_new`` finds the id stored and it
    #: replays), so ``replay`` is asked only when the rule refuses: a new item costs no lookup
    #: of its id before the handler's INSERT.
    answers_resend: bool = False
    description: str = ""
    #: Formats whose meetings take the event (a format's own events); empty: every format.
    #: A meeting of another format refuses it with ``not_this_format``.
    formats: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ServerEvent:
    """An event the server sends, with every audience it may reach. ``private`` events carry
    a participant's own writing (a note, a question): they may go only to that participant
    (``author``/``participant``) and to staff, never to the meeting or a kind."""

    name: str
    audiences: frozenset[str]
    private: bool = False
    description: str = ""


class RegistryError(Exception):
    """A declaration that cannot be accepted; raised at start."""


@dataclass
class Registry:
    client: dict[str, ClientEvent] = field(default_factory=dict)
    server: dict[str, ServerEvent] = field(default_factory=dict)
    owners: dict[str, str] = field(default_factory=dict)

    def add(self, item: ClientEvent | ServerEvent, owner: str) -> None:
        if not isinstance(item, ClientEvent | ServerEvent):
            raise RegistryError(f"plugin {owner}: register_events returned {item!r}, not a ClientEvent/ServerEvent")
        table = self.client if isinstance(item, ClientEvent) else self.server
        side = "client" if isinstance(item, ClientEvent) else "server"
        key = f"{side}:{item.name}"
        if not item.name or len(item.name) > 64 or not all(ch.isalnum() or ch in "._-" for ch in item.name):
            raise RegistryError(f"plugin {owner}: event name {item.name!r} must be 1-64 letters, digits, . _ -")
        if item.name in table:
            raise RegistryError(f"{side} event {item.name!r} is registered twice: by {self.owners[key]} and by {owner}")
        if isinstance(item, ServerEvent):
            bad = [a for a in item.audiences if not valid_audience(a)]
            if bad or not item.audiences:
                raise RegistryError(f"plugin {owner}: server event {item.name!r} has unknown audiences {sorted(bad)}")
            if item.private and not item.audiences <= PRIVATE_AUDIENCES:
                raise RegistryError(
                    f"plugin {owner}: server event {item.name!r} carries a participant's own writing (private) and "
                    f"may not go to {sorted(item.audiences - PRIVATE_AUDIENCES)}: only author, participant or staff")
        table[item.name] = item
        self.owners[key] = owner

    def extend(self, items: Iterable[ClientEvent | ServerEvent], owner: str) -> None:
        for item in items or ():
            self.add(item, owner)

    def allows(self, event: str, audience: str) -> bool:
        """May ``event`` go to ``audience``? (The outbox asks this before queueing.)"""
        declared = self.server.get(event)
        if declared is None:
            return False
        return audience in declared.audiences or (audience == AUTHOR and PARTICIPANT in declared.audiences)

    def participant_actions(self) -> frozenset[str]:
        """Every action key a phase may allow: those that participant events name."""
        return frozenset(e.rule.listener_action for e in self.client.values()
                         if e.rule.listener_action not in (None, ANY))

    def rules(self) -> dict[str, Rule]:
        return {name: e.rule for name, e in self.client.items()}

    def table(self) -> list[dict]:
        """The merged permissions map (``spiegel permissions``): one row per client event."""
        rows = []
        for name in sorted(self.client):
            who, phase = self.client[name].rule.describe()
            rows.append({"event": name, "who": who, "phase": phase, "plugin": self.owners[f"client:{name}"]})
        return rows

    def audiences_table(self) -> list[dict]:
        return [{"event": name, "audiences": sorted(e.audiences), "private": e.private,
                 "plugin": self.owners[f"server:{name}"]} for name, e in sorted(self.server.items())]
