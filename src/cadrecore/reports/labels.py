"""Words the report's parts share: statuses, severities, the names of what findings are about,
rates (:class:`Rate`), the record that evidences an item, and times in the bureau's time zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..config import DEFAULT_TIMEZONE
from ..i18n import Lang, Text, percent, shown_ratio
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
    name, model = None, record.__class__
    for attribute in _naming_attributes(model):
        name = getattr(record, attribute, None)
        if name:
            break
    return str(name) if name else record_id


@cache
def _naming_attributes(model: type) -> tuple[str, ...]:
    """Of ``name`` and ``title``, those a record of ``model`` may have, in that order: a
    province's findings are about 100,000 records, most with neither, and asking pydantic for
    an attribute a model lacks is slow (it raises an error each time)."""
    fields = getattr(model, "model_fields", None)
    if not isinstance(fields, dict) or getattr(model, "model_config", {}).get("extra") == "allow":
        return ("name", "title")  # (anything may be there)
    return tuple(a for a in ("name", "title") if a in fields or hasattr(model, a))


class Rate(str):
    """A rate in a table cell: the text every output shows (``99.9%``, as
    :func:`~cadrecore.i18n.percent` writes it: cut to one decimal, never 100% while something
    is missing) that also carries ``value``, the number it shows
    (:func:`~cadrecore.i18n.shown_ratio`, 0.999).

    It is a ``str``, so the text formats and JSON write it as they write any text; the workbook
    stores ``value`` as a number formatted ``0.0%``, and Excel shows the very same digits.
    """

    value: float

    def __new__(cls, ratio: float) -> Rate:
        rate = super().__new__(cls, percent(ratio))
        rate.value = shown_ratio(ratio)
        return rate

    def __reduce__(self) -> tuple[Any, ...]:
        return (Rate, (self.value,))


def rate_cell(numerator: int, denominator: int) -> Rate | str:
    """``numerator/denominator`` as a table's rate cell, shown as every output shows a rate
    (1999/2000 is ``99.9%``); ``—`` when there is no total."""
    return Rate(numerator / denominator) if denominator else NO_VALUE


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


def evidence_text(ledger: Ledger, activity_id: str | None, lang: Lang = "zh") -> str:
    """The activity that evidences an item, as a clerk finds it in the files: its title (else
    its kind's label) and its date, ``老干部工作情况通报会 2022-03-15``; its id only when the
    ledger does not hold it; ``—`` when there is none."""
    if not activity_id:
        return NO_VALUE
    try:
        activity = ledger.get("activities", activity_id)
    except KeyError:
        return activity_id
    name = activity.title
    if not name and activity.activity_kind in ledger.registry.activity_kinds:
        name = ledger.registry.activity_kinds.get(activity.activity_kind).label(lang)
    return f"{name or activity_id} {activity.date.isoformat()}"


def default_timezone() -> tzinfo:
    """The bureau's time zone when none is given: :data:`~cadrecore.config.DEFAULT_TIMEZONE`
    (Asia/Shanghai); where the system has no time zone database (Windows without the
    ``tzdata`` package), its fixed offset, +08:00, which China has kept since 1991."""
    try:
        return ZoneInfo(DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return timezone(timedelta(hours=8), DEFAULT_TIMEZONE)


def shown_time(moment: datetime, tz: tzinfo | None = None) -> str:
    """``moment`` as a report prints it, in ``tz`` (default: :func:`default_timezone`), to the
    second with its offset: ``2023-01-05 17:00:00+08:00``. A time without a zone is taken as
    UTC, as :func:`~cadrecore.reports.annual.resolve_generated_at` makes them."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(tz or default_timezone()).isoformat(sep=" ", timespec="seconds")
