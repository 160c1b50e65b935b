"""umcg: decisions on the spot

Revision ID: umcg_0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "umcg_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "umcg_decisions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("meeting_id", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(length=120), nullable=False),
        sa.Column("decided_at", sa.Float(), nullable=False),
        sa.Column("point_id", sa.String(length=36), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_umcg_decisions_meeting_id", "umcg_decisions", ["meeting_id"])


def downgrade() -> None:
    op.drop_table("umcg_decisions")
