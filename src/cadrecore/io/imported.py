"""What an import gives back: each record read and where it came from (:class:`Imported`), each
row rejected and why (:class:`Rejected`), a table's counts (:class:`TableSummary`), what the
files held (:class:`ReadResult`) and the outcome of an import (:class:`ImportOutcome`).

Plain data, below the steps that fill it (reading the files in :mod:`cadrecore.io.importing`,
merging in :mod:`cadrecore.io.merging`, the rejects file in :mod:`cadrecore.io.rejects`), which
:mod:`cadrecore.io.importing` offers. Layer: ``io``; it imports none of those modules, nor the
store, the reports or the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import LedgerError, Location, Problem
from ..ledger import Ledger
from .spreadsheet import (
    JURISDICTION,
    SourceRow,
    TablePlan,
)

if TYPE_CHECKING:
    from ..store import SaveResult


class Imported:
    """One record read from the files, and where it came from.

    ``location`` is given, or (a row of a sheet: ``source`` and ``plan``) worked out when first
    asked for: most rows' never is.
    """

    __slots__ = ("_location", "key", "kind", "plan", "record", "source")

    def __init__(
        self,
        kind: str,
        key: str,
        record: Any,
        location: Location | None = None,
        source: SourceRow | None = None,
        plan: TablePlan | None = None,
    ) -> None:
        self.kind = kind
        self.key = key
        self.record = record
        self._location = location
        self.source = source
        self.plan = plan

    @property
    def location(self) -> Location:
        location = self._location
        if location is None:
            source, plan = self.source, self.plan
            if source is None or plan is None:
                location = Location()
            else:
                table = plan.table
                location = Location(table.file, source.number, None, table.sheet)
            self._location = location
        return location

    def _fields(self) -> tuple[Any, ...]:
        return (self.kind, self.key, self.record, self.location, self.source, self.plan)

    def __eq__(self, other: object) -> bool:  # (as the dataclass it was compared)
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Imported)
        return self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"Imported(kind={self.kind!r}, key={self.key!r}, record={self.record!r}, "
            f"location={self.location!r}, source={self.source!r}, plan={self.plan!r})"
        )

    def locate(self, field_name: str | None) -> Location:
        if self.plan is not None and self.source is not None:
            return self.plan.location(self.source.number, field_name)
        location = self.location
        return Location(location.file, location.row, field_name, location.sheet, None)


@dataclass(slots=True)
class Rejected:
    """A row kept out of the ledger, with every reason (``source`` None: not from a sheet)."""

    problems: list[Problem]
    source: SourceRow | None = None


@dataclass
class TableSummary:
    """What became of one sheet (or CSV file)."""

    file: str
    sheet: str | None
    kind: str | None
    rows: int = 0
    accepted: int = 0
    rejected: int = 0
    ignored_columns: list[str] = field(default_factory=list)


@dataclass
class ReadResult:
    """Everything read from the files, before merging."""

    records: list[Imported] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    tables: list[TableSummary] = field(default_factory=list)
    plans: list[TablePlan] = field(default_factory=list)
    rows: int = 0

    @property
    def jurisdiction(self) -> Imported | None:
        return next((r for r in self.records if r.kind == JURISDICTION), None)


@dataclass
class ImportOutcome:
    """The outcome of an import.

    ``ledger`` is the merged ledger, None when the import failed (then nothing was, or will be,
    written). ``problems`` lists everything that went wrong, each with its location;
    ``rejected`` the rows kept out (with ``keep_good``, the others were imported); ``notes``
    what was left aside without being an error (a sheet without a header, a column that is
    not a field, a 合计 row); ``imported`` the records that went in, each with the row it came
    from; ``plans`` how each table was read (its columns, for ``--dry-run`` and a saved
    mapping). Counts are of records against the base ledger.
    """

    ledger: Ledger | None
    keep_good: bool
    rows: int = 0
    accepted: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    tables: list[TableSummary] = field(default_factory=list)
    inserted: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    rejects_files: list[Path] = field(default_factory=list)
    saved: SaveResult | None = None
    dry_run: bool = False
    imported: list[Imported] = field(default_factory=list)
    plans: list[TablePlan] = field(default_factory=list)

    def column_notes(self) -> list[Problem]:
        """The notes about columns (a heading not understood), which come before any row's."""
        return [n for n in self.notes if (n.code or "").startswith("column.")]

    @property
    def ok(self) -> bool:
        return self.ledger is not None

    def summary(self) -> dict[str, int]:
        """The counts shown at the end of an import."""
        return {
            "rows": self.rows,
            "accepted": self.accepted,
            "rejected": len(self.rejected),
            "inserted": sum(self.inserted.values()),
            "updated": sum(self.updated.values()),
            "unchanged": sum(self.unchanged.values()),
        }

    def error(self) -> LedgerError:
        """The problems as one error, to raise."""
        return LedgerError(self.problems, source="import")
