"""nik: improvement points, the priority vote, ballots and priorities

Revision ID: nik_0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "nik_0001"
down_revision = None
branch_labels = None
depends_on = None


def _meeting_fk() -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "nik_points",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("meeting_id", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        _meeting_fk(),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_nik_points_meeting_id", "nik_points", ["meeting_id"])
    op.create_table(
        "nik_votes",
        sa.Column("meeting_id", sa.String(length=32), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("dots_per_person", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("opened_at", sa.Float(), nullable=False),
        sa.Column("closed_at", sa.Float(), nullable=True),
        _meeting_fk(),
        sa.PrimaryKeyConstraint("meeting_id"),
    )
    op.create_table(
        "nik_ballots",
        sa.Column("meeting_id", sa.String(length=32), nullable=False),
        sa.Column("voter", sa.String(length=32), nullable=False),
        sa.Column("choice", sa.JSON(), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        _meeting_fk(),
        sa.PrimaryKeyConstraint("meeting_id", "voter"),
    )
    op.create_table(
        "nik_priorities",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("meeting_id", sa.String(length=32), nullable=False),
        sa.Column("point_id", sa.String(length=36), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("place", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=8), nullable=False),
        sa.Column("voters", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        _meeting_fk(),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_nik_priorities_meeting_id", "nik_priorities", ["meeting_id"])


def downgrade() -> None:
    for table in ("nik_priorities", "nik_ballots", "nik_votes", "nik_points"):
        op.drop_table(table)
