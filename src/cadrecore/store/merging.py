"""Merging a save with what others saved since the read: the store a ledger was read from, and
the conflicts that refuse a save.

A ledger loaded from a store carries a :class:`StoreOrigin`: the version of every row it read
and the records as read. A save compares three copies of each record (as read, as here, as
stored now): what changed here is written only if the store still holds it as it was read
(:func:`check_unseen`), what others changed since is kept, and the whole after the save must
still hold together (:func:`check_merged`); else :class:`ConflictError`, and nothing is saved.

Holds: :class:`ConflictError`, :class:`StoreOrigin` and where a ledger keeps it, the checks
above and the conflicts they raise. Reads and writes no database (no SQLAlchemy): the caller
hands in what it read. Must not import the store's writing (``saving``) or its opening
(``store.store``), which build on it, nor anything above the store (``io``, ``reports``, the
CLI).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import LedgerError
from ..ledger import Ledger
from ..models import RECORD_KINDS, Jurisdiction
from .codec import JURISDICTION_KIND
from .reading import StoreError


class ConflictError(StoreError):
    """Someone else changed a record since this ledger was read: nothing was saved.

    ``kind`` and ``record_id`` name the record (None when the conflict is the ledger as a whole).
    """

    def __init__(
        self, message: str, *, kind: str | None = None, record_id: str | None = None
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.record_id = record_id


#: Where a ledger keeps its :class:`StoreOrigin` (outside its fields: not data, not compared).
ORIGIN_ATTRIBUTE = "_store_origin"


@dataclass(frozen=True, eq=False)
class StoreOrigin:
    """The store a ledger was read from, and the version of every row it read.

    :meth:`Store.load` puts one on the ledger it returns (``Ledger.replace`` carries it over to
    the copies) and a successful :meth:`Store.save` puts a new one on the ledger it saved. A save
    compares the stored rows with it, so that what someone else saved since the read is never
    overwritten unseen. It is never changed in place: an older copy keeps the origin it was
    read with, and so stays "older" for the next save.
    """

    url: str
    ledger_id: str
    #: kind (``"jurisdiction"`` for the ledger's own row) -> record key -> version read
    versions: Mapping[str, Mapping[str, int]]
    #: kind -> the records as read, in order: the ledger's own tuples, not copies
    records: Mapping[str, Sequence[Any]]
    #: the last audit entry's ``seq`` when the rows were read (None: not known): while the
    #: trail still ends there, no save has been made since, and a save writes what changed
    #: here without reading and comparing every row (:mod:`.changes`)
    audit_seq: int | None = None
    #: the kinds whose rows sat each at the position of its index when read
    placed: frozenset[str] = frozenset()

    def version(self, kind: str, key: str) -> int | None:
        """The version of ``kind`` ``key`` when it was read (None: it was not read)."""
        return self.versions.get(kind, {}).get(key)


def store_origin(ledger: Ledger) -> StoreOrigin | None:
    """Where ``ledger`` was loaded from or last saved to (None: built from files or in code)."""
    origin = ledger.__dict__.get(ORIGIN_ATTRIBUTE)
    return origin if isinstance(origin, StoreOrigin) else None


def mark_origin(
    ledger: Ledger,
    url: str,
    ledger_id: str,
    versions: Mapping[str, Mapping[str, int]],
    audit_seq: int,
    placed: frozenset[str],
) -> None:
    """Note on ``ledger`` that it stands on the rows of ledger ``ledger_id`` of the store at
    ``url`` at ``versions``, as read or saved when the audit trail ended at ``audit_seq``."""
    records: dict[str, Sequence[Any]] = {JURISDICTION_KIND: (ledger.jurisdiction,)}
    records.update((kind.name, ledger.records(kind.name)) for kind in RECORD_KINDS)
    ledger.__dict__[ORIGIN_ATTRIBUTE] = StoreOrigin(
        url, ledger_id, versions, records, audit_seq, placed
    )


def origin_for(url: str, ledger: Ledger, based_on: Ledger | None) -> StoreOrigin | None:
    """The origin a save to the store at ``url`` merges against: ``ledger``'s (else
    ``based_on``'s), if it is that store's copy of the same ledger."""
    origin = store_origin(ledger) or (store_origin(based_on) if based_on else None)
    if origin is None or (origin.url, origin.ledger_id) != (url, ledger.jurisdiction.id):
        return None
    return origin


# --- conflicts ---------------------------------------------------------------------------------


def conflict(kind: str, key: str, en: str, zh: str) -> ConflictError:
    """The conflict over record ``kind`` ``key``, what happened to it said in both languages."""
    return ConflictError(
        f"{kind} {key!r} {en}: nothing was saved; load the ledger again and redo the change "
        f"/ {kind} {key} {zh}，未保存任何改动；请重新载入账册后再改",
        kind=kind,
        record_id=key,
    )


def added_meanwhile(kind: str) -> ConflictError:
    """The conflict over rows of ``kind`` that a writer outside the API added meanwhile."""
    return ConflictError(
        f"{kind}: a record added here was added by someone else at the same time: nothing was "
        f"saved; load the ledger again and redo the change / {kind}：此处新增的记录同时已由他人新增，"
        "未保存任何改动；请重新载入后再改",
        kind=kind,
    )


def check_unseen(
    kind: str,
    key: str,
    read: int | None,
    stored: Mapping[Any, Any] | None,
    still_as_read: Callable[[], bool] = lambda: True,
) -> None:
    """Refuse to write a record changed here when the store's copy is not the one read.

    ``still_as_read`` says whether the stored record equals the one read: a record deleted and
    added again since starts over at version 1, so an equal version alone does not tell.
    """
    if stored is None:
        if read is not None:
            raise conflict(
                kind, key, "was deleted by someone else since it was read", "在载入后已被他人删除"
            )
        return
    if read is None:
        raise conflict(
            kind,
            key,
            "was added by someone else since the ledger was read, with other content",
            "在载入后已由他人新增，且内容不同",
        )
    if stored["version"] != read:
        raise conflict(
            kind,
            key,
            f"was changed by someone else since it was read (version {read}, now {stored['version']})",
            f"在载入后已被他人修改（载入时为第 {read} 版，现为第 {stored['version']} 版）",
        )
    if not still_as_read():
        raise conflict(
            kind,
            key,
            "was deleted and added again by someone else since it was read",
            "在载入后已被他人删除并重新新增",
        )


def check_merged(
    ledger: Ledger, merged: Mapping[str, Sequence[Any]], jurisdiction: Jurisdiction | None
) -> None:
    """Refuse a save whose result, with what others saved since the read, does not hold
    together (a record added here that refers to one someone else deleted).

    ``merged``: by kind, the records the store holds after the save, for the kinds that differ
    from ``ledger``; ``jurisdiction``: the store's, when someone else's change to it was kept.
    """
    data = {k.name: tuple(merged.get(k.name, ledger.records(k.name))) for k in RECORD_KINDS}
    try:
        Ledger(registry=ledger.registry, jurisdiction=jurisdiction or ledger.jurisdiction, **data)
    except LedgerError as exc:
        first = exc.problems[0]
        more = f" (+{len(exc.problems) - 1})" if len(exc.problems) > 1 else ""
        raise ConflictError(
            "with what others saved since the ledger was read, it would not hold together: "
            f"{first.render('en')}{more}: nothing was saved; load the ledger again and redo the "
            f"change / 与他人在载入后保存的改动合并后账册不一致：{first.render('zh')}{more}，"
            "未保存任何改动；请重新载入后再改",
            kind=first.record_kind,
            record_id=first.record_id,
        ) from exc
