"""Alembic's environment: run on the connection the caller opened (see migrations.upgrade), or
on `sqlalchemy.url` for a command line `alembic -c ... upgrade head`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

cfg = context.config
connection = cfg.attributes.get("connection")

if context.is_offline_mode():
    context.configure(url=cfg.get_main_option("sqlalchemy.url"), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
elif connection is not None:
    context.configure(connection=connection, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    engine = create_engine(cfg.get_main_option("sqlalchemy.url") or "sqlite:///credgraph-review.db")
    with engine.begin() as conn:
        context.configure(connection=conn, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
