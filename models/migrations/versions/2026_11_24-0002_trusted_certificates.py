"""trusted certificates: the city's list of each county's registered signing certificate

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trusted_certificate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("county", sa.String(length=50), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("not_after", sa.DateTime(), nullable=True),
        sa.Column("der", sa.LargeBinary(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trusted_certificate")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_trusted_certificate_fingerprint")),
    )
    with op.batch_alter_table("trusted_certificate", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trusted_certificate_county"), ["county"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("trusted_certificate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trusted_certificate_county"))
    op.drop_table("trusted_certificate")
