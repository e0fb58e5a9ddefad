"""What real sheets write instead of ids: names, labels, and no id column at all.

A roster says 忻府区 where the ledger has the unit id ``xz.xinfu``; an activity ledger says
书画团队党支部 for a branch and 党员大会 for an activity kind; a roster has a 序号 column but no
编号. The importer takes each as meaning what it unambiguously means:

- a reference (``county_id``, ``branch_id``...) written as a name is the id of the one record of
  that kind with that name in the ledger being imported into (two records with the name: the
  cell is refused, naming both ids);
- a vocabulary key (an activity kind, a branch type) written as its Chinese or English label
  is that key;
- a cadre without an id is the cadre already in the ledger with the same ID number, else the
  same name and birth date; an activity without an id is the one with the same kind, date,
  holder and title; otherwise a new id is given (``c000018``, ``a000301``: the next number).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from ..i18n import Text
from ..ledger import Ledger
from ..registry import Registry
from .dates import CellError

#: Which kind a reference field points at; ``None``: the record's own kind (a parent).
REFERENCES: dict[str, str | None] = {
    "county_id": "units",
    "unit_id": "units",
    "owner_unit_id": "units",
    "provider_unit_id": "units",
    "assigned_unit_id": "units",
    "applies_to_unit_id": "units",
    "recipient_unit_id": "units",
    "covers_unit_ids": "units",
    "parent_id": None,
    "branch_id": "branches",
    "org_id": "party_orgs",
    "cadre_id": "cadres",
    "leader_id": "cadres",
    "recipient_cadre_id": "cadres",
    "secretary_id": "cadres",
    "deputy_secretary_id": "cadres",
    "attendee_ids": "cadres",
    "committee_ids": "cadres",
    "staff_id": "staff",
}
_KIND_ZH = {
    "units": "单位",
    "branches": "支部",
    "party_orgs": "党组织",
    "cadres": "老干部",
    "staff": "工作人员",
}
#: The field that names a record of each kind.
NAME_FIELDS = {"themes": "title"}

_RECORD_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:\-]*$")
_SPLIT = re.compile(r"[;；、,，|]")
#: Kinds whose records get an id when a sheet has no id column, and its first letter.
ID_PREFIXES = {"cadres": "c", "activities": "a"}


class Names:
    """Names and ids of the records of a ledger, to read references written as names."""

    def __init__(self, ledger: Ledger | None) -> None:
        self.ledger = ledger
        self._ids: dict[str, set[str]] = {}
        self._names: dict[str, dict[str, list[str]]] = {}

    def _index(self, kind: str) -> None:
        if kind in self._ids:
            return
        ids: set[str] = set()
        names: dict[str, list[str]] = defaultdict(list)
        records = self.ledger.records(kind) if self.ledger is not None else ()
        name_field = NAME_FIELDS.get(kind, "name")
        for record in records:
            record_id = getattr(record, "id", None)
            if record_id is None:
                continue
            ids.add(record_id)
            name = getattr(record, name_field, None)
            if isinstance(name, str) and name:
                names["".join(name.split())].append(record_id)
        self._ids[kind] = ids
        self._names[kind] = dict(names)

    def resolve(self, kind: str, value: str) -> str:
        """The id ``value`` stands for: itself if it is an id, else the one record so named."""
        self._index(kind)
        if value in self._ids[kind]:
            return value
        matches = self._names[kind].get("".join(value.split()))
        if not matches:
            if looks_like_id(value):
                return value  # perhaps a record this import adds; the cross-check will tell
            raise CellError(
                Text(
                    f"{value} 既不是编号，也不是账册中任何{_KIND_ZH.get(kind, kind)}的名称",
                    f"{value!r} is neither an id nor the name of any of the ledger's {kind}",
                )
            )
        if len(matches) > 1:
            raise CellError(
                Text(
                    f"名称 {value} 对应多条记录（{'、'.join(matches)}），请填写编号",
                    f"{value!r} names several {kind} ({', '.join(matches)}): write the id",
                )
            )
        return matches[0]


def reference_resolver(
    field: str, own_kind: str, names: Names, *, many: bool
) -> Callable[[Any], Any] | None:
    """A function mapping a cleaned reference cell to ids, or None if ``field`` is no reference."""
    if field not in REFERENCES:
        return None
    kind = REFERENCES[field] or own_kind
    if names.ledger is None:
        return None

    def one(value: str) -> str:
        return value if not value else names.resolve(kind, value)

    if many:
        return lambda text: ";".join(one(p.strip()) for p in _SPLIT.split(text) if p.strip())
    return one


def vocabulary_resolver(registry: Registry, vocabulary: str) -> Callable[[Any], Any]:
    """A function mapping a vocabulary cell written as a label to its key."""
    vocab = registry.vocabulary(vocabulary)
    labels: dict[str, str] = {}
    for entry in vocab:
        labels.setdefault(entry.label.zh, entry.key)
        labels.setdefault(entry.label.en.lower(), entry.key)

    def resolve(value: str) -> str:
        if value in vocab:
            return value
        return labels.get(value, labels.get(value.lower(), value))

    return resolve


class IdGiver:
    """Ids for rows of a sheet without an id column: matched to the ledger, else new."""

    def __init__(self, kind: str, ledger: Ledger | None) -> None:
        self.kind = kind
        self.prefix = ID_PREFIXES[kind]
        self.by_key: dict[tuple[Any, ...], str] = {}
        self.next = 1
        pattern = re.compile(rf"^{self.prefix}(\d+)$")
        for record in ledger.records(kind) if ledger is not None else ():
            for key in self.keys(record.model_dump()):
                self.by_key.setdefault(key, record.id)  # type: ignore[attr-defined]
            found = pattern.match(record.id)  # type: ignore[attr-defined]
            if found:
                self.next = max(self.next, int(found.group(1)) + 1)

    def keys(self, data: dict[str, Any]) -> list[tuple[Any, ...]]:
        """The natural keys a record (or a row's cleaned values) is known by, best first."""
        if self.kind == "cadres":
            keys: list[tuple[Any, ...]] = []
            if data.get("national_id"):
                keys.append(("national_id", str(data["national_id"]).upper()))
            if data.get("name") and data.get("birth_date"):
                keys.append(("name", "".join(str(data["name"]).split()), str(data["birth_date"])))
            return keys
        fields = ("activity_kind", "date", "branch_id", "owner_unit_id", "title")
        return [tuple(str(data.get(f) or "") for f in fields)]

    def id_for(self, data: dict[str, Any]) -> str:
        keys = self.keys(data)
        for key in keys:
            if key in self.by_key:
                return self.by_key[key]
        new = f"{self.prefix}{self.next:06d}"
        self.next += 1
        for key in keys:
            self.by_key.setdefault(key, new)
        return new


def looks_like_id(value: str) -> bool:
    return bool(_RECORD_ID.match(value))
