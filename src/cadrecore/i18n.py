"""Bilingual text: every user-facing label and message carries zh-CN and English.

zh-CN is the default language. One run speaks one language: an explicit ``lang`` argument,
else the run's language set with :func:`set_lang` (the CLI sets it from ``--lang``, the
environment and the config file), else ``CADRECORE_LANG=en`` picks English.

Figures a clerk reads are written here too: :func:`percent` never rounds a rate up to 100% (or
down to 0%) while something is missing (or something is done).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Any, Literal

Lang = Literal["zh", "en"]

#: The environment variable that chooses the language (``en``; anything else: Chinese).
LANG_ENV = "CADRECORE_LANG"

_run_lang: Lang | None = None


def lang_of(text: str | None) -> Lang | None:
    """``"en"`` or ``"zh"`` for a language setting as people write it (``en``, ``en_US``,
    ``English``, ``zh``, ``zh-CN``, ``中文``), None when it names neither."""
    if text is None:
        return None
    word = text.strip().lower()
    if word.startswith("en"):
        return "en"
    if word.startswith(("zh", "cn", "chinese")) or word in ("中文", "汉语", "简体中文"):
        return "zh"
    return None


def set_lang(lang: Lang | None) -> None:
    """Make ``lang`` the language of this run (None: back to the environment's)."""
    global _run_lang
    _run_lang = lang


def _run_lang_now() -> Lang | None:
    """The language :func:`set_lang` chose (None: none), to put back after a run."""
    return _run_lang


def default_lang() -> Lang:
    """The run's language: the one :func:`set_lang` chose, else ``CADRECORE_LANG`` (``zh``
    unless it says ``en``)."""
    if _run_lang is not None:
        return _run_lang
    return "en" if os.environ.get(LANG_ENV, "zh").lower().startswith("en") else "zh"


def in_lang(value: str | Text, lang: Lang | None = None) -> str:
    """``value`` in ``lang`` (default: the run's language): a :class:`Text` picks its language;
    a plain string (a document's title, a name) is the same in both."""
    return value(lang) if isinstance(value, Text) else value


#: Places after the point of a percentage as shown.
PERCENT_PLACES = 1


def shown_ratio(ratio: float, places: int = PERCENT_PLACES) -> float:
    """``ratio`` as it is shown as a percentage with ``places`` decimals, cut rather than
    rounded: 0.9995 is 0.999 (99.9%), never 1.0 (100.0%) while something is missing. A
    workbook stores this value, so that its cell, formatted ``0.0%``, shows the very number
    the text does."""
    scale: int = 10 ** (places + 2)
    # (the small allowance keeps 0.29, which is 0.28999… in binary, at 29.0%)
    steps: int = math.floor(ratio * scale + 1e-9)
    if ratio < 1 and steps >= scale:
        steps = scale - 1
    return steps / scale


def percent(ratio: float | None, places: int = PERCENT_PLACES, *, none: str = "—") -> str:
    """``ratio`` as a percentage, as :func:`shown_ratio` cuts it: ``99.9%`` for 0.9995."""
    if ratio is None:
        return none
    return f"{shown_ratio(ratio, places) * 100:.{places}f}%"


@dataclass(frozen=True, slots=True)
class Text:
    """One piece of user-facing text in both languages."""

    zh: str
    en: str

    def __reduce__(self) -> tuple[Any, ...]:
        # (a slotted dataclass's own pickling is about 10x slower: see Occurrence.__reduce__)
        return (Text, (self.zh, self.en))

    def __call__(self, lang: Lang | None = None) -> str:
        return self.en if (lang or default_lang()) == "en" else self.zh

    def __str__(self) -> str:
        return self()

    def format(self, **values: object) -> Text:
        """Fill ``{name}`` placeholders in both languages."""
        return Text(self.zh.format(**values), self.en.format(**values))
