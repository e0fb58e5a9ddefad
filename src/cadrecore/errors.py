"""The exceptions cadrecore raises to its users.

Each one says where (file, row, field) and what was expected, in zh-CN and English.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .i18n import Lang, Text, default_lang


@dataclass(frozen=True, slots=True)
class Location:
    """Where a value came from: a file, and within it a row (1-based, as an editor shows it).

    A spreadsheet also names the ``sheet`` and the ``column`` (its letter, ``C``); ``field`` is
    then the column's header as written there.
    """

    file: str | None = None
    row: int | None = None
    field: str | None = None
    sheet: str | None = None
    column: str | None = None

    def __str__(self) -> str:
        return self.render()

    def render(self, lang: Lang | None = None) -> str:
        """Where, in the run's language: ``花名册.xlsx 工作表“退休” 第 12 行 E 列“离退休/时间”``."""
        if (lang or default_lang()) == "en":
            parts = []
            if self.file:
                parts.append(self.file)
            if self.sheet:
                parts.append(f"sheet {self.sheet!r}")
            if self.row is not None:
                parts.append(f"row {self.row}")
            if self.column:
                parts.append(f"column {self.column}")
            if self.field:
                parts.append(f"field {self.field!r}")
            return ", ".join(parts) if parts else "<input>"
        zh = []
        if self.file:
            zh.append(self.file)
        if self.sheet:
            zh.append(f"工作表“{self.sheet}”")
        if self.row is not None:
            zh.append(f"第 {self.row} 行")
        if self.column and self.field:
            zh.append(f"{self.column} 列“{self.field}”")
        elif self.column:
            zh.append(f"{self.column} 列")
        elif self.field:
            zh.append(f"“{self.field}”")
        return " ".join(zh) if zh else "<输入>"

    def with_file(self, file: str | Path) -> Location:
        """The same place in another file: a location read before its file name was known."""
        return Location(str(file), self.row, self.field, self.sheet, self.column)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input: where it is and what was expected."""

    location: Location
    message: Text
    record_kind: str | None = None
    record_id: str | None = None
    #: A stable reason code (``value.not_understood``, ``row.total``...), for programs and tests.
    code: str | None = None

    def render(self, lang: Lang | None = None) -> str:
        """The problem as one line in ``lang`` (default: the run's language): the place, the
        record, then the message."""
        subject = ""
        if self.record_kind:
            subject = (
                f" [{self.record_kind}" + (f" {self.record_id}" if self.record_id else "") + "]"
            )
        if self.location == Location() and not subject:
            return self.message(lang)
        colon = ": " if (lang or default_lang()) == "en" else "："
        return f"{self.location.render(lang)}{subject}{colon}{self.message(lang)}"


class CadrecoreError(Exception):
    """Base of every error cadrecore raises on purpose.

    Its message may be a :class:`~cadrecore.i18n.Text` (``raise ScopeError(Text(zh, en))``, or
    a ``text`` attribute holding one): ``str(exc)`` then says it in the run's language *when it
    is shown*, not when it was raised, and :meth:`render` in the language asked. A subclass
    that words itself (:class:`LedgerError`) overrides :meth:`render`.
    """

    def render(self, lang: Lang | None = None) -> str:
        """The message in ``lang`` (default: the run's language)."""
        text = self.args[0] if len(self.args) == 1 else getattr(self, "text", None)
        if not isinstance(text, Text):
            text = getattr(self, "text", None)
        if isinstance(text, Text):
            return text(lang)
        return super().__str__()

    def __str__(self) -> str:
        return self.render()


class BilingualValueError(ValueError):
    """A value a model refuses, said in both languages, with a stable reason ``code``.

    Raised inside a pydantic validator, it reaches the user through the ``error`` of the
    ``value_error`` pydantic reports, so that an importer can show the run's language rather
    than the English ``str()``.
    """

    def __init__(self, message: Text, code: str = "value.invalid") -> None:
        super().__init__(message.en)
        self.message = message
        self.code = code


class UnknownKeyError(CadrecoreError, ValueError):
    """A vocabulary key (branch type, activity kind, ...) that no plugin registered."""


class DuplicateKeyError(CadrecoreError):
    """Two plugins registered the same key in one vocabulary."""


class PluginError(CadrecoreError):
    """A plugin misbehaved while it registered or ran; the message names the plugin."""


class LedgerError(CadrecoreError):
    """A ledger that does not hold together: every problem found, each with where it is."""

    def __init__(self, problems: Sequence[Problem], *, source: str | None = None) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.source = source
        super().__init__(self.render())

    def render(self, lang: Lang | None = None, *, limit: int = 50) -> str:
        lang = lang or default_lang()
        head = Text(
            f"账册有 {len(self.problems)} 处错误", f"the ledger has {len(self.problems)} problem(s)"
        )(lang)
        if self.source:
            head += f" ({self.source})"
        lines = [head + ":"]
        lines += [f"  - {p.render(lang)}" for p in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(f"  ... (+{len(self.problems) - limit})")
        return "\n".join(lines)
