"""Alembic environment: the store hands over its open connection (see engine.store.migrate)."""

from alembic import context

from engine.store.schema import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through engine.store (open_store or `fairchance db upgrade`)")
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
