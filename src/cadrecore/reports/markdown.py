"""The annual report as Markdown (GitHub-flavoured tables; charts as tables of their values)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import tzinfo

from ..i18n import Lang, Text
from .assessment import assessment_table
from .document import AnnualReport
from .labels import cell_text, plugin_note, shown_time
from .sections import Chart, Table

_ESCAPED = str.maketrans({"|": "\\|", "\\": "\\\\", "<": "&lt;", ">": "&gt;"})


def md_cell(value: object) -> str:
    """A cell's text made safe inside a Markdown table: pipes escaped, one line, no HTML."""
    return " ".join(cell_text(value).split()).translate(_ESCAPED)


def md_text(text: str) -> str:
    """A paragraph made safe as Markdown: no raw HTML."""
    return text.replace("<", "&lt;").replace(">", "&gt;")


def table_lines(title: str, columns: list[str], rows: list[list[object]]) -> Iterator[str]:
    yield f"**{md_text(title)}**"
    yield ""
    yield "| " + " | ".join(md_cell(c) for c in columns) + " |"
    yield "|" + "|".join(" --- " for _ in columns) + "|"
    for row in rows:
        yield "| " + " | ".join(md_cell(c) for c in row) + " |"
    yield ""


def _table(table: Table, lang: Lang) -> Iterator[str]:
    yield from table_lines(
        table.title(lang), [c(lang) for c in table.columns], [list(r) for r in table.rows]
    )


def _chart(chart: Chart, lang: Lang) -> Iterator[str]:
    heading = Text("图", "Chart")(lang)
    yield from table_lines(
        f"{heading}：{chart.title(lang)}" if lang == "zh" else f"{heading}: {chart.title(lang)}",
        [Text("项目", "label")(lang), Text("数值", "value")(lang)],
        [[label, value] for label, value in zip(chart.labels, chart.values, strict=True)],
    )


def render_markdown(annual: AnnualReport, *, tz: tzinfo | None = None) -> str:
    """The whole report as one Markdown document; its generation time in ``tz`` (default
    Asia/Shanghai: :func:`~cadrecore.reports.labels.default_timezone`)."""
    lang = annual.lang
    generated = shown_time(annual.generated_at, tz)
    t = Text
    lines = [
        f"# {md_text(annual.title(lang))}",
        "",
        t(
            f"截至 {annual.as_of}；生成于 {generated}",
            f"As of {annual.as_of}; generated {generated}",
        )(lang),
        "",
        f"## {t('综述', 'Summary')(lang)}",
        "",
    ]
    for paragraph in annual.narrative:
        lines += [md_text(paragraph(lang)), ""]
    for number, section in enumerate(annual.sections, start=1):
        lines += [f"## {number}. {md_text(section.title(lang))}", ""]
        note = plugin_note(section.plugin)
        if note:
            lines += [f"*{md_text(note(lang))}*", ""]
        for paragraph in section.paragraphs:
            lines += [md_text(paragraph(lang)), ""]
        for table in section.tables:
            lines += _table(table, lang)
        for chart in section.charts:
            lines += _chart(chart, lang)
    appendix = [assessment_table(annual.assessment, annual.year), annual.obligations]
    if any(table.rows for table in appendix):
        lines += [
            f"## {t('附录：考核表与履职情况', 'Appendix: assessment table and obligations')(lang)}",
            "",
        ]
        for table in appendix:
            if table.rows:
                lines += _table(table, lang)
    if annual.failures:
        lines += [f"## {t('未能生成的插件章节', 'Plugin sections that failed')(lang)}", ""]
        lines += [f"- `{f.plugin}`: {md_text(f.error)}" for f in annual.failures]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
