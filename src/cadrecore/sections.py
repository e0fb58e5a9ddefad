"""A section of the annual report, as plain data every renderer (text, Markdown, HTML, xlsx)
can draw: paragraphs, tables and figures. Plugins contribute sections through the
``report_sections`` hook.

Plugins and the API reference know these as :mod:`cadrecore.reports.sections`, which offers
them. They live here, in the foundation, because two layers need them: the plugins' typed facade
(:class:`cadrecore.plugins.Hooks`) checks that a plugin returned sections, and it sits below the
reports whose renderers draw them. Imports nothing of cadrecore but ``i18n``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .i18n import Text

Cell = str | int | float | None
"""What a table cell holds: text, a number, or nothing (an empty cell)."""


@dataclass(frozen=True)
class Table:
    """A table of a report section: a title, column headings, rows of plain values (see
    :data:`Cell`). Every renderer draws it: a text or Markdown table, an HTML ``<table>``, a
    sheet of the xlsx workbook. A row with more or fewer cells than there are columns is a
    ``ValueError`` when the table is made.

    :param title: the table's caption, in both languages.
    :param columns: the column headings, in both languages.
    :param rows: the rows, each a tuple of one cell per column.

    ```python
    from cadrecore import Text
    from cadrecore.reports.sections import Table

    visits = Table(
        title=Text("各县走访慰问", "Visits by county"),
        columns=(Text("县", "county"), Text("走访人次", "visits")),
        rows=(("岢岚县", 120), ("原平市", 95)),
    )
    assert len(visits.rows[0]) == len(visits.columns)
    ```
    """

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
    """A simple chart of a report section, drawn by the HTML renderer as an inline SVG (no
    script, no network) and listed as figures by the text ones.

    :param title: the chart's caption, in both languages.
    :param kind: ``bar``, ``pie`` or ``line``.
    :param labels: one label per value (a county, a quarter...).
    :param values: the values, in the order of ``labels``.

    ```python
    from cadrecore import Text
    from cadrecore.reports.sections import Chart

    chart = Chart(Text("服务人次", "Services"), "bar", ("岢岚县", "原平市"), (120.0, 95.0))
    assert dict(zip(chart.labels, chart.values))["原平市"] == 95.0
    ```
    """

    title: Text
    kind: str
    labels: tuple[str, ...]
    values: tuple[float, ...]


@dataclass(frozen=True)
class ReportSection:
    """One section of the annual report, as plain data: what a plugin's ``report_sections``
    hook returns, and what every renderer (text, Markdown, HTML, xlsx, JSON) draws.

    :param key: the section's stable key (``art_academy.enrolment``); a plugin that declares
        its ``NAMESPACE`` writes one word (``enrolment``) and the host qualifies it.
    :param title: the section's heading, in both languages.
    :param order: where it goes among the sections, lowest first (the built-ins use
        multiples of 10; the default, 100, puts a plugin's section after theirs).
    :param paragraphs: paragraphs of text, in both languages.
    :param tables: its tables (:class:`Table`).
    :param charts: its charts (:class:`Chart`).
    :param plugin: the plugin that contributed it (set by the host, not by the plugin).

    A department's section, from its plugin:

    ```python
    from cadrecore import Text, hookimpl
    from cadrecore.reports.sections import ReportSection, Table


    class ArtAcademy:
        @hookimpl
        def report_sections(self, ledger, report, lang):
            enrolled = len(ledger.service_records)
            return [
                ReportSection(
                    key="art_academy.enrolment",
                    title=Text("老年大学", "The art academy"),
                    paragraphs=(Text(f"共 {enrolled} 人次。", f"{enrolled} in all."),),
                    tables=(
                        Table(Text("报名", "Enrolment"), (Text("人次", "count"),), ((enrolled,),)),
                    ),
                )
            ]
    ```
    """

    key: str
    title: Text
    order: int = 100
    paragraphs: tuple[Text, ...] = ()
    tables: tuple[Table, ...] = ()
    charts: tuple[Chart, ...] = ()
    plugin: str = field(default="", compare=False)
