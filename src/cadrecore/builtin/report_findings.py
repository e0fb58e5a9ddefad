"""The annual report's last built-in section (order 900): the findings grouped by severity,
with what to fix, and the parameters the check applied, each listed once with every value
used, its source and status.

It imports the layers below the built-ins (models, ledger, rules' findings, the reports'
figures, labels and sections) and :mod:`.report_common`; never the store, io or the CLI, nor
:mod:`.report`, which imports it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from ..i18n import Lang, in_lang, percent
from ..ledger import Ledger
from ..reports.labels import NO_VALUE, subject_name
from ..reports.sections import Cell, ReportSection, Table
from ..rules.findings import Finding, Report, ResolvedParameter, Severity
from .report_common import Row, T, iso, unit_name

# =============================================================================================
# 900: findings grouped by severity, with what to fix
# =============================================================================================

_FINDING_COLUMNS = (
    T("规则", "rule"),
    T("对象", "subject"),
    T("期间", "period"),
    T("问题", "finding"),
    T("应为", "expected"),
    T("实为", "actual"),
    T("整改建议", "what to fix"),
)


def _finding_row(ledger: Ledger, f: Finding, lang: Lang) -> Row:
    def scalar(value: Any) -> Cell:
        if value is None:
            return NO_VALUE
        if isinstance(value, bool):
            return str(value).lower()
        return value  # type: ignore[no-any-return]

    return (
        f.rule_id,
        subject_name(ledger, f.subject, lang),
        f.period,
        f.message(lang),
        scalar(f.expected),
        scalar(f.actual),
        f.fix(lang) if f.fix else NO_VALUE,
    )


_PARAMETER_COLUMNS = (
    T("参数", "parameter"),
    T("适用的值", "values applied"),
    T("生效日期", "from"),
    T("依据", "source"),
    T("状态", "status"),
    T("来自", "origin"),
)

_PARAMETER_STATUS = {
    "confirmed": T("已确认", "confirmed"),
    "local": T("本地做法", "local"),
    "unverified": T("待核实", "unverified"),
}


def _value_text(value: object, lang: Lang) -> str:
    """A parameter's value in words: a list's items joined (``community、rural``), a mapping's
    as ``key=value`` (a band of rates: ``up_to=5000.00, rate=0.005``), a list of mappings one
    after the other (``up_to=5000.00, rate=0.005; rate=0.01``)."""
    if isinstance(value, Mapping):
        comma = "，" if lang == "zh" else ", "
        return comma.join(f"{k}={_value_text(v, lang)}" for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        if any(isinstance(item, Mapping) for item in value):
            glue = "；" if lang == "zh" else "; "
        else:
            glue = "、" if lang == "zh" else ", "
        return glue.join(_value_text(item, lang) for item in value)
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _parameter_value(ledger: Ledger, p: ResolvedParameter, lang: Lang) -> str:
    """A value as the table shows it, with the unit it is for and whether it held on the day
    judged or only for an earlier one (a committee's election day)."""
    text = _value_text(p.value, lang)
    notes = [] if p.unit_id is None else [unit_name(ledger, p.unit_id)]
    if not p.current:
        notes.append(T("用于此前日期", "for an earlier day")(lang))
    if not notes:
        return text
    return f"{text}（{'，'.join(notes)}）" if lang == "zh" else f"{text} ({', '.join(notes)})"


def parameter_rows(ledger: Ledger, report: Report, lang: Lang) -> tuple[Row, ...]:
    """One row per parameter the check applied, each value it applied in the row's cells, in
    the same order in each column (the value, the date it holds from, its source...)."""
    by_key: dict[str, list[ResolvedParameter]] = defaultdict(list)
    for p in report.parameters:
        by_key[p.key].append(p)
    glue = "；" if lang == "zh" else "; "
    rows: list[Row] = []
    for key in sorted(by_key):
        cells = [
            (
                _parameter_value(ledger, p, lang),
                iso(p.effective_from),
                in_lang(p.source, lang),
                _PARAMETER_STATUS.get(p.status, T(p.status, p.status))(lang),
                p.origin,
            )
            for p in by_key[key]
        ]
        columns = zip(*cells, strict=True)
        # (a column whose cells are all the same says it once)
        rows.append((key, *(c[0] if len(set(c)) == 1 else glue.join(c) for c in columns)))
    return tuple(rows)


def findings(ledger: Ledger, report: Report, lang: Lang) -> ReportSection:
    counts = report.counts
    compliance = report.compliance()
    tables: list[Table] = []
    for severity in sorted(Severity, reverse=True):
        group = [f for f in report.findings if f.severity == severity]
        if group:
            tables.append(
                Table(
                    T(
                        f"{severity.label.zh}（{len(group)}）",
                        f"{severity.label.en} ({len(group)})",
                    ),
                    _FINDING_COLUMNS,
                    tuple(_finding_row(ledger, f, lang) for f in group),
                )
            )
    if report.waived:
        tables.append(
            Table(
                T(f"已豁免（{len(report.waived)}）", f"Waived ({len(report.waived)})"),
                (*_FINDING_COLUMNS[:4], T("豁免依据", "waiver")),
                tuple(
                    (*_finding_row(ledger, f, lang)[:4], f.waived_by or NO_VALUE)
                    for f in report.waived
                ),
            )
        )
    if report.errored:
        tables.append(
            Table(
                T("运行出错的规则", "Rules that failed to run"),
                (T("规则", "rule"), T("插件", "plugin"), T("错误", "error")),
                tuple((e.rule_id, e.plugin, e.error) for e in report.errored),
            )
        )
    if report.parameters:
        tables.append(
            Table(
                T("检查所依据的参数", "Parameters the check applied"),
                _PARAMETER_COLUMNS,
                parameter_rows(ledger, report, lang),
            )
        )
    ratio = percent(compliance, none=NO_VALUE)
    verdict = T("通过", "pass") if report.success else T("未通过", "fail")
    return ReportSection(
        key="builtin.findings",
        title=T("问题清单与整改建议", "Findings and what to fix"),
        paragraphs=(
            T(
                f"按{len(report.rules_run)}条规则检查（截至{report.as_of}）：{verdict.zh}；错误{counts['error']}项，"
                f"警告{counts['warning']}项，提示{counts['info']}项，豁免{len(report.waived)}项，"
                f"出错规则{len(report.errored)}条；履职率{ratio}。",
                f"Checked against {len(report.rules_run)} rules as of {report.as_of}: {verdict.en}; "
                f"{counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} info, "
                f"{len(report.waived)} waived, {len(report.errored)} rule(s) errored; compliance {ratio}.",
            ),
        )
        + (() if report.findings else (T("未发现问题。", "No finding."),)),
        tables=tuple(tables),
    )
