"""NIK's own tables: the curated improvement points, the priority vote, its ballots and the
priorities it produced. Every row hangs off its meeting (ON DELETE CASCADE): erasing the
meeting erases them too."""

from __future__ import annotations

from spiegel.api import Model
from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column


class NikPoint(Model):
    """An improvement point the moderator put on the list parents choose from."""

    __tablename__ = "nik_points"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    #: Where it came from: ``outcome`` (captured by staff), ``note`` (shared by a listener) or
    #: ``moderator`` (typed in the priority session). Never who wrote it.
    source: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer)


class NikVote(Model):
    """The priority vote of a meeting (one at a time; opening again starts afresh)."""

    __tablename__ = "nik_votes"

    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    method: Mapped[str] = mapped_column(String(8))
    dots_per_person: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(8))
    opened_at: Mapped[float] = mapped_column(Float)
    closed_at: Mapped[float | None] = mapped_column(Float, nullable=True)


class NikBallot(Model):
    """One voter's choice: a parent's own (``voter`` = participant id) or the room's, recorded
    by the moderator from the shared screen (``voter`` = ``room``, counting ``weight`` people)."""

    __tablename__ = "nik_ballots"

    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    voter: Mapped[str] = mapped_column(String(32), primary_key=True)
    #: ``{point_id: dots}`` for dot votes, ``[point_id, ...]`` (first choice first) for rankings.
    choice: Mapped[dict | list] = mapped_column(JSON)
    weight: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[float] = mapped_column(Float)


class NikPriority(Model):
    """A priority (speerpunt) as the closed vote left it: its score and the rule that scored it."""

    __tablename__ = "nik_priorities"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    point_id: Mapped[str] = mapped_column(String(36))
    text: Mapped[str] = mapped_column(Text)
    score: Mapped[int] = mapped_column(Integer)
    rank: Mapped[int] = mapped_column(Integer)
    #: Display order (best first; equal scores share a rank and keep the list's order).
    place: Mapped[int] = mapped_column(Integer)
    rule: Mapped[str] = mapped_column(String(8))
    voters: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[float] = mapped_column(Float)
