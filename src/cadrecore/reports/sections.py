"""A section of the annual report, as plain data every renderer (text, Markdown, HTML, xlsx)
can draw: paragraphs, tables and figures. Plugins contribute sections through the
``report_sections`` hook."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..i18n import Text

Cell = str | int | float | None


@dataclass(frozen=True)
class Table:
    """A table: a title, column headings, rows of plain values."""

    title: Text
    columns: tuple[Text, ...]
    rows: tuple[tuple[Cell, ...], ...]

    def __post_init__(self) -> None:
        for row in self.rows:
            if len(row) != len(self.columns):
                raise ValueError(
                    f"table {self.title.en!r}: a row has {len(row)} cells for {len(self.columns)} columns"
                )


@dataclass(frozen=True)
class Chart:
    """A simple chart: ``kind`` is ``bar``, ``pie`` or ``line``; one value per label."""

    title: Text
    kind: str
    labels: tuple[str, ...]
    values: tuple[float, ...]


@dataclass(frozen=True)
class ReportSection:
    """One section of the annual report. ``order`` places it (built-ins use multiples of 10)."""

    key: str
    title: Text
    order: int = 100
    paragraphs: tuple[Text, ...] = ()
    tables: tuple[Table, ...] = ()
    charts: tuple[Chart, ...] = ()
    plugin: str = field(default="", compare=False)
