"""The rule engine: collecting the rules from plugins into a rule book, and evaluating a ledger
at a date.

A rule is a pure function of a :class:`RuleContext` (the ledger, the date, the parameters in
force) that yields :class:`Finding`, :class:`Occurrence` and :class:`Measure` objects. Rules
reach the engine through the ``register_rules`` hook, the built-ins included; the host
namespaces each rule id by its plugin (``builtin::branch.formation``). Each rule runs within a
time budget; one that raises, yields the wrong thing or overruns is reported as errored and the
others' outcomes stand.

What a rule is (:class:`Rule`, :class:`RuleContext`, :class:`RuleBook`) is in
:mod:`cadrecore.rules.rule`, below this module, which offers those names too. Layer: the top of
the rules; it calls plugins through :mod:`cadrecore.plugin_manager` (the foundation) and must not
import :mod:`cadrecore.plugins`, ``io``, ``store``, ``reports`` or the CLI.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import compress, repeat
from operator import attrgetter, is_, not_
from typing import Any

import pluggy

from .._gc import collector_paused_during
from ..calendar import Period
from ..errors import CadrecoreError
from ..i18n import Text
from ..ledger import Ledger
from ..models import Waiver
from ..plugin_manager import (
    LoadFailure,
    PluginSetCache,
    PluginTimeout,
    call_plugin,
    collect_registrations,
    fault_of,
    get_plugin_manager,
    naming_skipped,
    plugin_namespace,
    plugin_timeout,
    settle_load_failures,
    type_name,
)
from .findings import Finding, Measure, Occurrence, Report, RuleFailure, Severity, Subject
from .parameters import Parameter, ParameterResolver, PluginOverride
from .rule import Outcome as Outcome
from .rule import RegisteredRule as RegisteredRule
from .rule import Rule as Rule
from .rule import RuleBook as RuleBook
from .rule import RuleContext as RuleContext
from .rule import SectionContext as SectionContext
from .rule import namespace_of as namespace_of
from .rule import shared_with_ledger as shared_with_ledger
from .split import SplitRun, usable_cpus

# =============================================================================================
# Collecting rules from plugins
# =============================================================================================


def build_rulebook(
    pm: pluggy.PluginManager, *, strict: bool = True, timeout: float | None = None
) -> RuleBook:
    """Every rule, parameter and parameter override the plugins of ``pm`` contribute.

    A plugin whose ``register_parameters``, ``register_rules`` or ``parameter_overrides``
    raises, returns or registers the wrong type, or overruns its time budget (``timeout``
    seconds, see :func:`~cadrecore.plugins.plugin_timeout`) is a fault: with ``strict`` (the
    default) a :class:`PluginError` names it; otherwise (as :func:`get_rulebook` builds) it is
    recorded as a :class:`~cadrecore.plugins.LoadFailure` (``book.load_failures`` and
    ``pm.load_failures``) and none of that plugin's parameters, rules and overrides are used,
    while the other plugins' stand. A rule id registered twice, a rule reading a parameter no
    plugin registered and an override of an unknown parameter are errors either way.
    """
    limit = plugin_timeout(timeout)
    parameters, failures = collect_registrations(
        pm, "register_parameters", Parameter, timeout=limit
    )
    rules, failed = collect_registrations(pm, "register_rules", Rule, timeout=limit)
    failures += failed
    overrides, failed = _collect_overrides(pm, timeout=limit)
    failures += failed
    skipped = settle_load_failures(
        pm, failures, strict=strict, skipped="its rule parameters, rules and overrides"
    )
    book = RuleBook(load_failures=tuple(failures))
    for plugin, entries in parameters:
        if plugin not in skipped:
            for parameter in entries:
                book.parameters.add(parameter, plugin=plugin)
    for plugin, entries in rules:
        if plugin not in skipped:
            namespace = plugin_namespace(pm, plugin)
            for rule in entries:
                book.add(rule, plugin=plugin, namespace=namespace)
    with naming_skipped(failures):
        for plugin, entries in overrides:
            if plugin not in skipped:
                for override in entries:
                    book.parameters.add_override(override, plugin=plugin)
        book.check_parameters()
    return book


def _collect_overrides(
    pm: pluggy.PluginManager, *, timeout: float | None
) -> tuple[list[tuple[str, list[Any]]], list[LoadFailure]]:
    found: list[tuple[str, list[Any]]] = []
    failures: list[LoadFailure] = []
    hook = "parameter_overrides"
    for impl in reversed(pm.hook.parameter_overrides.get_hookimpls()):
        plugin = impl.plugin_name
        try:
            overrides = call_plugin(impl.function, {}, timeout=timeout)
        except Exception as exc:
            fault, error = fault_of(exc)
            failures.append(LoadFailure(plugin, f"{hook} {error}", hook, fault))
            continue
        if overrides is None:
            continue
        if isinstance(overrides, list | tuple):
            wrong = next((o for o in overrides if not isinstance(o, PluginOverride)), None)
            if wrong is None:
                found.append((plugin, list(overrides)))
                continue
            error = f"returned {wrong!r}, expected a {type_name(PluginOverride)}"
        else:
            error = f"returned {type(overrides).__name__}, expected a list of PluginOverride"
        failures.append(LoadFailure(plugin, f"{hook} {error}", hook, "wrong_type"))
    return found, failures


_rulebooks: PluginSetCache[RuleBook] = PluginSetCache(lambda pm: build_rulebook(pm, strict=False))


def get_rulebook(pm: pluggy.PluginManager | None = None) -> RuleBook:
    """The rule book of ``pm`` (default: the manager in use), rebuilt when its plugins change.

    A plugin whose rule hooks fail is left out of it and listed in ``pm.load_failures`` (see
    :func:`build_rulebook`)."""
    return _rulebooks.get(pm or get_plugin_manager())


# =============================================================================================
# Evaluation
# =============================================================================================


@collector_paused_during
def evaluate(
    ledger: Ledger,
    *,
    year: int | None = None,
    as_of: date | None = None,
    rules: Sequence[str] | None = None,
    pm: pluggy.PluginManager | None = None,
    timeout: float | None = None,
    workers: int | None = None,
) -> Report:
    """Evaluate the rules over ``ledger`` for ``year`` as it stood on ``as_of``.

    Give ``year`` (judged as at 31 December) or ``as_of`` (judged as at that day, in its
    year), or both. ``rules`` limits the run to those ids or patterns. The same ledger and
    date always give the same report.

    Each rule runs within a time budget of ``timeout`` seconds (default: the setting, see
    :func:`~cadrecore.plugins.plugin_timeout`). A rule that raises, yields something other
    than findings, occurrences and measures of its own, or overruns is counted in
    ``errored`` (saying which, and naming its plugin) and none of its outcomes are kept; the
    other rules' stand.

    ``workers`` is how many processes share the rules out (default: the setting
    ``CADRECORE_WORKERS``, else 1; 0 means one per usable CPU). With more than one, the rules
    run in batches (:attr:`Rule.batch`) in this process and forked copies of it, each taking
    the next batch as it becomes free; the report is the same as one process gives (see
    :mod:`cadrecore.rules.split`, which says when it falls back to one process).
    """
    if year is None and as_of is None:
        raise CadrecoreError("evaluate needs year= or as_of=")
    if as_of is None:
        assert year is not None
        as_of = date(year, 12, 31)
    if year is None:
        year = as_of.year
    limit = plugin_timeout(timeout)
    book = get_rulebook(pm)
    # (the rules of the plugins the ledger uses: see Registry.for_ledger)
    selected = [r for r in book.select(rules) if ledger.registry.uses(r.plugin)]
    by_id = {registered.id: registered for registered in selected}
    runner = _Runner(ledger, year, as_of, book, tuple(by_id), limit)

    def read_ahead(ids: Iterable[str]) -> None:
        for kind, fields in columns_read(by_id[rule_id].rule for rule_id in ids).items():
            ledger.read_ahead(kind, *fields)

    def run_batch(batch: Sequence[str]) -> dict[str, _Ran]:
        read_ahead(batch)  # (the columns read ahead already are not read again)
        return {rule_id: runner.run(by_id[rule_id]) for rule_id in batch}

    batches = batches_of(selected)

    def before_fork() -> None:
        # the columns both this process's batch and the others' read: read once, here, and
        # every copy starts with them (instead of each process reading them at the same time)
        first = columns_read(by_id[rule_id].rule for rule_id in batches[0])
        rest = columns_read(by_id[rule_id].rule for batch in batches[1:] for rule_id in batch)
        for kind, fields in first.items():
            both = [name for name in fields if name in rest.get(kind, ())]
            if both:
                ledger.read_ahead(kind, *both)

    def in_child() -> None:
        ledger._after_fork()
        # what any batch it may take reads, one pass over each kind (the first batch is the
        # parent's: what it reads is read there, at the same time)
        read_ahead(rule_id for batch in batches[1:] for rule_id in batch)

    split = SplitRun(
        batches,
        run_batch,
        extra=lambda: runner.resolver.resolved,
        before_fork=before_fork,
        in_child=in_child,
    )
    done = split(workers_for(workers))
    if done is None:  # (one process)
        ran = run_batch(list(by_id))
    else:
        ran, resolved_elsewhere = done
        for resolved in resolved_elsewhere:
            runner.resolver.resolved.update(resolved)

    findings: list[Finding] = []
    occurrences: list[Occurrence] = []
    measures: list[Measure] = []
    failures: list[RuleFailure] = []
    for rule_id in by_id:  # (in id order, whichever process ran them)
        outcome = ran[rule_id]
        if outcome.failure is not None:
            failures.append(outcome.failure)
            continue
        findings += outcome.findings
        # each rule's occurrences apart, sorted on their own: the rules run in id order, so
        # putting them one after the other gives the order of one sort by rule id first
        occurrences += outcome.occurrences
        measures += outcome.measures

    resolver = runner.resolver
    context = runner.context
    kept, waived = _apply_waivers(findings, ledger.waivers, as_of, context.period)
    for registered in selected:
        for key in registered.rule.parameters:
            resolver.resolve(key)
    from ..scope import scoped_report

    # a unit's view is judged on its own records only, not on the context it holds
    return scoped_report(
        Report(
            jurisdiction=ledger.jurisdiction.name,
            year=year,
            as_of=as_of,
            rules_run=tuple(r.id for r in selected),
            findings=tuple(sorted(kept, key=Finding.sort_key)),
            waived=tuple(sorted(waived, key=Finding.sort_key)),
            errored=tuple(failures),
            occurrences=tuple(occurrences),
            measures=tuple(
                sorted(measures, key=lambda m: (m.rule_id, m.name, m.subject.kind, m.subject.id))
            ),
            parameters=resolver.applied(),
        ),
        ledger,
    )


def columns_read(rules: Iterable[Rule]) -> dict[str, tuple[str, ...]]:
    """The columns ``rules`` name in ``Rule.reads``, by kind: each field once, in the order
    first named."""
    by_kind: dict[str, dict[str, None]] = {}
    for rule in rules:
        for kind, fields in rule.columns_read().items():
            by_kind.setdefault(kind, {}).update(dict.fromkeys(fields))
    return {kind: tuple(fields) for kind, fields in by_kind.items()}


def batches_of(selected: Sequence[RegisteredRule]) -> list[list[str]]:
    """The ids of ``selected`` in batches: the rules naming the same :attr:`Rule.batch`
    together, each other rule alone; the largest batch first (the process that starts the
    run keeps it: its outcomes need not be sent), then in order of their first rule."""
    batches: dict[str, list[str]] = {}
    for registered in selected:
        batches.setdefault(registered.rule.batch or f"\0{registered.id}", []).append(registered.id)
    return sorted(batches.values(), key=lambda ids: -len(ids))


def workers_for(workers: int | None) -> int:
    """How many processes a check uses: ``workers`` if given, else the setting
    ``CADRECORE_WORKERS``, else 1; 0 means one per usable CPU."""
    if workers is None:
        setting = os.environ.get("CADRECORE_WORKERS", "").strip()
        try:
            workers = int(setting) if setting else 1
        except ValueError:
            raise CadrecoreError(
                Text(
                    f"CADRECORE_WORKERS={setting!r}：应为进程数（0 表示每个 CPU 一个）",
                    f"CADRECORE_WORKERS={setting!r}: expected a whole number of processes "
                    "(0: one per CPU)",
                )
            ) from None
    if workers < 0:
        raise CadrecoreError(
            Text(
                f"workers={workers}：应为 0（每个 CPU 一个）或更多",
                f"workers={workers}: expected 0 (one per CPU) or more",
            )
        )
    return usable_cpus() if workers == 0 else workers


@dataclass(slots=True)
class _Ran:
    """What one rule gave: its findings, occurrences (sorted) and measures, or its failure.

    Pickled (sent back by a forked process, :mod:`.split`) with its occurrences as columns,
    their dates as day numbers: pickling them one by one costs about 15 us each (a date alone
    costs 2), and a province's monthly meetings are three quarters of a million of them.
    """

    failure: RuleFailure | None = None
    findings: list[Finding] = field(default_factory=list)
    occurrences: list[Occurrence] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)

    def __reduce__(self) -> tuple[Any, ...]:
        occurrences = self.occurrences
        columns = (
            [o.rule_id for o in occurrences],
            [o.subject.kind for o in occurrences],
            [o.subject.id for o in occurrences],
            [o.period for o in occurrences],
            [0 if o.due is None else o.due.toordinal() for o in occurrences],
            [o.status for o in occurrences],
            [o.satisfied_by for o in occurrences],
            [0 if o.done_on is None else o.done_on.toordinal() for o in occurrences],
            [o.note for o in occurrences],
        )
        return (_unpickled_ran, (self.failure, self.findings, self.measures, columns))


def _unpickled_ran(
    failure: RuleFailure | None,
    findings: list[Finding],
    measures: list[Measure],
    columns: tuple[list[Any], ...],
) -> _Ran:
    rule_ids, kinds, ids, periods, dues, statuses, satisfied_by, done_on, notes = columns
    days: dict[int, date | None] = {0: None}
    subjects: dict[tuple[str, str], Subject] = {}

    def day(number: int) -> date | None:
        found = days.get(number, days)
        if found is days:
            found = days[number] = date.fromordinal(number)
        return found  # type: ignore[return-value]

    def subject(kind: str, subject_id: str) -> Subject:
        found = subjects.get((kind, subject_id))
        if found is None:
            found = subjects[(kind, subject_id)] = Subject(kind, subject_id)
        return found

    occurrences = list(
        map(
            Occurrence,
            rule_ids,
            map(subject, kinds, ids),
            periods,
            map(day, dues),
            statuses,
            satisfied_by,
            map(day, done_on),
            notes,
        )
    )
    return _Ran(failure, findings, occurrences, measures)


class _Runner:
    """Runs rules one after the other, in one process, on one ledger and date."""

    def __init__(
        self,
        ledger: Ledger,
        year: int,
        as_of: date,
        book: RuleBook,
        rules_run: tuple[str, ...],
        limit: float | None,
    ) -> None:
        self.ledger = ledger
        self.year = year
        self.as_of = as_of
        self.rules_run = rules_run
        self.limit = limit
        self.resolver = ParameterResolver(book.parameters, ledger, as_of)
        self.context = self._context()

    def _context(self) -> RuleContext:
        context = RuleContext(self.ledger, self.year, self.as_of, self.resolver)
        context.rules_run = self.rules_run
        return context

    def run(self, registered: RegisteredRule) -> _Ran:
        context = self.context
        context.rule_id = registered.id
        context.default_severity = registered.rule.severity
        check = registered.rule.check
        try:
            outcomes = call_plugin(
                _run_check, {"check": check, "context": context}, timeout=self.limit, key=id(check)
            )
        except PluginTimeout as exc:
            # The overrunning rule still holds the context: the next rules get their own, so
            # that nothing it does later reaches this report.
            self.resolver = _copy_resolver(self.resolver)
            self.context = self._context()
            return _Ran(
                RuleFailure(registered.id, registered.plugin, f"{exc}; its outcomes were discarded")
            )
        except Exception as exc:  # a broken rule is reported, the others still run
            return _Ran(RuleFailure(registered.id, registered.plugin, fault_of(exc)[1]))
        ran = _sorted_out(outcomes, registered.id)
        if isinstance(ran, str):
            return _Ran(
                RuleFailure(registered.id, registered.plugin, f"returned the wrong type: {ran}")
            )
        ran.occurrences.sort(key=_OCCURRENCE_ORDER)
        return ran


#: How a rule's occurrences are ordered in the report (after the rule's id).
_OCCURRENCE_ORDER = attrgetter("subject.kind", "subject.id", "period")


def _run_check(check: Callable[[RuleContext], Iterable[Outcome]], context: RuleContext) -> object:
    """Run a rule to its end (a rule is usually a generator: the work is in the iterating)."""
    outcomes = check(context)
    if not isinstance(outcomes, Iterable) or isinstance(outcomes, str | bytes):
        return outcomes  # the caller names the wrong type
    return list(outcomes)


def _sorted_out(outcomes: object, rule_id: str) -> _Ran | str:
    """What a rule produced, sorted out into findings, occurrences and measures; or what is
    wrong with it: every outcome must be a Finding, Occurrence or Measure of this rule, with
    fields the report can sort and draw.

    A province's check makes about two million occurrences: they are picked out and tested in
    C (by type, then by rule id and subject type, as sets); the others one by one."""
    if not isinstance(outcomes, list):
        return f"{type(outcomes).__name__}, expected an iterable of Finding, Occurrence or Measure"
    is_occurrence = list(map(is_, map(type, outcomes), repeat(Occurrence)))
    ran = _Ran()
    if all(is_occurrence):
        ran.occurrences = outcomes
    else:
        ran.occurrences = list(compress(outcomes, is_occurrence))
        for outcome in compress(outcomes, map(not_, is_occurrence)):
            if not isinstance(outcome, Finding | Occurrence | Measure):
                return (
                    f"yielded {type(outcome).__name__}, expected Finding, Occurrence or Measure "
                    "(TypeError)"
                )
            problem = _outcome_problem(outcome, rule_id)
            if problem is not None:
                return problem
            if isinstance(outcome, Finding):
                ran.findings.append(outcome)
            elif isinstance(outcome, Measure):
                ran.measures.append(outcome)
            else:  # (of a subclass of Occurrence)
                ran.occurrences.append(outcome)
    occurrences = ran.occurrences
    wrong_rule = not set(map(_RULE_ID, occurrences)) <= {rule_id}
    if wrong_rule or not all(
        issubclass(t, Subject) for t in set(map(type, map(_SUBJECT, occurrences)))
    ):  # (rare: the first that is wrong, named)
        return next(
            problem
            for problem in (_outcome_problem(o, rule_id) for o in occurrences)
            if problem is not None
        )
    return ran


_RULE_ID = attrgetter("rule_id")
_SUBJECT = attrgetter("subject")


def _outcome_problem(outcome: Finding | Occurrence | Measure, rule_id: str) -> str | None:
    """What is wrong with one outcome of the rule ``rule_id``, or None."""
    kind = type(outcome).__name__
    if outcome.rule_id != rule_id:
        return f"yielded a {kind} of rule {outcome.rule_id!r} (use ctx.finding and the like)"
    if not isinstance(outcome.subject, Subject):
        return f"yielded a {kind} whose subject is {type(outcome.subject).__name__}"
    if isinstance(outcome, Finding) and not (
        isinstance(outcome.severity, Severity) and isinstance(outcome.message, Text)
    ):
        return "yielded a Finding whose severity is not a Severity or message not a Text"
    return None


def _copy_resolver(resolver: ParameterResolver) -> ParameterResolver:
    """A resolver that knows what ``resolver`` resolved so far, for the rules after one that
    overran (which keeps the old one)."""
    fresh = ParameterResolver(resolver.table, resolver.ledger, resolver.day)
    fresh.resolved.update(resolver.resolved)
    return fresh


def _apply_waivers(
    findings: list[Finding], waivers: Sequence[Waiver], as_of: date, year: Period
) -> tuple[list[Finding], list[Finding]]:
    kept: list[Finding] = []
    waived: list[Finding] = []
    for finding in findings:
        waiver = next((w for w in waivers if _covers(w, finding, year)), None)
        if waiver is None:
            kept.append(finding)
        else:
            waived.append(dataclasses.replace(finding, waived_by=waiver.id))
    del as_of
    return kept, waived


def _covers(waiver: Waiver, finding: Finding, year: Period) -> bool:
    if not (waiver.rule == finding.rule_id or fnmatch.fnmatchcase(finding.rule_id, waiver.rule)):
        return False
    if waiver.subject_kind and waiver.subject_kind != finding.subject.kind:
        return False
    if waiver.subject_id and waiver.subject_id != finding.subject.id:
        return False
    # the waiver must overlap the year judged
    return waiver.effective_from <= year.end and (
        waiver.effective_to is None or waiver.effective_to >= year.start
    )
