"""report, follow-up, series, privacy and audit tables; outcome phase, notes, status, score

Revision ID: 0003_report
Revises: 0002
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = '0003_report'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outcomes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phase_key', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('note_ids', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('status', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('score', sa.Float(), nullable=True))
    op.execute("UPDATE outcomes SET status = 'open' WHERE kind = 'action'")

    op.create_table('report_drafts',
    sa.Column('meeting_id', sa.String(length=32), nullable=False),
    sa.Column('overrides', sa.JSON(), nullable=False),
    sa.Column('letter', sa.Text(), nullable=True),
    sa.Column('final_at', sa.Float(), nullable=True),
    sa.Column('final_data', sa.JSON(), nullable=True),
    sa.Column('updated_at', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('meeting_id')
    )
    op.create_table('action_updates',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('outcome_id', sa.String(length=36), nullable=False),
    sa.Column('at', sa.Float(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('by_role', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['outcome_id'], ['outcomes.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_action_updates_outcome_id', 'action_updates', ['outcome_id'])
    op.create_table('series',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('region', sa.String(length=200), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('series_rounds',
    sa.Column('meeting_id', sa.String(length=32), nullable=False),
    sa.Column('series_id', sa.String(length=32), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['series_id'], ['series.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('meeting_id')
    )
    op.create_index('ix_series_rounds_series_id', 'series_rounds', ['series_id'])
    op.create_table('consents',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('meeting_id', sa.String(length=32), nullable=False),
    sa.Column('what', sa.Text(), nullable=False),
    sa.Column('participants', sa.Integer(), nullable=False),
    sa.Column('names', sa.JSON(), nullable=False),
    sa.Column('recorded_at', sa.Float(), nullable=False),
    sa.Column('by_role', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_consents_meeting_id', 'consents', ['meeting_id'])
    op.create_table('retention',
    sa.Column('meeting_id', sa.String(length=32), nullable=False),
    sa.Column('retain_until', sa.String(length=10), nullable=True),
    sa.Column('purged_at', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('meeting_id')
    )
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('at', sa.Float(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('link', sa.String(length=64), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('meeting_id', sa.String(length=32), nullable=True),
    sa.Column('detail', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_audit_log_at', 'audit_log', ['at'])
    op.create_index('ix_audit_log_meeting_id', 'audit_log', ['meeting_id'])


def downgrade() -> None:
    for table in ('audit_log', 'retention', 'consents', 'series_rounds', 'series', 'action_updates',
                  'report_drafts'):
        op.drop_table(table)
    with op.batch_alter_table('outcomes', schema=None) as batch_op:
        for column in ('score', 'status', 'note_ids', 'phase_key'):
            batch_op.drop_column(column)
