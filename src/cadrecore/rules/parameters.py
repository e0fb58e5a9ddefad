"""Rule parameters with the dates from which each value holds, and where each value came from.

Every threshold the rules use is a :class:`Parameter`: a key, a label, and versions, each with
the date it holds from, its source and how sure we are (``confirmed``, ``local``,
``unverified``). Values are resolved for a date, in this order: the ledger's own overrides
(for the unit or the nearest unit above it, then the whole ledger), then overrides that
plugins contribute, then the parameter's own versions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from ..errors import PluginError, UnknownKeyError
from ..i18n import Text
from ..plugin_manager import qualified_key
from .findings import ResolvedParameter

if TYPE_CHECKING:
    from ..ledger import Ledger
    from ..models import ParameterOverride

Status = Literal["confirmed", "local", "unverified"]


@dataclass(frozen=True)
class ParameterVersion:
    """A parameter's value from ``effective_from`` on (until the next version)."""

    value: Any
    effective_from: date
    #: where the value comes from: a document's title and article (the same in both
    #: languages), or a note in both languages (a :class:`~cadrecore.i18n.Text`)
    source: str | Text
    status: Status = "confirmed"


@dataclass(frozen=True)
class Parameter:
    """A named rule parameter and its dated versions."""

    key: str
    label: Text
    versions: tuple[ParameterVersion, ...]
    unit: str = ""
    description: Text | None = None

    def __post_init__(self) -> None:
        if not self.versions:
            raise ValueError(f"parameter {self.key!r} has no versions")
        ordered = tuple(sorted(self.versions, key=lambda v: v.effective_from))
        object.__setattr__(self, "versions", ordered)
        if len({v.effective_from for v in ordered}) != len(ordered):
            raise ValueError(f"parameter {self.key!r} has two versions from the same date")

    def in_namespace(self, namespace: str) -> Parameter:
        """This parameter as the plugin of ``namespace`` registers it: a key of one word
        (``min_age``) becomes ``<namespace>.min_age``; a key with a dot is kept."""
        key = qualified_key(self.key, namespace)
        return self if key == self.key else replace(self, key=key)

    def version_on(self, day: date) -> ParameterVersion | None:
        """The version in force on ``day`` (None before the first one)."""
        current = None
        for version in self.versions:
            if version.effective_from <= day:
                current = version
        return current


@dataclass(frozen=True)
class PluginOverride:
    """A plugin's value for a parameter from a date (``parameter_overrides`` hook)."""

    key: str
    value: Any
    effective_from: date
    source: str | Text


@dataclass
class ParameterTable:
    """Every registered parameter and every plugin override, stamped with its plugin."""

    parameters: dict[str, Parameter] = field(default_factory=dict)
    owners: dict[str, str] = field(default_factory=dict)
    overrides: list[tuple[PluginOverride, str]] = field(default_factory=list)

    def add(self, parameter: object, *, plugin: str) -> None:
        if not isinstance(parameter, Parameter):
            raise PluginError(f"plugin {plugin!r} registered {parameter!r}; expected a Parameter")
        if parameter.key in self.parameters:
            raise PluginError(
                f"parameter {parameter.key!r} is registered by plugin {self.owners[parameter.key]!r} "
                f"and again by plugin {plugin!r}; override it with the parameter_overrides hook instead"
            )
        self.parameters[parameter.key] = parameter
        self.owners[parameter.key] = plugin

    def add_override(self, override: object, *, plugin: str) -> None:
        if not isinstance(override, PluginOverride):
            raise PluginError(f"plugin {plugin!r} returned {override!r}; expected a PluginOverride")
        if override.key not in self.parameters:
            raise PluginError(f"plugin {plugin!r} overrides unknown parameter {override.key!r}")
        self.overrides.append((override, plugin))

    def get(self, key: str) -> Parameter:
        try:
            return self.parameters[key]
        except KeyError:
            raise UnknownKeyError(f"unknown parameter {key!r}") from None


class ParameterResolver:
    """Resolves parameters for one evaluation: a ledger, a date; remembers what it resolved.

    A rule reads most values as they stand on the day judged (:meth:`__call__`), and some as
    they stood on an earlier day (:meth:`on`: a committee's term is the one in force when it
    was elected). Both are remembered, by key, unit and day, and :meth:`applied` gives each
    distinct value once: what the report lists.
    """

    def __init__(self, table: ParameterTable, ledger: Ledger, day: date) -> None:
        self.table = table
        self.ledger = ledger
        self.day = day
        #: every value resolved, by (key, unit id, the day it was resolved for)
        self.resolved: dict[tuple[str, str | None, date], ResolvedParameter] = {}

    def __call__(self, key: str, unit_id: str | None = None) -> Any:
        """The value of ``key`` on the evaluation date, for ``unit_id`` if given."""
        found = self.resolved.get((key, unit_id, self.day))  # asked once per branch, say: known
        return (found or self.resolve(key, unit_id)).value

    def on(self, key: str, day: date, unit_id: str | None = None) -> Any:
        """The value of ``key`` as it stood on ``day``, for ``unit_id`` if given."""
        found = self.resolved.get((key, unit_id, day))
        return (found or self.resolve(key, unit_id, day)).value

    def resolve(
        self, key: str, unit_id: str | None = None, day: date | None = None
    ) -> ResolvedParameter:
        """The value of ``key`` on ``day`` (default: the evaluation date) and where it came
        from, remembered as applied."""
        when = self.day if day is None else day
        cache_key = (key, unit_id, when)
        found = self.resolved.get(cache_key)
        if found is None:
            found = self.resolved[cache_key] = self._resolve(key, unit_id, when)
        return found

    def applied(self) -> tuple[ResolvedParameter, ...]:
        """Each distinct value resolved, once (:func:`applied_values`)."""
        return applied_values(self.resolved, self.day)

    def _resolve(self, key: str, unit_id: str | None, day: date) -> ResolvedParameter:
        parameter = self.table.get(key)
        for scope in self._scopes(unit_id):
            best: ParameterOverride | None = None
            for override in self.ledger.parameters:
                if (
                    override.key == key
                    and override.unit_id == scope
                    and override.effective_from <= day
                    and (best is None or override.effective_from > best.effective_from)
                ):
                    best = override
            if best is not None:
                return ResolvedParameter(
                    key,
                    best.value,
                    "ledger",
                    best.effective_from,
                    best.source,
                    "local",
                    best.unit_id,
                )
        plugin_best: tuple[PluginOverride, str] | None = None
        for candidate, plugin in self.table.overrides:
            if (
                candidate.key == key
                and candidate.effective_from <= day
                and (
                    plugin_best is None or candidate.effective_from > plugin_best[0].effective_from
                )
            ):
                plugin_best = (candidate, plugin)
        if plugin_best is not None:
            chosen, plugin = plugin_best
            return ResolvedParameter(
                key,
                chosen.value,
                f"plugin:{plugin}",
                chosen.effective_from,
                chosen.source,
                "local",
            )
        version = parameter.version_on(day)
        if version is None:
            version = parameter.versions[0]  # before the first rule: judge by the earliest known
        return ResolvedParameter(
            key,
            version.value,
            f"plugin:{self.table.owners[key]}",
            version.effective_from,
            version.source,
            version.status,
        )

    def _scopes(self, unit_id: str | None) -> Iterable[str | None]:
        if unit_id is not None:
            yield unit_id
            for unit in self.ledger.ancestors_of(unit_id):
                yield unit.id
        yield None


def applied_values(
    resolved: Mapping[tuple[str, str | None, date], ResolvedParameter], as_of: date
) -> tuple[ResolvedParameter, ...]:
    """Each distinct value in ``resolved`` once, in the order the report lists them: by key,
    then by the date each holds from.

    A value is what it is, where it came from, from when and for which unit: asked for each
    of 14 counties, or for the day judged and for a committee's election day, the same value
    is one. ``current`` says whether it was in force on ``as_of``; a value applied only for an
    earlier day (the 3-year term of a committee elected in 2020) has ``current=False``.
    """
    by_identity: dict[tuple[Any, ...], ResolvedParameter] = {}
    for (_, _, day), found in resolved.items():
        identity = (
            found.key,
            repr(found.value),  # (a list of branch types is a value too)
            found.origin,
            found.effective_from,
            repr(found.source),
            found.status,
            found.unit_id,
        )
        current = day == as_of
        known = by_identity.get(identity)
        if known is None or (current and not known.current):
            by_identity[identity] = (
                found if found.current == current else replace(found, current=current)
            )
    return tuple(
        sorted(
            by_identity.values(),
            key=lambda p: (
                p.key,
                p.effective_from or date.min,
                p.unit_id or "",
                p.origin,
                not p.current,
                repr(p.value),
            ),
        )
    )


LOCAL_DEFAULT_SOURCE = (
    "cadrecore 默认值（本地做法，可在账册 parameters.yaml 中调整） / "
    "cadrecore default (local practice; a ledger may set its own in parameters.yaml)"
)
"""Where a plugin's own default comes from when no official text sets the value."""
#: The date from which plugins' local defaults hold.
LOCAL_DEFAULTS_FROM = date(2018, 1, 1)


def local_default(value: Any, source: str = LOCAL_DEFAULT_SOURCE) -> tuple[ParameterVersion, ...]:
    """The versions of a parameter no official text sets: one ``local`` value from 2018-01-01,
    which a ledger overrides in its own ``parameters.yaml``."""
    return (ParameterVersion(value, LOCAL_DEFAULTS_FROM, source, "local"),)


def source_of(value: Any) -> str | Text:
    """A version's source as the data gives it: a title (a string), or ``{zh: …, en: …}``."""
    if isinstance(value, Mapping) and set(value) == {"zh", "en"}:
        return Text(str(value["zh"]), str(value["en"]))
    return str(value)


def parameters_from_data(entries: Iterable[Mapping[str, Any]]) -> list[Parameter]:
    """Parameters from plain data (the built-in ``parameters.yaml``)."""
    result = []
    for entry in entries:
        versions = tuple(
            ParameterVersion(
                value=v["value"],
                effective_from=_as_date(v["from"]),
                source=source_of(v["source"]),
                status=v.get("status", "confirmed"),
            )
            for v in entry["versions"]
        )
        description = entry.get("description")
        result.append(
            Parameter(
                key=str(entry["key"]),
                label=Text(str(entry["label_zh"]), str(entry["label_en"])),
                versions=versions,
                unit=str(entry.get("unit", "")),
                description=Text(description["zh"], description["en"]) if description else None,
            )
        )
    return result


def _as_date(value: Any) -> date:
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))
