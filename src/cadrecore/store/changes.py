"""What a save must write when it knows what changed: the records of a ledger that are not the
ones it was read with.

A ledger loaded from a store keeps the records it was read with (:class:`~.merging.StoreOrigin`),
and a copy made with ``replace`` or ``with_records`` shares every record it did not change. When
the store's audit trail still ends where it ended at the read, no save has been made since (every
save through the API appends to the trail), so the store holds what was read: the save then need
not read and compare every row. :func:`changes_since_read` compares the ledger's records with the
ones read, by identity first (a pass over references, about 40 ms a million records), and names
the few that differ; :meth:`~.store.Store.save` writes just those. Where it cannot tell cheaply
(a natural key held twice, rows not in their places, a change too large to be worth it) it says
so (None), and the save compares that kind in full, as it always did.

Holds: the pure comparison. Imports nothing above ``models``; reads and writes no database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..models import RecordKind

#: Beyond this many records to look at by key (a change's window and the records it moves), a
#: kind is compared in full: the full comparison reads every row but writes in bulk.
MOST_BY_KEY = 20_000


@dataclass
class KindChanges:
    """What a save writes for one kind: records by their keys and positions."""

    #: (key, position, record), in ledger order
    inserted: list[tuple[str, int, Any]] = field(default_factory=list)
    #: (key, position, record), in ledger order
    updated: list[tuple[str, int, Any]] = field(default_factory=list)
    #: keys, in the order they were read
    deleted: list[str] = field(default_factory=list)
    #: (key, new position) of records that stay as they are but move
    moved: list[tuple[str, int]] = field(default_factory=list)
    #: records left as they are (moved ones included)
    unchanged: int = 0


def changes_since_read(
    kind: RecordKind,
    records: Sequence[Any],
    read: Sequence[Any],
    versions: Mapping[str, int],
) -> KindChanges | None:
    """The changes that make the stored ``read`` records (row ``i`` at position ``i``, each
    key's version in ``versions``) into ``records``; None when the kind is to be compared in
    full instead.

    The same changes as the full comparison finds when the store holds exactly what was read:
    a record equal to the one read at its key is unchanged (moved if its place changed), one
    whose key was not read is inserted, one read whose key is gone is deleted.
    """
    if records is read:
        return KindChanges(unchanged=len(records))
    if len(records) == len(read):
        # (a change in place: the positions whose records are other objects)
        changed = [
            i
            for i, (mine, theirs) in enumerate(zip(records, read, strict=True))
            if mine is not theirs
        ]
        if len(changed) > MOST_BY_KEY:
            return None
        after = [(i, records[i]) for i in changed]
        before = [(i, read[i]) for i in changed]
        moving: list[tuple[int, Any]] = []
    else:
        # (records added or taken away: the window between the common start and end)
        start = 0
        shortest = min(len(records), len(read))
        while start < shortest and records[start] is read[start]:
            start += 1
        end = 0
        while end < shortest - start and records[-1 - end] is read[-1 - end]:
            end += 1
        after = [(i, records[i]) for i in range(start, len(records) - end)]
        before = [(i, read[i]) for i in range(start, len(read) - end)]
        # every record after the window moves by the difference in length
        first = len(records) - end
        moving = [(first + j, records[first + j]) for j in range(end)]
        if len(after) + len(before) + len(moving) > MOST_BY_KEY:
            return None
    return _by_key(kind, records, after, before, moving, versions)


def _by_key(
    kind: RecordKind,
    records: Sequence[Any],
    after: list[tuple[int, Any]],
    before: list[tuple[int, Any]],
    moving: list[tuple[int, Any]],
    versions: Mapping[str, int],
) -> KindChanges | None:
    key_of = kind.key_of

    def stored_key(record: Any) -> str | None:
        """The key a read record is stored under: its natural key, if no other record shares
        it (a shared one is stored as ``key#2``... in ledger order: then None)."""
        key = key_of(record)
        if key not in versions or f"{key}#2" in versions:
            return None
        return key

    was: dict[str, tuple[int, Any]] = {}
    for position, record in before:
        key = stored_key(record)
        if key is None or key in was:
            return None
        was[key] = (position, record)
    changes = KindChanges()
    now: set[str] = set()
    for position, record in after:
        key = key_of(record)
        if key in now or (key in versions and key not in was) or f"{key}#2" in versions:
            return None  # (a key held twice in the ledger: the full comparison numbers them)
        now.add(key)
        found = was.get(key)
        if found is None:
            changes.inserted.append((key, position, record))
        elif record is found[1] or record == found[1]:
            if position != found[0]:
                changes.moved.append((key, position))
        else:
            changes.updated.append((key, position, record))
    for position, record in moving:
        key = stored_key(record)
        if key is None or key in now or key in was:
            return None
        changes.moved.append((key, position))
    changes.deleted = [key for key in was if key not in now]
    changes.unchanged = len(records) - len(changes.inserted) - len(changes.updated)
    return changes
