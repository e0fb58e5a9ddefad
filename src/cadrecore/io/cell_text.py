"""Text in spreadsheet cells, written so that no spreadsheet runs it and read back exactly.

Formula injection: a cell whose text begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return (or their full-width forms ``＝＋－＠``) is a formula to Excel, LibreOffice and Google
Sheets once someone edits the cell or opens the CSV. cadrecore writes such text with a leading
apostrophe (``'=1+1``), as OWASP advises: every reader shows it as text, and the text survives
a copy into CSV. To read it back exactly, an apostrophe that begins a cell's text is taken off,
and text that itself begins with an apostrophe gets one more when written (``'abc`` is written
``''abc``). So :func:`unprotect` (:func:`protect` (text)) is ``text`` for every string.

Characters XML cannot hold (control characters) and the carriage return (which XML turns into a
line feed) are written in the ``_xHHHH_`` form Excel itself uses, and a literal ``_xHHHH_`` has
its underscore written ``_x005F_``, again as Excel does; :func:`xml_unescape` undoes both.

Zero-width characters at either end (``\ufeff``, ``\u200b``...): a roster's importer takes them
off, as stray characters copied in from elsewhere. A ledger's export must give its text back
exactly, so it writes such text with the same leading apostrophe (:func:`exact_sheet_text`); the
reader gives it back as :class:`ExactText`, which tells the importer not to clean it. Text
written by the other writers (a rejects file holds a clerk's cells as typed) is not marked, and
is cleaned when read again.
"""

from __future__ import annotations

import re

#: First characters that make a spreadsheet treat a cell as a formula.
FORMULA_STARTS = frozenset("=+-@\t\r＝＋－＠")
QUOTE = "'"
#: Characters no one sees, which a roster's importer takes off both ends of a cell's text.
ZERO_WIDTH = "\u200b\u200c\u200d\ufeff"

_XML_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0d\x0e-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")
_XML_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def protect(text: str) -> str:
    """``text`` as a cell's content that no spreadsheet runs as a formula."""
    return QUOTE + text if _formula_like(text) else text


def _formula_like(text: str) -> bool:
    """Whether ``text`` is written with a leading apostrophe (see the module's docstring)."""
    return bool(text) and (text[0] in FORMULA_STARTS or text[0] == QUOTE)


def unprotect(text: str) -> str:
    """The text :func:`protect` was given (a leading apostrophe taken off; an
    :class:`ExactText` when it begins or ends with a zero-width character)."""
    return _exact_if_trimmed(text[1:]) if text.startswith(QUOTE) else text


def xml_escape(text: str) -> str:
    """``text`` with what XML cannot keep written as ``_xHHHH_``."""
    if text.isprintable() and "_x" not in text:
        return text
    return _XML_BAD.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text)


def xml_unescape(text: str) -> str:
    """Undo :func:`xml_escape` (and Excel's own ``_xHHHH_`` escapes)."""
    if "_x" not in text:
        return text
    return _XML_ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)


def to_sheet_text(text: str) -> str:
    """A string as an .xlsx cell holds it: escaped for XML and protected from formulas (judged
    by the string's own first character, so that ``\r=1`` is protected too)."""
    escaped = xml_escape(text)
    return QUOTE + escaped if _formula_like(text) else escaped


def from_sheet_text(text: str) -> str:
    """The string an .xlsx cell's text stands for (see :func:`to_sheet_text`): an
    :class:`ExactText` when :func:`exact_sheet_text` wrote it so."""
    if text.startswith(QUOTE):
        return _exact_if_trimmed(xml_unescape(text[1:]))
    return xml_unescape(text)


class ExactText(str):
    """Text a ledger's export wrote to come back exactly as it is: an importer uses it as it
    stands, without taking zero-width characters off its ends as it does from a roster's cells.

    It is a ``str`` in every other way. :func:`from_sheet_text` and :func:`unprotect` give one
    for a protected cell (a leading apostrophe) whose text begins or ends with a character of
    :data:`ZERO_WIDTH`: what :func:`exact_sheet_text` writes. (A rejects file protects only
    text that begins like a formula: a clerk's cell that does and also ends with a zero-width
    character keeps it when the rejects file is imported, as the two cannot be told apart.)
    """

    __slots__ = ()


def has_trimmed_ends(text: str) -> bool:
    """Whether a roster's importer would take characters off ``text``'s ends (zero-width ones;
    spaces it takes too, but every model strips those itself)."""
    return bool(text) and (text[0] in ZERO_WIDTH or text[-1] in ZERO_WIDTH)


def exact_sheet_text(text: str) -> str:
    """A string as a ledger's export writes it in an .xlsx cell: as :func:`to_sheet_text`, and
    protected also when it begins or ends with a zero-width character, so that reading it back
    (:func:`from_sheet_text`) gives the same string and not a cleaned one."""
    if has_trimmed_ends(text) and not _formula_like(text):
        return QUOTE + xml_escape(text)
    return to_sheet_text(text)


def _exact_if_trimmed(text: str) -> str:
    return ExactText(text) if has_trimmed_ends(text) else text
