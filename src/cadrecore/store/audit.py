"""The audit trail: every change to a store, append-only, chained, signed when a key is set.

Each entry says who changed what and when, with the record before and after (its JSON form, as
text), and carries ``hash``: a digest of a canonical JSON of the entry's own fields and the
previous entry's hash (``prev_hash``; the first entry's is 64 zeros). Database triggers refuse
UPDATE and DELETE on the table, so only someone who drops them (with direct access to the
database file or server) can tamper.

Without a key the digest is a plain SHA-256: editing an entry, or deleting one in the middle,
shows; but whoever can drop the triggers can also rewrite an entry and recompute every hash
after it, and nothing in the database tells. With an **audit key** (``CADRECORE_AUDIT_KEY``, or
a key file named by ``CADRECORE_AUDIT_KEY_FILE``), kept outside the database, the digest is an
HMAC-SHA-256 under the key and the entry carries ``key_id``, a fingerprint of the key (never the
key): a rewritten entry cannot be signed again without the key. Neither a key nor the records
show entries cut off the end of the trail together with the rows they wrote: a **checkpoint**
(:class:`AuditCheckpoint`), the head's ``seq`` and ``hash`` kept outside the store (a file, the
minutes of a meeting), does: no entry up to it can be removed or changed unseen.

This module holds the entries, the appender and the types a verification returns; the keys are
in :mod:`.audit_keys`, the checkpoints in :mod:`.checkpoints`, the verification in
:mod:`.verify`.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Connection, func, select

from ..i18n import Text
from .audit_keys import KEY_FILE_ENV, AuditKey, AuditKeys, unknown_signer, unsigned_after_signed
from .bulk import insert_rows
from .checkpoints import AuditCheckpoint
from .codec import canonical_bytes, canonical_bytes_in_order
from .schema import AUDIT_LOG

GENESIS_HASH = "0" * 64
Action = Literal["insert", "update", "delete", "baseline", "export_unmasked"]
#: Actions that change (or vouch for) a record; the others note an event (an unmasked export).
RECORD_ACTIONS = frozenset({"insert", "update", "delete", "baseline"})

#: SQL that makes the audit table append-only, by dialect (installed by migration 0002).
SQLITE_TRIGGERS = (
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
)
POSTGRESQL_TRIGGERS = (
    "CREATE FUNCTION audit_log_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$",
    "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_refuse()",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse()",
)


# =============================================================================================
# Entries
# =============================================================================================


@dataclass(frozen=True)
class AuditEntry:
    """One change: ``before`` and ``after`` are the record's JSON text (None when absent);
    ``key_id`` names the key that signed it (None: a plain SHA-256 entry)."""

    seq: int
    at: datetime
    actor: str
    action: str
    ledger_id: str
    kind: str
    record_id: str
    before: str | None
    after: str | None
    prev_hash: str
    hash: str
    key_id: str | None = None

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> AuditEntry:
        """An entry from a row of the audit table."""
        return cls(**{name: row[name] for name in cls.__dataclass_fields__})

    def expected_hash(self, key: bytes | None = None) -> str:
        """The hash this entry should carry, from its fields and ``prev_hash`` (and, for a
        signed entry, the ``key`` its ``key_id`` names)."""
        return entry_hash(
            seq=self.seq,
            at=self.at,
            actor=self.actor,
            action=self.action,
            ledger_id=self.ledger_id,
            kind=self.kind,
            record_id=self.record_id,
            before=self.before,
            after=self.after,
            prev_hash=self.prev_hash,
            key_id=self.key_id,
            key=key,
        )


def entry_hash(
    *,
    seq: int,
    at: datetime | str,
    actor: str,
    action: str,
    ledger_id: str,
    kind: str,
    record_id: str,
    before: str | None,
    after: str | None,
    prev_hash: str,
    key_id: str | None = None,
    key: bytes | None = None,
) -> str:
    """The entry's digest (hex) over its canonical JSON. These forms are frozen: old entries
    must verify.

    Unsigned (``key_id`` None): SHA-256 of the JSON of the ten fields. Signed: HMAC-SHA-256
    under ``key`` of the JSON of the ten fields and ``key_id``. ``at`` is written as UTC ISO
    8601 with microseconds (``2024-05-01T08:00:00.000000+00:00``; given as text, it is taken
    to be in that form already).
    """
    payload: dict[str, Any] = {
        "seq": seq,
        "at": at if isinstance(at, str) else at.isoformat(timespec="microseconds"),
        "actor": actor,
        "action": action,
        "ledger_id": ledger_id,
        "kind": kind,
        "record_id": record_id,
        "before": before,
        "after": after,
        "prev_hash": prev_hash,
    }
    if key_id is None:
        if key is not None:
            raise ValueError("an unsigned entry is hashed without a key")
        return hashlib.sha256(canonical_bytes(payload)).hexdigest()
    if key is None:
        raise ValueError(f"entry {seq} is signed (key id {key_id}): its hash needs that key")
    payload["key_id"] = key_id
    return hmac.new(key, canonical_bytes(payload), hashlib.sha256).hexdigest()


class AuditAppender:
    """Appends entries within the caller's write transaction, chained to the last one, signed
    with the current key of ``keys`` (None: the keys the environment gives).

    The caller holds the store's write lock, so the head read here stays the head. A trail
    whose last entry is signed is never continued unsigned, nor signed with a key that does
    not know the last one's (:class:`AuditKeyError`): a client without the key, or with the
    wrong one, cannot write. ``keyed_schema``: false only while migrating to a revision before
    signed entries (0004).
    """

    def __init__(
        self,
        conn: Connection,
        actor: str,
        at: datetime,
        keys: AuditKeys | None = None,
        *,
        keyed_schema: bool = True,
    ) -> None:
        self.conn = conn
        self.actor = actor
        self.at = at
        self.key: AuditKey | None = None
        columns = [AUDIT_LOG.c.seq, AUDIT_LOG.c.hash]
        if keyed_schema:
            columns.append(AUDIT_LOG.c.key_id)
        last = conn.execute(select(*columns).order_by(AUDIT_LOG.c.seq.desc()).limit(1)).first()
        if keyed_schema:
            keys = AuditKeys.from_env() if keys is None else keys
            signer = last.key_id if last is not None else None
            if signer is not None:
                if not keys:
                    raise unsigned_after_signed(signer)
                if keys.get(signer) is None:
                    raise unknown_signer(signer, keys)
            self.key = keys.current
        self.at_text = at.isoformat(timespec="microseconds")  # (hashed in every entry)
        self.seq = last.seq if last else 0
        self.head = last.hash if last else GENESIS_HASH
        self.pending: list[dict[str, Any]] = []
        self.count = 0

    def append(
        self,
        action: Action,
        ledger_id: str,
        kind: str,
        record_id: str,
        before: str | None,
        after: str | None,
    ) -> None:
        self.pending.append(self._entry(action, ledger_id, kind, record_id, before, after))
        if len(self.pending) >= 5000:
            self.flush()

    def append_inserts(
        self, ledger_id: str, kind: str, inserted: Iterable[tuple[str, str]]
    ) -> None:
        """An ``insert`` entry for each ``(record_id, after)`` of ``inserted``, in order, each
        made as the database takes the one before (on PostgreSQL, while the server stores the
        last ones, instead of after); the same entries :meth:`append` makes."""
        self.flush()
        entries = (
            self._entry("insert", ledger_id, kind, record_id, None, after)
            for record_id, after in inserted
        )
        insert_rows(self.conn, AUDIT_LOG, entries)

    def _entry(
        self,
        action: Action,
        ledger_id: str,
        kind: str,
        record_id: str,
        before: str | None,
        after: str | None,
    ) -> dict[str, Any]:
        """The next entry of the chain (its ``seq``, its hash): the trail's head moves to it."""
        self.seq += 1
        key = self.key
        # (entry_hash's definition, written out: a save appends an entry a record; the keys put
        # in their sorted order, so that orjson need not sort them: canonical_bytes_in_order)
        row: dict[str, Any] = {
            "action": action,
            "actor": self.actor,
            "after": after,
            "at": self.at_text,
            "before": before,
        }
        if key is not None:
            row["key_id"] = key.key_id
        row["kind"], row["ledger_id"], row["prev_hash"] = kind, ledger_id, self.head
        row["record_id"], row["seq"] = record_id, self.seq
        data = canonical_bytes_in_order(row)
        if key is None:
            digest = hashlib.sha256(data).hexdigest()
        else:
            digest = hmac.new(key.secret, data, hashlib.sha256).hexdigest()
        row["at"] = self.at
        row["hash"] = digest
        self.head = digest
        self.count += 1
        return row

    def flush(self) -> None:
        if self.pending:
            insert_rows(self.conn, AUDIT_LOG, self.pending)
            self.pending = []


def read_entries(
    conn: Connection,
    *,
    ledger_id: str | None = None,
    kind: str | None = None,
    record_id: str | None = None,
) -> Iterator[AuditEntry]:
    """Entries in ``seq`` order, optionally about one ledger, kind or record."""
    query = select(AUDIT_LOG).order_by(AUDIT_LOG.c.seq)
    if ledger_id is not None:
        query = query.where(AUDIT_LOG.c.ledger_id == ledger_id)
    if kind is not None:
        query = query.where(AUDIT_LOG.c.kind == kind)
    if record_id is not None:
        query = query.where(AUDIT_LOG.c.record_id == record_id)
    for row in conn.execute(query).mappings():
        yield AuditEntry.from_row(row)


def entry_count(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(AUDIT_LOG)).scalar_one())


@dataclass(frozen=True)
class AuditHead:
    """The last entry of a trail (``seq`` 0 and the genesis hash when it is empty)."""

    seq: int
    hash: str
    at: datetime | None
    key_id: str | None


def read_head(conn: Connection) -> AuditHead:
    last = conn.execute(
        select(AUDIT_LOG.c.seq, AUDIT_LOG.c.hash, AUDIT_LOG.c.at, AUDIT_LOG.c.key_id)
        .order_by(AUDIT_LOG.c.seq.desc())
        .limit(1)
    ).first()
    if last is None:
        return AuditHead(0, GENESIS_HASH, None, None)
    return AuditHead(last.seq, last.hash, last.at, last.key_id)


# =============================================================================================
# What a verification finds
# =============================================================================================

Finding = Literal[
    "edited",  # an entry whose hash (or signature) does not match its content
    "deleted",  # entries missing from the middle of the trail
    "unsigned",  # an entry without signature where one was due
    "unknown_key",  # an entry signed with a key not given
    "truncated",  # the trail ends before a checkpoint's entry
    "rewritten",  # a checkpoint's entry is not the one noted
    "damaged",  # a value, column, table or version row that cannot be what the schema says
    "record_changed",
    "record_unaudited",
    "record_missing",
]


@dataclass(frozen=True)
class AuditProblem:
    """One sign of tampering or damage: what (``finding``), where (``seq``, the record, or
    ``table``, ``row`` and ``column``), in words. Never quotes a stored value."""

    finding: Finding
    message: Text
    seq: int | None = None
    kind: str | None = None
    record_id: str | None = None
    ledger_id: str | None = None
    table: str | None = None
    column: str | None = None
    row: int | None = None

    def render(self, lang: Any = None) -> str:
        """The problem as one line in ``lang`` (default: the run's language)."""
        return self.message(lang)


@dataclass(frozen=True)
class AuditVerification:
    """The outcome of :func:`~cadrecore.store.verify_audit`: ``ok`` when nothing was found.

    ``problems`` are in order, the first one first: damage (tables, columns, values), then the
    chain (an edited entry names its ``seq``; deleted entries the missing ``seq`` numbers), the
    checkpoints, then the records (one that differs from its last entry: changed outside the
    API, or its latest entries cut off). :attr:`statements` says, in words, what could and
    could not be checked (no key, no checkpoint).
    """

    entries: int
    head_seq: int
    head_hash: str
    records_checked: int
    problems: tuple[AuditProblem, ...] = field(default=())
    #: entries carrying a signature, and how many of them were checked with a key given
    signed: int = 0
    signatures_checked: int = 0
    first_signed: int | None = None
    #: the key ids the entries carry, in order of first use
    key_ids: tuple[str, ...] = ()
    #: the ids of the keys given to the verification
    keys_given: tuple[str, ...] = ()
    checkpoints: tuple[AuditCheckpoint, ...] = ()
    head_key_id: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the audit trail is intact (no problem found)."""
        return not self.problems

    @property
    def first(self) -> AuditProblem | None:
        """The first problem found, or None."""
        return self.problems[0] if self.problems else None

    @property
    def statements(self) -> tuple[Text, ...]:
        """What was and was not checked, in plain words (the CLI prints them)."""
        said: list[Text] = []
        unsigned = self.entries - self.signed
        if not self.keys_given:
            said.append(
                Text(
                    "未提供审计密钥：有人若删除触发器、改写一条审计记录并重算其后的哈希链，无法发现；"
                    f"设置 {KEY_FILE_ENV} 后写入的记录带签名，可防此种改写",
                    "no audit key given: an entry rewritten with the hash chain recomputed after "
                    "it (by someone who dropped the triggers) cannot be detected; entries written "
                    f"with {KEY_FILE_ENV} set are signed, and such a rewrite of them is detected",
                )
            )
            if self.signed:
                said.append(
                    Text(
                        f"{self.signed} 条记录带签名（密钥编号 {', '.join(self.key_ids)}），"
                        "但未提供密钥，签名未核验",
                        f"{self.signed} entries are signed (key id {', '.join(self.key_ids)}) but "
                        "no key was given: their signatures were not checked",
                    )
                )
        elif self.signatures_checked:
            before = (
                Text(
                    f"；此前未签名的 {self.first_signed - 1} 条由第 {self.first_signed} 条的签名担保",
                    f"; the {self.first_signed - 1} unsigned entries before it are vouched for "
                    f"by entry {self.first_signed}'s signature",
                )
                if self.first_signed and self.first_signed > 1
                else Text("", "")
            )
            said.append(
                Text(
                    f"已用密钥核验 {self.signatures_checked} 条签名（自第 {self.first_signed} 条起）"
                    + before.zh,
                    f"{self.signatures_checked} signatures checked with the key (from entry "
                    f"{self.first_signed} on)" + before.en,
                )
            )
        elif self.signed:
            said.append(
                Text(
                    f"{self.signed} 条记录带签名（密钥编号 {', '.join(self.key_ids)}），"
                    "但所给密钥中没有这些密钥，签名未核验",
                    f"{self.signed} entries are signed (key id {', '.join(self.key_ids)}), with "
                    "none of the keys given: their signatures were not checked",
                )
            )
        elif self.entries:
            said.append(
                Text(
                    f"提供了密钥，但 {unsigned} 条记录均未签名",
                    f"a key was given, but none of the {unsigned} entries is signed",
                )
            )
        if self.checkpoints:
            last = max(self.checkpoints, key=lambda c: c.seq)
            said.append(
                Text(
                    f"已与 {len(self.checkpoints)} 个检查点核对：第 {last.seq} 条及之前的记录不可能被删改而不被发现；"
                    "其后的记录若连同其写入的数据一并删除，仍无法发现",
                    f"checked against {len(self.checkpoints)} checkpoint(s): nothing up to entry "
                    f"{last.seq} can have been removed or rewritten unseen; entries after it, "
                    "cut off together with the rows they wrote, cannot be detected",
                )
            )
        else:
            said.append(
                Text(
                    "未给检查点：从末尾删去的记录若连同其写入的数据一并删除，无法发现；"
                    "用 `cadrecore audit checkpoint` 记下当前末条，日后以 --against 核对",
                    "no checkpoint given: entries cut off the end of the trail together with the "
                    "rows they wrote cannot be detected; note the head with `cadrecore audit "
                    "checkpoint` and verify --against it later",
                )
            )
        return tuple(said)
