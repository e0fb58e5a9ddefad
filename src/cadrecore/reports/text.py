"""Plain-text rendering of a check report, for the terminal."""

from __future__ import annotations

from ..i18n import Lang, Text, percent
from ..rules.findings import Report, Severity


def render_check(
    report: Report, *, lang: Lang = "zh", min_severity: Severity = Severity.INFO
) -> str:
    """The report as text: a header, findings grouped by severity (most severe first), a summary."""
    t = Text
    lines = [
        t(
            f"{report.jurisdiction} {report.year} 年度检查（截至 {report.as_of}）",
            f"{report.jurisdiction}: check of {report.year} as of {report.as_of}",
        )(lang),
        t(f"运行规则 {len(report.rules_run)} 条", f"{len(report.rules_run)} rules run")(lang),
    ]
    for severity in sorted(Severity, reverse=True):
        if severity < min_severity:
            continue
        group = [f for f in report.findings if f.severity == severity]
        if not group:
            continue
        lines.append("")
        lines.append(f"== {severity.label(lang)} ({len(group)}) ==")
        for f in group:
            lines.append(
                f"[{f.rule_id}] {f.subject.kind}:{f.subject.id} {f.period}: {f.message(lang)}"
            )
            if f.fix:
                lines.append(f"    -> {f.fix(lang)}")
    if report.waived:
        lines.append("")
        lines.append(
            t(f"== 已豁免 ({len(report.waived)}) ==", f"== waived ({len(report.waived)}) ==")(lang)
        )
        for f in report.waived:
            lines.append(
                f"[{f.rule_id}] {f.subject.kind}:{f.subject.id}: {f.message(lang)} (waiver {f.waived_by})"
            )
    if report.errored:
        lines.append("")
        lines.append(
            t(
                f"== 规则运行出错 ({len(report.errored)}) ==",
                f"== rules that failed ({len(report.errored)}) ==",
            )(lang)
        )
        for e in report.errored:
            lines.append(f"[{e.rule_id}] plugin {e.plugin}: {e.error}")
    counts = report.counts
    compliance = report.compliance()
    ratio = percent(compliance)
    lines.append("")
    lines.append(
        t(
            f"结果：{'通过' if report.success else '未通过'}；错误 {counts['error']}，警告 {counts['warning']}，"
            f"提示 {counts['info']}，豁免 {len(report.waived)}，出错规则 {len(report.errored)}；履职率 {ratio}",
            f"result: {'pass' if report.success else 'fail'}; {counts['error']} error(s), {counts['warning']} "
            f"warning(s), {counts['info']} info, {len(report.waived)} waived, {len(report.errored)} errored; "
            f"compliance {ratio}",
        )(lang)
    )
    return "\n".join(lines)
