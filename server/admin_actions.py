"""Administrator actions of plugins: organisation-wide data outside any one meeting.

A meeting's own data changes through its events (``register_events``); data that outlives
meetings (KOOS's library of prepared question sets, picked when a meeting is created) is
the administrator's, changed through these. Each is declared once with a payload schema and
served at ``POST /api/admin/actions/<name>``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pydantic import BaseModel


@dataclass(frozen=True)
class AdminAction:
    """``name`` (letters, digits, ``.``, ``_``, ``-``), its pydantic ``schema``, and
    ``handler(session, data, now) -> dict`` (merged into the answer ``{ok: true, ...}``)."""

    name: str
    schema: type[BaseModel]
    handler: Callable
    description: str = ""


class AdminActionError(Exception):
    """A declaration that cannot be accepted; raised at start."""


def collect(declared: list[tuple[str, list]]) -> dict[str, AdminAction]:
    """``declared`` is ``[(plugin, [AdminAction, ...])]``; refuses repeats and odd names."""
    actions: dict[str, tuple[AdminAction, str]] = {}
    for owner, items in declared:
        for action in items or ():
            if not isinstance(action, AdminAction):
                raise AdminActionError(f"plugin {owner}: register_admin_actions returned {action!r}, "
                                       "not an AdminAction")
            if not action.name or len(action.name) > 64 or not all(c.isalnum() or c in "._-" for c in action.name):
                raise AdminActionError(f"plugin {owner}: admin action name {action.name!r} must be 1-64 "
                                       "letters, digits, . _ -")
            if action.name in actions:
                raise AdminActionError(f"admin action {action.name!r} is registered twice: by "
                                       f"{actions[action.name][1]} and by {owner}")
            actions[action.name] = (action, owner)
    return {name: action for name, (action, _) in actions.items()}
