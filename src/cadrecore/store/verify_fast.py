"""The audit verification of a sound store, told at the speed of reading it.

:mod:`.verify` reads every value as the driver gives it and converts each on its own, so that a
damaged store is described value by value: right for saying what is wrong, several times the
cost of reading the rows. Nearly every store a bureau verifies is sound, so this module first
checks the same things the quick way, and gives up at the first sign of anything else (None):
the careful verification then runs from the start and says what it is. Its answer on a sound
store is the careful one's, field for field (a test holds the two to the same results on stores
damaged in every way the careful one describes).

The quick way: the rows read a batch at a time with the driver's cursor (no conversion, no row
objects); an entry's hash recomputed from the values as stored (its time put in the form the
hash covers without parsing it, the payload written by orjson, which gives the same bytes as the
standard library's canonical form for the strings and whole numbers it holds); and each record
compared with its last audit entry as a digest of its JSON form: the entry's ``after`` text
digested as the chain is read (not kept: memory stays bounded by a few dozen bytes a record),
the stored row put in the same JSON form and digested. Amounts are compared as numbers (a stored
amount keeps its column's places; the entry keeps the record's own digits).

Holds: one function, :func:`quick_verification`. Imports nothing above the store.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from operator import itemgetter
from typing import Any

import orjson

from ..models import RECORD_KINDS
from ..progress import Progress
from .audit import GENESIS_HASH, RECORD_ACTIONS, AuditVerification
from .audit_keys import AuditKeys
from .checkpoints import AuditCheckpoint
from .codec import CODECS, JURISDICTION_CODEC, JURISDICTION_KIND, Codec, canonical_json
from .reading import (
    AUDIT_COLUMNS,
    AUDIT_TABLE,
    HEAD,
    LEDGERS,
    VERSION_TABLE,
    columns_sql,
    expected_columns,
    quoted,
    schema_differences,
    stored_columns,
    table_shapes,
)

#: How many rows the driver hands over at a time.
BATCH = 5000
#: How many rows are checked between two progress reports (as the careful run reports).
PROGRESS_EVERY = 5000


class _NotSound(Exception):
    """Something the quick way does not describe: the careful verification will."""


def quick_verification(
    conn: Any,
    dialect: str,
    *,
    check_records: bool,
    keys: AuditKeys,
    against: Sequence[AuditCheckpoint],
    progress: Progress | None,
) -> AuditVerification | None:
    """The verification of the store ``conn`` reads (in a read transaction), if the store is
    sound; None if anything is not as a sound store's is (then ask :mod:`.verify`)."""
    try:
        return _Quick(conn, dialect, keys, tuple(against), progress).run(check_records)
    except _NotSound:
        return None
    except (UnicodeDecodeError, ValueError, TypeError, OverflowError, InvalidOperation):
        return None  # (a value the quick way cannot read: the careful way says which)
    except Exception as exc:  # a driver error (SQLite: text that is not UTF-8)
        if type(exc).__module__.split(".")[0] in ("sqlite3", "psycopg", "psycopg2"):
            return None
        raise


class _Quick:
    def __init__(
        self,
        conn: Any,
        dialect: str,
        keys: AuditKeys,
        against: tuple[AuditCheckpoint, ...],
        progress: Progress | None,
    ) -> None:
        self.conn = conn
        self.driver = conn.connection.driver_connection
        self.dialect = dialect
        self.keys = keys
        self.against = against
        self.progress = progress
        self.total = 0
        self.done = 0
        #: kind -> ledger -> record id -> digest of the JSON form its last entry gives
        #: (None: its last entry says it is gone)
        self.last: dict[str, dict[str, dict[str, bytes | None]]] = {}

    def rows(self, sql: str) -> Any:
        cursor = self.driver.cursor()
        cursor.execute(sql)
        while batch := cursor.fetchmany(BATCH):
            yield batch
        cursor.close()

    def advanced(self, rows: int) -> None:
        self.done += rows
        if self.progress:
            self.progress("verify", self.done, max(self.total, self.done))

    def run(self, check_records: bool) -> AuditVerification:
        stored = stored_columns(self.conn.exec_driver_sql(columns_sql(self.dialect)))
        if AUDIT_TABLE not in stored or any(True for _ in schema_differences(stored)):
            raise _NotSound
        versions = [v for (v,) in self.driver.execute(f"SELECT version_num FROM {VERSION_TABLE}")]
        if versions != [HEAD]:
            raise _NotSound
        tables = [LEDGERS, *(k.name for k in RECORD_KINDS)] if check_records else []
        if self.progress:
            for table in (AUDIT_TABLE, *tables):
                cursor = self.driver.cursor()
                cursor.execute(f"SELECT COUNT(*) FROM {quoted(table)}")
                self.total += int(cursor.fetchone()[0])
                cursor.close()
            self.progress("verify", 0, self.total)
        result = self.chain(check_records)
        if check_records:
            result.checked = self.records()
        if self.progress:
            self.progress("verify", self.done, self.done)
        return AuditVerification(
            result.count,
            result.head_seq,
            result.head_hash,
            result.checked,
            (),
            signed=result.signed,
            signatures_checked=result.signatures_checked,
            first_signed=result.first_signed,
            key_ids=tuple(result.key_ids),
            keys_given=self.keys.ids,
            checkpoints=self.against,
            head_key_id=result.head_key_id,
        )

    # --- the chain ----------------------------------------------------------------------------

    def chain(self, check_records: bool) -> _Chained:
        done = _Chained()
        names = list(AUDIT_COLUMNS)
        sql = f"SELECT {', '.join(map(quoted, names))} FROM {AUDIT_TABLE} ORDER BY seq"
        moment = _moment_text(self.dialect)
        watched = {c.seq: c for c in self.against if c.seq}
        noted: dict[int, str] = {}
        keys, last, sha256 = self.keys, self.last, hashlib.sha256
        loads = orjson.loads
        digests = {kind.name: _after_digest(CODECS[kind.name]) for kind in RECORD_KINDS}
        digests[JURISDICTION_KIND] = _after_digest(JURISDICTION_CODEC)
        expected, previous, last_signed = 1, GENESIS_HASH, False
        for batch in self.rows(sql):
            for (
                seq,
                at,
                actor,
                action,
                lid,
                kind,
                rid,
                before,
                after,
                prev,
                digest,
                key_id,
            ) in batch:
                if seq != expected or type(seq) is not int or prev != previous:
                    raise _NotSound
                payload = {
                    "seq": seq,
                    "at": moment(at),
                    "actor": actor,
                    "action": action,
                    "ledger_id": lid,
                    "kind": kind,
                    "record_id": rid,
                    "before": before,
                    "after": after,
                    "prev_hash": prev,
                }
                for value in (actor, action, lid, kind, rid, digest):
                    if type(value) is not str:
                        raise _NotSound
                for text in (before, after):  # (JSON, as the careful run requires)
                    if text is not None:
                        if type(text) is not str:
                            raise _NotSound
                        loads(text)
                if key_id is None:
                    if last_signed:
                        raise _NotSound  # (an unsigned entry after a signed one)
                    if sha256(_payload(payload)).hexdigest() != digest:
                        raise _NotSound
                else:
                    key = keys.get(key_id)
                    if key is not None:
                        payload["key_id"] = key_id
                        signature = hmac.new(key.secret, _payload(payload), hashlib.sha256)
                        if signature.hexdigest() != digest:
                            raise _NotSound
                        done.signatures_checked += 1
                    elif keys or type(key_id) is not str:
                        raise _NotSound  # (a key not given: the careful run names it)
                    last_signed = True
                    done.signed += 1
                    if done.first_signed is None:
                        done.first_signed = seq
                    if key_id not in done.key_ids:
                        done.key_ids.append(key_id)
                if seq in watched:
                    noted[seq] = digest
                if check_records and action in RECORD_ACTIONS:
                    of_kind = digests.get(kind)
                    if of_kind is None:  # (a kind this version of cadrecore does not know)
                        raise _NotSound
                    last.setdefault(kind, {}).setdefault(lid, {})[rid] = (
                        None if after is None else of_kind(after)
                    )
                expected, previous = seq + 1, digest
                done.head_key_id = key_id
            self.advanced(len(batch))
        done.count = done.head_seq = expected - 1
        done.head_hash = previous
        if keys and done.count and not done.signed:
            raise _NotSound  # (a key given, nothing signed: the careful run says what it means)
        for seq, checkpoint in watched.items():
            if seq > done.head_seq or not noted[seq].startswith(checkpoint.hash):
                raise _NotSound
        return done

    # --- the records --------------------------------------------------------------------------

    def records(self) -> int:
        checked = 0
        tables: list[tuple[str, str, Codec]] = [(JURISDICTION_KIND, LEDGERS, JURISDICTION_CODEC)]
        tables += [(k.name, k.name, CODECS[k.name]) for k in RECORD_KINDS]
        for kind, table, codec in tables:
            columns = list(expected_columns()[table])
            form = _row_form(codec, table, columns, self.dialect)
            keyed = table == LEDGERS
            key, lid_at = (
                columns.index("id"),
                (columns.index("id") if keyed else columns.index("ledger_id")),
            )
            of_kind = self.last.get(kind, {})
            sql = f"SELECT {', '.join(map(quoted, columns))} FROM {quoted(table)}"
            for batch in self.rows(sql):
                for row in batch:
                    lid, rid = row[lid_at], row[key]
                    if type(lid) is not str or type(rid) is not str:
                        raise _NotSound
                    held = of_kind.get(lid)
                    expected = held.pop(rid, None) if held is not None else None
                    if expected is None or form(row) != expected:
                        raise _NotSound  # (unaudited, or not as its last entry says)
                checked += len(batch)
                self.advanced(len(batch))
        for of_kind in self.last.values():  # records whose last entry has them, gone
            for held in of_kind.values():
                if any(digest is not None for digest in held.values()):
                    raise _NotSound
        return checked


class _Chained:
    def __init__(self) -> None:
        self.count = 0
        self.head_seq = 0
        self.head_hash = ""
        self.head_key_id: str | None = None
        self.signed = 0
        self.signatures_checked = 0
        self.first_signed: int | None = None
        self.key_ids: list[str] = []
        self.checked = 0


def _moment_text(dialect: str) -> Callable[[Any], str]:
    """An entry's time as its hash covers it (UTC, ISO 8601, microseconds) from the stored value:
    SQLite's naive UTC text (``2026-12-06 19:19:44.713821``), PostgreSQL's aware datetime."""

    def moment(value: Any) -> str:
        if type(value) is str and len(value) == 26 and value[10] == " ":
            return f"{value[:10]}T{value[11:]}+00:00"
        if type(value) is datetime and value.tzinfo is not None:
            return value.astimezone(UTC).isoformat(timespec="microseconds")
        raise _NotSound

    return moment


def _payload(payload: dict[str, Any]) -> bytes:
    """An entry's canonical JSON (:func:`~.codec.canonical_json`'s bytes), by orjson where it
    can (text and whole numbers: the same bytes), else by the standard library."""
    try:
        return orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)
    except (TypeError, orjson.JSONEncodeError):
        return canonical_json(payload).encode("utf-8")


def _digest(text: bytes) -> bytes:
    return hashlib.blake2b(text, digest_size=16).digest()


def _amount(value: Any) -> str:
    """An amount as a number, whatever its places (``1500`` and ``1500.00`` alike)."""
    if type(value) in (int, float, Decimal):
        number = Decimal(str(value)) if type(value) is float else Decimal(value)
    elif type(value) is str:
        number = Decimal(value)
    else:
        raise _NotSound
    return str(number.normalize())


def _after_digest(codec: Codec) -> Callable[[str], bytes]:
    """The digest of a record's JSON form from an entry's ``after`` text."""
    amounts = [s.name for s in codec.shapes if s.shape == "decimal"]
    if not amounts:
        return lambda after: _digest(after.encode("utf-8"))

    def digest(after: str) -> bytes:
        dumped = orjson.loads(after)
        if type(dumped) is not dict:
            raise _NotSound
        for name in amounts:
            if dumped.get(name) is not None:
                dumped[name] = _amount(dumped[name])
        return _digest(orjson.dumps(dumped, option=orjson.OPT_SORT_KEYS))

    return digest


def _row_form(
    codec: Codec, table: str, columns: list[str], dialect: str
) -> Callable[[Sequence[Any]], bytes]:
    """The digest of a stored row's JSON form (the record's fields as its entry's ``after``
    gives them, amounts as numbers), from the values as the driver gives them."""
    shapes = table_shapes(table)
    sqlite = dialect == "sqlite"
    names = codec.field_names
    # (text, closed sets, SQLite's dates and whole numbers are their JSON form as stored: a
    # value of another type gives other JSON, so another digest, and the careful run says why)
    converted: list[tuple[str, Callable[[Any], Any]]] = []
    for name in names:
        shape = shapes.get(name)
        kind = shape.shape if shape is not None else "str"
        if kind == "date" and not sqlite:
            converted.append((name, _date_text))
        elif kind == "decimal":
            converted.append((name, _amount))
        elif kind == "bool":
            converted.append((name, _yes_no))
        elif kind in ("list", "json") and sqlite:  # (JSON text in SQLite; psycopg parses it)
            converted.append((name, _json_of))
    indexes = [columns.index(name) for name in names]
    pick = itemgetter(*indexes) if len(indexes) > 1 else lambda row: (row[indexes[0]],)
    # the store's own columns (position, version), not in the record's form: their type only
    kinds = expected_columns()[table]
    own = [(columns.index(n), int if kinds[n] == "int" else str) for n in columns if n not in names]
    dumps, sort, digest = orjson.dumps, orjson.OPT_SORT_KEYS, _digest

    def form(row: Sequence[Any]) -> bytes:
        for index, holds in own:
            if row[index] is not None and type(row[index]) is not holds:
                raise _NotSound
        values = dict(zip(names, pick(row), strict=True))
        for name, convert in converted:
            value = values[name]
            if value is not None:
                values[name] = convert(value)
        try:
            return digest(dumps(values, option=sort))
        except (TypeError, orjson.JSONEncodeError):
            raise _NotSound from None

    return form


def _date_text(value: Any) -> str:
    if type(value) is not date:
        raise _NotSound
    return value.isoformat()


def _yes_no(value: Any) -> bool:
    if value is True or value is False:
        return value
    if type(value) is int and value in (0, 1):
        return bool(value)
    raise _NotSound


def _json_of(value: Any) -> Any:
    if type(value) is not str:
        raise _NotSound
    return orjson.loads(value)
