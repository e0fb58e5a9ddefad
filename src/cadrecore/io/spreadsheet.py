"""Spreadsheets as bureaus keep them, read into records: rosters (花名册), activity ledgers (台账),
and the workbooks cadrecore exports.

For each sheet (or CSV file) the reader finds the header row below any title rows (the row that
names the most fields of one record kind, in Chinese or English), takes a second header row
under merged group headings into account, and works out which kind of record the rows are (from
the headers, helped by the sheet's name). Then every data row becomes a record or a list of
problems, each naming the file, sheet, row, column and reason. Cells are taken as people type
them: full-width digits, stray spaces (``张　三`` is 张三), dates as ``1950.03``, ``1950年3月``,
``1950-3-1`` or Excel serial numbers (see :mod:`.dates`), yes/no as 是/否, 18-digit ID numbers
whose check character is verified.
"""

from __future__ import annotations

import itertools
import json
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from openpyxl.utils.cell import get_column_letter
from pydantic import BaseModel, ValidationError

from ..errors import Location, Problem
from ..i18n import Text
from ..models import KINDS_BY_NAME, RECORD_KINDS, Jurisdiction
from ..models.cadres import national_id_check_char
from ..models.common import sensitive_fields
from ..models.labels import zh_label
from ..privacy import is_masked
from ..registry import Registry
from .cells import header_map, normalize_bool_cell
from .dates import CellError, cell_date
from .fields import FieldShape, field_shapes
from .matching import IdGiver, Names, reference_resolver, vocabulary_resolver
from .tables import RawTable, Row, TableError

#: Rows searched for the header below title rows.
HEADER_SCAN_ROWS = 30
#: The column cadrecore adds to a file of rejected rows; ignored when the file comes back.
REASON_HEADER = "错误原因 / reason"
JURISDICTION = "jurisdiction"
SERVICE_RECORDS = "service_records"

#: Headers that bureaus' sheets carry and that hold no field: row numbers, computed ages.
IGNORED_HEADERS = frozenset(
    {"序号", "序", "no", "no.", "年龄", "错误原因", "reason", "错误原因/reason"}
)

#: Other names real sheets use for fields, beside the glossary in ``models/labels.py``.
SYNONYMS: dict[str, str] = {
    "所在县区": "county_id",
    "所在县(市、区)": "county_id",
    "县区": "county_id",
    "县(市、区)": "county_id",
    "所在支部": "branch_id",
    "支部": "branch_id",
    "党支部": "branch_id",
    "支部名称": "branch_id",
    "举办单位": "owner_unit_id",
    "组织单位": "owner_unit_id",
    "责任单位": "owner_unit_id",
    "出生年月": "birth_date",
    "出生年月日": "birth_date",
    "出生时间": "birth_date",
    "身份证号码": "national_id",
    "公民身份号码": "national_id",
    "身份证": "national_id",
    "电话": "phone",
    "手机": "phone",
    "手机号码": "phone",
    "联系方式": "phone",
    "现住址": "address",
    "家庭住址": "address",
    "居住地址": "address",
    "原单位": "former_unit",
    "原职务": "former_rank",
    "参加工作日期": "joined_work",
    "离退休日期": "retirement_date",
    "离休时间": "retirement_date",
    "退休时间": "retirement_date",
    "入党日期": "party_joined",
    "活动日期": "date",
    "活动时间": "date",
    "活动名称": "title",
    "活动主题": "title",
}

_ZERO_WIDTH = "\u200b\u200c\u200d\ufeff"
_CJK_SPACE = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")
_NUMBER_JUNK = re.compile(r"[\s,，]")
_OMIT = object()


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
    if "花名册" in text:
        return "cadres"
    if "台账" in text:
        return "activities"
    return None


@dataclass
class Column:
    """One column of a table: where it is, its header as written, and what it holds."""

    index: int
    header: str
    field: str | None = None
    detail: str | None = None

    @property
    def letter(self) -> str:
        return get_column_letter(self.index + 1)


@dataclass
class TablePlan:
    """How to read a table: its kind, header rows and columns."""

    table: RawTable
    target: Target
    header_rows: tuple[int, ...]
    columns: list[Column]
    ignored: list[Column] = field(default_factory=list)
    service_type: str | None = None

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
        return Location(
            self.table.file,
            row,
            column.header if column else field_name,
            self.table.sheet,
            column.letter if column else None,
        )


def _score(cells: list[str], target: str) -> int:
    index = header_index(target)
    return len({index[c] for c in cells if c in index})


def plan_table(table: RawTable, head: list[Row], *, kind: str | None = None) -> TablePlan | Text:
    """Find the header and the kind of ``table`` from its first rows (``head``).

    Returns the plan, or why there is none (no header recognised).
    """
    hint = kind or target_from_name(table.sheet) or target_from_name(_stem(table.file))
    candidates = [kind] if kind else list(_PREFERENCE)
    if hint in candidates:
        candidates.remove(hint)
        candidates.insert(0, hint)
    best: tuple[int, int, str] | None = None  # (score, row position, target)
    for position, (_number, cells) in enumerate(head):
        normalized = [normalize_header(c) for c in cells]
        for candidate in candidates:
            score = _score(normalized, candidate)
            if score >= 2 and (best is None or score > best[0]):
                best = (score, position, candidate)
    if best is None:
        expected = "、".join(filter(None, (zh_label("id"), "姓名", "出生日期", "活动类型", "日期")))
        return Text(
            f"前 {HEADER_SCAN_ROWS} 行中没有找到表头（应含 {expected} 等列名）",
            f"no header row found in the first {HEADER_SCAN_ROWS} rows "
            "(expected column names such as 编号, 姓名, 出生日期, 活动类型, 日期)",
        )
    _score_value, position, target_name = best
    target = TARGETS[target_name]
    index = header_index(target_name)
    header_cells = head[position][1]
    header_rows = [head[position][0]]
    texts = [_header_text(c) for c in header_cells]
    # A second header row under merged group headings (党员情况 over 入党时间 | 党员身份).
    if position + 1 < len(head):
        below = head[position + 1][1]
        below_norm = [normalize_header(c) for c in below]
        upper_norm = [normalize_header(c) for c in header_cells]
        subs = [
            i
            for i, h in enumerate(below_norm)
            if h in index and (i >= len(upper_norm) or upper_norm[i] not in index)
        ]
        # A header row holds only headings (or a heading merged down from above); a data row
        # that happens to hold a field's name somewhere (a class named "details") is no header.
        only_headings = all(
            not h
            or h in index
            or h in IGNORED_HEADERS
            or (i < len(upper_norm) and h == upper_norm[i])
            for i, h in enumerate(below_norm)
        )
        if subs and only_headings:
            width = max(len(texts), len(below))
            texts += [""] * (width - len(texts))
            for i in range(width):
                under = below_norm[i] if i < len(below_norm) else ""
                upper = upper_norm[i] if i < len(upper_norm) else ""
                if (under in index and upper not in index) or (not upper and under):
                    texts[i] = _header_text(below[i])
            header_rows.append(head[position + 1][0])
    return _columns(table, target, tuple(header_rows), texts)


def _columns(
    table: RawTable, target: Target, header_rows: tuple[int, ...], texts: list[str]
) -> TablePlan:
    index = header_index(target.name)
    plan = TablePlan(table, target, header_rows, [])
    taken: dict[str, Column] = {}
    for i, text in enumerate(texts):
        normalized = normalize_header(text)
        column = Column(i, text)
        name = index.get(normalized)
        if name is not None:
            if name in taken:
                # The same heading twice: a heading merged across columns, or a real clash.
                plan.ignored.append(column)
                continue
            column.field = name
            taken[name] = column
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
    return plan


def _header_text(value: Any) -> str:
    return "" if value is None else " ".join(str(value).split())


def _stem(file: str) -> str:
    name = file.replace("\\", "/").rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0]


def unknown_columns(plan: TablePlan) -> list[Column]:
    """Columns with a heading that is not imported (not a field, not a known extra)."""
    return [c for c in plan.ignored if normalize_header(c.header) not in IGNORED_HEADERS]


# =============================================================================================
# Cells to field values
# =============================================================================================


def clean_text(value: str) -> str:
    """Spaces (ASCII, full-width, non-breaking) and zero-width characters off both ends."""
    text = value.strip()
    if text and (text[0] in _ZERO_WIDTH or text[-1] in _ZERO_WIDTH):
        return text.strip(_ZERO_WIDTH).strip()
    return text


def _nfkc(text: str) -> str:
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


def _number_text(value: int | float | Decimal) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return str(value)


def _as_text(value: Any) -> Any:
    if type(value) is str:
        return clean_text(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float | Decimal):
        return _number_text(value)
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return clean_text(value)
    return str(value)


def _code(value: Any) -> Any:
    """An id or code: full-width letters and digits as ASCII, no spaces at all."""
    text = _nfkc(_as_text(value))
    return text if " " not in text and text.isprintable() else "".join(text.split())


def _check_national_id(value: Any) -> Any:
    if isinstance(value, float | Decimal) or (
        isinstance(value, int) and not isinstance(value, bool)
    ):
        raise CellError(
            Text(
                "身份证号被存成了数字，末几位可能已丢失：请把该列设为文本格式后重新录入",
                "the ID number was stored as a number, which loses its last digits: "
                "format the column as text and enter it again",
            )
        )
    text = _code(value).upper()
    if not text:
        return _OMIT
    if len(text) == 15 and text.isdigit():
        raise CellError(
            Text(
                f"15 位旧身份证号 {text}：请换成 18 位号码",
                f"{text} is an old 15-digit ID number: give the 18-digit one",
            )
        )
    if len(text) != 18 or not text[:17].isdigit() or text[17] not in "0123456789X":
        raise CellError(
            Text(
                f"身份证号 {text} 应为 17 位数字加 1 位校验码（数字或 X）",
                f"ID number {text!r} must be 17 digits and a check character (a digit or X)",
            )
        )
    expected = national_id_check_char(text[:17])
    if text[17] != expected:
        raise CellError(
            Text(
                f"身份证号 {text} 校验码错误：应为 {expected}",
                f"ID number {text} has check character {text[17]}, expected {expected}",
            )
        )
    return text


def _refusing_masked(clean: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A personal-data cell as a masked export wrote it (``139****5678``) is no value to import."""

    def read(value: Any) -> Any:
        if is_masked(value):
            raise CellError(
                Text(
                    "此值已脱敏（导出时未选择显示个人信息），不能导入",
                    "this value is masked (the file was exported without --unmask) and "
                    "cannot be imported",
                )
            )
        return clean(value)

    return read


def _accepts_empty_text(shape: FieldShape) -> bool:
    try:
        shape.adapter.validate_python("")
    except ValidationError:
        return False
    return True


def _cleaner(shape: FieldShape, epoch: datetime) -> Callable[[Any], Any]:
    """The function that turns a cell into the value validation gets (or ``_OMIT``)."""
    name, kind = shape.name, shape.shape
    # An empty cell of a required text field is empty text if the field takes it (an opinion's
    # content may be empty), else missing (an id may not): validation then says which.
    empty_is_blank_text = kind == "str" and shape.required and _accepts_empty_text(shape)

    def empty(value: Any) -> bool:
        if value is None:
            return True
        if not isinstance(value, str):
            return False
        # a first character that is no space is the common case: no need to strip
        return not value or (
            (value[0].isspace() or value[0] in _ZERO_WIDTH) and not clean_text(value)
        )

    if name == "national_id":
        return lambda v: _OMIT if empty(v) else _check_national_id(v)
    if kind == "date":

        def as_date(value: Any) -> Any:
            day = cell_date(value, epoch)
            return _OMIT if day is None else day

        return as_date
    if kind == "str":
        is_code = name == "id" or name.endswith("_id") or name == "phone"
        is_name = name == "name"

        def as_str(value: Any) -> Any:
            if empty(value):
                return "" if empty_is_blank_text else _OMIT
            if is_code:
                return _code(value)
            text = _as_text(value)
            return _CJK_SPACE.sub("", text) if is_name else text

        return as_str
    if kind == "int":

        def as_int(value: Any) -> Any:
            if empty(value):
                return _OMIT
            if isinstance(value, float) and value.is_integer():
                return int(value)
            if isinstance(value, int | float) and not isinstance(value, bool):
                return value
            return _NUMBER_JUNK.sub("", _nfkc(_as_text(value)))

        return as_int
    if kind == "decimal":

        def as_decimal(value: Any) -> Any:
            if empty(value):
                return _OMIT
            if isinstance(value, int) and not isinstance(value, bool):
                return Decimal(value)
            if isinstance(value, float):
                return Decimal(repr(value))
            text = _NUMBER_JUNK.sub("", _nfkc(_as_text(value)))
            text = text.removesuffix("元").lstrip("¥")
            try:
                return Decimal(text)
            except InvalidOperation:
                return text

        return as_decimal
    if kind == "bool":

        def as_bool(value: Any) -> Any:
            if empty(value):
                return _OMIT
            if isinstance(value, bool):
                return value
            if isinstance(value, int | float) and value in (0, 1):
                return bool(value)
            return normalize_bool_cell(_nfkc(_as_text(value)))

        return as_bool
    if kind == "list":
        is_ids = name.endswith("_ids")

        def as_list(value: Any) -> Any:
            if empty(value):
                return _OMIT
            text = _as_text(value)
            return _nfkc(text) if is_ids else text

        return as_list
    if kind == "json":

        def as_json(value: Any) -> Any:
            if empty(value):
                return _OMIT
            if not isinstance(value, str):
                return value
            text = clean_text(value)
            try:
                return json.loads(text)
            except ValueError:
                return text

        return as_json
    # enum: the model accepts the Chinese label or the English key
    return lambda v: _OMIT if empty(v) else _as_text(v)


# =============================================================================================
# Rows to records
# =============================================================================================


@dataclass
class SourceRow:
    """A data row and where it came from, kept to report it or to write it back for fixing."""

    plan: TablePlan
    number: int
    cells: list[Any]

    @property
    def location(self) -> Location:
        return Location(self.plan.table.file, self.number, None, self.plan.table.sheet)


@dataclass
class RowResult:
    """A row read: its record, or the problems that keep it out."""

    source: SourceRow
    record: BaseModel | None
    problems: list[Problem]


class RowReader:
    """Turns the data rows of one planned table into records.

    ``names`` reads references written as names (see :mod:`.matching`); ``ids`` gives ids to
    rows of a sheet without an id column, for the kinds that can have them given.
    """

    def __init__(
        self,
        plan: TablePlan,
        registry: Registry,
        names: Names | None = None,
        ids: IdGiver | None = None,
    ) -> None:
        self.plan = plan
        self.registry = registry
        self.context = {"registry": registry}
        shapes = {s.name: s for s in field_shapes(plan.target.model)}
        self.fields = [
            (c, c.field, self._cell_reader(shapes[c.field], names))
            for c in plan.columns
            if c.field is not None
        ]
        has_id = any(c.field == "id" for c in plan.columns)
        self.ids = ids if not has_id and ids is not None and ids.kind == plan.target.name else None
        self.existing = _existing(names.ledger if names is not None else None, plan.target.name)
        self.details = [c for c in plan.columns if c.detail is not None]
        self.header_names = {
            normalize_header(c.header) for c in plan.columns if c.field is not None
        }

    def _cell_reader(self, shape: FieldShape, names: Names | None) -> Callable[[Any], Any]:
        clean = _cleaner(shape, self.plan.table.epoch)
        if shape.name in sensitive_fields(self.plan.target.model):
            clean = _refusing_masked(clean)
        resolvers: list[Callable[[Any], Any]] = []
        if shape.vocabulary is not None:
            resolvers.append(vocabulary_resolver(self.registry, shape.vocabulary))
        if names is not None:
            found = reference_resolver(
                shape.name, self.plan.target.name, names, many=shape.shape == "list"
            )
            if found is not None:
                resolvers.append(found)
        if not resolvers:
            return clean

        def read(value: Any) -> Any:
            result = clean(value)
            if isinstance(result, str):
                for resolve in resolvers:
                    result = resolve(result)
            return result

        return read

    def is_repeated_header(self, cells: list[Any]) -> bool:
        """A header row repeated further down (sheets printed across pages repeat it)."""
        first = self.fields[0][0] if self.fields else None
        if first is None or first.index >= len(cells) or not isinstance(cells[first.index], str):
            return False
        if normalize_header(cells[first.index]) != normalize_header(first.header):
            return False  # the cheap test first: most rows are data
        names = {normalize_header(c) for c in cells if isinstance(c, str)}
        return len(names & self.header_names) >= max(2, len(self.header_names) // 2)

    def read(self, number: int, cells: list[Any]) -> RowResult:
        source = SourceRow(self.plan, number, cells)
        problems: list[Problem] = []
        data: dict[str, Any] = {}
        failed: set[str] = set()
        for column, name, clean in self.fields:
            value = cells[column.index] if column.index < len(cells) else None
            try:
                cleaned = clean(value)
            except CellError as exc:
                problems.append(Problem(self._at(number, column), exc.message))
                failed.add(name)
                continue
            if cleaned is not _OMIT:
                data[name] = cleaned
        if self.plan.target.name == SERVICE_RECORDS:
            self._service_details(number, cells, data, problems, failed)
        if self.ids is not None and not problems:
            data["id"] = self.ids.id_for(data)
        data = self._over_existing(data)
        try:
            record = self.plan.target.model.model_validate(data, context=self.context)
        except ValidationError as exc:
            problems += self._validation_problems(number, exc, failed)
            return RowResult(source, None, problems)
        if problems:
            return RowResult(source, None, problems)
        return RowResult(source, record, [])

    def _over_existing(self, data: dict[str, Any]) -> dict[str, Any]:
        """A row about a record the ledger has: the sheet's columns over the record's values.

        A sheet with only some columns (a roster of phone numbers) changes only those fields.
        """
        if self.existing is None:
            return data
        kind = KINDS_BY_NAME.get(self.plan.target.name)
        try:
            key = kind.key_of(_KeyView(data)) if kind is not None else data.get("id")  # type: ignore[arg-type]
        except AttributeError:
            return data
        record = self.existing.get(str(key)) if key is not None else None
        if record is None:
            return data
        merged: dict[str, Any] = record.model_dump()
        fields = type(record).model_fields
        for _column, name, _read in self.fields:
            if name in data:
                merged[name] = data[name]
            elif fields[name].is_required():
                merged.pop(name, None)  # an emptied required cell: validation says so
            else:
                merged[name] = fields[name].get_default(call_default_factory=True)
        if "details" in data:
            merged["details"] = data["details"]
        return merged

    def _service_details(
        self,
        number: int,
        cells: list[Any],
        data: dict[str, Any],
        problems: list[Problem],
        failed: set[str],
    ) -> None:
        details: dict[str, Any] = {}
        for column in self.details:
            value = cells[column.index] if column.index < len(cells) else None
            if value is None or (isinstance(value, str) and not clean_text(value)):
                continue
            assert column.detail is not None
            details[column.detail] = (
                _as_text(value) if not isinstance(value, str) else clean_text(value)
            )
        key = data.get("service_type") or self.plan.service_type
        if not key:
            problems.append(
                Problem(
                    self.plan.location(number, "service_type"),
                    Text(
                        "缺少服务类型",
                        "no service type (a 服务类型 column or a sheet named 服务记录-<type>)",
                    ),
                )
            )
            failed.add("service_type")
            return
        data["service_type"] = key
        if key not in self.registry.service_types:
            return  # the model reports the unknown key
        model = self.registry.service_types.get(key).details
        try:
            data["details"] = model.model_validate(details).model_dump(mode="json")
        except ValidationError as exc:
            problems += self._validation_problems(number, exc, set(), prefix="details.")
            failed.add("details")

    def _at(self, number: int, column: Column) -> Location:
        table = self.plan.table
        return Location(table.file, number, column.header, table.sheet, column.letter)

    def _validation_problems(
        self, number: int, exc: ValidationError, failed: set[str], prefix: str = ""
    ) -> list[Problem]:
        problems = []
        for err in exc.errors(include_url=False):
            loc = prefix + ".".join(str(p) for p in err["loc"]) if err["loc"] else None
            top = loc.split(".", 1)[0] if loc else None
            if top in failed or (prefix and prefix.rstrip(".") in failed):
                continue  # already reported from the cell itself
            message = str(err["msg"])
            if message.startswith("Value error, "):
                message = message[len("Value error, ") :]
            value = err.get("input")
            shown = (
                f"（值：{value}）" if isinstance(value, str | int | float) and value != "" else ""
            )
            shown_en = f" (got {value!r})" if shown else ""
            if err["type"] == "missing":
                label = zh_label(str(err["loc"][-1])) or str(err["loc"][-1])
                text = Text(f"缺少必填项：{label}", f"missing a required value: {err['loc'][-1]}")
            else:
                text = Text(f"{message}{shown}", f"{message}{shown_en}")
            problems.append(Problem(self.plan.location(number, loc), text))
        return problems


class _KeyView:
    """A row's values seen as a record, for :meth:`RecordKind.key_of`."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.__dict__.update(data)

    def __getattr__(self, name: str) -> Any:
        return None


def _existing(ledger: Any, target: str) -> dict[str, Any] | None:
    """The ledger's records of ``target`` by key (the jurisdiction by its id)."""
    if ledger is None:
        return None
    if target == JURISDICTION:
        return {ledger.jurisdiction.id: ledger.jurisdiction}
    kind = KINDS_BY_NAME[target]
    return {kind.key_of(r): r for r in ledger.records(target)}


def data_rows(
    plan: TablePlan, rows: Iterator[Row], head: list[Row]
) -> Iterator[tuple[int, list[Any]]]:
    """The rows under the header, blank rows left out (the header's own rows too)."""
    last_header = plan.header_rows[-1]
    for number, cells in itertools.chain(head, rows):
        if number <= last_header:
            continue
        if all(c is None or (isinstance(c, str) and not clean_text(c)) for c in cells):
            continue
        yield number, cells


def head_rows(table: RawTable) -> list[Row]:
    """The first rows of ``table`` (consumed from its iterator), to look for the header in."""
    head: list[Row] = []
    for row in table.rows:
        head.append(row)
        if len(head) >= HEADER_SCAN_ROWS:
            break
    return head


__all__ = [
    "HEADER_SCAN_ROWS",
    "IGNORED_HEADERS",
    "REASON_HEADER",
    "SYNONYMS",
    "Column",
    "RowReader",
    "RowResult",
    "SourceRow",
    "TableError",
    "TablePlan",
    "Target",
    "data_rows",
    "head_rows",
    "header_index",
    "normalize_header",
    "plan_table",
    "target_from_name",
]
