"""The UMCG format's own table: decisions taken on the spot in the dialogue, with who decided
and when (erased with the meeting)."""

from __future__ import annotations

from spiegel.api import Model
from sqlalchemy import Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column


class Decision(Model):
    __tablename__ = "umcg_decisions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    #: Who decided, as the moderator records it (a role or a name the person agreed to).
    decided_by: Mapped[str] = mapped_column(String(120))
    decided_at: Mapped[float] = mapped_column(Float)
    #: The improvement point (a core outcome) it answers, if the moderator linked one.
    point_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    version: Mapped[int] = mapped_column(Integer)
