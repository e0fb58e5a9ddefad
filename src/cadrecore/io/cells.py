"""Turning record values into CSV cells and back, the same way for every kind."""

from __future__ import annotations

from typing import Any

from ..models.labels import zh_aliases

TRUE_WORDS = {"true", "yes", "y", "1", "是", "真", "√"}
FALSE_WORDS = {"false", "no", "n", "0", "否", "假", "×"}


def to_cell(value: Any) -> str:
    """One JSON-mode value as the text of a cell: lists joined by ``;``, None as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ";".join(to_cell(v) for v in value)
    return str(value)


def header_map(fields: dict[str, Any]) -> dict[str, str]:
    """Every accepted column name (English or Chinese) mapped to its field name."""
    names: dict[str, str] = {}
    for name in fields:
        names[name] = name
        for alias in zh_aliases(name):
            names[alias] = name
    return names


def normalize_bool_cell(text: str) -> Any:
    """Chinese and English yes/no words become booleans; anything else is left to validation."""
    lowered = text.strip().lower()
    if lowered in TRUE_WORDS:
        return True
    if lowered in FALSE_WORDS:
        return False
    return text
