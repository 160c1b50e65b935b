"""A context whose meeting (and sender) are plain values read with Core, not ORM rows.

Why: building a message from a meeting's columns (the public state of a timer change, a
tablet's snapshot) only reads them, and the ORM load of the rows was a large part of those
events (bench/RESULTS.md, sessions 11 and 13). What reads ``ctx.meeting`` reads the plain
values; everything else (the transaction, the outbox, the format) is the context's own.
"""

from __future__ import annotations

from typing import Any

from .context import Ctx


class Plain:
    """``ctx`` with ``meeting`` and ``participant`` replaced by plain values (any object with
    the rows' attributes: a ``SimpleNamespace`` of a Core row's columns)."""

    def __init__(self, ctx: Ctx, meeting: Any, participant: Any = None):
        self._ctx = ctx
        self.meeting = meeting
        self.participant = participant

    def __getattr__(self, name: str):
        return getattr(self._ctx, name)

    def label_of(self, p) -> str:
        return Ctx.label_of(self, p)  # type: ignore[arg-type]  # reads .meeting and .spiegel only

    def duration_of(self, phase) -> int:
        return Ctx.duration_of(self, phase)  # type: ignore[arg-type]  # reads .meeting only
