"""How wide text is drawn: wide and full-width characters (Chinese) take two columns of a
terminal, one em of a chart, where a Latin letter or digit takes one column, about 0.6 em.

Holds :func:`display_width` and :func:`wide_characters`; imports nothing of cadrecore.
"""

from __future__ import annotations

import unicodedata
from functools import cache, lru_cache


def wide_characters(text: str) -> int:
    """How many of ``text``'s characters are wide or full-width (East Asian width W or F)."""
    if text.isascii():  # (numbers, most cells)
        return 0
    return sum(map(_wide, text))


@lru_cache(maxsize=65536)
def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide and full-width characters take two."""
    return len(text) + wide_characters(text)


@cache
def _wide(ch: str) -> int:
    return 1 if unicodedata.east_asian_width(ch) in "WF" else 0
