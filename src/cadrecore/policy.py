"""Fixed policy values used by the models themselves, each with its source and the date it holds from.

Rule thresholds that change over time live in :mod:`cadrecore.rules.parameters`; this module
holds the few values that decide whether a *single record* is valid at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class FixedParameter(Generic[T]):
    """A value that a record's own validation depends on, with where it comes from."""

    key: str
    value: T
    holds_from: date
    source: str

    def value_on(self, day: date) -> T:
        # These values do not change; the method keeps the call shape of dated parameters.
        del day
        return self.value


LIXIU_CUTOFF: FixedParameter[date] = FixedParameter(
    key="cadre.lixiu_joined_by",
    value=date(1949, 9, 30),
    holds_from=date(1982, 4, 10),
    source="国务院关于老干部离职休养的暂行规定 (1980) / 中共中央关于建立老干部退休制度的决定 (1982): "
    "离休 applies to those who joined revolutionary work on or before 1949-09-30",
)
