"""Bringing a store's schema up to date with the migrations shipped in ``migrations/``.

:func:`upgrade` runs inside one write transaction (on PostgreSQL also under an advisory lock, so
two processes opening a new store at once do not both create it). A store from before the audit
trail (revision 0001) gets a ``baseline`` audit entry for every record it already held, so that
:func:`~cadrecore.store.verify_audit` can vouch for every record from then on.

Opening a store already at :data:`~.reading.HEAD` only reads its version table: Alembic, which takes
about as long to import as the rest of the store, is imported only when there is something to
migrate.

For developers: ``python -m cadrecore.store.migrate revision -m "what changed" [URL]`` writes a
new revision with Alembic's autogenerate, against a scratch SQLite store at the current head;
then set :data:`~.reading.HEAD` (in ``reading.py``) to it (a test compares the two).
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, String, column, inspect, select, text
from sqlalchemy import table as table_named

from .codec import canonical_json
from .reading import HEAD, VERSION_TABLE
from .schema import LEDGERS, RECORD_TABLES

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from .store import Store

MIGRATIONS = Path(__file__).parent / "migrations"
#: Revisions at which a store had no audit trail yet.
PRE_AUDIT = {"0001"}
_PG_LOCK = 0x0CAD2E  # an arbitrary constant: cadrecore's advisory lock for migrations


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration for the shipped migrations, without an ``alembic.ini``."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@cache
def scripts() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def head() -> str:
    """The newest schema revision this version of cadrecore knows."""
    revision = scripts().get_current_head()
    assert revision is not None
    return revision


def current_revision(conn: Connection) -> str | None:
    """The store's schema revision (None for an empty database)."""
    from alembic.runtime.migration import MigrationContext

    context = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
    return context.get_current_revision()


def _at_head(conn: Connection) -> bool:
    """Whether the store is at :data:`HEAD`, read without Alembic (one table, one row)."""
    if not inspect(conn).has_table(VERSION_TABLE):
        return False
    versions = select(column("version_num", String)).select_from(table_named(VERSION_TABLE))
    return list(conn.execute(versions).scalars()) == [HEAD]


def upgrade(store: Store, target: str = "head") -> None:
    """Migrate ``store`` to ``target`` (the newest revision by default)."""
    from .reading import StoreError

    if target == "head":
        # the common case, a store already at the head, only reads: opening a store must not
        # wait for (or hold up) someone's save
        with store.engine.connect() as conn, conn.begin():
            if _at_head(conn):
                return
    with store.engine.connect() as conn:
        conn = conn.execution_options(cadrecore_write=True)
        with conn.begin():
            if store.dialect == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})
            before = current_revision(conn)
            known = {script.revision for script in scripts().walk_revisions()}
            if before is not None and before not in known:
                raise StoreError(
                    f"the store {store.url} has schema revision {before!r}, newer than this "
                    f"cadrecore knows (up to {head()!r}): upgrade cadrecore "
                    "/ 数据库由更新版本的 cadrecore 创建，请升级 cadrecore"
                )
            if before == head() and target == "head":
                return
            from alembic import command

            command.upgrade(alembic_config(conn), target)
            after = current_revision(conn)
            if before in PRE_AUDIT and after not in PRE_AUDIT:
                _baseline(conn)


def _baseline(conn: Connection) -> None:
    """An audit entry for every record that predates the audit trail."""
    from datetime import UTC, datetime

    from .audit import AuditAppender
    from .codec import CODECS, JURISDICTION_CODEC, JURISDICTION_KIND

    audit = AuditAppender(conn, "cadrecore (migration 0002)", datetime.now(UTC))
    for row in conn.execute(select(LEDGERS).order_by(LEDGERS.c.id)).mappings():
        after = canonical_json(JURISDICTION_CODEC.row_json(row))
        audit.append("baseline", row["id"], JURISDICTION_KIND, row["id"], None, after)
    for name, table in RECORD_TABLES.items():
        codec = CODECS[name]
        query = select(table).order_by(table.c.ledger_id, table.c.position, table.c.id)
        for row in conn.execute(query).mappings():
            after = canonical_json(codec.row_json(row))
            audit.append("baseline", row["ledger_id"], name, row["id"], None, after)
    audit.flush()


def _revision(argv: list[str]) -> None:
    """Write a new revision by comparing the models with a scratch store at the head."""
    import argparse
    import tempfile

    from .store import open_store

    parser = argparse.ArgumentParser(prog="python -m cadrecore.store.migrate revision")
    parser.add_argument("-m", "--message", required=True)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        store = open_store(Path(scratch) / "scratch.sqlite")
        from alembic import command

        with store.engine.connect() as conn, conn.begin():
            command.revision(alembic_config(conn), message=args.message, autogenerate=True)
        store.close()


if __name__ == "__main__":  # pragma: no cover - a developer's tool
    if len(sys.argv) > 1 and sys.argv[1] == "revision":
        _revision(sys.argv[2:])
    else:
        print(__doc__)
