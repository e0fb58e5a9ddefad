"""Personal data: which fields are sensitive, and masking them in exports and reports.

Fields are tagged in the models (``Annotated[..., Sensitive(Sensitivity.ID_NUMBER)]``): the
national ID number, phone, address and health notes. Exports and reports call
:func:`masked_dump`, which masks them unless the caller asks, explicitly, for the clear values
(and a store records that in its audit trail).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from .models.common import Sensitivity, sensitive_fields

MASK = "*"


def mask_value(kind: Sensitivity, value: Any) -> Any:
    """``value`` with the identifying part hidden: an ID keeps its region code and last four,
    a phone its first three and last four, an address its first six characters; health notes
    are hidden whole. Empty values stay empty."""
    if value is None or value == "" or isinstance(value, bool):
        return value
    text = str(value)
    if kind is Sensitivity.ID_NUMBER:
        return (
            text[:6] + MASK * max(0, len(text) - 10) + text[-4:]
            if len(text) > 10
            else MASK * len(text)
        )
    if kind is Sensitivity.CONTACT:
        return (
            text[:3] + MASK * max(0, len(text) - 7) + text[-4:]
            if len(text) > 7
            else MASK * len(text)
        )
    if kind is Sensitivity.ADDRESS:
        return text[:6] + MASK * 3 if len(text) > 6 else MASK * 3
    return MASK * 3


def masked_dump(record: BaseModel, *, unmask: bool = False) -> dict[str, Any]:
    """``record.model_dump(mode="json")`` with its sensitive fields masked (unless ``unmask``)."""
    data = record.model_dump(mode="json")
    if unmask:
        return data
    for name, kind in sensitive_fields(type(record)).items():
        data[name] = mask_value(kind, data.get(name))
    return data


def is_masked(value: Any) -> bool:
    """Whether ``value`` looks masked (has the mask character run in it)."""
    return isinstance(value, str) and MASK * 3 in value
