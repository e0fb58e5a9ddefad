"""A cell as people type it, read as a field's value: text cleaned of stray and zero-width
spaces, numbers that Excel turned into floats, dates in the forms rosters use, yes/no as 是/否,
18-digit ID numbers whose check character is verified, masked values refused.

The importer reads a sheet in three steps, one module each: where the header is and which rows
under it are data (:mod:`cadrecore.io.headings`), each cell's value (this module), and the
values of a row made into a record (:mod:`cadrecore.io.spreadsheet`). Layer: ``io``; this
module imports the models and ``io``'s own lower modules (``dates``, ``cells``, ``cell_text``),
never ``spreadsheet``, ``importing``, the store, the reports or the CLI.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError

from ..i18n import Text
from ..models.cadres import (
    _ID_CHECK,
    national_id_check_char,
)
from ..models.common import Sensitivity
from ..models.fields import FieldShape
from ..privacy import MASK, is_masked, mask_value
from .cell_text import ZERO_WIDTH, ExactText
from .cells import normalize_bool_cell
from .dates import CellError, cell_date

_ZERO_WIDTH = ZERO_WIDTH
_CJK_SPACE = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")
_NUMBER_JUNK = re.compile(r"[\s,，]")
_OMIT = object()
#: What a masked value holds (see :func:`cadrecore.privacy.is_masked`).
_MASKED = MASK * 2


# =============================================================================================
# Cells to field values
# =============================================================================================


def clean_text(value: str) -> str:
    """Spaces (ASCII, full-width, non-breaking) and zero-width characters off both ends; text
    a ledger's export wrote to come back exactly (:class:`~.cell_text.ExactText`) as it is."""
    if type(value) is ExactText:
        return str(value)
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
    if type(value) is str and value.isascii() and " " not in value and value.isprintable():
        return value  # the common case: nothing to clean (no space at all, nothing to fold)
    text = _nfkc(_as_text(value))
    return text if " " not in text and text.isprintable() else "".join(text.split())


_AS_NUMBER = re.compile(r"^\d(\.\d+)?E\+\d+$", re.IGNORECASE)


def _as_number_error() -> CellError:
    return CellError(
        Text(
            "身份证号被存成了数字，末几位可能已丢失：请把该列设为文本格式后重新录入",
            "the ID number was stored as a number, which loses its last digits: "
            "format the column as text and enter it again",
        ),
        "id.as_number",
    )


def _check_national_id(value: Any) -> Any:
    """An ID number cell, checked; messages show it only masked, as every output does."""
    if (
        type(value) is str
        and len(value) == 18
        and value.isascii()
        and value[:17].isdigit()
        and value[17] == national_id_check_char(value[:17])
    ):
        return value  # the common case: 17 digits and their check character, as written
    if isinstance(value, float | Decimal) or (
        isinstance(value, int) and not isinstance(value, bool)
    ):
        raise _as_number_error()
    text = _code(value).upper()
    if not text:
        return _OMIT
    if _AS_NUMBER.match(text):
        raise _as_number_error()
    if len(text) == 18 and text[:17].isdigit() and text[17] == national_id_check_char(text[:17]):
        return text  # right once cleaned (full-width digits, spaces, a lower-case x)
    shown = mask_value(Sensitivity.ID_NUMBER, text)
    if len(text) == 15 and text.isdigit():
        raise CellError(
            Text(
                f"15 位旧身份证号 {shown}：请换成 18 位号码",
                f"{shown} is an old 15-digit ID number: give the 18-digit one",
            ),
            "id.old_15",
        )
    if len(text) != 18 or not text[:17].isdigit() or text[17] not in "0123456789X":
        raise CellError(
            Text(
                f"身份证号 {shown} 应为 17 位数字加 1 位校验码（数字或 X），此处 {len(text)} 位",
                f"ID number {shown} must be 17 digits and a check character (a digit or X); "
                f"it has {len(text)} characters",
            ),
            "id.length",
        )
    expected = national_id_check_char(text[:17])
    if text[17] != expected:
        raise CellError(
            Text(
                f"身份证号 {shown} 校验码（第 18 位）错误：按前 17 位应为 {expected}",
                f"ID number {shown}: the check character (18th) is wrong; the first 17 digits "
                f"give {expected}",
            ),
            "id.check_char",
        )
    return text


def _id_number_first(read: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``read`` (an ID number cell's reader), but an ID number as written, 17 digits and their
    right check character, given back at once: what ``read`` gives it (no mask, nothing to
    clean, no name to resolve), without its calls."""

    def first(value: Any) -> Any:
        if (
            type(value) is str
            and len(value) == 18
            and value.isascii()
            and value[:17].isdigit()
            and value[17] == _ID_CHECK[2 * int(value[:17], 13) % 11]
        ):
            return value
        return read(value)

    return first


def _refusing_masked(clean: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A personal-data cell as a masked export wrote it (``139****5678``) is no value to import."""

    def read(value: Any) -> Any:
        if type(value) is str and _MASKED not in value:
            return clean(value)
        if is_masked(value):
            raise CellError(
                Text(
                    "此值已脱敏（导出时未选择显示个人信息），不能导入",
                    "this value is masked (the file was exported without --unmask) and "
                    "cannot be imported",
                ),
                "value.masked",
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
    plain_code = kind == "str" and (name == "id" or name.endswith("_id") or name == "phone")
    if kind == "date":

        def as_date(value: Any) -> Any:
            day = cell_date(value, epoch)
            return _OMIT if day is None else day

        return as_date
    if kind == "str":
        is_code = name == "id" or name.endswith("_id") or name == "phone"
        is_name = name == "name"

        def as_str(value: Any) -> Any:
            if (
                plain_code
                and type(value) is str
                and value.isascii()
                and " " not in value
                and value.isprintable()
                and value
            ):
                return value  # (what _code gives such text, not empty: itself)
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
