"""The annual report as a document of plain data: what every renderer draws.

:func:`cadrecore.reports.annual.build_annual_report` fills an :class:`AnnualReport`; each
renderer (``terminal``, ``markdown``, ``html``, ``xlsx``, ``jsondoc``) imports this type and
draws it; :func:`cadrecore.reports.annual.render_annual_report` picks the renderer. The type's
module is below them all: it imports only the report's parts (the rules' report of findings,
the sections, the assessment rows), never a renderer or the module that dispatches to them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ..i18n import Lang, Text
from ..plugin_manager import HookFailure
from ..rules.findings import Report
from .assessment import AssessmentRow
from .sections import ReportSection, Table


@dataclass(frozen=True)
class AnnualReport:
    """The year's veteran cadre work as plain data, ready for any renderer.

    ``sections`` are in their order (built-ins 10, 20, …, findings at 900; plugins' where they
    put them), each stamped with the plugin that contributed it. ``failures`` names every
    plugin whose sections could not be used (its hook raised, returned the wrong type or
    overran its time budget, or a section cannot be drawn), and why; the rest of the report
    stands.
    """

    jurisdiction: str
    year: int
    as_of: date
    lang: Lang
    generated_at: datetime
    evaluation: Report
    narrative: tuple[Text, ...]
    sections: tuple[ReportSection, ...]
    failures: tuple[HookFailure, ...]
    assessment: tuple[AssessmentRow, ...]
    obligations: Table
    figures: Mapping[str, Any]

    @property
    def title(self) -> Text:
        return Text(
            f"{self.jurisdiction}{self.year}年度老干部工作报告",
            f"{self.jurisdiction}: veteran cadre work in {self.year}",
        )

    @property
    def generated_text(self) -> str:
        """The generation time as the report prints it (ISO 8601, to the second)."""
        return self.generated_at.isoformat(timespec="seconds")
