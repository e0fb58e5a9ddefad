"""What shape each model field has, for the places that store records outside pydantic.

A database column and a spreadsheet cell both need to know, for every field of every record
model, whether it is a plain value (text, a whole number, a yes/no, a date, an amount, a member
of a closed set), a list written in one cell (``书法;绘画``), or a nested structure kept as JSON.
This module works that out once from the models' annotations, so that the store's tables and
the spreadsheet reader and writer follow the models without a list of their own to maintain.

It reads the models' annotations only, so it sits with them (the ledger's column reads use it
too, below the readers): it imports nothing of cadrecore above ``models``.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, TypeAdapter
from pydantic.fields import FieldInfo

from .common import KeyOf, split_cell

Shape = Literal["str", "int", "bool", "date", "decimal", "enum", "list", "json"]


@dataclass(frozen=True)
class FieldShape:
    """One field of a record model, as storage sees it.

    ``shape`` is the storage form; ``enum`` the closed set for ``enum`` fields; ``vocabulary``
    the registry vocabulary a key field belongs to (``activity_kinds``); ``nullable`` whether
    None is a valid value; ``required`` whether the model has no default for it; ``adapter``
    validates and serializes the field's value on its own (used for lists and JSON).
    """

    name: str
    shape: Shape
    nullable: bool
    required: bool
    annotation: Any
    enum: type[Enum] | None = None
    vocabulary: str | None = None
    str_items: bool = False

    @property
    def adapter(self) -> TypeAdapter[Any]:
        return _adapter(self.annotation)


@cache
def _adapter(annotation: Any) -> TypeAdapter[Any]:
    return TypeAdapter(annotation)


def _strip_optional(annotation: Any) -> tuple[Any, bool]:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        nullable = len(args) != len(typing.get_args(annotation))
        if len(args) == 1:
            return args[0], nullable
        return annotation, nullable
    return annotation, False


def _unwrap(annotation: Any) -> tuple[Any, list[Any]]:
    """``Annotated[X, m1, m2]`` as ``(X, [m1, m2])``, nested Annotated flattened."""
    metadata: list[Any] = []
    while typing.get_origin(annotation) is typing.Annotated:
        args = typing.get_args(annotation)
        annotation, metadata = args[0], [*args[1:], *metadata]
    return annotation, metadata


def _is_split_cell(metadata: list[Any]) -> bool:
    return any(getattr(m, "func", None) is split_cell for m in metadata)


def shape_of(name: str, info: FieldInfo) -> FieldShape:
    """The storage shape of one field."""
    annotation = info.rebuild_annotation()
    inner, nullable = _strip_optional(info.annotation)
    base, metadata = _unwrap(inner)
    metadata = [*info.metadata, *metadata]
    required = info.is_required()
    vocabulary = next((m.vocabulary for m in metadata if isinstance(m, KeyOf)), None)
    common: dict[str, Any] = {
        "name": name,
        "nullable": nullable,
        "required": required,
        "annotation": annotation,
        "vocabulary": vocabulary,
    }
    if isinstance(base, type):
        if issubclass(base, bool):
            return FieldShape(shape="bool", **common)
        if issubclass(base, Enum):
            return FieldShape(shape="enum", enum=base, **common)
        if issubclass(base, str):
            return FieldShape(shape="str", **common)
        if issubclass(base, int):
            return FieldShape(shape="int", **common)
        if issubclass(base, Decimal):
            return FieldShape(shape="decimal", **common)
        if issubclass(base, date):
            return FieldShape(shape="date", **common)
    if typing.get_origin(base) is tuple and _is_split_cell(metadata):
        item = _unwrap(typing.get_args(base)[0])[0]
        str_items = isinstance(item, type) and issubclass(item, str)
        return FieldShape(shape="list", str_items=str_items, **common)
    return FieldShape(shape="json", **common)


@cache
def field_shapes(model: type[BaseModel]) -> tuple[FieldShape, ...]:
    """The shapes of every field of ``model``, in the model's order."""
    return tuple(shape_of(name, info) for name, info in model.model_fields.items())
