"""The tables of the report, follow-up, series, privacy and audit features (migration 0002).

They sit beside the core models on the same metadata. Everything hangs off a meeting with
ON DELETE CASCADE except the audit log: "meeting erased" must outlive the meeting.
"""

from __future__ import annotations

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..models import Base


class ReportDraft(Base):
    """Per meeting: the moderator's item edits and removals, the letter, and the final copy."""

    __tablename__ = "report_drafts"

    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    #: item key → {"text": str} or {"removed": true}
    overrides: Mapped[dict] = mapped_column(JSON, default=dict)
    #: The edited letter text; None while the drafted one stands.
    letter: Mapped[str | None] = mapped_column(Text, nullable=True)
    final_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    #: The report data frozen when it was made final (survives the purge of raw notes).
    final_data: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    updated_at: Mapped[float] = mapped_column(Float)


class ActionUpdate(Base):
    """A dated progress note on an action (and the status it moved to, if any)."""

    __tablename__ = "action_updates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    outcome_id: Mapped[str] = mapped_column(ForeignKey("outcomes.id", ondelete="CASCADE"), index=True)
    at: Mapped[float] = mapped_column(Float)
    status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    text: Mapped[str] = mapped_column(Text, default="")
    #: "moderator", "assistant" or "admin": never a person's name.
    by_role: Mapped[str] = mapped_column(String(16))


class Series(Base):
    """Meetings that repeat: one organisation (and region), round after round."""

    __tablename__ = "series"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    organisation: Mapped[str] = mapped_column(String(200))
    region: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[float] = mapped_column(Float)


class SeriesRound(Base):
    """A meeting's place in a series: its round number and year."""

    __tablename__ = "series_rounds"

    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    series_id: Mapped[str] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    year: Mapped[int | None] = mapped_column(Integer, nullable=True)


class Consent(Base):
    """The moderator's record that the inner circle consented: what, when, how many people."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    what: Mapped[str] = mapped_column(Text)
    participants: Mapped[int] = mapped_column(Integer, default=0)
    #: Only when the organisation chose to store names (SPIEGEL_CONSENT_NAMES); else empty.
    names: Mapped[list] = mapped_column(JSON, default=list)
    recorded_at: Mapped[float] = mapped_column(Float)
    by_role: Mapped[str] = mapped_column(String(16))


class Retention(Base):
    """When a meeting's raw notes and questions go, and when they went."""

    __tablename__ = "retention"

    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    #: ISO date (YYYY-MM-DD) chosen for this meeting; None: the default period after its end.
    retain_until: Mapped[str | None] = mapped_column(String(10), nullable=True)
    purged_at: Mapped[float | None] = mapped_column(Float, nullable=True)


class AuditEntry(Base):
    """One line of the access log after NEN 7513: who, when, what; never anything written."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[float] = mapped_column(Float, index=True)
    role: Mapped[str] = mapped_column(String(16))
    #: Which link acted: the participant id of a moderator/assistant key, or "admin".
    link: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(40))
    #: No foreign key: the entry outlives an erased meeting.
    meeting_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    #: Export format and the like; never note, question or outcome text.
    detail: Mapped[str] = mapped_column(String(200), default="")
