"""Loading plugins and the typed facade over them.

Order of loading, as in datasette and llm: the hook specs; then the installed plugins (entry
point group ``cadrecore``), filtered by the environment; then the built-ins, which are ordinary
plugins; then ``check_pending()`` so that a misspelt hook name fails at once.

Environment switches:

``CADRECORE_LOAD_PLUGINS``
    Comma-separated entry point names: load only these installed plugins (empty: none).
``CADRECORE_DISABLE_PLUGINS``
    Comma-separated plugin names never to load (built-ins included).
``CADRECORE_TRACE_PLUGINS``
    Any non-empty value prints every hook call to standard error.
"""

from __future__ import annotations

import importlib
import os
import sys
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from importlib import metadata
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import pluggy

from . import hookspecs
from .errors import CadrecoreError, PluginError
from .i18n import Text
from .registry import Registry, ServiceType, Vocabulary

if TYPE_CHECKING:
    from .ledger import Ledger
    from .models import ServiceEvent, ServiceRecord
    from .reports.sections import ReportSection
    from .rules.findings import Report

PROJECT = "cadrecore"
ENTRY_POINT_GROUP = "cadrecore"

#: The built-in plugins: registered like any other, after the installed ones.
DEFAULT_PLUGINS: tuple[str, ...] = (
    "cadrecore.builtin.vocabulary",
    "cadrecore.builtin.parameters",
    "cadrecore.builtin.rules",
    "cadrecore.builtin.report",
)

hookimpl = pluggy.HookimplMarker(PROJECT)
T = TypeVar("T")


@dataclass(frozen=True)
class LoadFailure:
    """An installed plugin that could not be loaded, and why; the rest keep working."""

    name: str
    error: str


class PluginManager(pluggy.PluginManager):
    """A pluggy manager that remembers which plugins failed to load and where each came from."""

    def __init__(self) -> None:
        super().__init__(PROJECT)
        self.load_failures: list[LoadFailure] = []
        self.distributions: dict[str, metadata.Distribution] = {}


def _names(variable: str) -> set[str] | None:
    value = os.environ.get(variable)
    if value is None:
        return None
    return {name.strip() for name in value.split(",") if name.strip()}


def _load_entry_points(pm: PluginManager, disabled: set[str]) -> None:
    wanted = _names("CADRECORE_LOAD_PLUGINS")
    for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
        if ep.name in disabled or (wanted is not None and ep.name not in wanted):
            continue
        if pm.has_plugin(ep.name):
            continue
        try:
            plugin = ep.load()
            pm.register(plugin, name=ep.name)
        except Exception as exc:  # a broken plugin must not break the rest
            if pm.has_plugin(ep.name):
                pm.unregister(name=ep.name)
            pm.load_failures.append(LoadFailure(ep.name, f"{type(exc).__name__}: {exc}"))
            print(
                f"cadrecore: plugin {ep.name!r} failed to load and was skipped: {exc}",
                file=sys.stderr,
            )
            continue
        if ep.dist is not None:
            pm.distributions[ep.name] = ep.dist


def new_plugin_manager(*, load_installed: bool = True, builtins: bool = True) -> PluginManager:
    """A fresh plugin manager: hook specs, installed plugins (unless told not to), built-ins."""
    pm = PluginManager()
    pm.add_hookspecs(hookspecs)
    disabled = _names("CADRECORE_DISABLE_PLUGINS") or set()
    if load_installed:
        _load_entry_points(pm, disabled)
    if builtins:
        for module_name in DEFAULT_PLUGINS:
            if module_name not in disabled and not pm.has_plugin(module_name):
                pm.register(importlib.import_module(module_name), name=module_name)
    pm.check_pending()
    if os.environ.get("CADRECORE_TRACE_PLUGINS"):
        pm.trace.root.setwriter(lambda message: print(message, end="", file=sys.stderr))
        pm.enable_tracing()
    return pm


_default_pm: PluginManager | None = None
_active_pm: ContextVar[PluginManager | None] = ContextVar("cadrecore_active_pm", default=None)


def get_plugin_manager() -> PluginManager:
    """The plugin manager in use: the one a :func:`using_plugin_manager` block set, else the
    process's own (hook specs, installed plugins and built-ins, loaded once)."""
    global _default_pm
    active = _active_pm.get()
    if active is not None:
        return active
    if _default_pm is None:
        _default_pm = new_plugin_manager()
    return _default_pm


@contextmanager
def using_plugin_manager(pm: PluginManager) -> Iterator[PluginManager]:
    """Use ``pm`` (its vocabularies, rules and hooks) wherever none is named, in this block:
    records built in Python check their keys against its registry, ``evaluate`` runs its rules.
    """
    token = _active_pm.set(pm)
    try:
        yield pm
    finally:
        _active_pm.reset(token)


def call_register_hook(pm: pluggy.PluginManager, hook_name: str, add: Callable[..., None]) -> None:
    """Call one ``register_*`` hook plugin by plugin, so each entry is stamped with its plugin.

    ``add(entry, plugin=name)`` receives every entry a plugin registers.
    """
    caller = getattr(pm.hook, hook_name)
    for impl in reversed(caller.get_hookimpls()):  # pluggy's own calling order
        plugin_name = impl.plugin_name

        def register(entry: object, _plugin: str = plugin_name) -> None:
            add(entry, plugin=_plugin)

        try:
            impl.function(register=register)
        except CadrecoreError:
            raise
        except Exception as exc:
            raise PluginError(
                f"plugin {plugin_name!r} failed in hook {hook_name}: {type(exc).__name__}: {exc}"
            ) from exc


_VOCABULARY_HOOKS: tuple[tuple[str, str], ...] = (
    ("branch_types", "register_branch_types"),
    ("activity_kinds", "register_activity_kinds"),
    ("plan_metrics", "register_plan_metrics"),
    ("checklist_items", "register_checklist_items"),
    ("service_types", "register_service_types"),
    ("importers", "register_importers"),
)


def build_registry(pm: pluggy.PluginManager) -> Registry:
    """Every vocabulary entry the plugins of ``pm`` register, each stamped with its plugin."""
    registry = Registry(hooks=Hooks(pm))
    for attribute, hook_name in _VOCABULARY_HOOKS:
        call_register_hook(pm, hook_name, getattr(registry, attribute).add)
    registry.check_references()
    return registry


@dataclass(frozen=True)
class HookFailure:
    """A plugin's hook implementation that raised or returned the wrong type."""

    plugin: str
    hook: str
    error: str


class Hooks:
    """The typed facade over ``pm.hook``: one typed method per event hook, so callers are
    type-checked and each plugin's failure is caught and named instead of stopping the rest.

    (The ``register_*`` hooks are called by :func:`build_registry` and
    :func:`cadrecore.rules.engine.build_rulebook`.)
    """

    def __init__(self, pm: pluggy.PluginManager) -> None:
        self.pm = pm

    def _each(self, hook_name: str, **kwargs: Any) -> Iterator[tuple[str, Any]]:
        caller = getattr(self.pm.hook, hook_name)
        for impl in reversed(caller.get_hookimpls()):
            try:
                result = impl.function(**{name: kwargs[name] for name in impl.argnames})
            except Exception as exc:  # one plugin's fault must not stop the others
                yield (
                    impl.plugin_name,
                    HookFailure(impl.plugin_name, hook_name, f"{type(exc).__name__}: {exc}"),
                )
                continue
            yield impl.plugin_name, result

    def validate_service_record(
        self, record: ServiceRecord, service_type: ServiceType, ledger: Ledger
    ) -> list[tuple[str, Text]]:
        """Problems the plugins find with ``record``, each with the plugin that found it."""
        found: list[tuple[str, Text]] = []
        for plugin, result in self._each(
            "validate_service_record", record=record, service_type=service_type, ledger=ledger
        ):
            if isinstance(result, HookFailure):
                found.append(
                    (
                        plugin,
                        Text(
                            f"插件 {plugin} 校验出错：{result.error}",
                            f"plugin {plugin!r} failed to validate: {result.error}",
                        ),
                    )
                )
            elif result:
                for item in result:
                    if not isinstance(item, Text):
                        found.append(
                            (
                                plugin,
                                Text(
                                    f"插件 {plugin} 返回了错误的类型",
                                    f"plugin {plugin!r} returned "
                                    f"{type(item).__name__}, expected cadrecore.Text",
                                ),
                            )
                        )
                        break
                    found.append((plugin, item))
        return found

    def after_service_transition(
        self, ledger: Ledger, record: ServiceRecord, event: ServiceEvent
    ) -> list[HookFailure]:
        """Tell the plugins a record moved; the failures, if any."""
        return [
            r
            for _, r in self._each(
                "after_service_transition", ledger=ledger, record=record, event=event
            )
            if isinstance(r, HookFailure)
        ]

    def report_sections(
        self, ledger: Ledger, report: Report, lang: str
    ) -> tuple[list[ReportSection], list[HookFailure]]:
        """The sections every plugin contributes, stamped with the plugin; and the failures."""
        from .reports.sections import ReportSection

        sections: list[ReportSection] = []
        failures: list[HookFailure] = []
        for plugin, result in self._each(
            "report_sections", ledger=ledger, report=report, lang=lang
        ):
            if isinstance(result, HookFailure):
                failures.append(result)
                continue
            for section in result or ():
                if not isinstance(section, ReportSection):
                    failures.append(
                        HookFailure(
                            plugin,
                            "report_sections",
                            f"returned {type(section).__name__}, expected ReportSection",
                        )
                    )
                    break
                sections.append(replace(section, plugin=plugin))
        return sections, failures


class PluginSetCache(Generic[T]):
    """A value built from a plugin manager, kept until the manager's set of plugins changes.

    Entries are held per manager (weakly: a dropped manager drops its entry) and compared by
    the plugin objects themselves, so a re-used ``id()`` can never serve a stale value.
    """

    def __init__(self, build: Callable[[pluggy.PluginManager], T]) -> None:
        self._build = build
        self._entries: weakref.WeakKeyDictionary[
            pluggy.PluginManager, tuple[tuple[object, ...], T]
        ] = weakref.WeakKeyDictionary()

    def get(self, pm: pluggy.PluginManager) -> T:
        plugins = tuple(
            plugin for _, plugin in sorted(pm.list_name_plugin(), key=lambda item: item[0])
        )
        entry = self._entries.get(pm)
        if (
            entry is not None
            and len(entry[0]) == len(plugins)
            and all(a is b for a, b in zip(entry[0], plugins, strict=True))
        ):
            return entry[1]
        value = self._build(pm)
        self._entries[pm] = (plugins, value)
        return value


_registries: PluginSetCache[Registry] = PluginSetCache(build_registry)


def get_registry(pm: pluggy.PluginManager | None = None) -> Registry:
    """The registry of ``pm`` (default: the manager in use), rebuilt when its plugins change."""
    return _registries.get(pm or get_plugin_manager())


@dataclass(frozen=True)
class PluginInfo:
    """What ``cadrecore plugins`` shows for one plugin.

    ``registered`` maps each vocabulary (``service_types``, ...) to the keys the plugin
    registered, and ``rules`` and ``parameters`` to the ids of its rules and the keys of its
    rule parameters; only what the plugin registered is listed.
    """

    name: str
    version: str | None
    hooks: tuple[str, ...]
    registered: dict[str, tuple[str, ...]]


def describe_plugins(pm: pluggy.PluginManager | None = None) -> list[PluginInfo]:
    """Each plugin with its version, the hooks it implements and every key it registered:
    vocabulary entries, rules and rule parameters."""
    from .rules.engine import RuleBook, get_rulebook

    pm = pm or get_plugin_manager()
    registry = get_registry(pm)
    try:
        book: RuleBook | None = get_rulebook(pm)
    except CadrecoreError:  # a plugin's register_rules failed: `cadrecore rules` names it
        book = None
    dists = pm.distributions if isinstance(pm, PluginManager) else {}
    infos = []
    for name, plugin in sorted(pm.list_name_plugin(), key=lambda item: item[0]):
        hooks = tuple(sorted(caller.name for caller in pm.get_hookcallers(plugin) or ()))
        registered: dict[str, tuple[str, ...]] = {}
        for attribute, _ in _VOCABULARY_HOOKS:
            vocab: Vocabulary[Any] = getattr(registry, attribute)
            keys = vocab.keys_of(name)
            if keys:
                registered[attribute] = keys
        if book is not None:
            rules = tuple(r.id for r in book.rules.values() if r.plugin == name)
            if rules:
                registered["rules"] = rules
            owners = book.parameters.owners
            parameters = tuple(key for key, owner in owners.items() if owner == name)
            if parameters:
                registered["parameters"] = parameters
        dist = dists.get(name)
        version = dist.version if dist is not None else None
        if version is None and name.startswith("cadrecore."):
            version = metadata.version("cadrecore") if _installed("cadrecore") else None
        infos.append(PluginInfo(name, version, hooks, registered))
    return infos


def _installed(distribution: str) -> bool:
    try:
        metadata.distribution(distribution)
    except metadata.PackageNotFoundError:
        return False
    return True
