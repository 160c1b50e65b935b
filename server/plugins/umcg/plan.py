"""The improvement plan for the project group: actions with an owner.

Kept behind these two functions so the plan follows the core's action model: today an action
is a core outcome of kind ``action`` (owner, due); when the report's action status lands on
main, only this module changes.
"""

from __future__ import annotations

from spiegel.api import add_outcome, outcomes


def add_action(ctx, text: str, owner: str, due: str | None = None) -> dict:
    return add_outcome(ctx, "action", text, owner=owner, due=due)


def actions(ctx) -> list[dict]:
    return outcomes(ctx, "action")
