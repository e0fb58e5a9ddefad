"""The plugins as the rest of cadrecore sees them: the registry built from their ``register_*``
hooks, the typed facade over their event hooks, and the listing of what each one registered.

Loading, the plugin manager in use and the time budget of every plugin call are in
:mod:`cadrecore.plugin_manager`, below the models, so that the rule engine and the readers can
call a plugin without reaching up here; every one of those names is offered here too, where the
API reference documents them and plugin authors import them. See "When a plugin fails" in
``docs/hooks.md``.

Layer: above the rules (the listing counts each plugin's rules and parameters) and below the
readers (``io``, ``store``), the reports and the CLI. It must not import ``io``, ``store``,
``reports``, ``builtin`` or the CLI. A lower layer that needs the registry in force gets it from
:func:`cadrecore._in_force.registry_in_force`, which the package wires to :func:`get_registry`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from importlib import metadata
from typing import TYPE_CHECKING, Any

import pluggy

from . import sections as report_data
from .errors import CadrecoreError, PluginError  # noqa: F401 (PluginError: offered here as ever)
from .i18n import Text
from .plugin_manager import (
    DEFAULT_PLUGINS,
    DEFAULT_TIMEOUT,
    ENTRY_POINT_GROUP,
    NAMESPACE_ATTRIBUTE,
    PROJECT,
    TIMEOUT_VARIABLE,
    Fault,
    HookFailure,
    LoadFailure,
    PluginManager,
    PluginSetCache,
    PluginTimeout,
    alone_for_fork,
    call_plugin,
    collect_registrations,
    declared_namespace,
    fault_of,
    get_plugin_manager,
    hookimpl,
    in_namespace,
    naming_skipped,
    new_plugin_manager,
    plugin_namespace,
    plugin_timeout,
    qualified_key,
    settle_load_failures,
    type_name,
    using_plugin_manager,
)
from .registry import Registry, ServiceType, Vocabulary

if TYPE_CHECKING:
    from .ledger import Ledger
    from .models import ServiceEvent, ServiceRecord
    from .rules.engine import RuleBook
    from .rules.findings import Report
    from .sections import ReportSection

__all__ = [
    "DEFAULT_PLUGINS",
    "DEFAULT_TIMEOUT",
    "ENTRY_POINT_GROUP",
    "NAMESPACE_ATTRIBUTE",
    "PROJECT",
    "TIMEOUT_VARIABLE",
    "Fault",
    "HookFailure",
    "Hooks",
    "LoadFailure",
    "PluginInfo",
    "PluginManager",
    "PluginSetCache",
    "PluginTimeout",
    "PluginUse",
    "alone_for_fork",
    "build_registry",
    "call_plugin",
    "collect_registrations",
    "declared_namespace",
    "describe_plugins",
    "fault_of",
    "get_plugin_manager",
    "get_registry",
    "hookimpl",
    "in_namespace",
    "naming_skipped",
    "new_plugin_manager",
    "plugin_namespace",
    "plugin_timeout",
    "plugins_for_ledger",
    "qualified_key",
    "settle_load_failures",
    "type_name",
    "using_plugin_manager",
]

_VOCABULARY_HOOKS: tuple[tuple[str, str], ...] = (
    ("branch_types", "register_branch_types"),
    ("activity_kinds", "register_activity_kinds"),
    ("plan_metrics", "register_plan_metrics"),
    ("checklist_items", "register_checklist_items"),
    ("service_types", "register_service_types"),
    ("importers", "register_importers"),
)


def build_registry(
    pm: pluggy.PluginManager, *, strict: bool = True, timeout: float | None = None
) -> Registry:
    """Every vocabulary entry the plugins of ``pm`` register, each stamped with its plugin.

    A plugin whose ``register_*`` hook raises, returns or registers the wrong type, or
    overruns its time budget (``timeout`` seconds, see :func:`plugin_timeout`) is a fault:
    with ``strict`` (the default, what a plugin's own tests want) a :class:`PluginError`
    names it; otherwise (as :func:`get_registry` builds) it is recorded as a
    :class:`LoadFailure`, in ``registry.load_failures`` and ``pm.load_failures``, and none of
    that plugin's vocabulary entries are used while the others' stand. A key registered by
    two plugins is an error either way, naming both.
    """
    limit = plugin_timeout(timeout)
    registry = Registry(hooks=Hooks(pm, timeout=timeout))
    collected: list[tuple[Vocabulary[Any], list[tuple[str, list[Any]]]]] = []
    failures: list[LoadFailure] = []
    for attribute, hook_name in _VOCABULARY_HOOKS:
        vocabulary: Vocabulary[Any] = getattr(registry, attribute)
        found, failed = collect_registrations(pm, hook_name, vocabulary.entry_type, timeout=limit)
        collected.append((vocabulary, found))
        failures += failed
    skipped = settle_load_failures(pm, failures, strict=strict, skipped="its vocabulary entries")
    for vocabulary, found in collected:
        for plugin, entries in found:
            if plugin not in skipped:
                for entry in entries:
                    vocabulary.add(entry, plugin=plugin)
    registry.load_failures = tuple(failures)
    registry.namespaces = {
        name: plugin_namespace(pm, name) for name, _ in pm.list_name_plugin() if name
    }
    with naming_skipped(failures):
        registry.check_references()
    return registry


class Hooks:
    """The typed facade over ``pm.hook``: one typed method per event hook, so callers are
    type-checked and each plugin's failure is caught and named instead of stopping the rest.

    Each plugin's call runs under a time budget: ``timeout`` seconds, else the setting (see
    :func:`plugin_timeout`). What a plugin returns is checked before it is used; a plugin
    that raised, returned the wrong type or overran contributes nothing but its failure.

    (The ``register_*`` hooks are called by :func:`build_registry` and
    :func:`cadrecore.rules.engine.build_rulebook`.)
    """

    def __init__(self, pm: pluggy.PluginManager, *, timeout: float | None = None) -> None:
        self.pm = pm
        self.timeout = timeout

    def _each(self, hook_name: str, **kwargs: Any) -> Iterator[tuple[str, Any]]:
        """Each plugin's name and its result, or a :class:`HookFailure` if it raised or
        overran; a plugin the ledger given (``ledger=``) does not use is not called."""
        impls = getattr(self.pm.hook, hook_name).get_hookimpls()
        if not impls:
            return
        limit = plugin_timeout(self.timeout)
        ledger = kwargs.get("ledger")
        for impl in reversed(impls):
            if ledger is not None and not ledger.registry.uses(impl.plugin_name):
                continue
            arguments = {name: kwargs[name] for name in impl.argnames}
            if isinstance(arguments.get("ctx"), _SectionContexts):
                arguments["ctx"] = arguments["ctx"].of(impl.plugin_name)
            try:
                result = call_plugin(impl.function, arguments, timeout=limit)
            except Exception as exc:  # one plugin's fault must not stop the others
                fault, error = fault_of(exc)
                yield impl.plugin_name, HookFailure(impl.plugin_name, hook_name, error, fault)
                continue
            yield impl.plugin_name, result

    def validate_service_record(
        self, record: ServiceRecord, service_type: ServiceType, ledger: Ledger
    ) -> list[tuple[str, Text]]:
        """Problems the plugins find with ``record``, each with the plugin that found it.

        A plugin that fails is itself a problem of the record, naming the plugin: a check
        that could not run has not passed.
        """
        found: list[tuple[str, Text]] = []
        for plugin, result in self._each(
            "validate_service_record", record=record, service_type=service_type, ledger=ledger
        ):
            if not isinstance(result, HookFailure):
                problem = _wrong_list(result, Text)
                if problem is None:
                    found += [(plugin, text) for text in result or ()]
                    continue
                result = HookFailure(plugin, "validate_service_record", problem, "wrong_type")
            found.append((plugin, _validation_failure(result)))
        return found

    def after_service_transition(
        self, ledger: Ledger, record: ServiceRecord, event: ServiceEvent
    ) -> list[HookFailure]:
        """Tell the plugins a record moved; the failures, if any (a returned value other than
        None is one: nothing reads it, so the plugin expected something that does not
        happen)."""
        failures: list[HookFailure] = []
        for plugin, result in self._each(
            "after_service_transition", ledger=ledger, record=record, event=event
        ):
            if isinstance(result, HookFailure):
                failures.append(result)
            elif result is not None:
                failures.append(
                    HookFailure(
                        plugin,
                        "after_service_transition",
                        f"returned {type(result).__name__}, expected None (nothing reads it)",
                        "wrong_type",
                    )
                )
        return failures

    def report_sections(
        self, ledger: Ledger, report: Report, lang: str
    ) -> tuple[list[ReportSection], list[HookFailure]]:
        """The sections every plugin contributes, stamped with the plugin (a local key, one
        word, qualified for the plugin's declared namespace); and the failures (a plugin that returned anything but
        a list of sections contributes none)."""
        sections: list[ReportSection] = []
        failures: list[HookFailure] = []
        for plugin, result in self._each(
            "report_sections",
            ledger=ledger,
            report=report,
            lang=lang,
            ctx=_SectionContexts(self.pm, ledger, report),
        ):
            if isinstance(result, HookFailure):
                failures.append(result)
                continue
            problem = _wrong_list(result, report_data.ReportSection)
            if problem is not None:
                failures.append(HookFailure(plugin, "report_sections", problem, "wrong_type"))
                continue
            namespace = declared_namespace(self.pm, plugin)
            sections += [
                replace(section, plugin=plugin, key=qualified_key(section.key, namespace))
                if namespace is not None
                else replace(section, plugin=plugin)
                for section in result or ()
            ]
        return sections, failures


class _SectionContexts:
    """The :class:`~cadrecore.rules.SectionContext` of each plugin, made for the plugins whose
    ``report_sections`` ask for one."""

    def __init__(self, pm: pluggy.PluginManager, ledger: Ledger, report: Report) -> None:
        self.pm, self.ledger, self.report = pm, ledger, report

    def of(self, plugin: str) -> Any:
        from .rules.engine import SectionContext, get_rulebook  # (late: to start up fast)

        namespace = plugin_namespace(self.pm, plugin)
        table = get_rulebook(self.pm).parameters
        return SectionContext(self.ledger, self.report, plugin, namespace, table)


def _wrong_list(result: object, item_type: type) -> str | None:
    """What is wrong with a hook's ``result`` that should be None or a list of ``item_type``."""
    if result is None:
        return None
    if not isinstance(result, list | tuple):
        return f"returned {type(result).__name__}, expected a list of {item_type.__name__}"
    for item in result:
        if not isinstance(item, item_type):
            return f"returned {type(item).__name__}, expected {item_type.__name__}"
    return None


def _validation_failure(failure: HookFailure) -> Text:
    plugin, error = failure.plugin, failure.error
    zh = {"timed_out": "校验超时", "wrong_type": "返回了错误的类型"}.get(failure.fault, "校验出错")
    return Text(f"插件 {plugin} {zh}：{error}", f"plugin {plugin!r} failed to validate: {error}")


_registries: PluginSetCache[Registry] = PluginSetCache(lambda pm: build_registry(pm, strict=False))


def get_registry(pm: pluggy.PluginManager | None = None) -> Registry:
    """The registry of ``pm`` (default: the manager in use), rebuilt when its plugins change.

    A plugin whose ``register_*`` hook fails is left out of it and listed in
    ``pm.load_failures`` (see :func:`build_registry`)."""
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
    vocabulary entries, rules and rule parameters. A plugin whose registration failed is
    listed with what it did register elsewhere; its failure is in ``pm.load_failures``."""
    return _describe_plugins(pm or get_plugin_manager())[0]


def _describe_plugins(pm: pluggy.PluginManager) -> tuple[list[PluginInfo], bool]:
    """:func:`describe_plugins`, and whether the rule book could be built (if not, no plugin
    lists its rules and parameters: the listing is not one to keep)."""
    from .rules.engine import get_rulebook  # (down a layer: late only to start up fast)

    registry = get_registry(pm)
    try:
        book: RuleBook | None = get_rulebook(pm)
    except CadrecoreError:  # two plugins' rules clash, say: `cadrecore rules` names them
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
    return infos, book is not None


@dataclass(frozen=True)
class PluginUse:
    """Whether one ledger uses one plugin, and why (what ``cadrecore plugins LEDGER`` shows)."""

    name: str
    namespace: str
    used: bool
    why: Text


def plugins_for_ledger(ledger: Ledger) -> tuple[list[PluginUse], list[Text]]:
    """Which plugins apply to ``ledger`` and why (every installed plugin, cadrecore's own
    first), and a warning for each plugin not in use whose records the ledger holds unchecked
    (see :meth:`cadrecore.registry.Registry.for_ledger`)."""
    registry = ledger.registry
    chosen = ledger.jurisdiction.plugins
    uses = []
    for name, namespace in sorted(
        registry.namespaces.items(),
        key=lambda item: (not item[0].startswith("cadrecore."), item[0]),
    ):
        if name.startswith("cadrecore."):
            why = Text("cadrecore 自带，始终使用", "cadrecore's own: always used")
        elif chosen is None:
            why = Text(
                "账册未指定插件（ledger.yaml 无 plugins）：使用全部已安装的插件",
                "the ledger names no plugins (no plugins: in ledger.yaml): every plugin "
                "installed is used",
            )
        elif registry.uses(name):
            why = Text(
                f"账册的 plugins 列出了 {namespace}", f"the ledger's plugins: list {namespace}"
            )
        else:
            why = Text(
                f"账册的 plugins 未列出 {namespace}：其规则、报告章节不适用，其服务记录原样保留、不检查",
                f"the ledger's plugins: do not list {namespace}: its rules and report sections "
                "do not apply, its service records are kept as they are, unchecked",
            )
        uses.append(PluginUse(name, namespace, registry.uses(name), why))
    return uses, ledger.unchecked()


def _installed(distribution: str) -> bool:
    try:
        metadata.distribution(distribution)
    except metadata.PackageNotFoundError:
        return False
    return True
