"""Strategies for how a ledger adjusts its judging: JSON values and parameter keys, parameter
overrides (a ledger's own value for a rule parameter, from a date) and waivers (a named
exemption from a rule for a span of time).

Layer: ``strategies``; imports the models and ``_common``; never the package's ``__init__``
or its other modules (``_ledgers`` imports this one), ``cadrecore.testing`` or the CLI.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from ..models import ParameterOverride, Waiver
from ._common import _after, _dates, _optional, _or, names, nonempty_texts, record_ids, texts

# =============================================================================================
# How a ledger adjusts its judging: parameter overrides and waivers
# =============================================================================================


@cache
def json_values() -> SearchStrategy[Any]:
    """A small JSON value: scalars, and lists and string-keyed mappings of them."""
    scalars = (
        st.none()
        | st.booleans()
        | st.integers(-(10**9), 10**9)
        | st.floats(allow_nan=False, allow_infinity=False)
        | texts(12)
    )
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(names(6), inner, max_size=3),
        max_leaves=6,
    )


@cache
def parameter_keys() -> SearchStrategy[str]:
    """A parameter key such as ``plan.target.standardized_venues``."""
    return st.from_regex(r"\A[a-z][a-z0-9_.]{0,24}\Z")


def parameter_overrides(
    *,
    ids: SearchStrategy[str] | None = None,
    keys: SearchStrategy[str] | None = None,
    unit_ids: SearchStrategy[str | None] | None = None,
) -> SearchStrategy[ParameterOverride]:
    """A ledger's own value for a rule parameter from a date, with its authority."""
    return st.builds(
        ParameterOverride,
        id=_or(ids, record_ids()),
        key=_or(keys, parameter_keys()),
        value=json_values(),
        effective_from=_dates(),
        unit_id=_or(unit_ids, _optional(record_ids())),
        source=nonempty_texts(16),
    )


_SUBJECT_KINDS = ("cadres", "branches", "units")
_RULES = ("builtin::org_life.*", "builtin::branch.committee_required")


def _waiver(draw: st.DrawFn, *, id: str, subjects: SearchStrategy[tuple[str, str]]) -> Waiver:
    start = draw(_dates())
    kind, subject = draw(subjects)
    return Waiver(
        id=id,
        rule=draw(st.sampled_from(_RULES)),
        subject_kind=kind,
        subject_id=subject,
        effective_from=start,
        effective_to=draw(_optional(_after(start, 800))),
        reason=draw(nonempty_texts(16)),
        approved_by=draw(texts(6)),
    )


@cache
def _waiver_subjects() -> SearchStrategy[tuple[str, str]]:
    return st.one_of(
        st.just(("", "")),
        st.tuples(st.sampled_from(_SUBJECT_KINDS), st.just("")),
        st.tuples(st.sampled_from(_SUBJECT_KINDS), record_ids()),
    )


@st.composite
def waivers(
    draw: st.DrawFn,
    *,
    ids: SearchStrategy[str] | None = None,
    subjects: SearchStrategy[tuple[str, str]] | None = None,
) -> Waiver:
    """A named exemption from a rule (or a ``*`` pattern of rules) for a span of time.

    ``subjects`` draws ``(subject_kind, subject_id)`` pairs; an id never comes without a kind.
    """
    return _waiver(
        draw, id=draw(_or(ids, record_ids())), subjects=_or(subjects, _waiver_subjects())
    )
