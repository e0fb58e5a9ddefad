"""A roster's import held to its key: what ``tests/test_roster_corpus.py`` checks for every
roster of the corpus, and ``tests/test_docs_import.py`` for the copies shipped in
``examples/rosters/``.

:func:`key_failures` returns what differs, one line each (empty when the import gives exactly
what the key says): imported rows and their fields, rejected rows and their reason codes,
skipped rows and their notes, column notes, whole-file problems, notes given once per import,
and no full ID number in any message.
"""

from __future__ import annotations

import re
from typing import Any

from .key import Roster

#: An 18-character ID number anywhere in a text.
FULL_ID = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")


def _where(source: Any) -> tuple[str | None, int | None]:
    if source is None:
        return ("<no source>", None)
    return (source.plan.table.sheet, source.number)


def _value(value: Any) -> Any:
    return getattr(value, "value", value)  # an enum by its value


def _messages(problem: Any) -> list[str]:
    return [problem.message.zh, problem.message.en]


def key_failures(roster: Roster, outcome: Any) -> list[str]:
    """Every way ``outcome`` (an :class:`~cadrecore.io.importing.ImportOutcome` of the file
    ``roster`` builds, imported with ``keep_good=True`` and ``unit=roster.unit``) differs from
    the roster's key."""
    imported: dict[tuple[str | None, int | None], Any] = {}
    failures: list[str] = []
    for item in outcome.imported:
        where = _where(item.source)
        if where in imported:
            failures.append(f"{where}: imported twice")
        imported[where] = item
    rejected = {_where(r.source): r for r in outcome.rejected}
    notes = list(outcome.notes)
    problems = list(outcome.problems)

    keyed = {(k.sheet, k.row): k for k in roster.rows}
    for key in roster.rows:
        where = (key.sheet, key.row)
        label = f"{key.sheet or ''} row {key.row} ({key.outcome} {key.code or ''})"
        if key.outcome == "imported":
            item = imported.get(where)
            if item is None:
                reasons = [
                    f"{getattr(p, 'code', None)}: {p.message.zh}"
                    for p in (rejected[where].problems if where in rejected else [])
                ]
                failures.append(f"{label}: not imported {reasons}")
                continue
            if item.kind != "cadres":
                failures.append(f"{label}: imported as {item.kind}")
            for name, expected in key.fields.items():
                actual = _value(getattr(item.record, name, "<no such field>"))
                if actual != expected:
                    failures.append(f"{label}: {name} is {actual!r}, expected {expected!r}")
        elif key.outcome == "rejected":
            if where in imported:
                failures.append(f"{label}: imported")
            entry = rejected.get(where)
            if entry is None:
                failures.append(f"{label}: not rejected")
                continue
            with_code = [p for p in entry.problems if getattr(p, "code", None) == key.code]
            if not with_code:
                codes = [getattr(p, "code", None) for p in entry.problems]
                failures.append(f"{label}: rejected for {codes}, expected {key.code}")
                continue
            text = " ".join(m for p in with_code for m in _messages(p))
            for part in key.message_has:
                if part not in text:
                    failures.append(f"{label}: the message lacks {part!r}: {text}")
            for part in key.message_lacks:
                if part and part in text:
                    failures.append(f"{label}: the message shows {part!r}")
            if key.same_id_as is not None and not re.search(
                rf"(?<![0-9]){key.same_id_as}(?![0-9])", with_code[0].message.zh
            ):
                failures.append(f"{label}: the message does not name row {key.same_id_as}")
        else:  # skipped, unread
            if where in imported:
                failures.append(f"{label}: imported")
            if where in rejected:
                failures.append(f"{label}: rejected")
            if key.outcome == "skipped" and not any(
                getattr(n, "code", None) == key.code
                and n.location.row == key.row
                and n.location.sheet == key.sheet
                for n in notes
            ):
                failures.append(f"{label}: no {key.code} note names it")

    # the key is complete: nothing imported or rejected that it does not list
    for where in imported:
        if where not in keyed or keyed[where].outcome != "imported":
            failures.append(f"{where}: imported, not in the key as imported")
    for where in rejected:
        if where not in keyed or keyed[where].outcome != "rejected":
            failures.append(f"{where}: rejected, not in the key as rejected")

    # column notes and problems: each once; no column taken for unknown that the key knows
    columnar = {id(p): p for p in notes + problems}.values()
    for code, heading in roster.column_notes:
        found = [p for p in columnar if getattr(p, "code", None) == code]
        count = sum(1 for p in found if p.location.field == heading)
        if count != 1:
            fields = [p.location.field for p in found]
            failures.append(f"{code} {heading!r}: {count} times (those given: {fields})")
    unknown = {p.location.field for p in columnar if getattr(p, "code", None) == "column.unknown"}
    expected_unknown = {h for c, h in roster.column_notes if c == "column.unknown"}
    if unknown != expected_unknown:
        failures.append(f"column.unknown for {unknown}, expected {expected_unknown}")
    for code in roster.file_problems:
        count = sum(1 for p in problems if getattr(p, "code", None) == code)
        if count != 1:
            failures.append(f"file problem {code}: {count} times")
    for code in roster.import_notes:
        count = sum(1 for n in notes if getattr(n, "code", None) == code)
        if count != 1:
            failures.append(f"note {code}: {count} times, expected once per import")

    # personal data: no message shows a whole ID number
    everything = notes + problems + [p for r in outcome.rejected for p in r.problems]
    for problem in everything:
        for message in _messages(problem):
            if FULL_ID.search(message):
                failures.append(f"a full ID number in {getattr(problem, 'code', None)}: {message}")

    return failures


__all__ = ["FULL_ID", "key_failures"]
