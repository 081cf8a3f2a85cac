"""The first schema: users, cases, rules snapshots, evaluations, panel records, access and audit logs.

Triggers make the audit log and the metadata of everything written append-only; only the payload
tables (case data, reports) accept DELETE, so that retention can remove personal detail.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Written once, never changed or removed. Payload tables are deliberately absent.
APPEND_ONLY = ("audit_log", "case_versions", "rules_snapshots", "evaluations", "member_views", "decisions",
               "oh_outcomes", "access_log")

PG_REFUSE = """
CREATE FUNCTION fairchance_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'fairchance: % on % is refused: the table is append-only', TG_OP, TG_TABLE_NAME;
END $$
"""


def _time() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _tables() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(256), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("display_name", sa.String(200)),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", _time(), nullable=False),
    )
    op.create_table(
        "case_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.String(64), nullable=False, index=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", _time(), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("role_title", sa.String(200)),
        sa.Column("assessed_on", sa.Date),
        sa.UniqueConstraint("case_id", "version", name="uq_case_versions_case_version"),
    )
    op.create_table(
        "case_payloads",
        sa.Column("case_version_id", sa.Integer, sa.ForeignKey("case_versions.id"), primary_key=True),
        sa.Column("data", sa.Text, nullable=False),
    )
    op.create_table(
        "rules_snapshots",
        sa.Column("version", sa.String(80), primary_key=True),
        sa.Column("files", sa.Text, nullable=False),
        sa.Column("created_at", _time(), nullable=False),
    )
    op.create_table(
        "evaluations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_version_id", sa.Integer, sa.ForeignKey("case_versions.id"), nullable=False, index=True),
        sa.Column("case_id", sa.String(64), nullable=False, index=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("rules_version", sa.String(80), nullable=False),
        sa.Column("engine_version", sa.String(40), nullable=False),
        sa.Column("evaluator", sa.String(40), nullable=False),
        sa.Column("as_at", sa.Date, nullable=False),
        sa.Column("created_at", _time(), nullable=False, index=True),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("outcome", sa.String(64), nullable=False),
        sa.Column("discuss_before_withdrawal", sa.Boolean, nullable=False),
        sa.Column("report_hash", sa.String(64), nullable=False),
    )
    op.create_table(
        "report_payloads",
        sa.Column("evaluation_id", sa.Integer, sa.ForeignKey("evaluations.id"), primary_key=True),
        sa.Column("report", sa.Text, nullable=False),
    )
    _panel_tables()
    _log_tables()


def _panel_tables() -> None:
    op.create_table(
        "member_views",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("evaluation_id", sa.Integer, sa.ForeignKey("evaluations.id"), nullable=False, index=True),
        sa.Column("member", sa.String(64), nullable=False),
        sa.Column("panel_role", sa.String(100), nullable=False),
        sa.Column("view", sa.String(64), nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("created_at", _time(), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.UniqueConstraint("evaluation_id", "member", name="uq_member_views_evaluation_member"),
    )
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("evaluation_id", sa.Integer, sa.ForeignKey("evaluations.id"), nullable=False, unique=True),
        sa.Column("case_id", sa.String(64), nullable=False, index=True),
        sa.Column("chair", sa.String(64), nullable=False),
        sa.Column("members", sa.Text, nullable=False),
        sa.Column("recommended", sa.String(64), nullable=False),
        sa.Column("final_outcome", sa.String(64), nullable=False),
        sa.Column("agrees", sa.Boolean, nullable=False),
        sa.Column("rationale", sa.Text, nullable=False),
        sa.Column("applicant_discussion", sa.Text),
        sa.Column("decided_on", sa.Date, nullable=False),
        sa.Column("created_at", _time(), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
    )
    op.create_table(
        "oh_outcomes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("evaluation_id", sa.Integer, sa.ForeignKey("evaluations.id"), nullable=False, index=True),
        sa.Column("case_id", sa.String(64), nullable=False, index=True),
        sa.Column("clinician", sa.String(64), nullable=False),
        sa.Column("outcome", sa.String(64), nullable=False),
        sa.Column("adjustments", sa.Text, nullable=False),
        sa.Column("review_on", sa.Date),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("created_at", _time(), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
    )


def _log_tables() -> None:
    op.create_table(
        "access_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", _time(), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("case_id", sa.String(64), nullable=False, index=True),
        sa.Column("data_kind", sa.String(32), nullable=False),
        sa.Column("purpose", sa.Text, nullable=False),
    )
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("at", _time(), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("entity", sa.String(32), nullable=False),
        sa.Column("entity_id", sa.String(140), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )


def _triggers(dialect: str) -> None:
    if dialect == "postgresql":
        op.execute(PG_REFUSE)
    for table in APPEND_ONLY:
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
            # Row triggers do not see TRUNCATE.
            op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} FOR EACH STATEMENT "
                       f"EXECUTE FUNCTION fairchance_refuse_change()")


def upgrade() -> None:
    _tables()
    _triggers(op.get_bind().dialect.name)


def downgrade() -> None:
    for table in ("audit_log", "access_log", "oh_outcomes", "decisions", "member_views", "report_payloads",
                  "evaluations", "rules_snapshots", "case_payloads", "case_versions", "users"):
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION fairchance_refuse_change()")
