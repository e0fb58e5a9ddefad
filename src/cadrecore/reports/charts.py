"""A report chart as a static SVG drawing, made by matplotlib on the server and inlined in the
HTML page, so that the page reads and prints with JavaScript off and loads nothing.

Text stays text (``svg.fonttype: none``): the reader's browser draws it with the page's own
Chinese fonts, so the drawing carries no glyph outlines and stays a few kilobytes. Every label
is anchored at the point it belongs to (start, middle or end), so a font a little wider or
narrower than the one matplotlib measured with still lines up; the margins are reckoned from
the labels' lengths in characters, not from font metrics, for the same reason.

The same chart gives the same bytes: no date in the drawing, and the ids matplotlib derives
for its clip paths and markers are salted with the chart's place in the page, so that two
drawings in one page never share an id.

Imports nothing of cadrecore above ``reports.sections`` and ``reports.labels``.
"""

from __future__ import annotations

import io
import re
import warnings
from typing import TYPE_CHECKING, Any

from ..i18n import Lang, Text
from .labels import cell_text
from .sections import Chart
from .widths import wide_characters

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: The Chinese fonts the page and its charts ask for, in order (Linux, Windows, macOS): no
#: remote font is ever loaded.
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Microsoft YaHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "WenQuanYi Micro Hei",
)
#: The page's font stack: the Chinese fonts, then the system's own.
FONT_STACK = (
    ", ".join(f'"{f}"' for f in CJK_FONTS)
    + ', system-ui, -apple-system, "Segoe UI", Roboto, sans-serif'
)
COLORS = ("#b3261e", "#1f5fa8", "#2e7d32", "#ef8f00", "#6a3d9a", "#00838f", "#8d6e63", "#c2185b")
INK, MUTED, GRID = "#1f2933", "#5f6b7a", "#d8dee6"

#: Drawing units are CSS pixels at the drawing's natural size (72 per inch, as matplotlib's
#: SVG output counts them); the page scales each drawing to its column.
WIDTH = 520.0
FONT_SIZE = 13.0
BAR_PITCH = 26.0  # the height of one bar of a horizontal bar chart, gap included
#: The gaps, in points, between a bar chart's axis and its labels, and a bar and its value.
LABEL_PAD, VALUE_PAD = 3.5, 4.0
#: A bar's thickness, as a share of the pitch from one bar to the next.
BAR_HEIGHT = 0.62

#: matplotlib's settings for every chart (keyed by name: its stubs spell out each name).
_RC: dict[Any, Any] = {
    "svg.fonttype": "none",  # text as text: the browser's CJK font, no glyph outlines
    "text.parse_math": False,  # a "$" in a plugin's label is a dollar sign, not TeX
    "font.family": ["sans-serif"],
    # DejaVu Sans ships with matplotlib: it measures when no Chinese font is installed
    "font.sans-serif": [*CJK_FONTS, "DejaVu Sans"],
    "font.size": FONT_SIZE,
    "axes.edgecolor": GRID,
    "axes.labelcolor": INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "xtick.labelcolor": INK,
    "ytick.labelcolor": INK,
    "figure.dpi": 72,
    "savefig.dpi": 72,
    "path.simplify": True,
}
#: matplotlib names every group it writes (``figure_1``, ``patch_3``): in a page holding
#: several drawings those ids would repeat, and nothing refers to them.
_GROUP_ID = re.compile(r'<g id="[^"]*"')
_NO_DATA = Text("无数据", "no data")


def char_width(text: str) -> float:
    """The width of ``text`` in ems: a Chinese character is one, a Latin letter or digit about
    0.6 (what margins are reckoned with, whatever font draws them)."""
    wide = wide_characters(text)
    return wide + 0.6 * (len(text) - wide)


def chart_svg(chart: Chart, lang: Lang, *, salt: str) -> str:
    """``chart`` drawn as one ``<svg>`` element to inline in a page (no XML prolog).

    ``salt`` makes the drawing's internal ids unique in the page (say, the chart's number).
    """
    import matplotlib

    with matplotlib.rc_context():  # puts every setting back as it ends
        matplotlib.rcParams.update(_RC)
        matplotlib.rcParams["svg.hashsalt"] = f"cadrecore-{salt}"
        labels = [str(label) for label in chart.labels]
        values = [float(v) for v in chart.values]
        if chart.kind == "pie":
            figure = _doughnut(labels, values, lang)
        elif chart.kind == "line":
            figure = _line(labels, values, lang)
        else:
            figure = _bars(labels, values, lang)
        out = io.StringIO()
        with warnings.catch_warnings():
            # no Chinese font for matplotlib to measure with: the browser still draws the text
            warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from")
            figure.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    svg = out.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, count=1, flags=re.S)
    return _GROUP_ID.sub("<g", svg).strip() + "\n"


def _figure(width: float, height: float) -> Figure:
    """A figure of ``width`` by ``height`` drawing units, with no pyplot state behind it."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width / 72, height / 72))


def _axes(figure: Figure, left: float, right: float, top: float, bottom: float) -> Axes:
    """Axes with margins given in drawing units."""
    width, height = figure.get_size_inches() * 72
    return figure.add_axes(
        (left / width, bottom / height, 1 - (left + right) / width, 1 - (top + bottom) / height)
    )


def _no_data(axes: Axes, lang: Lang) -> None:
    axes.set_axis_off()
    axes.text(0.5, 0.5, _NO_DATA(lang), ha="center", va="center", color=MUTED)


def _doughnut(labels: list[str], values: list[float], lang: Lang) -> Figure:
    """A ring with each share's value on it and a legend of label, value and share beside it."""
    shares = [max(v, 0.0) for v in values]
    total = sum(shares)
    legend = [
        f"{label}  {cell_text(v)}（{v / total:.1%}）" if total else label
        for label, v in zip(labels, shares, strict=True)
    ]
    ring = 250.0
    legend_width = max((char_width(t) for t in legend), default=0) * FONT_SIZE + 40
    width = max(WIDTH, ring + legend_width)
    height = max(ring, 24.0 * len(labels) + 20)
    figure = _figure(width, height)
    margin = (height - ring) / 2
    axes = _axes(figure, 4, width - ring - 4, margin, margin)
    if not total:
        _no_data(axes, lang)
        return figure
    colors = [COLORS[n % len(COLORS)] for n in range(len(shares))]
    wedges, _ = axes.pie(
        shares,
        colors=colors,
        startangle=90,
        counterclock=False,
        wedgeprops={"width": 0.42, "edgecolor": "white", "linewidth": 1.5},
    )
    for wedge, value in zip(wedges, shares, strict=True):
        if value / total >= 0.04:  # a sliver's number would not fit on it
            middle = (wedge.theta1 + wedge.theta2) / 2
            x, y = _polar(0.79, middle)
            axes.text(x, y, cell_text(value), ha="center", va="center", color="white")
    axes.set_aspect("equal")
    figure.legend(
        wedges,
        legend,
        loc="center left",
        bbox_to_anchor=((ring + 16) / width, 0.5),
        frameon=False,
        handlelength=1.0,
        handleheight=1.0,
        labelcolor=INK,
    )
    return figure


def _polar(radius: float, degrees: float) -> tuple[float, float]:
    import math

    angle = math.radians(degrees)
    return radius * math.cos(angle), radius * math.sin(angle)


def _bars(labels: list[str], values: list[float], lang: Lang) -> Figure:
    """Horizontal bars, one per label from the top, each with its value at its end: labels of
    any length read level, and a long list grows the drawing downwards instead of crowding.

    The labels and values are plain texts placed where the y axis's ticks and ``bar_label``
    put them, and the bars one path: a province's 120 counties made 120 ticks of five parts
    each and 120 bars of their own, and most of the page's drawing time went to them."""
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path
    from matplotlib.transforms import Affine2D, ScaledTranslation, blended_transform_factory

    left = max((char_width(label) for label in labels), default=0) * FONT_SIZE + 16
    right = max((char_width(cell_text(v)) for v in values), default=0) * FONT_SIZE + 16
    top, bottom = 10.0, 30.0
    height = top + bottom + BAR_PITCH * max(len(labels), 2)
    width = max(WIDTH, left + right + 200)
    figure = _figure(width, height)
    axes = _axes(figure, left, right, top, bottom)
    if not labels:
        _no_data(axes, lang)
        return figure
    places = list(range(len(labels)))
    # every bar one rectangle of one path: one drawing element, not an artist a bar
    half = BAR_HEIGHT / 2
    bars = Path.make_compound_path(
        *(
            Path.unit_rectangle().transformed(
                Affine2D().scale(value, BAR_HEIGHT).translate(0, place - half)
            )
            for place, value in zip(places, values, strict=True)
        )
    )
    axes.add_patch(PathPatch(bars, facecolor=COLORS[0], edgecolor="none", linewidth=0))
    axes.set_yticks([])
    axes.invert_yaxis()
    low, high = min(0.0, *values), max(0.0, *values)
    axes.set_xlim(low, high if high > low else 1.0)
    axes.margins(y=0.02)

    def shifted(base: Any, points: float) -> Any:
        return base + ScaledTranslation(points / 72, 0, figure.dpi_scale_trans)

    # each label ends where a tick's would (the axis's left edge, less the tick's pad)
    label_at = shifted(blended_transform_factory(axes.transAxes, axes.transData), -LABEL_PAD)
    after, before = shifted(axes.transData, VALUE_PAD), shifted(axes.transData, -VALUE_PAD)
    for place, label, value in zip(places, labels, values, strict=True):
        axes.text(0, place, label, transform=label_at, ha="right", va="center_baseline", color=INK)
        # (beyond the bar's end: on its right, or on its left for a value below zero)
        axes.text(
            value,
            place,
            cell_text(value),
            transform=after if value >= 0 else before,
            ha="left" if value >= 0 else "right",
            va="center",
            color=INK,
        )
    axes.spines["left"].set_color(MUTED)
    axes.grid(axis="x", color=GRID, linewidth=0.8)
    axes.set_axisbelow(True)
    return figure


def _line(labels: list[str], values: list[float], lang: Lang) -> Figure:
    """A line over the labels in order (months, years), each point with its value above it."""
    longest = max((char_width(label) for label in labels), default=0) * FONT_SIZE
    left, right, top, bottom = 44.0, 16.0, 24.0, 34.0
    # labels too long to stand side by side (2022-01, 2022-02…) are read slanted
    slanted = len(labels) * (longest + 8) > WIDTH - left - right
    if slanted:
        bottom += (longest + FONT_SIZE) * 0.71 - FONT_SIZE
    figure = _figure(WIDTH, 250.0 + bottom)
    axes = _axes(figure, left, right, top, bottom)
    if not labels:
        _no_data(axes, lang)
        return figure
    places = list(range(len(labels)))
    axes.plot(places, values, color=COLORS[1], linewidth=2.5, marker="o", markersize=5)
    for x, value in zip(places, values, strict=True):
        axes.annotate(
            cell_text(value),
            (x, value),
            xytext=(0, 6),
            textcoords="offset points",
            ha="center",
            va="bottom",
            color=INK,
            fontsize=FONT_SIZE - 1,
            # the number stays readable where the line runs through it
            bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"},
        )
    axes.set_xticks(places, labels)
    if slanted:
        axes.tick_params(axis="x", labelrotation=45)
        for tick in axes.get_xticklabels():
            tick.set_horizontalalignment("right")
            tick.set_rotation_mode("anchor")
    axes.set_xlim(-0.5, len(labels) - 0.5)
    low, high = min(0.0, *values), max(0.0, *values)
    axes.set_ylim(low, high * 1.18 if high > 0 else 1.0)
    axes.grid(axis="y", color=GRID, linewidth=0.8)
    axes.set_axisbelow(True)
    axes.spines["left"].set_visible(False)
    axes.tick_params(axis="y", length=0)
    return figure
