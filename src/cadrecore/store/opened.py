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

Layer: the store's reading half, above ``reading`` and ``codec``: it must not import
``store.store`` (the store that writes, which opens ledgers through :func:`open_on`) or
``store.opening`` (which picks between the two), nor anything above the store (``reports``,
the CLI). Where an opened ledger needs its whole store, the opener hands one down.
"""

from __future__ import annotations

import contextlib
import json
import operator
import sqlite3
import sys
from collections.abc import Callable, Sequence
from itertools import islice
from typing import TYPE_CHECKING, Any

import orjson
from pydantic import ValidationError

from .._gc import collector_paused
from ..errors import LedgerError, Location, Problem
from ..i18n import Text
from ..ledger import Ledger, typed_service_records
from ..models import KINDS_BY_NAME, RECORD_KINDS
from ..models.services import typed_details
from ..registry import Registry
from .codec import (
    CODECS,
    JURISDICTION_CODEC,
    JURISDICTION_KIND,
    Codec,
    RowError,
    _from_column,
    _same,
)
from .reading import (
    LEDGERS,
    Query,
    Rows,
    Source,
    StoreError,
    columns_query,
    decode_rows,
    quoted,
    rows_query,
    storage,
    table_shapes,
)

if TYPE_CHECKING:
    from .store import Store

_KINDS = frozenset(kind.name for kind in RECORD_KINDS)
#: The kinds with a record per cadre or more: a record of one is read by itself (``get``),
#: where any other kind (a few hundred units, say) is read whole on its first lookup.
BULK_KINDS = frozenset(
    (
        "cadres",
        "memberships",
        "activities",
        "party_dues",
        "treatment_grants",
        "service_records",
        "service_events",
    )
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
    def _opened(cls, opening: _Opening, jurisdiction: Any, registry: Registry) -> StoreLedger:
        ledger = cls.__new__(cls)
        values: dict[str, Any] = {"jurisdiction": jurisdiction}
        object.__setattr__(ledger, "__dict__", values)
        object.__setattr__(ledger, "__pydantic_fields_set__", set(type(ledger).model_fields))
        object.__setattr__(ledger, "__pydantic_extra__", None)
        ids = _KindIds(ledger)
        object.__setattr__(ledger, "__pydantic_private__", {"_registry": registry, "_by_id": ids})
        values["_ids"] = ids
        values["_opened"] = opening
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
        source = opening.source
        problems: list[Problem] = []
        with source.reading() as conn:
            opening.check_unchanged(conn)
            # (ids as read, not interned: a kind read for a check, which interning would slow)
            records = _read_rows(
                source,
                conn,
                kind,
                CODECS[kind],
                self.registry,
                problems,
                alone=opening.alone,
                ledger_id=opening.ledger_id,
            )
        value = tuple(records)
        if kind == "service_records" and not problems:
            # their details as their types' models' instances, as in a ledger built from records
            value, problems = typed_service_records(value, self.registry)
        if problems:
            raise LedgerError(problems, source=source.url)
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
        source = opening.source
        readers: dict[str, _PointReader] = self.__dict__.setdefault("_point_readers", {})
        reader = readers.get(kind)
        if reader is None:
            reader = readers[kind] = _PointReader(source, kind, opening.ledger_id, self.registry)
        with source.reading() as conn:
            opening.check_unchanged(conn)
            try:
                found = reader.read(conn, record_id)
            except RowError as exc:
                problem = Problem(
                    Location(source.url, None, exc.field), exc.message, kind, record_id
                )
                raise LedgerError([problem], source=source.url) from None
        if found is None:
            raise KeyError(f"no {kind} record with id {record_id!r}")
        if kind == "service_records":
            (found,), problems = typed_service_records((found,), self.registry)
            if problems:
                raise LedgerError(problems, source=source.url)
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
        typed = kind == "service_records" and "details" in missing
        if typed and "service_type" not in columns and "service_type" not in missing:
            missing += ("service_type",)  # (which model each row's details are typed by)
        if missing:
            opening: _Opening = self.__dict__["_opened"]
            source = opening.source
            with source.reading() as conn:
                opening.check_unchanged(conn)
                read = _select_columns(conn, opening, kind, missing, conditions, self.registry)
            columns.update(zip(missing, read, strict=True))
        if typed:  # a service record's details as in a ledger in memory: its model's instance
            columns["details"] = _typed_details(
                columns["service_type"], columns["details"], self.registry
            )
        return columns

    def _after_fork(self) -> None:
        """In a forked process: the parent's database connections are its own (two processes
        talking on one connection corrupt it); this process opens its own when it reads."""
        self.__dict__["_opened"].source.after_fork()

    # --- what an opened ledger does not do ------------------------------------------------------

    def replace(self, **changes: Any) -> Ledger:
        raise TypeError(
            Text(
                "以 store.open 打开的账册只读：如需修改，请用 store.load() 载入",
                "a ledger opened on a store (store.open) is for reading: load it with "
                "store.load() to change it",
            )()
        )


_WHOLE_READS = "_whole_reads"
"""Set to a list in an opened ledger's ``__dict__`` (by :mod:`cadrecore.testing`), the columns
read whole are listed in it as ``(kind, fields)`` and nothing is read ahead, so that what each
rule reads shows."""


class _Opening:
    """Where an opened ledger reads from, and the state of the store it was opened at."""

    def __init__(
        self,
        source: Source,
        ledger_id: str,
        mark: Any,
        store: Store | None,
        alone: bool,
        open_store: Callable[[], Store] | None = None,
    ) -> None:
        self.source = source
        self.ledger_id = ledger_id
        self.mark = mark
        self._store = store
        self._open_store = open_store
        #: whether the ledger is the only one in the store (then the same while it is read:
        #: a save of another changes the store's mark, and the reads after it are refused)
        self.alone = alone

    @property
    def store(self) -> Store:
        """The store (opened now, if the ledger was opened on its file alone: by the opener
        that whoever opened it handed down, :func:`cadrecore.store.open_ledger`)."""
        if self._store is None:
            if self._open_store is None:
                raise StoreError("this ledger was opened without its store and cannot open it")
            self._store = self._open_store()
        return self._store

    def check_unchanged(self, conn: Any) -> None:
        if store_mark(conn) != self.mark:
            raise StoreError(
                Text(
                    f"账册打开后数据库 {self.source.url} 已被修改：请重新打开（store.open）以读取新的内容",
                    f"the store {self.source.url} changed since the ledger was opened: open it "
                    "again (store.open) to read the new state",
                )
            )


def _typed_details(keys: Sequence[str], details: Sequence[Any], registry: Registry) -> list[Any]:
    """Each row's details typed by its service type's model, as
    :func:`~cadrecore.ledger.typed_service_records` types a record's (plain where its plugin is
    not in use, or its model refuses them: the ledger said so when it was checked)."""
    types = registry.service_types
    found = []
    for key, value in zip(keys, details, strict=True):
        entry = types.get(key) if key in types else None
        if entry is not None and entry.unchecked is None:
            with contextlib.suppress(ValidationError):
                value = typed_details(entry.details, value)
        found.append(value)
    return found


def store_mark(conn: Any) -> Any:
    """The state of the store: the last entry of its audit trail (every change writes one)."""
    cursor = conn.cursor()
    try:
        cursor.execute("SELECT max(seq) FROM audit_log")
        return cursor.fetchone()[0]
    finally:
        cursor.close()


def open_on(
    source: Source,
    ledger_id: str | None,
    registry: Registry,
    store: Store | None = None,
    *,
    open_store: Callable[[], Store] | None = None,
) -> StoreLedger:
    """The ledger ``ledger_id`` (the only one, if None) opened on ``source``: one read of the
    store's ledgers and mark. ``store``: the store the source reads, if it is open; else
    ``open_store`` opens it when the ledger's :attr:`StoreLedger.store` is asked for."""
    problems: list[Problem] = []
    with source.reading() as conn:
        cursor = conn.cursor()
        try:
            cursor.execute(f"SELECT id FROM {LEDGERS} ORDER BY id")
            ids = [row[0] for row in cursor.fetchall()]
        finally:
            cursor.close()
        lid = resolve_ledger(ids, ledger_id, source.url)
        mark = store_mark(conn)
        found = _read_rows(
            source, conn, LEDGERS, JURISDICTION_CODEC, registry, problems, JURISDICTION_KIND, id=lid
        )
        if found and not problems:  # (the registry as this ledger uses it)
            query = Query(source)
            query.sql = (
                f"SELECT DISTINCT service_type FROM {quoted('service_records')} "
                f"WHERE ledger_id = {query.param(lid)}"
            )
            cursor = conn.cursor()
            try:
                cursor.execute(query.sql, query.params)
                held = [row[0] for row in cursor.fetchall()]
            finally:
                cursor.close()
            registry = registry.for_ledger(found[0].plugins, held)
    if problems:
        raise LedgerError(problems, source=source.url)
    opening = _Opening(source, lid, mark, store, alone=ids == [lid], open_store=open_store)
    return StoreLedger._opened(opening, found[0], registry)


def resolve_ledger(ids: Sequence[str], ledger_id: str | None, url: str) -> str:
    """The ledger to read of a store holding ``ids``: ``ledger_id`` if given, else the only one
    (else :class:`StoreError`, saying what the store holds)."""
    if ledger_id is not None:
        if ledger_id not in ids:
            raise StoreError(
                Text(
                    f"数据库中没有账册 {ledger_id}（现有：{'、'.join(ids) or '无'}）",
                    f"the store holds no ledger {ledger_id!r} (it holds: {', '.join(ids) or 'none'})",
                )
            )
        return ledger_id
    if not ids:
        raise StoreError(
            Text(
                f"数据库 {url} 中还没有账册：请先导入（cadrecore import 账册目录，"
                "或 cadrecore 导出的工作簿）",
                f"the store {url} holds no ledger yet: import one first "
                "(cadrecore import LEDGER_FOLDER or a workbook exported by cadrecore)",
            )
        )
    if len(ids) > 1:
        raise StoreError(
            Text(
                f"数据库中有多个账册（{'、'.join(ids)}）：请指定其一",
                f"the store holds several ledgers ({', '.join(ids)}): say which one",
            )
        )
    return str(ids[0])


def _read_rows(
    source: Source,
    conn: Any,
    table: str,
    codec: Codec,
    registry: Registry,
    problems: list[Problem],
    label: str | None = None,
    *,
    alone: bool = False,
    **equal: Any,
) -> list[Any]:
    """The records of the rows of ``table`` whose columns equal ``equal``, in the ledger's
    order; a row that does not read goes to ``problems`` (under ``label``, else the table's
    name)."""
    query = rows_query(source, table, alone=alone, **equal)
    with Rows(conn, query.sql, query.params) as rows:
        converters = source.converters(table, rows.columns, rows.type_codes)
        decode = codec.decoder(rows.columns, registry, converters, interned=False)
        return decode_rows(
            rows,
            decode,
            url=source.url,
            kind=label or table,
            problems=problems,
            ordered="position" not in rows.columns,
        )


class _PointReader:
    """Reads one record of a kind by its id: the query built and the row's decoder made
    once, for the many lookups a check makes (a finding's cadre, a service record's)."""

    def __init__(self, source: Source, kind: str, ledger_id: str, registry: Registry) -> None:
        self.source = source
        self.kind = kind
        self.codec = CODECS[kind]
        self.registry = registry
        # (the id is the query's last parameter: each read gives its own in its place)
        self.query = rows_query(source, kind, ledger_id=ledger_id, id=None)
        self.decode: Callable[[Sequence[Any]], Any] | None = None

    def read(self, conn: Any, record_id: str) -> Any:
        """The record, or None if there is none; :class:`RowError` if its row does not read."""
        with Rows(conn, self.query.sql, [*self.query.params[:-1], record_id]) as rows:
            found = [row for batch in rows.batches() for row in batch]
            if self.decode is None:
                converters = self.source.converters(self.kind, rows.columns, rows.type_codes)
                self.decode = self.codec.decoder(rows.columns, self.registry, converters)
        return self.decode(found[0]) if found else None


def _select_columns(
    conn: Any,
    opening: _Opening,
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
    source, ledger_id, alone = opening.source, opening.ledger_id, opening.alone
    shapes = {shape.name: shape for shape in CODECS[kind].shapes}
    stored = table_shapes(kind)
    aggregated = source.dialect == "sqlite" and not any(
        (shape := stored[name]) is not None and storage(shape) == "decimal" for name in fields
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
        if aggregated:
            names = [*dict.fromkeys((*fields, "position", *(("id",) if with_ids else ())))]
            query = columns_query(source, kind, ledger_id, names, conditions, alone=alone)
            found = _aggregated(conn, query, names, nested)
            if found is not None:
                return found
        names = [*dict.fromkeys((*fields, "position", "id"))]
        query = columns_query(source, kind, ledger_id, names, conditions, alone=alone)
        return _by_rows(conn, query)

    with collector_paused():
        found, positions, ids, codes = read(with_ids=False)
        in_order = all(map(operator.lt, positions, islice(positions, 1, None)))
        if not in_order and ids is None:  # (to sort them: their ids, read with them)
            found, positions, ids, codes = read(with_ids=True)
        drivers = source.converters(kind, fields, [codes[name] for name in fields])
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
                raise convert.problem(source.url, kind, name, found[name], ids) from None
        if in_order:
            return columns
        assert ids is not None
        if len(set(positions)) == len(positions):  # as a store writes them: sorted in C
            order = sorted(range(len(ids)), key=positions.__getitem__)
        else:  # positions shared (records merged in from another save): by id among them
            order = sorted(range(len(ids)), key=lambda i: (positions[i], ids[i]))
        return [[column[i] for i in order] for column in columns]


Read = tuple[dict[str, list[Any]], list[Any], list[Any] | None, dict[str, Any]]
"""What a query of columns gives: the values read by field (as the driver gives them), the
rows' positions, their ids if read (for an error naming a row, and for sorting rows that are
not in order), and the driver's type codes of the columns, by name."""


def _by_rows(conn: Any, query: Query) -> Read:
    """The columns by rows of the driver's cursor, a batch at a time, the database not
    sorting them (the rows come in position order nearly always)."""
    with Rows(conn, query.sql, query.params) as raw:
        names = raw.columns
        found: list[list[Any]] = [[] for _ in names]
        for batch in raw.batches():
            for into, values_read in zip(found, zip(*batch, strict=True), strict=True):
                into += values_read
    by_name = dict(zip(names, found, strict=True))
    codes = dict(zip(names, raw.type_codes, strict=True))
    return by_name, by_name["position"], by_name["id"], codes


def _aggregated(conn: Any, query: Query, names: list[str], nested: set[str]) -> Read | None:
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

    def arrays(nested: set[str]) -> Sequence[Any]:
        # (most lists are empty: those skip json(), which parses each list; json('[]') is a
        # constant, worked out once: a third less of SQLite's time for a province's lists)
        selected = ", ".join(
            f"json_group_array(CASE WHEN rows.{quoted(name)} = '[]' THEN json('[]') "
            f"ELSE json(rows.{quoted(name)}) END)"
            if name in nested
            else f"json_group_array(rows.{quoted(name)})"
            for name in names
        )
        sql = f"SELECT {selected} FROM ({query.sql}) AS rows"
        with Rows(conn, sql, query.params) as raw:
            return next(row for batch in raw.batches() for row in batch)

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
    return found, found["position"], found.get("id"), dict.fromkeys(names)


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
        # (amounts too: a province's dues are a few distinct amounts over millions of rows)
        repeats = shape.shape in ("date", "enum", "bool", "decimal") or (
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
