"""The ledger's core: typed ORM models, the store, migrations and the domain rules. No Qt here.

The package itself loads nothing: a module such as ``models.store_path`` or ``models.errors``
costs only itself, so the window can show its frame before SQLAlchemy loads. Each table's module
imports the tables its relationships name; ``models.tables`` gathers all of them (for Alembic).
"""
