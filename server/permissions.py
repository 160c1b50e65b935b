"""Who may send which event, in one table (Parabol's permissions map is the model).

A rule is one of: ``listener(action)``: a listener, when the current phase allows
``action`` (``ANY`` = in any phase of a meeting that is not archived); ``staff(right)``: a
moderator, or an assistant holding ``right``; ``MODERATOR``: the moderator only;
``ANYONE``: every authenticated participant.
"""

from __future__ import annotations

from dataclasses import dataclass

from .context import Ctx
from .errors import SpiegelError


@dataclass(frozen=True)
class Rule:
    listener_action: str | None = None
    right: str | None = None
    moderator_only: bool = False
    anyone: bool = False


ANY = "*"
ANYONE = Rule(anyone=True)
MODERATOR = Rule(moderator_only=True)


def listener(action: str) -> Rule:
    return Rule(listener_action=action)


def staff(right: str) -> Rule:
    return Rule(right=right)


RULES: dict[str, Rule] = {
    "sync": ANYONE,
    "note.add": listener("note"),
    "note.edit": listener("note"),
    "note.delete": listener(ANY),
    "note.share": listener("share"),
    "question.add": listener("question"),
    "question.edit": listener("question"),
    "question.delete": listener(ANY),
    "question.withdraw": listener(ANY),
    "turn.set": listener("turn"),
    "poll.answer": listener("vote"),
    "meeting.update": staff("setup"),
    "meeting.open": staff("run"),
    "meeting.archive": staff("setup"),
    "phase.goto": staff("run"),
    "timer.start": staff("run"),
    "timer.pause": staff("run"),
    "timer.resume": staff("run"),
    "timer.adjust": staff("run"),
    "timer.reset": staff("run"),
    "prepared.set": staff("setup"),
    "prompt.set": staff("run"),
    "question.update": staff("questions"),
    "question.reorder": staff("questions"),
    "question.merge": staff("questions"),
    "question.asking": staff("questions"),
    "outcome.add": staff("outcomes"),
    "outcome.edit": staff("outcomes"),
    "outcome.delete": staff("outcomes"),
    "poll.open": staff("run"),
    "poll.close": staff("run"),
    "assistant.create": MODERATOR,
    "display.link": MODERATOR,
}


def check(rule: Rule, ctx: Ctx) -> None:
    """Raise the specific refusal, or return when the sender may go ahead."""
    p, m = ctx.participant, ctx.meeting
    if rule.anyone:
        return
    if m.state == "archived":
        raise SpiegelError("meeting_closed", "This meeting is archived; nothing can change any more.")
    if rule.moderator_only:
        if p.role != "moderator":
            raise SpiegelError("forbidden_role", "Only the moderator may do this.")
        return
    if rule.right is not None:
        if p.role == "moderator":
            return
        if p.role != "assistant":
            raise SpiegelError("forbidden_role", f"A {p.role} may not do this; it is for the moderator.")
        if rule.right not in (p.rights or []):
            raise SpiegelError("missing_right", f"Your assistant link does not include the right {rule.right!r}.")
        return
    if rule.listener_action is not None:
        if p.role != "listener":
            raise SpiegelError("forbidden_role", f"Only listeners do this; you are the {p.role}.")
        if m.state == "draft":
            raise SpiegelError("meeting_not_open")
        if rule.listener_action != ANY and rule.listener_action not in ctx.phase.listener:
            raise SpiegelError("not_allowed_in_phase",
                               f"The phase {ctx.phase.key!r} does not allow {rule.listener_action!r}.")
        return
    raise AssertionError("a rule must say who may act")
