"""The Xinzhou annual report opened in headless Chromium, offline, with JavaScript off and on:
the page makes no request beyond its own file, none fails, no script errors; every chart is
there as a drawing with its labels, Chinese text (the charts' too) is drawn with a Chinese
font (no missing glyphs); at 1280 px no table is wider than the page's column and no column is
cut, and no chart overlaps or cuts another or its own labels; in print, rows, charts and
table headings keep together, and the page prints to A4.

Screenshots (JavaScript off and on) and the PDF print are kept in ``$CADRECORE_TEST_ARTIFACTS``,
else ``test-artifacts/`` (the run prints where).

Chromium comes from Debian's ``chromium`` package, the font from ``fonts-noto-cjk``
(``.ci/install-browser`` installs both). Without Chromium the test is skipped, except in CI
(``CI`` set), where it fails.
"""

from __future__ import annotations

import contextlib
import os
import re
from datetime import UTC, datetime
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest

import cadrecore
from cadrecore.plugins import PluginManager
from cadrecore.reports.annual import AnnualReport, build_annual_report, write_annual_report
from cadrecore.reports.charts import CJK_FONTS

from .headless_chromium import Visit, visit
from .xinzhou_fixtures import ROOT, xinzhou, xinzhou_pm

__all__ = ["xinzhou", "xinzhou_pm"]

#: The page's width on a clerk's ordinary screen.
WIDTH = 1280
#: Rounding in the layout engine: a box may stick out by less than a pixel.
SLACK = 1.0
LAYOUT = """(() => {
  const box = e => { const r = e.getBoundingClientRect();
    return {left: r.left, right: r.right, top: r.top + scrollY, bottom: r.bottom + scrollY,
            width: r.width, height: r.height}; };
  return {
    title: document.title,
    scripts: document.scripts.length,
    sections: document.querySelectorAll("section.report-section").length,
    pageWidth: document.documentElement.scrollWidth,
    viewport: document.documentElement.clientWidth,
    tables: [...document.querySelectorAll(".table-wrap")].map(w => ({
      caption: w.querySelector("caption").textContent,
      wrap: box(w),
      overflow: w.scrollWidth - w.clientWidth,
      table: box(w.querySelector("table")),
      headings: [...w.querySelectorAll("th")].map(h => ({text: h.textContent, box: box(h)})),
    })),
    charts: [...document.querySelectorAll("figure.chart")].map(f => {
      const svg = f.querySelector("svg");
      return {
        id: f.querySelector(".chart-box").id,
        kind: f.dataset.kind,
        caption: f.querySelector("figcaption").textContent,
        figure: box(f),
        svg: svg ? box(svg) : null,
        texts: svg ? [...svg.querySelectorAll("text")].map(t => ({text: t.textContent, box: box(t)})) : [],
      };
    }),
  };
})()"""
PRINTED = """(() => {
  const style = s => getComputedStyle(document.querySelector(s));
  return {
    row: style("tbody tr").breakInside,
    heading: style("thead").display,
    chart: style("figure.chart").breakInside,
    toc: style("nav.toc").display,
    tableFont: parseFloat(style("td").fontSize),
    bodyFont: parseFloat(style("body").fontSize),
  };
})()"""
#: What each CSS selector's text is, for the check that it was drawn with a Chinese font.
FONTS = {
    "title": "h1",
    "narrative": "#summary p",
    "table": "#section-2 td",
    "chart captions": "figcaption",
    "doughnut": "#chart-1 svg text",
    "bars": "#chart-2 svg text",
    "line": "#chart-3 svg text",
}


def artifacts() -> Path:
    """Where screenshots and the PDF are kept: ``$CADRECORE_TEST_ARTIFACTS``, else
    ``test-artifacts/`` at the top of the repository (ignored by git)."""
    configured = os.environ.get("CADRECORE_TEST_ARTIFACTS")
    return Path(configured) if configured else ROOT / "test-artifacts"


@pytest.fixture(scope="module")
def report(
    xinzhou: cadrecore.Ledger, xinzhou_pm: PluginManager, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, AnnualReport]:
    annual = build_annual_report(
        xinzhou, 2022, pm=xinzhou_pm, generated_at=datetime(2023, 1, 5, 9, tzinfo=UTC)
    )
    folder = tmp_path_factory.mktemp("report")
    return write_annual_report(annual, folder / "xinzhou-2022-report.html"), annual


@pytest.fixture(scope="module")
def seen(
    chromium: str, report: tuple[Path, AnnualReport], request: pytest.FixtureRequest
) -> dict[str, Visit]:
    """The page visited twice, with JavaScript off (printed to PDF too) and on."""
    page, _ = report
    folder = artifacts()
    visits = {}
    for mode, javascript in (("nojs", False), ("js", True)):
        visits[mode] = visit(
            chromium,
            page,
            javascript=javascript,
            probe=LAYOUT,
            print_probe=PRINTED,
            screenshots=folder,
            prefix=f"report-{mode}-",
            clips={
                f"report-{mode}-six-ones": "#section-1",
                f"report-{mode}-party-orgs": "#section-2",
                f"report-{mode}-org-life": "#section-3",
                f"report-{mode}-services": "#section-7",
            },
            fonts=FONTS,
            width=WIDTH,
            pdf=folder / "report.pdf" if not javascript else None,
        )
    capture = request.config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        print(f"\nthe report's screenshots and PDF print: {folder}")
    return visits


@pytest.mark.parametrize("mode", ["nojs", "js"])
def test_the_report_works_offline_in_a_browser(
    seen: dict[str, Visit], report: tuple[Path, AnnualReport], mode: str
) -> None:
    page, annual = report
    visited = seen[mode]
    assert visited.requests == [page.resolve().as_uri()]
    assert visited.remote_requests == []
    assert visited.failed == []
    assert visited.errors == []
    layout = visited.probe
    assert layout["title"] == annual.title.zh
    assert layout["scripts"] == 0  # nothing for JavaScript to do: the page is the same off and on
    assert layout["sections"] == len(annual.sections) + 1  # and the appendix
    for where, fonts in visited.fonts.items():
        families = {f.split(":")[0] for f in fonts}
        assert families and families <= set(CJK_FONTS), f"{where} drawn with {fonts}: tofu?"
    for name, path in visited.screenshots.items():
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name


def test_javascript_changes_nothing_on_the_page(seen: dict[str, Visit]) -> None:
    assert seen["nojs"].probe == seen["js"].probe
    assert seen["nojs"].print_probe == seen["js"].print_probe


def test_every_chart_is_a_drawing_with_its_labels(
    seen: dict[str, Visit], report: tuple[Path, AnnualReport]
) -> None:
    _, annual = report
    charts = [c for s in annual.sections for c in s.charts]
    drawn = seen["nojs"].probe["charts"]
    assert [(d["kind"], d["caption"]) for d in drawn] == [(c.kind, c.title.zh) for c in charts]
    assert [d["kind"] for d in drawn].count("pie") >= 1  # the five branch types, at least
    for chart, shown in zip(charts, drawn, strict=True):
        assert shown["svg"] and shown["svg"]["height"] > 60, shown["id"]
        texts = " ".join(t["text"] for t in shown["texts"])
        for label in chart.labels:
            assert label in texts, f"{shown['id']}: {label} is not drawn"
    doughnut = next(d for d in drawn if d["caption"] == "党支部类型")
    for branch_type in ("团队支部", "流动支部", "网宣支部", "社区支部", "农村支部"):
        assert any(t["text"].startswith(branch_type) for t in doughnut["texts"])


def test_no_table_is_wider_than_the_page_and_no_column_is_cut(seen: dict[str, Visit]) -> None:
    layout = seen["nojs"].probe
    assert layout["pageWidth"] <= layout["viewport"] == WIDTH  # no sideways scrolling at all
    assert layout["tables"]
    for table in layout["tables"]:
        wrap, caption = table["wrap"], table["caption"]
        assert table["overflow"] <= 0, f"{caption} scrolls sideways by {table['overflow']} px"
        assert table["table"]["width"] <= wrap["width"] + SLACK, caption
        for heading in table["headings"]:
            assert heading["box"]["right"] <= wrap["right"] + SLACK, (caption, heading["text"])
            assert heading["box"]["width"] >= 2 * 14, (caption, heading["text"])  # 2 characters
    (six_ones,) = [t for t in layout["tables"] if "“六个一”" in t["caption"]]
    assert six_ones["headings"][-2]["text"] == "出席领导"


def test_charts_neither_overlap_nor_cut_one_another(seen: dict[str, Visit]) -> None:
    drawn = seen["nojs"].probe["charts"]
    for first, second in combinations(drawn, 2):
        assert not _overlap(first["figure"], second["figure"]), (first["id"], second["id"])
    for chart in drawn:
        figure, svg = chart["figure"], chart["svg"]
        assert _inside(svg, figure), f"{chart['id']} is cut by its frame"
        assert figure["right"] <= WIDTH
        for text in chart["texts"]:
            assert _inside(text["box"], svg), f"{chart['id']}: {text['text']!r} is cut"


def test_the_page_prints_whole_rows_and_charts_on_a4(
    seen: dict[str, Visit], report: tuple[Path, AnnualReport]
) -> None:
    printed = seen["nojs"].print_probe
    assert printed["row"] == "avoid"  # a table row is never split across two pages
    assert printed["heading"] == "table-header-group"  # a table's headings on every page
    assert printed["chart"] == "avoid"
    assert printed["toc"] == "none"  # links to click are no use on paper
    assert printed["tableFont"] >= 12 and printed["bodyFont"] >= 13  # 9 pt and 10.5 pt
    pdf = seen["nojs"].pdf
    assert pdf is not None
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    pages = re.findall(rb"/Type\s*/Page\b", data)
    boxes = [tuple(round(float(n)) for n in b.split()) for b in _media_boxes(data)]
    portrait, landscape = (0, 0, 595, 842), (0, 0, 842, 595)  # A4, in points
    assert set(boxes) == {portrait, landscape}  # the assessment table's 15 columns: landscape
    assert boxes.count(portrait) > boxes.count(landscape) >= 1
    assert 10 <= len(pages) <= 60, len(pages)


def _media_boxes(data: bytes) -> list[bytes]:
    return re.findall(rb"/MediaBox\s*\[\s*([\d.\s]+?)\s*\]", data)


def _overlap(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return (
        min(a["right"], b["right"]) - max(a["left"], b["left"]) > SLACK
        and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > SLACK
    )


def _inside(inner: dict[str, Any], outer: dict[str, Any]) -> bool:
    return (
        inner["left"] >= outer["left"] - SLACK
        and inner["right"] <= outer["right"] + SLACK
        and inner["top"] >= outer["top"] - SLACK
        and inner["bottom"] <= outer["bottom"] + SLACK
    )


def test_the_browser_check_sees_a_failed_and_a_remote_request(
    chromium: str, tmp_path: Path
) -> None:
    """The check above would see a page that is not offline."""
    page = tmp_path / "broken.html"
    page.write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        '<script src="https://cdn.example.invalid/charts.js"></script></head>'
        '<body><img src="missing.png"><script>undefined_function()</script></body></html>',
        encoding="utf-8",
    )
    seen = visit(chromium, page)
    assert seen.remote_requests == ["https://cdn.example.invalid/charts.js"]
    failed = " ".join(seen.failed)
    assert "missing.png" in failed and "cdn.example.invalid" in failed
    assert any("undefined_function" in e for e in seen.errors)


def test_with_javascript_off_the_page_s_scripts_do_not_run(chromium: str, tmp_path: Path) -> None:
    """The check above with JavaScript off is a real one: a script that would change the page
    or fail does neither."""
    page = tmp_path / "scripted.html"
    page.write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><p id="p">static</p>'
        '<script>document.getElementById("p").textContent = "scripted"; undefined_function()'
        "</script></body></html>",
        encoding="utf-8",
    )
    probe = 'document.getElementById("p").textContent'
    off = visit(chromium, page, javascript=False, probe=probe)
    on = visit(chromium, page, javascript=True, probe=probe)
    assert (off.probe, off.errors) == ("static", [])
    assert on.probe == "scripted" and on.errors
