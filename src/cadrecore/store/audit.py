"""The audit trail: every change to a store, append-only and tamper-evident.

Each entry says who changed what and when, with the record before and after (its JSON form, as
text), and carries ``hash``: the SHA-256 of a canonical JSON of the entry's own fields and the
previous entry's hash (``prev_hash``; the first entry's is 64 zeros). Editing an entry changes
its hash; deleting one leaves a gap in ``seq`` and a ``prev_hash`` that points at nothing.
Database triggers refuse UPDATE and DELETE on the table, so only someone who drops them (with
direct access to the database file or server) can tamper, and :func:`verify_audit` says where.

The chain alone cannot see its last entries removed. So :func:`verify_audit` also compares every
record in the store with the last entry about it: a record changed without an entry, or whose
entries were cut off, shows up there. For a record kept outside the store (a printed report),
note :attr:`AuditVerification.head_hash`: an entry can never be changed behind a noted head.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Connection, func, insert, select

from ..i18n import Text
from .codec import canonical_json
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


@dataclass(frozen=True)
class AuditEntry:
    """One change: ``before`` and ``after`` are the record's JSON text (None when absent)."""

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

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> AuditEntry:
        return cls(**{name: row[name] for name in cls.__dataclass_fields__})

    def expected_hash(self) -> str:
        """The hash this entry should carry, from its fields and ``prev_hash``."""
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
        )


def entry_hash(
    *,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    ledger_id: str,
    kind: str,
    record_id: str,
    before: str | None,
    after: str | None,
    prev_hash: str,
) -> str:
    """SHA-256 (hex) of the entry's canonical JSON. This form is frozen: old entries must verify.

    ``at`` is written as UTC ISO 8601 with microseconds (``2024-05-01T08:00:00.000000+00:00``).
    """
    payload = {
        "seq": seq,
        "at": at.isoformat(timespec="microseconds"),
        "actor": actor,
        "action": action,
        "ledger_id": ledger_id,
        "kind": kind,
        "record_id": record_id,
        "before": before,
        "after": after,
        "prev_hash": prev_hash,
    }
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()


class AuditAppender:
    """Appends entries within the caller's write transaction, chained to the last one.

    The caller holds the store's write lock, so the head read here stays the head.
    """

    def __init__(self, conn: Connection, actor: str, at: datetime) -> None:
        self.conn = conn
        self.actor = actor
        self.at = at
        last = conn.execute(
            select(AUDIT_LOG.c.seq, AUDIT_LOG.c.hash).order_by(AUDIT_LOG.c.seq.desc()).limit(1)
        ).first()
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
        self.seq += 1
        digest = entry_hash(
            seq=self.seq,
            at=self.at,
            actor=self.actor,
            action=action,
            ledger_id=ledger_id,
            kind=kind,
            record_id=record_id,
            before=before,
            after=after,
            prev_hash=self.head,
        )
        self.pending.append(
            {
                "seq": self.seq,
                "at": self.at,
                "actor": self.actor,
                "action": action,
                "ledger_id": ledger_id,
                "kind": kind,
                "record_id": record_id,
                "before": before,
                "after": after,
                "prev_hash": self.head,
                "hash": digest,
            }
        )
        self.head = digest
        self.count += 1
        if len(self.pending) >= 5000:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.conn.execute(insert(AUDIT_LOG), self.pending)
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


# ---------------------------------------------------------------------------------------------
# Verification
# ---------------------------------------------------------------------------------------------

Finding = Literal["edited", "deleted", "record_changed", "record_unaudited", "record_missing"]


@dataclass(frozen=True)
class AuditProblem:
    """One sign of tampering: what (``finding``), where (``seq`` or the record), in words."""

    finding: Finding
    message: Text
    seq: int | None = None
    kind: str | None = None
    record_id: str | None = None
    ledger_id: str | None = None

    def render(self, lang: Any = None) -> str:
        return self.message(lang)


@dataclass(frozen=True)
class AuditVerification:
    """The outcome of :func:`verify_audit`: ``ok`` when the chain and the records agree.

    ``problems`` are in order, the first one first: an edited entry names its ``seq``; deleted
    entries name the missing ``seq`` numbers; a record that differs from its last entry (changed
    outside the API, or its latest entries cut off) names the record.
    """

    entries: int
    head_seq: int
    head_hash: str
    records_checked: int
    problems: tuple[AuditProblem, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first(self) -> AuditProblem | None:
        return self.problems[0] if self.problems else None


def verify_chain(entries: Iterator[AuditEntry]) -> tuple[int, int, str, list[AuditProblem]]:
    """Check ``seq`` continuity, ``prev_hash`` links and each entry's hash, in one pass."""
    problems: list[AuditProblem] = []
    expected_seq = 1
    previous_hash = GENESIS_HASH
    count = 0
    head_seq, head_hash = 0, GENESIS_HASH
    for entry in entries:
        count += 1
        if entry.seq != expected_seq:
            missing = (
                f"{expected_seq}"
                if entry.seq == expected_seq + 1
                else f"{expected_seq}–{entry.seq - 1}"
            )
            problems.append(
                AuditProblem(
                    "deleted",
                    Text(
                        f"审计记录 {missing} 已被删除（序号 {entry.seq} 之前有缺口）",
                        f"audit entry {missing} was deleted (a gap before seq {entry.seq})",
                    ),
                    seq=expected_seq,
                )
            )
        elif entry.prev_hash != previous_hash:
            named = entry.seq - 1 if entry.seq > 1 else entry.seq
            problems.append(
                AuditProblem(
                    "edited",
                    Text(
                        f"审计记录 {named} 被改动或替换（其哈希已重算）：记录 {entry.seq} 的前一条哈希与之不符",
                        f"audit entry {named} was changed or replaced (with its hash recomputed): "
                        f"entry {entry.seq} does not follow it",
                    ),
                    seq=named,
                )
            )
        if entry.expected_hash() != entry.hash:
            problems.append(
                AuditProblem(
                    "edited",
                    Text(
                        f"审计记录 {entry.seq} 已被改动（{entry.kind} {entry.record_id}）：哈希不符",
                        f"audit entry {entry.seq} was edited ({entry.kind} {entry.record_id}): "
                        "its hash does not match its content",
                    ),
                    seq=entry.seq,
                    kind=entry.kind,
                    record_id=entry.record_id,
                    ledger_id=entry.ledger_id,
                )
            )
        expected_seq = entry.seq + 1
        previous_hash = entry.hash
        head_seq, head_hash = entry.seq, entry.hash
    return count, head_seq, head_hash, problems
