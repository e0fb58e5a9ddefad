"""Bringing a store's schema up to date with the migrations shipped in ``migrations/``.

Layer: the store's lower half, beside ``reading`` and ``schema``: it migrates the engine it is
handed (:class:`Migratable`) and must not import ``store.store`` (which opens a store and then
calls :func:`upgrade`), ``opened``, or anything above the store.

:func:`upgrade` runs inside one write transaction (on PostgreSQL also under an advisory lock, so
two processes opening a new store at once do not both create it). A store from before the audit
trail (revision 0001) gets a ``baseline`` audit entry for every record it already held, so that
:func:`~cadrecore.store.verify_audit` can vouch for every record from then on.

Opening a store already at :data:`~.reading.HEAD` only reads its version table and the list of its
columns: Alembic, which takes about as long to import as the rest of the store, is imported only
when there is something to migrate. A store whose columns differ from the schema (a column
dropped, added or retyped by hand) or whose version table holds more than one row is refused
(:class:`~.reading.SchemaMismatchError`, :class:`DamagedStoreError`), unless the caller is the
audit check, which opens it as it is to report the damage.

For developers: ``python -m cadrecore.store.migrate revision -m "what changed" [URL]`` writes a
new revision with Alembic's autogenerate, against a scratch SQLite store at the current head;
then set :data:`~.reading.HEAD` (in ``reading.py``) to it (a test compares the two).
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import Connection, column, inspect, select, text
from sqlalchemy import table as table_named

from .codec import canonical_json
from .reading import (
    HEAD,
    VERSION_TABLE,
    SchemaMismatchError,
    StoreError,
    columns_sql,
    schema_differences,
    stored_columns,
)
from .schema import LEDGERS, RECORD_TABLES

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from sqlalchemy import Engine


class Migratable(Protocol):
    """What a migration needs of a store: its engine, and its URL and dialect to name it. A
    :class:`~cadrecore.store.Store` is one; this module is below it, and migrates what is
    handed to it (the store opens itself, then calls :func:`upgrade`)."""

    @property
    def engine(self) -> Engine: ...

    @property
    def url(self) -> str: ...

    @property
    def dialect(self) -> str: ...


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


class DamagedStoreError(StoreError):
    """The store's schema version table does not hold exactly one revision: nothing is read
    or written (``cadrecore audit verify`` opens it to say what is wrong)."""


def version_rows(conn: Connection) -> list[Any] | None:
    """The revisions the store's version table holds (one, normally), as the driver gives
    them; None when there is no version table (an empty database)."""
    if not inspect(conn).has_table(VERSION_TABLE):
        return None
    versions: Any = select(column("version_num")).select_from(table_named(VERSION_TABLE))
    return list(conn.execute(versions).scalars())


def _damaged_versions(store: Migratable, rows: list[Any]) -> DamagedStoreError:
    listed = ", ".join(repr(str(row))[:20] for row in rows) or "-"
    return DamagedStoreError(
        f"the store {store.url} is damaged: its table {VERSION_TABLE} holds {len(rows)} rows "
        f"({listed}), one expected, so nothing was read or written; `cadrecore audit verify` "
        f"says what else is wrong / 数据库已损坏：表 {VERSION_TABLE} 有 {len(rows)} 行，应为 1 行，"
        "未作任何读写；可用 `cadrecore audit verify` 查看"
    )


def check_columns(conn: Connection, url: str) -> None:
    """Refuse a store whose tables differ from the schema (:class:`SchemaMismatchError`)."""
    listed = conn.exec_driver_sql(columns_sql(conn.dialect.name))
    differences = schema_differences(stored_columns(listed))
    if differences:
        raise SchemaMismatchError(url, differences)


def upgrade(store: Migratable, target: str = "head", *, check_schema: bool = True) -> None:
    """Migrate ``store`` to ``target`` (the newest revision by default).

    At the newest revision, a store whose columns differ from the schema, or whose version
    table is damaged, is refused unless ``check_schema`` is false (``audit verify``, which
    reports the damage; a damaged version table is then left as it is, not migrated).
    """
    if target == "head":
        # the common case, a store already at the head, only reads: opening a store must not
        # wait for (or hold up) someone's save
        with store.engine.connect() as conn, conn.begin():
            rows = version_rows(conn)
            if rows == [HEAD]:
                if check_schema:
                    check_columns(conn, store.url)
                return
    with store.engine.connect() as conn:
        conn = conn.execution_options(cadrecore_write=True)
        with conn.begin():
            if store.dialect == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})
            rows = version_rows(conn)
            if rows is not None and (len(rows) > 1 or (not rows and _holds_tables(conn))):
                if check_schema:
                    raise _damaged_versions(store, rows)
                return
            before = current_revision(conn)
            known = {script.revision for script in scripts().walk_revisions()}
            if before is not None and before not in known:
                raise StoreError(
                    f"the store {store.url} has schema revision {before!r}, newer than this "
                    f"cadrecore knows (up to {head()!r}): upgrade cadrecore "
                    "/ 数据库由更新版本的 cadrecore 创建，请升级 cadrecore"
                )
            if before == head() and target == "head":
                if check_schema:
                    check_columns(conn, store.url)
                return
            from alembic import command

            command.upgrade(alembic_config(conn), target)
            after = current_revision(conn)
            if before in PRE_AUDIT and after not in PRE_AUDIT:
                _baseline(conn, keyed=after == head())
            if check_schema and target == "head":
                # (a store changed by hand before it was migrated: the migration is undone)
                check_columns(conn, store.url)


def _holds_tables(conn: Connection) -> bool:
    return bool(inspect(conn).has_table(LEDGERS.name))


def _baseline(conn: Connection, *, keyed: bool) -> None:
    """An audit entry for every record that predates the audit trail (signed when an audit key
    is set and the schema has signed entries: ``keyed``)."""
    from datetime import UTC, datetime

    from .audit import AuditAppender
    from .codec import CODECS, JURISDICTION_CODEC, JURISDICTION_KIND

    audit = AuditAppender(conn, "cadrecore (migration 0002)", datetime.now(UTC), keyed_schema=keyed)
    inspector = inspect(conn)
    # the ledgers' columns at this revision (a later one may add some: 0007 added plugins)
    held_by_ledgers = {column["name"] for column in inspector.get_columns(LEDGERS.name)}
    ledger_columns = [column for column in LEDGERS.c if column.name in held_by_ledgers]
    for row in conn.execute(select(*ledger_columns).order_by(LEDGERS.c.id)).mappings():
        after = canonical_json(JURISDICTION_CODEC.row_json(row))
        audit.append("baseline", row["id"], JURISDICTION_KIND, row["id"], None, after)
    present = set(inspector.get_table_names())
    for name, table in RECORD_TABLES.items():
        if table.name not in present:
            continue  # (a kind whose table a later revision makes: none of its records yet)
        codec = CODECS[name]
        # the columns the table has at this revision (a later one may add some)
        held = {column["name"] for column in inspector.get_columns(table.name)}
        columns = [column for column in table.c if column.name in held]
        query = select(*columns).order_by(table.c.ledger_id, table.c.position, table.c.id)
        for row in conn.execute(query).mappings():
            after = canonical_json(codec.row_json(row))
            audit.append("baseline", row["ledger_id"], name, row["id"], None, after)
    audit.flush()


def _revision(argv: list[str]) -> None:
    """Write a new revision by comparing the models with a scratch store at the head."""
    import argparse
    import tempfile

    from sqlalchemy import create_engine

    parser = argparse.ArgumentParser(prog="python -m cadrecore.store.migrate revision")
    parser.add_argument("-m", "--message", required=True)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        engine = create_engine(f"sqlite:///{Path(scratch) / 'scratch.sqlite'}")
        upgrade(_Scratch(engine))
        from alembic import command

        with engine.connect() as conn, conn.begin():
            command.revision(alembic_config(conn), message=args.message, autogenerate=True)
        engine.dispose()


class _Scratch:
    """A scratch SQLite store for :func:`_revision`: an engine, named as a store is."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.url = str(engine.url)
        self.dialect = engine.dialect.name


if __name__ == "__main__":  # pragma: no cover - a developer's tool
    if len(sys.argv) > 1 and sys.argv[1] == "revision":
        _revision(sys.argv[2:])
    else:
        print(__doc__)
