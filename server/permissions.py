"""Who may send an event: the rules, and the one check every event goes through.

A rule is one of: ``participant(action)`` (alias ``listener``): a participant (a listener or
another kind the format declares) when the current phase allows ``action`` for that kind
(``ANY`` = in any phase of a meeting that is not archived); ``staff(right)``: a moderator, or
an assistant holding ``right``; ``MODERATOR``: the moderator only; ``ANYONE``: every
authenticated participant. Each event declares its rule next to its handler
(``registry.ClientEvent``); ``spiegel permissions`` prints the merged table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import SpiegelError

if TYPE_CHECKING:  # pragma: no cover
    from .context import Ctx

#: The staff rights an assistant link may hold (the moderator holds all). Plugins may add
#: rights of their own with the ``register_rights`` hook.
CORE_RIGHTS = ("run", "questions", "outcomes", "setup")


@dataclass(frozen=True)
class Rule:
    listener_action: str | None = None
    right: str | None = None
    moderator_only: bool = False
    anyone: bool = False

    def describe(self) -> tuple[str, str]:
        """(who, phase rule) for the permissions table."""
        if self.anyone:
            return "anyone signed in", "any phase"
        if self.moderator_only:
            return "moderator", "until archived"
        if self.right is not None:
            return f"staff with right {self.right!r}", "until archived"
        action = self.listener_action
        return "participant", "any phase (own items)" if action == ANY else f"phases allowing {action!r}"


ANY = "*"
ANYONE = Rule(anyone=True)
MODERATOR = Rule(moderator_only=True)


def participant(action: str) -> Rule:
    return Rule(listener_action=action)


listener = participant


def staff(right: str) -> Rule:
    return Rule(right=right)


def check(rule: Rule, ctx: Ctx) -> None:
    """Raise the specific refusal, or return when the sender may go ahead."""
    # Role and state from the sender row: a tablet's event loads neither ORM row to be checked.
    role, state = ctx.role, ctx.state
    if rule.anyone:
        return
    if state == "archived":
        raise SpiegelError("meeting_closed", "This meeting is archived; nothing can change any more.")
    if rule.moderator_only:
        if role != "moderator":
            raise SpiegelError("forbidden_role", "Only the moderator may do this.")
        return
    if rule.right is not None:
        if role == "moderator":
            return
        if role != "assistant":
            raise SpiegelError("forbidden_role", f"A {role} may not do this; it is for the moderator.")
        if rule.right not in (ctx.participant.rights or []):
            raise SpiegelError("missing_right", f"Your assistant link does not include the right {rule.right!r}.")
        return
    if rule.listener_action is not None:
        kind = ctx.kind
        if kind is None:
            raise SpiegelError("forbidden_role", f"Only participants do this; you are the {role}.")
        if state == "draft" and not kind.before_open:
            raise SpiegelError("meeting_not_open")
        if rule.listener_action != ANY and rule.listener_action not in ctx.phase.actions_for(kind.name):
            raise SpiegelError("not_allowed_in_phase",
                               f"The phase {ctx.phase.key!r} does not allow {rule.listener_action!r}.")
        return
    raise AssertionError("a rule must say who may act")
