"""Many rows into one table, at the cost of the driver's ``executemany``.

``conn.execute(table.insert(), rows)`` builds each row's parameters through SQLAlchemy's
compiled statement, about 15 µs a row: more than the database spends storing it. Here the
statement is written once, each column's bind processor (what SQLAlchemy itself would apply:
a date as SQLite's text, JSON as its text, an audit time in UTC) is looked up once, and the rows
go to the driver as tuples through ``exec_driver_sql``, inside the caller's transaction, so a
database error is still SQLAlchemy's (:mod:`.failures` names the table and record) and the rows
stored are the same as ``insert()`` stores (tests/test_store_bulk.py compares them).

Holds: :func:`insert_rows`. Imports nothing of cadrecore above the store.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table

from .reading import quoted


def insert_rows(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert ``rows`` (each with the same keys, column names of ``table``) into ``table``."""
    if not rows:
        return
    dialect = conn.dialect
    columns = [column for column in table.columns if column.name in rows[0]]
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    sql = (
        f"INSERT INTO {quoted(table.name)} ({', '.join(quoted(c.name) for c in columns)}) "
        f"VALUES ({', '.join([marker] * len(columns))})"
    )
    plan: list[tuple[str, Callable[[Any], Any] | None]] = [
        (column.name, column.type.dialect_impl(dialect).bind_processor(dialect))
        for column in columns
    ]
    if all(process is None for _, process in plan):
        names = [name for name, _ in plan]
        params = [tuple(row[name] for name in names) for row in rows]
    else:
        params = [
            tuple(row[name] if process is None else process(row[name]) for name, process in plan)
            for row in rows
        ]
    conn.exec_driver_sql(sql, params)
