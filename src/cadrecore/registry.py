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
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, Protocol, Self, TypeVar

from pydantic import BaseModel, ConfigDict

from .errors import DuplicateKeyError, PluginError, UnknownKeyError
from .i18n import Text
from .models.common import LeadingBody, MonthDay
from .plugin_manager import disabled_plugins, qualified_key
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

    def in_namespace(self, namespace: str) -> Self:
        """This entry as the plugin of ``namespace`` registers it: a key of one word
        (``yearly``) becomes ``<namespace>.yearly``; a key with a dot is kept (see
        :func:`cadrecore.plugins.qualified_key`)."""
        key = qualified_key(self.key, namespace)
        return self if key == self.key else replace(self, key=key)

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


class HeldRecord(Protocol):
    """What an item's conditions see of a record that may close it (an activity of the item's
    evidence kind): the leading bodies whose leaders were present, and how many attended
    (``None``: not recorded)."""

    @property
    def bodies_present(self) -> frozenset[LeadingBody]: ...

    @property
    def attendance(self) -> int | None: ...


@dataclass(frozen=True)
class ItemCondition(ABC):
    """A condition a checklist item's record must meet for the item to be done.

    Conditions are data on the item (:attr:`ChecklistItem.conditions`), so that a plugin's item
    declares its own and the report can say what a record lacks. ``reason`` is the stable code
    of the finding when no record meets it. A subclass says what a record lacks
    (:meth:`missing`), how much is required (:meth:`expected`) and how much a record has
    (:meth:`actual`), from the :class:`HeldRecord`'s fields alone.
    """

    reason: ClassVar[str] = "condition_unmet"

    @abstractmethod
    def missing(self, record: HeldRecord) -> Text | None:
        """What ``record`` lacks to meet the condition (a short phrase in both languages, such
        as "政协领导" / "CPPCC leaders"); None when it meets it."""
        ...

    @abstractmethod
    def expected(self) -> int:
        """How much the condition requires (bodies, people)."""
        ...

    @abstractmethod
    def actual(self, record: HeldRecord) -> int | None:
        """How much ``record`` has of it (None: not recorded)."""
        ...

    @abstractmethod
    def required(self) -> Text:
        """What the condition requires, as a phrase for messages and fixes."""
        ...


def bodies_text(bodies: Iterable[LeadingBody]) -> Text:
    """The leading bodies' names in both languages, in their order (党委、政协 / party
    committee and CPPCC): never the raw keys."""
    chosen = list(bodies)
    en = [b.en for b in chosen]
    return Text(
        "、".join(b.zh for b in chosen),
        " and ".join(en) if len(en) <= 2 else ", ".join(en[:-1]) + " and " + en[-1],
    )


@dataclass(frozen=True)
class LeadersPresent(ItemCondition):
    """Leaders of each of ``bodies`` (of the four leading bodies, 四大班子) present, as listed
    in the record's ``leaders``."""

    bodies: tuple[LeadingBody, ...]
    reason: ClassVar[str] = "leaders_absent"

    def __post_init__(self) -> None:
        if not self.bodies or not all(isinstance(b, LeadingBody) for b in self.bodies):
            raise ValueError(f"LeadersPresent needs one or more LeadingBody, got {self.bodies!r}")

    def absent(self, record: HeldRecord) -> tuple[LeadingBody, ...]:
        """The bodies none of whose leaders ``record`` lists, in the condition's order."""
        present = record.bodies_present
        return tuple(b for b in self.bodies if b not in present)

    def missing(self, record: HeldRecord) -> Text | None:
        absent = self.absent(record)
        if not absent:
            return None
        names = bodies_text(absent)
        return Text(f"{names.zh}领导", f"{names.en} leaders")

    def expected(self) -> int:
        return len(self.bodies)

    def actual(self, record: HeldRecord) -> int:
        return len(self.bodies) - len(self.absent(record))

    def required(self) -> Text:
        if set(self.bodies) == set(LeadingBody):
            return Text("四大班子相关领导全部出席", "leaders of all four leading bodies present")
        names = bodies_text(self.bodies)
        return Text(f"{names.zh}领导出席", f"leaders of the {names.en} present")


@dataclass(frozen=True)
class MinimumAttendance(ItemCondition):
    """At least ``count`` people present (the record's ``headcount``, else its
    ``attendee_ids``); a record that does not say how many attended does not meet it."""

    count: int
    reason: ClassVar[str] = "too_few_present"

    def __post_init__(self) -> None:
        if type(self.count) is not int or self.count < 1:
            raise ValueError(f"MinimumAttendance needs a count of 1 or more, got {self.count!r}")

    def missing(self, record: HeldRecord) -> Text | None:
        present = record.attendance
        if present is None:
            return Text(
                f"出席人数（未记录，应至少 {self.count} 人）",
                f"attendance (not recorded; at least {self.count} needed)",
            )
        if present >= self.count:
            return None
        return Text(
            f"出席人数（{present} 人，应至少 {self.count} 人）",
            f"attendance ({present} present; at least {self.count} needed)",
        )

    def expected(self) -> int:
        return self.count

    def actual(self, record: HeldRecord) -> int | None:
        return record.attendance

    def required(self) -> Text:
        return Text(f"至少 {self.count} 人出席", f"at least {self.count} present")


@dataclass(frozen=True, kw_only=True)
class ChecklistItem(Entry):
    """An item of a yearly checklist, such as one of the "six ones" (六个一).

    It is closed by an activity record of ``evidence_kind`` held by the checklist's owner within
    the year that meets the item's conditions: leaders of each of ``required_bodies`` present
    (a :class:`LeadersPresent`), and every one of ``conditions`` (such as a
    :class:`MinimumAttendance`). A record that fails one does not close the item, and the
    item's status says what it lacks. ``default_due`` is the (month, day) by which it is due
    unless a ledger says otherwise.
    """

    evidence_kind: str
    default_due: MonthDay = MonthDay(12, 31)
    required_bodies: tuple[LeadingBody, ...] = ()
    conditions: tuple[ItemCondition, ...] = ()
    owner_role: Text = Text("市委", "city party committee")

    def __post_init__(self) -> None:
        super().__post_init__()
        for condition in self.conditions:
            if not isinstance(condition, ItemCondition):
                raise ValueError(
                    f"checklist item {self.key!r}: condition {condition!r} is not a "
                    "cadrecore.registry.ItemCondition (such as LeadersPresent or MinimumAttendance)"
                )

    def in_namespace(self, namespace: str) -> Self:
        """As :meth:`Entry.in_namespace`, the evidence kind too (a kind of the same plugin may
        be named by its local key)."""
        entry = super().in_namespace(namespace)
        kind = qualified_key(self.evidence_kind, namespace)
        return entry if kind == entry.evidence_kind else replace(entry, evidence_kind=kind)

    @property
    def all_conditions(self) -> tuple[ItemCondition, ...]:
        """Every condition a record must meet: the leaders of ``required_bodies`` first, then
        ``conditions``."""
        if not self.required_bodies:
            return self.conditions
        return (LeadersPresent(tuple(self.required_bodies)), *self.conditions)

    def unmet(self, record: HeldRecord) -> tuple[tuple[ItemCondition, Text], ...]:
        """The conditions ``record`` does not meet, each with what it lacks (none: the record
        closes the item)."""
        found = []
        for condition in self.all_conditions:
            lacking = condition.missing(record)
            if lacking is not None:
                found.append((condition, lacking))
        return tuple(found)


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
    #: Set (by the host, never by a plugin) on the stand-in for a service type whose plugin is
    #: not in use for a ledger: why, in both languages. Its records load as they are, unchecked
    #: (their details plain data, kept byte for byte), until the plugin is back.
    unchecked: Text | None = None
    #: The stand-in's detail columns, in the order they were read (kept as they came).
    columns: tuple[str, ...] = ()

    def in_namespace(self, namespace: str) -> Self:
        """As :meth:`Entry.in_namespace`, and the parameters its lifecycle's deadlines name by
        a local key too."""
        entry = super().in_namespace(namespace)
        lifecycle = self.lifecycle.in_namespace(namespace)
        return entry if lifecycle is self.lifecycle else replace(entry, lifecycle=lifecycle)

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

    def keys_of_all(self) -> tuple[str, ...]:
        """Every key, in registration order."""
        return tuple(self._entries)

    def copy(self) -> Vocabulary[E]:
        """A copy whose entries can be changed without changing this one's."""
        return Vocabulary(self.name, self.entry_type, dict(self._entries), dict(self._owners))

    def restate(self, entry: E, *, plugin: str) -> None:
        """Put ``entry`` in place of the entry of its key, or add it, on behalf of ``plugin``
        (the host's stand-ins for a ledger, see :meth:`Registry.for_ledger`; never a
        plugin's entries, which :meth:`add` keeps unique)."""
        self._entries[entry.key] = entry
        self._owners[entry.key] = plugin


class UncheckedDetails(BaseModel):
    """The details of a record whose plugin is not in use: whatever they are, kept as read."""

    model_config = ConfigDict(frozen=True, extra="allow")


def _disabled(plugin: str) -> Text:
    return Text(f"已停用插件 {plugin}", f"the disabled plugin {plugin}")


def _not_chosen(plugin: str) -> Text:
    return Text(
        f"本账册未选用的插件 {plugin}", f"the plugin {plugin}, which this ledger does not use"
    )


def _missing(plugin: str) -> Text:
    return Text(f"未安装的插件 {plugin}", f"the plugin {plugin}, which is not installed")


def stand_in(key: str, plugin: str, why: Text) -> ServiceType:
    """The stand-in for service type ``key`` of ``plugin``, not in use for a ledger (``why``)."""
    return ServiceType(
        key=key,
        label=Text(key, key),
        department=Text(plugin, plugin),
        details=UncheckedDetails,
        unchecked=why,
    )


def unchecked_warning(plugin: str, why: Text, count: int) -> Text:
    """What to say of ``count`` records left unchecked because ``plugin`` is not in use:
    已停用插件 health_checkup 的 2,594 条记录未检查."""
    return Text(
        f"{why.zh} 的 {count:,} 条记录未检查（原样保留，插件恢复后重新检查）",
        f"{count:,} record(s) of {why.en} were not checked (kept as they are; checked again "
        "once the plugin is back)",
    )


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
    #: Each plugin of the manager it was built from, by name, with its namespace.
    namespaces: dict[str, str] = field(default_factory=dict)
    #: The plugins a ledger uses (:meth:`for_ledger`), by name; None: every plugin.
    in_use: frozenset[str] | None = None
    #: The registry this one was made from for a ledger (:meth:`for_ledger`); None: itself.
    base: Registry | None = None

    def uses(self, plugin: str) -> bool:
        """Whether a ledger checked against this registry uses ``plugin`` (cadrecore's own
        always; another when the ledger chose it, or chose none and so takes all)."""
        return self.in_use is None or plugin in self.in_use or plugin.startswith("cadrecore.")

    def for_ledger(
        self, plugins: Iterable[str] | None = None, service_types: Iterable[str] = ()
    ) -> Registry:
        """This registry as one ledger uses it: the ledger's plugins (``plugins``, by name or
        namespace; None: every plugin, as before), and a stand-in for each service type whose
        plugin is not in use for it, so that its records load unchecked rather than fail.

        ``service_types`` are the keys the ledger's records hold. A key that is registered by a
        plugin the ledger does not use, or whose namespace (``health_checkup`` of
        ``health_checkup.exam``) is no plugin's here (disabled, not installed), gets a stand-in
        (:attr:`ServiceType.unchecked` says why). A key of one word, or in the namespace of a
        plugin in use, is left for the ledger to refuse as before. Itself when nothing
        changes."""
        chosen: frozenset[str] | None = None
        if plugins is not None:
            wanted = set(plugins)
            chosen = frozenset(
                name
                for name, namespace in self.namespaces.items()
                if name in wanted or namespace in wanted
            )
        active = {
            namespace
            for name, namespace in self.namespaces.items()
            if chosen is None or name in chosen or name.startswith("cadrecore.")
        }
        stand_ins: dict[str, tuple[str, Text]] = {}
        for key in self.service_types.keys_of_all():
            owner = self.service_types.owner(key)
            if chosen is not None and not owner.startswith("cadrecore.") and owner not in chosen:
                namespace = self.namespaces.get(owner, owner)
                stand_ins[key] = (owner, _not_chosen(namespace))
        off = disabled_plugins()
        for key in service_types:
            namespace = key.partition(".")[0]
            if key in self.service_types or "." not in key or namespace in active:
                continue
            plugin = next((n for n, ns in self.namespaces.items() if ns == namespace), namespace)
            if plugin in off or namespace in off:
                why = _disabled(namespace)
            elif plugin in self.namespaces:
                why = _not_chosen(namespace)
            else:
                why = _missing(namespace)
            stand_ins[key] = (plugin, why)
        if not stand_ins and chosen is None:
            return self
        types = self.service_types.copy()
        for key, (plugin, why) in stand_ins.items():
            types.restate(stand_in(key, plugin, why), plugin=plugin)
        return replace(self, service_types=types, in_use=chosen, base=self)

    def _same_as(self, other: Registry) -> Registry:
        """``other`` if it is this registry over again (the same plugins in use, the same
        stand-ins), so that a ledger copied keeps its registry; else this one."""
        if other.in_use != self.in_use:
            return self
        mine = {e.key: e.unchecked for e in self.service_types if e.unchecked is not None}
        theirs = {e.key: e.unchecked for e in other.service_types if e.unchecked is not None}
        return other if mine == theirs else self

    def unchecked_counts(self, service_types: Iterable[str]) -> dict[str, tuple[Text, int]]:
        """Of ``service_types`` (a ledger's records' keys, one per record), how many are
        unchecked, by the plugin not in use, with why (see :func:`unchecked_warning`)."""
        found: dict[str, tuple[Text, int]] = {}
        for key in service_types:
            if key not in self.service_types:
                continue
            entry = self.service_types.get(key)
            if entry.unchecked is None:
                continue
            plugin = self.service_types.owner(key)
            why, count = found.get(plugin, (entry.unchecked, 0))
            found[plugin] = (why, count + 1)
        return found

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
