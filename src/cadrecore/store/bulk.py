"""Many rows into one table, at the cost of the driver's ``executemany``.

``conn.execute(table.insert(), rows)`` builds each row's parameters through SQLAlchemy's
compiled statement, about 15 µs a row: more than the database spends storing it. Here the
statement is written once, each column's bind processor (what SQLAlchemy itself would apply:
a date as SQLite's text, JSON as its text, an audit time in UTC) is looked up once, and the rows
go to the driver as tuples through ``exec_driver_sql``, inside the caller's transaction, so a
database error is still SQLAlchemy's (:mod:`.failures` names the table and record) and the rows
stored are the same as ``insert()`` stores (tests/test_store_bulk.py compares them).

On PostgreSQL (psycopg) the tuples go through ``COPY ... FROM STDIN`` instead, psycopg's
adapters writing each value (a JSON column's value wrapped as SQLAlchemy wraps it): several
times fewer round trips and statements than ``executemany``. The ``COPY`` runs inside a
savepoint of the caller's transaction; when the server refuses it (a key already there, a value
it cannot keep), the savepoint is rolled back and the same rows are inserted by ``executemany``,
so the error raised is the one SQLAlchemy raises for an ``INSERT`` (:mod:`.failures` reads it),
never psycopg's message, which can quote the row.

Holds: :func:`insert_rows`. Imports nothing of cadrecore above the store.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from sqlalchemy import Boolean, Connection, Date, Table

from .reading import quoted


def insert_rows(
    conn: Connection,
    table: Table,
    rows: Iterable[Mapping[str, Any]],
    *,
    json_form: bool = False,
    fixed: Mapping[str, Any] | None = None,
    each: Mapping[str, Iterable[Any]] | None = None,
) -> None:
    """Insert ``rows`` (each with the same keys, column names of ``table``) into ``table``.

    ``rows`` may be made as they are taken (a generator): into PostgreSQL each goes to the
    server as it is made, so that the server stores the first while the next are being made;
    into SQLite they are all made first (the driver takes a list). ``json_form``: each day is
    given as its ISO text and each yes or no as a bool (or None), as a record's JSON form has
    them; into SQLite they go as they are (``sqlite3`` stores a bool as the integer 1 or 0,
    what SQLAlchemy's processor makes of it), without a call a value.

    Columns may also be given beside the rows, as if each row held them: ``fixed``, a value
    the same in every row (processed once, not once a row: a save's ledger id and first
    version); ``each``, a value a row, in the rows' order (their keys and positions), so that
    a row made elsewhere (a record's dump) need not be copied or changed to hold them."""
    pending = iter(rows)
    first = next(pending, None)
    if first is None:
        return
    dialect = conn.dialect
    fixed, each = fixed or {}, each or {}
    beside = fixed.keys() | each.keys()
    columns = [column for column in table.columns if column.name in first or column.name in beside]
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    sql = (
        f"INSERT INTO {quoted(table.name)} ({', '.join(quoted(c.name) for c in columns)}) "
        f"VALUES ({', '.join([marker] * len(columns))})"
    )
    namespace: dict[str, Any] = {}
    parts = []
    given = list(each)  # (each's columns, in the order build takes them)
    for i, column in enumerate(columns):
        process: Callable[[Any], Any] | None = column.type.dialect_impl(dialect).bind_processor(
            dialect
        )
        as_given = (
            json_form and dialect.name == "sqlite" and isinstance(column.type, Date | Boolean)
        )
        if column.name in fixed:  # (processed here, once)
            value = fixed[column.name]
            namespace[f"c{i}"] = value if process is None or as_given else process(value)
            parts.append(f"c{i}")
            continue
        value_of = (
            f"e{given.index(column.name)}" if column.name in each else f"row[{column.name!r}]"
        )
        if process is None or as_given:
            parts.append(value_of)
            continue
        if not isinstance(column.type, Date):
            process = _remembering(process)
        namespace[f"p{i}"] = process
        parts.append(f"p{i}({value_of})")
    # one tuple a row, built by straight-line code (column names are the table's own)
    arguments = ", ".join(["row", *(f"e{j}" for j in range(len(given)))])
    exec(f"def build({arguments}):\n    return ({', '.join(parts)},)", namespace)
    build, all_rows = namespace["build"], itertools.chain((first,), pending)
    tuples: Iterator[tuple[Any, ...]] = (
        itertools.starmap(build, zip(all_rows, *each.values(), strict=True))
        if each
        else map(build, all_rows)
    )
    if dialect.name == "postgresql" and dialect.driver == "psycopg":
        names = ", ".join(quoted(c.name) for c in columns)
        made: list[tuple[Any, ...]] = []
        if _copied(conn, f"COPY {quoted(table.name)} ({names}) FROM STDIN", tuples, made):
            return
        conn.exec_driver_sql(sql, made)
        return
    conn.exec_driver_sql(sql, list(tuples))


def _copied(
    conn: Connection, statement: str, rows: Iterator[tuple[Any, ...]], made: list[tuple[Any, ...]]
) -> bool:
    """Whether ``rows`` went in by ``statement`` (a ``COPY ... FROM STDIN``) in a savepoint of
    the transaction of ``conn``, each sent as it is made and kept in ``made``; False, with
    nothing written and every row made, when the server refused them."""
    refused: type[BaseException] = conn.dialect.loaded_dbapi.Error
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute("SAVEPOINT cadrecore_copy")
        try:
            with cursor.copy(statement) as copy:
                for row in rows:
                    made.append(row)
                    copy.write_row(row)
        except refused:  # the caller's INSERT says why, in our words (failures.py)
            cursor.execute("ROLLBACK TO SAVEPOINT cadrecore_copy")
            made.extend(rows)  # (the rows the server was not sent)
            return False
        cursor.execute("RELEASE SAVEPOINT cadrecore_copy")
        return True
    finally:
        cursor.close()


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
