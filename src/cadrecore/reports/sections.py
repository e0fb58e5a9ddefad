"""A section of the annual report, as plain data every renderer (text, Markdown, HTML, xlsx)
can draw: paragraphs, tables and figures. Plugins contribute sections through the
``report_sections`` hook.

This is where plugin authors import them from; they are defined in :mod:`cadrecore.sections`,
below the plugins' typed facade that checks what a plugin returned.
"""

from __future__ import annotations

from ..i18n import Text
from ..sections import Cell, Chart, ReportSection, Table

__all__ = ["Cell", "Chart", "ReportSection", "Table", "Text"]
