"""A keyed audit chain, users guarded and chained, and the sign-in lockout table.

- `audit_log.key_id`: the id of the key whose HMAC-SHA256 is the event's hash (NULL for the events
  written before this revision, which keep their plain SHA-256 hash; the first keyed event binds them).
- `users`: DELETE (and TRUNCATE on PostgreSQL) refused; every change goes through the store and is
  chained with the digest of the whole row.
- `sign_in_failures`: failed sign-ins per account and per address (rules/policy/sign-in.yaml).

The existing chain is sealed after this revision by the store, which holds the key (engine/store/db.py
`seal_legacy_chain`): one keyed event per existing user, covering the user's row as it stands.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.add_column("audit_log", sa.Column("key_id", sa.String(32), nullable=True))
    op.create_table(
        "sign_in_failures",
        sa.Column("subject", sa.String(200), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True)),
    )
    if dialect == "sqlite":
        op.execute("CREATE TRIGGER users_no_delete BEFORE DELETE ON users BEGIN "
                   "SELECT RAISE(ABORT, 'fairchance: DELETE on users is refused: users are disabled, never "
                   "removed'); END")
    elif dialect == "postgresql":
        op.execute("CREATE TRIGGER users_no_delete BEFORE DELETE ON users FOR EACH ROW "
                   "EXECUTE FUNCTION fairchance_refuse_change()")
        op.execute("CREATE TRIGGER users_no_truncate BEFORE TRUNCATE ON users FOR EACH STATEMENT "
                   "EXECUTE FUNCTION fairchance_refuse_change()")
    else:
        raise RuntimeError(f"the store supports SQLite and PostgreSQL, not {dialect}")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.execute("DROP TRIGGER users_no_delete" + (" ON users" if dialect == "postgresql" else ""))
    if dialect == "postgresql":
        op.execute("DROP TRIGGER users_no_truncate ON users")
    op.drop_table("sign_in_failures")
    op.drop_column("audit_log", "key_id")
