"""Words the report's parts share: statuses, severities, the names of what findings are about."""

from __future__ import annotations

from ..i18n import Lang, Text
from ..ledger import Ledger
from ..rules.findings import Subject

#: An occurrence's status, as the assessment table and the sections show it.
STATUS = {
    "done": Text("已完成", "done"),
    "late": Text("逾期完成", "done late"),
    "overdue": Text("逾期未完成", "overdue"),
    "pending": Text("未到期", "pending"),
    "invalid": Text("不合格", "invalid"),
    "not_applicable": Text("不适用", "not applicable"),
}

NO_VALUE = "—"


def status_label(status: str | None) -> Text:
    """The label of an occurrence status (``—`` when there is none)."""
    if status is None:
        return Text(NO_VALUE, NO_VALUE)
    return STATUS.get(status, Text(status, status))


def subject_name(ledger: Ledger, subject: Subject, lang: Lang = "zh") -> str:
    """A readable name for what a finding is about: the record's name when it has one
    (a branch, a cadre, a unit), a checklist item's or plan metric's label, else its id."""
    kind, record_id = subject.kind, subject.id
    if kind == "checklist_items" and ":" in record_id:
        _, item = record_id.split(":", 1)
        if item in ledger.registry.checklist_items:
            return ledger.registry.checklist_items.get(item).label(lang)
    if kind == "plans" and ":" in record_id:
        plan_id, metric = record_id.split(":", 1)
        try:
            plan_name = ledger.get("plans", plan_id).name
        except KeyError:
            return record_id
        if metric in ledger.registry.plan_metrics:
            return f"{plan_name}：{ledger.registry.plan_metrics.get(metric).label(lang)}"
        return str(plan_name)
    if kind == "opinions":
        try:
            content = ledger.get("opinions", record_id).content
        except KeyError:
            return record_id
        return f"{record_id}（{content}）" if lang == "zh" else f"{record_id} ({content})"
    try:
        record = ledger.get(kind, record_id)
    except KeyError:
        return record_id
    name = getattr(record, "name", None) or getattr(record, "title", None)
    return str(name) if name else record_id


def ratio_text(numerator: int, denominator: int) -> str:
    """``covered/total`` as a percentage with one decimal (``—`` when there is no total)."""
    return f"{numerator / denominator:.1%}" if denominator else NO_VALUE


def cell_text(cell: object) -> str:
    """A table cell as text: integers as they are, other numbers to at most two decimals,
    None as empty; anything else a plugin put there, as ``str()`` gives it."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return str(cell).lower()
    if isinstance(cell, int):
        return str(cell)
    if isinstance(cell, float):
        if cell.is_integer():
            return str(int(cell))
        return f"{cell:.2f}".rstrip("0").rstrip(".")
    return str(cell)


def plugin_note(plugin: str) -> Text | None:
    """Which plugin a section came from, for sections that are not cadrecore's own."""
    if not plugin or plugin.startswith("cadrecore."):
        return None
    return Text(f"本节由插件 {plugin} 提供", f"contributed by the plugin {plugin}")
