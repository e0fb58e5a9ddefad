"""What county rosters (花名册) write, and what it means: the words clerks use for a cadre's
closed fields, the rows under a roster that are not cadres, and the county a roster is about.

Bureaus write 政治面貌 as 中共党员 or 九三学社社员, 离退休类别 as 退休干部 or ``退 休``, and end a
sheet with a 合计 row and 填表人 lines. This module knows those words; :mod:`.spreadsheet` uses
it while it reads a roster's rows. Nothing here reads files.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..i18n import Text
from ..ledger import Ledger
from .dates import CellError, short

# =============================================================================================
# Words for closed fields
# =============================================================================================

#: The eight democratic parties, as a member is written on a roster, with their short names.
DEMOCRATIC_PARTIES: dict[str, tuple[str, ...]] = {
    "民革党员": ("民革", "民革会员", "中国国民党革命委员会"),
    "民盟盟员": ("民盟", "中国民主同盟"),
    "民建会员": ("民建", "中国民主建国会"),
    "民进会员": ("民进", "中国民主促进会"),
    "农工党党员": ("农工党", "中国农工民主党"),
    "致公党党员": ("致公党", "中国致公党"),
    "九三学社社员": ("九三学社",),
    "台盟盟员": ("台盟", "台湾民主自治同盟"),
}
NON_PARTY = "无党派人士"


@dataclass(frozen=True)
class Vocabulary:
    """The words a roster column's cells may hold, each to the field values it stands for.

    ``accepted`` is what a rejection lists, in Chinese and English.
    """

    heading: Text
    words: dict[str, dict[str, Any]]
    accepted: Text

    def read(self, value: Any) -> dict[str, Any]:
        """The field values ``value`` stands for; :class:`CellError` if it is not understood."""
        found = self.words.get(normalize_word(value))
        if found is None:
            raise CellError(
                Text(
                    f"不能识别的{self.heading.zh}“{short(value)}”：应为 {self.accepted.zh}",
                    f"{self.heading.en} {short(value)!r} is not understood: expected "
                    f"{self.accepted.en}",
                ),
                "value.not_understood",
            )
        return found


def normalize_word(value: Any) -> str:
    """A cell's word as looked up: NFKC, no spaces anywhere (``退 休`` is 退休), lower case."""
    text = unicodedata.normalize("NFKC", str(value))
    return "".join(text.split()).lower()


def _words(table: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {normalize_word(word): values for word, values in table.items()}


def _party_words() -> dict[str, dict[str, Any]]:
    member = {"party_status": "full", "other_party": ""}
    probationary = {"party_status": "probationary", "other_party": ""}
    none = {"party_status": None, "other_party": ""}
    table: dict[str, dict[str, Any]] = {}
    for word in ("中共党员", "党员", "中国共产党党员", "共产党员", "正式党员", "中共正式党员"):
        table[word] = member
    for word in ("中共预备党员", "预备党员"):
        table[word] = probationary
    for word in ("群众", "非党员", "无"):
        table[word] = none
    for word in ("无党派人士", "无党派"):
        table[word] = {"party_status": None, "other_party": NON_PARTY}
    for name, others in DEMOCRATIC_PARTIES.items():
        for word in (name, *others):
            table[word] = {"party_status": None, "other_party": name}
    # under 是否党员, and the English keys the ledger folder uses
    table |= {"是": member, "否": none, "full": member, "probationary": probationary}
    return _words(table)


PARTY = Vocabulary(
    Text("政治面貌", "party status"),
    _party_words(),
    Text(
        "中共党员、中共预备党员、群众、无党派人士，或民主党派成员（"
        + "、".join(DEMOCRATIC_PARTIES)
        + "）；“是否党员”列填 是 或 否",
        "中共党员, 中共预备党员, 群众, 无党派人士 or a democratic party's member ("
        + ", ".join(DEMOCRATIC_PARTIES)
        + "); 是 or 否 under 是否党员",
    ),
)
RETIREMENT = Vocabulary(
    Text("离退休类型", "retirement kind"),
    _words(
        {
            **{w: {"retirement_kind": "lixiu"} for w in ("离休", "离休干部", "离休人员", "lixiu")},
            **{
                w: {"retirement_kind": "tuixiu"} for w in ("退休", "退休干部", "退休人员", "tuixiu")
            },
        }
    ),
    Text("离休 或 退休（也可写 离休干部、退休干部）", "离休 or 退休 (or 离休干部, 退休干部)"),
)
GENDER = Vocabulary(
    Text("性别", "sex"),
    _words(
        {
            **{w: {"gender": "男"} for w in ("男", "男性", "male", "m")},
            **{w: {"gender": "女"} for w in ("女", "女性", "female", "f")},
        }
    ),
    Text("男 或 女", "男 or 女"),
)
#: The fields whose cells are read by a vocabulary (a 政治面貌 cell sets two fields).
VOCABULARIES: dict[str, Vocabulary] = {
    "party_status": PARTY,
    "retirement_kind": RETIREMENT,
    "gender": GENDER,
}

# =============================================================================================
# Rows that are not records
# =============================================================================================

_TOTAL = re.compile(r"^(合计|总计|小计|共计)")
_SIGNATURE = re.compile(
    r"^(填表人|填报人|审核人|制表人?|负责人|单位负责人|联系人|备注|说明|注)[:：]|^(填表人|审核人|制表人?)"
)
#: Reason codes of rows passed over, and how a note says it.
SKIPPED: dict[str, Text] = {
    "row.blank": Text("空行，已跳过", "a blank row, skipped"),
    "row.total": Text("合计行，已跳过（不是老干部记录）", "a total row, skipped (not a record)"),
    "row.signature": Text(
        "填表人、审核人或备注行，已跳过", "a signature or note line, skipped (not a record)"
    ),
    "row.repeated_header": Text("重复的表头行，已跳过", "the heading repeated, skipped"),
    "row.column_numbers": Text("列序号行，已跳过", "a row numbering the columns, skipped"),
}


#: What the cells that begin a 合计 row or a 填表人 line begin with (once normalized).
_SKIP_STARTS = frozenset("合总小共填审制负单联备说注")


def skipped_row(cells: list[Any]) -> str | None:
    """Why a row under the heading is no record (a code of :data:`SKIPPED`), or None."""
    filled: list[Any] = []
    for cell in cells:
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            continue
        filled.append(cell)
        if len(filled) == 3:
            break
    if not filled:
        return "row.blank"
    # A cell begins none of those words if it is a number, or text that begins with an ASCII
    # character or with an ideograph other than theirs (NFKC leaves both as they are and
    # composes no ideograph with what follows): then it needs no normalizing.
    for cell in filled:
        if type(cell) is str:
            first = cell.lstrip()[0]
            if first.isascii() or ("\u4e00" <= first <= "\u9fff" and first not in _SKIP_STARTS):
                continue
        elif isinstance(cell, int | float):
            continue
        break
    else:
        return None  # (most rows: no cell needs a closer look)
    words = [normalize_word(c) for c in filled]
    if any(_TOTAL.match(word) for word in words):
        return "row.total"
    if _SIGNATURE.match(words[0]):
        return "row.signature"
    return None


def plainly_data(cells: list[Any]) -> bool:
    """True if a row under the heading is plainly data: not blank, no row :func:`skipped_row`
    names, and no row :func:`is_column_numbers` finds (False says "look closer", not "no data").

    The common case, a row of text (a CSV file's) whose first filled cells begin with an ASCII
    character or an ideograph that begins no 合计 or 填表人 word, and one of them with a letter or
    an ideograph (no number then): the checks' own answers for such a row, in one pass.
    """
    filled = 0
    numbered = True  # (until a cell begins with a letter or an ideograph)
    for cell in cells:
        if type(cell) is not str:
            return False
        if not cell:
            continue
        first = cell[0]
        if first.isascii():
            if first.isspace():
                return False
            if numbered and first.isalpha():
                numbered = False
        elif "\u4e00" <= first <= "\u9fff" and first not in _SKIP_STARTS:
            numbered = False
        else:
            return False
        filled += 1
        if filled == 3:
            break
    return not numbered


def is_column_numbers(cells: list[Any]) -> bool:
    """A row under the heading that numbers the columns: 1, 2, 3 … (or (1), ①…)."""
    numbers: list[int] = []
    for cell in cells:
        if type(cell) is str and cell.isdigit() and cell.isascii():
            numbers.append(int(cell))  # (digits as they are: what normalizing them gives)
            continue
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            continue
        if type(cell) is str and cell.isascii():
            # what normalize_word gives ASCII text, but in lower case (no digit has a case)
            text = "".join(cell.split()).strip("()")
        else:
            text = normalize_word(cell).strip("()")
        if isinstance(cell, float) and cell.is_integer():
            text = str(int(cell))
        if not text.isdigit():
            return False
        numbers.append(int(text))
    return len(numbers) >= 3 and numbers == list(range(numbers[0], numbers[0] + len(numbers)))


# =============================================================================================
# The county a roster is about
# =============================================================================================

#: Words in the lines above the heading that say who filed the roster.
FILER_WORDS = ("填报单位", "报送单位", "单位名称", "填表单位")


class Counties:
    """The counties of a ledger by name, to find the one a roster, or a row, is about."""

    def __init__(self, ledger: Ledger | None) -> None:
        self.by_id: dict[str, str] = {}
        self.parents: dict[str, str | None] = {}
        self.levels: dict[str, str] = {}
        names: dict[str, str] = {}
        for unit in ledger.units if ledger is not None else ():
            self.parents[unit.id] = unit.parent_id
            self.levels[unit.id] = unit.level.value
            names[unit.id] = "".join(unit.name.split())
        for unit_id, level in self.levels.items():
            parent = self.parents[unit_id]
            # a county is a county-level unit not inside another (its bureau is inside it)
            if level == "county" and (parent is None or self.levels.get(parent) != "county"):
                self.by_id[unit_id] = names[unit_id]

    def county_of(self, unit_id: str) -> str | None:
        """The county ``unit_id`` is, or is in (None for a city's or province's unit)."""
        seen: set[str] = set()
        current: str | None = unit_id
        while current is not None and current not in seen:
            if current in self.by_id:
                return current
            seen.add(current)
            current = self.parents.get(current)
        return None

    def named_in(self, text: str) -> list[str]:
        """The counties whose names ``text`` holds (保德县交通局: xz.baode)."""
        compact = "".join(unicodedata.normalize("NFKC", text).split())
        return [cid for cid, name in self.by_id.items() if name and name in compact]

    def names(self, ids: Iterable[str]) -> str:
        return "、".join(f"{self.by_id[i]}（{i}）" for i in ids)


def filer_text(preamble: list[list[Any]]) -> str | None:
    """The 填报单位 in the lines above a roster's heading (``填报单位：保德县委老干部局``)."""
    for cells in preamble:
        for cell in cells:
            if not isinstance(cell, str):
                continue
            text = "".join(unicodedata.normalize("NFKC", cell).split())
            for word in FILER_WORDS:
                if text.startswith(word):
                    return text[len(word) :].lstrip(":：")
    return None


def title_text(preamble: list[list[Any]]) -> str:
    """The text of the title rows above a roster's heading, each distinct cell once."""
    seen: list[str] = []
    for cells in preamble:
        for cell in cells:
            if isinstance(cell, str) and cell.strip() and cell not in seen:
                seen.append(cell)
    return " ".join(seen)


__all__ = [
    "DEMOCRATIC_PARTIES",
    "GENDER",
    "NON_PARTY",
    "PARTY",
    "RETIREMENT",
    "SKIPPED",
    "VOCABULARIES",
    "Counties",
    "Vocabulary",
    "filer_text",
    "is_column_numbers",
    "normalize_word",
    "plainly_data",
    "skipped_row",
    "title_text",
]
