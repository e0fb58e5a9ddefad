"""Strategies for services: a service type's details, drawn from its details model's annotations
(or from inputs the plugin gives) and kept canonically; service records of registered types,
their state consistent with their dates; service events, and histories a lifecycle allows.

Layer: ``strategies``; imports the models, the registry, ``cadrecore.services`` (lifecycles) and
``_common``; never the package's ``__init__`` or its other modules (``_ledgers`` imports this
one), ``cadrecore.testing`` or the CLI.
"""

from __future__ import annotations

import itertools
import types
import typing
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from functools import cache, lru_cache
from typing import Annotated, Any, Literal

import annotated_types
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy
from pydantic import BaseModel, ValidationError

from ..models import ServiceEvent, ServiceRecord, ServiceRole, ServiceState, split_cell
from ..registry import Registry, ServiceType
from ..services import Lifecycle
from ._common import (
    NAME_ALPHABET,
    T,
    _after,
    _dates,
    _integers,
    _keys,
    _or,
    _pick,
    _registry,
    _text,
    _validate,
    names,
    nonempty_texts,
    record_ids,
    texts,
)

#: Details inputs by service type key, for details models whose fields depend on each other.
DetailsInputs = Mapping[str, SearchStrategy[Mapping[str, Any]]]


# =============================================================================================
# Services
# =============================================================================================

_MISSING = object()
#: Text of detail fields: never empty, never padded, no line breaks (see _value_for).
_DETAIL_ALPHABET = NAME_ALPHABET + ",，。、;:-#()"
#: Characters for text fields with a pattern: printable ones only (no control characters, on
#: which Python's ``str.strip`` and pydantic's whitespace stripping disagree).
_PATTERN_ALPHABET = st.characters(
    codec="utf-8", exclude_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")
)


def _bounds(metadata: Sequence[Any]) -> tuple[Any, Any, bool, bool]:
    lo: Any = None
    hi: Any = None
    lo_open = hi_open = False
    for m in metadata:
        if isinstance(m, annotated_types.Ge):
            lo = m.ge
        elif isinstance(m, annotated_types.Gt):
            lo, lo_open = m.gt, True
        elif isinstance(m, annotated_types.Le):
            hi = m.le
        elif isinstance(m, annotated_types.Lt):
            hi, hi_open = m.lt, True
    return lo, hi, lo_open, hi_open


def _lengths(metadata: Sequence[Any]) -> tuple[int, int | None]:
    lo, hi = 0, None
    for m in metadata:
        min_length = getattr(m, "min_length", None)
        max_length = getattr(m, "max_length", None)
        if isinstance(min_length, int):
            lo = min_length
        if isinstance(max_length, int):
            hi = max_length
    return lo, hi


#: The characters of an item of a list kept in one cell: no separator of ``split_cell``.
_CELL_ITEM_ALPHABET = "".join(c for c in NAME_ALPHABET + "。:-#()" if c not in ";；、,，|")


def _splits_cells(marker: Any) -> bool:
    """Whether ``marker`` (an ``Annotated`` metadata item) is ``BeforeValidator(split_cell)``."""
    return getattr(marker, "func", None) is split_cell


def _value_for(annotation: Any, metadata: Sequence[Any] = ()) -> SearchStrategy[Any]:
    """A strategy for one field of a plugin's details model, from its annotation.

    It covers the common field types and their ``annotated_types`` bounds; anything else goes
    to ``st.from_type``. Values the model refuses are filtered out by :func:`service_details`.
    """
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is Annotated:
        return _value_for(args[0], [*metadata, *args[1:]])
    if origin in (typing.Union, types.UnionType):
        return st.one_of([st.none() if a is type(None) else _value_for(a, metadata) for a in args])
    if origin is Literal:
        return st.sampled_from(args)
    if annotation is type(None):
        return st.none()
    if annotation is bool:
        return st.booleans()
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return st.sampled_from(list(annotation))
    lo, hi, lo_open, hi_open = _bounds(metadata)
    if annotation is int:
        low = -(10**6) if lo is None else int(lo) + lo_open
        high = 10**6 if hi is None else int(hi) - hi_open
        return st.integers(low, max(low, high))
    if annotation is float:
        return st.floats(
            -1e6 if lo is None else lo,
            1e6 if hi is None else hi,
            exclude_min=lo_open,
            exclude_max=hi_open,
            allow_nan=False,
            allow_infinity=False,
        )
    if annotation is Decimal:
        return st.decimals(
            0 if lo is None else lo, 10**6 if hi is None else hi, places=2, allow_nan=False
        )
    if annotation is str:
        pattern = next(
            (m.pattern for m in metadata if isinstance(getattr(m, "pattern", None), str)), None
        )
        if pattern is not None:
            return st.from_regex(pattern, fullmatch=True, alphabet=_PATTERN_ALPHABET)
        min_len, max_len = _lengths(metadata)
        # Never empty: a ledger folder writes an empty cell for a missing value, so an empty
        # string and "not given" read back the same.
        return _text(_DETAIL_ALPHABET, max(min_len, 1), max_len or 16)
    if annotation is datetime:
        return st.datetimes(datetime(1990, 1, 1), datetime(2035, 12, 31))
    if annotation is date:
        return _dates()
    if origin in (list, tuple, set, frozenset) and args:
        if args[0] is str and any(_splits_cells(m) for m in metadata):
            # a list kept in one cell (split_cell): its items hold no separator and are not
            # blank, as a cell's items cannot (the convention the tutorial states)
            item: SearchStrategy[Any] = (
                _text(_CELL_ITEM_ALPHABET, 1, 12).map(str.strip).filter(bool)
            )
        else:
            item = _value_for(args[0])
        items = st.lists(item, max_size=3)
        return items if origin is list else items.map(origin)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _model_inputs(annotation)
    return st.from_type(annotation)


@cache
def _model_inputs(model: type[BaseModel]) -> SearchStrategy[dict[str, Any]]:
    """Input mappings for ``model``, fields with defaults sometimes left out."""
    fields: dict[str, SearchStrategy[Any]] = {}
    for name, info in model.model_fields.items():
        key = info.validation_alias if isinstance(info.validation_alias, str) else None
        key = key or info.alias or name
        value = _value_for(info.annotation, info.metadata)
        fields[key] = value if info.is_required() else (st.just(_MISSING) | value)
    return st.fixed_dictionaries(fields).map(
        lambda data: {k: v for k, v in data.items() if v is not _MISSING}
    )


def service_details(
    service_type: ServiceType, inputs: SearchStrategy[Mapping[str, Any]] | None = None
) -> SearchStrategy[dict[str, Any]]:
    """The ``details`` of a record of ``service_type``: valid for its details model and kept
    canonically, as a ledger folder keeps them (``model.model_validate(x).model_dump(mode="json")``).

    By default the inputs are drawn field by field from the model's annotations, and those the
    model refuses are filtered out. A model whose fields depend on each other (an end after a
    start, a code from a menu) should pass ``inputs``: a strategy for mappings it accepts.
    """
    return _canonical_details(service_type.details, inputs)


@lru_cache(maxsize=256)
def _canonical_details(
    model: type[BaseModel], inputs: SearchStrategy[Mapping[str, Any]] | None
) -> SearchStrategy[dict[str, Any]]:
    def canonical(data: Mapping[str, Any]) -> dict[str, Any] | None:
        try:
            return model.model_validate(data).model_dump(mode="json")
        except ValidationError:
            return None

    source: SearchStrategy[Mapping[str, Any]] = _or(inputs, _model_inputs(model))
    return source.map(canonical).filter(lambda d: d is not None).map(_not_none)


def _not_none(value: T | None) -> T:
    assert value is not None
    return value


_SERVICE_DONE = (ServiceState.DELIVERED, ServiceState.RATED)
_SERVICE_STOPPED = (ServiceState.CANCELLED, ServiceState.DECLINED)


def _service_record(
    draw: st.DrawFn,
    registry: Registry,
    *,
    id: str,
    service_type: str,
    cadre_id: str,
    provider_unit_id: str,
    details: DetailsInputs | None,
) -> ServiceRecord:
    state = draw(st.sampled_from(ServiceState))
    requested = draw(_dates())
    delivered: date | None = draw(_after(requested, 400))
    if state not in _SERVICE_DONE and draw(st.booleans()):
        delivered = None
    service = registry.service_types.get(service_type)
    return _validate(
        ServiceRecord,
        registry,
        id=id,
        service_type=service_type,
        cadre_id=cadre_id,
        provider_unit_id=provider_unit_id,
        state=state,
        requested=requested,
        delivered=delivered,
        rating=draw(_integers(1, 5)) if state is ServiceState.RATED else None,
        reason=draw(nonempty_texts(12)) if state in _SERVICE_STOPPED else "",
        details=draw(service_details(service, (details or {}).get(service_type))),
    )


@st.composite
def service_records(
    draw: st.DrawFn,
    registry: Registry | None = None,
    *,
    ids: SearchStrategy[str] | None = None,
    service_types: SearchStrategy[str] | None = None,
    cadre_ids: SearchStrategy[str] | None = None,
    provider_unit_ids: SearchStrategy[str] | None = None,
    details: DetailsInputs | None = None,
) -> ServiceRecord:
    """A service record of a registered service type, its state consistent with its dates.

    Delivered and rated records have a delivered date; only rated ones carry a rating;
    cancelled and declined ones a reason. Nothing is drawn when no service type is registered
    (the built-ins register none). ``details`` maps a service type key to a strategy for its
    details' inputs (see :func:`service_details`).
    """
    reg = _registry(registry)
    return _service_record(
        draw,
        reg,
        id=draw(_or(ids, record_ids())),
        service_type=draw(_or(service_types, _pick(_keys(reg, "service_types")))),
        cadre_id=draw(_or(cadre_ids, record_ids())),
        provider_unit_id=draw(_or(provider_unit_ids, record_ids())),
        details=details,
    )


_ACTORS = ("王建国", "市煤炭局", "老干部局", "system")


@st.composite
def service_events(
    draw: st.DrawFn, *, service_record_ids: SearchStrategy[str] | None = None
) -> ServiceEvent:
    """One change of state of a service record, on its own (see :func:`service_histories`)."""
    return ServiceEvent(
        record_id=draw(_or(service_record_ids, record_ids())),
        seq=draw(_integers(1, 20)),
        to_state=draw(st.sampled_from(ServiceState)),
        at=draw(_dates()),
        actor=draw(st.sampled_from(_ACTORS) | names(8)),
        role=draw(st.sampled_from(ServiceRole)),
        reason=draw(texts(8)),
    )


@lru_cache(maxsize=64)
def _paths(lifecycle: Lifecycle, target: ServiceState) -> tuple[tuple[ServiceState, ...], ...]:
    """Every path of ``lifecycle`` from the request to ``target``, without repeats."""
    found: list[tuple[ServiceState, ...]] = []

    def walk(path: tuple[ServiceState, ...]) -> None:
        if path[-1] is target:
            found.append(path)
        for step in lifecycle.steps:
            if step.source is path[-1] and step.target not in path:
                walk((*path, step.target))

    walk((ServiceState.REQUESTED,))
    return tuple(found)


def _service_history(
    draw: st.DrawFn, record: ServiceRecord, lifecycle: Lifecycle
) -> tuple[ServiceEvent, ...]:
    paths = _paths(lifecycle, record.state)
    if paths:
        path = draw(_pick(paths))
        roles = [ServiceRole.CADRE] + [
            draw(_pick(sorted(step.roles) or [ServiceRole.SYSTEM]))
            for step in (lifecycle.step(a, b) for a, b in itertools.pairwise(path))
            if step is not None
        ]
    else:  # the lifecycle cannot reach this state: history begins with a system event
        path, roles = (record.state,), [ServiceRole.SYSTEM]
    day = record.requested
    events = []
    for seq, (state, role) in enumerate(zip(path, roles, strict=True), start=1):
        day = draw(_after(day, 30))
        stopped = state in _SERVICE_STOPPED
        events.append(
            ServiceEvent(
                record_id=record.id,
                seq=seq,
                to_state=state,
                at=day,
                actor=draw(st.sampled_from(_ACTORS)),
                role=role,
                reason=draw(nonempty_texts(8)) if stopped else "",
            )
        )
    return tuple(events)


@st.composite
def service_histories(
    draw: st.DrawFn, record: ServiceRecord, lifecycle: Lifecycle | None = None
) -> tuple[ServiceEvent, ...]:
    """A history of ``record`` its lifecycle allows: events numbered from 1, from the request
    on a path of allowed steps, in date order, ending in the record's state.

    ``lifecycle`` defaults to the core's default lifecycle. When it cannot reach the record's
    state, the history is one ``system`` event where the history begins.
    """
    from ..services import DEFAULT_LIFECYCLE

    return _service_history(draw, record, lifecycle or DEFAULT_LIFECYCLE)
