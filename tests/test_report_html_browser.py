"""The Xinzhou annual report opened in headless Chromium, offline: the page makes no request
beyond its own file, none fails, no script errors, every chart is drawn, Chinese text is drawn
with a Chinese font (no missing glyphs), and screenshots are kept in ``test-artifacts/``.

Chromium comes from Debian's ``chromium`` package, the font from ``fonts-noto-cjk``
(``.ci/install-browser`` installs both). Without Chromium the test is skipped, except in CI
(``CI`` set), where it fails.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

import cadrecore
from cadrecore.plugins import PluginManager
from cadrecore.reports.annual import AnnualReport, build_annual_report, write_annual_report
from cadrecore.reports.html import FONT_STACK

from .headless_chromium import visit
from .xinzhou_fixtures import ROOT, xinzhou, xinzhou_pm

__all__ = ["xinzhou", "xinzhou_pm"]

ARTIFACTS = ROOT / "test-artifacts"
#: The Chinese fonts of the page's font stack: text drawn with anything else lacks glyphs.
CJK_FONTS = set(re.findall(r'"([^"]+)"', FONT_STACK.split("system-ui")[0]))
ALL_CHARTS_DRAWN = (
    '[...document.querySelectorAll(".chart-box")].every(e => e.querySelector(".main-svg"))'
)
PROBE = """({
  charts: document.querySelectorAll(".chart-box").length,
  drawn: document.querySelectorAll(".chart-box.js-plotly-plot").length,
  slices: document.querySelectorAll(".chart-box .pielayer .slice").length,
  bars: document.querySelectorAll(".chart-box .bars .point").length,
  lines: document.querySelectorAll(".chart-box .scatterlayer .js-line").length,
  sections: document.querySelectorAll("section.report-section").length,
  title: document.title,
})"""


@pytest.fixture(scope="module")
def report(
    xinzhou: cadrecore.Ledger, xinzhou_pm: PluginManager, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, AnnualReport]:
    annual = build_annual_report(
        xinzhou, 2022, pm=xinzhou_pm, generated_at=datetime(2023, 1, 5, 9, tzinfo=UTC)
    )
    folder = tmp_path_factory.mktemp("report")
    return write_annual_report(annual, folder / "xinzhou-2022-report.html"), annual


def test_the_report_works_offline_in_a_browser(
    chromium: str, report: tuple[Path, AnnualReport]
) -> None:
    page, annual = report
    charts = sum(len(s.charts) for s in annual.sections)
    seen = visit(
        chromium,
        page,
        ready=ALL_CHARTS_DRAWN,
        probe=PROBE,
        screenshots=ARTIFACTS,
        prefix="report-",
        clips={
            "report-party-orgs": "#section-2",
            "report-org-life": "#section-3",
            "report-services": "#section-7",
        },
        fonts={
            "title": "h1",
            "narrative": "#summary p",
            "table": "#section-2 td",
            "pie legend": "#chart-1 .legendtext",
            "bar axis": "#chart-2 .xtick text",
            "chart title": "#chart-3 .gtitle",
        },
    )
    assert seen.requests == [page.resolve().as_uri()]
    assert seen.remote_requests == []
    assert seen.failed == []
    assert seen.errors == []
    probe = seen.probe
    assert probe["title"] == annual.title.zh
    assert probe["sections"] == len(annual.sections) + 1  # and the appendix
    assert probe["charts"] == probe["drawn"] == charts
    assert probe["slices"] >= 5  # the five branch types
    assert probe["bars"] >= 14 + 4  # coverage of 14 counties, four service volumes
    assert probe["lines"] >= 1  # activity by month
    for where, fonts in seen.fonts.items():
        families = {f.split(":")[0] for f in fonts}
        assert families and families <= CJK_FONTS, f"{where} drawn with {fonts}: missing glyphs?"
    for shot in ("top", "full", "report-party-orgs", "report-org-life", "report-services"):
        path = seen.screenshots[shot]
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_browser_check_sees_a_failed_and_a_remote_request(
    chromium: str, tmp_path: Path
) -> None:
    """The check above would see a page that is not offline."""
    page = tmp_path / "broken.html"
    page.write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        '<script src="https://cdn.example.invalid/plotly.js"></script></head>'
        '<body><img src="missing.png"><script>undefined_function()</script></body></html>',
        encoding="utf-8",
    )
    seen = visit(chromium, page)
    assert seen.remote_requests == ["https://cdn.example.invalid/plotly.js"]
    failed = " ".join(seen.failed)
    assert "missing.png" in failed and "cdn.example.invalid" in failed
    assert any("undefined_function" in e for e in seen.errors)
