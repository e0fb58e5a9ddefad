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

This module makes the rows into records (:class:`RowReader`); where the header is and which rows
under it are data is :mod:`cadrecore.io.headings`, and each cell's value :mod:`cadrecore.io.values`
(this module offers their names, as it always did). Layer: ``io``; it must not import
``importing`` (which reads whole files with it), the store, the reports or the CLI.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from operator import itemgetter
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import Location, Problem
from ..i18n import Text
from ..models import KINDS_BY_NAME
from ..models.cadres import (
    national_id_birth_date,
    national_id_gender,
)
from ..models.common import sensitive_fields
from ..models.fields import FieldShape, field_shapes
from ..registry import Registry
from .dates import CellError, is_month_only, short
from .headings import (
    HEADER_SCAN_ROWS,
    IGNORED_HEADERS,
    JURISDICTION,
    LEVEL_SEPARATOR,
    REASON_HEADER,
    SERVICE_RECORDS,
    SYNONYMS,
    Column,
    ColumnMapping,
    TablePlan,
    Target,
    data_rows,
    head_rows,
    header_index,
    normalize_header,
    plan_table,
    target_from_name,
    unknown_columns,
)
from .matching import IdGiver, Names, reference_resolver, vocabulary_resolver
from .messages import validation_problems
from .roster import (
    VOCABULARIES,
    Counties,
    Vocabulary,
)
from .tables import TableError
from .values import _OMIT, _as_text, _cleaner, _id_number_first, _nfkc, _refusing_masked
from .values import clean_text as clean_text

# =============================================================================================
# Rows to records
# =============================================================================================


@dataclass(slots=True)
class SourceRow:
    """A data row and where it came from, kept to report it or to write it back for fixing."""

    plan: TablePlan
    number: int
    cells: list[Any]

    @property
    def location(self) -> Location:
        return Location(self.plan.table.file, self.number, None, self.plan.table.sheet)


@dataclass(slots=True)
class RowResult:
    """A row read: its record, or the problems that keep it out."""

    source: SourceRow
    record: BaseModel | None
    problems: list[Problem]


class RowReader:
    """Turns the data rows of one planned table into records.

    ``names`` reads references written as names (see :mod:`.matching`); ``ids`` gives ids to
    rows of a sheet without an id column, for the kinds that can have them given. For a roster
    without a county column, ``county`` is the county every row is in (from ``--unit`` or the
    填报单位 line), else ``counties`` finds each row's from its former unit.
    """

    def __init__(
        self,
        plan: TablePlan,
        registry: Registry,
        names: Names | None = None,
        ids: IdGiver | None = None,
        *,
        county: str | None = None,
        counties: Counties | None = None,
    ) -> None:
        self.plan = plan
        self.registry = registry
        self.context = {"registry": registry}
        self.cadres = plan.target.name == "cadres"
        self.services = plan.target.name == SERVICE_RECORDS
        #: The model's validation (pydantic's validator itself: what ``model_validate`` calls,
        #: without its frame; a model whose build was deferred is built as it is looked up), of
        #: values under the fields' own names (``by_name``, not ``by_alias``, as :meth:`_finish`
        #: calls it: the aliases, each looked for in turn, would only cost time; the errors are
        #: the same).
        self.validate_python = plan.target.model.__pydantic_validator__.validate_python
        shapes = {s.name: s for s in field_shapes(plan.target.model)}
        self.fields: list[tuple[Column, str, _Remembered, bool]] = []
        self.parts: list[Column] = []
        #: The fields a vocabulary's word sets (政治面貌: party_status and other_party).
        self.vocabulary_fields: set[str] = set()
        for c in plan.columns:
            if c.field is None:
                continue
            if c.part is not None:
                self.parts.append(c)
                continue
            vocabulary = VOCABULARIES.get(c.field) if self.cadres else None
            if vocabulary is not None:
                self.fields.append((c, c.field, _Remembered(_vocabulary_reader(vocabulary)), True))
                self.vocabulary_fields.update(*vocabulary.words.values())
            else:
                read = self._cell_reader(shapes[c.field], names)
                self.fields.append((c, c.field, _Remembered(read), False))
        has_id = any(c.field == "id" for c in plan.columns)
        self.ids = ids if not has_id and ids is not None and ids.kind == plan.target.name else None
        self.existing = _existing(names.ledger if names is not None else None, plan.target.name)
        self.kind = KINDS_BY_NAME.get(plan.target.name)
        self.keyed = self.kind is not None and self.kind.keyed
        self.details = [c for c in plan.columns if c.detail is not None]
        self.header_names = {
            normalize_header(c.header) for c in plan.columns if c.field is not None
        } | {normalize_header(lv) for c in plan.columns for lv in c.header.split(LEVEL_SEPARATOR)}
        self.columns_by_field = {c.field: c for c in plan.columns if c.field and not c.part}
        self.county = county
        self.counties = counties if "county_id" not in self.columns_by_field else None
        #: Rows whose month-only birth date the ID number completed.
        self.birth_from_id = 0
        #: Whether a date cell gives a month only, remembered for each distinct cell.
        self.month_only = _Remembered(is_month_only)
        self.birth_column = self.columns_by_field.get("birth_date")
        self.gender_from_id = "gender" not in self.columns_by_field

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
            return _id_number_first(clean) if shape.name == "national_id" else clean

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
        cell = cells[first.index]
        # (what normalize_header gives letters and digits: the cell in lower case)
        word = cell.lower() if cell.isascii() and cell.isalnum() else normalize_header(cell)
        if word not in self.header_names:
            return False  # the cheap test first: most rows are data
        names = {normalize_header(c) for c in cells if isinstance(c, str)}
        return len(names & self.header_names) >= max(2, len(self.header_names) // 2)

    def read(self, number: int, cells: list[Any]) -> RowResult:
        """One data row as a record, or the problems that keep it out."""
        problems: list[Problem] = []
        data: dict[str, Any] = {}
        failed: set[str] = set()
        for column, name, clean, many in self.fields:
            value = cells[column.index] if column.index < len(cells) else None
            try:
                cleaned = clean(value)
            except CellError as exc:
                problems.append(Problem(self._at(number, column), exc.message, code=exc.code))
                failed.add(name)
                continue
            if cleaned is _OMIT:
                continue
            if many:
                data.update(cleaned)
            else:
                data[name] = cleaned
        return self._finish(number, cells, data, problems, failed)

    def read_many(self, rows: Sequence[tuple[int, list[Any]]]) -> Iterator[RowResult]:
        """:meth:`read` of each row, in order, with the same results: but a column at a time,
        each distinct cell of a column read once (a roster repeats most of its cells).

        A generator: a row whose reading raises (not a problem of the row: a fault) raises when
        its turn comes, after the rows above it were given, as :meth:`read` row by row would.
        """
        try:
            every = [cells for _number, cells in rows]
            columns = self._read_columns(every)
            # whether each row's birth date cell gives a month only, should the row ask
            months = self._months_only(every) if self.cadres else None
        except Exception:  # a fault in a cell's reading: row by row, it raises at its own row
            for number, cells in rows:
                yield self.read(number, cells)
            return
        fields = [
            (column, name, many, results)
            for (column, name, _clean, many), results in zip(self.fields, columns, strict=True)
        ]
        # the rows with a cell refused, read as read() reads them (each refusal in its turn)
        refused: set[int] = set()
        for (_column, _name, clean, _many), results in zip(self.fields, columns, strict=True):
            if clean.refusals:
                refused.update(i for i, value in enumerate(results) if type(value) is _Refused)
        # the other rows: their values at once, and a vocabulary's (政治面貌: two fields) after
        # them, unless a vocabulary sets a field that has its own column (then in column order)
        names = [name for _column, name, many, _results in fields if not many]
        singles = [results for _column, _name, many, results in fields if not many]
        several = [results for _column, _name, many, results in fields if many]
        if self.vocabulary_fields & set(names):
            refused = set(range(len(rows)))
        finish = self._finish
        by_row = zip(*singles, strict=True) if singles else itertools.repeat((), len(rows))
        for i, ((number, cells), values) in enumerate(zip(rows, by_row, strict=True)):
            problems: list[Problem] = []
            failed: set[str] = set()
            if i not in refused:
                data = {
                    name: value
                    for name, value in zip(names, values, strict=True)
                    if value is not _OMIT
                }
                for results in several:
                    if results[i] is not _OMIT:
                        data.update(results[i])
                yield finish(number, cells, data, problems, failed, months[i] if months else None)
                continue
            data = {}
            for column, name, many, results in fields:
                cleaned = results[i]
                if cleaned is _OMIT:
                    continue
                if type(cleaned) is _Refused:
                    problems.append(
                        Problem(self._at(number, column), cleaned.message, code=cleaned.code)
                    )
                    failed.add(name)
                elif many:
                    data.update(cleaned)
                else:
                    data[name] = cleaned
            yield finish(number, cells, data, problems, failed, months[i] if months else None)

    def _months_only(self, rows: list[list[Any]]) -> list[Any] | None:
        """Whether each row's birth date cell gives a month only (:meth:`_month_only` of each
        row), or None without a birth date column."""
        if self.birth_column is None:
            return None
        index = self.birth_column.index
        known = self.month_only
        return known.column([row[index] if index < len(row) else None for row in rows])

    def _read_columns(self, rows: list[list[Any]]) -> list[list[Any]]:
        """Each field's cells of ``rows`` read: a value, ``_OMIT``, or a :class:`_Refused`."""
        width = min(map(len, rows), default=0)
        columns: list[list[Any]] = []
        for column, _name, clean, _many in self.fields:
            index = column.index
            if index < width:
                columns.append(clean.column(list(map(itemgetter(index), rows))))
            else:  # (a row too short for the column: an empty cell)
                cells = [row[index] if index < len(row) else None for row in rows]
                columns.append(clean.column(cells))
        return columns

    def _finish(
        self,
        number: int,
        cells: list[Any],
        data: dict[str, Any],
        problems: list[Problem],
        failed: set[str],
        month_only: bool | None = None,
    ) -> RowResult:
        """A row whose cells are read: what is left to work out, then the record validated.
        ``month_only``: whether its birth date cell gives a month only, if known."""
        if self.parts:
            self._date_from_parts(number, cells, data, problems, failed)
        if self.cadres:
            self._cadre(number, cells, data, problems, failed, month_only)
        if self.services:
            self._service_details(number, cells, data, problems, failed)
        if self.ids is not None:
            if problems:
                failed.add("id")  # given once the row is right; not a problem of its own
            else:
                data["id"] = self.ids.id_for(data)
        if self.cadres and "county_id" not in data and "county_id" not in failed:
            self._county(number, data, problems, failed)
        existing = self.existing
        if existing is not None:
            if not self.keyed:
                data = self._over_existing(data)
            else:  # (the record of the same id, as _over_existing finds it, looked for here)
                key = data.get("id")
                if existing.get("" if key is None else str(key)) is not None:
                    data = self._over_existing(data)
        source = SourceRow(self.plan, number, cells)
        try:
            record = self.validate_python(data, context=self.context, by_alias=False, by_name=True)
        except ValidationError as exc:
            problems += self._validation_problems(number, exc, failed)
            return RowResult(source, None, problems)
        if problems:
            return RowResult(source, None, problems)
        return RowResult(source, record, problems)  # (empty: the list made for the row)

    # -- what a roster leaves to be worked out ------------------------------------------------

    def _date_from_parts(
        self,
        number: int,
        cells: list[Any],
        data: dict[str, Any],
        problems: list[Problem],
        failed: set[str],
    ) -> None:
        """A date written over several columns (出生 over 年 | 月): one value, the first of the
        month when no day is given."""
        by_field: dict[str, dict[str, tuple[Column, Any]]] = {}
        for column in self.parts:
            assert column.field is not None and column.part is not None
            value = cells[column.index] if column.index < len(cells) else None
            by_field.setdefault(column.field, {})[column.part] = (column, value)
        for name, parts in by_field.items():
            numbers: dict[str, int] = {}
            for part, (column, value) in parts.items():
                text = _nfkc(_as_text(value)) if value is not None else ""
                text = text.rstrip("年月日号")
                if not text:
                    continue
                if not text.isdigit():
                    problems.append(
                        Problem(
                            self._at(number, column),
                            Text(
                                f"“{column.header}”应为数字（值：{short(value)}）",
                                f"{column.header!r} must be a number (got {short(value)!r})",
                            ),
                            code="date.unreadable",
                        )
                    )
                    failed.add(name)
                    break
                numbers[part] = int(text)
            if name in failed or "year" not in numbers:
                continue
            try:
                data[name] = date(numbers["year"], numbers.get("month", 1), numbers.get("day", 1))
            except ValueError:
                column = parts["year"][0]
                problems.append(
                    Problem(
                        self._at(number, column),
                        Text(
                            "年、月、日合起来不是有效日期", "the year, month and day make no date"
                        ),
                        code="date.unreadable",
                    )
                )
                failed.add(name)
                continue
            if "day" not in numbers:
                data[_MONTH_ONLY_KEY + name] = True

    def _cadre(
        self,
        number: int,
        cells: list[Any],
        data: dict[str, Any],
        problems: list[Problem],
        failed: set[str],
        month_only_cell: bool | None = None,
    ) -> None:
        """What a roster row of a cadre leaves to be worked out: the birth date and sex from the
        ID number, the start of work from the revolution date, and the county.
        ``month_only_cell``: :meth:`_month_only` of the row, if known."""
        month_only = data.pop(_MONTH_ONLY_BIRTH, False) if self.parts else False
        national_id = data.get("national_id") if "national_id" not in failed else None
        if isinstance(national_id, str) and len(national_id) == 18:
            if "birth_date" not in failed:
                given = data.get("birth_date")
                birth_column = self.birth_column
                if given is None and birth_column is None and not self.parts:
                    born = national_id_birth_date(national_id)
                    if born is not None:
                        data["birth_date"] = born
                elif isinstance(given, date) and (
                    month_only
                    or (
                        birth_column is not None
                        and (
                            self._month_only(cells) if month_only_cell is None else month_only_cell
                        )
                    )
                ):
                    born = national_id_birth_date(national_id)
                    if born is not None and (given.year, given.month) == (born.year, born.month):
                        data["birth_date"] = born
                        self.birth_from_id += 1
                    elif born is not None:
                        self._birth_mismatch(number, given, born, problems)
                        failed.add("birth_date")
            if self.gender_from_id:
                data["gender"] = national_id_gender(national_id)
        if (
            "joined_work" not in data
            and "joined_work" not in failed
            and "joined_revolution" in data
        ):
            data["joined_work"] = data["joined_revolution"]

    def _month_only(self, cells: list[Any]) -> bool:
        """Whether the row's birth date cell gives a month only."""
        assert self.birth_column is not None
        index = self.birth_column.index
        cell = cells[index] if index < len(cells) else None
        known = self.month_only
        if len(known) >= REMEMBERED:
            known.restart()
        return bool(known[cell] if type(cell) is str else known(cell))

    def _birth_mismatch(
        self, number: int, given: date, born: date, problems: list[Problem]
    ) -> None:
        birth_column = self.birth_column
        where = self._at(number, birth_column) if birth_column else None
        id_column = self.columns_by_field["national_id"]
        part = "年份" if given.year != born.year else "月份"
        problems.append(
            Problem(
                where or self.plan.location(number, "birth_date"),
                Text(
                    f"“{where.field if where else '出生年月'}”与“{id_column.header}”"
                    f"中的出生年月不符（{part}不同）：请核对两者",
                    f"{(where.field if where else 'birth date')!r} and the birth "
                    f"date in {id_column.header!r} disagree (the "
                    f"{'year' if part == '年份' else 'month'} differs): check both",
                ),
                code="birth.id_mismatch",
            )
        )

    def _county(
        self, number: int, data: dict[str, Any], problems: list[Problem], failed: set[str]
    ) -> None:
        """The county of a roster row without one: ``--unit``'s or the 填报单位's, else the one its
        former unit names (a cadre the ledger holds keeps its own)."""
        if "county_id" in data or "county_id" in failed:
            return
        if self.existing is not None and str(data.get("id")) in self.existing:
            return
        if self.county is not None:
            data["county_id"] = self.county
            return
        if self.counties is None:
            return
        former = data.get("former_unit")
        found = self.counties.named_in(former) if isinstance(former, str) else []
        if len(found) == 1:
            data["county_id"] = found[0]
            return
        column = self.columns_by_field.get("former_unit")
        where = self._at(number, column) if column else self.plan.location(number, "county_id")
        if found:
            why = Text(
                f"无法确定所在县区：原工作单位同时指向 {self.counties.names(found)}",
                f"cannot tell the county: the former unit names several ({', '.join(found)})",
            )
        else:
            why = Text(
                "无法确定所在县区：表中没有“所在县区”列，填报单位和原工作单位都未指明县区；"
                f"可选 {self.counties.names(self.counties.by_id)}。请加“所在县区”列，或导入时用 "
                "--unit 指定县区",
                "cannot tell the county: there is no county column, and neither the filing unit "
                "nor the former unit names one; add a 所在县区 column or give --unit "
                f"(one of {', '.join(self.counties.by_id)})",
            )
        problems.append(Problem(where, why, code="county.undecided"))
        failed.add("county_id")

    def _over_existing(self, data: dict[str, Any]) -> dict[str, Any]:
        """A row about a record the ledger has: the sheet's columns over the record's values.

        A sheet with only some columns (a roster of phone numbers) changes only those fields.
        """
        if self.existing is None:
            return data
        kind = self.kind
        if kind is not None and kind.keyed:  # (what key_of gives, without a view of the row)
            key: Any = data.get("id")
            key = "" if key is None else str(key)
        else:
            try:
                key = kind.key_of(_KeyView(data)) if kind is not None else data.get("id")  # type: ignore[arg-type]
            except AttributeError:
                return data
        record = self.existing.get(str(key)) if key is not None else None
        if record is None:
            return data
        merged: dict[str, Any] = record.model_dump()
        fields = type(record).model_fields
        read = {name for _column, name, _read, _many in self.fields}
        read |= {c.field for c in self.parts if c.field}
        for name in read:
            if name in data:
                merged[name] = data[name]
            elif fields[name].is_required():
                merged.pop(name, None)  # an emptied required cell: validation says so
            else:
                merged[name] = fields[name].get_default(call_default_factory=True)
        for name in ("other_party", "details", "county_id", "birth_date", "gender", "joined_work"):
            if name in data and name in fields:
                merged[name] = data[name]
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
                    code="required.missing",
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
            problems += validation_problems(
                exc,
                model,
                lambda loc: self.plan.location(number, loc),
                prefix="details.",
            )
            failed.add("details")

    def _at(self, number: int, column: Column) -> Location:
        table = self.plan.table
        return Location(table.file, number, column.header, table.sheet, column.letter)

    def _validation_problems(
        self, number: int, exc: ValidationError, failed: set[str]
    ) -> list[Problem]:
        def skip(loc: str | None) -> bool:
            return bool(loc) and str(loc).split(".", 1)[0] in failed

        return validation_problems(
            exc, self.plan.target.model, lambda loc: self.plan.location(number, loc), skip
        )


#: The key under which a row's values note that a date had no day (taken out before validation).
_MONTH_ONLY_KEY = "\x00month-only:"
_MONTH_ONLY_BIRTH = _MONTH_ONLY_KEY + "birth_date"


#: How many distinct cells of one column a reader remembers the reading of (more, and it
#: starts again: a column of ID numbers has no cell twice).
REMEMBERED = 4096


class _Remembered(dict[Any, Any]):
    """A cell reader (``read``) that remembers what each distinct cell read as, or why it could
    not be read (a :class:`_Refused`).

    A roster repeats most of its cells: 男 and 女, 退休, the county, the same months. Reading
    one is pure (the cell alone decides), so a large roster reads each distinct cell once.
    """

    def __init__(self, read: Callable[[Any], Any]) -> None:
        super().__init__()
        self.read = read
        #: Cells refused so far: while there are none, no column read holds a refusal.
        self.refusals = 0
        #: Whether the column has shown no cell twice (ID numbers, phone numbers): then
        #: remembering costs more than it saves, and its cells are read as they come.
        self.distinct = False

    def __missing__(self, key: Any) -> Any:
        try:
            found = self.read(key[-1] if type(key) is tuple else key)
        except CellError as exc:
            found = _Refused(exc.message, exc.code)
            self.refusals += 1
        self[key] = found
        return found

    def __call__(self, value: Any) -> Any:
        """The cell ``value`` read; :class:`CellError` if it cannot be."""
        if len(self) >= REMEMBERED:
            self.restart()
        try:
            found = self[_cell_key(value)]
        except TypeError:  # an unhashable cell: read it every time
            return self.read(value)
        if type(found) is _Refused:
            raise CellError(found.message, found.code)
        return found

    def column(self, cells: list[Any]) -> list[Any]:
        """Every cell of ``cells`` read: its value, or a :class:`_Refused`."""
        if self.distinct:
            try:
                return list(map(self.read, cells))
            except CellError:  # (then cell by cell: each refusal at its own cell)
                return [self._refusing(value) for value in cells]
        if len(self) >= REMEMBERED:
            self.restart()
        before = len(self)
        if set(map(type, cells)) <= {str}:  # (a CSV file's: under themselves)
            out = list(map(self.__getitem__, cells))
        else:
            out = []
            for value in cells:
                try:
                    out.append(self[_cell_key(value)])
                except TypeError:  # an unhashable cell
                    out.append(self._refusing(value))
        if len(cells) >= DISTINCT_AFTER and len(self) - before == len(cells):
            self.distinct = True
            self.restart()
        return out

    def restart(self) -> None:
        """Forget every cell read (keeping count of the refusals given since)."""
        self.clear()

    def _refusing(self, value: Any) -> Any:
        try:
            return self.read(value)
        except CellError as exc:
            self.refusals += 1
            return _Refused(exc.message, exc.code)


#: How many cells of a column, each new, make it a column without repeats (see
#: :attr:`_Remembered.distinct`).
DISTINCT_AFTER = 512


def _cell_key(value: Any) -> Any:
    """What a cell is remembered under: text under itself, anything else with its type (``1``,
    ``1.0`` and ``True`` are equal in Python, not in a cell) and, but for whole numbers, its
    repr (``-0.0`` equals ``0.0``, and two times of day in two time zones may be equal)."""
    kind = type(value)
    if kind is str:
        return value
    if kind is int or kind is bool or value is None:
        return (kind, value)
    return (kind, repr(value), value)


@dataclass(frozen=True)
class _Refused:
    """A cell that could not be read, remembered."""

    message: Text
    code: str


def _vocabulary_reader(vocabulary: Vocabulary) -> Callable[[Any], Any]:
    def read(value: Any) -> Any:
        if value is None or (isinstance(value, str) and not clean_text(value)):
            return _OMIT
        return vocabulary.read(_as_text(value))

    return read


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


__all__ = [
    "HEADER_SCAN_ROWS",
    "IGNORED_HEADERS",
    "JURISDICTION",
    "REASON_HEADER",
    "SERVICE_RECORDS",
    "SYNONYMS",
    "Column",
    "ColumnMapping",
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
    "unknown_columns",
]
