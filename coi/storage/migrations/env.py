"""Alembic environment: migrations run on the connection the workspace hands over."""

from alembic import context

from coi.storage.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - coi always passes its own connection
    raise RuntimeError("coi migrations run through coi.storage.Workspace, not the alembic CLI")

context.configure(connection=connection, target_metadata=metadata,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
