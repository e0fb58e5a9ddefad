"""What evaluating rules produces: findings, the occurrences checked, measures, the report."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import date
from enum import IntEnum
from functools import cached_property
from itertools import groupby
from json.encoder import encode_basestring
from operator import attrgetter
from typing import Any

from ..i18n import Lang, Text, in_lang

REPORT_FORMAT = 1
Scalar = str | int | float | bool | None


class Severity(IntEnum):
    """Ordered severities: info < warning < error."""

    INFO = 10
    WARNING = 20
    ERROR = 30

    @property
    def label(self) -> Text:
        """The severity's name in both languages (错误 / error)."""
        return {
            Severity.INFO: Text("提示", "info"),
            Severity.WARNING: Text("警告", "warning"),
            Severity.ERROR: Text("错误", "error"),
        }[self]

    @classmethod
    def parse(cls, text: str) -> Severity:
        """``info``/``warning``/``error`` (or 提示/警告/错误) to a severity."""
        names = {
            "info": cls.INFO,
            "warning": cls.WARNING,
            "error": cls.ERROR,
            "提示": cls.INFO,
            "警告": cls.WARNING,
            "错误": cls.ERROR,
        }
        try:
            return names[text.strip().lower()]
        except KeyError:
            raise ValueError(
                f"unknown severity {text!r}; expected info, warning or error"
            ) from None


@dataclass(frozen=True, slots=True)
class Subject:
    """What a finding is about: a record kind and id (``branches``, ``xz.br.team.001``)."""

    kind: str
    id: str

    def __reduce__(self) -> tuple[Any, ...]:
        return (Subject, (self.kind, self.id))  # (see Occurrence.__reduce__)


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a rule found: what is expected, what is, why (a stable code), how to fix it.

    ``reason`` is a stable code (``missed``, ``below_minimum``) that scripts may rely on; the
    messages are for people. ``waived_by`` is the id of the waiver that covers it, if any.
    """

    rule_id: str
    severity: Severity
    subject: Subject
    period: str
    reason: str
    message: Text
    expected: Scalar = None
    actual: Scalar = None
    fix: Text | None = None
    evidence: tuple[str, ...] = ()
    waived_by: str | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        return (Finding, _field_values(self))  # (see Occurrence.__reduce__)

    def sort_key(self) -> tuple[Any, ...]:
        """The key that puts findings in the report's stable order: most severe first, then by
        rule, subject, period and reason."""
        return (
            -self.severity,
            self.rule_id,
            self.subject.kind,
            self.subject.id,
            self.period,
            self.reason,
            self.message.en,
        )


@dataclass(frozen=True, slots=True, init=False)
class Occurrence:
    """One expected occurrence of an obligation (a quarter's general meeting, a checklist item)
    and the record that satisfied it, or that none did.

    ``status``: ``done``, ``late`` (done after its due date), ``pending`` (not yet due),
    ``overdue`` (due and not done), ``invalid`` (a record exists but does not count, e.g. too
    few present), ``not_applicable``.
    """

    rule_id: str
    subject: Subject
    period: str
    due: date | None
    status: str
    satisfied_by: str | None = None
    done_on: date | None = None
    note: Text | None = None

    def __init__(
        self,
        rule_id: str,
        subject: Subject,
        period: str,
        due: date | None,
        status: str,
        satisfied_by: str | None = None,
        done_on: date | None = None,
        note: Text | None = None,
    ) -> None:
        # A frozen dataclass's own __init__ sets each field through object.__setattr__; the
        # slots' own setters make an occurrence about 40% faster (1.5 against 2.6 us a call
        # in a micro-benchmark), and a province's check makes 1.7 million of them. (Assigning
        # afterwards still raises FrozenInstanceError.)
        _SET_RULE_ID(self, rule_id)
        _SET_SUBJECT(self, subject)
        _SET_PERIOD(self, period)
        _SET_DUE(self, due)
        _SET_STATUS(self, status)
        _SET_SATISFIED_BY(self, satisfied_by)
        _SET_DONE_ON(self, done_on)
        _SET_NOTE(self, note)

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled as a call with the fields: a slotted dataclass's own pickling goes through
        # __getstate__ and __setstate__ written in Python, about 10x slower (23 against 2 s
        # for a province's 770,000 committee months), and a check shared out among processes
        # sends its outcomes back pickled.
        return (Occurrence, _field_values(self))

    @property
    def satisfied(self) -> bool:
        """Whether the obligation was met: ``done``, or ``late`` (done after its due date)."""
        return self.status in _SATISFIED


(
    _SET_RULE_ID,
    _SET_SUBJECT,
    _SET_PERIOD,
    _SET_DUE,
    _SET_STATUS,
    _SET_SATISFIED_BY,
    _SET_DONE_ON,
    _SET_NOTE,
) = (vars(Occurrence)[f.name].__set__ for f in fields(Occurrence))


@dataclass(frozen=True, slots=True)
class Measure:
    """A ratio a rule computed (coverage of a county): ``numerator / denominator``."""

    rule_id: str
    name: str
    subject: Subject
    numerator: int
    denominator: int
    label: Text | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        return (Measure, _field_values(self))  # (see Occurrence.__reduce__)

    @property
    def ratio(self) -> float | None:
        """``numerator / denominator``, or None when the denominator is 0 (nothing to count).

        ```python
        from cadrecore.rules import Measure, Subject

        covered = Measure("r::coverage", "branch_coverage", Subject("units", "xz"), 17, 18)
        assert round(covered.ratio, 3) == 0.944
        assert Measure("r::coverage", "x", Subject("units", "xz"), 0, 0).ratio is None
        ```"""
        return None if self.denominator == 0 else self.numerator / self.denominator


def _field_values(outcome: Any) -> tuple[Any, ...]:
    """The values of a slotted dataclass's fields, in order (to pickle it as a call)."""
    return tuple(getter(outcome) for getter in _GETTERS[type(outcome)])


#: The statuses of an obligation met, and of one not judged (not yet due, or not applying)
_SATISFIED = ("done", "late")
_NOT_JUDGED = ("pending", "not_applicable")
_STATUS_OF, _RULE_ID_OF = attrgetter("status"), attrgetter("rule_id")


def _runs(outcomes: Iterable[Any]) -> Iterator[tuple[str, list[Any]]]:
    """``outcomes`` in runs of the same rule (its id, the run), in their order."""
    for rule_id, run in groupby(outcomes, _RULE_ID_OF):
        yield rule_id, list(run)


@dataclass(frozen=True)
class RuleFailure:
    """A rule that raised, returned the wrong type or overran its time budget instead of
    finishing (``error`` says which): counted as errored, apart from failed."""

    rule_id: str
    plugin: str
    error: str


@dataclass(frozen=True)
class ResolvedParameter:
    """A value a parameter had for the evaluation, and where it came from.

    A report lists each value applied once (:attr:`Report.parameters`): ``current`` is True
    for a value in force on the day judged, False for one applied only for an earlier day
    (the term in force when a committee was elected). ``unit_id`` is the unit a ledger's own
    value is for (None: the whole ledger, a plugin's or the registered value).
    """

    key: str
    value: Any
    origin: str
    effective_from: date | None
    source: str | Text
    status: str
    unit_id: str | None = None
    current: bool = True


@dataclass(frozen=True)
class Report:
    """The outcome of evaluating rules over a ledger at a date, in a stable order."""

    jurisdiction: str
    year: int
    as_of: date
    rules_run: tuple[str, ...]
    findings: tuple[Finding, ...]
    waived: tuple[Finding, ...]
    errored: tuple[RuleFailure, ...]
    occurrences: tuple[Occurrence, ...] = ()
    measures: tuple[Measure, ...] = ()
    #: Each parameter value the rules applied, once: by key, then by the date it holds from
    #: (a key has several when, say, committees elected before and after a change were judged)
    parameters: tuple[ResolvedParameter, ...] = ()

    @property
    def counts(self) -> dict[str, int]:
        """Findings by severity name (waived ones not included)."""
        counter = Counter(f.severity for f in self.findings)
        return {s.name.lower(): counter.get(s, 0) for s in Severity}

    @property
    def success(self) -> bool:
        """No error finding and no rule that failed to run."""
        return not self.errored and all(f.severity < Severity.ERROR for f in self.findings)

    def findings_of(self, rule_id: str) -> tuple[Finding, ...]:
        """The findings of one rule (its full id, ``builtin::branch.committee_required``)."""
        return tuple(f for f in self.findings if f.rule_id == rule_id)

    def occurrences_of(self, rule_id: str) -> tuple[Occurrence, ...]:
        """The occurrences one rule checked (its full id), satisfied or not: each quarter's
        general meeting of each branch, each item of each unit's checklist. What the annual
        report counts ("held 46 of 48 general meetings") and what a department's own report
        section lists.

        ```python
        from cadrecore.rules import evaluate
        from cadrecore.sample import small_ledger

        report = evaluate(small_ledger(2022), year=2022)
        rule_id = report.occurrences[0].rule_id
        mine = report.occurrences_of(rule_id)
        assert mine and all(o.rule_id == rule_id for o in mine)
        print(sum(o.satisfied for o in mine), "of", len(mine), "satisfied")
        ```"""
        return self._occurrences_by_rule.get(rule_id, ())

    @cached_property
    def _occurrences_by_rule(self) -> dict[str, tuple[Occurrence, ...]]:
        """Each rule's occurrences (by its full id), in the report's order, gathered in one
        pass: a province's report has millions, which the annual report's sections, its
        assessment and its narrative each ask for by rule."""
        by_rule: dict[str, list[Occurrence]] = {}
        for rule_id, run in _runs(self.occurrences):
            if rule_id in by_rule:  # (a report made by hand may interleave its rules)
                by_rule[rule_id].extend(run)
            else:
                by_rule[rule_id] = run
        return {rule_id: tuple(run) for rule_id, run in by_rule.items()}

    @cached_property
    def status_counts(self) -> dict[str, Counter[str]]:
        """How many occurrences of each rule (its full id) have each status, counted once (the
        annual report's obligations table and every compliance ratio read them).

        ```python
        from cadrecore.rules import evaluate
        from cadrecore.sample import small_ledger

        report = evaluate(small_ledger(2022), year=2022)
        counts = report.status_counts["builtin::org_life.committee_meeting"]
        assert sum(counts.values()) == len(
            report.occurrences_of("builtin::org_life.committee_meeting")
        )
        ```"""
        return {
            rule_id: Counter(map(_STATUS_OF, run))
            for rule_id, run in self._occurrences_by_rule.items()
        }

    def compliance(self, rule_id: str | None = None) -> float | None:
        """Share of expected occurrences (of one rule, or all) that were satisfied: ``done`` or
        ``late`` among those neither ``pending`` nor ``not_applicable``."""
        counts = self.status_counts
        judged = satisfied = 0
        for rule in counts if rule_id is None else (rule_id,):
            for status, n in counts.get(rule, Counter()).items():
                if status not in _NOT_JUDGED:
                    judged += n
                    if status in _SATISFIED:
                        satisfied += n
        if not judged:
            return None
        return satisfied / judged

    @cached_property
    def _by_namespace(
        self,
    ) -> dict[str, tuple[tuple[Finding, ...], tuple[Occurrence, ...], tuple[Measure, ...]]]:
        """The findings, occurrences and measures of each namespace's rules (what precedes
        ``::`` in a rule id), in the report's order, gathered in one pass (each plugin's
        report section is given its own: :class:`~cadrecore.rules.SectionContext`)."""
        lists: dict[str, tuple[list[Any], list[Any], list[Any]]] = {}
        every: tuple[Sequence[Finding | Occurrence | Measure], ...]
        every = (self.findings, self.occurrences, self.measures)
        for position, outcomes in enumerate(every):
            for rule_id, run in _runs(outcomes):  # (a rule's outcomes come together)
                namespace, separator, _ = rule_id.partition("::")
                if separator:
                    if namespace not in lists:
                        lists[namespace] = ([], [], [])
                    lists[namespace][position].extend(run)
        return {n: (tuple(f), tuple(o), tuple(m)) for n, (f, o, m) in lists.items()}

    def at_least(self, severity: Severity) -> tuple[Finding, ...]:
        """The findings of ``severity`` or worse (``Severity.WARNING``: warnings and errors)."""
        return tuple(f for f in self.findings if f.severity >= severity)

    def to_dict(
        self,
        lang: Lang = "zh",
        *,
        occurrences: bool = True,
        min_severity: Severity = Severity.INFO,
    ) -> dict[str, Any]:
        """The documented, stable JSON form (see docs/rules.md).

        ``occurrences=False``: the occurrences left out, ``"occurrences": null`` (an empty list
        would say that no obligation was due). ``min_severity``: only the findings at or above
        it; ``counts`` and ``success`` still count them all, as the exit code does.
        """
        return {
            key: [value.as_dict(item, lang) for item in value.source]
            if isinstance(value, _Items)
            else value
            for key, value in self._members(lang, occurrences, min_severity)
        }

    def to_json(self, lang: Lang = "zh") -> str:
        """``json.dumps(self.to_dict(lang), ensure_ascii=False, indent=2)``, made a piece at a
        time (:meth:`iter_json`)."""
        return "".join(self.iter_json(lang))

    def iter_json(
        self,
        lang: Lang = "zh",
        *,
        occurrences: bool = True,
        min_severity: Severity = Severity.INFO,
        compact: bool = False,
    ) -> Iterator[str]:
        """The JSON text of :meth:`to_dict` piece by piece (an item of a list at a time), to be
        written as it comes: at a province's scale the whole document, as data and as text,
        would take more memory than the check that made it (``cadrecore check --format json``).

        Without ``compact``, the text is ``json.dumps(self.to_dict(...), ensure_ascii=False,
        indent=2)``, byte for byte. ``compact``: no indentation and no space after ``:`` or
        ``,``; each member of the document, and each finding, occurrence, measure and parameter,
        on a line of its own (about a sixth smaller; a script may read it a line at a time).
        """
        pad, item_pad, colon = ("", "", ":") if compact else ("  ", "    ", ": ")
        encode = _COMPACT.encode if compact else _PRETTY.encode
        yield "{"
        separator = "\n"
        for key, value in self._members(lang, occurrences, min_severity):
            head = f"{separator}{pad}{_string(key)}{colon}"
            separator = ",\n"
            if not isinstance(value, _Items):
                text = encode(value)
                yield head + (text if compact else text.replace("\n", "\n  "))
                continue
            empty = True
            for item in value.source:
                text = encode(value.as_dict(item, lang)) if compact else value.as_pretty(item, lang)
                yield f"{head}[\n{item_pad}{text}" if empty else f",\n{item_pad}{text}"
                empty = False
            yield f"{head}[]" if empty else f"\n{pad}]"
        yield "\n}"

    def _members(
        self, lang: Lang, occurrences: bool, min_severity: Severity
    ) -> tuple[tuple[str, Any], ...]:
        """The document's members in order; its long lists as :class:`_Items`, made into
        dicts or text an item at a time by whichever form is written."""
        findings: Iterable[Finding] = self.findings
        if min_severity > min(Severity):
            findings = (f for f in self.findings if f.severity >= min_severity)
        return (
            ("format", REPORT_FORMAT),
            ("jurisdiction", self.jurisdiction),
            ("year", self.year),
            ("as_of", self.as_of.isoformat()),
            ("success", self.success),
            ("counts", self.counts | {"waived": len(self.waived), "errored": len(self.errored)}),
            ("rules_run", list(self.rules_run)),
            ("findings", _Items(findings, _finding_dict)),
            ("waived", _Items(self.waived, _finding_dict)),
            ("errored", _Items(self.errored, _failure_dict)),
            (
                "occurrences",
                _Items(self.occurrences, _occurrence_dict, _occurrence_pretty)
                if occurrences
                else None,
            ),
            ("measures", _Items(self.measures, _measure_dict)),
            ("parameters", _Items(self.parameters, _parameter_dict)),
        )


_PRETTY = json.JSONEncoder(ensure_ascii=False, indent=2)
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
#: A str as a JSON string, its non-ASCII characters kept (what ``json.dumps`` does with
#: ``ensure_ascii=False``, in C).
_string = encode_basestring


def _pretty_item(as_dict: Callable[[Any, Lang], dict[str, Any]]) -> Callable[[Any, Lang], str]:
    """An item's text as ``json.dumps(..., indent=2)`` writes it inside the document's list."""

    def pretty(item: Any, lang: Lang) -> str:
        return _PRETTY.encode(as_dict(item, lang)).replace("\n", "\n    ")

    return pretty


class _Items:
    """A list of the document, written an item at a time."""

    __slots__ = ("as_dict", "as_pretty", "source")

    def __init__(
        self,
        source: Iterable[Any],
        as_dict: Callable[[Any, Lang], dict[str, Any]],
        as_pretty: Callable[[Any, Lang], str] | None = None,
    ) -> None:
        self.source = source
        self.as_dict = as_dict
        self.as_pretty = as_pretty or _pretty_item(as_dict)


def _finding_dict(f: Finding, lang: Lang) -> dict[str, Any]:
    return {
        "rule_id": f.rule_id,
        "severity": f.severity.name.lower(),
        "subject": asdict(f.subject),
        "period": f.period,
        "reason": f.reason,
        "expected": f.expected,
        "actual": f.actual,
        "message": f.message(lang),
        "message_zh": f.message.zh,
        "message_en": f.message.en,
        "fix": f.fix(lang) if f.fix else None,
        "evidence": list(f.evidence),
        "waived_by": f.waived_by,
    }


def _failure_dict(e: RuleFailure, lang: Lang) -> dict[str, Any]:
    return asdict(e)


def _occurrence_dict(o: Occurrence, lang: Lang) -> dict[str, Any]:
    return {
        "rule_id": o.rule_id,
        "subject": asdict(o.subject),
        "period": o.period,
        "due": o.due.isoformat() if o.due else None,
        "status": o.status,
        "satisfied_by": o.satisfied_by,
        "done_on": o.done_on.isoformat() if o.done_on else None,
        "note": o.note(lang) if o.note else None,
    }


def _occurrence_pretty(o: Occurrence, lang: Lang) -> str:
    """:func:`_pretty_item` of :func:`_occurrence_dict`, written out: a province's check has
    1.7 million occurrences, and ``json``'s indenting encoder is Python (about 4x slower)."""
    try:
        return (
            f'{{\n      "rule_id": {_string(o.rule_id)},'
            f'\n      "subject": {{\n        "kind": {_string(o.subject.kind)},'
            f'\n        "id": {_string(o.subject.id)}\n      }},'
            f'\n      "period": {_string(o.period)},'
            f'\n      "due": {_string(o.due.isoformat()) if o.due else "null"},'
            f'\n      "status": {_string(o.status)},'
            f'\n      "satisfied_by": {_null_or_string(o.satisfied_by)},'
            f'\n      "done_on": {_string(o.done_on.isoformat()) if o.done_on else "null"},'
            f'\n      "note": {_string(o.note(lang)) if o.note else "null"}\n    }}'
        )
    except TypeError:  # (a field that is not a str, as a plugin might make it: as json does)
        return _PRETTY.encode(_occurrence_dict(o, lang)).replace("\n", "\n    ")


def _null_or_string(text: str | None) -> str:
    return "null" if text is None else _string(text)


def _measure_dict(m: Measure, lang: Lang) -> dict[str, Any]:
    return {
        "rule_id": m.rule_id,
        "name": m.name,
        "subject": asdict(m.subject),
        "numerator": m.numerator,
        "denominator": m.denominator,
        "ratio": m.ratio,
    }


def _parameter_dict(p: ResolvedParameter, lang: Lang) -> dict[str, Any]:
    return {
        "key": p.key,
        "value": p.value,
        "origin": p.origin,
        "effective_from": p.effective_from.isoformat() if p.effective_from else None,
        "source": in_lang(p.source, lang),
        "status": p.status,
        "unit_id": p.unit_id,
        "current": p.current,
    }


_GETTERS: dict[type, tuple[Any, ...]] = {
    cls: tuple(attrgetter(f.name) for f in fields(cls)) for cls in (Finding, Occurrence, Measure)
}
