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
from operator import itemgetter
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
    names = [column.name for column in columns]
    get = itemgetter(*names) if len(names) > 1 else lambda row: (row[names[0]],)
    processed = [
        (i, _remembering(process))
        for i, column in enumerate(columns)
        if (process := column.type.dialect_impl(dialect).bind_processor(dialect)) is not None
    ]
    if not processed:
        params: list[Any] = [get(row) for row in rows]
    else:
        params = []
        for row in rows:
            values = list(get(row))
            for i, convert in processed:
                values[i] = convert(values[i])
            params.append(tuple(values))
    conn.exec_driver_sql(sql, params)


def _remembering(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``process``, giving again what it gave for the value it was last given (the same object,
    or an empty list or object: a save's audit entries share one time, most lists are empty)."""
    last: list[Any] = [_NOTHING, None]
    empty: dict[type, Any] = {}

    def remembered(value: Any) -> Any:
        if value is last[0]:
            return last[1]
        if not value and type(value) in (list, dict):
            if type(value) not in empty:
                empty[type(value)] = process(value)
            return empty[type(value)]
        last[0], last[1] = value, process(value)
        return last[1]

    return remembered


_NOTHING = object()
