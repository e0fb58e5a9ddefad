"""The store's tables, generated from the record kinds: a table per kind, a column per field.

Every record table is keyed by ``(ledger_id, id)``, so one store holds several jurisdictions'
ledgers; ``id`` is the record's own id, or for kinds without one (memberships, service events)
its key fields joined by ``@`` (:meth:`~cadrecore.models.RecordKind.key_of`). ``position`` keeps
the ledger's order of records; ``version`` counts the saves that changed the record.

Fields become real columns, so that SQL can count and sum at province scale: text and closed
sets as ``TEXT`` (an enum as its English key), whole numbers as ``BIGINT``, dates as ``DATE``,
amounts as ``NUMERIC``; lists and nested structures as ``JSON`` (PostgreSQL's ``json``, which
keeps the text as written, so a float reads back exactly as it was saved).

The tables here are what the *current* code expects; the migrations in ``migrations/`` are how
an older store gets there. A test compares the two, so a model change without a migration fails.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeEngine

from ..models import RECORD_KINDS, Jurisdiction
from ..models.fields import FieldShape, field_shapes
from .reading import SYSTEM_COLUMNS, decimal_precision, storage
from .reading import VERSION_TABLE as VERSION_TABLE  # (where the migrations look for it)

#: Longest record id or derived key (a membership's ``cadre@branch@since``).
KEY_LENGTH = 255

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """A moment in UTC: ``timestamptz`` on PostgreSQL, naive UTC text on SQLite; always read back
    as an aware UTC datetime, so that an audit entry hashes the same on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("audit times must be timezone-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def column_type(shape: FieldShape) -> TypeEngine[Any]:
    """The SQL type of a field of this shape (as :func:`~.reading.storage` names it)."""
    kind = storage(shape)
    if kind == "text":
        return Text()
    if kind == "int":
        return BigInteger()
    if kind == "bool":
        return Boolean()
    if kind == "date":
        return Date()
    if kind == "decimal":
        return Numeric(*decimal_precision(shape))
    return JSON()


def field_columns(model: type[BaseModel], *, skip_id: bool) -> list[Column[Any]]:
    """A column per field of ``model`` (without ``id`` when it is the key column)."""
    columns: list[Column[Any]] = []
    for shape in field_shapes(model):
        if skip_id and shape.name == "id":
            continue
        if shape.name in SYSTEM_COLUMNS:
            raise RuntimeError(
                f"{model.__name__}.{shape.name} clashes with the store's own column "
                f"{shape.name!r}: rename the field or the store column (and add a migration)"
            )
        columns.append(Column(shape.name, column_type(shape), nullable=shape.nullable))
    return columns


LEDGERS = Table(
    "ledgers",
    metadata,
    Column("id", String(KEY_LENGTH), primary_key=True),
    *field_columns(Jurisdiction, skip_id=True),
    Column("version", Integer, nullable=False, server_default="1"),
)


def _record_table(name: str, model: type[BaseModel]) -> Table:
    return Table(
        name,
        metadata,
        Column(
            "ledger_id",
            String(KEY_LENGTH),
            ForeignKey("ledgers.id"),
            primary_key=True,
        ),
        Column("id", String(KEY_LENGTH), primary_key=True),
        Column("position", Integer, nullable=False),
        Column("version", Integer, nullable=False, server_default="1"),
        *field_columns(model, skip_id=True),
    )


RECORD_TABLES: dict[str, Table] = {
    kind.name: _record_table(kind.name, kind.model) for kind in RECORD_KINDS
}

AUDIT_LOG = Table(
    "audit_log",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("actor", Text, nullable=False),
    Column("action", String(16), nullable=False),
    Column("ledger_id", String(KEY_LENGTH), nullable=False),
    Column("kind", String(64), nullable=False),
    Column("record_id", String(KEY_LENGTH), nullable=False),
    Column("before", Text, nullable=True),
    Column("after", Text, nullable=True),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    # the id of the key that signed the entry (an HMAC in ``hash``); NULL: a plain SHA-256
    Column("key_id", String(16), nullable=True),
    Index(None, "ledger_id", "kind", "record_id"),
)
