"""The improvement plan for the project group: actions with an owner.

Kept behind these two functions so the plan follows the core's action model: an action is a
core outcome of kind ``action`` (owner, due, status starting ``open``, the phase it was made
in), so the report's follow-up board tracks its progress like any other action.
"""

from __future__ import annotations

from spiegel.api import add_outcome, outcomes


def add_action(ctx, text: str, owner: str, due: str | None = None) -> dict:
    return add_outcome(ctx, "action", text, owner=owner, due=due)


def actions(ctx) -> list[dict]:
    return outcomes(ctx, "action")
