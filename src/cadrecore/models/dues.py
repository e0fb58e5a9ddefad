"""Retired members' party dues (党费): the monthly record, hardship reductions, the amount due.

中组发〔2008〕3号《关于中国共产党党费收缴、使用和管理的规定》(2008-02-28, in force from
2008-04-01, 第三十二条) sets what a retired member pays each month: the monthly pension is the
base, and the member pays 0.5 % of it when it is 5,000 yuan or less (5,000 included) and 1 % when
it is more: the rate of the band the base falls in applies to the whole base, not to the part
above 5,000 (第五条). A member in real hardship may pay less or nothing, as the branch decides
(第七条); from the month a pension changes, the new pension is the base (第十条). The base is the
basic pension (基本离退休费, 基本养老金): allowances and subsidies (津补贴) are not part of it
(中共中央组织部 组电明字〔2017〕5号, which also lets a retiree's branch agree a reduction itself).

The rates are a dated rule parameter (``party_dues.retiree_rate_bands``), not literals here;
:func:`expected_dues` computes an amount from a base and the bands in force, in ``Decimal``
and to the fen. Amounts are never floats: a record refuses one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Annotated, Any, Self

from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from ..errors import BilingualValueError
from ..i18n import Text
from .common import Date, Record, RecordId, Sensitive, Sensitivity, parse_date

FEN = Decimal("0.01")
"""One fen (分), the smallest amount of money: every amount is kept to it."""

_MOST_YUAN = Decimal(10) ** 12  # (14 digits, 2 of them after the point: the store's NUMERIC)


def exact_yuan(value: Any) -> Any:
    """An amount of yuan as a ``Decimal`` to the fen, from a ``Decimal``, a whole number or the
    text of a cell (``25``, ``25.5``, ``25.50``); a float, a bool, NaN or an infinity, a negative
    amount or one finer than the fen is refused, in both languages. (Floats are refused rather
    than rounded: ``0.1 + 0.2`` is not ``0.3``, and an amount that went through a float may not be
    the amount that was written.)"""
    if isinstance(value, bool):
        raise BilingualValueError(
            Text("金额应为数字（如 25.00）", "an amount must be a number such as 25.00"),
            "value.invalid",
        )
    if isinstance(value, float):
        raise BilingualValueError(
            Text(
                "金额须写作十进制数（如 25.00），不能是浮点数",
                "an amount is a decimal number such as 25.00, never a float",
            ),
            "value.invalid",
        )
    if isinstance(value, str):
        try:
            value = Decimal(value.strip())
        except InvalidOperation:
            raise BilingualValueError(
                Text("金额应为数字（如 25.00）", "an amount must be a number such as 25.00"),
                "value.invalid",
            ) from None
    elif isinstance(value, int):
        value = Decimal(value)
    if not isinstance(value, Decimal):
        return value  # (pydantic says what it is not)
    if not value.is_finite():
        raise BilingualValueError(
            Text(
                "金额应为数字，不能是 NaN 或无穷大",
                "an amount must be a number, not NaN or infinite",
            ),
            "value.invalid",
        )
    if value < 0:
        raise BilingualValueError(
            Text("金额不能为负数", "an amount cannot be negative"), "value.out_of_range"
        )
    if value >= _MOST_YUAN:
        raise BilingualValueError(Text("金额过大", "the amount is too large"), "value.out_of_range")
    if value != value.quantize(FEN):
        raise BilingualValueError(
            Text("金额最多两位小数（到分）", "an amount has at most two decimal places (the fen)"),
            "value.invalid",
        )
    return value.quantize(FEN)


Yuan = Annotated[Decimal, BeforeValidator(exact_yuan), Field(ge=0, max_digits=14, decimal_places=2)]
"""An amount of yuan: a ``Decimal`` of at most two decimal places, never negative, never a float
(:func:`exact_yuan`)."""


def _first_of_month(value: date) -> date:
    if value.day != 1:
        raise BilingualValueError(
            Text("应为月份，如 2022-04", "expected a month such as 2022-04"), "date.unreadable"
        )
    return value


Month = Annotated[date, BeforeValidator(parse_date), AfterValidator(_first_of_month)]
"""A month, written ``2022-04`` (or ``2022年4月``, ``2022.4``), kept as its first day."""

Year = Annotated[int, Field(ge=1921, le=2200)]
MonthNumber = Annotated[int, Field(ge=1, le=12)]


def month_end(first: date) -> date:
    """The last day of the month that begins on ``first``."""
    following = (
        date(first.year + 1, 1, 1) if first.month == 12 else first.replace(month=first.month + 1)
    )
    return date.fromordinal(following.toordinal() - 1)


class PartyDues(Record):
    """What a member paid in party dues (党费) for one month, as the branch's register records it.

    One record per member and month (``year`` and ``month``): the total paid for that month
    (``paid_yuan``, a back payment included), the pension base it was worked out from when the
    register gives it, the day it was paid, and the branch that collected it (the member's
    branch in that month). A month with no record is a month not paid.
    """

    cadre_id: RecordId
    branch_id: RecordId
    year: Year
    month: MonthNumber
    paid_yuan: Yuan
    pension_base_yuan: Annotated[
        Yuan | None,
        Field(
            description=(
                "the monthly basic pension (基本离退休费 or 基本养老金) the dues are worked out "
                "from, allowances and subsidies (津补贴) excluded; empty: the base of the "
                "member's nearest month before (from the month a pension changes, the new one "
                "is the base)"
            )
        ),
    ] = None
    paid_on: Date | None = None

    @property
    def month_start(self) -> date:
        """The first day of the month paid for."""
        return date(self.year, self.month, 1)


class DuesReduction(Record):
    """A hardship reduction (党费减免): a member who pays less than the rate gives, or nothing,
    for a span of months, as the branch decided.

    ``reduced_to_yuan`` is what the member pays each month instead (or ``exempt``: nothing);
    ``from_month`` and ``to_month`` bound the months (``to_month`` empty: until further notice).
    The branch's decision is the evidence and is required: the day it was taken
    (``decided_on``) and where it is written (``decision_ref``: the minutes of the committee
    meeting, a document number). A reduction without them is refused when it is read.
    ``reason`` (a long illness, as often as not) is personal data, masked as health notes are.
    """

    id: RecordId
    cadre_id: RecordId
    branch_id: RecordId
    from_month: Month
    to_month: Month | None = None
    reduced_to_yuan: Yuan | None = None
    exempt: bool = False
    decided_on: Date
    decision_ref: Annotated[str, Field(min_length=1)]
    #: why (a long illness, as often as not): masked in exports and reports as health notes are
    reason: Annotated[str, Sensitive(Sensitivity.HEALTH)] = ""

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.exempt and self.reduced_to_yuan is not None:
            raise BilingualValueError(
                Text(
                    "免交的不再填写减交后金额",
                    "an exempt member has no reduced amount: give one or the other",
                ),
                "value.needs_other",
            )
        if not self.exempt and self.reduced_to_yuan is None:
            raise BilingualValueError(
                Text(
                    "减免须写明减交后每月金额，或注明免交",
                    "a reduction gives the reduced monthly amount (reduced_to_yuan) or exempt: true",
                ),
                "value.needs_other",
            )
        if self.to_month is not None and self.to_month < self.from_month:
            raise BilingualValueError(
                Text("截止月份早于起始月份", "to_month is before from_month"), "dates.order"
            )
        return self

    def covers(self, first: date) -> bool:
        """Whether the reduction holds for the month that begins on ``first``."""
        return self.from_month <= first and (self.to_month is None or first <= self.to_month)

    def due(self, standard: Decimal | None) -> Decimal:
        """What the member owes for a month the reduction covers, given what the rate would ask
        (``standard``; None when no pension base is known): nothing when exempt, else the
        reduced amount, never more than the rate asks."""
        if self.exempt or self.reduced_to_yuan is None:
            return Decimal("0.00")
        if standard is None:
            return self.reduced_to_yuan
        return min(self.reduced_to_yuan, standard)


# ---------------------------------------------------------------------------------------------
# The amount due
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DuesBand:
    """A band of the monthly pension base and its rate: a base up to and including ``up_to``
    yuan (None: no upper bound) pays ``rate`` of the whole base."""

    up_to: Decimal | None
    rate: Decimal


def _decimal(value: Any, what: str) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise ValueError(f"{what}: {value!r} is not a number")
    try:
        found = Decimal(str(value))  # (a YAML 0.005 is read as a float: its text, not its bits)
    except InvalidOperation:
        raise ValueError(f"{what}: {value!r} is not a number") from None
    if not found.is_finite() or found < 0:
        raise ValueError(f"{what}: {value!r} is not a non-negative number")
    return found


def dues_bands(value: Sequence[Mapping[str, Any]]) -> tuple[DuesBand, ...]:
    """The bands a parameter's value gives: a list of ``{up_to, rate}`` mappings, bounds rising,
    the last without ``up_to`` (``[{up_to: "5000.00", rate: "0.005"}, {rate: "0.01"}]``).
    Numbers may be written as text or as numbers; they are read as decimals from their text.
    ValueError for a list that does not make bands."""
    bands: list[DuesBand] = []
    for number, entry in enumerate(value, 1):
        if not isinstance(entry, Mapping) or "rate" not in entry:
            raise ValueError(f"band {number}: expected a mapping with a rate, got {entry!r}")
        bound = entry.get("up_to")
        bands.append(
            DuesBand(
                None if bound is None else _decimal(bound, f"band {number} up_to"),
                _decimal(entry["rate"], f"band {number} rate"),
            )
        )
    if not bands or bands[-1].up_to is not None:
        raise ValueError("the last band has no up_to: every base falls in a band")
    bounds = [b.up_to for b in bands[:-1]]
    if any(b is None for b in bounds) or bounds != sorted(bounds):  # type: ignore[type-var]
        raise ValueError("every band but the last has an up_to, rising")
    return tuple(bands)


def expected_dues(base: Decimal, bands: Sequence[DuesBand]) -> Decimal:
    """The monthly dues a retired member owes on the pension ``base``, in yuan to the fen.

    The base falls in the first band whose ``up_to`` it does not exceed (a base equal to the
    bound is in that band: "5,000 yuan or less, 5,000 included"); that band's rate applies to
    the **whole** base, not to the part above the bound (中组发〔2008〕3号 第五条). The product is
    rounded to the fen, half up (``ROUND_HALF_UP``: 0.005 yuan becomes 0.01). Decimal
    throughout: a float base is a ``TypeError``.

    ```python
    from decimal import Decimal

    from cadrecore.models import DuesBand, expected_dues

    bands = (DuesBand(Decimal("5000.00"), Decimal("0.005")), DuesBand(None, Decimal("0.01")))
    assert expected_dues(Decimal("4000.00"), bands) == Decimal("20.00")
    assert expected_dues(Decimal("5000.00"), bands) == Decimal("25.00")  # 5,000 included
    assert expected_dues(Decimal("5000.01"), bands) == Decimal("50.00")  # 1 % of the whole
    assert expected_dues(Decimal("3457.00"), bands) == Decimal("17.29")  # 17.285, half up
    ```
    """
    if not isinstance(base, Decimal):
        raise TypeError(f"a pension base is a Decimal, not {type(base).__name__}")
    if not base.is_finite() or base < 0:
        raise ValueError(f"a pension base is a non-negative amount, not {base}")
    for band in bands:
        if band.up_to is None or base <= band.up_to:
            return (base * band.rate).quantize(FEN, rounding=ROUND_HALF_UP)
    raise ValueError("the bands leave the base out: the last band has no up_to")
