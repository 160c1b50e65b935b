"""SQLAlchemy models: everything a meeting needs survives a restart because it lives here.

Times are epoch seconds (floats) so the timer arithmetic in `timers.py` works on plain
numbers in every database. Note and question ids are the client's UUIDs: that is what makes
a resend harmless.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Meeting(Base):
    __tablename__ = "meetings"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True, index=True)
    title: Mapped[str] = mapped_column(String(200))
    theme: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(2), default="nl")
    format: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default="draft")
    phase_key: Mapped[str] = mapped_column(String(64))
    phase_started_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    scheduled_for: Mapped[str | None] = mapped_column(String(40), nullable=True)
    expected_listeners: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: Per-phase durations in seconds chosen for this meeting (format defaults otherwise).
    durations: Mapped[dict] = mapped_column(JSON, default=dict)
    #: Prepared (guiding) questions: [{id, text, phase}] in order.
    prepared: Mapped[list] = mapped_column(JSON, default=list)
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    prompt_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    prompt_shown: Mapped[bool] = mapped_column(Boolean, default=False)
    poll_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    timer_running: Mapped[bool] = mapped_column(Boolean, default=False)
    timer_duration: Mapped[float] = mapped_column(Float, default=0.0)
    timer_remaining: Mapped[float] = mapped_column(Float, default=0.0)
    timer_deadline: Mapped[float | None] = mapped_column(Float, nullable=True)
    timer_expired_notified: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[float] = mapped_column(Float)


class Participant(Base):
    __tablename__ = "participants"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    #: SHA-256 of the bearer token; the token itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    name: Mapped[str | None] = mapped_column(String(60), nullable=True)
    discipline: Mapped[str | None] = mapped_column(String(80), nullable=True)
    #: "Listener 3": a stable anonymous label within the meeting.
    number: Mapped[int] = mapped_column(Integer, default=0)
    rights: Mapped[list] = mapped_column(JSON, default=list)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    turn_state: Mapped[str] = mapped_column(String(16), default="none")
    turn_since: Mapped[float | None] = mapped_column(Float, nullable=True)
    created_at: Mapped[float] = mapped_column(Float)
    last_seen_at: Mapped[float | None] = mapped_column(Float, nullable=True)


class Invite(Base):
    """An invitation link for a participant kind other than listeners (stored hashed)."""

    __tablename__ = "invites"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[float] = mapped_column(Float)


class Note(Base):
    __tablename__ = "notes"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[str] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    tags: Mapped[list] = mapped_column(JSON, default=list)
    prompt_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[float] = mapped_column(Float)


class Question(Base):
    __tablename__ = "questions"
    __table_args__ = (Index("ix_questions_meeting_status", "meeting_id", "status"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[str] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="parked")
    triage: Mapped[str] = mapped_column(String(16), default="clarifying")
    prepared_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    reason: Mapped[str | None] = mapped_column(String(300), nullable=True)
    #: Queue order set by the moderator (lower first); new questions go to the end.
    order: Mapped[float] = mapped_column(Float)
    merged_into: Mapped[str | None] = mapped_column(String(36), nullable=True)
    asked_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[float] = mapped_column(Float)


class Outcome(Base):
    """What went well, improvement point, wish, decision, priority or action: carried into
    reports and follow-up. Outlives the meeting's raw notes (retention erases only those)."""

    __tablename__ = "outcomes"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[str] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    owner: Mapped[str | None] = mapped_column(String(120), nullable=True)
    due: Mapped[str | None] = mapped_column(String(40), nullable=True)
    #: The phase it was captured in (set by the server at capture, editable afterwards).
    phase_key: Mapped[str | None] = mapped_column(String(64), nullable=True)
    #: Ids of shared notes it draws on (only shared ones are ever accepted).
    note_ids: Mapped[list] = mapped_column(JSON, default=list)
    #: Actions: open, in_progress, done, dropped (spiegel.report.actions).
    status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    #: Priorities: their score (e.g. points from a ranking poll).
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[float] = mapped_column(Float)


class Poll(Base):
    __tablename__ = "polls"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(300))
    options: Mapped[list] = mapped_column(JSON)
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[float] = mapped_column(Float)


class PollAnswer(Base):
    __tablename__ = "poll_answers"

    poll_id: Mapped[str] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True)
    participant_id: Mapped[str] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True
    )
    choices: Mapped[list] = mapped_column(JSON)
    updated_at: Mapped[float] = mapped_column(Float)
