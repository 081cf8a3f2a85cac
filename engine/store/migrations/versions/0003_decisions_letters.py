"""Panel decisions and letters (issue 16): revised member views, the chair's own panel role and the absences
the chair recorded, the hash of the decision letter, and OH outcomes that supersede an earlier one.

Columns are added (nullable, so rows written before keep their audit digests); revisions of a member's view
are a new append-only table, so the first view stays as it was written.

Revision ID: 0003_decisions_letters
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_decisions_letters"
down_revision = "0002"
branch_labels = None
depends_on = None

NEW_APPEND_ONLY = ("member_view_revisions",)


def _triggers(dialect: str) -> None:
    for table in NEW_APPEND_ONLY:
        for event in ("UPDATE", "DELETE"):
            name = f"{table}_no_{event.lower()}"
            if dialect == "sqlite":
                op.execute(f"CREATE TRIGGER {name} BEFORE {event} ON {table} BEGIN "
                           f"SELECT RAISE(ABORT, 'fairchance: {event} on {table} is refused: the table is "
                           f"append-only'); END")
            elif dialect == "postgresql":
                op.execute(f"CREATE TRIGGER {name} BEFORE {event} ON {table} FOR EACH ROW "
                           f"EXECUTE FUNCTION fairchance_refuse_change()")
            else:
                raise RuntimeError(f"the store supports SQLite and PostgreSQL, not {dialect}")
        if dialect == "postgresql":
            op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} FOR EACH STATEMENT "
                       f"EXECUTE FUNCTION fairchance_refuse_change()")


def upgrade() -> None:
    op.add_column("decisions", sa.Column("chair_role", sa.String(100)))
    op.add_column("decisions", sa.Column("absences", sa.Text))
    op.add_column("decisions", sa.Column("letter_hash", sa.String(64)))
    op.add_column("oh_outcomes", sa.Column("supersedes", sa.Integer))
    op.add_column("oh_outcomes", sa.Column("supersede_reason", sa.Text))
    op.create_table(
        "member_view_revisions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("view_id", sa.Integer, sa.ForeignKey("member_views.id"), nullable=False, index=True),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("panel_role", sa.String(100), nullable=False),
        sa.Column("view", sa.String(64), nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.UniqueConstraint("view_id", "revision", name="uq_member_view_revisions_view_revision"),
    )
    _triggers(op.get_bind().dialect.name)


def downgrade() -> None:
    op.drop_table("member_view_revisions")
    for table, column in (("oh_outcomes", "supersede_reason"), ("oh_outcomes", "supersedes"),
                          ("decisions", "letter_hash"), ("decisions", "absences"), ("decisions", "chair_role")):
        with op.batch_alter_table(table) as batch:
            batch.drop_column(column)
