"""Why a write failed, said without the values being written.

A database error quotes what was written: SQLAlchemy's message lists the statement's parameters
(names, ID numbers, health notes), and PostgreSQL's own message can quote them too ("Failing
row contains (...)" after a check, ``invalid input syntax for type ...: "..."``). So the store's
engine hides parameters (``hide_parameters=True``), and a failed write is told from the driver's
stable codes (SQLite's error name, PostgreSQL's SQLSTATE) in words of our own: the store, the
table, the record when one row was being written, and why; never the driver's message. The
error raised does not chain the driver's exception either (see :func:`detached`): that
exception keeps the parameters, and a traceback or an error reporter would show them.

Imports only the layers below the store (errors, i18n) and the store's own codec.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from ..errors import Location, Problem
from ..i18n import Lang, Text, default_lang
from .codec import JURISDICTION_KIND
from .reading import StoreError


class StoreWriteError(StoreError):
    """Nothing was saved: a value the store cannot keep, or a write the database refused.

    ``problems`` say where (the store, the record kind and id, the field when it is known) and
    why, each with a stable ``code`` (``text.nul``, ``store.disk_full``...), in the run's
    language (``CADRECORE_LANG``); never a value of the records.
    """

    def __init__(self, problems: Sequence[Problem], *, source: str) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.source = source
        super().__init__(self.render())

    def render(self, lang: Lang | None = None, *, limit: int = 50) -> str:
        lang = lang or default_lang()
        head = Text("保存失败，未保存任何改动", "the save failed: nothing was saved")(lang)
        colon = ": " if lang == "en" else "："
        if len(self.problems) == 1:
            return f"{head}{colon}{self.problems[0].render(lang)}"
        lines = [head + colon.rstrip()]
        lines += [f"  - {p.render(lang)}" for p in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(f"  ... (+{len(self.problems) - limit})")
        return "\n".join(lines)


NUL_IN_TEXT = Text(
    "文本中含有 NUL 字符（\\x00），数据库不能保存：请删去该字符后再保存",
    "the text holds a NUL character (\\x00), which the store cannot keep: remove it and save again",
)


def nul_problem(source: str, kind: str, record_id: str, field: str) -> Problem:
    """A NUL character in ``field`` of a record being saved (refused before the database)."""
    return Problem(Location(source, None, field), NUL_IN_TEXT, kind, record_id, "text.nul")


@dataclass
class WriteStep:
    """What a write transaction is writing: the record kind and, when one row is being
    written, its id; for the error if the database refuses it."""

    kind: str | None = None
    record_id: str | None = None
    committing: bool = False

    def at(self, kind: str, record_id: str | None = None) -> None:
        self.kind, self.record_id = kind, record_id


# --- reasons -----------------------------------------------------------------------------------

_DISK_FULL = Text("磁盘已满：请腾出空间后重试", "the disk is full: free some space and try again")
_NUMBER = Text("数值超出数据库列的范围", "a number out of the range of the store's column")
_CONSTRAINT = Text(
    "数据库中的约束拒绝了该记录（可能是数据库管理员添加的检查）",
    "a constraint in the database refused the record (a check added to the database, say)",
)
_REASONS: dict[str, Text] = {
    "store.disk_full": _DISK_FULL,
    "store.read_only": Text(
        "数据库只读（没有写入权限，或磁盘为只读）",
        "the store is read-only (no permission to write, or a read-only disk)",
    ),
    "store.busy": Text(
        "数据库被其他程序占用，等待超时：请稍后重试",
        "the store is busy with another program and the wait timed out: try again later",
    ),
    "store.io_error": Text("读写磁盘出错", "the disk reported an error"),
    "store.damaged": Text("数据库文件已损坏", "the store's file is damaged"),
    "store.too_long": Text(
        "某个值超过了数据库列允许的长度", "a value is longer than the store's column allows"
    ),
    "store.number_too_large": _NUMBER,
    "store.constraint": _CONSTRAINT,
    "store.out_of_memory": Text("数据库内存不足", "the database ran out of memory"),
    "store.resources": Text("数据库资源不足", "the database ran out of resources"),
    "store.permission": Text("没有写入权限", "no permission to write"),
    "store.retry": Text(
        "与同时进行的其他写入冲突：请重试",
        "it clashed with another write at the same moment: try again",
    ),
    "store.cancelled": Text(
        "数据库取消了该操作（超时或停机）",
        "the database cancelled it (a time limit, or a shutdown)",
    ),
    "store.connection": Text("与数据库的连接中断", "the connection to the database was lost"),
    "text.nul": NUL_IN_TEXT,
}

#: SQLite's error names (``sqlite3.Error.sqlite_errorname``), by prefix: the first that matches.
_SQLITE = (
    ("SQLITE_FULL", "store.disk_full"),
    ("SQLITE_READONLY", "store.read_only"),
    ("SQLITE_PERM", "store.permission"),
    ("SQLITE_BUSY", "store.busy"),
    ("SQLITE_LOCKED", "store.busy"),
    ("SQLITE_IOERR", "store.io_error"),
    ("SQLITE_CORRUPT", "store.damaged"),
    ("SQLITE_NOTADB", "store.damaged"),
    ("SQLITE_TOOBIG", "store.too_long"),
    ("SQLITE_CONSTRAINT", "store.constraint"),
    ("SQLITE_NOMEM", "store.out_of_memory"),
)

#: PostgreSQL's SQLSTATEs, by prefix (a class or one condition): the first that matches.
_POSTGRES = (
    ("53100", "store.disk_full"),
    ("53200", "store.out_of_memory"),
    ("53", "store.resources"),
    ("22001", "store.too_long"),
    ("22003", "store.number_too_large"),
    ("23", "store.constraint"),
    ("25006", "store.read_only"),
    ("42501", "store.permission"),
    ("40", "store.retry"),
    ("57", "store.cancelled"),
    ("08", "store.connection"),
)

_WRITTEN_TABLE = re.compile(
    r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z_][A-Za-z0-9_]*)', re.IGNORECASE
)


def database_reason(exc: BaseException) -> tuple[str, Text]:
    """A stable code and our own words for why the database refused a write, from the
    driver's codes alone (its message can quote the values)."""
    if isinstance(exc, OverflowError):  # sqlite3: a Python int too large for INTEGER
        return "store.number_too_large", _NUMBER
    orig = getattr(exc, "orig", None)
    name = getattr(orig, "sqlite_errorname", None)
    if isinstance(name, str):
        for prefix, code in _SQLITE:
            if name.startswith(prefix):
                return code, _REASONS[code]
        return "store.database", _other(name)
    sqlstate = getattr(orig, "sqlstate", None)
    if isinstance(sqlstate, str):
        for prefix, code in _POSTGRES:
            if sqlstate.startswith(prefix):
                return code, _REASONS[code]
        return "store.database", _other(f"SQLSTATE {sqlstate} {type(orig).__name__}")
    if orig is not None:  # psycopg's own refusals, before the server: fixed texts
        if type(orig).__name__ == "DataError" and "NUL (0x00)" in str(orig):
            return "text.nul", NUL_IN_TEXT
        if type(orig).__name__ == "OperationalError":
            return "store.connection", _REASONS["store.connection"]
        return "store.database", _other(type(orig).__name__)
    return "store.database", _other(type(exc).__name__)


def _other(what: str) -> Text:
    return Text(f"数据库拒绝了写入（{what}）", f"the database refused the write ({what})")


def write_failure(exc: BaseException, *, source: str, step: WriteStep | None) -> StoreWriteError:
    """The error to raise for ``exc``, a database error during a write: the store, the table
    (from the statement's text, which holds no values), the record ``step`` says was being
    written if it is in that table, and the reason."""
    code, reason = database_reason(exc)
    statement = getattr(exc, "statement", None)
    found = _WRITTEN_TABLE.match(statement) if isinstance(statement, str) else None
    kind = found.group(1) if found else None
    if kind == "ledgers":
        kind = JURISDICTION_KIND
    record_id = None
    if step is not None and step.committing:
        kind = None
        reason = Text(f"提交时{reason.zh}", f"while committing, {reason.en}")
    elif step is not None and (kind is None or kind == step.kind):
        kind, record_id = step.kind, step.record_id
    return StoreWriteError(
        [Problem(Location(source), reason, kind, record_id, code)], source=source
    )


E = TypeVar("E", bound=BaseException)


def detached(error: E, *drivers: type[BaseException]) -> E:
    """``error`` with no exception of ``drivers`` left in its chain (as cause or context).

    ``raise ... from None`` only hides the context from a printed traceback: the driver's
    exception stays in ``__context__``, with the parameters, for an error reporter or a
    debugger to show. Call this outside the ``except`` block, then raise.
    """
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current.__cause__, drivers):
            current.__cause__ = None
        if isinstance(current.__context__, drivers):
            current.__context__ = None
        current = current.__cause__ or current.__context__
    return error
