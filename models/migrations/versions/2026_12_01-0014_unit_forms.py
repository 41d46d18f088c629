"""unit forms: the ledger's own identifier, the fill-in workbooks sent to responsible units and
the files received back

Revision ID: 0014
Revises: 0002
"""
import uuid
from datetime import datetime

from alembic import op
import sqlalchemy as sa


revision = "0014"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    identity = op.create_table(
        "ledger_identity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_identity")),
        sa.UniqueConstraint("uid", name=op.f("uq_ledger_identity_uid")),
    )
    # Every store, new or upgraded, gets its identifier here, once: the forms it sends carry it.
    op.bulk_insert(identity, [{"id": 1, "uid": uuid.uuid4().hex, "created_at": datetime.now()}])
    op.create_table(
        "unit_form",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=32), nullable=False),
        sa.Column("unit", sa.String(length=100), nullable=False),
        sa.Column("period_id", sa.String(length=10), nullable=False),
        sa.Column("plan_version", sa.String(length=16), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("locked_digest", sa.String(length=64), nullable=False),
        sa.Column("locked_cells", sa.JSON(), nullable=False),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["period_id"], ["period.id"], name=op.f("fk_unit_form_period_id_period")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_form")),
        sa.UniqueConstraint("uid", name=op.f("uq_unit_form_uid")),
    )
    with op.batch_alter_table("unit_form", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unit_form_period_id"), ["period_id"], unique=False)
    op.create_table(
        "unit_form_receipt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("form_id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("saved_at", sa.DateTime(), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["form_id"], ["unit_form.id"], name=op.f("fk_unit_form_receipt_form_id_unit_form"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_form_receipt")),
    )


def downgrade() -> None:
    op.drop_table("unit_form_receipt")
    with op.batch_alter_table("unit_form", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unit_form_period_id"))
    op.drop_table("unit_form")
    op.drop_table("ledger_identity")
