"""years: a carried task's previous-year task, continuing milestones, targets to be confirmed

Revision ID: 0013
Revises: 0015
"""
from alembic import op
import sqlalchemy as sa


revision = "0013"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_task_previous_id_task"), "task", ["previous_id"], ["id"],
                                    ondelete="SET NULL")
    with op.batch_alter_table("milestone", schema=None) as batch_op:
        batch_op.add_column(sa.Column("continuing", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("indicator", schema=None) as batch_op:
        batch_op.add_column(sa.Column("target_pending", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("indicator", schema=None) as batch_op:
        batch_op.drop_column("target_pending")
    with op.batch_alter_table("milestone", schema=None) as batch_op:
        batch_op.drop_column("continuing")
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_task_previous_id_task"), type_="foreignkey")
        batch_op.drop_column("previous_id")
