"""The annual report as plain text for the terminal: aligned tables (Chinese characters count as
two columns), charts drawn as bars, long cells shortened with an ellipsis."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import tzinfo

from ..i18n import Lang, Text
from .assessment import assessment_table
from .document import AnnualReport
from .labels import Rate, cell_text, plugin_note, shown_time
from .sections import Chart, Table
from .widths import display_width

#: Longest cell drawn in a terminal table, in columns; longer ones end in an ellipsis.
MAX_CELL = 40
BAR = 30


def shorten(text: str, width: int = MAX_CELL) -> str:
    """``text`` cut to ``width`` columns, ending in ``…`` when cut; line breaks become spaces."""
    text = " ".join(text.split())
    if 2 * len(text) <= width:  # (fits, even if every character is wide: most cells)
        return text
    if text.isascii():
        return text if len(text) <= width else text[: width - 1] + "…"
    if display_width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = display_width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - display_width(text))
    return gap + text if right else text + gap


def table_lines(table: Table, lang: Lang) -> Iterator[str]:
    """A table as aligned lines: title, heading, rule, rows (numbers to the right)."""
    heads = [shorten(c(lang)) for c in table.columns]
    rows = [[shorten(cell_text(c)) for c in row] for row in table.rows]
    numeric = [
        all(isinstance(row[i], int | float | Rate) or row[i] is None for row in table.rows)
        and bool(rows)
        for i in range(len(heads))
    ]
    # (each cell's width worked out once: a province's per-branch tables have many thousands)
    head_widths = [display_width(h) for h in heads]
    row_widths = [[display_width(c) for c in r] for r in rows]
    widths = [max([w, *(r[i] for r in row_widths)]) for i, w in enumerate(head_widths)]

    def line(cells: list[str], used: list[int]) -> str:
        return "  ".join(
            " " * (w - u) + c if n else c + " " * (w - u)
            for c, u, w, n in zip(cells, used, widths, numeric, strict=True)
        ).rstrip()

    yield f"【{table.title(lang)}】" if lang == "zh" else f"[{table.title(lang)}]"
    yield line(heads, head_widths)
    yield "  ".join("-" * w for w in widths)
    for r, used in zip(rows, row_widths, strict=True):
        yield line(r, used)


def chart_lines(chart: Chart, lang: Lang) -> Iterator[str]:
    """A chart as horizontal bars, one line per label, scaled to the largest value."""
    yield f"〔{chart.title(lang)}〕" if lang == "zh" else f"({chart.title(lang)})"
    if not chart.labels:
        return
    top = max((abs(v) for v in chart.values), default=0) or 1
    width = max(display_width(label) for label in chart.labels)
    for label, value in zip(chart.labels, chart.values, strict=True):
        bar = "█" * round(BAR * abs(value) / top)
        yield f"{_pad(label, width, False)}  {bar} {cell_text(value)}"


def render_text(annual: AnnualReport, *, tz: tzinfo | None = None) -> str:
    """The whole report as text, the assessment table and the obligations in an appendix; its
    generation time in ``tz`` (default Asia/Shanghai:
    :func:`~cadrecore.reports.labels.default_timezone`)."""
    lang = annual.lang
    generated = shown_time(annual.generated_at, tz)
    t = Text
    lines = [
        f"═══ {annual.title(lang)} ═══",
        t(
            f"截至 {annual.as_of} · 生成于 {generated}",
            f"as of {annual.as_of} · generated {generated}",
        )(lang),
        "",
        t("综述", "Summary")(lang),
    ]
    lines += [f"  {p(lang)}" for p in annual.narrative]
    for number, section in enumerate(annual.sections, start=1):
        lines += ["", f"{number}. {section.title(lang)}"]
        note = plugin_note(section.plugin)
        if note:
            lines.append(f"   （{note(lang)}）" if lang == "zh" else f"   ({note(lang)})")
        lines += [f"  {p(lang)}" for p in section.paragraphs]
        for table in section.tables:
            lines.append("")
            lines += table_lines(table, lang)
        for chart in section.charts:
            lines.append("")
            lines += chart_lines(chart, lang)
    appendix = [assessment_table(annual.assessment, annual.year), annual.obligations]
    if any(table.rows for table in appendix):
        lines += [
            "",
            t("附录：考核表与履职情况", "Appendix: assessment table and obligations")(lang),
        ]
        for table in appendix:
            if table.rows:
                lines.append("")
                lines += table_lines(table, lang)
    if annual.failures:
        lines += ["", t("未能生成的插件章节", "Plugin sections that failed")(lang)]
        lines += [f"  {f.plugin}: {f.error}" for f in annual.failures]
    return "\n".join(lines) + "\n"
