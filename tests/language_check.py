"""Detectors for "one language per run": a message shown in English holds no Chinese, and a
message shown in Chinese holds no English sentence, data aside.

Use them on whatever a run shows (a rendered problem, a finding's message, a command's output)::

    from .language_check import chinese_in, data_strings, english_in   # (tests is a package)

    allowed = data_strings(ledger)                 # names, titles, places: the ledger's own words
    assert chinese_in(text_en, allowed) == []      # English: no CJK outside the data
    assert english_in(text_zh, allowed) == []      # Chinese: no run of 3+ English words

Each returns what it found (empty when the text is clean), so that an assertion's message
shows the offending pieces:

- :func:`chinese_in` ``(text, allowed=())``: the runs of CJK characters (and full-width
  punctuation) in ``text`` that are not inside one of the ``allowed`` strings.
- :func:`english_in` ``(text, allowed=(), *, words=3)``: the runs of ``words`` or more English
  words in ``text``. A word is letters only (an apostrophe inside: ``don't``); identifiers are
  not words and break a run: rule ids (``builtin::branch.x``), options (``--lang``), paths and
  file names (``a/b.csv``), URLs, field and key names (``birth_date``, ``art_academy``), codes
  (``id.check_char``), quoted keys (``'tuixiu'``) and the acronyms in :data:`ACRONYMS`.
  ``allowed`` strings are removed first.
- :func:`data_strings` ``(ledger)``: every string a ledger's records hold (their values, not
  their field names), the ``allowed`` set for texts that quote the data.
- :func:`split_lines` ``(text)``: a text's non-empty lines (a report or a command's output).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

#: Acronyms and units that stand in Chinese text as they are (``CSV 格式错误``).
ACRONYMS = frozenset(
    {
        "CSV", "YAML", "JSON", "HTML", "XLSX", "UTF", "SQL", "SQLite", "PostgreSQL", "ID", "CLI",
        "URL", "PDF", "NUL", "CPPCC", "OK", "Markdown", "PID", "CPU", "GB", "MB", "KB", "API",
    }
)  # fmt: skip

_CJK = re.compile(
    r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\u201c\u201d]+"
)
#: Things that are not words: URLs, options, rule ids, paths, dotted or snake_case names,
#: words with digits, quoted keys, e-mail addresses.
_IDENTIFIER = re.compile(
    r"""
      https?://\S+
    | (?<![\w-])--?[A-Za-z][\w-]*
    | [\w.-]*::[\w.:-]+
    | [\w.~-]*[/\\][\w./\\~-]*
    | \w+(?:[._:@]\w+)+
    | \w*_\w*
    | \w*\d\w*
    | '[^'\s]{1,40}'
    | `[^`]*`
    | \S+@\S+
    """,
    re.VERBOSE,
)
_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
#: What may stand between two words of one sentence (spaces, a comma, hyphen, parentheses).
_GLUE = re.compile(r"[\s,;:()\-]*")


_PARTS = re.compile(r"[;；、,，|:：=]")


def _without(text: str, allowed: Iterable[str]) -> str:
    """``text`` with each allowed string in it taken out (the longest first)."""
    for value in sorted({a for a in allowed if a and a in text}, key=len, reverse=True):
        text = text.replace(value, " \x00 ")
    return text


def chinese_in(text: str, allowed: Iterable[str] = ()) -> list[str]:
    """The runs of Chinese (CJK characters, full-width punctuation and the quotes “ ”) in
    ``text`` once the ``allowed`` strings (data values) are taken out. (An ellipsis or a
    dash is English too.)"""
    found = _CJK.findall(text)
    return _CJK.findall(_without(text, allowed)) if found and allowed else found


def english_in(text: str, allowed: Iterable[str] = (), *, words: int = 3) -> list[str]:
    """The runs of ``words`` or more English words in ``text`` once the ``allowed`` strings
    and identifiers (see the module's docstring) are taken out."""
    found = _english_runs(text, words)
    return _english_runs(_without(text, allowed), words) if found and allowed else found


def _english_runs(text: str, words: int) -> list[str]:
    text = _IDENTIFIER.sub(" \x00 ", text)
    found: list[str] = []
    run: list[str] = []
    end = 0
    for match in _WORD.finditer(text):
        word = match.group()
        glued = _GLUE.fullmatch(text[end : match.start()]) is not None
        if word in ACRONYMS or (len(word) == 1 and word not in ("a", "A", "I")):
            glued = False
            word = ""
        if run and not glued:
            if len(run) >= words:
                found.append(" ".join(run))
            run = []
        if word:
            run.append(word)
        end = match.end()
    if len(run) >= words:
        found.append(" ".join(run))
    return found


def data_strings(ledger: Any) -> set[str]:
    """Every string value a ledger's records hold (and the jurisdiction's), with the parts
    of list-valued fields: what a message may quote as data in either language."""
    from cadrecore.models import RECORD_KINDS

    found: set[str] = set()

    def collect(value: Any) -> None:
        if isinstance(value, str):
            if value.strip():
                found.add(value)
                # (a cell may list several values: "书法;绘画", "阿司匹林:2024-03-01")
                found.update(p.strip() for p in _PARTS.split(value) if p.strip())
        elif isinstance(value, dict):
            for item in value.values():
                collect(item)
        elif isinstance(value, list | tuple):
            for item in value:
                collect(item)

    collect(ledger.jurisdiction.model_dump(mode="json"))
    for kind in RECORD_KINDS:
        for record in ledger.records(kind.name):
            collect(record.model_dump(mode="json"))
    return found


def split_lines(text: str) -> list[str]:
    """The non-empty lines of ``text``, stripped."""
    return [line.strip() for line in text.splitlines() if line.strip()]
