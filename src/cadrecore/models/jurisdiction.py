"""The jurisdiction a ledger describes: a city with its counties, or one county."""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

from .common import Name, Record, RecordId

#: A plugin's name or namespace, as a ledger names the plugins it uses.
PluginName = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z_][A-Za-z0-9_.\-]{0,99}$")
]


class Jurisdiction(Record):
    """Whose ledger this is: ``root_unit_id`` is the unit at the top of its tree.

    ``plugins`` names the plugins the ledger uses (by name or namespace), so that installing
    a plugin for one bureau changes no other ledger's results; None (the default): every
    plugin installed, as before. cadrecore's own are always used. Records of a service type
    whose plugin is not in use load unchecked (see ``Registry.for_ledger``).
    """

    id: RecordId
    name: Name
    root_unit_id: RecordId
    note: str = ""
    synthetic: bool = False
    plugins: tuple[PluginName, ...] | None = None
