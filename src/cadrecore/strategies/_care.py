"""Strategies for the care of veteran cadres and the work's honours: opinions raised and
answered, treatment standards and the grants made under them, recognitions (of a unit, a cadre
or the jurisdiction).

Layer: ``strategies``; imports the models, ``_common`` and ``_cadres`` (the ranks a standard
applies to); never the package's ``__init__`` or its other modules (``_ledgers`` imports this
one), ``cadrecore.testing`` or the CLI.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from ..models import (
    Opinion,
    Recognition,
    RecognitionKind,
    RecognitionLevel,
    RetirementKind,
    TreatmentGrant,
    TreatmentStandard,
)
from ._cadres import _RANKS
from ._common import (
    _after,
    _dates,
    _optional,
    _or,
    _pick,
    _years,
    names,
    nonempty_texts,
    record_ids,
    texts,
)

_money: SearchStrategy[Decimal] = st.decimals(
    min_value=0, max_value=10**8, places=2, allow_nan=False, allow_infinity=False
)


# =============================================================================================
# Opinions, treatment, recognitions
# =============================================================================================

_CATEGORIES = ("", "医疗", "待遇", "活动", "其他")


def _opinion(
    draw: st.DrawFn, *, id: str, raised_at_id: str | None, assigned_unit_id: str
) -> Opinion:
    raised = draw(_dates())
    answered = draw(_optional(_after(raised, 400)))
    return Opinion(
        id=id,
        raised=raised,
        raised_at_id=raised_at_id,
        raised_by=draw(texts(6)),
        content=draw(nonempty_texts(24)),
        category=draw(st.sampled_from(_CATEGORIES)),
        assigned_unit_id=assigned_unit_id,
        answered=answered,
        answer=draw(nonempty_texts(24)) if answered else "",
        satisfied=draw(_optional(st.booleans())) if answered else None,
    )


@st.composite
def opinions(
    draw: st.DrawFn,
    *,
    ids: SearchStrategy[str] | None = None,
    raised_at_ids: SearchStrategy[str | None] | None = None,
    assigned_unit_ids: SearchStrategy[str] | None = None,
) -> Opinion:
    """An opinion raised by veteran cadres; if answered, after it was raised and with an answer."""
    return _opinion(
        draw,
        id=draw(_or(ids, record_ids())),
        raised_at_id=draw(_or(raised_at_ids, _optional(record_ids()))),
        assigned_unit_id=draw(_or(assigned_unit_ids, record_ids())),
    )


_TREATMENT_ITEMS = ("春节慰问金", "健康体检", "生活补贴", "护理费", "订阅报刊")


def _treatment_standard(
    draw: st.DrawFn, *, id: str, applies_to_unit_id: str | None
) -> TreatmentStandard:
    start = draw(_dates())
    return TreatmentStandard(
        id=id,
        name=draw(names()),
        treatment_item=draw(st.sampled_from(_TREATMENT_ITEMS) | names(8)),
        amount_yuan=draw(_money),
        applies_to_retirement_kind=draw(_optional(st.sampled_from(RetirementKind))),
        applies_to_rank=draw(st.sampled_from(_RANKS)),
        applies_to_unit_id=applies_to_unit_id,
        effective_from=start,
        effective_to=draw(_optional(_after(start, 8000))),
        source=draw(texts(12)),
    )


@st.composite
def treatment_standards(
    draw: st.DrawFn,
    *,
    ids: SearchStrategy[str] | None = None,
    unit_ids: SearchStrategy[str | None] | None = None,
) -> TreatmentStandard:
    """A standard for one treatment item, for everyone or for a retirement kind, rank or unit."""
    return _treatment_standard(
        draw,
        id=draw(_or(ids, record_ids())),
        applies_to_unit_id=draw(_or(unit_ids, _optional(record_ids()))),
    )


def _treatment_grant(
    draw: st.DrawFn, *, id: str, cadre_id: str, standard: TreatmentStandard
) -> TreatmentGrant:
    return TreatmentGrant(
        id=id,
        cadre_id=cadre_id,
        treatment_item=standard.treatment_item,
        year=draw(_years()),
        standard_id=standard.id,
        amount_yuan=draw(_money),
    )


@st.composite
def treatment_grants(
    draw: st.DrawFn,
    *,
    ids: SearchStrategy[str] | None = None,
    cadre_ids: SearchStrategy[str] | None = None,
    standards: SearchStrategy[TreatmentStandard] | None = None,
) -> TreatmentGrant:
    """A grant under a standard, for the standard's own treatment item."""
    return _treatment_grant(
        draw,
        id=draw(_or(ids, record_ids())),
        cadre_id=draw(_or(cadre_ids, record_ids())),
        standard=draw(_or(standards, treatment_standards())),
    )


def _recognition(
    draw: st.DrawFn, *, id: str, unit_ids: SearchStrategy[str], cadre_ids: SearchStrategy[str]
) -> Recognition:
    choices = ["none"]
    choices += [] if unit_ids.is_empty else ["unit"]
    choices += [] if cadre_ids.is_empty else ["cadre"]
    recipient = draw(_pick(choices))
    return Recognition(
        id=id,
        title=draw(names(16)),
        kind=draw(st.sampled_from(RecognitionKind)),
        level=draw(st.sampled_from(RecognitionLevel)),
        date=draw(_dates()),
        recipient_unit_id=draw(unit_ids) if recipient == "unit" else None,
        recipient_cadre_id=draw(cadre_ids) if recipient == "cadre" else None,
        source=draw(texts(12)),
    )


@st.composite
def recognitions(
    draw: st.DrawFn,
    *,
    ids: SearchStrategy[str] | None = None,
    unit_ids: SearchStrategy[str] | None = None,
    cadre_ids: SearchStrategy[str] | None = None,
) -> Recognition:
    """A dated recognition of a unit, of a cadre, or of the jurisdiction (never both)."""
    return _recognition(
        draw,
        id=draw(_or(ids, record_ids())),
        unit_ids=_or(unit_ids, record_ids()),
        cadre_ids=_or(cadre_ids, record_ids()),
    )
