"""enterprise issues: the 营商台账 (enterprise_issue, issue_step, issue_link); new tables only

Revision ID: 0015
Revises: 0014
"""
from alembic import op
import sqlalchemy as sa


revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("enterprise_issue",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("year", sa.Integer(), nullable=False),
    sa.Column("seq", sa.Integer(), nullable=False),
    sa.Column("channel", sa.Enum("hotline", "visit", "salon", "observer", "online", "letter", "other", name="channel", native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column("enterprise", sa.String(length=100), nullable=False),
    sa.Column("credit_code", sa.String(length=18), nullable=False),
    sa.Column("contact", sa.String(length=50), nullable=False),
    sa.Column("phone", sa.String(length=30), nullable=False),
    sa.Column("kind", sa.Enum("consult", "help", "complaint", "suggestion", "report", name="issuekind", native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column("tags", sa.JSON(), nullable=False),
    sa.Column("description", sa.Text(), nullable=False),
    sa.Column("received", sa.Date(), nullable=False),
    sa.Column("task_id", sa.Integer(), nullable=True),
    sa.Column("lead_handler", sa.String(length=100), nullable=False),
    sa.Column("co_handlers", sa.JSON(), nullable=False),
    sa.Column("state", sa.Enum("registered", "assigned", "handling", "returned", "replied", "visited", "archived", name="issuestate", native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column("limit_days", sa.Integer(), nullable=True),
    sa.Column("assigned_on", sa.Date(), nullable=True),
    sa.Column("due", sa.Date(), nullable=True),
    sa.Column("closed_on", sa.Date(), nullable=True),
    sa.Column("satisfaction", sa.Enum("satisfied", "basic", "unsatisfied", name="satisfaction", native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.Column("reopen_count", sa.Integer(), nullable=False),
    sa.Column("systemic_measure", sa.Text(), nullable=False),
    sa.Column("created_at", sa.DateTime(), nullable=False),
    sa.Column("updated_at", sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(["task_id"], ["task.id"], name=op.f("fk_enterprise_issue_task_id_task"), ondelete="SET NULL"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_enterprise_issue")),
    sa.UniqueConstraint("year", "seq", name=op.f("uq_enterprise_issue_year"))
    )
    with op.batch_alter_table("enterprise_issue", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enterprise_issue_received"), ["received"], unique=False)
        batch_op.create_index(batch_op.f("ix_enterprise_issue_state"), ["state"], unique=False)

    op.create_table("issue_link",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("first_id", sa.Integer(), nullable=False),
    sa.Column("second_id", sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(["first_id"], ["enterprise_issue.id"], name=op.f("fk_issue_link_first_id_enterprise_issue"), ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["second_id"], ["enterprise_issue.id"], name=op.f("fk_issue_link_second_id_enterprise_issue"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_issue_link")),
    sa.UniqueConstraint("first_id", "second_id", name=op.f("uq_issue_link_first_id"))
    )
    with op.batch_alter_table("issue_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_issue_link_first_id"), ["first_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_issue_link_second_id"), ["second_id"], unique=False)

    op.create_table("issue_step",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("issue_id", sa.Integer(), nullable=False),
    sa.Column("kind", sa.Enum("register", "assign", "accept", "interim", "reply", "visit", "reopen", "extend", "return", "reassign", "archive", "link", name="stepkind", native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column("day", sa.Date(), nullable=False),
    sa.Column("at", sa.DateTime(), nullable=False),
    sa.Column("who", sa.String(length=50), nullable=False),
    sa.Column("unit", sa.String(length=100), nullable=False),
    sa.Column("co_units", sa.JSON(), nullable=False),
    sa.Column("limit_days", sa.Integer(), nullable=True),
    sa.Column("due", sa.Date(), nullable=True),
    sa.Column("text", sa.Text(), nullable=False),
    sa.Column("satisfaction", sa.Enum("satisfied", "basic", "unsatisfied", name="satisfaction", native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.ForeignKeyConstraint(["issue_id"], ["enterprise_issue.id"], name=op.f("fk_issue_step_issue_id_enterprise_issue"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_issue_step"))
    )
    with op.batch_alter_table("issue_step", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_issue_step_issue_id"), ["issue_id"], unique=False)



def downgrade() -> None:
    with op.batch_alter_table("issue_step", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_issue_step_issue_id"))

    op.drop_table("issue_step")
    with op.batch_alter_table("issue_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_issue_link_second_id"))
        batch_op.drop_index(batch_op.f("ix_issue_link_first_id"))

    op.drop_table("issue_link")
    with op.batch_alter_table("enterprise_issue", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enterprise_issue_state"))
        batch_op.drop_index(batch_op.f("ix_enterprise_issue_received"))

    op.drop_table("enterprise_issue")
