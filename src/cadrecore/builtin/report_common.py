"""What the annual report's built-in sections share: the row type, a section's occurrences
and findings by subject, a unit's name and a day as the tables show them.

Imports only the layers below the built-ins (the ledger, the rules' findings, the reports'
labels and sections); the sections' modules (:mod:`.report_orgs`, :mod:`.report_work`,
:mod:`.report_care`, :mod:`.report_findings`) import it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from ..i18n import Text
from ..ledger import Ledger
from ..reports.labels import NO_VALUE
from ..reports.sections import Cell
from ..rules.findings import Finding, Occurrence, Report

T = Text
Row = tuple[Cell, ...]


def occurrences_by_subject(report: Report, rule_key: str) -> dict[str, Occurrence]:
    """Occurrences of one built-in rule (``checklist.items``) by subject id."""
    return {o.subject.id: o for o in report.occurrences_of(f"builtin::{rule_key}")}


def findings_by_subject(report: Report) -> dict[tuple[str, str], list[Finding]]:
    found: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for f in report.findings:
        found[(f.subject.kind, f.subject.id)].append(f)
    return found


def unit_name(ledger: Ledger, unit_id: str | None) -> str:
    if unit_id is None:
        return NO_VALUE
    try:
        return ledger.unit(unit_id).name
    except KeyError:
        return unit_id


def iso(day: date | None) -> str:
    return day.isoformat() if day else NO_VALUE
