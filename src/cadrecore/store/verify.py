"""Verifying a store's audit trail, and saying what is damaged rather than failing on it.

``audit verify`` is what a bureau runs when it suspects the store, so it must answer on any
store: one whose tables were changed by hand, a date that is no date, JSON cut short, text in a
number column, a column dropped, the schema version table holding two rows. So every table is
read as the database driver gives it (no SQLAlchemy result processing, which raises on the
first bad value) and each value is converted here, one by one: a value that cannot be what its
column holds is a ``damaged`` problem naming the table, the row (a record's id, an entry's
``seq``, a row number) and the column, never the value (it may be personal data); the rest of
the store is checked as usual.

Then the chain: every entry's hash (its signature, for a signed entry whose key is given), the
``seq`` numbers and the ``prev_hash`` links, signed entries never followed by unsigned ones,
the checkpoints given; and every record against the last entry about it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import SQLAlchemyError

from .._gc import collector_paused
from ..i18n import Text
from ..models import RECORD_KINDS
from ..progress import Progress
from .audit import GENESIS_HASH, RECORD_ACTIONS, AuditEntry, AuditProblem, AuditVerification
from .audit_keys import AuditKeys
from .checkpoints import AuditCheckpoint
from .codec import CODECS, JURISDICTION_CODEC, JURISDICTION_KIND, Codec, canonical_json
from .raw_values import (
    EMPTY,
    Bad,
    converter,
    json_text,
    parse_json,
    table_converters,
    tolerant_text,
    whole,
)
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
)
from .verify_fast import quick_verification

if TYPE_CHECKING:
    from .store import Store

#: The columns an entry's hash covers: without all of them no hash can be checked.
HASHED = ("seq", "at", "actor", "action", "ledger_id", "kind", "record_id", "before", "after")
_REQUIRED = frozenset(AUDIT_COLUMNS) - {"before", "after", "key_id"}
#: An entry's ``after`` that could not be read (the damage is reported once, where it is).
UNREADABLE: Any = object()
#: How many rows are checked between two progress reports.
PROGRESS_EVERY = 5000


def verify_store(
    store: Store,
    *,
    check_records: bool = True,
    keys: AuditKeys | None = None,
    against: Sequence[AuditCheckpoint] = (),
    progress: Progress | None = None,
) -> AuditVerification:
    """See :func:`cadrecore.store.verify_audit`."""
    keys = AuditKeys.from_env() if keys is None else keys
    with collector_paused(), contextlib.suppress(SQLAlchemyError), store.reading() as conn:
        quick = quick_verification(
            conn,
            store.dialect,
            check_records=check_records,
            keys=keys,
            against=against,
            progress=progress,
        )
        if quick is not None:  # a sound store (else the careful run says what is wrong)
            return quick
    run = _Run(store.dialect, keys, tuple(against))
    run.progress = progress
    try:
        with store.reading() as conn, tolerant_text(conn):
            run.conn = conn
            run.read_columns()
            run.versions()
            run.schema()
            if progress:
                run.count_rows(check_records)
            if AUDIT_TABLE in run.stored:
                run.chain()
                run.against_checkpoints()
                if check_records:
                    run.records()
    except SQLAlchemyError as exc:  # a store the driver cannot read further (a corrupt file)
        run.unreadable(exc)
    if progress:  # (also when a table was not read, or cut short: the step ends where it is)
        progress("verify", run.done, run.done)
    return run.result()


# =============================================================================================
# One verification
# =============================================================================================


@dataclass
class _Run:
    dialect: str
    keys: AuditKeys
    against: tuple[AuditCheckpoint, ...]
    conn: Any = None
    stored: dict[str, dict[str, str]] = field(default_factory=dict)
    damage: list[AuditProblem] = field(default_factory=list)
    chained: list[AuditProblem] = field(default_factory=list)
    anchored: list[AuditProblem] = field(default_factory=list)
    found: list[AuditProblem] = field(default_factory=list)
    count: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS_HASH
    head_key_id: str | None = None
    checked: int = 0
    signed: int = 0
    signatures_checked: int = 0
    first_signed: int | None = None
    key_ids: list[str] = field(default_factory=list)
    #: (ledger, kind, record) -> (seq, after) of the last entry about it
    last: dict[tuple[str, str, str], tuple[int, Any]] = field(default_factory=dict)
    #: records an entry with an unreadable ``seq`` is about (their last entry is unknown)
    doubtful: set[tuple[str, str, str]] = field(default_factory=set)
    #: seq -> hash, for the entries the checkpoints name
    noted: dict[int, str | None] = field(default_factory=dict)
    reading: str = ""
    progress: Progress | None = None
    #: rows to check (counted first, only for ``progress``), and rows checked
    total: int = 0
    done: int = 0

    def rows(self, table: str, columns: Sequence[str], order: str | None = None) -> Any:
        self.reading = table
        sql = f"SELECT {', '.join(map(quoted, columns))} FROM {quoted(table)}"
        if order is not None:
            sql += f" ORDER BY {quoted(order)}"
        return self.conn.exec_driver_sql(sql, execution_options={"stream_results": True})

    def result(self) -> AuditVerification:
        return AuditVerification(
            self.count,
            self.head_seq,
            self.head_hash,
            self.checked,
            tuple(self.damage + self.chained + self.anchored + self.found),
            signed=self.signed,
            signatures_checked=self.signatures_checked,
            first_signed=self.first_signed,
            key_ids=tuple(self.key_ids),
            keys_given=self.keys.ids,
            checkpoints=self.against,
            head_key_id=self.head_key_id,
        )

    def unreadable(self, exc: SQLAlchemyError) -> None:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:200]
        table = self.reading or "?"
        self.damage.append(
            AuditProblem(
                "damaged",
                Text(
                    f"表 {table} 无法读取（{reason}），核验在此中止",
                    f"table {table} cannot be read ({reason}): the verification stopped there",
                ),
                table=table,
            )
        )

    def count_rows(self, check_records: bool) -> None:
        """The rows the chain and (``check_records``) the records read, for ``progress``."""
        tables = [AUDIT_TABLE] if "seq" in self.stored.get(AUDIT_TABLE, {}) else []
        if check_records:
            tables += [LEDGERS, *(k.name for k in RECORD_KINDS)]
        for table in tables:
            if table in self.stored:
                self.reading = table
                sql = f"SELECT COUNT(*) FROM {quoted(table)}"
                self.total += int(self.conn.exec_driver_sql(sql).scalar_one())
        assert self.progress is not None
        self.progress("verify", 0, self.total)

    def advanced(self, rows: int) -> None:
        """``rows`` more rows checked (called every :data:`PROGRESS_EVERY` rows, and at the
        end of a table)."""
        self.done += rows
        if self.progress:
            self.progress("verify", self.done, max(self.total, self.done))

    # --- the schema ---------------------------------------------------------------------------

    def read_columns(self) -> None:
        self.reading = "information_schema" if self.dialect == "postgresql" else "sqlite_master"
        self.stored = stored_columns(self.conn.exec_driver_sql(columns_sql(self.dialect)))

    def versions(self) -> None:
        table = VERSION_TABLE
        if "version_num" not in self.stored.get(table, {}):
            self.damage.append(
                AuditProblem(
                    "damaged",
                    Text(
                        f"缺少表 {table}（或其列 version_num）：数据库结构版本不明",
                        f"table {table} (or its column version_num) is missing: the schema "
                        "revision is unknown",
                    ),
                    table=table,
                    column="version_num",
                )
            )
            return
        values = [_text_or_none(v) for v in self.rows(table, ["version_num"]).scalars()]
        if not values:
            self.damage.append(
                AuditProblem(
                    "damaged",
                    Text(
                        f"表 {table} 没有任何行（应有 1 行：数据库结构版本）",
                        f"table {table} holds no row (one expected: the schema revision)",
                    ),
                    table=table,
                    column="version_num",
                )
            )
            return
        if len(values) == 1:
            if values[0] != HEAD:
                self.damage.append(_version_problem(1, values[0], f"不是 {HEAD}", f"not {HEAD}"))
            return
        keep = values.index(HEAD) if HEAD in values else 0
        for number, value in enumerate(values, 1):
            if number - 1 != keep:
                self.damage.append(
                    _version_problem(
                        number,
                        value,
                        f"多出的一行（应只有 1 行），共 {len(values)} 行",
                        f"an extra row (one expected), {len(values)} rows in all",
                    )
                )

    def schema(self) -> None:
        for difference in schema_differences(self.stored):
            self.damage.append(
                AuditProblem(
                    "damaged",
                    difference.message,
                    table=difference.table,
                    column=difference.column,
                )
            )

    # --- the chain ----------------------------------------------------------------------------

    def chain(self) -> None:
        present = self.stored[AUDIT_TABLE]
        columns = [name for name in AUDIT_COLUMNS if name in present]
        if "seq" not in columns:
            return  # (no order, no links: the missing column is the finding)
        hashable = all(name in present for name in (*HASHED, "prev_hash", "hash", "key_id"))
        converters = {name: _audit_converter(name, self.dialect) for name in columns}
        watched = {c.seq for c in self.against}
        state = _Chain()
        number = 0
        for number, raw in enumerate(self.rows(AUDIT_TABLE, columns, "seq"), 1):
            if not number % PROGRESS_EVERY:
                self.advanced(PROGRESS_EVERY)
            values = dict(zip(columns, raw, strict=True))
            try:
                seq = whole(values["seq"])
                if seq is None:
                    raise Bad(EMPTY)
            except Bad as bad:
                self.damage.append(_audit_damage(None, "seq", bad, number))
                lid, kind, rid = (values.get(name) for name in ("ledger_id", "kind", "record_id"))
                if isinstance(lid, str) and isinstance(kind, str) and isinstance(rid, str):
                    self.doubtful.add((lid, kind, rid))
                continue
            parsed: dict[str, Any] = {"seq": seq}
            damaged = False
            for name in columns:
                if name == "seq":
                    continue
                try:
                    parsed[name] = converters[name](values[name])
                    if parsed[name] is None and name in _REQUIRED:
                        raise Bad(EMPTY)
                except Bad as bad:
                    damaged = True
                    parsed[name] = UNREADABLE if name == "after" else None
                    self.damage.append(_audit_damage(seq, name, bad, number))
            if seq in watched:
                self.noted[seq] = parsed.get("hash")
            self.link(state, parsed, checkable=hashable and not damaged)
        self.advanced(number % PROGRESS_EVERY)
        if state.unsigned_from is not None:
            self.chained.append(_unsigned_after_signed(state))
        if self.keys and self.count and not self.signed:
            self.chained.append(
                AuditProblem(
                    "unsigned",
                    Text(
                        f"已提供审计密钥，但 {self.count} 条审计记录均未签名：若密钥刚刚设置，下次保存即开始签名，"
                        "并为此前所有记录担保；否则签名已被剥除、整条记录链被改写",
                        f"an audit key was given, but none of the {self.count} audit entries is "
                        "signed: if the key was set up only now, the next save signs the trail "
                        "and vouches for every entry before it; otherwise the signatures were "
                        "stripped and the whole trail rewritten",
                    ),
                )
            )

    def link(self, state: _Chain, parsed: Mapping[str, Any], *, checkable: bool) -> None:
        """One entry, in ``seq`` order: its place in the chain, its hash, its signature."""
        seq: int = parsed["seq"]
        self.count += 1
        if seq < state.expected_seq:
            self.chained.append(
                AuditProblem(
                    "edited",
                    Text(
                        f"审计记录序号 {seq} 不在顺序中（应从 {state.expected_seq} 起）",
                        f"audit entry seq {seq} is out of order ({state.expected_seq} expected)",
                    ),
                    seq=seq,
                )
            )
        elif seq != state.expected_seq:
            expected = state.expected_seq
            missing = f"{expected}" if seq == expected + 1 else f"{expected}–{seq - 1}"
            self.chained.append(
                AuditProblem(
                    "deleted",
                    Text(
                        f"审计记录 {missing} 已被删除（序号 {seq} 之前有缺口）",
                        f"audit entry {missing} was deleted (a gap before seq {seq})",
                    ),
                    seq=expected,
                )
            )
        elif (
            state.previous_hash is not None
            and parsed.get("prev_hash") is not None
            and parsed["prev_hash"] != state.previous_hash
        ):
            named = seq - 1 if seq > 1 else seq
            self.chained.append(
                AuditProblem(
                    "edited",
                    Text(
                        f"审计记录 {named} 被改动或替换（其哈希已重算）：记录 {seq} 的前一条哈希与之不符",
                        f"audit entry {named} was changed or replaced (with its hash recomputed): "
                        f"entry {seq} does not follow it",
                    ),
                    seq=named,
                )
            )
        key_id = parsed.get("key_id")
        if checkable:
            self.check_hash(
                AuditEntry(**{name: parsed[name] for name in AuditEntry.__dataclass_fields__})
            )
        if key_id is not None:
            self.signed += 1
            if self.first_signed is None:
                self.first_signed = seq
            if key_id not in self.key_ids:
                self.key_ids.append(key_id)
            state.last_signed = seq
        elif state.last_signed is not None and checkable:
            if state.unsigned_from is None:
                state.unsigned_from, state.signed_before = seq, state.last_signed
            state.unsigned_count += 1
        if (
            parsed.get("action") in RECORD_ACTIONS
            and all(parsed.get(name) is not None for name in ("ledger_id", "kind", "record_id"))
            and "after" in parsed
        ):
            record = (parsed["ledger_id"], parsed["kind"], parsed["record_id"])
            self.last[record] = (seq, parsed["after"])
        state.expected_seq = seq + 1
        state.previous_hash = parsed.get("hash")
        self.head_seq, self.head_hash = seq, parsed.get("hash") or ""
        self.head_key_id = key_id

    def check_hash(self, entry: AuditEntry) -> None:
        if entry.key_id is None:
            if entry.expected_hash() != entry.hash:
                self.chained.append(
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
            return
        key = self.keys.get(entry.key_id)
        if key is None:
            if self.keys and entry.key_id not in self.key_ids:  # (said once per key)
                self.chained.append(
                    AuditProblem(
                        "unknown_key",
                        Text(
                            f"自审计记录 {entry.seq} 起有记录以密钥编号 {entry.key_id} 签名，"
                            f"但未提供该密钥（已提供：{', '.join(self.keys.ids)}），无法核验："
                            "轮换密钥后请保留旧密钥",
                            f"entries from {entry.seq} on are signed with key id {entry.key_id}, "
                            f"which was not given (given: {', '.join(self.keys.ids)}): they "
                            "cannot be checked; keep old keys after a rotation",
                        ),
                        seq=entry.seq,
                    )
                )
            return
        self.signatures_checked += 1
        if entry.expected_hash(key.secret) != entry.hash:
            self.chained.append(
                AuditProblem(
                    "edited",
                    Text(
                        f"审计记录 {entry.seq} 已被改动（{entry.kind} {entry.record_id}）：签名与内容不符",
                        f"audit entry {entry.seq} was edited ({entry.kind} {entry.record_id}): "
                        "its signature does not match its content",
                    ),
                    seq=entry.seq,
                    kind=entry.kind,
                    record_id=entry.record_id,
                    ledger_id=entry.ledger_id,
                )
            )

    # --- checkpoints --------------------------------------------------------------------------

    def against_checkpoints(self) -> None:
        for checkpoint in self.against:
            seq, label = checkpoint.seq, checkpoint.label
            if seq == 0:
                continue
            if seq > self.head_seq:
                self.anchored.append(
                    AuditProblem(
                        "truncated",
                        Text(
                            f"审计记录止于第 {self.head_seq} 条，但检查点 {label} 记有第 {seq} 条："
                            f"第 {self.head_seq + 1}–{seq} 条（及其后各条）连同其写入的数据已被删除",
                            f"the audit trail ends at entry {self.head_seq}, but the checkpoint "
                            f"{label} names entry {seq}: entries {self.head_seq + 1}–{seq} (and "
                            "any after them) were cut off, with whatever they wrote",
                        ),
                        seq=seq,
                    )
                )
                continue
            found = self.noted.get(seq)
            if found is None or not found.startswith(checkpoint.hash):
                self.anchored.append(
                    AuditProblem(
                        "rewritten",
                        Text(
                            f"第 {seq} 条审计记录与检查点 {label} 所记不符：此前的记录链已被改写"
                            "（或检查点属于另一个数据库）",
                            f"audit entry {seq} is not the one the checkpoint {label} names: the "
                            "trail up to it was rewritten (or the checkpoint is another store's)",
                        ),
                        seq=seq,
                    )
                )

    # --- the records --------------------------------------------------------------------------

    def records(self) -> None:
        tables: list[tuple[str, str, Codec]] = [(JURISDICTION_KIND, LEDGERS, JURISDICTION_CODEC)]
        tables += [(k.name, k.name, CODECS[k.name]) for k in RECORD_KINDS]
        present: set[tuple[str, str, str]] = set()
        unread: set[str] = set()
        for kind, table, codec in tables:
            if table not in self.stored:
                unread.add(kind)
                continue
            keys = ("id",) if table == LEDGERS else ("ledger_id", "id")
            columns = [name for name in expected_columns()[table] if name in self.stored[table]]
            if not all(name in columns for name in keys):
                unread.add(kind)
                continue
            converters = table_converters(table, self.dialect, self.stored[table])
            number = 0
            for number, raw in enumerate(self.rows(table, columns), 1):
                if not number % PROGRESS_EVERY:
                    self.advanced(PROGRESS_EVERY)
                values = dict(zip(columns, raw, strict=True))
                ids = [values[name] for name in keys]
                if not all(type(value) is str for value in ids):
                    self.damage.append(
                        AuditProblem(
                            "damaged",
                            Text(
                                f"表 {table} 有一行的编号不是文本，无法核对",
                                f"table {table} has a row whose key is not text: it cannot be "
                                "checked",
                            ),
                            table=table,
                            column="id",
                        )
                    )
                    continue
                record = (ids[0], kind, ids[-1])
                row: dict[str, Any] = {}
                for name in columns:
                    try:
                        row[name] = converters[name](values[name])
                    except Bad as bad:
                        self.damage.append(_record_damage(table, record, name, bad))
                self.checked += 1
                present.add(record)
                last = self.last.get(record)
                if (last is None and record in self.doubtful) or (
                    last is not None and last[1] is UNREADABLE
                ):
                    continue  # (its entry is damaged, and said so)
                self.found += _check_record(codec, row, record, last)
            self.advanced(number % PROGRESS_EVERY)
        for record, (seq, after) in self.last.items():
            if (
                after is not None
                and after is not UNREADABLE
                and record not in present
                and record[1] not in unread
            ):
                self.found.append(
                    AuditProblem(
                        "record_missing",
                        Text(
                            f"{record[1]} {record[2]} 已从数据库中删除，但审计记录中没有删除记录"
                            f"（最后一条：{seq}）",
                            f"{record[1]} {record[2]} is gone from the store without an audit "
                            f"entry saying so (its last entry is {seq})",
                        ),
                        seq=seq,
                        kind=record[1],
                        record_id=record[2],
                        ledger_id=record[0],
                    )
                )


@dataclass
class _Chain:
    expected_seq: int = 1
    previous_hash: str | None = GENESIS_HASH
    last_signed: int | None = None
    unsigned_from: int | None = None
    signed_before: int | None = None
    unsigned_count: int = 0


def _audit_converter(name: str, dialect: str) -> Callable[[Any], Any]:
    if name in ("before", "after"):
        return json_text
    return converter(AUDIT_COLUMNS[name], dialect)


def _text_or_none(value: Any) -> str | None:
    return value if type(value) is str else None


def _version_problem(number: int, value: str | None, zh: str, en: str) -> AuditProblem:
    shown = repr(value[:20]) if value is not None else "?"
    return AuditProblem(
        "damaged",
        Text(
            f"表 {VERSION_TABLE} 第 {number} 行 列 version_num（{shown}）：{zh}",
            f"table {VERSION_TABLE}, row {number}, column version_num ({shown}): {en}",
        ),
        table=VERSION_TABLE,
        column="version_num",
        row=number,
    )


def _audit_damage(seq: int | None, column: str, bad: Bad, number: int) -> AuditProblem:
    where = (
        Text(f"审计记录 {seq}", f"audit entry {seq}")
        if seq is not None
        else Text(f"按序第 {number} 行", f"row {number} in seq order")
    )
    return AuditProblem(
        "damaged",
        Text(
            f"表 {AUDIT_TABLE} {where.zh} 列 {column}：{bad.reason.zh}",
            f"table {AUDIT_TABLE}, {where.en}, column {column}: {bad.reason.en}",
        ),
        seq=seq,
        table=AUDIT_TABLE,
        column=column,
        row=number,
    )


def _record_damage(table: str, record: tuple[str, str, str], column: str, bad: Bad) -> AuditProblem:
    lid, kind, record_id = record
    return AuditProblem(
        "damaged",
        Text(
            f"表 {table} 记录 {record_id}（账册 {lid}）列 {column}：{bad.reason.zh}",
            f"table {table}, record {record_id} (ledger {lid}), column {column}: {bad.reason.en}",
        ),
        kind=kind,
        record_id=record_id,
        ledger_id=lid,
        table=table,
        column=column,
    )


def _unsigned_after_signed(state: _Chain) -> AuditProblem:
    first, before, more = state.unsigned_from, state.signed_before, state.unsigned_count - 1
    also = Text(f"（其后还有 {more} 条）", f" (and {more} more after it)") if more else Text("", "")
    return AuditProblem(
        "unsigned",
        Text(
            f"审计记录 {first} 未签名{also.zh}，但其前的第 {before} 条已签名：cadrecore 不会在已签名的"
            "记录之后写入未签名的记录，这些记录是在 cadrecore 之外写入或改写的",
            f"audit entry {first} is not signed{also.en}, though entry {before} before it is: "
            "cadrecore never appends an unsigned entry after a signed one, so it was written or "
            "rewritten outside cadrecore",
        ),
        seq=first,
    )


def _check_record(
    codec: Codec,
    row: Mapping[str, Any],
    key: tuple[str, str, str],
    last: tuple[int, str | None] | None,
) -> list[AuditProblem]:
    lid, kind, record_id = key
    if last is None or last[1] is None:
        return [
            AuditProblem(
                "record_unaudited",
                Text(
                    f"{kind} {record_id} 没有对应的审计记录（在审计之外写入，或其审计记录已被删除）",
                    f"{kind} {record_id} has no audit entry: it was written outside the API, "
                    "or its entries were removed",
                ),
                kind=kind,
                record_id=record_id,
                ledger_id=lid,
            )
        ]
    seq, after = last
    try:
        dumped = parse_json(after or "{}")
        if not isinstance(dumped, dict):
            raise TypeError
        expected = codec.row(dumped)
    except (Bad, ValueError, TypeError, ArithmeticError, RecursionError):
        return [
            AuditProblem(
                "damaged",
                Text(
                    f"表 {AUDIT_TABLE} 审计记录 {seq} 列 after：不是一条 {kind} 记录",
                    f"table {AUDIT_TABLE}, audit entry {seq}, column after: not a {kind} record",
                ),
                seq=seq,
                table=AUDIT_TABLE,
                column="after",
            )
        ]
    differing = sorted(
        name for name, value in expected.items() if name in row and not _equal(row[name], value)
    )
    if not differing:
        return []
    return [
        AuditProblem(
            "record_changed",
            Text(
                f"{kind} {record_id} 与其最后一条审计记录（{seq}）不符：{', '.join(differing)}",
                f"{kind} {record_id} differs from its last audit entry ({seq}) in "
                f"{', '.join(differing)}: changed outside the API, or later entries were removed",
            ),
            seq=seq,
            kind=kind,
            record_id=record_id,
            ledger_id=lid,
        )
    ]


def _equal(stored: Any, expected: Any) -> bool:
    if stored == expected:
        return True
    # JSON columns may come back with a different key order or number form; compare as JSON.
    try:
        return bool(canonical_json(stored) == canonical_json(expected))
    except (TypeError, ValueError):
        return False
