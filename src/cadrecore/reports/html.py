"""The annual report as one self-contained HTML page that works offline.

Government intranets have no internet: the page loads nothing. Its styles are inline, its
charts are drawn by plotly.js embedded once in the page (no CDN), and its fonts are the
reader's own: a font stack that finds Chinese fonts on Linux (Noto Sans CJK, Source Han Sans,
WenQuanYi), Windows (Microsoft YaHei) and macOS (PingFang, Hiragino). The template is
``templates/annual.html.j2``, shipped in the package, rendered by Jinja2 with autoescaping on.

The page is deterministic: chart ids are numbered in document order and nothing depends on the
clock except the generation time the report carries.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup

from ..i18n import Lang, Text
from .annual import AnnualReport
from .assessment import assessment_table
from .labels import cell_text, plugin_note
from .sections import Chart, Table

#: The fonts the page and its charts ask for, in order: no remote font is ever loaded.
FONT_STACK = (
    '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN", '
    '"Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", "WenQuanYi Micro Hei", '
    'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif'
)
#: plotly.js options: no logo link and no "send to the cloud" button (both would go online);
#: resize with the page.
PLOTLY_CONFIG = {"displaylogo": False, "showSendToCloud": False, "responsive": True}
COLORS = ("#b3261e", "#1f5fa8", "#2e7d32", "#ef8f00", "#6a3d9a", "#00838f", "#8d6e63", "#c2185b")


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("cadrecore.reports", "templates"),
        autoescape=True,
        trim_blocks=False,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


@cache
def plotly_js() -> str:
    """The plotly.js bundle that ships with the plotly package (read once per process)."""
    from plotly.offline import get_plotlyjs  # type: ignore[import-untyped]

    return str(get_plotlyjs())


def _script_safe(data: str) -> str:
    """JSON that cannot end a ``<script>`` element or open a comment inside it."""
    return (
        data.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def chart_figure(chart: Chart, lang: Lang) -> Any:
    """The plotly figure of a report chart: one series, the report's fonts, a white template."""
    import plotly.graph_objects as go  # type: ignore[import-untyped]

    labels, values = list(chart.labels), list(chart.values)
    if chart.kind == "pie":
        trace: Any = go.Pie(
            labels=labels,
            values=values,
            sort=False,
            hole=0.35,
            textinfo="label+value",
            marker={"colors": list(COLORS)},
        )
    elif chart.kind == "line":
        trace = go.Scatter(
            x=labels, y=values, mode="lines+markers", line={"color": COLORS[1], "width": 3}
        )
    else:
        trace = go.Bar(
            x=labels,
            y=values,
            marker={"color": COLORS[0]},
            text=[cell_text(v) for v in values],
            textposition="outside",
            cliponaxis=False,
        )
    figure = go.Figure(trace)
    figure.update_layout(
        template="plotly_white",
        title={"text": chart.title(lang), "x": 0.02, "font": {"size": 16}},
        font={"family": FONT_STACK, "size": 13},
        margin={"l": 48, "r": 16, "t": 56, "b": 64},
        showlegend=chart.kind == "pie",
        separators=".,",
    )
    if chart.kind != "pie":
        figure.update_xaxes(type="category")
    return figure


def chart_script(chart: Chart, element_id: str, lang: Lang) -> Markup:
    """The inline script that draws ``chart`` into the element ``element_id``."""
    import plotly.io as pio  # type: ignore[import-untyped]

    spec = pio.to_json(chart_figure(chart, lang), validate=False, pretty=False, engine="json")
    config = json.dumps(PLOTLY_CONFIG)
    return Markup(
        f"(function(){{var f={_script_safe(spec)};"
        f"Plotly.newPlot({json.dumps(element_id)},f.data,f.layout,{config});}})();"
    )


#: Cells up to this many characters (dates, statuses, short names) are kept on one line; cells
#: over twice as long get room enough not to wrap after every few characters.
SHORT_CELL = 12


@dataclass(frozen=True)
class _Cell:
    text: str
    numeric: bool

    @property
    def css(self) -> str:
        if self.numeric:
            return "num"
        if len(self.text) <= SHORT_CELL:
            return "short"
        return "long" if len(self.text) > 2 * SHORT_CELL else ""


@dataclass(frozen=True)
class _Table:
    title: str
    columns: list[str]
    rows: list[list[_Cell]]


def _table(table: Table, lang: Lang) -> _Table:
    return _Table(
        title=table.title(lang),
        columns=[c(lang) for c in table.columns],
        rows=[
            [
                _Cell(cell_text(c), isinstance(c, int | float) and not isinstance(c, bool))
                for c in row
            ]
            for row in table.rows
        ],
    )


def render_html(annual: AnnualReport) -> str:
    """The whole report as one HTML page."""
    from .. import __version__

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
                    "script": chart_script(chart, element_id, lang),
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
        plotly_js=Markup(plotly_js()) if chart_number else "",
        meta=t(
            f"截至 {annual.as_of} · 生成于 {annual.generated_text} · 错误 {counts['error']} 项、"
            f"警告 {counts['warning']} 项、提示 {counts['info']} 项",
            f"As of {annual.as_of} · generated {annual.generated_text} · {counts['error']} "
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
