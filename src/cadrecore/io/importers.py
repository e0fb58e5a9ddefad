"""Importers: what a ``register_importers`` plugin hands back when it reads a file."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import Problem
from ..models import Record


@dataclass
class ImportBatch:
    """Records read from one file, by record kind (``"cadres"``), and the rows that failed."""

    records: dict[str, list[Record]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def add(self, kind: str, record: Record) -> None:
        self.records.setdefault(kind, []).append(record)

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.records.values())
