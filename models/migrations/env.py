"""Alembic environment: always runs on the connection models.migrate hands it."""
from alembic import context

import models.tables  # noqa: F401  (registers every table on Base.metadata)
from models.base import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
