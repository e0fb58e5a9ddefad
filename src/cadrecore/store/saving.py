"""Saving a ledger: the writes behind :meth:`Store.save <cadrecore.store.Store.save>`.

A save runs in one write transaction: the jurisdiction's row, then each kind of record, each
written in the way that costs least for what is known about it: inserted whole (a kind the
store does not hold yet), written from what changed since the read (:mod:`.changes`, when
nobody saved since), or compared row by row with what the store holds and merged with what
others saved (:mod:`.merging`). Every change gets its audit entry. Each step takes the one
:class:`SaveContext` that holds the connection, the ledger, the audit trail being appended and
what the save has found so far.

Holds: :class:`SaveResult`, :class:`SaveContext`, :func:`save_ledger` and its steps, and
:func:`record_key`. Must not import ``store.store`` (the :class:`~cadrecore.store.Store` that
calls it hands itself in; its type is imported for type checkers only), nor anything above the
store (``io``, ``reports``, the CLI).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import repeat
from operator import attrgetter, contains
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Delete, Table, Update, bindparam, select
from sqlalchemy.exc import IntegrityError

from .._gc import collector_paused
from ..errors import Problem
from ..ledger import Ledger
from ..models import RECORD_KINDS, Jurisdiction, RecordKind
from ..models.kinds import KEY_GLUE, key_part
from ..progress import Progress
from ..registry import Registry
from ..scope import refuse_scoped_save
from .audit import AuditAppender
from .bulk import insert_rows
from .changes import KindChanges, changes_since_read
from .codec import (
    CODECS,
    JURISDICTION_CODEC,
    JURISDICTION_KIND,
    NUL_IN_JSON,
    Codec,
    RowError,
    canonical_json,
    fields_with_nul,
)
from .failures import StoreWriteError, WriteStep, nul_problem
from .merging import (
    StoreOrigin,
    added_meanwhile,
    check_merged,
    check_unseen,
    conflict,
    mark_origin,
    origin_for,
    store_origin,
)
from .opened import StoreLedger
from .reading import StoreError
from .schema import LEDGERS, RECORD_TABLES

if TYPE_CHECKING:
    from .store import Store

#: How many new rows a save holds before it hands them to the database.
BULK_ROWS = 20_000


@dataclass
class SaveResult:
    """What a save changed, by record kind, and how many audit entries it appended."""

    ledger_id: str
    inserted: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    deleted: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    audit_entries: int = 0

    @property
    def changes(self) -> int:
        """How many records were inserted, updated or deleted."""
        return sum(self.inserted.values()) + sum(self.updated.values()) + sum(self.deleted.values())

    def summary(self) -> dict[str, int]:
        """The counts for a log line or JSON: inserted, updated, deleted, unchanged, audit entries."""
        return {
            "inserted": sum(self.inserted.values()),
            "updated": sum(self.updated.values()),
            "deleted": sum(self.deleted.values()),
            "unchanged": sum(self.unchanged.values()),
            "audit_entries": self.audit_entries,
        }


@dataclass
class SaveContext:
    """One save as each of its steps needs it: where it writes, what it writes, and what it
    has found so far (the versions the saved ledger stands on afterwards, what others saved
    since its read that it leaves as it is, what it must refuse)."""

    #: the connection, in the save's write transaction
    conn: Connection
    #: the ledger being saved
    ledger: Ledger
    #: its jurisdiction's id: the ``ledger_id`` of every row written
    ledger_id: str
    #: the audit entries being appended (who saves and when are the appender's)
    audit: AuditAppender
    #: the store's URL, for the errors
    url: str
    #: what the ledger was read with (None: nothing to merge with, the last writer wins)
    origin: StoreOrigin | None
    #: what is being written, for the error if the database refuses it
    step: WriteStep
    result: SaveResult
    #: kind -> key -> the version the saved ledger stands on afterwards
    versions: dict[str, dict[str, int]] = field(default_factory=dict)
    #: how many records others saved since the read that the save leaves as they are
    kept: int = 0
    #: by kind, the records the store holds after the save, for kinds that differ from the ledger
    merged: dict[str, list[Any]] = field(default_factory=dict)
    #: the store's jurisdiction, when someone else's change to it is kept
    jurisdiction: Jurisdiction | None = None
    #: text the store cannot keep (a NUL): the save checks every record, then refuses
    refused: list[Problem] = field(default_factory=list)

    def refuse_nul(self, kind: str, key: str, dumped: Mapping[str, Any]) -> bool:
        """Whether the record ``dumped`` holds text the store cannot keep (a NUL): then each
        such field is noted for the refusal, and the record is not written."""
        found = fields_with_nul(dumped)
        self.refused += [nul_problem(self.url, kind, key, name) for name in found]
        return bool(found)

    def counted(
        self, kind: RecordKind, inserted: int, updated: int, deleted: int, unchanged: int
    ) -> None:
        """Note in the result how many records of ``kind`` the save wrote and left."""
        self.result.inserted[kind.name] = inserted
        self.result.updated[kind.name] = updated
        self.result.deleted[kind.name] = deleted
        self.result.unchanged[kind.name] = unchanged


@dataclass
class KindWrites:
    """The rows a save writes of one kind, staged before they are written."""

    #: new rows, whole
    inserts: list[dict[str, Any]] = field(default_factory=list)
    #: (the stored row, the row that replaces it, the record's JSON for its audit entry)
    updates: list[tuple[Mapping[Any, Any], dict[str, Any], str]] = field(default_factory=list)
    #: the stored rows to delete
    deleted: list[Mapping[Any, Any]] = field(default_factory=list)


# =============================================================================================
# A save
# =============================================================================================


def save_ledger(
    store: Store,
    ledger: Ledger,
    *,
    actor: str,
    progress: Progress | None,
    based_on: Ledger | None,
    as_new: bool,
    changes_known: bool,
) -> SaveResult:
    """Save ``ledger`` into ``store`` as ``actor`` (see :meth:`Store.save
    <cadrecore.store.Store.save>`). ``changes_known`` false: compare every kind in full even
    when nobody saved since the read."""
    refuse_scoped_save(ledger)  # a unit's view: saving it would delete the rest
    _refuse_opened(ledger)
    lid = ledger.jurisdiction.id
    origin = origin_for(store.url, ledger, based_on)
    if origin is None and as_new:  # read while the store held no such ledger
        origin = StoreOrigin(store.url, lid, {}, {})
    step = WriteStep()
    total = sum(len(ledger.records(k.name)) for k in RECORD_KINDS)
    done = 0
    if progress:
        progress("save", 0, total)
    # (a save makes a few objects a record, none in a cycle: no collection walks the
    # ledger's millions while it runs; at 100,000 cadres that was most of its time)
    with collector_paused(), store.writing(step) as conn:
        audit = AuditAppender(conn, actor, datetime.now(UTC), store.audit_keys)
        save = SaveContext(conn, ledger, lid, audit, store.url, origin, step, SaveResult(lid))
        # nobody saved since the read: the store holds what was read, so only what changed
        # here is looked at (:mod:`.changes`); else every kind is compared in full
        known = origin is not None and origin.audit_seq == audit.seq and changes_known
        save_jurisdiction(save)
        for kind in RECORD_KINDS:
            changes = None
            if known:
                assert origin is not None
                changes = _changes(kind, ledger, origin)
            if changes is None:
                save_kind(save, kind)
            else:
                save_changes(save, kind, changes)
            done += len(ledger.records(kind.name))
            if progress:
                progress("save", done, total)
        if save.refused:
            raise StoreWriteError(save.refused, source=store.url)
        if save.kept:
            check_merged(ledger, save.merged, save.jurisdiction)
        audit.flush()
        save.result.audit_entries = audit.count
    previous = store_origin(ledger)
    if previous is None or (previous.url, previous.ledger_id) == (store.url, lid):
        # (the rows of a kind merged with others' records are not each at their index)
        placed = frozenset(k.name for k in RECORD_KINDS if k.name not in save.merged)
        mark_origin(ledger, store.url, lid, save.versions, audit.seq, placed)
    return save.result


def _changes(kind: RecordKind, ledger: Ledger, origin: StoreOrigin) -> KindChanges | None:
    """What changed in ``kind`` since ``origin``'s read, if that can be told cheaply."""
    if kind.name not in origin.placed or kind.name not in origin.records:
        return None
    return changes_since_read(
        kind,
        ledger.records(kind.name),
        origin.records[kind.name],
        origin.versions.get(kind.name, {}),
    )


def _refuse_opened(ledger: Ledger) -> None:
    if isinstance(ledger, StoreLedger):
        raise StoreError(
            "this ledger was opened for reading (store.open): load it with store.load() to "
            "change and save it / 以 store.open 打开的账册只读，请用 store.load() 载入后再修改保存"
        )


def record_key(kind: RecordKind, record: Any, seen: set[str]) -> str:
    """The record's key in its table; a repeated natural key gets ``#2``, ``#3``... (in order)."""
    key = kind.key_of(record)
    if key in seen:
        n = 2
        while f"{key}#{n}" in seen:
            n += 1
        key = f"{key}#{n}"
    seen.add(key)
    return key


def record_keys(kind: RecordKind, records: Sequence[Any]) -> list[str]:
    """:func:`record_key` of each of ``records`` in order, none seen before: the ids
    themselves when each is a distinct text (the common case, without a call a record)."""
    if kind.keyed:
        ids = [record.id for record in records]
        if set(map(type, ids)) <= {str} and len(set(ids)) == len(ids):
            return ids
    else:
        keys = _natural_keys(kind, records)
        if keys is not None and len(set(keys)) == len(keys):
            return keys
    seen: set[str] = set()
    return [record_key(kind, record, seen) for record in records]


def _natural_keys(kind: RecordKind, records: Sequence[Any]) -> list[str] | None:
    """:meth:`RecordKind.key_of` of each of ``records`` (a kind keyed by its fields), a field
    at a time: each distinct value of a field made text once (a province's memberships share
    their days and branches); None if its values cannot be told apart that way (unhashable,
    or equal across types, as 1 and True are)."""
    columns = []
    for name in kind.key_fields:
        column = list(map(attrgetter(name), records))
        if set(map(type, column)) <= {str}:  # (ids: each its own text already)
            columns.append(iter(column))
            continue
        try:
            distinct = set(zip(map(type, column), column, strict=True))
        except TypeError:
            return None
        text = {value: key_part(value) for _, value in distinct}
        if len(text) != len(distinct):
            return None
        columns.append(map(text.__getitem__, column))
    return list(map(KEY_GLUE.join, zip(*columns, strict=True)))


# =============================================================================================
# The jurisdiction's row
# =============================================================================================


def save_jurisdiction(save: SaveContext) -> None:
    """Write the ledger's own row (its jurisdiction), merged with the store's as a record is."""
    conn, ledger, audit, origin = save.conn, save.ledger, save.audit, save.origin
    jurisdiction = ledger.jurisdiction
    codec = JURISDICTION_CODEC
    key = jurisdiction.id
    read = origin.version(JURISDICTION_KIND, key) if origin is not None else None
    versions = save.versions.setdefault(JURISDICTION_KIND, {})
    dumped = codec.dump(jurisdiction)
    new_row = codec.row(dumped)
    save.step.at(JURISDICTION_KIND, key)
    old = conn.execute(select(LEDGERS).where(LEDGERS.c.id == key)).mappings().first()
    if old is None:
        if origin is not None:
            check_unseen(JURISDICTION_KIND, key, read, None)
        if save.refuse_nul(JURISDICTION_KIND, key, dumped):
            return
        try:
            conn.execute(LEDGERS.insert().values(**new_row, version=1))
        except IntegrityError:  # a writer outside this API came in between
            raise conflict(
                JURISDICTION_KIND, key, "was added by someone else", "已由他人新增"
            ) from None
        versions[key] = 1
        audit.append("insert", key, JURISDICTION_KIND, key, None, canonical_json(dumped))
        return
    same = _same_record(codec, old, jurisdiction, ledger.registry)
    if read is not None and origin is not None:
        as_read = origin.records[JURISDICTION_KIND][0]
        if jurisdiction is as_read or jurisdiction == as_read:  # not changed here
            if same:
                versions[key] = old["version"]
            else:  # changed by someone else since: theirs stays
                versions[key] = read
                save.kept += 1
                with contextlib.suppress(RowError):
                    save.jurisdiction = codec.decode(old, ledger.registry)
            return
    if same:
        versions[key] = old["version"]
        return
    if origin is not None:
        check_unseen(JURISDICTION_KIND, key, read, old)
    if save.refuse_nul(JURISDICTION_KIND, key, dumped):
        return
    updated = conn.execute(
        LEDGERS.update()
        .where(LEDGERS.c.id == key, LEDGERS.c.version == old["version"])
        .values(**{k: v for k, v in new_row.items() if k != "id"}, version=old["version"] + 1)
    )
    if updated.rowcount != 1:
        raise conflict(JURISDICTION_KIND, key, "was changed by someone else", "已被他人修改")
    versions[key] = old["version"] + 1
    audit.append(
        "update",
        key,
        JURISDICTION_KIND,
        key,
        canonical_json(codec.row_json(old)),
        canonical_json(dumped),
    )


def _same_record(codec: Codec, row: Mapping[Any, Any], record: Any, registry: Registry) -> bool:
    try:
        return bool(codec.decode(row, registry) == record)
    except RowError:
        return False


# =============================================================================================
# A kind of record: compared in full, written from what changed, inserted whole
# =============================================================================================


def save_kind(save: SaveContext, kind: RecordKind) -> None:
    """Make the store's rows of ``kind`` the ledger's, comparing every stored row with the
    ledger's record at its key and merging with what others saved since the read."""
    conn, ledger, lid, origin = save.conn, save.ledger, save.ledger_id, save.origin
    table = RECORD_TABLES[kind.name]
    codec = CODECS[kind.name]
    save.step.at(kind.name)
    stored = conn.execute(select(table).where(table.c.ledger_id == lid))
    decode = codec.decoder(tuple(stored.keys()), ledger.registry)
    old_rows: dict[str, Any] = {}
    old_records: dict[str, Any] = {}
    for stored_row in stored:
        mapping = stored_row._mapping
        old_rows[mapping["id"]] = mapping
        # a row that is no longer a valid record: whatever the ledger holds replaces it
        with contextlib.suppress(RowError):
            old_records[mapping["id"]] = decode(stored_row)
    if not old_rows and origin is None:  # (a new ledger, or a kind new to it)
        insert_all(save, kind)
        return
    # with an origin: the versions read and the records as read, by key
    read: Mapping[str, int] | None = None
    as_read: dict[str, Any] = {}
    if origin is not None:
        read = origin.versions.get(kind.name, {})
        seen_read: set[str] = set()
        for record in origin.records.get(kind.name, ()):
            as_read[record_key(kind, record, seen_read)] = record
    versions = save.versions.setdefault(kind.name, {})
    writes = KindWrites()
    moves: list[tuple[str, int]] = []
    kept: list[str] = []  # what others saved since the read, left as it is
    keys: list[str] = []
    unchanged = 0
    seen: set[str] = set()
    for position, record in enumerate(ledger.records(kind.name)):
        key = record_key(kind, record, seen)
        keys.append(key)
        old = old_rows.get(key)
        if read is not None and key in read:
            before = as_read.get(key)
            if record is before or record == before:  # not changed here since the read
                if old is not None and old_records.get(key) == record:
                    unchanged += 1
                    versions[key] = old["version"]
                    if old["position"] != position:
                        moves.append((key, position))
                else:  # changed or deleted by someone else since: theirs stays
                    versions[key] = read[key]
                    kept.append(key)
                continue
        if old is not None and old_records.get(key) == record:
            unchanged += 1
            versions[key] = old["version"]
            if old["position"] != position:
                moves.append((key, position))
            continue
        if read is not None:
            check_unseen(
                kind.name,
                key,
                read.get(key),
                old,
                lambda: bool(old_records.get(key) == as_read.get(key)),  # noqa: B023
            )
        _stage(save, kind, codec, versions, key, position, record, old, writes)
    for key, old in old_rows.items():
        if key in seen:
            continue
        if read is not None:
            if key not in read:  # added by someone else since the read: it stays
                kept.append(key)
                continue
            check_unseen(
                kind.name,
                key,
                read[key],
                old,
                lambda: bool(old_records.get(key) == as_read.get(key)),  # noqa: B023
            )
        writes.deleted.append(old)
    if save.refused:  # nothing more is written: the save is refused after the checks
        return
    _write_kind(save, kind, table, codec, writes)
    _move(save, kind, table, moves)
    if kept:
        save.kept += len(kept)
        merged = dict(zip(keys, ledger.records(kind.name), strict=True))
        for key in kept:
            theirs = old_records.get(key)
            if theirs is None:
                merged.pop(key, None)
            else:
                merged[key] = theirs
        save.merged[kind.name] = list(merged.values())
    save.counted(kind, len(writes.inserts), len(writes.updates), len(writes.deleted), unchanged)


def save_changes(save: SaveContext, kind: RecordKind, changes: KindChanges) -> None:
    """Write ``changes`` (what :func:`save_kind` would find, told without reading every
    row): the same rows, versions and audit entries."""
    conn, lid = save.conn, save.ledger_id
    table = RECORD_TABLES[kind.name]
    codec = CODECS[kind.name]
    assert save.origin is not None
    read = save.origin.versions.get(kind.name, {})
    save.step.at(kind.name)
    # (a kind with no record changed keeps the versions read, not a copy of them)
    changed = bool(changes.inserted or changes.updated or changes.deleted)
    versions: dict[str, int] = dict(read) if changed else read  # type: ignore[assignment]
    save.versions[kind.name] = versions
    previous: dict[str, Mapping[Any, Any]] = {}
    wanted = [key for key, _, _ in changes.updated] + changes.deleted
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        rows = conn.execute(select(table).where(table.c.ledger_id == lid, table.c.id.in_(chunk)))
        previous.update((row["id"], row) for row in rows.mappings())
    writes = KindWrites()
    for key, position, record in changes.inserted + changes.updated:
        _stage(save, kind, codec, versions, key, position, record, previous.get(key), writes)
    for key in changes.deleted:
        gone = previous.get(key)
        if gone is None:  # (a writer outside the API deleted it)
            raise conflict(kind.name, key, "was deleted by someone else", "已被他人删除")
        writes.deleted.append(gone)
        versions.pop(key, None)
    if save.refused:
        return
    _write_kind(save, kind, table, codec, writes)
    _move(save, kind, table, changes.moved)
    save.counted(
        kind, len(writes.inserts), len(writes.updates), len(writes.deleted), changes.unchanged
    )


def insert_all(save: SaveContext, kind: RecordKind) -> None:
    """Insert every record of ``kind`` (none stored, none read): what :func:`save_kind`
    does then, in one pass without its comparisons (the same rows and entries).

    A batch's rows are made as the database takes them, then their audit entries the same way
    (:func:`~.bulk.insert_rows`): into PostgreSQL the server stores each row while the next
    are made, instead of after all of them. Into SQLite a batch is made whole: its records
    dumped in one call, their audit texts, and, when none holds a NUL (as nearly always), the
    dumps themselves are its rows, the ledger id, keys, positions and first version given
    beside them rather than put in each (at 100,000 cadres a tenth of the save's own Python
    work: 0.25 s of a 5.4 s save); a batch with a NUL goes record by record, each noted for
    the refusal."""
    lid, audit = save.ledger_id, save.audit
    table = RECORD_TABLES[kind.name]
    codec = CODECS[kind.name]
    records = save.ledger.records(kind.name)
    versions = save.versions.setdefault(kind.name, {})
    keys = record_keys(kind, records)
    dump, after_text, row_of = codec.dump, codec.after_text, codec.row_in_place
    as_text = save.conn.dialect.name == "sqlite"  # (days as SQLite stores them: see insert_rows)
    made: list[tuple[str, str]] = []  # (key, after) of the batch's rows made so far

    def rows(start: int, dumps: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for position, dumped in enumerate(dumps, start):
            key = keys[position]
            after = after_text(dumped)
            if NUL_IN_JSON in after and save.refuse_nul(kind.name, key, dumped):
                continue
            row = row_of(dumped, days_as_text=as_text)
            row["ledger_id"], row["id"], row["position"], row["version"] = lid, key, position, 1
            made.append((key, after))
            versions[key] = 1
            yield row

    inserted = 0
    for start in range(0, len(records), BULK_ROWS):  # (memory bounded by a batch's rows)
        stop = min(start + BULK_ROWS, len(records))
        one = keys[start] if stop - start == 1 else None
        # into SQLite a batch's rows are all made before the driver takes them, so its records
        # are dumped at once; into PostgreSQL each as the server stores the one before
        if not as_text:
            dumps: Iterable[dict[str, Any]] = map(dump, records[start:stop])
        else:
            dumps = dumped = codec.dump_all(records[start:stop])
            afters = list(map(after_text, dumped))
            if not any(map(contains, afters, repeat(NUL_IN_JSON))):
                # (no text the store cannot keep, as nearly always: the batch as a whole, its
                # rows the dumps themselves, their keys and positions handed beside them)
                codec.rows_in_place(dumped, days_as_text=True)
                batch_keys = keys[start:stop]
                _insert_batch(
                    save,
                    kind,
                    table,
                    dumped,
                    record_id=one,
                    json_form=True,
                    fixed={"ledger_id": lid, "version": 1},
                    each={"id": batch_keys, "position": range(start, stop)},
                )
                versions.update(dict.fromkeys(batch_keys, 1))
                inserted += stop - start
                audit.append_inserts(lid, kind.name, zip(batch_keys, afters, strict=True))
                continue
        batch = rows(start, dumps)
        _insert_batch(save, kind, table, batch, record_id=one, json_form=as_text)
        inserted += len(made)
        audit.append_inserts(lid, kind.name, made)
        made.clear()
    save.counted(kind, inserted, 0, 0, 0)


def _insert_batch(
    save: SaveContext,
    kind: RecordKind,
    table: Table,
    rows: Iterable[dict[str, Any]],
    *,
    record_id: str | None = None,
    json_form: bool = False,
    fixed: Mapping[str, Any] | None = None,
    each: Mapping[str, Iterable[Any]] | None = None,
) -> None:
    """Insert ``rows`` of ``kind`` (none, once the save is to be refused: they are made all
    the same, so that every record is checked); ``record_id``: the one record they are, if
    they are one, for the error if the database refuses it; ``json_form``, ``fixed`` and
    ``each``: as :func:`~.bulk.insert_rows` takes them."""
    if save.refused:
        for _ in rows:
            pass
        return
    save.step.at(kind.name, record_id)
    try:
        insert_rows(save.conn, table, rows, json_form=json_form, fixed=fixed, each=each)
    except IntegrityError:  # a writer outside this API came in between
        raise added_meanwhile(kind.name) from None


# =============================================================================================
# Writing a kind's rows
# =============================================================================================


def _stage(
    save: SaveContext,
    kind: RecordKind,
    codec: Codec,
    versions: dict[str, int],
    key: str,
    position: int,
    record: Any,
    old: Mapping[Any, Any] | None,
    writes: KindWrites,
) -> None:
    """Stage ``record`` at ``position`` to be inserted (``old`` None: with its audit entry,
    made now) or to replace the stored ``old``, and note its new version; a record holding
    text the store cannot keep is noted for the refusal instead."""
    dumped = codec.dump(record)
    after = codec.after_text(dumped)
    if NUL_IN_JSON in after and save.refuse_nul(kind.name, key, dumped):
        return
    row = codec.row(dumped)
    row.update(ledger_id=save.ledger_id, id=key, position=position)
    if old is None:
        row["version"] = 1
        writes.inserts.append(row)
        save.audit.append("insert", save.ledger_id, kind.name, key, None, after)
    else:
        row["version"] = old["version"] + 1
        writes.updates.append((old, row, after))
    versions[key] = row["version"]


def _write_kind(
    save: SaveContext, kind: RecordKind, table: Table, codec: Codec, writes: KindWrites
) -> None:
    """Insert, update (each where its version is still the one read) and delete rows of
    ``kind``, with the audit entries of the updates and deletions (an insert's entry is
    made as the row is staged)."""
    inserts = writes.inserts
    _insert_batch(
        save, kind, table, inserts, record_id=inserts[0]["id"] if len(inserts) == 1 else None
    )
    for previous, row, after in writes.updates:
        values = {k: v for k, v in row.items() if k not in ("ledger_id", "id")}
        _write_row(save, kind, table, codec, table.update().values(**values), previous, after)
    for gone in writes.deleted:
        _write_row(save, kind, table, codec, table.delete(), gone, None)


def _write_row(
    save: SaveContext,
    kind: RecordKind,
    table: Table,
    codec: Codec,
    statement: Update | Delete,
    stored: Mapping[Any, Any],
    after: str | None,
) -> None:
    """Run ``statement`` (an update; a delete, ``after`` None) on the stored row ``stored``
    where its version is still the one read, and append its audit entry."""
    key = stored["id"]
    save.step.at(kind.name, key)
    written = save.conn.execute(
        statement.where(
            table.c.ledger_id == save.ledger_id,
            table.c.id == key,
            table.c.version == stored["version"],
        )
    )
    if written.rowcount != 1:
        raise conflict(kind.name, key, "was changed by someone else", "已被他人修改")
    save.audit.append(
        "update" if after is not None else "delete",
        save.ledger_id,
        kind.name,
        key,
        canonical_json(codec.row_json(stored)),
        after,
    )


def _move(save: SaveContext, kind: RecordKind, table: Table, moves: list[tuple[str, int]]) -> None:
    """Set the position of each (key, position) of ``moves``: records that stay as they are."""
    if not moves:
        return
    save.step.at(kind.name)
    save.conn.execute(
        table.update()
        .where(table.c.ledger_id == save.ledger_id, table.c.id == bindparam("b_id"))
        .values(position=bindparam("b_position")),
        [{"b_id": key, "b_position": position} for key, position in moves],
    )
