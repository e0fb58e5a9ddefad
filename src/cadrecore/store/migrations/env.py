"""Alembic's environment for the store: always run by cadrecore on a connection it opened.

``open_store`` passes the connection in ``config.attributes["connection"]``; there is no
``alembic.ini``. To write a new migration in development::

    python -m cadrecore.store.migrate revision -m "add a column"

and edit the file it creates in ``versions/`` (see ``docs/store.md``).
"""

from __future__ import annotations

from alembic import context

from cadrecore.store.schema import VERSION_TABLE, metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("cadrecore's migrations run through cadrecore.open_store(), not alembic")

context.configure(
    connection=connection,
    target_metadata=metadata,
    version_table=VERSION_TABLE,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
