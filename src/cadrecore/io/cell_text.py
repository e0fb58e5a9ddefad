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
"""

from __future__ import annotations

import re

#: First characters that make a spreadsheet treat a cell as a formula.
FORMULA_STARTS = frozenset("=+-@\t\r＝＋－＠")
QUOTE = "'"

_XML_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0d\x0e-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")
_XML_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def protect(text: str) -> str:
    """``text`` as a cell's content that no spreadsheet runs as a formula."""
    if text and (text[0] in FORMULA_STARTS or text[0] == QUOTE):
        return QUOTE + text
    return text


def unprotect(text: str) -> str:
    """The text :func:`protect` was given (a leading apostrophe taken off)."""
    return text[1:] if text.startswith(QUOTE) else text


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
    if text and (text[0] in FORMULA_STARTS or text[0] == QUOTE):
        return QUOTE + escaped
    return escaped


def from_sheet_text(text: str) -> str:
    """The string an .xlsx cell's text stands for (see :func:`to_sheet_text`)."""
    return xml_unescape(unprotect(text))
