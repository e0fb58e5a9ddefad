"""Values read as the database driver gives them, each checked against what its column holds.

SQLAlchemy's result processing converts a whole row at once and raises on the first value that
is not what its column type says (a date that is no date, JSON cut short): right for reading a
sound store, useless for saying what is wrong with a damaged one. The audit check reads raw
rows instead and converts each value here: a value that cannot be what its column holds raises
:class:`Bad`, with the reason in words (never the value, which may be personal data); the others
come out as SQLAlchemy would give them, so that they compare with what the audit trail says.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import orjson
from sqlalchemy import Connection

from ..i18n import Text
from .reading import decimal_precision, expected_columns, table_shapes, type_family


class Bad(Exception):
    """A stored value that cannot be what its column holds: why, in words."""

    def __init__(self, reason: Text) -> None:
        super().__init__(reason.en)
        self.reason = reason


class _Undecodable:
    """A SQLite text value that is not UTF-8 (read as this, not raised, by the verification)."""

    __slots__ = ()


UNDECODABLE = _Undecodable()

NOT_TEXT = Text("不是文本", "not text")
NOT_UTF8 = Text("不是有效的 UTF-8 文本", "text that is not valid UTF-8")
EMPTY = Text("为空（应有值）", "empty (a value is required)")
TEXT_IN_NUMBER = Text("数字列中存有文本", "text in a number column")
NOT_WHOLE = Text("不是整数", "not a whole number")
NOT_YES_NO = Text("不是是/否值", "not a yes/no value")
NOT_DATE = Text("不是有效的日期", "not a valid date")
NOT_TIME = Text("不是有效的时间", "not a valid time")
NOT_AMOUNT = Text("不是有效的金额", "not a valid amount")
NOT_JSON = Text("不是有效的 JSON", "not valid JSON")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _sqlite_text(data: bytes) -> Any:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return UNDECODABLE


@contextmanager
def tolerant_text(conn: Connection) -> Iterator[None]:
    """On SQLite, text that is not UTF-8 is read as :data:`UNDECODABLE` (the driver would stop
    reading the table with an error); the connection is given back as it was."""
    if conn.dialect.name != "sqlite":
        yield
        return
    raw = conn.connection.driver_connection
    previous = raw.text_factory  # type: ignore[union-attr]
    raw.text_factory = _sqlite_text  # type: ignore[union-attr]
    try:
        yield
    finally:
        raw.text_factory = previous  # type: ignore[union-attr]


def text(value: Any) -> Any:
    if value is None or type(value) is str:
        return value
    raise Bad(NOT_UTF8 if value is UNDECODABLE else NOT_TEXT)


def whole(value: Any) -> Any:
    if value is None or type(value) is int:
        return value
    raise Bad(TEXT_IN_NUMBER if isinstance(value, str | _Undecodable) else NOT_WHOLE)


def json_text(value: Any) -> Any:
    """Text that must hold JSON (an entry's record before and after): kept as text."""
    value = text(value)
    if value is not None:
        parse_json(value)
    return value


def parse_json(value: str | bytes) -> Any:
    try:
        return orjson.loads(value)
    except orjson.JSONDecodeError:
        pass
    try:  # (what orjson refuses that the standard parser takes: integers beyond 64 bits)
        return json.loads(value)
    except (ValueError, RecursionError):
        raise Bad(NOT_JSON) from None


def converter(
    kind: str, dialect: str, places: int = 2, *, json_typed: bool = True
) -> Callable[[Any], Any]:
    """How a driver's value of a column holding ``kind`` becomes what SQLAlchemy would give
    (raising :class:`Bad` when it cannot). ``json_typed``: the column is of the JSON type
    (PostgreSQL's driver then gives its values parsed), not retyped by hand."""
    sqlite = dialect == "sqlite"
    if kind == "int":
        return whole
    if kind == "bool":

        def yes_no(value: Any) -> Any:
            if value is None or type(value) is bool:
                return value
            if sqlite and type(value) is int and value in (0, 1):
                return bool(value)
            raise Bad(NOT_YES_NO)

        return yes_no
    if kind == "date":

        def day(value: Any) -> Any:
            if value is None or type(value) is date:
                return value
            if type(value) is str and _ISO_DAY.fullmatch(value):
                try:
                    return date.fromisoformat(value)
                except ValueError:
                    pass
            raise Bad(NOT_UTF8 if value is UNDECODABLE else NOT_DATE)

        return day
    if kind == "datetime":

        def moment(value: Any) -> Any:
            if type(value) is str:
                try:
                    value = datetime.fromisoformat(value)
                except ValueError:
                    raise Bad(NOT_TIME) from None
            if type(value) is not datetime:
                raise Bad(EMPTY if value is None else NOT_TIME)
            return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

        return moment
    if kind == "decimal":
        form = f"%.{places}f"

        def amount(value: Any) -> Any:
            if value is None or type(value) is Decimal:
                return value
            if sqlite and type(value) in (int, float):
                return Decimal(form % value)
            raise Bad(TEXT_IN_NUMBER if isinstance(value, str) else NOT_AMOUNT)

        return amount
    if kind == "json":

        def parsed(value: Any) -> Any:
            if (not sqlite and json_typed) or value is None or type(value) in (int, float):
                return value  # (PostgreSQL's driver gives JSON parsed)
            return parse_json(text(value))

        return parsed
    return text


def table_converters(
    table: str, dialect: str, stored: Mapping[str, str]
) -> dict[str, Callable[[Any], Any]]:
    """The converters of a table's columns (``stored``: the columns' types as found)."""
    shapes = table_shapes(table)
    converters = {}
    for name, kind in expected_columns()[table].items():
        shape = shapes.get(name)
        places = decimal_precision(shape)[1] if shape is not None and kind == "decimal" else 2
        typed = type_family(stored.get(name, "")) == "json"
        converters[name] = converter(kind, dialect, places, json_typed=typed)
    return converters
