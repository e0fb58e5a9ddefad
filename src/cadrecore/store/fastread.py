"""Reading a whole table fast: the driver's own cursor, and the ledger's order kept in Python.

Loading a ledger reads every row of every record table. Going through SQLAlchemy's result
objects costs more than the rest of the load together: each row is fetched one by one and each
value passes its column type's processor (SQLite dates by regular expression, for one). Here the
query SQLAlchemy built is compiled once and run on the DBAPI cursor of the same connection, so
it sees the same transaction; rows come back with one ``fetchall``; the few values a driver
returns in another form than SQLAlchemy's (SQLite's dates and JSON as text) are converted by
:func:`driver_converters`, by the same rules; and instead of ``ORDER BY position`` (a sort the
database would do without an index) the rows, nearly always stored in that order already, are
sorted in Python, which costs one pass over sorted input.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Date
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql import Select


def _json_from_text(value: Any) -> Any:
    if value == "[]":  # most lists are empty: skip the parser
        return []
    return json.loads(value) if isinstance(value, str | bytes) else value


def _date_from_text(value: Any) -> Any:
    return date.fromisoformat(value) if isinstance(value, str) else value


def driver_converters(
    query: Select[Any], dialect: Dialect, type_codes: Sequence[Any]
) -> dict[str, Callable[[Any], Any]]:
    """For each selected column whose values the driver returns in another form than
    SQLAlchemy's result would, the function that converts one (never called with None).

    ``type_codes`` are the cursor's (``description[i][1]``), in the order of the selected
    columns: SQLAlchemy's processors for a column depend on them, as in its own results.
    """
    converters: dict[str, Callable[[Any], Any]] = {}
    for column, type_code in zip(query.selected_columns, type_codes, strict=True):
        column_type = column.type
        if dialect.name == "sqlite" and isinstance(column_type, Date):
            converters[column.name] = _date_from_text
        elif dialect.name == "sqlite" and isinstance(column_type, JSON):
            converters[column.name] = _json_from_text
        else:
            impl = column_type.dialect_impl(dialect)
            processor = impl.result_processor(dialect, type_code)
            if processor is not None:
                converters[column.name] = processor
    return converters


def read_raw(
    conn: Connection, query: Select[Any]
) -> tuple[tuple[str, ...], list[Sequence[Any]], tuple[Any, ...]]:
    """The column names, every row of ``query`` and the columns' type codes, read with the
    driver's cursor.

    When the query selects ``position`` and ``id``, its ORDER BY is left to Python: the rows
    come back sorted by ``(position, id)`` either way.
    """
    names = [column.name for column in query.selected_columns]
    order_here = "position" in names and "id" in names
    if order_here:
        query = query.order_by(None)
    compiled = query.compile(dialect=conn.dialect)
    params: Any = compiled.params
    if compiled.positional and compiled.positiontup is not None:
        params = tuple(compiled.params[name] for name in compiled.positiontup)
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(str(compiled), params)
        columns = tuple(d[0] for d in cursor.description)
        type_codes = tuple(d[1] for d in cursor.description)
        rows: list[Sequence[Any]] = cursor.fetchall()
    finally:
        cursor.close()
    if order_here:
        rows.sort(key=itemgetter(columns.index("position"), columns.index("id")))
    return columns, rows, type_codes
