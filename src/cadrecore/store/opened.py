"""A ledger opened on a store: each kind read when first asked for, columns read on their own.

``store.load()`` reads every row of every kind and builds a record of each: at a province's
million cadres, most of a check's time and memory. ``store.open()`` gives a
:class:`StoreLedger` instead, a :class:`~cadrecore.Ledger` that reads nothing but the
jurisdiction until asked:

- a kind (``ledger.branches``) is read and built, all of it, the first time it is used;
- ``ledger.columns(kind, *fields, where=...)`` reads just those columns of just those rows, in
  SQL, without building records: how the heavy rules read the bulk kinds;
- ``ledger.get(kind, id)`` of a kind not read reads that one row, by its key.

Every answer equals what the same call on ``store.load()``'s ledger gives (a hypothesis test
runs every rule both ways). What an opened ledger does not do is cross-check the whole ledger
again: every ledger a store holds was cross-checked when it was saved (a save that would not
hold together with what others saved is refused, see :meth:`Store.save`); ``cadrecore
validate`` and ``store.load()`` still check everything.

Reads happen later than the opening, each in its own transaction: a read that finds the store
changed since the ledger was opened (any save, by anyone) is refused with a
:class:`~cadrecore.store.StoreError`, so one ledger never mixes two states of the store. An
opened ledger is for reading: ``replace`` and ``store.save`` refuse it; load the ledger to
change it.
"""

from __future__ import annotations

import json
import operator
import sqlite3
import sys
from collections.abc import Callable, Sequence
from datetime import date
from itertools import islice
from typing import TYPE_CHECKING, Any

import orjson
from sqlalchemy import (
    JSON,
    ColumnElement,
    Connection,
    Float,
    Numeric,
    bindparam,
    cast,
    func,
    literal,
    or_,
    select,
)

from .._gc import collector_paused
from ..errors import LedgerError, Location, Problem
from ..i18n import Text
from ..ledger import Ledger
from ..models import KINDS_BY_NAME, RECORD_KINDS
from ..registry import Registry
from .codec import RowError, _from_column, _same
from .fastread import RawRows, driver_converters
from .schema import AUDIT_LOG, RECORD_TABLES

if TYPE_CHECKING:
    from .store import Store

_KINDS = frozenset(kind.name for kind in RECORD_KINDS)
#: The kinds with a record per cadre or more: a record of one is read by itself (``get``),
#: where any other kind (a few hundred units, say) is read whole on its first lookup.
BULK_KINDS = frozenset(
    ("cadres", "memberships", "activities", "treatment_grants", "service_records", "service_events")
)


class _KindIds(dict[str, dict[str, Any]]):
    """The ledger's id indexes by kind; a kind's is built when first used (the kind is read)."""

    def __init__(self, ledger: StoreLedger) -> None:
        super().__init__()
        self._ledger = ledger

    def __missing__(self, kind: str) -> dict[str, Any]:
        if kind not in _KINDS or not KINDS_BY_NAME[kind].keyed:
            raise KeyError(kind)
        getattr(self._ledger, kind)  # reads the kind, which fills in its index
        return self[kind]


class StoreLedger(Ledger):
    """A ledger opened on a store (:meth:`Store.open`): read kind by kind, as used.

    It answers every query a :class:`~cadrecore.Ledger` answers, with the same results; see
    the module's notes for what it does not do (cross-check again, be saved or replaced).
    """

    def __init__(self, *_: Any, **__: Any) -> None:
        raise TypeError("a StoreLedger is made by Store.open(), not built from records")

    @classmethod
    def _opened(
        cls, store: Store, ledger_id: str, jurisdiction: Any, registry: Registry, mark: Any
    ) -> StoreLedger:
        ledger = cls.__new__(cls)
        values: dict[str, Any] = {"jurisdiction": jurisdiction}
        object.__setattr__(ledger, "__dict__", values)
        object.__setattr__(ledger, "__pydantic_fields_set__", set(type(ledger).model_fields))
        object.__setattr__(ledger, "__pydantic_extra__", None)
        ids = _KindIds(ledger)
        object.__setattr__(ledger, "__pydantic_private__", {"_registry": registry, "_by_id": ids})
        values["_ids"] = ids
        values["_opened"] = _Opening(store, ledger_id, mark)
        return ledger

    def __getattr__(self, name: str) -> Any:
        if name in _KINDS:
            return self._read_kind(name)
        return super().__getattr__(name)  # type: ignore[misc]

    # --- reading -----------------------------------------------------------------------------

    @property
    def store(self) -> Store:
        """The store this ledger was opened on."""
        return self.__dict__["_opened"].store  # type: ignore[no-any-return]

    def _read_kind(self, kind: str) -> tuple[Any, ...]:
        opening: _Opening = self.__dict__["_opened"]
        store = opening.store
        table = RECORD_TABLES[kind]
        query = (
            select(table)
            .where(table.c.ledger_id == opening.ledger_id)
            .order_by(table.c.position, table.c.id)
        )
        problems: list[Problem] = []
        with store.reading() as conn:
            opening.check_unchanged(conn)
            from .store import CODECS

            # (ids as read, not interned: a kind read for a check, which interning would slow)
            records = store._decode_all(
                conn, query, CODECS[kind], self.registry, False, kind, problems, interned=False
            )
        if problems:
            raise LedgerError(problems, source=store.url)
        value = tuple(records)
        self.__dict__[kind] = value
        if KINDS_BY_NAME[kind].keyed:
            dict.__setitem__(self.__dict__["_ids"], kind, {r.id: r for r in value})
        return value

    def get(self, kind: str, record_id: str) -> Any:
        """The record of ``kind`` with ``record_id``: from the kind if it was read, else that
        one row; KeyError naming both if there is none."""
        ids: dict[str, dict[str, Any]] = self.__dict__["_ids"]
        if kind in ids or kind in self.__dict__:
            return super().get(kind, record_id)
        if kind not in _KINDS or not KINDS_BY_NAME[kind].keyed:
            raise KeyError(f"no {kind} record with id {record_id!r}")
        if kind not in BULK_KINDS:  # a few hundred units, say: read them all, once
            getattr(self, kind)
            return super().get(kind, record_id)
        fetched: dict[tuple[str, str], Any] = self.__dict__.setdefault("_fetched", {})
        found = fetched.get((kind, record_id))
        if found is None:
            found = fetched[(kind, record_id)] = self._read_one(kind, record_id)
        return found

    def _read_one(self, kind: str, record_id: str) -> Any:
        opening: _Opening = self.__dict__["_opened"]
        store = opening.store
        readers: dict[str, _PointReader] = self.__dict__.setdefault("_point_readers", {})
        with store.reading() as conn:
            opening.check_unchanged(conn)
            reader = readers.get(kind)
            if reader is None:
                reader = readers[kind] = _PointReader(kind, opening.ledger_id, conn, self.registry)
            try:
                found = reader.read(conn, record_id)
            except RowError as exc:
                problem = Problem(
                    Location(store.url, None, exc.field), exc.message, kind, record_id
                )
                raise LedgerError([problem], source=store.url) from None
        if found is None:
            raise KeyError(f"no {kind} record with id {record_id!r}")
        return found

    def read_ahead(self, kind: str, *fields: str) -> None:
        """Read ``fields`` of every record of ``kind`` now, in one pass over its table, and keep
        them for :meth:`columns` (each field not held yet; a kind read whole already needs
        nothing)."""
        super().read_ahead(kind, *fields)
        if fields and kind not in self.__dict__ and _WHOLE_READS not in self.__dict__:
            self._held(kind, fields, ())

    def _read_columns(
        self, kind: str, fields: tuple[str, ...], conditions: tuple[tuple[str, frozenset[Any]], ...]
    ) -> Sequence[tuple[Any, ...]]:
        """The columns from the database, each read once per kind and ``where``: a field
        another call read already (or :meth:`read_ahead`) is not read again, only the ones
        missing."""
        columns = self._from_database(kind, fields, conditions)
        if columns is None:  # read already: from the records
            return super()._read_columns(kind, fields, conditions)
        with collector_paused():  # a province's rows: no collection while they are made
            if len(fields) == 1:
                return [(value,) for value in columns[fields[0]]]
            return list(zip(*(columns[name] for name in fields), strict=True))

    def _column_values(
        self, kind: str, fields: tuple[str, ...], conditions: tuple[tuple[str, frozenset[Any]], ...]
    ) -> tuple[Sequence[Any], ...]:
        """The columns as read (each a copy: what is held stays as read)."""
        columns = self._from_database(kind, fields, conditions)
        if columns is None:  # read already: from the records
            return super()._column_values(kind, fields, conditions)
        return tuple(tuple(columns[name]) for name in fields)

    def _from_database(
        self, kind: str, fields: tuple[str, ...], conditions: tuple[tuple[str, frozenset[Any]], ...]
    ) -> dict[str, Sequence[Any]] | None:
        """The columns held for a call of :meth:`columns` (listed in the test log of whole
        reads, if one is kept); None when the kind was read whole, and its records answer."""
        if kind in self.__dict__:
            return None
        if not conditions and _WHOLE_READS in self.__dict__:
            self.__dict__[_WHOLE_READS].append((kind, fields))
        return self._held(kind, fields, conditions)

    def _held(
        self, kind: str, fields: tuple[str, ...], conditions: tuple[tuple[str, frozenset[Any]], ...]
    ) -> dict[str, Sequence[Any]]:
        """The columns held for ``kind`` and ``conditions``, the missing ones of ``fields``
        read from the database first (in one query)."""
        held: dict[Any, dict[str, Sequence[Any]]] = self.__dict__.setdefault("_held_columns", {})
        columns = held.setdefault((kind, conditions), {})
        missing = tuple(name for name in dict.fromkeys(fields) if name not in columns)
        if missing:
            opening: _Opening = self.__dict__["_opened"]
            store = opening.store
            with store.reading() as conn:
                opening.check_unchanged(conn)
                read = _select_columns(
                    conn, store.url, opening.ledger_id, kind, missing, conditions, self.registry
                )
            columns.update(zip(missing, read, strict=True))
        return columns

    def _after_fork(self) -> None:
        """In a forked process: the parent's database connections are its own (two processes
        talking on one connection corrupt it); this process opens its own when it reads."""
        self.store.engine.dispose(close=False)

    # --- what an opened ledger does not do ------------------------------------------------------

    def replace(self, **changes: Any) -> Ledger:
        raise TypeError(
            "a ledger opened on a store (store.open) is for reading: load it with store.load() "
            "to change it / 以 store.open 打开的账册只读，如需修改请用 store.load() 载入"
        )


_WHOLE_READS = "_whole_reads"
"""Set to a list in an opened ledger's ``__dict__`` (by :mod:`cadrecore.testing`), the columns
read whole are listed in it as ``(kind, fields)`` and nothing is read ahead, so that what each
rule reads shows."""


class _Opening:
    """Where an opened ledger reads from, and the state of the store it was opened at."""

    def __init__(self, store: Store, ledger_id: str, mark: Any) -> None:
        self.store = store
        self.ledger_id = ledger_id
        self.mark = mark

    def check_unchanged(self, conn: Connection) -> None:
        from .store import StoreError

        if store_mark(conn) != self.mark:
            raise StoreError(
                f"the store {self.store.url} changed since the ledger was opened: open it again "
                "(store.open) to read the new state / 账册打开后数据库已被修改，请重新打开"
            )


def store_mark(conn: Connection) -> Any:
    """The state of the store: the last entry of its audit trail (every change writes one)."""
    return conn.execute(_MARK).scalar()


_MARK = select(func.max(AUDIT_LOG.c.seq))


class _PointReader:
    """Reads one record of a kind by its id: the query compiled and the row's decoder built
    once, for the many lookups a check makes (a finding's cadre, a service record's)."""

    def __init__(self, kind: str, ledger_id: str, conn: Connection, registry: Registry) -> None:
        from .store import CODECS

        table = RECORD_TABLES[kind]
        self.codec = CODECS[kind]
        self.registry = registry
        self.query = select(table).where(
            table.c.ledger_id == ledger_id, table.c.id == bindparam("record_id")
        )
        compiled = self.query.compile(dialect=conn.dialect)
        self.sql = str(compiled)
        self.params = dict(compiled.params)
        self.order = compiled.positiontup if compiled.positional else None
        self.decode: Callable[[Sequence[Any]], Any] | None = None

    def read(self, conn: Connection, record_id: str) -> Any:
        """The record, or None if there is none; :class:`RowError` if its row does not read."""
        params = {**self.params, "record_id": record_id}
        args: Any = params if self.order is None else tuple(params[k] for k in self.order)
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(self.sql, args)
            rows = cursor.fetchall()
            if self.decode is None:
                columns = tuple(d[0] for d in cursor.description)
                codes = tuple(d[1] for d in cursor.description)
                converters = driver_converters(self.query, conn.dialect, codes)
                self.decode = self.codec.decoder(columns, self.registry, converters)
        finally:
            cursor.close()
        return self.decode(rows[0]) if rows else None


def _stored_form(value: Any, dialect: str) -> Any:
    value = getattr(value, "value", value)  # an enum as its key
    if isinstance(value, date) and dialect == "sqlite":
        return value.isoformat()
    return value


#: Above this many accepted values, they go to the database as one JSON list (a query may
#: have at most 32,766 parameters in SQLite, 65,535 in PostgreSQL).
_MANY = 500


def _values_table(values: list[Any], dialect: str) -> Any:
    """A one-column subquery of ``values``, sent as one JSON text parameter."""
    if not all(isinstance(v, str) for v in values):
        raise ValueError(f"where= with more than {_MANY} values takes text values only")
    text = json.dumps(values, ensure_ascii=False)
    if dialect == "postgresql":
        listed = func.json_array_elements_text(cast(literal(text), JSON)).table_valued("value")
    else:
        listed = func.json_each(literal(text)).table_valued("value")
    return select(listed.c.value)


def _one_of(column: Any, values: list[Any], dialect: str) -> ColumnElement[bool]:
    """``column IN values``; many values as one JSON list (:func:`_values_table`)."""
    if len(values) <= _MANY:
        return column.in_(values)  # type: ignore[no-any-return]
    return column.in_(_values_table(values, dialect))  # type: ignore[no-any-return]


def _in_order(values: list[Any]) -> list[Any]:
    """``values`` in a fixed order (the same query for the same values): text as it sorts, in
    C (a rule may ask for a hundred thousand ids); values of mixed types by their ``repr``."""
    if all(type(value) is str for value in values):
        return sorted(values)
    return sorted(values, key=repr)


def _day_span(accepted: frozenset[Any]) -> tuple[date, date] | None:
    """The first and last day of ``accepted`` when it is every day between them (the days of
    the year judged, say), else None. ``BETWEEN`` then keeps the same rows as ``IN``: days are
    stored as ISO text on SQLite (which sorts as the days do) and as dates on PostgreSQL;
    ``IN`` a year of days costs a lookup per row (about 2 s over a province's activities)."""
    days = [value for value in accepted if value is not None]
    if len(days) < 2 or not all(type(value) is date for value in days):
        return None
    first, last = min(days), max(days)
    return (first, last) if (last - first).days + 1 == len(days) else None


def _items_of(column: Any, dialect: str) -> Any:
    """The items of a JSON list column, as a table with a ``value`` column (one per row)."""
    if dialect == "postgresql":
        return func.json_array_elements_text(column).table_valued("value")
    return func.json_each(column).table_valued("value")


def _select_columns(
    conn: Connection,
    url: str,
    ledger_id: str,
    kind: str,
    fields: tuple[str, ...],
    conditions: tuple[tuple[str, frozenset[Any]], ...],
    registry: Registry,
) -> list[list[Any]]:
    """The values of ``fields`` of the rows ``conditions`` keep, a list per field, in the
    ledger's order (by position, then id).

    Values are converted a column at a time: a column whose values repeat (days, closed sets,
    vocabulary keys, the ids of other records) converts each distinct value once and looks the
    rest up in C; lists of ids share their strings. A value that does not convert is raised as
    a :class:`~cadrecore.LedgerError` naming the row and field.
    """
    from .store import CODECS

    table = RECORD_TABLES[kind]
    codec = CODECS[kind]
    shapes = {shape.name: shape for shape in codec.shapes}
    dialect = conn.dialect.name
    selected = [table.c[name] for name in fields]
    extra = [table.c[name] for name in ("position", "id") if name not in fields]
    query = select(*selected, *extra).where(table.c.ledger_id == ledger_id)
    for name, accepted in conditions:
        column = table.c[name]
        values = _in_order([_stored_form(v, dialect) for v in accepted if v is not None])
        if shapes[name].shape == "list":  # the list holds any of the values: in the database
            items = _items_of(column, dialect)
            query = query.where(
                select(literal(1))
                .select_from(items)
                .where(_one_of(items.c.value, values, dialect))
                .exists()
            )
            continue
        span = _day_span(accepted)
        test: ColumnElement[bool]
        if span is not None:  # (the days of a year: a range test, not a lookup per row)
            test = column.between(*(_stored_form(day, dialect) for day in span))
        else:
            test = _one_of(column, values, dialect)
        if None in accepted:
            test = or_(test, column.is_(None))
        query = query.where(test)
    query = query.order_by(table.c.position, table.c.id)
    aggregated = dialect == "sqlite" and not any(
        isinstance(column.type, Numeric | Float) for column in selected
    )

    # lists of ids (attendees), nested in the aggregate as JSON: parsed in one go
    nested = {
        name
        for name in fields
        if shapes[name].shape == "list"
        and shapes[name].str_items
        and shapes[name].vocabulary is None
    }

    def read(with_ids: bool) -> Read:
        """The columns, with the rows' ids when asked (always by rows); all of one query, so
        the values, positions and ids of a row are at the same place."""
        found = _aggregated(conn, query, fields, with_ids, nested) if aggregated else None
        return _by_rows(conn, query) if found is None else found

    with collector_paused():
        found, positions, ids, codes = read(with_ids=False)
        in_order = all(map(operator.lt, positions, islice(positions, 1, None)))
        if not in_order and ids is None:  # (to sort them: their ids, read with them)
            found, positions, ids, codes = read(with_ids=True)
        drivers = driver_converters(query, conn.dialect, codes)
        converters = {
            name: _ColumnConverter(shapes[name], drivers.get(name), registry) for name in fields
        }
        columns = []
        for name in fields:
            convert = converters[name]
            try:
                columns.append(convert(found[name]))
            except Exception:  # which row, and why
                if ids is None:
                    found, _, ids, _ = read(with_ids=True)
                assert ids is not None
                raise convert.problem(url, kind, name, found[name], ids) from None
        if in_order:
            return columns
        assert ids is not None
        if len(set(positions)) == len(positions):  # as a store writes them: sorted in C
            order = sorted(range(len(ids)), key=positions.__getitem__)
        else:  # positions shared (records merged in from another save): by id among them
            order = sorted(range(len(ids)), key=lambda i: (positions[i], ids[i]))
        return [[column[i] for i in order] for column in columns]


Read = tuple[dict[str, list[Any]], list[Any], list[Any] | None, Sequence[Any]]
"""What a query of columns gives: the values read by field (as the driver gives them), the
rows' positions, their ids if read (for an error naming a row, and for sorting rows that are
not in order), and the driver's type codes of the query's columns."""


def _by_rows(conn: Connection, query: Any) -> Read:
    """The columns by rows of the driver's cursor, a batch at a time, the database not
    sorting them (:class:`RawRows`: the rows come in position order nearly always)."""
    with RawRows(conn, query) as raw:
        names = raw.columns
        found: list[list[Any]] = [[] for _ in names]
        for batch in raw.batches():
            for into, values_read in zip(found, zip(*batch, strict=True), strict=True):
                into += values_read
    by_name = dict(zip(names, found, strict=True))
    return by_name, by_name["position"], by_name["id"], raw.type_codes


def _aggregated(
    conn: Connection, query: Any, fields: tuple[str, ...], with_ids: bool, nested: set[str]
) -> Read | None:
    """The columns from SQLite as one JSON array each (``json_group_array``), parsed by
    orjson: a row at a time, the ``sqlite3`` module makes a Python tuple and value of each
    field of each row (about a microsecond a row); an array is made in SQLite's C and parsed in
    orjson's, about 3x faster over a province's million cadres. Values come back as the driver
    gives them (text, whole numbers, null), so the same conversions follow; amounts (which JSON
    would round) are read by rows instead (:func:`_by_rows`), and so is a column too long for
    one SQLite string (1 GB: about 20 million names): then this gives None.

    The rows are taken in the order the table gives them, with their positions (and ids, if
    asked: an array of a million ids costs about half a second): SQLite would sort a million
    rows on ``ORDER BY position, id`` (about a second), and they are nearly always in that
    order already.
    """
    inner = query.order_by(None).subquery()
    names = [*dict.fromkeys((*fields, "position", *(("id",) if with_ids else ())))]

    def arrays(nested: set[str]) -> Sequence[Any]:
        return _one_row(
            conn,
            select(
                *(
                    func.json_group_array(
                        func.json(inner.c[name]) if name in nested else inner.c[name]
                    )
                    for name in names
                )
            ),
        )

    try:
        try:
            text = arrays(nested)
        except sqlite3.OperationalError as exc:
            if not nested or "malformed JSON" not in str(exc):
                raise
            text = arrays(set())  # (a list that is not JSON: read as text, and named)
    except (sqlite3.DataError, sqlite3.OperationalError) as exc:
        if "too big" in str(exc):
            return None
        raise
    found = {name: _parse_array(value) for name, value in zip(names, text, strict=True)}
    return found, found["position"], found.get("id"), [None] * len(query.selected_columns)


def _one_row(conn: Connection, query: Any) -> Sequence[Any]:
    """The one row of an aggregate query, by the driver's cursor."""
    with RawRows(conn, query) as raw:
        return next(row for batch in raw.batches() for row in batch)


def _parse_array(text: str) -> list[Any]:
    """A JSON array as SQLite writes it, parsed (by orjson; the standard parser for what it
    refuses, as :func:`~.fastread._json_from_text`)."""
    try:
        return orjson.loads(text)  # type: ignore[no-any-return]
    except orjson.JSONDecodeError:
        return json.loads(text)  # type: ignore[no-any-return]


class _Memo(dict[Any, Any]):
    """Each distinct stored value converted once; None stays None."""

    def __init__(self, convert: Callable[[Any], Any]) -> None:
        super().__init__()
        self.convert = convert
        self[None] = None

    def __missing__(self, value: Any) -> Any:
        converted = self[value] = self.convert(value)
        return converted


class _ColumnConverter:
    """How a column of stored values becomes the field's values, as the codec converts one."""

    def __init__(self, shape: Any, from_driver: Callable[[Any], Any] | None, registry: Registry):
        to_field = _to_value(shape, registry)

        def one(value: Any) -> Any:
            if from_driver is not None:
                value = from_driver(value)
            return value if to_field is _same else to_field(value)

        self.one = one
        self.convert: Callable[[list[Any]], list[Any]]
        repeats = shape.shape in ("date", "enum", "bool") or (
            shape.shape == "str" and shape.name != "id" and to_field is not _same
        )
        if from_driver is None and to_field is _same:
            self.convert = list
        elif from_driver is None and to_field is sys.intern:
            # ids of other records (a membership's cadre): kept as read. Interning them, as a
            # load does, costs about a microsecond each among a province's millions of
            # strings, more than the memory it saves for a read that lasts one check
            self.convert = list
        elif repeats:
            lookup = _Memo(one).__getitem__
            self.convert = lambda values: list(map(lookup, values))
        elif shape.shape == "list" and shape.str_items and shape.vocabulary is None:
            # lists of ids (attendees): one shared string per id, across the whole column
            first_read: dict[Any, Any] = {}
            share = first_read.setdefault  # the first string read of each id (in C)
            parse = from_driver if from_driver is not None else _same

            def shared_items(value: Any) -> Any:
                items = parse(value)
                return tuple(map(share, items, items))

            def lists(values: list[Any]) -> list[Any]:
                try:  # each text once (most lists are "[]"): looked up in C
                    return list(map(_Memo(shared_items).__getitem__, values))
                except TypeError:  # parsed already (unhashable lists): nested in the JSON
                    # array of the column, or by the driver. Made tuples in C; the strings
                    # are orjson's, one per item (sharing them costs more than it saves).
                    if None in values:
                        return [None if v is None else tuple(v) for v in values]
                    return list(map(tuple, values))

            self.convert = lists
        else:
            self.convert = lambda values: [None if v is None else one(v) for v in values]

    def __call__(self, values: list[Any]) -> list[Any]:
        return self.convert(values)

    def problem(
        self, url: str, kind: str, name: str, values: list[Any], keys: list[Any]
    ) -> LedgerError:
        """The error naming the first row whose value does not convert, and why."""
        for value, row_id in zip(values, keys, strict=True):
            if value is None:
                continue
            try:
                self.one(value)
            except Exception as failed:
                message = (
                    failed.message
                    if isinstance(failed, RowError)
                    else Text(f"无效取值 {value!r}", f"{value!r} is not a valid value")
                )
                return LedgerError(
                    [Problem(Location(url, None, name), message, kind, row_id)], source=url
                )
        message = Text("无法读取", "cannot be read")
        return LedgerError([Problem(Location(url, None, name), message, kind, None)], source=url)


def _to_value(shape: Any, registry: Registry) -> Callable[[Any], Any]:
    """How a stored value becomes the field's value, as in the codec; a record's own id is
    not interned (no other row of the column holds the same string)."""
    if shape.name == "id" and shape.vocabulary is None:
        return _same
    return _from_column(shape, registry)
