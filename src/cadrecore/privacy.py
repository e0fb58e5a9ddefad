"""Personal data: which fields are sensitive, and masking them in exports, reports and messages.

Fields are tagged in the models (``Annotated[..., Sensitive(Sensitivity.ID_NUMBER)]``): the
national ID number, the birth date, phone, address and health notes. Exports and reports call
:func:`masked_dump`, which masks them unless the caller asks, explicitly, for the clear values
(and a store records that in its audit trail).

The masks are designed together, for the whole output rather than field by field, because an
ID number is made of other things an output may show: a region code (the county), the birth
date (digits 7 to 14), a sequence whose last digit is odd for men, and a check character the
first 17 digits decide. Keeping an ID's first six and last four characters beside the exact
birth date rebuilds it whole. So:

- an ID number keeps only its region code (``140902************``), which the county beside it
  gives away anyway: the birth date, the sequence and the check character are hidden;
- a birth date keeps its year and month (``1950-03-**``), so the day is one of 28 to 31;
- so does a retirement date (``2010-03-**``): most cadres retire on their 55th or 60th
  birthday, and the day of the one beside the month of the other is the birth date;
- a phone keeps its first three and last four digits when at least four are hidden between
  them (an 11-digit mobile number: ``139****5678``); a shorter number keeps nothing;
- an address keeps its first six characters (the city and district, which the county beside it
  gives away), never more than half of it: a seven-character address kept to six would be a
  whole address in clear followed by ``***``;
- health notes keep nothing.

Every masked value holds at least two mask characters (:func:`is_masked`), so that an export
read back is known for masked and refused rather than imported as a value.

What remains of an ID, with everything else a masked output shows (county, sex, year and month
of birth), fits at least ``28 x 500 = 14,000`` numbers: :func:`id_candidates` counts them, and
the tests run that rebuild on synthetic cadres for every output that masks.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date
from typing import Any

from pydantic import BaseModel

from .models.cadres import national_id_check_char
from .models.common import Sensitivity, sensitive_fields

MASK = "*"
#: The region code an ID number keeps when masked.
ID_KEPT = 6
#: An ID number keeps its region code only when it is longer than this (a shorter one is a
#: typing error, whose first characters need not be a region).
ID_SHORTEST_KEPT = 10
#: The leading and trailing digits a phone number keeps, and the fewest hidden between them.
CONTACT_HEAD, CONTACT_TAIL, CONTACT_HIDDEN = 3, 4, 4
#: The most leading characters an address keeps (never more than half of it).
ADDRESS_KEPT = 6


def mask_value(kind: Sensitivity, value: Any) -> Any:
    """``value`` with the identifying part hidden (see the module's docstring). Empty values
    stay empty."""
    if value is None or value == "" or isinstance(value, bool):
        return value
    if kind in (Sensitivity.BIRTH_DATE, Sensitivity.RETIREMENT_DATE):
        day = value if isinstance(value, date) else _as_date(str(value))
        if day is None:  # not a date: nothing of it is shown
            return MASK * 3
        return f"{day.year:04d}-{day.month:02d}-{MASK * 2}"
    text = str(value)
    if kind is Sensitivity.ID_NUMBER:
        if len(text) > ID_SHORTEST_KEPT:
            return text[:ID_KEPT] + MASK * (len(text) - ID_KEPT)
        return MASK * 3
    if kind is Sensitivity.CONTACT:
        hidden = len(text) - CONTACT_HEAD - CONTACT_TAIL
        if hidden >= CONTACT_HIDDEN:
            return text[:CONTACT_HEAD] + MASK * hidden + text[-CONTACT_TAIL:]
        return MASK * max(3, len(text))
    if kind is Sensitivity.ADDRESS:
        return text[: min(ADDRESS_KEPT, len(text) // 2)] + MASK * 3
    return MASK * 3


def _as_date(text: str) -> date | None:
    """``text`` read as an ISO date (``1950-03-01`` or ``19500301``), or None: a date given as
    text is masked as a date is, never cut by its length (``19500301`` cut to seven characters
    would show the first digit of the day)."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def masked_dump(record: BaseModel, *, unmask: bool = False) -> dict[str, Any]:
    """``record.model_dump(mode="json")`` with its sensitive fields masked (unless ``unmask``)."""
    data = record.model_dump(mode="json")
    if unmask:
        return data
    for name, kind in sensitive_fields(type(record)).items():
        data[name] = mask_value(kind, getattr(record, name))
    return data


def is_masked(value: Any) -> bool:
    """Whether ``value`` looks masked (has a run of the mask character in it)."""
    return isinstance(value, str) and MASK * 2 in value


def id_candidates(
    masked_id: str | None,
    masked_birth: str | None,
    gender: str = "",
    *,
    limit: int | None = None,
) -> int:
    """How many 18-character ID numbers agree with what a masked output shows of one person:
    the masked ID (its kept characters), the masked birth date (year and month), and the sex
    (the 17th digit's parity). Counting stops at ``limit``: the rebuild a reader could try."""
    if not masked_id or len(masked_id) != 18:
        return limit or 10**17
    kept = {i: ch for i, ch in enumerate(masked_id) if ch != MASK}
    if not masked_birth or len(masked_birth) < 7 or not masked_birth[:4].isdigit():
        return limit or 10**17
    year, month = int(masked_birth[:4]), int(masked_birth[5:7])
    count = 0
    for day in range(1, monthrange(year, month)[1] + 1):
        born = f"{year:04d}{month:02d}{day:02d}"
        if any(kept.get(6 + i, ch) != ch for i, ch in enumerate(born)):
            continue
        for sequence in range(1000):
            if gender in ("男", "女") and (sequence % 2 == 1) != (gender == "男"):
                continue
            first17 = masked_id[:6] + born + f"{sequence:03d}"
            if any(kept.get(i, ch) != ch for i, ch in enumerate(first17)):
                continue
            if kept.get(17, "") not in ("", national_id_check_char(first17)):
                continue
            count += 1
            if limit is not None and count >= limit:
                return count
    return count
