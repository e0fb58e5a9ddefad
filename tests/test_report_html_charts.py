"""The HTML report without a browser: its charts are inline SVG drawings (text kept as text,
ids unique in the page, the same bytes twice), it carries no script, its cells may break
inside long codes, and the Xinzhou page stays small enough to mail."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from markupsafe import Markup, escape

import cadrecore
from cadrecore.i18n import Text
from cadrecore.plugins import PluginManager
from cadrecore.reports.annual import AnnualReport, build_annual_report, render_annual_report
from cadrecore.reports.charts import COLORS, FONT_STACK, char_width, chart_svg
from cadrecore.reports.html import _BREAK, _CODE, SHORT_CELL, _cell_html, _rows_html
from cadrecore.reports.labels import Rate, cell_text
from cadrecore.reports.sections import Chart

from .xinzhou_fixtures import xinzhou, xinzhou_pm

__all__ = ["xinzhou", "xinzhou_pm"]

#: The ceiling issue #21 set for the Xinzhou page (it was 4.95 MB with plotly.js inside).
MAX_BYTES = 1_500_000
WHEN = datetime(2023, 1, 5, 9, tzinfo=UTC)


@pytest.fixture(scope="module")
def annual(xinzhou: cadrecore.Ledger, xinzhou_pm: PluginManager) -> AnnualReport:
    return build_annual_report(xinzhou, 2022, pm=xinzhou_pm, generated_at=WHEN)


@pytest.fixture(scope="module")
def page(annual: AnnualReport) -> str:
    return render_annual_report(annual, "html").decode()


def test_the_xinzhou_page_is_small(page: str) -> None:
    size = len(page.encode())
    assert size <= MAX_BYTES, f"{size:,} bytes"


def test_the_page_has_no_script_and_a_drawing_per_chart(page: str, annual: AnnualReport) -> None:
    assert "<script" not in page and "plotly" not in page.lower()
    charts = [c for s in annual.sections for c in s.charts]
    figures = re.findall(
        r'<figure class="chart" data-kind="(\w+)"><figcaption id="(chart-\d+)-title">'
        r'.*?<div id="(chart-\d+)" class="chart-box"><svg role="img" '
        r'aria-labelledby="(chart-\d+)-title"',
        page,
        flags=re.S,
    )
    assert [f[0] for f in figures] == [c.kind for c in charts]
    numbers = [f"chart-{n}" for n in range(1, len(charts) + 1)]
    assert [f[1] for f in figures] == [f[2] for f in figures] == [f[3] for f in figures] == numbers
    assert page.count("<svg") == page.count("</svg>") == len(charts)


def test_ids_in_the_page_are_unique(page: str) -> None:
    ids = re.findall(r'\sid="([^"]+)"', page)
    repeated = {i for i in ids if ids.count(i) > 1}
    assert not repeated
    for reference in re.findall(r'(?:href="#|url\(#)([^")]+)', page):
        assert reference in ids  # every clip path and marker a drawing uses is in the page


def test_chart_text_is_text_in_the_page_s_fonts(page: str, annual: AnnualReport) -> None:
    """No glyph outlines: the browser draws the labels with the reader's Chinese font."""
    drawing = re.search(r"<svg.*?</svg>", page, flags=re.S)
    assert drawing
    assert "<text" in drawing.group() and 'id="DejaVu' not in drawing.group()
    assert "'Noto Sans CJK SC'" in drawing.group()
    for label in annual.sections[1].charts[0].labels:
        assert f">{label}" in page


def test_a_chart_is_the_same_bytes_twice_and_dateless() -> None:
    chart = Chart(Text("按月", "by month"), "line", ("1月", "2月", "3月"), (3.0, 5.0, 4.0))
    first, second = chart_svg(chart, "zh", salt="chart-1"), chart_svg(chart, "zh", salt="chart-1")
    assert first == second
    assert first.startswith("<svg ") and first.endswith("</svg>\n")
    assert "<?xml" not in first and "<metadata" not in first and "dc:date" not in first
    other = chart_svg(chart, "zh", salt="chart-2")
    assert set(re.findall(r'id="([^"]+)"', first)).isdisjoint(re.findall(r'id="([^"]+)"', other))


@pytest.mark.parametrize("kind", ["bar", "pie", "line"])
def test_every_kind_draws_awkward_data(kind: str) -> None:
    """No values, zeros, negatives, a dollar sign (not TeX), markup, long labels: a drawing."""
    cases = [
        ((), ()),
        (("甲", "乙"), (0.0, 0.0)),
        (("甲", "乙", "丙"), (-2.0, 5.5, 0.0)),
        (("$5 coupons$", "<b>&amp;</b>", "一个相当长的服务类型名称（含括号）"), (1.0, 2.0, 3.0)),
        (tuple(f"2022-{m:02}" for m in range(1, 13)), tuple(float(m) for m in range(12))),
    ]
    for labels, values in cases:
        svg = chart_svg(Chart(Text("图", "chart"), kind, labels, values), "zh", salt="x")
        assert svg.startswith("<svg ")
        assert "<b>" not in svg
        if any(v > 0 for v in values) or (labels and kind != "pie"):
            for label in labels:  # each label drawn as written, escaped
                assert html.escape(label, quote=False) in svg, label
        if kind == "bar":  # each bar's value drawn after it, each label before the axis
            texts = _texts(svg)
            for label, value in zip(labels, values, strict=True):
                assert (cell_text(value), "start" if value >= 0 else "end") in texts
                assert (html.escape(label, quote=False), "end") in texts


def test_each_bar_is_as_long_as_its_value_and_level_with_its_label() -> None:
    """The bars, drawn as one path (a rectangle each), in the labels' order from the top: each
    as long as its value on the same scale, each the same height off its label, the label's
    line a little below the bar's middle."""
    values = (1.0, 4.0, 2.5, 0.0, 3.0)
    labels = ("甲县", "乙县", "丙县", "丁县", "戊县")
    svg = chart_svg(Chart(Text("图", "chart"), "bar", labels, values), "zh", salt="x")
    (path,) = re.findall(rf'<path d="([^"]+)"[^>]*style="fill: {COLORS[0]}"', svg)
    bars = []
    for rectangle in re.findall(r"M [^M]*", path):
        numbers = [float(n) for n in re.findall(r"-?[\d.]+", rectangle)]
        xs, ys = numbers[0::2], numbers[1::2]
        bars.append((max(xs) - min(xs), (min(ys) + max(ys)) / 2, min(ys), max(ys)))
    assert len(bars) == len(values)
    scale = bars[1][0] / values[1]
    assert [round(width, 2) for width, *_ in bars] == [round(v * scale, 2) for v in values]
    found = re.findall(r'text-anchor: end[^"]*" x="[\d.]+" y="([\d.]+)"[^>]*>([^<]*)<', svg)
    label_y = {text: float(y) for y, text in found}
    offsets = {round(label_y[label] - bar[1], 2) for label, bar in zip(labels, bars, strict=True)}
    assert len(offsets) == 1  # each label level with its bar: the same height off it
    # (a text centred on its bar has its line, its y, a little below the bar's middle)
    (offset,) = offsets
    assert 0 < offset < (bars[1][1] - bars[0][1]) / 4
    # the bars in the middle of the axis: as much room above the first as below the last
    spine = re.search(r'<path d="M [\d.]+ ([\d.]+) \s*L [\d.]+ ([\d.]+) [^>]*stroke: #5f6b7a', svg)
    assert spine is not None
    bottom, top = float(spine.group(1)), float(spine.group(2))
    pitch = bars[1][1] - bars[0][1]
    assert bars[0][1] - top == pytest.approx(bottom - bars[-1][1], abs=0.01)
    assert all(b[1] - a[1] == pytest.approx(pitch, abs=0.01) for a, b in pairwise(bars))
    assert [label_y[label] for label in labels] == sorted(label_y[label] for label in labels)


def _texts(svg: str) -> list[tuple[str, str]]:
    """Each text of a drawing and its anchor."""
    found = re.findall(r'<text style="[^"]*text-anchor: (\w+)[^"]*"[^>]*>([^<]*)</text>', svg)
    return [(text, anchor) for anchor, text in found]


def test_an_empty_chart_says_so() -> None:
    for lang, words in (("zh", "无数据"), ("en", "no data")):
        svg = chart_svg(Chart(Text("图", "chart"), "pie", (), ()), lang, salt="x")
        assert f">{words}</text>" in svg


@dataclass(frozen=True)
class _Cell:
    """A table cell written the plain way, a Markup piece at a time: the oracle the report's
    writer (:func:`_rows_html`, :func:`_cell_html`) is tested against."""

    text: str
    numeric: bool

    @property
    def css(self) -> str:
        if self.numeric:
            return "num"
        width = char_width(self.text)
        if width <= SHORT_CELL:
            return "short"
        return "long" if width > 3 * SHORT_CELL else ""

    @property
    def markup(self) -> Markup:
        if self.text.isdigit() or not _CODE.search(self.text):
            return escape(self.text)
        pieces, last = [], 0
        for code in _CODE.finditer(self.text):
            pieces.append(escape(self.text[last : code.start()]))
            pieces.append(Markup("<wbr>").join(escape(p) for p in _BREAK.split(code.group())))
            last = code.end()
        pieces.append(escape(self.text[last:]))
        return Markup("").join(pieces)


def test_long_codes_may_break_at_their_separators() -> None:
    code = "xz.<wbr>six_<wbr>ones.<wbr>2022.<wbr>situation_<wbr>briefing"
    assert _cell_html("xz.six_ones.2022.situation_briefing", numeric=False) == f"<td>{code}</td>"
    assert _cell_html("3.5 万元", numeric=False) == '<td class="short">3.5 万元</td>'
    assert _cell_html("<i>a.b.c.d.e.f.g</i>", False).startswith("<td>&lt;i&gt;a.<wbr>b.<wbr>")
    assert _cell_html("2022-06-28", numeric=False) == '<td class="short">2022-06-28</td>'
    assert _cell_html("组织一次领导组协调会", numeric=False) == "<td>组织一次领导组协调会</td>"
    assert _cell_html("12", numeric=True) == '<td class="num">12</td>'
    assert char_width("忻府区") == 3 and char_width("2022") == pytest.approx(2.4)


cell_values = (
    st.text(alphabet=st.sampled_from("aZ0._/:-<>&\"' 忻府区万元\n"), max_size=60)
    | st.integers(-(10**9), 10**9)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.booleans()
    | st.none()
    | st.dates()
    | st.decimals(allow_nan=False, allow_infinity=False, places=1)  # (a plugin's own cell)
    | st.builds(Rate, st.floats(0, 1))
)


@example([[5, Decimal(5), "5", 5.0, True, "true", Rate(0.5), "50.0%", "5"], [Decimal(5), 5]])
@given(st.lists(st.lists(cell_values, max_size=5), max_size=4))
def test_a_tables_rows_are_written_as_each_cell_writes_itself(rows: list[list[Any]]) -> None:
    """The fast writer of a table's rows (issue #26) against its cells one by one: each cell's
    class, its escaped text and the breaks in its long codes, as _Cell says them; cells of the
    same text but of other kinds (a number, a plugin's decimal, a rate) each as its own."""

    def cell(value: Any) -> str:
        one = _Cell(
            cell_text(value), isinstance(value, int | float) and not isinstance(value, bool)
        )
        return f'<td class="{one.css}">{one.markup}</td>' if one.css else f"<td>{one.markup}</td>"

    expected = "".join(f"<tr>{''.join(cell(v) for v in row)}</tr>\n" for row in rows)
    assert str(_rows_html(rows)) == expected


@pytest.mark.parametrize(
    ("text", "css"),
    [
        ("忻" * 7, "short"),  # 7 ems: kept on one line
        ("忻" * 6 + "ab", ""),  # 7.2 ems in 8 characters
        ("a" * 11, "short"),  # 6.6 ems in 11 characters
        ("a" * 35, ""),  # 21 ems: wraps, but not given the long cells' room
        ("a" * 36, "long"),  # 21.6 ems
        ("忻" * 21, ""),
        ("忻" * 22, "long"),
    ],
)
def test_a_cell_s_class_at_the_edges_of_its_widths(text: str, css: str) -> None:
    """Where the fast writer judges a cell by its length alone, and where it measures it."""
    opening = f'<td class="{css}">' if css else "<td>"
    assert str(_rows_html([[text]])) == f"<tr>{opening}{text}</td></tr>\n"
    assert _Cell(text, numeric=False).css == css


def test_the_font_stack_asks_for_chinese_fonts_first() -> None:
    families = re.findall(r'"([^"]+)"', FONT_STACK)
    assert families[:2] == ["Noto Sans CJK SC", "Noto Sans SC"]
    assert {"Microsoft YaHei", "PingFang SC"} <= set(families)
    assert FONT_STACK.endswith("sans-serif")
