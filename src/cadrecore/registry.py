"""Open vocabularies: branch types, activity kinds, checklist items, service types, plan metrics.

Every entry reaches a :class:`Registry` through a plugin hook with a ``register`` callback, the
built-in ones included (see :mod:`cadrecore.builtin`). The host's ``register`` checks the entry's
type, refuses a key that another plugin already registered (naming both plugins) and stamps
which plugin registered what: government codes must stay stable, so nothing is renamed or
replaced silently. A plugin whose registration fails (it raises, registers the wrong type or
overruns its time budget) is left out of the registry and named in ``load_failures``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from pydantic import BaseModel

from .errors import DuplicateKeyError, PluginError, UnknownKeyError
from .i18n import Text
from .models.common import LeadingBody, MonthDay
from .services import DEFAULT_LIFECYCLE, Lifecycle

if TYPE_CHECKING:
    from .io.importers import ImportBatch
    from .ledger import Ledger
    from .plugins import Hooks, LoadFailure

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")


@dataclass(frozen=True, kw_only=True)
class Entry:
    """A vocabulary entry: a stable key and a label in both languages."""

    key: str
    label: Text
    description: Text | None = None

    def __post_init__(self) -> None:
        if not KEY_PATTERN.match(self.key):
            raise ValueError(
                f"key {self.key!r} must be lower-case words joined by '_' and '.', "
                "e.g. 'team' or 'coal.medicine_kit'"
            )


@dataclass(frozen=True, kw_only=True)
class BranchType(Entry):
    """A type of retirees' party branch (团队支部, 流动支部, ...)."""


@dataclass(frozen=True, kw_only=True)
class ActivityKind(Entry):
    """A kind of activity record: a meeting, a visit, a briefing.

    ``scope`` says who holds it: a branch (三会一课), a unit (the city committee's briefing), or
    either. ``organizational_life`` marks the kinds that count as a branch's organizational life.
    ``held_by_group`` marks those a party group (党小组) of the branch holds: their records name
    the group (``group_id``) as well as the branch.
    """

    scope: Literal["branch", "unit", "any"] = "any"
    organizational_life: bool = False
    held_by_group: bool = False


@dataclass(frozen=True, kw_only=True)
class ChecklistItem(Entry):
    """An item of a yearly checklist, such as one of the "six ones" (六个一).

    It is closed by an activity record of ``evidence_kind`` held by the checklist's owner within
    the year; ``required_bodies`` are the leading bodies whose leaders must be present.
    ``default_due`` is the (month, day) by which it is due unless a ledger says otherwise.
    """

    evidence_kind: str
    default_due: MonthDay = MonthDay(12, 31)
    required_bodies: tuple[LeadingBody, ...] = ()
    owner_role: Text = Text("市委", "city party committee")


@dataclass(frozen=True, kw_only=True)
class ServiceType(Entry):
    """A service a department runs for retirees, shipped by the department's plugin.

    ``details`` is the pydantic model of the fields this service's records carry beyond the
    common ones; a record's ``details`` are validated against it when a ledger loads.
    ``eligible`` says whether a cadre may receive the service at a date (default: everyone
    alive).
    """

    department: Text
    details: type[BaseModel]
    eligible: Callable[[Any, Any], bool] | None = None
    lifecycle: Lifecycle = DEFAULT_LIFECYCLE

    def is_eligible(self, cadre: Any, day: Any) -> bool:
        """Whether ``cadre`` may receive this service on ``day`` (default: if alive then)."""
        if self.eligible is not None:
            return bool(self.eligible(cadre, day))
        return bool(cadre.alive_on(day))


@dataclass(frozen=True, kw_only=True)
class Importer(Entry):
    """Reads a department's own spreadsheet into records (``register_importers`` hook).

    ``suffixes`` are the file endings it reads (``.xlsx``); ``sniff(path)`` says whether a file
    is one of its own (it may look at a sheet's title or headers); ``read(path, registry)``
    returns an :class:`~cadrecore.io.importers.ImportBatch` of records and problems.
    """

    suffixes: tuple[str, ...]
    sniff: Callable[[Path], bool]
    read: Callable[[Path, Registry], ImportBatch]


@dataclass(frozen=True, kw_only=True)
class PlanMetric(Entry):
    """A quantity a plan sets yearly targets for, and how to count it from a ledger in a year."""

    measure: Callable[[Ledger, int], int]
    unit: Text = Text("个", "")
    #: the ledger folder's file in which what it counts is recorded (named in a finding's fix)
    recorded_in: str = "branches.yaml"


E = TypeVar("E", bound=Entry)


@dataclass
class Vocabulary(Generic[E]):
    """One open vocabulary: entries by key, each stamped with the plugin that registered it."""

    name: str
    entry_type: type[E]
    _entries: dict[str, E] = field(default_factory=dict)
    _owners: dict[str, str] = field(default_factory=dict)

    def add(self, entry: object, *, plugin: str) -> None:
        """Add ``entry`` on behalf of ``plugin``; refuse a wrong type or a taken key."""
        if not isinstance(entry, self.entry_type):
            raise PluginError(
                f"plugin {plugin!r} registered {entry!r} as a {self.name} entry; "
                f"expected a cadrecore.registry.{self.entry_type.__name__}"
            )
        if entry.key in self._entries:
            raise DuplicateKeyError(
                f"{self.name} key {entry.key!r} is registered by plugin "
                f"{self._owners[entry.key]!r} and again by plugin {plugin!r}; "
                "keys are government codes and must be unique: rename the new one"
            )
        self._entries[entry.key] = entry
        self._owners[entry.key] = plugin

    def get(self, key: str) -> E:
        """The entry for ``key``; an :class:`UnknownKeyError` with suggestions if none."""
        try:
            return self._entries[key]
        except KeyError:
            raise UnknownKeyError(self.unknown_message(key)) from None

    def unknown_message(self, key: str) -> str:
        """What to say of a key that is not registered, in English (see :meth:`unknown_text`)."""
        return self.unknown_text(key).en

    def unknown_text(self, key: str) -> Text:
        """What to say of a key that is not registered, in both languages: the keys that are,
        and the nearest ones."""
        close = difflib.get_close_matches(str(key), list(self._entries), n=3)
        known = sorted(self._entries)
        name_zh = _VOCABULARY_ZH.get(self.name, self.name)
        return Text(
            f"未登记的{name_zh} {key!r}（已登记：{'、'.join(known) or '无'}）"
            + (f"；是不是要 {'、'.join(close)}？" if close else ""),
            f"unknown {self.name} {key!r} (registered: {', '.join(known) or 'none'})"
            + (f"; did you mean {', '.join(map(repr, close))}?" if close else ""),
        )

    def owner(self, key: str) -> str:
        """The name of the plugin that registered ``key``."""
        self.get(key)
        return self._owners[key]

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __iter__(self) -> Iterator[E]:
        return iter(self._entries.values())

    def __len__(self) -> int:
        return len(self._entries)

    def keys_of(self, plugin: str) -> tuple[str, ...]:
        """The keys ``plugin`` registered, in registration order."""
        return tuple(key for key, owner in self._owners.items() if owner == plugin)


#: Each vocabulary's name in Chinese, for messages.
_VOCABULARY_ZH = {
    "branch type": "支部类型",
    "activity kind": "活动类型",
    "checklist item": "清单事项",
    "service type": "服务类型",
    "plan metric": "规划指标",
    "importer": "导入器",
}


@dataclass
class Registry:
    """Every open vocabulary of one plugin manager."""

    branch_types: Vocabulary[BranchType] = field(
        default_factory=lambda: Vocabulary("branch type", BranchType)
    )
    activity_kinds: Vocabulary[ActivityKind] = field(
        default_factory=lambda: Vocabulary("activity kind", ActivityKind)
    )
    checklist_items: Vocabulary[ChecklistItem] = field(
        default_factory=lambda: Vocabulary("checklist item", ChecklistItem)
    )
    service_types: Vocabulary[ServiceType] = field(
        default_factory=lambda: Vocabulary("service type", ServiceType)
    )
    plan_metrics: Vocabulary[PlanMetric] = field(
        default_factory=lambda: Vocabulary("plan metric", PlanMetric)
    )
    importers: Vocabulary[Importer] = field(
        default_factory=lambda: Vocabulary("importer", Importer)
    )
    #: The typed hook facade of the plugin manager this registry was built from (if any).
    hooks: Hooks | None = None
    #: The plugins whose ``register_*`` hooks failed while this registry was built: none of
    #: their entries are in it (see :func:`cadrecore.plugins.build_registry`).
    load_failures: tuple[LoadFailure, ...] = ()

    def vocabulary(self, name: str) -> Vocabulary[Any]:
        """A vocabulary by its attribute name (``"branch_types"``, ...)."""
        vocab = getattr(self, name, None)
        if not isinstance(vocab, Vocabulary):
            raise UnknownKeyError(f"no vocabulary named {name!r}")
        return vocab

    def check_references(self) -> None:
        """Check that entries refer only to registered keys (a checklist item's evidence kind)."""
        for item in self.checklist_items:
            if item.evidence_kind not in self.activity_kinds:
                raise PluginError(
                    f"checklist item {item.key!r} (plugin {self.checklist_items.owner(item.key)!r}) "
                    f"needs evidence of {self.activity_kinds.unknown_message(item.evidence_kind)}"
                )
