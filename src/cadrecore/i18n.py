"""Bilingual text: every user-facing label and message carries zh-CN and English.

zh-CN is the default language; ``CADRECORE_LANG=en`` (or an explicit ``lang`` argument) picks
English.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Literal

Lang = Literal["zh", "en"]


def default_lang() -> Lang:
    """The language chosen by ``CADRECORE_LANG`` (``zh`` unless it says ``en``)."""
    return "en" if os.environ.get("CADRECORE_LANG", "zh").lower().startswith("en") else "zh"


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
