"""What a rule is and what it sees: :class:`Rule` (a check with its metadata), the rule book
that holds the registered ones (:class:`RuleBook`, :class:`RegisteredRule`), and
:class:`RuleContext`, the ledger, the day and the parameters a check runs with.

Layer: the rules, above ``findings``, ``parameters`` and ``split``, below the engine
(:mod:`cadrecore.rules.engine`: collecting the rules from plugins, evaluating a ledger);
:mod:`cadrecore.rules` offers these names. It imports the ledger, the models and the rules'
own modules, never ``engine``, ``plugins``, ``io``, ``store``, ``reports`` or the CLI: a rule
does no I/O (of the plugin machinery it names only :class:`~cadrecore.plugins.LoadFailure`,
which a rule book lists).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from ..calendar import Period
from ..errors import PluginError, UnknownKeyError
from ..i18n import Text
from ..ledger import Ledger
from ..plugin_manager import LoadFailure, qualified_key
from .findings import Finding, Measure, Occurrence, Scalar, Severity, Subject
from .parameters import ParameterResolver, ParameterTable

if TYPE_CHECKING:
    from .findings import Report

Outcome = Finding | Occurrence | Measure


@dataclass(frozen=True, kw_only=True)
class Rule:
    """A check over a ledger, with its metadata (OPA-style: on the rule, not on each finding).

    ``key`` is local to the plugin (``branch.formation``); the registered id adds the plugin's
    namespace. ``cites`` names the regulations it applies (with the document number and
    article where there is one; a local practice by the document itself: title, issuer,
    date); ``parameters`` the parameter keys it reads; ``severity`` the default severity of
    its findings, and ``severities`` every severity its findings may have (by default the
    default alone; it always holds the default). ``cadrecore rules`` lists them, and the
    built-in and bundled rules are tested never to give a finding of another severity.

    ``reads`` names the columns of whole kinds the rule reads with
    :meth:`~cadrecore.Ledger.columns` (without ``where``), as ``"kind.field"``
    (``"cadres.former_unit"``). It changes nothing about what the rule sees: before the rules
    run, a ledger opened on a store reads the columns every selected rule names in one pass
    over each kind's table (:meth:`~cadrecore.Ledger.read_ahead`), where each rule asking on
    its own would cost a pass each (at a province's million cadres, about a second a pass).

    ``batch`` names a batch of rules that share what they read or build (the rules of
    organizational life and ``data.attendance`` share one read of the year's activities): when
    a check's rules are shared out among processes (``evaluate(workers=...)``), the rules of a
    batch run in the same process, one after the other, so that it is read or built once. A
    rule without one is a batch of its own.
    """

    key: str
    title: Text
    check: Callable[[RuleContext], Iterable[Outcome]]
    severity: Severity = Severity.ERROR
    severities: tuple[Severity, ...] = ()
    cites: tuple[str | Text, ...] = ()
    parameters: tuple[str, ...] = ()
    topic: str = ""
    description: Text | None = None
    reads: tuple[str, ...] = ()
    batch: str = ""

    def __post_init__(self) -> None:
        # the default is always among them; kept in order, lowest first, each once
        declared = {Severity(s) for s in self.severities} | {self.severity}
        object.__setattr__(self, "severities", tuple(sorted(declared)))

    def in_namespace(self, namespace: str) -> Rule:
        """This rule as the plugin of ``namespace`` registers it: the parameters it names by a
        local key (``min_age``) qualified (``checkup.min_age``). Its key stays local: the
        registered id is ``<namespace>::<key>``."""
        parameters = tuple(qualified_key(key, namespace) for key in self.parameters)
        return self if parameters == self.parameters else replace(self, parameters=parameters)

    def columns_read(self) -> dict[str, tuple[str, ...]]:
        """``reads`` by kind: the fields of each, in the order named.

        Raises PluginError for an entry that is not ``kind.field`` of a known kind and field."""
        from ..models import KINDS_BY_NAME

        by_kind: dict[str, dict[str, None]] = {}
        for entry in self.reads:
            kind, _, name = entry.partition(".")
            record_kind = KINDS_BY_NAME.get(kind)
            if record_kind is None or name not in record_kind.model.model_fields:
                raise PluginError(
                    f"rule {self.key!r} reads {entry!r}: expected 'kind.field' of a record kind "
                    f"and one of its fields (such as 'cadres.former_unit')"
                )
            by_kind.setdefault(kind, {})[name] = None
        return {kind: tuple(names) for kind, names in by_kind.items()}


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
    #: The plugins whose rule hooks failed while this book was built: none of their
    #: parameters, rules and overrides are in it.
    load_failures: tuple[LoadFailure, ...] = ()

    def add(self, rule: object, *, plugin: str, namespace: str | None = None) -> None:
        """Add ``rule``, registered by ``plugin``, under its full id (``<namespace>::<key>``,
        the namespace by default the plugin's name); a rule that is not a :class:`Rule`, or
        whose id is taken, is a :class:`PluginError`."""
        if not isinstance(rule, Rule):
            raise PluginError(
                f"plugin {plugin!r} registered {rule!r}; expected a cadrecore.rules.Rule"
            )
        rule_id = f"{namespace or namespace_of(plugin)}::{rule.key}"
        rule.columns_read()  # (a misnamed column fails the plugin's rules here, not mid-check)
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
        """Raise :class:`PluginError` if a rule reads a parameter no plugin registered."""
        for registered in self.rules.values():
            for key in registered.rule.parameters:
                if key not in self.parameters.parameters:
                    raise PluginError(
                        f"rule {registered.id!r} (plugin {registered.plugin!r}) reads parameter "
                        f"{key!r}, which no plugin registered"
                    )


_SHARED = "_rule_facts"
T = TypeVar("T")


def shared_with_ledger(ledger: Ledger, name: str, build: Callable[[Ledger], T]) -> T:
    """``build(ledger)``, worked out once per ledger under ``name`` (see
    :meth:`RuleContext.shared`)."""
    cache: dict[str, Any] = ledger.__dict__.setdefault(_SHARED, {})
    if name not in cache:
        cache[name] = build(ledger)
    return cache[name]  # type: ignore[no-any-return]


class RuleContext:
    """What a rule sees: the ledger, the year and date judged, and the parameters then in force.

    ``period`` is the whole year; ``elapsed`` is the part of it up to ``as_of``. A rule's
    ``check`` gets one and yields what it makes with it: :meth:`finding` for what is wrong,
    :meth:`occurrence` for each instance of an obligation (met or not), :meth:`measure` for a
    ratio; :meth:`param` reads a parameter as it stood on ``as_of``. Rules never do I/O.

    A rule that a branch holds a general meeting each quarter (of 三会一课), and a measure of
    the cadres who are in a branch:

    ```python
    from datetime import date

    from cadrecore import Text, get_registry, hookimpl, new_plugin_manager
    from cadrecore.rules import Rule, Severity, evaluate
    from cadrecore.sample import small_ledger


    def check(ctx):
        for branch in ctx.ledger.branches:
            held = {a.date.month for a in ctx.ledger.activities if a.branch_id == branch.id}
            for quarter in range(1, 5):
                months = set(range(3 * quarter - 2, 3 * quarter + 1))
                yield ctx.occurrence(
                    ("branches", branch.id),
                    f"{ctx.year}-Q{quarter}",
                    due=date(ctx.year, 3 * quarter, 28),
                    status="done" if held & months else "overdue",
                )
        in_branches = {m.cadre_id for m in ctx.ledger.memberships if m.until is None}
        yield ctx.measure(
            "cadres_in_branches",
            ("jurisdictions", ctx.ledger.jurisdiction.id),
            numerator=len(in_branches),
            denominator=len(ctx.ledger.cadres),
        )


    class QuarterlyMeetings:
        @hookimpl
        def register_rules(self, register):
            title = Text("每季度召开党员大会", "a general meeting each quarter")
            register(Rule(key="branch.quarterly", title=title, check=check, severity=Severity.WARNING))


    pm = new_plugin_manager(load_installed=False)
    pm.register(QuarterlyMeetings(), name="quarterly")
    ledger = small_ledger(2022, registry=get_registry(pm))
    report = evaluate(ledger, year=2022, rules=["quarterly::*"], pm=pm)
    quarters = report.occurrences_of("quarterly::branch.quarterly")
    assert len(quarters) == 4 * len(ledger.branches)
    assert report.measures[0].name == "cadres_in_branches"
    ```
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
        #: The ids of the rules this evaluation runs (rules that share a read can read just
        #: what the ones running need).
        self.rules_run: tuple[str, ...] = ()
        self.default_severity = Severity.ERROR

    @property
    def registry(self) -> Any:
        """The vocabularies the ledger was checked against (branch types, activity kinds...)."""
        return self.ledger.registry

    @property
    def namespace(self) -> str:
        """The namespace of the plugin whose rule is running (``checkup``; ``builtin`` for
        cadrecore's own): what its rule ids and keys begin with."""
        return self.rule_id.partition("::")[0]

    def key(self, local: str) -> str:
        """The full key of one of this plugin's keys: ``ctx.key("yearly")`` is
        ``"checkup.yearly"`` in the plugin ``checkup``; a key with a dot is already full."""
        return qualified_key(local, self.namespace) if self.rule_id else local

    def shared(self, name: str, build: Callable[[Ledger], T]) -> T:
        """``build(self.ledger)``, worked out once per ledger under ``name`` and kept with the
        ledger for the rules that run after this one (an index that two of a plugin's rules
        use). Name it after the plugin (``"art_academy:enrolments"``), and give the rules that
        share it the same :attr:`Rule.batch`, so that a check shared out among processes builds
        it once. The rules that use what ``build`` gives must not change it."""
        return shared_with_ledger(self.ledger, name, build)

    def param(self, key: str, unit_id: str | None = None) -> Any:
        """The value of parameter ``key`` in force on ``as_of``: the ledger's own value for
        ``unit_id`` (or the nearest unit above it that sets one), else the ledger's, else the
        latest plugin override, else the registered version then in force. Name ``key`` in the
        rule's ``parameters`` too, so that the rule's metadata says what it reads.

        :param key: a registered parameter's key; one of the rule's own plugin's may be named
            by its local key (``min_age`` for ``checkup.min_age``, see :meth:`key`).
        :param unit_id: the unit the value is for; None for the jurisdiction's value.
        """
        return self.params(self.key(key), unit_id)

    def param_on(self, key: str, day: date, unit_id: str | None = None) -> Any:
        """The value of parameter ``key`` as it stood on another ``day`` (a term's length is
        the one in force when the committee was elected). The report lists it among the
        values applied (``current=False`` when it no longer holds on ``as_of``)."""
        return self.params.on(self.key(key), day, unit_id)

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
        """An occurrence of the rule being run: one expected instance of an obligation
        (``period``: ``2022-Q1``) of ``subject``, and whether it was met.

        :param subject: a :class:`Subject`, or ``(kind, id)`` such as ``("branches", id)``.
        :param period: which instance: ``2022``, ``2022-Q3``, ``2022-05``.
        :param due: the day it falls due, if it has one.
        :param status: ``done``, ``late``, ``pending``, ``overdue``, ``invalid`` or
            ``not_applicable`` (see :class:`Occurrence`).
        :param satisfied_by: the id of the record that met it (an activity).
        :param done_on: the day it was met.
        :param note: a word on it, in both languages.

        A rule yields occurrences beside its findings, so that the report can count what was
        due and what was done (the class's example shows one)."""
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
        """A measure of the rule being run: a ratio about ``subject`` (a county's share of
        cadres in a branch), for the report's tables and charts.

        :param name: what is measured, a key of the rule's own (``branch_coverage``).
        :param subject: a :class:`Subject`, or ``(kind, id)``.
        :param numerator: how many are counted (cadres in a branch).
        :param denominator: out of how many (all cadres); 0 gives a ``ratio`` of None.
        :param label: the measure's name as the report shows it, in both languages."""
        if isinstance(subject, tuple):
            subject = Subject(*subject)
        return Measure(self.rule_id, name, subject, numerator, denominator, label)


class SectionContext:
    """What a plugin's report section sees of the evaluation it reports on (the
    ``report_sections`` hook's ``ctx``): the parameters in force on the report's day, resolved
    for each unit as the rules resolved them; its own plugin's name and namespace; and the
    report's findings, occurrences and measures of its own rules. So a section and a rule share
    a parameter's value, not a copy of it, and the section need not find its rules' outcomes
    among every plugin's.
    """

    def __init__(
        self, ledger: Ledger, report: Report, plugin: str, namespace: str, table: ParameterTable
    ) -> None:
        self.ledger = ledger
        self.report = report
        #: the name the plugin is registered under (its entry point's)
        self.plugin = plugin
        #: the plugin's namespace: what its keys and rule ids begin with
        self.namespace = namespace
        self.year = report.year
        self.as_of = report.as_of
        self._params = ParameterResolver(table, ledger, report.as_of)
        #: the report's findings, occurrences and measures of this plugin's own rules
        self.findings, self.occurrences, self.measures = report._by_namespace.get(
            namespace, ((), (), ())
        )

    def key(self, local: str) -> str:
        """The full key of one of this plugin's keys (``kit`` -> ``medicine_kits.kit``)."""
        return qualified_key(local, self.namespace)

    def param(self, key: str, unit_id: str | None = None) -> Any:
        """The value of parameter ``key`` in force on the report's day, for ``unit_id`` (or the
        nearest unit above it that sets one; None: the jurisdiction's), as a rule reads it with
        :meth:`RuleContext.param`; one of this plugin's own may be named by its local key."""
        return self._params(self.key(key), unit_id)
