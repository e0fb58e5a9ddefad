"""The annual report as JSON: a stable, documented document (see docs/report.md).

Words are in the report's language (``lang``); keys, codes and ids never change with it. The
evaluation is the check report's own JSON (``cadrecore check --format json``) without its
``occurrences``, which the assessment and the sections already summarize.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import orjson

from ..i18n import Lang
from .document import AnnualReport
from .labels import cell_text
from .sections import Cell, Chart, ReportSection, Table

FORMAT = "cadrecore.annual_report"
FORMAT_VERSION = 1


def _cell(value: Cell) -> Cell:
    return value if value is None or isinstance(value, str | int | float) else cell_text(value)


def table_dict(table: Table, lang: Lang) -> dict[str, Any]:
    return {
        "title": table.title(lang),
        "columns": [c(lang) for c in table.columns],
        "rows": [[_cell(c) for c in row] for row in table.rows],
    }


def chart_dict(chart: Chart, lang: Lang) -> dict[str, Any]:
    return {
        "title": chart.title(lang),
        "kind": chart.kind,
        "labels": list(chart.labels),
        "values": list(chart.values),
    }


def section_dict(section: ReportSection, lang: Lang) -> dict[str, Any]:
    return {
        "key": section.key,
        "title": section.title(lang),
        "order": section.order,
        "plugin": section.plugin,
        "paragraphs": [p(lang) for p in section.paragraphs],
        "tables": [table_dict(t, lang) for t in section.tables],
        "charts": [chart_dict(c, lang) for c in section.charts],
    }


def annual_dict(annual: AnnualReport) -> dict[str, Any]:
    """The report as JSON-ready data, in the documented order."""
    lang = annual.lang
    evaluation = annual.evaluation.to_dict(lang, occurrences=False)
    del evaluation["occurrences"]  # (left out, not null: the document never had them)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "jurisdiction": annual.jurisdiction,
        "year": annual.year,
        "as_of": annual.as_of.isoformat(),
        "generated_at": annual.generated_text,
        "lang": lang,
        "title": annual.title(lang),
        "narrative": [p(lang) for p in annual.narrative],
        "sections": [section_dict(s, lang) for s in annual.sections],
        "failures": [asdict(f) for f in annual.failures],
        "assessment": [
            {
                **asdict(row),
                "due": row.due.isoformat() if row.due else None,
                "done_on": row.done_on.isoformat() if row.done_on else None,
                "findings": list(row.findings),
                "fixes": list(row.fixes),
            }
            for row in annual.assessment
        ],
        "obligations": table_dict(annual.obligations, lang),
        "figures": annual.figures,
        "evaluation": evaluation,
    }


def render_json(annual: AnnualReport) -> str:
    """The report as indented UTF-8 JSON, ending in a newline."""
    return dumps(annual_dict(annual))


#: orjson's options giving the standard library's ``json.dumps(..., indent=2)``: two spaces,
#: keys that are not text written as text, dates and dataclasses left to ``default`` (``str``)
_OPTIONS = (
    orjson.OPT_INDENT_2
    | orjson.OPT_NON_STR_KEYS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_APPEND_NEWLINE
)


def dumps(document: Any) -> str:
    """``document`` as ``json.dumps(document, ensure_ascii=False, indent=2, default=str)``
    writes it, and a newline, by orjson (the standard library's indented writer is Python, a
    fifth of the report's time at a province): the same text, except that a number with an
    exponent is written the shorter way (``1e-5``, not ``1e-05``) and a float that is not a
    number is ``null`` (the report has neither)."""
    return orjson.dumps(document, default=str, option=_OPTIONS).decode("utf-8")
