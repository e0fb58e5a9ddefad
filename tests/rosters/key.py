"""The key of a roster: what importing it must give, row by row."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

Outcome = Literal["imported", "rejected", "skipped", "unread"]


@dataclass(frozen=True)
class RowKey:
    """What becomes of one row of the file.

    ``row`` is the sheet's row number (1-based, as Excel shows it; for a CSV, the line number,
    the heading being line 1); ``sheet`` is None for a CSV.

    - ``imported``: a cadre whose fields include ``fields`` (enum fields by their ``.value``);
    - ``rejected``: kept out, ``code`` among its problems' codes; the message of the problem
      with that code contains every string of ``message_has`` and none of ``message_lacks``,
      and names row ``same_id_as`` (the earlier row holding the same ID number);
    - ``skipped``: not data, neither imported nor rejected, and a note with ``code`` names it;
    - ``unread``: a data row left unread because the file has a problem (``file_problems``).

    ``written_name`` is the 姓名 cell exactly as written ("" when empty, None on rows that are
    no cadre's): the corpus's own sanity tests read it back.
    """

    sheet: str | None
    row: int
    outcome: Outcome
    code: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    written_name: str | None = None
    message_has: tuple[str, ...] = ()
    message_lacks: tuple[str, ...] = ()
    same_id_as: int | None = None


@dataclass(frozen=True)
class Roster:
    """One file as a bureau sends it, and its key.

    ``path_suffix`` is the file's name within the folder ``build`` writes into (its suffix
    says the format); ``unit`` is the ``unit`` to import with (``--unit``); ``column_notes``
    are (code, heading as written) for the column notes the import must give, once each;
    ``file_problems`` the codes of whole-file problems (once each); ``import_notes`` the codes
    of notes given once per import (``birth.month_from_id``); ``encoding`` is the CSV's
    (None for workbooks); ``features`` says which layout traits the file shows, for the
    sanity tests to check.
    """

    name: str
    path_suffix: str
    build: Callable[[Path], Path]
    unit: str | None
    rows: list[RowKey]
    column_notes: list[tuple[str, str]] = field(default_factory=list)
    file_problems: list[str] = field(default_factory=list)
    import_notes: list[str] = field(default_factory=list)
    encoding: str | None = None
    features: frozenset[str] = frozenset()
    summary: str = ""
