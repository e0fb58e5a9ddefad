"""The annual report's built-in sections, contributed through ``report_sections`` like any
plugin's: the "six ones", party organizations, organizational life, the plan, themes, exemplars,
services, opinions, treatment, bodies and staff, recognitions, and the findings with what to fix.

Sections carry both languages in their titles, headings and paragraphs; chart labels and table
cells that are words follow ``lang``. Built-ins use orders 10, 20, …, 110 (35 for party groups
and 45 for model branches, :mod:`.report_groups`) and 900 (findings
last), so a plugin places its own section among them by its ``order``.

This module is the plugin: the hook and each section's order. The sections are built by
:mod:`.report_orgs` (six ones, party organizations, organizational life), :mod:`.report_work`
(plan, themes, exemplars, services, opinions), :mod:`.report_care` (treatment, bodies and staff,
recognitions), :mod:`.report_groups`, :mod:`.report_dues` and :mod:`.report_findings`; what they
share is :mod:`.report_common`. It imports nothing above the built-ins' layer (no store, io or
CLI).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from ..i18n import Lang, Text
from ..ledger import Ledger
from ..plugins import hookimpl
from ..reports.sections import ReportSection
from ..rules.findings import Report
from . import report_dues, report_groups
from .report_care import recognitions, staffing, treatment
from .report_findings import findings
from .report_orgs import org_life, party_orgs, six_ones
from .report_work import exemplars, opinions, plans, services, themes

T = Text


def _lang(lang: str) -> Lang:
    return "en" if lang == "en" else "zh"


# =============================================================================================

Builder = Callable[[Ledger, Report, Lang], ReportSection]

#: Each built-in section's builder and its order (findings last, after any plugin's section).
BUILDERS: tuple[tuple[int, Builder], ...] = (
    (10, six_ones),
    (20, party_orgs),
    (30, org_life),
    (35, report_groups.party_groups),
    (38, report_dues.party_dues),
    (40, plans),
    (45, report_groups.model_branches),
    (50, themes),
    (60, exemplars),
    (70, services),
    (80, opinions),
    (90, treatment),
    (100, staffing),
    (110, recognitions),
    (900, findings),
)


@hookimpl
def report_sections(ledger: Ledger, report: Report, lang: str) -> list[ReportSection]:
    """The built-in sections of the annual report, in order."""
    chosen = _lang(lang)
    sections = []
    for order, build in BUILDERS:
        try:
            section = build(ledger, report, chosen)
        except Exception as exc:  # one broken section must not take the others with it
            error = f"{type(exc).__name__}: {exc}"
            section = ReportSection(
                key=f"builtin.{build.__name__}",
                title=T(
                    f"未能生成的章节：{build.__name__}", f"Section that failed: {build.__name__}"
                ),
                paragraphs=(T(f"本节生成时出错：{error}", f"This section failed: {error}"),),
            )
        sections.append(replace(section, order=order))
    return sections
