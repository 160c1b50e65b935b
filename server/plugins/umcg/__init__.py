"""The UMCG format as a built-in plugin: written only against ``spiegel.api``, exactly as an
outside organisation's plugin would be (``docs/plugins.md``)."""

from __future__ import annotations

from pathlib import Path

from spiegel.api import MEETING, STAFF, ClientEvent, ServerEvent, hookimpl, staff

from .decisions import DecisionAdd, DecisionShow, PlanAction, add_plan_action, decide, show
from .format import UmcgFormat

SPIEGEL_API = 1
HERE = Path(__file__).resolve().parent


@hookimpl
def register_formats():
    return [UmcgFormat]


#: Its events act on meetings of this format only (``not_this_format`` elsewhere).
UMCG = frozenset({"umcg"})


@hookimpl
def register_events():
    return [
        ClientEvent("umcg.decide", DecisionAdd, decide, staff("outcomes"), formats=UMCG,
                    description="Record a decision taken on the spot, with who decided."),
        ClientEvent("umcg.show", DecisionShow, show, staff("outcomes"), formats=UMCG,
                    description="Show a decision on the room display, or none."),
        ClientEvent("umcg.plan", PlanAction, add_plan_action, staff("outcomes"), formats=UMCG,
                    description="Put a point on the improvement plan: an action with an owner."),
        ServerEvent("umcg.decision", frozenset({STAFF}), description="A decision was recorded."),
        ServerEvent("umcg.shown", frozenset({MEETING}), description="The decision the room display shows (or none)."),
    ]


@hookimpl
def register_migrations():
    return [("umcg", HERE / "migrations")]


@hookimpl
def register_static():
    return [("umcg", HERE / "static")]
