"""A sheet's headings, read as bureaus write them: which row holds them, what kind of record the
rows are, and which field each column is.

The heading row is found below any title rows (the row that names the most fields of one kind,
in Chinese or English, helped by the sheet's name). Headings over two rows are read as one: a
parent merged over its children is combined with each (离退休 over 类别 | 时间 is 离退休类型 and
离退休时间; 出生 over 年 | 月 is the birth date in two columns), whether the file merged the
cells or wrote the parent once. Headings are compared without spaces, line breaks, ``*`` or
full-width forms, and the synonyms county rosters use are known (:data:`SYNONYMS`; the
glossary in ``models/labels.py`` gives every field's own Chinese name). A bureau's own mapping
(:class:`ColumnMapping`) comes before all of this. Below the header, :func:`data_rows` says
which rows are data (a blank row, a 合计 row, a 填表人 line are not).

Layer: ``io``, below :mod:`cadrecore.io.spreadsheet` (rows to records); it must not import
``spreadsheet``, ``importing``, the store, the reports or the CLI.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from openpyxl.utils.cell import get_column_letter
from pydantic import BaseModel

from ..errors import Location
from ..i18n import Text
from ..models import KINDS_BY_NAME, RECORD_KINDS, Jurisdiction
from ..models.labels import zh_label
from .cells import header_map
from .roster import is_column_numbers, plainly_data, skipped_row
from .tables import RawTable, Row
from .values import clean_text

#: Rows searched for the header below title rows.
HEADER_SCAN_ROWS = 30
#: The column cadrecore adds to a file of rejected rows; ignored when the file comes back.
REASON_HEADER = "错误原因 / reason"
JURISDICTION = "jurisdiction"
SERVICE_RECORDS = "service_records"
#: How a heading over two rows is written in messages: 离退休/时间.
LEVEL_SEPARATOR = "/"

#: Headers that bureaus' sheets carry and that hold no field: row numbers, computed ages.
IGNORED_HEADERS = frozenset(
    {"序号", "序", "no", "no.", "年龄", "错误原因", "reason", "错误原因/reason"}
)

#: Other names real sheets use for fields, beside the glossary in ``models/labels.py``.
SYNONYMS: dict[str, str] = {
    # where a cadre lives: often absent, since the filing bureau is the county
    "所在县区": "county_id",
    "所在县(市、区)": "county_id",
    "所属县区": "county_id",
    "县区": "county_id",
    "县市区": "county_id",
    "县(市、区)": "county_id",
    "所在支部": "branch_id",
    "支部": "branch_id",
    "党支部": "branch_id",
    "支部名称": "branch_id",
    "举办单位": "owner_unit_id",
    "组织单位": "owner_unit_id",
    "责任单位": "owner_unit_id",
    # a cadre
    "出生年月": "birth_date",
    "出生年月日": "birth_date",
    "出生时间": "birth_date",
    "生日": "birth_date",
    "身份证号码": "national_id",
    "公民身份号码": "national_id",
    "身份证": "national_id",
    "电话": "phone",
    "手机": "phone",
    "手机号码": "phone",
    "联系方式": "phone",
    "现居住地址": "address",
    "现住址": "address",
    "家庭住址": "address",
    "居住地址": "address",
    "居住地": "address",
    "原单位": "former_unit",
    "退休前单位": "former_unit",
    "工作单位": "former_unit",
    "原职务": "former_rank",
    "职级": "former_rank",
    "职务(职级)": "former_rank",
    "原职务(职级)": "former_rank",
    "参加工作日期": "joined_work",
    "工作时间": "joined_work",
    "参加革命时间": "joined_revolution",
    "参加革命工作日期": "joined_revolution",
    "离退休类别": "retirement_kind",
    "离退休": "retirement_kind",
    "离休/退休": "retirement_kind",
    "类别": "retirement_kind",
    "离退休日期": "retirement_date",
    "离休时间": "retirement_date",
    "退休时间": "retirement_date",
    "退休日期": "retirement_date",
    "政治面貌": "party_status",
    "是否党员": "party_status",
    "入党日期": "party_joined",
    "入党年月": "party_joined",
    "待遇级别": "treatment_level",
    "享受待遇级别": "treatment_level",
    "身体状况": "health",
    # an activity
    "活动日期": "date",
    "活动时间": "date",
    "活动名称": "title",
    "活动主题": "title",
}

#: Headings that give one part of a date (出生 over 年 | 月 | 日): the field and the part.
DATE_PARTS: dict[str, tuple[str, str]] = {
    "出生年": ("birth_date", "year"),
    "出生年份": ("birth_date", "year"),
    "出生月": ("birth_date", "month"),
    "出生月份": ("birth_date", "month"),
    "出生日": ("birth_date", "day"),
}

#: Sub-headings that say the same thing in other words: under 离退休, 日期 is 时间 and 性质 is 类别.
SUB_HEADINGS: dict[str, str] = {
    "日期": "时间",
    "年月": "时间",
    "时间(年月)": "时间",
    "类型": "类别",
    "性质": "类别",
    "种类": "类别",
}


# =============================================================================================
# What a table holds
# =============================================================================================


@dataclass(frozen=True)
class Target:
    """A kind of record a table can hold: a record kind, or the ledger's jurisdiction."""

    name: str
    model: type[BaseModel]
    label: Text

    @property
    def keyed(self) -> bool:
        return self.name == JURISDICTION or KINDS_BY_NAME[self.name].keyed


TARGETS: dict[str, Target] = {
    JURISDICTION: Target(JURISDICTION, Jurisdiction, Text("管辖", "jurisdiction")),
    **{k.name: Target(k.name, k.model, k.label) for k in RECORD_KINDS},
}
#: When two kinds match a header equally well: the sheets bureaus keep most come first.
_PREFERENCE = ("cadres", "activities", *(k.name for k in RECORD_KINDS), JURISDICTION)


def normalize_header(value: Any) -> str:
    """A header cell as compared with field names: NFKC, no spaces or ``*``, lower case."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return "".join(text.split()).strip("*").lower()


@cache
def header_index(target: str) -> dict[str, str]:
    """Every normalized header accepted for ``target``'s fields, to the field name."""
    model = TARGETS[target].model
    index = {normalize_header(h): f for h, f in header_map(model.model_fields).items()}
    for header, name in SYNONYMS.items():
        if name in model.model_fields:
            index.setdefault(normalize_header(header), name)
    return index


def target_from_name(name: str | None) -> str | None:
    """The kind a sheet's (or CSV file's) name says it holds, if it says."""
    if not name:
        return None
    text = normalize_header(name)
    if text.startswith(("服务记录-", "service_records-")) or text in ("服务记录", SERVICE_RECORDS):
        return SERVICE_RECORDS
    for target in TARGETS.values():
        if text in (
            normalize_header(target.label.zh),
            target.name,
            normalize_header(target.label.en),
        ):
            return target.name
    if "花名册" in text or text in ("离休", "退休", "离退休"):
        return "cadres"
    if "台账" in text:
        return "activities"
    return None


@dataclass(frozen=True)
class ColumnMapping:
    """A bureau's own reading of its headings: a heading as written (both levels joined by
    ``/``) to a field name, or to None for a column not to import. Saved once as YAML and given
    to every import of the same roster (``--map``); see :mod:`.mapping`."""

    columns: dict[str, str | None]
    source: str | None = None

    def lookup(self, heading: str) -> tuple[bool, str | None]:
        """(True, field or None) when the mapping names ``heading``; (False, None) if not."""
        key = normalize_header(heading)
        for written, name in self.columns.items():
            if normalize_header(written) == key:
                return True, name
        return False, None


@dataclass
class Column:
    """One column of a table: where it is, its header as written, and what it holds.

    ``part`` is the part of a date the column gives (``year``, ``month``, ``day``) when a date
    is written in several columns; ``duplicate_of`` the column already read for the same
    field; ``mapped`` whether a bureau's mapping decided it.
    """

    index: int
    header: str
    field: str | None = None
    detail: str | None = None
    part: str | None = None
    duplicate_of: Column | None = None
    mapped: bool = False

    @property
    def letter(self) -> str:
        return get_column_letter(self.index + 1)


@dataclass
class TablePlan:
    """How to read a table: its kind, header rows and columns.

    ``preamble`` holds the rows above the heading (a title, a 填报单位 line); ``heading_rows``
    the heading's own rows as read (merged cells filled), for a file of rejected rows;
    ``missing`` the required fields no column gives (then no row is read).
    """

    table: RawTable
    target: Target
    header_rows: tuple[int, ...]
    columns: list[Column]
    ignored: list[Column] = field(default_factory=list)
    service_type: str | None = None
    preamble: list[Row] = field(default_factory=list)
    heading_rows: list[list[Any]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def headers(self) -> list[str]:
        """The header as one row (for a file of rejected rows)."""
        width = max((c.index for c in self.columns + self.ignored), default=-1) + 1
        texts = [""] * width
        for column in self.columns + self.ignored:
            texts[column.index] = column.header
        return texts

    def column_of(self, field_name: str | None) -> Column | None:
        if field_name is None:
            return None
        name = field_name.split(".", 1)[0]
        detail = field_name.partition(".")[2]
        for column in self.columns:
            if column.field == name and name != "details":
                return column
            if name == "details" and column.detail is not None and column.detail == detail:
                return column
        return None

    def location(self, row: int | None, field_name: str | None = None) -> Location:
        column = self.column_of(field_name)
        if column is None and field_name is not None:
            return Location(
                self.table.file, row, zh_label(field_name) or field_name, self.table.sheet
            )
        return Location(
            self.table.file,
            row,
            column.header if column else None,
            self.table.sheet,
            column.letter if column else None,
        )

    def mapping(self) -> dict[str, str | None]:
        """Each column's heading as written to its field (None: not imported)."""
        out: dict[str, str | None] = {}
        for column in sorted(self.columns + self.ignored, key=lambda c: c.index):
            if column.header:
                name = column.field
                if name is not None and column.part:
                    name = f"{name}#{column.part}"
                out.setdefault(column.header, name if column.duplicate_of is None else None)
        return out


def _score(cells: list[str], target: str, mapped: dict[str, str | None]) -> int:
    index = header_index(target)
    fields = TARGETS[target].model.model_fields
    found = set()
    for cell in cells:
        if cell in mapped:
            name = (mapped[cell] or "").partition("#")[0]
            if name in fields:
                found.add(name)
        elif cell in index:
            found.add(index[cell])
        elif (part := _part(cell, target)) is not None:
            found.add(part)
    return len(found)


def _part(normalized: str, target: str) -> str | None:
    found = DATE_PARTS.get(normalized)
    if found is None or found[0] not in TARGETS[target].model.model_fields:
        return None
    return found[0]


def plan_table(
    table: RawTable,
    head: list[Row],
    *,
    kind: str | None = None,
    mapping: ColumnMapping | None = None,
) -> TablePlan | Text:
    """Find the header and the kind of ``table`` from its first rows (``head``).

    Returns the plan, or why there is none (no header recognised).
    """
    hint = kind or target_from_name(table.sheet) or target_from_name(_stem(table.file))
    candidates = [kind] if kind else list(_PREFERENCE)
    if hint in candidates:
        candidates.remove(hint)
        candidates.insert(0, hint)
    mapped = (
        {normalize_header(h): f for h, f in mapping.columns.items()} if mapping is not None else {}
    )
    best: tuple[int, int, str] | None = None  # (score, row position, target)
    scores: dict[tuple[int, str], int] = {}
    for position, (_number, cells) in enumerate(head):
        normalized = [normalize_header(c) for c in cells]
        if mapped and position + 1 < len(head):  # a mapped heading may span two rows
            pair = two_level(cells, head[position + 1][1], {})
            if pair is not None:
                normalized += [normalize_header(LEVEL_SEPARATOR.join(lv)) for lv in pair]
        for candidate in candidates:
            score = scores[position, candidate] = _score(normalized, candidate, mapped)
            if score >= 2 and (best is None or score > best[0]):
                best = (score, position, candidate)
    if best is not None:
        # The first row that is nearly as good: a heading repeated lower down (a printed
        # layout) may name a field more than the first, and the rows between are data.
        enough = max(2, -(-2 * best[0] // 3))
        position = next(p for p in range(len(head)) if scores.get((p, best[2]), 0) >= enough)
        best = (scores[position, best[2]], position, best[2])
    if best is None:
        expected = "姓名、出生年月、离退休类型、离退休时间、参加工作时间"
        return Text(
            f"前 {HEADER_SCAN_ROWS} 行中没有找到表头（应含 {expected} 等列名）",
            f"no header row found in the first {HEADER_SCAN_ROWS} rows "
            "(expected column names such as 姓名, 出生年月, 离退休类型, 离退休时间)",
        )
    _score_value, position, target_name = best
    target = TARGETS[target_name]
    index = header_index(target_name) | {k: v or "" for k, v in mapped.items()}
    first, last = position, position
    levels: list[tuple[str, ...]] = [(_header_text(c),) for c in head[position][1]]
    pair = (
        two_level(head[position][1], head[position + 1][1], index)
        if position + 1 < len(head)
        else None
    )
    if pair is not None:
        last, levels = position + 1, pair
    elif position > 0:
        pair = two_level(head[position - 1][1], head[position][1], index)
        if pair is not None:
            first, levels = position - 1, pair
    header_rows = tuple(head[i][0] for i in range(first, last + 1))
    plan = _columns(table, target, header_rows, levels, mapping)
    plan.preamble = head[:first]
    plan.heading_rows = [list(head[i][1]) for i in range(first, last + 1)]
    _sequence_not_id(plan, head[last + 1 :])
    return plan


def _is_data_like(value: Any) -> bool:
    if value is None:
        return False
    if not isinstance(value, str):
        return True  # a number or a date: no heading
    text = normalize_header(value)
    return any(ch.isdigit() for ch in text) and not text.isalpha()


def two_level(
    upper: list[Any], lower: list[Any], index: dict[str, str]
) -> list[tuple[str, ...]] | None:
    """The headings of two rows read as one two-level heading, or None if ``lower`` is no
    sub-heading row of ``upper``.

    With merged cells filled in, a heading merged down over both rows is the same in both, and
    a parent merged across its children repeats over them; written without merging, the parent
    stands over its first child and the cells beside and below are empty.
    """
    width = max(len(upper), len(lower))
    up = [_header_text(upper[i]) if i < len(upper) else "" for i in range(width)]
    low = [_header_text(lower[i]) if i < len(lower) else "" for i in range(width)]
    if any(_is_data_like(lower[i]) for i in range(len(lower)) if low[i]):
        return None
    same = sum(1 for u, lo in zip(up, low, strict=True) if u and u == lo)
    differs = [i for i in range(width) if up[i] and low[i] and up[i] != low[i]]
    below_only = [i for i in range(width) if low[i] and not up[i]]
    if not differs and not below_only:
        return None
    if same < 2:
        # written without merging: the parent over its first child only, and every sub-heading
        # under a parent or under nothing, never under a heading that is a field on its own
        # (that is a data row under a one-row heading, with some cells left empty)
        known_alone = sum(
            1 for u, lo in zip(up, low, strict=True) if normalize_header(u) in index and not lo
        )
        under_fields = any(
            low[i]
            and normalize_header(up[i]) in index
            and not any(key in index or key in DATE_PARTS for key in _lookups((up[i], low[i])))
            for i in range(width)
        )
        if known_alone < 2 or under_fields:
            return None
    levels: list[tuple[str, ...]] = []
    group = ""
    for i in range(width):
        u, lo = up[i], low[i]
        if u and lo and u != lo:
            group = u
            levels.append((u, lo))
        elif lo and not u and group:
            levels.append((group, lo))
        else:
            group = ""
            levels.append((u or lo,) if (u or lo) else ("",))
    return levels


def _lookups(levels: tuple[str, ...]) -> list[str]:
    """The normalized headings to look a column up by, best first."""
    if len(levels) == 1:
        return [normalize_header(levels[0])]
    parent, child = normalize_header(levels[0]), normalize_header(levels[-1])
    found = [parent + child]
    if child in SUB_HEADINGS:
        found.append(parent + SUB_HEADINGS[child])
    found.append(child)
    return found


def _columns(
    table: RawTable,
    target: Target,
    header_rows: tuple[int, ...],
    levels: list[tuple[str, ...]],
    mapping: ColumnMapping | None = None,
) -> TablePlan:
    index = header_index(target.name)
    plan = TablePlan(table, target, header_rows, [])
    taken: dict[str, Column] = {}
    for i, level in enumerate(levels):
        text = LEVEL_SEPARATOR.join(x for x in level if x)
        column = Column(i, text)
        name: str | None = None
        known, mapped = mapping.lookup(text) if mapping is not None else (False, None)
        lookups = _lookups(level)
        if known:
            column.mapped = True
            if mapped is None:
                plan.ignored.append(column)
                continue
            name, _, part = mapped.partition("#")
            column.part = part or None
        else:
            for key in lookups:
                if key in index:
                    name = index[key]
                    break
                part_of = DATE_PARTS.get(key)
                if part_of is not None and part_of[0] in target.model.model_fields:
                    name, column.part = part_of
                    break
        normalized = lookups[0]
        if name is not None:
            slot = f"{name}#{column.part}" if column.part else name
            if slot in taken:
                # The same heading twice: a heading merged across columns, or a real clash.
                column.duplicate_of = taken[slot]
                plan.ignored.append(column)
                continue
            column.field = name
            taken[slot] = column
            plan.columns.append(column)
        elif not normalized or normalized in IGNORED_HEADERS:
            if normalized:
                plan.ignored.append(column)
        elif target.name == SERVICE_RECORDS:
            column.detail = text.strip()
            plan.columns.append(column)
        else:
            plan.ignored.append(column)
    if target.name == SERVICE_RECORDS and "service_type" not in taken and table.sheet:
        _, dash, key = table.sheet.partition("-")
        plan.service_type = key.strip() if dash else None
    plan.missing = _missing(plan)
    return plan


#: Fields a roster need not have a column for, because they are worked out: an id (given, or
#: matched to the ledger), the county (from --unit, the 填报单位 line or each row's former
#: unit), the birth date (from the ID number), the date work began (from the revolution date).
DERIVED: dict[str, tuple[str, ...]] = {
    "id": (),
    "county_id": (),
    "birth_date": ("national_id",),
    "joined_work": ("joined_revolution",),
}


def _missing(plan: TablePlan) -> list[str]:
    """The required fields of a cadre roster that no column gives (a sheet with ids may be a
    partial update, and may leave any out)."""
    if plan.target.name != "cadres" or any(c.field == "id" for c in plan.columns):
        return []
    present = {c.field for c in plan.columns}
    missing = []
    for name, info in plan.target.model.model_fields.items():
        if not info.is_required() or name in present:
            continue
        if name in DERIVED and (not DERIVED[name] or set(DERIVED[name]) & present):
            continue
        missing.append(name)
    return missing


def _sequence_not_id(plan: TablePlan, below: list[Row]) -> None:
    """A cadre roster's 编号 that numbers the rows (1, 2, 3…) is a sequence, not an id."""
    column = next((c for c in plan.columns if c.field == "id"), None)
    if column is None or column.mapped or plan.target.name != "cadres":
        return
    values = []
    for _number, cells in below:
        value = cells[column.index] if column.index < len(cells) else None
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        text = normalize_header(value)
        if isinstance(value, float) and value.is_integer():
            text = str(int(value))
        values.append(text)
    numbers = [int(v) for v in values if v.isdigit()]
    running = numbers == list(range(numbers[0], numbers[0] + len(numbers))) if numbers else False
    if len(numbers) >= 2 and len(values) - len(numbers) <= 2 and running:
        plan.columns.remove(column)
        column.field = None
        plan.ignored.append(column)
        plan.missing = _missing(plan)


def _header_text(value: Any) -> str:
    return "" if value is None else " ".join(str(value).split())


def _stem(file: str) -> str:
    name = file.replace("\\", "/").rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0]


def unknown_columns(plan: TablePlan) -> list[Column]:
    """Columns with a heading that is not imported (not a field, not a known extra, not one a
    mapping said to leave out)."""
    return [
        c
        for c in plan.ignored
        if normalize_header(c.header) not in IGNORED_HEADERS
        and c.duplicate_of is None
        and not c.mapped
        and c.field is None
        and not _was_sequence(c)
    ]


def _was_sequence(column: Column) -> bool:
    return normalize_header(column.header) in ("编号", "id")


__all__ = [
    "DATE_PARTS",
    "HEADER_SCAN_ROWS",
    "IGNORED_HEADERS",
    "JURISDICTION",
    "LEVEL_SEPARATOR",
    "REASON_HEADER",
    "SERVICE_RECORDS",
    "SYNONYMS",
    "TARGETS",
    "Column",
    "ColumnMapping",
    "TablePlan",
    "Target",
    "data_rows",
    "head_rows",
    "header_index",
    "normalize_header",
    "plan_table",
    "target_from_name",
    "two_level",
    "unknown_columns",
]


# =============================================================================================
# The rows under the header
# =============================================================================================


def data_rows(
    plan: TablePlan, rows: Iterator[Row], head: list[Row]
) -> Iterator[tuple[int, list[Any], str | None]]:
    """The rows under the header, each with why it is no record (a code of
    :data:`~cadrecore.io.roster.SKIPPED`: a blank row, a 合计 row, a 填表人 line, the row that
    numbers the columns) or None."""
    last_header = plan.header_rows[-1]
    for number, cells in itertools.chain(head, rows):
        if number <= last_header:
            continue
        if plainly_data(cells):  # (most rows: the checks below, at once)
            yield number, cells, None
            continue
        for cell in cells:
            if cell is not None and (not isinstance(cell, str) or clean_text(cell)):
                break
        else:
            yield number, cells, "row.blank"
            continue
        skipped = skipped_row(cells)
        if skipped is None and is_column_numbers(cells):
            skipped = "row.column_numbers"
        yield number, cells, skipped


def head_rows(table: RawTable) -> list[Row]:
    """The first rows of ``table`` (consumed from its iterator), to look for the header in."""
    head: list[Row] = []
    for row in table.rows:
        head.append(row)
        if len(head) >= HEADER_SCAN_ROWS:
            break
    return head
