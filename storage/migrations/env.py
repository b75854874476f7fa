"""Alembic environment: runs on the connection storage.db hands it, or on sqlalchemy.url."""

from alembic import context
from sqlalchemy import Connection, create_engine

from storage.models import Base

config = context.config
connection = config.attributes.get("connection")


def run(conn: Connection) -> None:
    context.configure(connection=conn, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    run(connection)
else:
    with create_engine(config.get_main_option("sqlalchemy.url", "")).connect() as conn:
        run(conn)
