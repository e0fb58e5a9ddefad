"""Checkpoints: the head of the audit trail, noted and kept outside the store.

Neither the hash chain nor a key shows entries cut off the end of the trail together with the
rows they wrote: what is left is a shorter trail that verifies. A checkpoint, the last entry's
``seq`` and ``hash`` noted at a moment (a small JSON file, or one line in the minutes of a
meeting), does: ``verify_audit(store, against=[checkpoint])`` requires that entry to be still
there with that hash, so nothing up to it was removed or rewritten.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .reading import StoreError

#: The first word of a checkpoint, in its file and in its one-line form.
CHECKPOINT_MARK = "cadrecore-audit-checkpoint"
_CHECKPOINT_LIMIT = 64 * 1024
#: The shortest hash a checkpoint may note (a copy in the minutes may keep only the start).
MIN_CHECKPOINT_HASH = 16
_LINE_FIELD = re.compile(r"\b(seq|hash|at|taken|key_id|store)=(\S+)")


class CheckpointError(StoreError):
    """A checkpoint that cannot be read or written: the file and the reason."""


@dataclass(frozen=True)
class AuditCheckpoint:
    """The head of a store's audit trail at a moment, to keep outside the store: ``seq`` and
    ``hash`` of its last entry (``at``: when that entry was written), and when the checkpoint
    was ``taken``. ``audit verify --against`` checks that the entry ``seq`` still has this
    hash: nothing up to it was removed or rewritten.

    Written as a small JSON file (:meth:`to_json`), or as one line for the minutes
    (:meth:`line`); :meth:`parse` reads either. ``hash`` may be a prefix of at least 16 hex
    digits (a copy written down by hand)."""

    seq: int
    hash: str
    at: datetime | None = None
    taken: datetime | None = None
    store: str | None = None
    key_id: str | None = None
    #: the file it was read from (not written)
    source: str | None = field(default=None, compare=False)

    def to_json(self) -> str:
        return (
            json.dumps(
                {
                    "format": f"{CHECKPOINT_MARK}/1",
                    "store": self.store,
                    "seq": self.seq,
                    "hash": self.hash,
                    "at": _iso(self.at),
                    "taken": _iso(self.taken),
                    "key_id": self.key_id,
                },
                ensure_ascii=False,
                indent=2,
            )
            + "\n"
        )

    def line(self) -> str:
        """The checkpoint on one line: ``cadrecore-audit-checkpoint seq=... hash=... at=...``."""
        parts = [CHECKPOINT_MARK, f"seq={self.seq}", f"hash={self.hash}"]
        if self.at is not None:
            parts.append(f"at={_iso(self.at)}")
        if self.taken is not None:
            parts.append(f"taken={_iso(self.taken)}")
        if self.key_id is not None:
            parts.append(f"key_id={self.key_id}")
        return " ".join(parts)

    @property
    def label(self) -> str:
        """How a message names it: its file, else when it was taken, else its entry."""
        if self.source:
            return self.source
        if self.taken is not None:
            return _iso(self.taken) or ""
        return f"seq={self.seq}"

    @classmethod
    def parse(cls, text: str, *, source: str | None = None) -> AuditCheckpoint:
        """A checkpoint from its JSON file or its line (``seq=`` and ``hash=`` required)."""
        where = source or "checkpoint"
        fields: dict[str, Any]
        if text.lstrip().startswith("{"):
            try:
                data = json.loads(text)
            except ValueError:
                raise _bad_checkpoint(where, "not valid JSON", "不是有效的 JSON") from None
            if not isinstance(data, dict):
                raise _bad_checkpoint(where, "not a checkpoint", "不是检查点")
            fields = data
        else:
            fields = {name: value for name, value in _LINE_FIELD.findall(text)}
            if CHECKPOINT_MARK not in text and not fields:
                raise _bad_checkpoint(where, "not a checkpoint", "不是检查点")
        seq = fields.get("seq")
        if isinstance(seq, str) and seq.isascii() and seq.isdigit():
            seq = int(seq)
        if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
            raise _bad_checkpoint(where, "no valid seq", "缺少有效的 seq（序号）")
        digest = fields.get("hash")
        if (
            not isinstance(digest, str)
            or not MIN_CHECKPOINT_HASH <= len(digest) <= 64
            or not re.fullmatch(r"[0-9a-fA-F]+", digest)
        ):
            raise _bad_checkpoint(
                where,
                "no valid hash (16 to 64 hex digits)",
                "缺少有效的 hash（16 至 64 位十六进制数字）",
            )
        store = fields.get("store")
        key_id = fields.get("key_id")
        return cls(
            seq=seq,
            hash=digest.lower(),
            at=_parse_time(fields.get("at")),
            taken=_parse_time(fields.get("taken")),
            store=store if isinstance(store, str) else None,
            key_id=key_id if isinstance(key_id, str) else None,
            source=source,
        )

    @classmethod
    def read(cls, path: str | os.PathLike[str]) -> AuditCheckpoint:
        name = os.fspath(path)
        try:
            with open(path, "rb") as handle:
                data = handle.read(_CHECKPOINT_LIMIT + 1)
        except OSError as exc:
            raise CheckpointError(
                f"checkpoint {name!r}: {exc.strerror or exc} / 无法读取检查点文件 {name}"
            ) from None
        if len(data) > _CHECKPOINT_LIMIT:
            raise _bad_checkpoint(name, "over 64 KB", "超过 64 KB")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise _bad_checkpoint(name, "not UTF-8 text", "不是 UTF-8 文本") from None
        return cls.parse(text, source=name)

    def write(self, path: str | os.PathLike[str]) -> Path:
        """Write the JSON form to a new file ``path`` (an existing file is never replaced:
        each checkpoint is kept)."""
        target = Path(path)
        try:
            with open(target, "x", encoding="utf-8") as out:
                out.write(self.to_json())
        except FileExistsError:
            raise CheckpointError(
                f"{os.fspath(path)!r} already exists: a checkpoint is never written over; give "
                "a new file name / 文件已存在，检查点不覆盖旧文件，请另取文件名"
            ) from None
        except OSError as exc:
            raise CheckpointError(
                f"{os.fspath(path)!r}: cannot write there: {exc.strerror or exc} / 无法写入"
            ) from None
        return target


def _bad_checkpoint(where: str, en: str, zh: str) -> CheckpointError:
    return CheckpointError(f"checkpoint {where!r}: {en} / 检查点 {where}：{zh}")


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
