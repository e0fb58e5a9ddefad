"""What every model shares: the frozen base, stable ids, dates, bilingual column names, keys.

Layer: the models, above ``errors`` and ``i18n`` only. A key of an open vocabulary is checked
against a registry that the layers above hand down (a validation context, else the registry in
force): nothing here imports the registry, the plugins or anything else above the models.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, NamedTuple

from pydantic import (
    AfterValidator,
    AliasChoices,
    AliasGenerator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    StringConstraints,
    ValidationInfo,
)
from pydantic.fields import ComputedFieldInfo, FieldInfo
from pydantic_core import core_schema

from .. import _in_force
from ..errors import BilingualValueError
from ..i18n import Text
from .labels import zh_aliases


def _validation_alias(name: str) -> AliasChoices:
    """Accept a field under its English name or its Chinese column name."""
    return AliasChoices(name, *zh_aliases(name))


def _field_title(name: str, info: FieldInfo | ComputedFieldInfo) -> str:
    """A JSON Schema title that shows both column names: ``出生日期 / birth_date``."""
    del info
    aliases = zh_aliases(name)
    return f"{aliases[0]} / {name}" if aliases else name


class Record(BaseModel):
    """Base of every domain record: immutable, strict about unknown fields, bilingual names."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        alias_generator=AliasGenerator(validation_alias=_validation_alias),
        str_strip_whitespace=True,
        use_enum_values=False,
        validate_default=False,
        field_title_generator=_field_title,
        defer_build=True,
    )


# ---------------------------------------------------------------------------------------------
# Personal data: fields are tagged with how sensitive they are (see cadrecore.privacy)
# ---------------------------------------------------------------------------------------------


class Sensitivity(StrEnum):
    """Kinds of personal data; exports and reports mask tagged fields unless told not to."""

    ID_NUMBER = "id_number"
    BIRTH_DATE = "birth_date"
    #: A retirement date: most cadres retire on their 55th or 60th birthday, so its day, beside
    #: a birth date masked to its month, gives the birth date (and most of the ID number) away.
    RETIREMENT_DATE = "retirement_date"
    CONTACT = "contact"
    ADDRESS = "address"
    HEALTH = "health"


class Sensitive:
    """Marks a field as personal data of a kind: ``Annotated[str, Sensitive(Sensitivity.CONTACT)]``."""

    __slots__ = ("kind",)

    def __init__(self, kind: Sensitivity) -> None:
        self.kind = kind

    def __repr__(self) -> str:
        return f"Sensitive({self.kind.value!r})"


def sensitive_fields(model: type[BaseModel]) -> dict[str, Sensitivity]:
    """The personal-data fields of ``model`` and their kind."""
    found = {}
    for name, info in model.model_fields.items():
        for marker in info.metadata:
            if isinstance(marker, Sensitive):
                found[name] = marker.kind
    return found


# ---------------------------------------------------------------------------------------------
# Ids and text
# ---------------------------------------------------------------------------------------------

RecordId = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:\-]*$",
    ),
]
"""A record's own stable id: letters, digits and ``_ . : -``; never a national ID number."""
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Count = Annotated[int, "non-negative"]

# ---------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------

_DATE_RE = re.compile(r"^\s*(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?\s*$")
#: A month without a day, as rosters write it: ``1950.03``, ``1950年3月``, ``1950-3``, ``1950/03``.
_MONTH_RE = re.compile(r"^\s*(\d{4})\s*[-./年]\s*(\d{1,2})\s*月?\s*$")
#: Digits only: ``19500301`` (a day) or ``195003`` (a month).
_DIGITS_RE = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})?\s*$")


def parse_date(value: Any) -> Any:
    """Accept ISO dates and the forms rosters use; anything else is left to pydantic.

    Days: ``1950-03-01``, ``1950.3.1``, ``1950/03/01``, ``1950年3月1日``, ``19500301``. Months,
    which mean the first day of that month: ``1950.03``, ``1950-3``, ``1950年3月``, ``195003``.
    Full-width digits (``１９５０年３月``) are read as ASCII digits. Excel serial numbers are a
    spreadsheet's business, not a model's: see :mod:`cadrecore.io.dates`.
    """
    if not isinstance(value, str):
        return value
    text = value if value.isascii() else unicodedata.normalize("NFKC", value)
    m = _DATE_RE.match(text)
    if m:
        y, mo, d = (int(g) for g in m.groups())
        return _day(y, mo, d)
    m = _MONTH_RE.match(text)
    if m:
        return _day(int(m.group(1)), int(m.group(2)), 1)
    m = _DIGITS_RE.match(text)
    if m and 1800 <= int(m.group(1)) <= 2200:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
        except ValueError:
            return value  # not a date in digits after all: pydantic says what is wrong
    return text if text is not value else value


def _day(year: int, month: int, day: int) -> date:
    """The day, or why there is none, in both languages (never Python's own words)."""
    try:
        return date(year, month, day)
    except ValueError:
        if not 1 <= month <= 12:
            why = Text(f"没有 {month} 月", f"there is no month {month}")
        else:
            why = Text(f"{month} 月没有 {day} 日", f"month {month} has no day {day}")
        raise BilingualValueError(
            Text(f"日期不存在：{why.zh}", f"no such date: {why.en}"), "date.unreadable"
        ) from None


Date = Annotated[date, BeforeValidator(parse_date)]
"""A ``datetime.date`` that also accepts the ways a ledger's cells write one (``2022-05-01``,
``2022年5月1日``, ``2022/5/1``...)."""


class MonthDay(NamedTuple):
    """A day of the year without the year: a due date such as (6, 30)."""

    month: int
    day: int

    def in_year(self, year: int) -> date:
        """This day in ``year`` (29 February falls back to 28 February in a common year)."""
        try:
            return date(year, self.month, self.day)
        except ValueError:
            return date(year, self.month, self.day - 1)

    def __str__(self) -> str:
        return f"{self.month:02d}-{self.day:02d}"


def _parse_month_day(value: Any) -> Any:
    if isinstance(value, str):
        m = re.match(r"^\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?\s*$", value)
        if not m:
            raise BilingualValueError(
                Text("应为月和日，如 06-30", "expected a month and day such as 06-30"),
                "date.unreadable",
            )
        value = (int(m.group(1)), int(m.group(2)))
    return value


def _check_month_day(value: MonthDay) -> MonthDay:
    month, day = value
    try:
        date(2000, month, day)  # (a leap year: 02-29 is a day of the year)
    except (TypeError, ValueError):
        raise BilingualValueError(
            Text(f"没有 {month} 月 {day} 日这一天", f"there is no day {month:02}-{day:02}"),
            "date.unreadable",
        ) from None
    return MonthDay(month, day)


MonthDayField = Annotated[
    MonthDay, BeforeValidator(_parse_month_day), AfterValidator(_check_month_day)
]


# ---------------------------------------------------------------------------------------------
# Lists in a cell: "书法;绘画" or "书法、绘画"
# ---------------------------------------------------------------------------------------------

_SPLIT_RE = re.compile(r"[;；、,，|]")


def split_cell(value: Any) -> Any:
    """A string in a cell becomes a tuple of its parts; other values pass through."""
    if isinstance(value, str):
        return tuple(part.strip() for part in _SPLIT_RE.split(value) if part.strip())
    return value


# ---------------------------------------------------------------------------------------------
# Closed sets (StrEnum): each value has a Chinese label, and Chinese is accepted on input
# ---------------------------------------------------------------------------------------------


class LabelledEnum(StrEnum):
    """A closed set whose members carry a label in each language; input may use the key or
    either label. Messages show a member by its :attr:`label` in the run's language (退休,
    ``ordinary retirement (tuixiu)``), never by its bare key."""

    @classmethod
    def zh_labels(cls) -> dict[str, str]:
        """Chinese labels by key (``tuixiu``: ``退休``); each subclass gives its own."""
        raise NotImplementedError

    @classmethod
    def en_labels(cls) -> dict[str, str]:
        """English labels by key: the key in words (``public_institution``: ``public
        institution``) unless a subclass says better (a pinyin key such as ``tuixiu``)."""
        return {m.value: m.value.replace("_", " ") for m in cls}

    @property
    def zh(self) -> str:
        """The member's Chinese label."""
        return self.zh_labels()[self.value]

    @property
    def en(self) -> str:
        """The member's English label (the key in words if the subclass gives none)."""
        return self.en_labels().get(self.value) or self.value.replace("_", " ")

    @property
    def label(self) -> Text:
        """The member's label in both languages (``label(lang)``: in one)."""
        return Text(self.zh, self.en)

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if isinstance(value, str):
            text = value.strip()
            for key, label in cls.zh_labels().items():
                if text in (label, key) or text.lower() == key:
                    return cls(key)
            for key, label in cls.en_labels().items():
                if text.lower() == label.lower():
                    return cls(key)
        return None


class LeadingBody(LabelledEnum):
    """The four leading bodies (四大班子) whose leaders attend the yearly briefing."""

    PARTY_COMMITTEE = "party_committee"
    PEOPLES_CONGRESS = "peoples_congress"
    GOVERNMENT = "government"
    CPPCC = "cppcc"

    @classmethod
    def zh_labels(cls) -> dict[str, str]:
        return {
            "party_committee": "党委",
            "peoples_congress": "人大",
            "government": "政府",
            "cppcc": "政协",
        }

    @classmethod
    def en_labels(cls) -> dict[str, str]:
        return {
            "party_committee": "party committee",
            "peoples_congress": "people's congress",
            "government": "government",
            "cppcc": "CPPCC",
        }


# ---------------------------------------------------------------------------------------------
# Keys of open vocabularies, checked against the registry in force
# ---------------------------------------------------------------------------------------------


class KeyOf:
    """Marks a ``str`` field as a key of one registry vocabulary (``Annotated[str, KeyOf(...)]``).

    The registry comes from the validation context (``context={"registry": reg}``) when one is
    given, else it is the registry in force, the plugin manager in use's (the plugins are a
    layer above the models: the package hands their registry down, see ``cadrecore._in_force``): a branch type no plugin registered is a
    validation error on the field, with the registered keys listed.
    """

    def __init__(self, vocabulary: str) -> None:
        self.vocabulary = vocabulary

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> Any:
        return core_schema.with_info_after_validator_function(self._check, handler(source))

    def __get_pydantic_json_schema__(self, schema: Any, handler: GetJsonSchemaHandler) -> Any:
        result = handler(schema)
        result["description"] = f"a key registered in the {self.vocabulary} vocabulary"
        result["x-cadrecore-vocabulary"] = self.vocabulary
        return result

    def _check(self, value: str, info: ValidationInfo) -> str:
        context = info.context if isinstance(info.context, dict) else {}
        registry = context.get("registry") or _in_force.registry_in_force()
        vocab = registry.vocabulary(self.vocabulary)
        if value not in vocab:
            raise BilingualValueError(
                vocab.unknown_text(value),
                "value.unknown_key",
            )
        return value
