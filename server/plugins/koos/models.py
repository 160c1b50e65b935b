"""KOOS's own tables: the organisation's library of prepared question sets, the outer-ring
speaking round of a meeting, and the source meetings a reflection meeting gathers from."""

from __future__ import annotations

from spiegel.api import Model
from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column


class KoosQuestionSet(Model):
    """A set of prepared questions drawn up from the organisation's guiding principles; the
    organisation keeps a library of them and picks one when a meeting is created. Not tied
    to a meeting: it is the organisation's, and holds no one's writing."""

    __tablename__ = "koos_question_sets"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    principle: Mapped[str] = mapped_column(Text, default="")
    #: ``[{text, phase}]`` in asking order.
    items: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[float] = mapped_column(Float)


class KoosRound(Model):
    """The outer-ring round of a meeting: the speaking order, who is speaking, and the
    speaker's timer. All of it stored, so a restarted server resumes with the same speaker
    and the same deadline (or, paused, the same remaining time)."""

    __tablename__ = "koos_rounds"

    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    mode: Mapped[str] = mapped_column(String(8))
    #: Participant ids in speaking order (the whole line, those done included).
    line: Mapped[list] = mapped_column(JSON)
    #: ``{participant id: waiting | speaking | done | passed | skipped}``.
    status: Mapped[dict] = mapped_column(JSON)
    current: Mapped[str | None] = mapped_column(String(32), nullable=True)
    #: Seconds per speaker; 0 for no timer.
    seconds: Mapped[int] = mapped_column(Integer, default=0)
    #: The speaker timer (``spiegel.api.Timer.to_dict``).
    timer: Mapped[dict] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(default=True)
    started_at: Mapped[float] = mapped_column(Float)


class KoosSource(Model):
    """A mirror meeting a reflection meeting gathers from. Both ends cascade: erasing either
    meeting erases the link."""

    __tablename__ = "koos_sources"

    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    source_id: Mapped[str] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
