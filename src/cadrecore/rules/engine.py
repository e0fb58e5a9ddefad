"""Rules, the context they run in, and evaluation of a ledger at a date.

A rule is a pure function of a :class:`RuleContext` (the ledger, the date, the parameters in
force) that yields :class:`Finding`, :class:`Occurrence` and :class:`Measure` objects. Rules
reach the engine through the ``register_rules`` hook, the built-ins included; the host
namespaces each rule id by its plugin (``builtin::branch.formation``).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

import pluggy

from ..calendar import Period
from ..errors import CadrecoreError, PluginError, UnknownKeyError
from ..i18n import Text
from ..ledger import Ledger
from ..models import Waiver
from ..plugins import PluginSetCache
from .findings import Finding, Measure, Occurrence, Report, RuleFailure, Scalar, Severity, Subject
from .parameters import ParameterResolver, ParameterTable

Outcome = Finding | Occurrence | Measure


@dataclass(frozen=True, kw_only=True)
class Rule:
    """A check over a ledger, with its metadata (OPA-style: on the rule, not on each finding).

    ``key`` is local to the plugin (``branch.formation``); the registered id adds the plugin's
    namespace. ``cites`` names the regulations it applies; ``parameters`` the parameter keys
    it reads; ``severity`` the default severity of its findings.
    """

    key: str
    title: Text
    check: Callable[[RuleContext], Iterable[Outcome]]
    severity: Severity = Severity.ERROR
    cites: tuple[str, ...] = ()
    parameters: tuple[str, ...] = ()
    topic: str = ""
    description: Text | None = None


@dataclass(frozen=True)
class RegisteredRule:
    """A rule as the host knows it: its full id and the plugin that registered it."""

    id: str
    plugin: str
    rule: Rule


def namespace_of(plugin_name: str) -> str:
    """The rule-id namespace of a plugin: ``builtin`` for cadrecore's own, else its name."""
    return "builtin" if plugin_name.startswith("cadrecore.builtin") else plugin_name


@dataclass
class RuleBook:
    """Every registered rule and parameter of one plugin manager."""

    rules: dict[str, RegisteredRule] = field(default_factory=dict)
    parameters: ParameterTable = field(default_factory=ParameterTable)

    def add(self, rule: object, *, plugin: str) -> None:
        if not isinstance(rule, Rule):
            raise PluginError(
                f"plugin {plugin!r} registered {rule!r}; expected a cadrecore.rules.Rule"
            )
        rule_id = f"{namespace_of(plugin)}::{rule.key}"
        if rule_id in self.rules:
            raise PluginError(f"rule {rule_id!r} is registered twice (plugin {plugin!r})")
        self.rules[rule_id] = RegisteredRule(rule_id, plugin, rule)

    def select(self, patterns: Sequence[str] | None) -> list[RegisteredRule]:
        """The rules whose ids match any of ``patterns`` (exact ids or ``*`` patterns), in id
        order; all rules when ``patterns`` is empty."""
        if not patterns:
            return [self.rules[k] for k in sorted(self.rules)]
        chosen: dict[str, RegisteredRule] = {}
        for pattern in patterns:
            matched = [
                k
                for k in self.rules
                if k == pattern
                or fnmatch.fnmatchcase(k, pattern)
                or k.split("::", 1)[-1] == pattern
            ]
            if not matched:
                raise UnknownKeyError(
                    f"no rule matches {pattern!r}; known rules: {', '.join(sorted(self.rules))}"
                )
            chosen.update((k, self.rules[k]) for k in matched)
        return [chosen[k] for k in sorted(chosen)]

    def check_parameters(self) -> None:
        for registered in self.rules.values():
            for key in registered.rule.parameters:
                if key not in self.parameters.parameters:
                    raise PluginError(
                        f"rule {registered.id!r} (plugin {registered.plugin!r}) reads parameter "
                        f"{key!r}, which no plugin registered"
                    )


class RuleContext:
    """What a rule sees: the ledger, the year and date judged, and the parameters then in force.

    ``period`` is the whole year; ``elapsed`` is the part of it up to ``as_of``.
    """

    def __init__(self, ledger: Ledger, year: int, as_of: date, params: ParameterResolver) -> None:
        self.ledger = ledger
        self.year = year
        self.as_of = as_of
        self.period = Period.year(year)
        self.elapsed = (
            Period(self.period.start, min(as_of, self.period.end))
            if as_of >= self.period.start
            else None
        )
        self.params = params
        self.rule_id = ""
        self.default_severity = Severity.ERROR
        self._other_days: dict[date, ParameterResolver] = {}

    @property
    def registry(self) -> Any:
        return self.ledger.registry

    def param(self, key: str, unit_id: str | None = None) -> Any:
        """The value of parameter ``key`` on ``as_of`` (for ``unit_id`` and the units above)."""
        return self.params(key, unit_id)

    def param_on(self, key: str, day: date, unit_id: str | None = None) -> Any:
        """The value of parameter ``key`` as it stood on another ``day`` (a term's length is
        the one in force when the committee was elected)."""
        if day == self.as_of:
            return self.params(key, unit_id)
        resolver = self._other_days.get(day)
        if resolver is None:
            resolver = self._other_days[day] = ParameterResolver(
                self.params.table, self.ledger, day
            )
        return resolver(key, unit_id)

    def finding(
        self,
        subject: Subject | tuple[str, str],
        reason: str,
        message: Text,
        *,
        severity: Severity | None = None,
        period: str | None = None,
        expected: Scalar = None,
        actual: Scalar = None,
        fix: Text | None = None,
        evidence: Iterable[str] = (),
    ) -> Finding:
        """A finding of the rule being run, about ``subject``."""
        if isinstance(subject, tuple):
            subject = Subject(*subject)
        return Finding(
            rule_id=self.rule_id,
            severity=severity if severity is not None else self.default_severity,
            subject=subject,
            period=period if period is not None else str(self.year),
            reason=reason,
            message=message,
            expected=expected,
            actual=actual,
            fix=fix,
            evidence=tuple(evidence),
        )

    def occurrence(
        self,
        subject: Subject | tuple[str, str],
        period: str,
        due: date | None,
        status: str,
        *,
        satisfied_by: str | None = None,
        done_on: date | None = None,
        note: Text | None = None,
    ) -> Occurrence:
        if isinstance(subject, tuple):
            subject = Subject(*subject)
        return Occurrence(self.rule_id, subject, period, due, status, satisfied_by, done_on, note)

    def measure(
        self,
        name: str,
        subject: Subject | tuple[str, str],
        numerator: int,
        denominator: int,
        label: Text | None = None,
    ) -> Measure:
        if isinstance(subject, tuple):
            subject = Subject(*subject)
        return Measure(self.rule_id, name, subject, numerator, denominator, label)


# =============================================================================================
# Collecting rules from plugins
# =============================================================================================


def build_rulebook(pm: pluggy.PluginManager) -> RuleBook:
    """Every rule, parameter and parameter override the plugins of ``pm`` contribute."""
    from ..plugins import call_register_hook

    book = RuleBook()
    call_register_hook(pm, "register_parameters", book.parameters.add)
    call_register_hook(pm, "register_rules", book.add)
    for impl in reversed(pm.hook.parameter_overrides.get_hookimpls()):
        try:
            overrides = cast("list[object] | None", impl.function())
        except Exception as exc:
            raise PluginError(
                f"plugin {impl.plugin_name!r} failed in parameter_overrides: {exc}"
            ) from exc
        for override in overrides or ():
            book.parameters.add_override(override, plugin=impl.plugin_name)
    book.check_parameters()
    return book


_rulebooks: PluginSetCache[RuleBook] = PluginSetCache(build_rulebook)


def get_rulebook(pm: pluggy.PluginManager | None = None) -> RuleBook:
    """The rule book of ``pm`` (default: the manager in use), rebuilt when its plugins change."""
    from ..plugins import get_plugin_manager

    return _rulebooks.get(pm or get_plugin_manager())


# =============================================================================================
# Evaluation
# =============================================================================================


def evaluate(
    ledger: Ledger,
    *,
    year: int | None = None,
    as_of: date | None = None,
    rules: Sequence[str] | None = None,
    pm: pluggy.PluginManager | None = None,
) -> Report:
    """Evaluate the rules over ``ledger`` for ``year`` as it stood on ``as_of``.

    Give ``year`` (judged as at 31 December) or ``as_of`` (judged as at that day, in its
    year), or both. ``rules`` limits the run to those ids or patterns. The same ledger and
    date always give the same report.
    """
    if year is None and as_of is None:
        raise CadrecoreError("evaluate needs year= or as_of=")
    if as_of is None:
        assert year is not None
        as_of = date(year, 12, 31)
    if year is None:
        year = as_of.year
    book = get_rulebook(pm)
    selected = book.select(rules)
    resolver = ParameterResolver(book.parameters, ledger, as_of)
    context = RuleContext(ledger, year, as_of, resolver)

    findings: list[Finding] = []
    occurrences: list[Occurrence] = []
    measures: list[Measure] = []
    failures: list[RuleFailure] = []
    for registered in selected:
        context.rule_id = registered.id
        context.default_severity = registered.rule.severity
        try:
            outcomes = list(registered.rule.check(context))
        except Exception as exc:  # a broken rule is reported, the others still run
            failures.append(
                RuleFailure(registered.id, registered.plugin, f"{type(exc).__name__}: {exc}")
            )
            continue
        for outcome in outcomes:
            if isinstance(outcome, Finding):
                findings.append(outcome)
            elif isinstance(outcome, Occurrence):
                occurrences.append(outcome)
            elif isinstance(outcome, Measure):
                measures.append(outcome)
            else:
                failures.append(
                    RuleFailure(
                        registered.id,
                        registered.plugin,
                        f"TypeError: the rule yielded {type(outcome).__name__}, "
                        "expected Finding, Occurrence or Measure",
                    )
                )
                break

    kept, waived = _apply_waivers(findings, ledger.waivers, as_of, context.period)
    for registered in selected:
        for key in registered.rule.parameters:
            resolver.resolve(key)
    return Report(
        jurisdiction=ledger.jurisdiction.name,
        year=year,
        as_of=as_of,
        rules_run=tuple(r.id for r in selected),
        findings=tuple(sorted(kept, key=Finding.sort_key)),
        waived=tuple(sorted(waived, key=Finding.sort_key)),
        errored=tuple(failures),
        occurrences=tuple(
            sorted(occurrences, key=lambda o: (o.rule_id, o.subject.kind, o.subject.id, o.period))
        ),
        measures=tuple(
            sorted(measures, key=lambda m: (m.rule_id, m.name, m.subject.kind, m.subject.id))
        ),
        parameters=tuple(
            sorted(resolver.resolved.values(), key=lambda p: (p.key, p.unit_id or ""))
        ),
    )


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
            waived.append(Finding(**{**finding.__dict__, "waived_by": waiver.id}))
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
