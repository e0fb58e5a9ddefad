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

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import JSON, Date
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql.selectable import GenerativeSelect

from .reading import Rows, dates_from_text, json_from_text


def driver_converters(
    columns: Sequence[Any], dialect: Dialect, type_codes: Sequence[Any]
) -> dict[str, Callable[[Any], Any]]:
    """For each column (of a query's ``selected_columns``) whose values the driver returns in
    another form than SQLAlchemy's result would, the function that converts one (never called
    with None).

    ``type_codes`` are the cursor's (``description[i][1]``), in the order of the columns:
    SQLAlchemy's processors for a column depend on them, as in its own results.
    """
    converters: dict[str, Callable[[Any], Any]] = {}
    for column, type_code in zip(columns, type_codes, strict=True):
        column_type = column.type
        if dialect.name == "sqlite" and isinstance(column_type, Date):
            converters[column.name] = dates_from_text()
        elif dialect.name == "sqlite" and isinstance(column_type, JSON):
            converters[column.name] = json_from_text
        else:
            impl = column_type.dialect_impl(dialect)
            processor = impl.result_processor(dialect, type_code)
            if processor is not None:
                converters[column.name] = processor
    return converters


class RawRows(Rows):
    """The rows of a SQLAlchemy query, read with the driver's cursor of the same connection (so
    in the same transaction) a batch at a time; use as a context manager.

    When the query selects ``position`` and ``id`` its ORDER BY is dropped (``ordered`` is
    then False) and the caller puts the records in order: a database would sort without an
    index, the caller sorts input that is nearly always in order already.
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
        driver = conn.connection.driver_connection
        super().__init__(driver, str(compiled), params, batch)

    def __enter__(self) -> RawRows:
        return self
