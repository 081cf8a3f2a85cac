"""Releasing an OH outcome (issue 17): the clinician marks the manager's summary ready, the person's answer
is recorded, and only then may the panel roles open the summary and the passport. An append-only table,
each step chained.

Revision ID: 0004_oh_release
Revises: 0003_decisions_letters
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_oh_release"
down_revision = "0003_decisions_letters"
branch_labels = None
depends_on = None

TABLE = "oh_releases"


def _triggers(dialect: str) -> None:
    for event in ("UPDATE", "DELETE"):
        name = f"{TABLE}_no_{event.lower()}"
        if dialect == "sqlite":
            op.execute(f"CREATE TRIGGER {name} BEFORE {event} ON {TABLE} BEGIN "
                       f"SELECT RAISE(ABORT, 'fairchance: {event} on {TABLE} is refused: the table is "
                       f"append-only'); END")
        elif dialect == "postgresql":
            op.execute(f"CREATE TRIGGER {name} BEFORE {event} ON {TABLE} FOR EACH ROW "
                       f"EXECUTE FUNCTION fairchance_refuse_change()")
        else:
            raise RuntimeError(f"the store supports SQLite and PostgreSQL, not {dialect}")
    if dialect == "postgresql":
        op.execute(f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} FOR EACH STATEMENT "
                   f"EXECUTE FUNCTION fairchance_refuse_change()")


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("oh_outcome_id", sa.Integer, sa.ForeignKey("oh_outcomes.id"), nullable=False, index=True),
        sa.Column("case_id", sa.String(64), nullable=False, index=True),
        sa.Column("step", sa.String(32), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
    )
    _triggers(op.get_bind().dialect.name)


def downgrade() -> None:
    op.drop_table(TABLE)
