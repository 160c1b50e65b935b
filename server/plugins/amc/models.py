"""The AMC format's own table: topics and questions invited professionals send in before the
meeting, and what the moderator made of each (erased with the meeting)."""

from __future__ import annotations

from spiegel.api import Model
from sqlalchemy import Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column


class Submission(Model):
    __tablename__ = "amc_submissions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[str] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    #: ``topic`` or ``question``.
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    #: ``sent`` → ``prepared`` (became a prepared question), ``merged`` (into another) or
    #: ``dismissed``; ``sent`` again when the moderator undoes it.
    status: Mapped[str] = mapped_column(String(16), default="sent")
    merged_into: Mapped[str | None] = mapped_column(String(36), nullable=True)
    #: The prepared question it became (also set on submissions merged into that one).
    prepared_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[float] = mapped_column(Float)
