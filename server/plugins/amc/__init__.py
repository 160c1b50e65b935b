"""The AMC format as a built-in plugin: written only against ``spiegel.api``, exactly as an
outside organisation's plugin would be (``docs/plugins.md``)."""

from __future__ import annotations

from pathlib import Path

from spiegel.api import PARTICIPANT, STAFF, ClientEvent, ServerEvent, hookimpl, participant, staff

from .format import AmcFormat
from .submissions import (
    SubmissionAdd,
    SubmissionMerge,
    SubmissionPrepare,
    SubmissionSet,
    merge,
    prepare,
    replay_submit,
    set_status,
    submit,
)

SPIEGEL_API = 1
HERE = Path(__file__).resolve().parent


@hookimpl
def register_formats():
    return [AmcFormat]


#: Its events act on meetings of this format only (``not_this_format`` elsewhere).
AMC = frozenset({"amc"})


@hookimpl
def register_events():
    return [
        ClientEvent("amc.submit", SubmissionAdd, submit, participant("submit"), formats=AMC, replay=replay_submit,
                    description="An invited professional sends in a topic or question before the meeting."),
        ClientEvent("amc.merge", SubmissionMerge, merge, staff("questions"), formats=AMC,
                    description="Fold duplicate submissions into one."),
        ClientEvent("amc.prepare", SubmissionPrepare, prepare, staff("questions"), formats=AMC,
                    description="Turn a submission into a prepared question."),
        ClientEvent("amc.set", SubmissionSet, set_status, staff("questions"), formats=AMC,
                    description="Set a submission aside, or back."),
        ServerEvent("amc.submission", frozenset({PARTICIPANT, STAFF}), private=True,
                    description="One submission changed: the sender's view to the sender, the staff view to staff."),
    ]


@hookimpl
def register_migrations():
    return [("amc", HERE / "migrations")]


@hookimpl
def register_static():
    return [("amc", HERE / "static")]
