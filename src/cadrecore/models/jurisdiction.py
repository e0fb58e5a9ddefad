"""The jurisdiction a ledger describes: a city with its counties, or one county."""

from __future__ import annotations

from .common import Name, Record, RecordId


class Jurisdiction(Record):
    """Whose ledger this is: ``root_unit_id`` is the unit at the top of its tree."""

    id: RecordId
    name: Name
    root_unit_id: RecordId
    note: str = ""
    synthetic: bool = False
