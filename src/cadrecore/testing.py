"""A pytest plugin for plugin authors (and for cadrecore's own tests).

Installed with cadrecore (entry point ``pytest11``), it offers fixtures:

``cadrecore_pm``
    A fresh plugin manager with the built-ins only, in use for the length of the test: no
    installed plugin is loaded, so a test sees exactly the plugins it registers.
``cadrecore_registry``
    The registry of ``cadrecore_pm`` when the fixture is set up.
``register_plugin``
    A function that registers a plugin in ``cadrecore_pm`` for the length of one test.
``cadrecore_ledger``
    A small consistent ledger checked against ``cadrecore_pm`` (every built-in rule passes).

and :func:`assert_plugin_conforms`, the conformance check every plugin's tests should call,
and :func:`judged_alike_when_opened`, which holds a plugin's rules to the same report on a
ledger opened on a store (read by columns, as ``cadrecore check`` reads a province) as in memory.

Outside pytest, :func:`registered` does the same as a context manager.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from importlib import metadata
from typing import TYPE_CHECKING, Any

import pytest
from pydantic import BaseModel

from .ledger import Ledger
from .plugins import (
    ENTRY_POINT_GROUP,
    NAMESPACE_ATTRIBUTE,
    PluginManager,
    build_registry,
    get_registry,
    new_plugin_manager,
    using_plugin_manager,
)
from .registry import Registry
from .sample import small_ledger

if TYPE_CHECKING:
    from .rules.findings import Report

BULK_KINDS = ("cadres", "memberships", "activities", "party_dues", "treatment_grants")
"""The kinds a province holds by the million: a rule reads them by ``Ledger.columns`` only."""


def name_of_plugin(plugin: object) -> str | None:
    """The name a plugin goes by, said once by the plugin itself: its ``NAMESPACE``, else the
    name of the installed entry point (group ``cadrecore``) that loads it; None if neither.

    The fixtures and the conformance check take a plugin without a second name this way."""
    declared = getattr(plugin, NAMESPACE_ATTRIBUTE, None)
    if isinstance(declared, str) and declared:
        return declared
    module = getattr(plugin, "__name__", None)
    if isinstance(module, str):
        for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
            if ep.value == module:
                return ep.name
    return None


@contextmanager
def registered(pm: PluginManager, plugin: object, name: str | None = None) -> Iterator[str]:
    """Register ``plugin`` in ``pm`` for the length of a ``with`` block; yields its name
    (``name``, else the plugin's own, see :func:`name_of_plugin`)."""
    plugin_name = pm.register(plugin, name=name or name_of_plugin(plugin))
    if plugin_name is None:
        raise ValueError(f"plugin {plugin!r} is already registered or blocked")
    try:
        pm.check_pending()
        yield plugin_name
    finally:
        pm.unregister(name=plugin_name)


@pytest.fixture
def cadrecore_pm() -> Iterator[PluginManager]:
    """A plugin manager with cadrecore's built-ins and nothing else, in use for the test:
    records built in the test check their keys against it, ``evaluate`` runs its rules."""
    pm = new_plugin_manager(load_installed=False)
    with using_plugin_manager(pm):
        yield pm


@pytest.fixture
def cadrecore_registry(cadrecore_pm: PluginManager) -> Registry:
    """The vocabularies of ``cadrecore_pm`` as they are when the fixture is set up.

    After ``register_plugin``, call ``cadrecore.get_registry(cadrecore_pm)`` for a registry that
    includes the new plugin (it is rebuilt, and cached, whenever the plugin set changes).
    """
    return get_registry(cadrecore_pm)


@pytest.fixture
def register_plugin(cadrecore_pm: PluginManager) -> Iterator[Callable[..., str]]:
    """Register plugins in ``cadrecore_pm`` for one test; they are unregistered after it.

    ``register_plugin(plugin)`` registers it under its own name (its ``NAMESPACE``, else its
    installed entry point's); ``name=`` still names it otherwise."""
    names: list[str] = []

    def register(plugin: object, name: str | None = None) -> str:
        plugin_name = cadrecore_pm.register(plugin, name=name or name_of_plugin(plugin))
        if plugin_name is None:
            raise ValueError(f"plugin {plugin!r} is already registered or blocked")
        cadrecore_pm.check_pending()
        names.append(plugin_name)
        return plugin_name

    yield register
    for plugin_name in reversed(names):
        if cadrecore_pm.has_plugin(plugin_name):
            cadrecore_pm.unregister(name=plugin_name)


@pytest.fixture
def cadrecore_ledger(cadrecore_pm: PluginManager) -> Ledger:
    """A small consistent ledger (:func:`cadrecore.sample.small_ledger`) checked against
    ``cadrecore_pm``; every built-in rule passes on it for 2022."""
    return small_ledger(2022, registry=get_registry(cadrecore_pm))


# =============================================================================================
# Conformance: what every plugin's own tests should call
# =============================================================================================


def plugin_conformance_problems(plugin: object, name: str | None = None) -> list[str]:
    """What is wrong with ``plugin`` as a cadrecore plugin (empty when nothing is).

    ``name`` is the plugin's name; by default its own (see :func:`name_of_plugin`).

    It registers the plugin in a fresh manager next to the built-ins and checks that: every
    hook it implements exists; it registers without error; its keys are namespaced
    (``<something>.<name>``) and its labels are in Chinese and English; its service types'
    ``details`` models are frozen, forbid unknown fields and store as CSV cells; its rules
    and report sections run on the sample ledger without raising.
    """
    from .reports.sections import ReportSection
    from .rules.engine import build_rulebook, evaluate

    problems: list[str] = []
    name = name or name_of_plugin(plugin)
    if name is None:
        return [
            f"{plugin!r} declares no NAMESPACE and no installed entry point loads it: "
            "say NAMESPACE = '<name>' in the plugin, or pass name="
        ]
    pm = new_plugin_manager(load_installed=False)
    try:
        pm.register(plugin, name=name)
        pm.check_pending()
    except Exception as exc:
        return [f"registering failed: {type(exc).__name__}: {exc}"]
    with using_plugin_manager(pm):
        try:
            registry = build_registry(pm)
            book = build_rulebook(pm)
        except Exception as exc:
            return [f"its register_* hooks failed: {type(exc).__name__}: {exc}"]
        for vocabulary_name in (
            "branch_types",
            "activity_kinds",
            "checklist_items",
            "service_types",
            "plan_metrics",
            "importers",
        ):
            vocabulary = registry.vocabulary(vocabulary_name)
            for key in vocabulary.keys_of(name):
                entry = vocabulary.get(key)
                if "." not in key:
                    problems.append(
                        f"{vocabulary_name} key {key!r} is not namespaced (use '<plugin>.<name>')"
                    )
                if not entry.label.zh.strip() or not entry.label.en.strip():
                    problems.append(
                        f"{vocabulary_name} {key!r} needs a Chinese and an English label"
                    )
        for key in registry.service_types.keys_of(name):
            problems += _details_problems(key, registry.service_types.get(key).details)
        for registered in book.rules.values():
            if registered.plugin != name:
                continue
            rule = registered.rule
            if not rule.title.zh.strip() or not rule.title.en.strip():
                problems.append(f"rule {registered.id!r} needs a Chinese and an English title")
        ledger = small_ledger(2022, registry=registry)
        own_rules = [r.id for r in book.rules.values() if r.plugin == name]
        if own_rules:
            report = evaluate(ledger, year=2022, rules=own_rules, pm=pm)
            problems += [
                f"rule {e.rule_id!r} raised on the sample ledger: {e.error}" for e in report.errored
            ]
        else:
            report = evaluate(ledger, year=2022, rules=["builtin::checklist.items"], pm=pm)
        sections, failures = (
            registry.hooks.report_sections(ledger, report, "zh") if registry.hooks else ([], [])
        )
        problems += [f"report_sections failed: {f.error}" for f in failures if f.plugin == name]
        for section in sections:
            if section.plugin == name and not isinstance(section, ReportSection):
                problems.append("report_sections returned something that is not a ReportSection")
    return problems


def assert_plugin_conforms(
    plugin: object,
    name: str | None = None,
    *,
    details: Mapping[str, Any] | None = None,
    examples: int = 8,
) -> None:
    """Fail (AssertionError) with every conformance problem of ``plugin`` (``name``: by
    default the plugin's own, see :func:`name_of_plugin`).

    Beyond :func:`plugin_conformance_problems`, it runs the plugin's rules and report sections
    on ``examples`` random ledgers that hold records of its service types (hypothesis,
    :func:`cadrecore.strategies.ledgers`), and checks that: each ledger comes back equal
    through a ledger folder and through a store; the rules and sections say the same twice;
    none of them raises; and removing one of the plugin's records (evidence of a service)
    never raises a ratio its rules measure. ``details`` is the strategies the plugin ships
    for its records' details, by service type key (a local key is the plugin's own; see
    :func:`cadrecore.strategies.service_details`); by default they are drawn from each type's
    details model.
    """
    problems = plugin_conformance_problems(plugin, name)
    name = name or name_of_plugin(plugin)
    if not problems and name is not None and examples > 0:
        problems += plugin_property_problems(plugin, name, details=details, examples=examples)
    assert not problems, f"plugin {name!r} does not conform:\n  - " + "\n  - ".join(problems)


def plugin_property_problems(
    plugin: object,
    name: str,
    *,
    details: Mapping[str, Any] | None = None,
    examples: int = 8,
) -> list[str]:
    """The first problem hypothesis finds with ``plugin`` on random ledgers holding its
    records (see :func:`assert_plugin_conforms`), or none."""
    import tempfile

    from hypothesis import HealthCheck, Phase, assume, given, settings
    from hypothesis import strategies as st

    from .errors import LedgerError
    from .io.folder import load_ledger
    from .plugins import plugin_namespace, qualified_key
    from .rules.engine import build_rulebook, evaluate
    from .store import open_store
    from .strategies import ledgers, service_records

    pm = new_plugin_manager(load_installed=False)
    pm.register(plugin, name=name)
    namespace = plugin_namespace(pm, name)
    found: list[str] = []
    with using_plugin_manager(pm):
        registry = build_registry(pm)
        book = build_rulebook(pm)
        own_types = set(registry.service_types.keys_of(name))
        own_rules = sorted(r.id for r in book.rules.values() if r.plugin == name)
        inputs = {qualified_key(k, namespace): v for k, v in (details or {}).items()}
        hooks = registry.hooks

        def judged(ledger: Ledger, year: int) -> tuple[Report | None, list[Any]]:
            report = evaluate(ledger, year=year, rules=own_rules, pm=pm) if own_rules else None
            if report is not None and report.errored:
                error = report.errored[0]
                raise AssertionError(f"rule {error.rule_id!r} raised: {error.error}")
            if hooks is None or report is None:
                return report, []
            sections, failures = hooks.report_sections(ledger, report, "zh")
            mine = [f for f in failures if f.plugin == name]
            if mine:
                raise AssertionError(f"report_sections failed: {mine[0].error}")
            return report, [s for s in sections if s.plugin == name]

        def with_own_records(ledger: Ledger, data: st.DataObject) -> Ledger:
            """``ledger`` with a few more records of the plugin's own types (grouped by type,
            as a folder keeps them)."""
            if not own_types or not ledger.cadres:
                return ledger
            drawn = data.draw(
                st.lists(
                    service_records(
                        registry,
                        service_types=st.sampled_from(sorted(own_types)),
                        cadre_ids=st.sampled_from([c.id for c in ledger.cadres]),
                        provider_unit_ids=st.sampled_from([u.id for u in ledger.units]),
                        details=inputs,
                    ),
                    min_size=1,
                    max_size=4,
                )
            )
            added = [r.model_copy(update={"id": f"conformance.{i}"}) for i, r in enumerate(drawn)]
            records = sorted((*ledger.service_records, *added), key=lambda r: r.service_type)
            try:
                return ledger.replace(service_records=records)
            except LedgerError:  # its own validate_service_record refused them
                assume(False)
                raise

        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            derandomize=True,
            phases=(Phase.explicit, Phase.reuse, Phase.generate),  # (the first problem found)
            suppress_health_check=list(HealthCheck),
        )
        @given(
            ledgers(registry, details=inputs, max_activities=2), st.integers(2019, 2024), st.data()
        )
        def holds(ledger: Ledger, year: int, data: st.DataObject) -> None:
            ledger = with_own_records(ledger, data)
            with tempfile.TemporaryDirectory() as folder:
                saved = ledger.save(os.path.join(folder, "ledger"))
                changed = _changed(load_ledger(saved, registry=registry), ledger)
                if changed:
                    raise AssertionError(
                        f"a ledger holding its records changed through a folder: {changed}"
                    )
                with open_store(os.path.join(folder, "store.sqlite")) as store:
                    store.save(ledger, actor="conformance")
                    changed = _changed(store.load(registry=registry), ledger)
                    if changed:
                        raise AssertionError(
                            f"a ledger holding its records changed through a store: {changed}"
                        )
            report, sections = judged(ledger, year)
            again, sections_again = judged(ledger, year)
            if report is not None and again is not None and report.to_json() != again.to_json():
                raise AssertionError("its rules judged the same ledger twice, differently")
            if sections != sections_again:
                raise AssertionError("its report sections differ for the same ledger and report")
            evidence = [r for r in ledger.service_records if r.service_type in own_types]
            if report is None or not evidence:
                return
            gone = data.draw(st.sampled_from(evidence))
            fewer = ledger.replace(
                service_records=tuple(r for r in ledger.service_records if r.id != gone.id),
                service_events=tuple(e for e in ledger.service_events if e.record_id != gone.id),
            )
            after, _ = judged(fewer, year)
            assert after is not None
            before = {(m.rule_id, m.name, m.subject): m.ratio for m in report.measures}
            for measure in after.measures:
                old = before.get((measure.rule_id, measure.name, measure.subject))
                if old is not None and measure.ratio is not None and measure.ratio > old:
                    raise AssertionError(
                        f"removing record {gone.id!r} raised {measure.rule_id} {measure.name} of "
                        f"{measure.subject.kind} {measure.subject.id} from {old:.3f} to "
                        f"{measure.ratio:.3f}: evidence taken away must never raise a ratio"
                    )

        try:
            holds()
        except AssertionError as exc:
            found.append(str(exc).splitlines()[0])
        except Exception as exc:  # a ledger that breaks the kit's own steps: said, not raised
            found.append(f"on a random ledger holding its records: {type(exc).__name__}: {exc}")
    return found


def _changed(read: Ledger, written: Ledger) -> str:
    """Which records of ``written`` came back otherwise in ``read`` (empty when none did)."""
    if read == written:
        return ""
    for kind in type(written).model_fields:
        before, after = getattr(written, kind), getattr(read, kind)
        if before != after:
            if not isinstance(before, tuple) or len(before) != len(after):
                return f"{kind}: {before!r} became {after!r}"[:600]
            for old, new in zip(before, after, strict=True):
                if old != new:
                    return f"{kind}: {old!r} became {new!r}"[:600]
    return "the ledger as a whole"


def _details_problems(key: str, model: type[BaseModel]) -> list[str]:
    problems = []
    config = model.model_config
    if not config.get("frozen"):
        problems.append(f"service type {key!r}: its details model should be frozen=True")
    if config.get("extra") != "forbid":
        problems.append(
            f"service type {key!r}: its details model should forbid unknown fields (extra='forbid')"
        )
    try:
        schema = model.model_json_schema(mode="serialization")
    except Exception as exc:  # a model pydantic cannot describe cannot be stored either
        return [*problems, f"service type {key!r}: details model has no JSON schema: {exc}"]
    definitions = schema.get("$defs", {})
    for field_name, spec in schema.get("properties", {}).items():
        if not _cell_friendly(spec, definitions):
            problems.append(
                f"service type {key!r}: details field {field_name!r} does not store as a CSV cell "
                "(use scalars, lists of scalars, or items that serialize to text)"
            )
    return problems


def _cell_friendly(spec: dict[str, object], definitions: dict[str, object]) -> bool:
    ref = spec.get("$ref")
    if isinstance(ref, str):
        target = definitions.get(ref.rsplit("/", 1)[-1], {})
        return isinstance(target, dict) and (target.get("type") != "object" or "enum" in target)
    for union in ("anyOf", "oneOf"):
        options = spec.get(union)
        if isinstance(options, list):
            return all(isinstance(o, dict) and _cell_friendly(o, definitions) for o in options)
    kind = spec.get("type")
    if kind == "array":
        items = spec.get("items", {})
        return (
            isinstance(items, dict)
            and items.get("type") != "array"
            and _cell_friendly(items, definitions)
        )
    return kind != "object"


def judged_alike_when_opened(
    ledger: Ledger,
    path: str | os.PathLike[str],
    *,
    dates: Iterable[date],
    rules: Sequence[str] | None = None,
    never_whole: Iterable[str] = BULK_KINDS,
) -> list[Report]:
    """Evaluate ``rules`` (all, if None) at each of ``dates`` on ``ledger`` and on the same
    ledger saved into a new SQLite store at ``path`` and opened (``store.open()``, as
    ``cadrecore check`` reads a store), and return the opened ledger's reports.

    Raises AssertionError if a report differs between the two, naming the date; if the
    rules read one of ``never_whole`` whole rather than by ``Ledger.columns`` (at a
    province's scale that costs a record object per cadre or activity); or if a rule reads
    columns of a whole kind (``columns`` without ``where``) that it does not name in
    ``Rule.reads``, naming the rule and the columns (they would then cost a pass over the table
    of their own, rather than sharing the one the engine makes for all the rules). Rules run
    with the plugin manager in use (``cadrecore_pm`` in a test)."""
    from .rules import evaluate
    from .store import open_store

    days = list(dates)  # (read twice: by the comparison, then by the check of Rule.reads)
    reports = []
    with open_store(path) as store:
        store.save(ledger, actor="test")
        opened = store.open(registry=ledger.registry)
        for day in days:
            judged = evaluate(opened, rules=rules, as_of=day)
            expected = evaluate(ledger, rules=rules, as_of=day)
            if judged.to_json() != expected.to_json():
                raise AssertionError(
                    f"the rules judge the ledger opened on the store otherwise than in memory on {day}"
                )
            reports.append(judged)
        read_whole = [kind for kind in never_whole if kind in opened.__dict__]
        if read_whole:
            raise AssertionError(
                f"the rules read {', '.join(read_whole)} whole: read them with Ledger.columns"
            )
        if days:
            _check_declared_reads(store, ledger, rules, days[0])
    return reports


def _check_declared_reads(
    store: Any, ledger: Ledger, rules: Sequence[str] | None, day: date
) -> None:
    """Each rule, on a ledger of its own opened on ``store`` with nothing read ahead, reads no
    column of a whole kind it does not name in ``Rule.reads``."""
    from .rules import evaluate
    from .rules.engine import get_rulebook
    from .store.opened import _WHOLE_READS

    book = get_rulebook()
    for registered in book.select(rules):
        opened = store.open(registry=ledger.registry)
        log: list[tuple[str, tuple[str, ...]]] = []
        opened.__dict__[_WHOLE_READS] = log
        evaluate(opened, rules=[registered.id], as_of=day)
        declared = registered.rule.columns_read()
        undeclared = {
            f"{kind}.{name}": None
            for kind, fields in log
            for name in fields
            if name not in declared.get(kind, ())
        }
        if undeclared:
            raise AssertionError(
                f"rule {registered.id} reads {', '.join(undeclared)} without naming them in "
                "Rule.reads: name them, so that one pass over the table reads them for all the "
                "rules"
            )
