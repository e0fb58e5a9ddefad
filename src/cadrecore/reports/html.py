"""The annual report as one self-contained HTML page that works offline.

Government intranets have no internet: the page loads nothing and runs no script, so it reads
and prints the same with JavaScript off. Its styles are inline (with a print stylesheet for
A4), its charts are SVG drawings made by matplotlib on the server and inlined
(:mod:`.charts`), and its fonts are the reader's own: a font stack that finds Chinese fonts on
Linux (Noto Sans CJK, Source Han Sans, WenQuanYi), Windows (Microsoft YaHei) and macOS
(PingFang, Hiragino). The template is ``templates/annual.html.j2``, shipped in the package,
rendered by Jinja2 with autoescaping on.

The page is deterministic: chart ids are numbered in document order and nothing depends on the
clock except the generation time the report carries.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import tzinfo
from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup

from ..i18n import Lang, Text
from .assessment import assessment_table
from .charts import FONT_STACK, char_width, chart_svg
from .document import AnnualReport
from .labels import cell_text, plugin_note, shown_time
from .sections import Cell, Chart, Table


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("cadrecore.reports", "templates"),
        autoescape=True,
        trim_blocks=False,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


def chart_markup(chart: Chart, element_id: str, lang: Lang) -> Markup:
    """``chart`` as an inline ``<svg>`` named by the caption ``<element_id>-title``.

    The drawing's text was escaped by matplotlib's SVG writer, which is why it may be
    markup here.
    """
    svg = chart_svg(chart, lang, salt=element_id)
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-labelledby="{element_id}-title" ', 1))


#: Cells up to this many ems wide (dates, statuses, short names) are kept on one line; cells
#: over three times as wide get room enough not to wrap after every few characters. Anything
#: else wraps, even inside a long record id, so that a table fits the page's width.
SHORT_CELL = 7.0
#: A code long enough to need breaking (a record id, a rule id, a plugin's name), and the
#: places it may break: after its dots, underscores, slashes and colons.
_CODE = re.compile(r"[A-Za-z0-9._/:-]{12,}")
_BREAK = re.compile(r"(?<=[._/:])(?=[A-Za-z0-9])")


#: Tables up to this many rows are printed whole, on one page; longer ones break between rows,
#: their headings repeated on each page. Tables of this many columns or more (the assessment
#: table) are printed on landscape pages of their own.
WHOLE_TABLE, WIDE_TABLE = 15, 12


@dataclass(frozen=True)
class _Table:
    title: str
    columns: list[str]
    #: the rows as HTML, each ``<tr>...</tr>`` and a new line (see :func:`_rows_html`)
    body: Markup
    rows: int

    @property
    def css(self) -> str:
        classes = ["table-wrap"]
        if self.rows <= WHOLE_TABLE:
            classes.append("whole")
        if len(self.columns) >= WIDE_TABLE:
            classes.append("wide")
        return " ".join(classes)


def _table(table: Table, lang: Lang) -> _Table:
    return _Table(
        title=table.title(lang),
        columns=[c(lang) for c in table.columns],
        body=_rows_html(table.rows),
        rows=len(table.rows),
    )


#: What markupsafe's ``escape`` replaces, and with what (the same entities, so that a cell
#: written here is the text ``escape`` would make of it)
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;"})
_SPECIAL = re.compile("[&<>\"']")


def _with_breaks(code: re.Match[str]) -> str:
    return _BREAK.sub("<wbr>", code.group())


def _rows_html(rows: Sequence[Sequence[Cell]]) -> Markup:
    """The rows of a table as HTML: each cell as :func:`_cell_html` writes it (its class, its
    text escaped, breaks allowed in a long code), without a Markup object made for each, and
    each distinct cell written once (the findings of a province repeat their rules, periods
    and fixes over tens of thousands of rows)."""
    texts: dict[str, str] = {}  # a text cell's HTML by its text
    others: dict[tuple[str, bool], str] = {}  # any other cell's, by its text and whether a number
    lines = []
    for row in rows:
        cells = []
        for value in row:
            if type(value) is str:
                cell = texts.get(value)
                if cell is None:
                    cell = texts[value] = _cell_html(value, numeric=False)
            else:
                key = (
                    cell_text(value),
                    isinstance(value, int | float) and not isinstance(value, bool),
                )
                cell = others.get(key)
                if cell is None:
                    cell = others[key] = _cell_html(*key)
            cells.append(cell)
        lines.append(f"<tr>{''.join(cells)}</tr>\n")
    return Markup("".join(lines))


def _cell_html(text: str, numeric: bool) -> str:
    """A table cell as :func:`_rows_html` writes it: its class (``num``, ``short`` up to
    :data:`SHORT_CELL` ems, ``long`` over three times that), its text escaped, with a line
    break allowed after each separator of a long code (``xz.six_ones.2022.situation_briefing``),
    which browsers otherwise never break."""
    if numeric:
        opening = '<td class="num">'
    elif len(text) <= SHORT_CELL:  # (no wider than its length, however it is made)
        opening = '<td class="short">'
    elif 0.6 * len(text) > 3 * SHORT_CELL:  # (no narrower than 0.6 em a character)
        opening = '<td class="long">'
    else:
        wide = char_width(text)
        opening = (
            '<td class="short">'
            if wide <= SHORT_CELL
            else '<td class="long">'
            if wide > 3 * SHORT_CELL
            else "<td>"
        )
    inner = text.translate(_ESCAPES) if _SPECIAL.search(text) else text
    if not text.isdigit() and _CODE.search(inner):
        # (an entity's letters are a run of three at most, between '&' and ';')
        inner = _CODE.sub(_with_breaks, inner)
    return f"{opening}{inner}</td>"


def render_html(annual: AnnualReport, *, tz: tzinfo | None = None) -> str:
    """The whole report as one HTML page; its generation time in ``tz`` (default Asia/Shanghai:
    :func:`~cadrecore.reports.labels.default_timezone`)."""
    from .._version import __version__

    lang = annual.lang
    t = Text
    sections: list[dict[str, Any]] = []
    chart_number = 0
    for number, section in enumerate(annual.sections, start=1):
        charts = []
        for chart in section.charts:
            chart_number += 1
            element_id = f"chart-{chart_number}"
            charts.append(
                {
                    "id": element_id,
                    "kind": chart.kind,
                    "title": chart.title(lang),
                    "svg": chart_markup(chart, element_id, lang),
                }
            )
        note = plugin_note(section.plugin)
        sections.append(
            {
                "number": number,
                "anchor": f"section-{number}",
                "key": section.key,
                "plugin": section.plugin,
                "title": section.title(lang),
                "note": note(lang) if note else "",
                "paragraphs": [p(lang) for p in section.paragraphs],
                "tables": [_table(tb, lang) for tb in section.tables],
                "charts": charts,
            }
        )
    evaluation = annual.evaluation
    counts = evaluation.counts
    appendix = [
        _table(assessment_table(annual.assessment, annual.year), lang),
        _table(annual.obligations, lang),
    ]
    template = _environment().get_template("annual.html.j2")
    return template.render(
        html_lang="en" if lang == "en" else "zh-CN",
        version=__version__,
        title=annual.title(lang),
        font_stack=Markup(FONT_STACK),
        meta=t(
            f"截至 {annual.as_of} · 生成于 {shown_time(annual.generated_at, tz)} · 错误 {counts['error']} 项、"
            f"警告 {counts['warning']} 项、提示 {counts['info']} 项",
            f"As of {annual.as_of} · generated {shown_time(annual.generated_at, tz)} · {counts['error']} "
            f"error(s), {counts['warning']} warning(s), {counts['info']} info",
        )(lang),
        success=evaluation.success,
        verdict=(
            t("检查通过", "check passed") if evaluation.success else t("检查未通过", "check failed")
        )(lang),
        words={
            "contents": t("目录", "Contents")(lang),
            "summary": t("综述", "Summary")(lang),
            "appendix": t("附录：考核表与履职情况", "Appendix: assessment table and obligations")(
                lang
            ),
            "failures": t("未能生成的插件章节", "Plugin sections that failed")(lang),
        },
        narrative=[p(lang) for p in annual.narrative],
        sections=sections,
        appendix=[a for a in appendix if a.rows],
        failures=annual.failures,
        footer=t(
            f"由 cadrecore {__version__} 根据账册生成；本页不引用任何外部资源，可离线查看。",
            f"Made by cadrecore {__version__} from the ledger; this page loads nothing from "
            "elsewhere and works offline.",
        )(lang),
    )
