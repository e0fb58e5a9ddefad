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
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import Any

import orjson
from sqlalchemy import JSON, Date
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql.selectable import GenerativeSelect


def _json_from_text(value: Any) -> Any:
    """SQLite's JSON text parsed: by orjson (a province's attendance lists, millions of them,
    parse 2-3x faster), by the standard parser for what orjson refuses (integers beyond 64
    bits), so the values are the same either way."""
    if value == "[]":  # most lists are empty: skip the parser
        return []
    if not isinstance(value, str | bytes):
        return value
    try:
        return orjson.loads(value)
    except orjson.JSONDecodeError:
        return json.loads(value)


class _Days(dict[Any, Any]):
    """SQLite's date texts and their dates: a lookup in C for every day already seen."""

    def __missing__(self, value: Any) -> Any:
        day = self[value] = date.fromisoformat(value) if isinstance(value, str) else value
        return day


def _dates_from_text() -> Callable[[Any], Any]:
    """SQLite's date text to dates, each distinct day one shared object (a province's records
    hold millions of dates but only some thousands of days)."""
    return _Days().__getitem__


def driver_converters(
    query: GenerativeSelect, dialect: Dialect, type_codes: Sequence[Any]
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
            converters[column.name] = _dates_from_text()
        elif dialect.name == "sqlite" and isinstance(column_type, JSON):
            converters[column.name] = _json_from_text
        else:
            impl = column_type.dialect_impl(dialect)
            processor = impl.result_processor(dialect, type_code)
            if processor is not None:
                converters[column.name] = processor
    return converters


class RawRows:
    """The rows of a query, read with the driver's cursor a batch at a time (so that a
    province's table is never held twice, as rows and as records); use as a context manager.

    ``columns`` and ``type_codes`` describe the columns. When the query selects ``position``
    and ``id`` its ORDER BY is dropped (``ordered`` is then False) and the caller puts the
    records in order: a database would sort without an index, the caller sorts input that is
    nearly always in order already.
    """

    def __init__(self, conn: Connection, query: GenerativeSelect, batch: int = 20_000) -> None:
        names = [column.name for column in query.selected_columns]
        self.ordered = not ("position" in names and "id" in names)
        if not self.ordered:
            query = query.order_by(None)
        compiled = query.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
        params: Any = compiled.params
        if compiled.positional and compiled.positiontup is not None:
            params = tuple(compiled.params[name] for name in compiled.positiontup)
        self.batch = batch
        self._cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        self._cursor.execute(str(compiled), params)
        description = self._cursor.description
        self.columns: tuple[str, ...] = tuple(d[0] for d in description)
        self.type_codes: tuple[Any, ...] = tuple(d[1] for d in description)

    def __enter__(self) -> RawRows:
        return self

    def __exit__(self, *exc: object) -> None:
        self._cursor.close()

    def batches(self) -> Iterator[Sequence[Sequence[Any]]]:
        while True:
            rows = self._cursor.fetchmany(self.batch)
            if not rows:
                return
            yield rows


def in_order(records: list[Any], keys: list[tuple[Any, Any]]) -> list[Any]:
    """``records`` sorted by their ``(position, id)`` keys; as they are when already in order."""
    if all(keys[i] <= keys[i + 1] for i in range(len(keys) - 1)):
        return records
    order = sorted(range(len(keys)), key=keys.__getitem__)
    return [records[i] for i in order]
