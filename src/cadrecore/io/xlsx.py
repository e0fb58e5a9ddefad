"""A ledger as an .xlsx workbook: a sheet per record kind, Chinese headers, and back.

``export_xlsx(ledger, "ledger.xlsx")`` writes the sheet ``管辖`` (the jurisdiction), then a
sheet per record kind named by its Chinese label (``老干部``, ``活动记录``...), and a sheet per
service type (``服务记录-<type>``, with that type's own columns), every sheet with its kind's
Chinese column names. Importing the workbook (``cadrecore import ledger.xlsx``, or
:func:`cadrecore.io.importing.import_files`) gives back an equal ledger.

Personal data is masked unless the caller asks for it in clear (``unmask=True``). Cells hold
what a person would type: dates as date cells, amounts and counts as numbers,
closed sets by their Chinese names (退休), yes/no as 是/否, lists joined by ``;``, nested
structures (a checklist's items) as JSON. Text that a spreadsheet would run as a formula is
written so that none does (see :mod:`.cell_text`). A hidden sheet ``_cadrecore`` records the
format and the order of service records, which their sheets group by type.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Callable, Iterable
from contextlib import suppress
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import IO, Any
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.writer.excel import ExcelWriter
from pydantic import AliasChoices, BaseModel

from ..i18n import Text
from ..ledger import Ledger
from ..models import KINDS_BY_NAME, RECORD_KINDS, Cadre, Jurisdiction
from ..models.common import LabelledEnum, Sensitivity, sensitive_fields
from ..models.fields import FieldShape, field_shapes
from ..models.labels import zh_label
from ..models.services import plain_details
from ..privacy import mask_value
from ..progress import Progress
from ..store.codec import canonical_json
from .cell_text import to_sheet_text
from .folder import OutputPathError, refuse_link
from .workbook import text_cell

FORMAT_VERSION = 1
META_SHEET = "_cadrecore"
JURISDICTION_SHEET = "管辖"
#: The sheet of cadres (:func:`export_cadres`; :func:`export_xlsx` names it the same).
CADRES_SHEET = KINDS_BY_NAME["cadres"].label.zh
SERVICE_SHEET_PREFIX = "服务记录-"
#: Integers beyond this lose digits in a spreadsheet's floating-point numbers: written as text.
_EXACT_INT = 2**53


def header_of(name: str, *, person: bool = False) -> str:
    """The column name a field is exported under: its Chinese label, else its own name; of a
    person's record (``person``), the name a roster gives it (姓名, not 名称)."""
    return zh_label(name, person=person) or name


#: The record kinds whose records are people: their name is 姓名, as on a roster.
PERSON_KINDS = ("cadres", "staff")


def detail_header(model: type[BaseModel], name: str) -> str:
    """A service type's detail field under its Chinese label: a Chinese alias its model gives,
    else its Chinese ``title`` (``Field(title="体检医院")``), else its own name."""
    info = model.model_fields.get(name)
    alias = info.validation_alias if info is not None else None
    if info is not None and info.title and not info.title.isascii() and not _chinese_alias(alias):
        return info.title
    if isinstance(alias, AliasChoices):
        for choice in alias.choices:
            if isinstance(choice, str) and not choice.isascii():
                return choice
    return name


def _chinese_alias(alias: object) -> bool:
    if isinstance(alias, AliasChoices):
        return any(isinstance(c, str) and not c.isascii() for c in alias.choices)
    return False


def export_xlsx(
    ledger: Ledger,
    path: str | os.PathLike[str],
    *,
    unmask: bool = False,
    progress: Progress | None = None,
) -> Path:
    """Write ``ledger`` to the workbook ``path`` (see the module's docstring).

    Personal data (ID numbers, phones, addresses, health notes: :mod:`cadrecore.privacy`) is
    masked unless ``unmask``; a masked workbook is for reading, and importing it refuses the
    masked cells. Only an unmasked export gives back an equal ledger.

    The workbook is written to a new file beside ``path`` and then put in its place
    (``os.replace``): an export that fails leaves no file and the old one as it was, and never
    writes into the file a symbolic link points to (a ``path`` that is a link is refused,
    :class:`~cadrecore.io.folder.OutputPathError`; so is a folder). A file it replaces keeps
    its permissions, and one this process may not write is not replaced (``PermissionError``).
    The folders above ``path`` are made if missing.
    """
    target = Path(path)
    _write_file(target, lambda handle: _write_workbook(ledger, handle, unmask, progress))
    return target


def export_cadres(
    cadres: Iterable[Cadre], path: str | os.PathLike[str], *, unmask: bool = False
) -> Path:
    """Write ``cadres`` to the workbook ``path``: one sheet ``老干部`` with the columns and
    cells of :func:`export_xlsx`'s sheet of cadres, for a list chosen in Python (a county's
    cadres aged 80 or over: ``ledger.cadres_of_county(...)`` filtered by ``age_on``).

    Personal data is masked unless ``unmask``, with the masks of :func:`export_xlsx`
    (an ID number to its region code, a birth date to its year and month: see
    :mod:`cadrecore.privacy`). The file is written as :func:`export_xlsx` writes it (a new
    file put in place; a link or a folder refused).
    """
    target = Path(path)
    chosen = list(cadres)

    def write(handle: IO[bytes]) -> None:
        _save(handle, lambda book: _write_model_sheet(book, CADRES_SHEET, Cadre, chosen, unmask))

    _write_file(target, write)
    return target


def _write_file(target: Path, write: Callable[[IO[bytes]], None]) -> None:
    """Write a new file with ``write`` and put it at ``target`` (see :func:`export_xlsx`)."""
    refuse_link(target)
    if target.is_dir():
        raise OutputPathError(
            Text(
                f"{target} 是目录：请给出工作簿的文件名，如 {target / 'ledger.xlsx'}",
                f"{target} is a folder: give the workbook's file name, such as "
                f"{target / 'ledger.xlsx'}",
            )
        )
    if target.exists() and not os.access(target, os.W_OK):
        # a file made read-only is not replaced, as writing into it would not have been
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    # the new file first: a folder that cannot be written is known before any work is done
    descriptor, name = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name[:60]}.", suffix=".tmp"
    )
    try:
        with os.fdopen(descriptor, "wb") as handle:
            write(handle)
        os.chmod(name, _mode_for(target))
        os.replace(name, target)
    except BaseException:
        with suppress(OSError):
            os.unlink(name)
        raise


def _write_workbook(
    ledger: Ledger, handle: IO[bytes], unmask: bool, progress: Progress | None
) -> None:
    def fill(workbook: Workbook) -> None:
        _write_model_sheet(
            workbook, JURISDICTION_SHEET, Jurisdiction, [ledger.jurisdiction], unmask
        )
        total = sum(ledger.counts().values())
        done = 0
        for kind in RECORD_KINDS:
            records = ledger.records(kind.name)
            if kind.name == "service_records":
                _write_services(workbook, ledger, unmask)
            else:
                _write_model_sheet(workbook, kind.label.zh, kind.model, records, unmask)
            done += len(records)
            if progress:
                progress("export", done, total)
        _write_meta(workbook, ledger)

    _save(handle, fill)


def _save(handle: IO[bytes], fill: Callable[[Workbook], None]) -> None:
    """A write-only workbook that ``fill`` writes the sheets of, saved to ``handle``."""
    workbook = Workbook(write_only=True)
    archive: ZipFile | None = None
    try:
        fill(workbook)
        # openpyxl's Workbook.save (save_workbook), with the archive in our hands: when writing
        # fails it is closed here, not when collected later against a closed file
        archive = ZipFile(handle, "w", ZIP_DEFLATED, allowZip64=True)
        workbook.properties.modified = datetime.now(tz=UTC).replace(tzinfo=None)
        ExcelWriter(workbook, archive).save()
    except BaseException:
        # A write-only sheet streams its rows through a generator, and the archive writes its
        # directory when closed: one left open is finished as the process ends, against a closed
        # file, printing an "Exception ignored" traceback. Close them now; the file is dropped.
        for sheet in workbook.worksheets:
            with suppress(Exception):
                sheet.close()
        if archive is not None:
            with suppress(Exception):
                archive.close()
        raise


def _mode_for(target: Path) -> int:
    """The permissions of the file ``target`` is replacing, else what the umask gives."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _masking(model: type[BaseModel], unmask: bool) -> dict[str, Sensitivity]:
    return {} if unmask else sensitive_fields(model)


def _value(record: Any, name: str, masked: dict[str, Sensitivity]) -> Any:
    value = getattr(record, name)
    return value if name not in masked else mask_value(masked[name], value)


def _write_model_sheet(
    workbook: Workbook, title: str, model: type[BaseModel], records: Any, unmask: bool
) -> None:
    sheet = workbook.create_sheet(title)
    shapes = field_shapes(model)
    masked = _masking(model, unmask)
    person = any(model is KINDS_BY_NAME[kind].model for kind in PERSON_KINDS)
    sheet.append([header_of(s.name, person=person) for s in shapes])
    for record in records:
        sheet.append([cell(sheet, _value(record, s.name, masked), s) for s in shapes])


def _write_services(workbook: Workbook, ledger: Ledger, unmask: bool) -> None:
    by_type: dict[str, list[Any]] = {}
    for record in ledger.service_records:
        by_type.setdefault(record.service_type, []).append(record)
    service_model = KINDS_BY_NAME["service_records"].model
    common = [s for s in field_shapes(service_model) if s.name != "details"]
    taken: set[str] = set()
    for key, records in by_type.items():
        service_type = ledger.registry.service_types.get(key)
        model = service_type.details
        plain = [plain_details(r) for r in records]
        detail_names = list(service_type.columns or model.model_fields)
        found = dict.fromkeys(k for d in plain for k in d)
        detail_names += [k for k in found if k not in detail_names]
        sheet = workbook.create_sheet(_title(SERVICE_SHEET_PREFIX + key, taken))
        sheet.append(
            [header_of(s.name) for s in common] + [detail_header(model, n) for n in detail_names]
        )
        masked = _masking(service_model, unmask)
        for record, details in zip(records, plain, strict=True):
            row = [cell(sheet, _value(record, s.name, masked), s) for s in common]
            row += [detail_cell(sheet, details.get(n)) for n in detail_names]
            sheet.append(row)


def _write_meta(workbook: Workbook, ledger: Ledger) -> None:
    from .._version import __version__

    sheet = workbook.create_sheet(META_SHEET)
    sheet.sheet_state = "hidden"
    sheet.append(["format", FORMAT_VERSION, None, "service_records_order"])
    rows = [
        ["ledger", ledger.jurisdiction.id],
        ["exported", datetime.now().astimezone().isoformat(timespec="seconds")],
        ["cadrecore", __version__],
    ]
    order = [r.id for r in ledger.service_records]
    for i in range(max(len(rows), len(order))):
        left = rows[i] if i < len(rows) else [None, None]
        right = [to_sheet_text(order[i])] if i < len(order) else []
        sheet.append([*left, None, *right])


def _title(name: str, taken: set[str]) -> str:
    cleaned = "".join("_" if c in "[]:*?/\\" else c for c in name)[:31]
    title, n = cleaned, 2
    while title in taken:
        suffix = f"~{n}"
        title, n = cleaned[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title)
    return title


# ---------------------------------------------------------------------------------------------
# Cells
# ---------------------------------------------------------------------------------------------


def _text_cell(sheet: WriteOnlyWorksheet, text: str) -> Any:
    # exactly as it is: a name beginning with U+FEFF comes back with it (see .cell_text)
    return text_cell(sheet, text, exact=True)


def _date_cell(sheet: WriteOnlyWorksheet, day: date) -> Any:
    if day.year < 1900 or (day.year == 1900 and day.month < 3):
        return _text_cell(sheet, day.isoformat())  # before Excel's calendar (and its 1900 bug)
    written = WriteOnlyCell(sheet, value=datetime(day.year, day.month, day.day))
    written.number_format = "yyyy-mm-dd"
    return written


def _number(value: int | Decimal) -> Any:
    if isinstance(value, int):
        return value if abs(value) < _EXACT_INT else str(value)
    digits = value.as_tuple().digits
    return float(value) if len(digits) <= 15 else str(value)


def cell(sheet: WriteOnlyWorksheet, value: Any, shape: FieldShape) -> Any:
    """A field's value as a cell."""
    kind = shape.shape
    if value is None:
        # JSON's null where None is a value, not an absence (a parameter set to null)
        return _text_cell(sheet, "null") if kind == "json" and not shape.nullable else None
    if kind == "str":
        return _text_cell(sheet, value) if value else None
    if kind == "enum":
        return _text_cell(sheet, value.zh if isinstance(value, LabelledEnum) else str(value.value))
    if kind == "bool":
        return _text_cell(sheet, "是" if value else "否")
    if kind == "date":  # a masked birth date is text: 1950-03-**
        return _text_cell(sheet, value) if isinstance(value, str) else _date_cell(sheet, value)
    if kind in ("int", "decimal"):
        number = _number(value)
        return _text_cell(sheet, number) if isinstance(number, str) else number
    dumped = shape.adapter.dump_python(value, mode="json")
    if kind == "list":
        return _text_cell(sheet, ";".join(str(item) for item in dumped)) if dumped else None
    return _text_cell(sheet, canonical_json(dumped))


def detail_cell(sheet: WriteOnlyWorksheet, value: Any) -> Any:
    """A service record's detail value as a cell, as the ledger folder writes it."""
    if value is None:
        return None
    if isinstance(value, bool):
        return _text_cell(sheet, "true" if value else "false")
    if isinstance(value, list):
        if all(isinstance(v, str | int | float) and not isinstance(v, bool) for v in value):
            return _text_cell(sheet, ";".join(str(v) for v in value)) if value else None
        return _text_cell(sheet, canonical_json(value))
    if isinstance(value, dict):
        return _text_cell(sheet, canonical_json(value))
    if isinstance(value, Enum):
        value = value.value
    return _text_cell(sheet, str(value))
