"""The annual report: what a veteran cadre bureau hands its party committee for a year.

:func:`build_annual_report` evaluates the year's rules, collects the report's sections from
every plugin through ``report_sections`` (cadrecore's own sections come from the built-in
plugin :mod:`cadrecore.builtin.report`, registered like any other), writes the narrative from
the year's figures, and fills the assessment table. The result is plain data;
:func:`render_annual_report` turns it into text, Markdown, HTML, an Excel workbook or JSON.

The same ledger and the same ``generated_at`` give the same bytes in every format.

Layer: the top of ``reports``. The report type, :class:`AnnualReport`, is in
:mod:`cadrecore.reports.document`, below the renderers that import it (``terminal``,
``markdown``, ``html``, ``xlsx``, ``jsondoc``); this module, which picks a renderer by format,
imports them, and none of them imports it. Nothing in ``reports`` imports ``store``, ``io``'s
readers or the CLI.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, tzinfo
from numbers import Real
from pathlib import Path
from typing import Literal

import pluggy

from .._gc import collector_paused_during
from ..errors import CadrecoreError
from ..i18n import Lang, Text
from ..ledger import Ledger
from ..plugins import HookFailure, Hooks, get_plugin_manager
from ..progress import Progress
from ..rules.engine import evaluate
from ..rules.findings import Report
from ..scope import view_title
from .assessment import assessment_rows, obligations_table
from .document import AnnualReport
from .figures import figures
from .narrative import narrative
from .sections import Chart, ReportSection, Table

Format = Literal["text", "md", "html", "xlsx", "json"]
#: The formats :func:`render_annual_report` writes, and the file suffix of each.
FORMATS: dict[str, str] = {
    "text": ".txt",
    "md": ".md",
    "html": ".html",
    "xlsx": ".xlsx",
    "json": ".json",
}
CHART_KINDS = frozenset({"bar", "pie", "line"})
#: The stages :func:`build_annual_report` reports as its progress: the rules' check, the
#: figures, the plugins' sections, the narrative and the assessment tables.
REPORT_STAGES = 4
#: The environment variable of reproducible builds: a Unix time to use as the generation time.
SOURCE_DATE_EPOCH = "SOURCE_DATE_EPOCH"


def resolve_generated_at(value: datetime | None = None) -> datetime:
    """``value`` if given; else ``$SOURCE_DATE_EPOCH`` (reproducible builds); else now (UTC)."""
    if value is not None:
        return value
    epoch = os.environ.get(SOURCE_DATE_EPOCH, "").strip()
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), UTC)
        except ValueError:
            raise CadrecoreError(
                f"{SOURCE_DATE_EPOCH}={epoch!r} is not a Unix time in seconds"
            ) from None
    return datetime.now(UTC).replace(microsecond=0)


def section_problem(section: ReportSection) -> str | None:
    """What makes a plugin's section unusable by the renderers, or None."""
    try:
        return _section_problem(section)
    except Exception as exc:  # a section odd enough to break the check breaks the renderers
        return f"it could not be checked: {type(exc).__name__}: {exc}"


def _section_problem(section: ReportSection) -> str | None:
    if not isinstance(section.key, str):
        return "its key is not a str"
    if not isinstance(section.title, Text):
        return "its title is not a cadrecore.Text"
    if not isinstance(section.order, int):
        return "its order is not an int"
    for paragraph in section.paragraphs:
        if not isinstance(paragraph, Text):
            return "a paragraph is not a cadrecore.Text"
    for table in section.tables:
        if not isinstance(table, Table):
            return f"{type(table).__name__} among its tables, expected Table"
    for chart in section.charts:
        if not isinstance(chart, Chart):
            return f"{type(chart).__name__} among its charts, expected Chart"
        if chart.kind not in CHART_KINDS:
            return f"chart {chart.title.en!r}: kind {chart.kind!r} is not one of bar, pie, line"
        if len(chart.labels) != len(chart.values):
            return (
                f"chart {chart.title.en!r}: {len(chart.labels)} labels for "
                f"{len(chart.values)} values"
            )
        if not all(isinstance(v, Real) and not isinstance(v, bool) for v in chart.values):
            return f"chart {chart.title.en!r}: its values are not all numbers"
    return None


def collect_sections(
    hooks: Hooks, ledger: Ledger, evaluation: Report, lang: Lang
) -> tuple[tuple[ReportSection, ...], tuple[HookFailure, ...]]:
    """Every plugin's sections, checked, in order; and every plugin's failure: a hook that
    raised, returned the wrong type or overran its time budget contributes none of its
    sections, and a section the renderers cannot draw is left out alone."""
    found, failures = hooks.report_sections(ledger, evaluation, lang)
    usable: list[ReportSection] = []
    for section in found:
        problem = section_problem(section)
        if problem is None:
            usable.append(section)
        else:
            failures.append(
                HookFailure(
                    section.plugin,
                    "report_sections",
                    f"section {section.key!r}: {problem}",
                    "wrong_type",
                )
            )
    usable.sort(key=lambda s: (s.order, s.key, s.plugin))
    return tuple(usable), tuple(failures)


@collector_paused_during
def build_annual_report(
    ledger: Ledger,
    year: int,
    *,
    as_of: date | None = None,
    pm: pluggy.PluginManager | None = None,
    lang: Lang = "zh",
    generated_at: datetime | None = None,
    evaluation: Report | None = None,
    timeout: float | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
) -> AnnualReport:
    """The annual report of ``ledger`` for ``year``, judged as at ``as_of`` (31 December).

    ``pm`` is the plugin manager whose rules and sections are used (default: the one the
    ledger was checked against, else the process's). ``generated_at`` fixes the time printed
    on the report (default ``$SOURCE_DATE_EPOCH``, else now): with it fixed, the same ledger
    gives the same bytes. ``evaluation`` reuses a check already run for the same year.
    ``timeout`` is the time budget in seconds of each rule and each plugin's
    ``report_sections`` (default: ``$CADRECORE_PLUGIN_TIMEOUT``, else 30 s; 0: none).
    ``workers`` is how many processes share the rules out (see :func:`~cadrecore.rules.evaluate`).
    ``progress`` is called ``("report", stages done, REPORT_STAGES)`` as each stage ends (the
    check of the rules, the first, takes the most time).
    """

    def stage(done: int) -> None:
        if progress:
            progress("report", done, REPORT_STAGES)

    stage(0)
    if pm is None:
        hooks_of_ledger = ledger.registry.hooks
        pm = hooks_of_ledger.pm if hooks_of_ledger is not None else get_plugin_manager()
    if evaluation is None:
        # (for a unit's view, only what the rules say about its own records: cadrecore.scope)
        evaluation = evaluate(
            ledger, year=year, as_of=as_of, pm=pm, timeout=timeout, workers=workers
        )
    elif evaluation.year != year:
        raise CadrecoreError(
            f"the evaluation given is of {evaluation.year}, the report is of {year}"
        )
    stage(1)
    counted = figures(ledger, year)
    stage(2)
    sections, failures = collect_sections(Hooks(pm, timeout=timeout), ledger, evaluation, lang)
    stage(3)
    annual = AnnualReport(
        jurisdiction=view_title(ledger),
        year=year,
        as_of=evaluation.as_of,
        lang=lang,
        generated_at=resolve_generated_at(generated_at),
        evaluation=evaluation,
        narrative=narrative(counted, evaluation),
        sections=sections,
        failures=failures,
        assessment=assessment_rows(ledger, evaluation, lang),
        obligations=obligations_table(ledger, evaluation, lang),
        figures=counted,
    )
    stage(REPORT_STAGES)
    return annual


def render_annual_report(annual: AnnualReport, fmt: str, *, tz: tzinfo | None = None) -> bytes:
    """The report in ``fmt`` (``text``, ``md``, ``html``, ``xlsx``, ``json``) as bytes (UTF-8
    for the text formats), its generation time shown in ``tz`` (the bureau's time zone; default
    Asia/Shanghai; the JSON document keeps the time with its own offset)."""
    if fmt == "text":
        from .terminal import render_text

        return render_text(annual, tz=tz).encode("utf-8")
    if fmt == "md":
        from .markdown import render_markdown

        return render_markdown(annual, tz=tz).encode("utf-8")
    if fmt == "html":
        from .html import render_html

        return render_html(annual, tz=tz).encode("utf-8")
    if fmt == "xlsx":
        from .xlsx import render_xlsx

        return render_xlsx(annual, tz=tz)
    if fmt == "json":
        from .jsondoc import render_json

        return render_json(annual).encode("utf-8")
    raise CadrecoreError(f"unknown report format {fmt!r}; expected one of {', '.join(FORMATS)}")


def format_of(path: str | os.PathLike[str]) -> str | None:
    """The format a file name asks for by its suffix (``report.html`` → ``html``), or None."""
    suffix = Path(path).suffix.lower()
    aliases = {".markdown": "md", ".htm": "html", ".txt": "text"}
    if suffix in aliases:
        return aliases[suffix]
    return next((fmt for fmt, s in FORMATS.items() if s == suffix), None)


def write_annual_report(
    annual: AnnualReport,
    path: str | os.PathLike[str],
    fmt: str | None = None,
    *,
    tz: tzinfo | None = None,
) -> Path:
    """Write the report to ``path`` in ``fmt`` (default: from the file's suffix), its
    generation time shown in ``tz`` (default Asia/Shanghai)."""
    target = Path(path)
    chosen = fmt or format_of(target)
    if chosen is None:
        raise CadrecoreError(
            f"cannot tell the format of {target.name!r}: give one of {', '.join(FORMATS)}"
        )
    target.write_bytes(render_annual_report(annual, chosen, tz=tz))
    return target
