"""Audit keys: the secret, kept outside the database, that signs each audit entry.

With a key, an entry's ``hash`` is an HMAC-SHA-256 under it (:func:`~.audit.entry_hash`) and
the entry carries ``key_id``, a fingerprint of the key, never the key: whoever can drop the
database's triggers but has no key cannot rewrite an entry and sign it again. The keys come
from ``CADRECORE_AUDIT_KEY_FILE`` (a file of keys, one a line, the last one current) or
``CADRECORE_AUDIT_KEY``; a rotation appends a new key and keeps the old ones to verify what they
signed (:func:`add_key`, ``cadrecore audit new-key``).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .reading import StoreError

#: Environment variable holding the audit key itself (or several, space-separated: the last
#: signs, the others only verify the entries they signed).
KEY_ENV = "CADRECORE_AUDIT_KEY"
#: Environment variable naming a file of audit keys, one a line, the last one current.
KEY_FILE_ENV = "CADRECORE_AUDIT_KEY_FILE"
#: The shortest key accepted, in characters (``cadrecore audit new-key`` makes 64 hex digits).
MIN_KEY_LENGTH = 32
#: Characters of a key id: 64 bits of HMAC, a fingerprint that does not reveal the key.
KEY_ID_LENGTH = 16
_KEY_FILE_LIMIT = 64 * 1024


class AuditKeyError(StoreError):
    """An audit key that cannot be used (missing file, too short), or a write that would
    leave the trail unsigned after signed entries: nothing was written."""


def key_id_of(secret: bytes) -> str:
    """The id of a key: the first 16 hex digits of an HMAC of a fixed text under it, so that
    the id names the key without revealing it."""
    return hmac.new(secret, b"cadrecore audit key id", hashlib.sha256).hexdigest()[:KEY_ID_LENGTH]


@dataclass(frozen=True)
class AuditKey:
    """One audit key: its id (stored with each entry it signs) and its secret (never stored)."""

    key_id: str
    secret: bytes = field(repr=False)

    @classmethod
    def from_text(cls, text: str, *, source: str = KEY_ENV) -> AuditKey:
        key = text.strip()
        if len(key) < MIN_KEY_LENGTH or any(c.isspace() for c in key):
            raise AuditKeyError(
                f"{source}: an audit key is at least {MIN_KEY_LENGTH} characters without spaces "
                f"(`cadrecore audit new-key FILE` makes one) / 审计密钥至少 {MIN_KEY_LENGTH} 个字符、"
                "不含空格（可用 `cadrecore audit new-key 文件` 生成）"
            )
        secret = key.encode("utf-8")
        return cls(key_id_of(secret), secret)


@dataclass(frozen=True)
class AuditKeys:
    """The audit keys at hand, oldest first: the last one (:attr:`current`) signs new entries,
    every one verifies the entries it signed. Empty: no key (entries are plain SHA-256)."""

    keys: tuple[AuditKey, ...] = ()
    #: where they came from (a variable or a file), for messages
    source: str = ""

    def __bool__(self) -> bool:
        return bool(self.keys)

    @property
    def current(self) -> AuditKey | None:
        return self.keys[-1] if self.keys else None

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(key.key_id for key in self.keys)

    def get(self, key_id: str) -> AuditKey | None:
        for key in self.keys:
            if key.key_id == key_id:
                return key
        return None

    def with_older(self, other: AuditKeys) -> AuditKeys:
        """These keys and ``other``'s (older keys, to verify with): the current one stays."""
        older = tuple(key for key in other.keys if key.key_id not in self.ids)
        return AuditKeys((*older, *self.keys), self.source or other.source)

    @classmethod
    def parse(cls, text: str, *, source: str) -> AuditKeys:
        """Keys from text: one a line, or several on a line separated by spaces; blank lines
        and lines starting with ``#`` are ignored; the last key is the current one."""
        keys: list[AuditKey] = []
        for line in text.splitlines():
            if line.strip().startswith("#"):
                continue
            for word in line.split():
                key = AuditKey.from_text(word, source=source)
                if key.key_id not in [k.key_id for k in keys]:
                    keys.append(key)
        return cls(tuple(keys), source)

    @classmethod
    def read(cls, path: str | os.PathLike[str]) -> AuditKeys:
        """The keys of a key file (see :meth:`parse`)."""
        try:
            with open(path, "rb") as handle:
                data = handle.read(_KEY_FILE_LIMIT + 1)
        except OSError as exc:
            raise AuditKeyError(
                f"audit key file {os.fspath(path)!r}: {exc.strerror or exc} "
                f"/ 无法读取审计密钥文件 {os.fspath(path)}"
            ) from None
        if len(data) > _KEY_FILE_LIMIT:
            raise AuditKeyError(
                f"audit key file {os.fspath(path)!r} is over 64 KB: not a key file "
                "/ 审计密钥文件过大，不是密钥文件"
            )
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise AuditKeyError(
                f"audit key file {os.fspath(path)!r} is not UTF-8 text / 审计密钥文件不是 UTF-8 文本"
            ) from None
        keys = cls.parse(text, source=os.fspath(path))
        if not keys:
            raise AuditKeyError(
                f"audit key file {os.fspath(path)!r} holds no key / 审计密钥文件中没有密钥"
            )
        return keys

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> AuditKeys:
        """The keys ``CADRECORE_AUDIT_KEY`` or ``CADRECORE_AUDIT_KEY_FILE`` give (not both);
        none when neither is set."""
        env = os.environ if environ is None else environ
        text, path = env.get(KEY_ENV, ""), env.get(KEY_FILE_ENV, "")
        if text.strip() and path.strip():
            raise AuditKeyError(
                f"set {KEY_ENV} or {KEY_FILE_ENV}, not both / 只能设置 {KEY_ENV} 或 {KEY_FILE_ENV} 之一"
            )
        if path.strip():
            return cls.read(path.strip())
        return cls.parse(text, source=KEY_ENV)


def add_key(path: str | os.PathLike[str]) -> AuditKey:
    """Append a new random key (256 bits, as 64 hex digits) to the key file ``path``, creating
    it readable by its owner only: the new key signs from now on, the ones above it in the file
    still verify what they signed (a rotation). Returns the new key."""
    target = Path(path)
    if target.exists():
        AuditKeys.read(target)  # (a file of keys, not something else)
    key = AuditKey.from_text(secrets.token_hex(32), source=os.fspath(path))
    try:
        handle = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    except OSError as exc:
        raise AuditKeyError(
            f"audit key file {os.fspath(path)!r}: {exc.strerror or exc} / 无法写入审计密钥文件"
        ) from None
    with os.fdopen(handle, "ab") as out:
        if out.tell() > 0:
            with open(target, "rb") as existing:
                existing.seek(-1, os.SEEK_END)
                if existing.read(1) != b"\n":
                    out.write(b"\n")
        out.write(key.secret + b"\n")
    return key


def unsigned_after_signed(key_id: str) -> AuditKeyError:
    return AuditKeyError(
        f"the audit trail is signed (its last entry with key id {key_id}) and no audit key is "
        f"set: set {KEY_FILE_ENV} (or {KEY_ENV}) to write; nothing was written to the store "
        f"/ 审计记录已签名（最后一条的密钥编号 {key_id}），未设置审计密钥（{KEY_FILE_ENV}），数据库未写入任何内容"
    )


def unknown_signer(key_id: str, keys: AuditKeys) -> AuditKeyError:
    return AuditKeyError(
        f"the audit trail's last entry is signed with key id {key_id}, which is not among the "
        f"keys given ({', '.join(keys.ids)}): to rotate keys, keep the old key in the key file "
        "above the new one (`cadrecore audit new-key FILE` does); nothing was written to the store "
        f"/ 审计记录最后一条的密钥编号为 {key_id}，不在所给密钥中；更换密钥时请在密钥文件中保留旧密钥，数据库未写入任何内容"
    )
