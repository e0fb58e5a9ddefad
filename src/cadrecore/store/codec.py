"""Records to table rows and back.

Writing goes through the model's own JSON form (``model_dump(mode="json")``), the one form the
audit trail also keeps. Reading builds models without validating them again: every row was
validated when it was written, and ``model_validate`` costs several times more than putting the
values in place (see ``benchmarks/bench_store.py``). What a row cannot prove by itself is still
checked: closed-set values must be members, vocabulary keys must be registered in the registry
in force (a plugin may have been uninstalled since), nested structures are validated, and the
Ledger built from the records runs all its cross-checks. ``validate=True`` validates every row
in full instead.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import orjson
from pydantic import BaseModel, TypeAdapter, ValidationError

from ..i18n import Text
from ..models import RECORD_KINDS, Jurisdiction
from ..models.construct import construct_by_attributes as _construct_by_attributes
from ..models.construct import constructor as _constructor
from ..models.fields import FieldShape, field_shapes
from ..registry import Registry


class RowError(Exception):
    """A stored row that does not make a valid record: which field and why."""

    def __init__(self, field: str | None, message: Text) -> None:
        super().__init__(message.en)
        self.field = field
        self.message = message


def canonical_json(value: Any) -> str:
    """The one text form of a JSON value that the audit trail keeps and hashes."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def canonical_bytes(value: Any) -> bytes:
    """:func:`canonical_json`'s text as UTF-8, for a value that holds no float (text, whole
    numbers, booleans, None, lists and objects of them): orjson writes those the same bytes, about
    ten times faster; what orjson refuses (a whole number beyond 64 bits, text that is no valid
    Unicode, a key that is not text) is written by the standard library. A float is written
    otherwise by the two (``1e-07`` against ``1e-7``): never give one here."""
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except (TypeError, orjson.JSONEncodeError):
        return canonical_json(value).encode("utf-8")


def canonical_bytes_in_order(value: dict[str, Any]) -> bytes:
    """:func:`canonical_bytes` of an object whose keys were put in their sorted order and
    whose values are no lists or objects (an audit entry's): orjson keeps the order it is
    given, so need not sort them."""
    try:
        return orjson.dumps(value)
    except (TypeError, orjson.JSONEncodeError):
        return canonical_json(value).encode("utf-8")


def _holds_float(value: Any) -> bool:
    if type(value) is float:
        return True
    if isinstance(value, dict):
        return any(_holds_float(item) for item in value.values())
    if isinstance(value, list | tuple):
        return any(_holds_float(item) for item in value)
    return False


#: How a NUL character is written in JSON text: a record's JSON text without it holds no NUL in
#: any text or key (with it, :func:`fields_with_nul` says which, if any: ``\\u0000`` as
#: written by someone is also found here).
NUL_IN_JSON = "\\u0000"


def fields_with_nul(dumped: Mapping[str, Any]) -> list[str]:
    """The fields of a record's JSON form holding a NUL character (``\\x00``) in their text,
    nested text and keys included.

    PostgreSQL cannot keep a NUL in text and SQLite can: a save refuses it on both, so that a
    ledger saves (and moves between stores) the same way on either.
    """
    return [name for name, value in dumped.items() if _holds_nul(value)]


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(_holds_nul(item) for item in value)
    return False


def _date_to_column(value: Any) -> Any:
    return None if value is None else date.fromisoformat(value)


def _decimal_to_column(value: Any) -> Any:
    return None if value is None else Decimal(value)


def _same(value: Any) -> Any:
    return value


def _date_to_json(value: Any) -> Any:
    return None if value is None else value.isoformat()


def _decimal_to_json(value: Any) -> Any:
    return None if value is None else str(value)


def _enum_to_json(value: Any) -> Any:
    return getattr(value, "value", value)


class Codec:
    """How the records of one model map to the columns of its table.

    ``key_is_id`` says whether the model's ``id`` field is the table's ``id`` column.
    """

    def __init__(self, model: type[BaseModel], *, key_is_id: bool) -> None:
        self.model = model
        self.key_is_id = key_is_id
        self.shapes = field_shapes(model)
        self.field_names = tuple(s.name for s in self.shapes)
        self.columns = tuple(n for n in self.field_names if not (key_is_id and n == "id"))
        self._to_column: tuple[tuple[str, Callable[[Any], Any]], ...] = tuple(
            (s.name, _to_column(s)) for s in self.shapes
        )
        self._to_json: tuple[tuple[str, Callable[[Any], Any]], ...] = tuple(
            (s.name, _row_to_json(s)) for s in self.shapes
        )
        self._field_set = frozenset(self.field_names)
        self._many: TypeAdapter[list[Any]] | None = None  # (made when first used: dump_all)
        self._converted = tuple((n, c) for n, c in self._to_column if c is not _same)
        self._amounts = tuple((n, c) for n, c in self._converted if c is _decimal_to_column)
        #: the fields whose JSON form may hold a float (nested structures, lists not of text)
        self._floating = tuple(
            s.name
            for s in self.shapes
            if s.shape == "json" or (s.shape == "list" and not s.str_items)
        )

    # --- writing -----------------------------------------------------------------------------

    def dump(self, record: BaseModel) -> dict[str, Any]:
        """The record's JSON form (as the audit trail keeps it)."""
        return record.model_dump(mode="json")

    def dump_all(self, records: Sequence[BaseModel]) -> list[dict[str, Any]]:
        """:meth:`dump` of each of ``records``, in order: in one call to pydantic's serializer
        when every one is of the codec's model itself (a record of a subclass is dumped by its
        own model, as :meth:`dump` does), which spares a Python call a record."""
        model = self.model
        if any(type(record) is not model for record in records):
            return [record.model_dump(mode="json") for record in records]
        if self._many is None:
            self._many = TypeAdapter(list[model])  # type: ignore[valid-type]
        dumped: list[dict[str, Any]] = self._many.dump_python(list(records), mode="json")
        return dumped

    def after_text(self, dumped: Mapping[str, Any]) -> str:
        """:func:`canonical_json` of a record's JSON form (what its audit entry keeps), the
        fast way unless a nested field holds a float."""
        for name in self._floating:
            if _holds_float(dumped.get(name)):
                return canonical_json(dumped)
        try:
            return orjson.dumps(dumped, option=orjson.OPT_SORT_KEYS).decode("utf-8")
        except (TypeError, orjson.JSONEncodeError):
            return canonical_json(dumped)

    def row(self, dumped: Mapping[str, Any]) -> dict[str, Any]:
        """Column values (by field name, ``id`` included) from a record's JSON form."""
        if dumped.keys() <= self._field_set:  # (a model's dump: copied, a few values converted)
            row = dict(dumped)
            for name, convert in self._converted:
                if name in row:
                    row[name] = convert(row[name])
            return row
        return {name: convert(dumped[name]) for name, convert in self._to_column if name in dumped}

    def row_in_place(self, dumped: dict[str, Any], *, days_as_text: bool = False) -> dict[str, Any]:
        """:meth:`row` of a whole dump of the codec's model (every field, as :meth:`dump_all`
        gives it), made in ``dumped`` itself instead of a copy: ``dumped`` is changed.
        ``days_as_text``: days left as their ISO text, as SQLite stores them, for
        :func:`~.bulk.insert_rows` with ``json_form``."""
        self.rows_in_place((dumped,), days_as_text=days_as_text)
        return dumped

    def rows_in_place(self, dumps: Sequence[dict[str, Any]], *, days_as_text: bool = False) -> None:
        """:meth:`row_in_place` of each of ``dumps`` (the one loop that converts a dump's
        values in place); nothing to do, and no call a dump, for a kind with nothing to convert
        (with ``days_as_text``: no amount)."""
        converted = self._amounts if days_as_text else self._converted
        if converted:
            for dumped in dumps:
                for name, convert in converted:
                    dumped[name] = convert(dumped[name])

    def row_json(self, row: Mapping[Any, Any]) -> dict[str, Any]:
        """A stored row's values in the record's JSON form (``id`` from the key column)."""
        return {name: convert(row[name]) for name, convert in self._to_json if name in row}

    # --- reading -----------------------------------------------------------------------------

    def decode(self, row: Mapping[Any, Any], registry: Registry) -> Any:
        """The record a stored row holds, built without a second validation (see above)."""
        return self.decoder(tuple(self.field_names), registry)(
            tuple(row[name] for name in self.field_names)
        )

    def decoder(
        self,
        columns: tuple[str, ...],
        registry: Registry,
        column_converters: Mapping[str, Callable[[Any], Any]] | None = None,
        *,
        interned: bool = True,
    ) -> Callable[[Sequence[Any]], Any]:
        """A function from a row (a sequence in the order of ``columns``) to its record.

        Built once per query, so that each row costs only its fields' conversions.
        ``column_converters`` turn a driver's raw value (not None) of a column into the value
        SQLAlchemy would have given (a date from SQLite's text, say), for rows read with a bare
        cursor. ``interned``: ids and keys as shared strings (a whole ledger's memory); without
        it, as read (a kind read for one check: interning costs more than it saves).
        """
        position = {name: i for i, name in enumerate(columns)}
        raw = column_converters or {}
        plan = tuple(
            (
                shape.name,
                position[shape.name],
                raw.get(shape.name),
                _from_column(shape, registry, interned=interned),
            )
            for shape in self.shapes
        )
        model = self.model
        construct = _constructor(model)

        def decode(row: Sequence[Any]) -> Any:
            values = {}
            for name, index, from_driver, convert in plan:
                value = row[index]
                if from_driver is not None and value is not None:
                    try:
                        value = from_driver(value)
                    except (ValueError, TypeError) as exc:
                        raise RowError(name, _text_of(exc, value)) from None
                if value is not None:
                    try:
                        value = convert(value) if convert is not _same else value
                    except RowError as exc:
                        raise RowError(name, exc.message) from None
                    except (KeyError, ValueError, TypeError, ValidationError) as exc:
                        raise RowError(name, _text_of(exc, value)) from None
                elif name in required:
                    raise RowError(name, Text("不应为空", "must not be empty"))
                values[name] = value
            return construct(model, values)

        required = {
            s.name for s in self.shapes if not s.nullable and s.shape not in ("json", "list")
        }
        if construct is not _construct_by_attributes:
            return decode
        return _compiled_decoder(model, plan, required, decode)

    def decode_validated(self, row: Mapping[Any, Any], registry: Registry) -> Any:
        """The record a stored row holds, every validator run again."""
        data = {name: row[name] for name in self.field_names}
        try:
            return self.model.model_validate(data, context={"registry": registry})
        except ValidationError as exc:
            err = exc.errors(include_url=False)[0]
            field = ".".join(str(p) for p in err["loc"]) or None
            raise RowError(field, Text(err["msg"], err["msg"])) from None


def _text_of(exc: Exception, value: Any) -> Text:
    if isinstance(exc, ValidationError):
        message = exc.errors(include_url=False)[0]["msg"]
        return Text(message, message)
    return Text(f"无效取值 {value!r}", f"{value!r} is not a valid value")


def _from_column(
    shape: FieldShape, registry: Registry, *, interned: bool = True
) -> Callable[[Any], Any]:
    """How a stored value (not None) becomes the field's value (``_same``: as it is); ids and
    keys interned if ``interned``."""
    kind = shape.shape
    convert: Callable[[Any], Any] = _same
    if kind == "enum":
        assert shape.enum is not None
        convert = shape.enum._value2member_map_.__getitem__
    elif kind == "list" and shape.str_items:
        convert = _interned_tuple if interned else tuple
    elif kind == "str" and _is_key(shape):
        convert = sys.intern if interned else _same
    elif kind in ("list", "json"):
        context = {"registry": registry}
        validate = shape.adapter.validate_python

        def convert(value: Any) -> Any:
            return validate(value, context=context)

    elif kind == "decimal":

        def convert(value: Any) -> Any:
            return value if isinstance(value, Decimal) else Decimal(str(value))

    if shape.vocabulary is None:
        return convert
    vocabulary = registry.vocabulary(shape.vocabulary)
    inner = convert

    def checked(value: Any) -> Any:
        value = inner(value)
        if value not in vocabulary:
            raise RowError(shape.name, vocabulary.unknown_text(value))
        return value

    return checked


def _is_key(shape: FieldShape) -> bool:
    """Whether a text field holds an id or a vocabulary key: values many records repeat."""
    return shape.name == "id" or shape.name.endswith("_id") or shape.vocabulary is not None


def _interned_tuple(values: Any) -> tuple[Any, ...]:
    """A list of ids or keys (attendees, interests) as a tuple of shared strings: a province's
    attendance lists alone would otherwise hold millions of copies of the same cadre ids."""
    return tuple(sys.intern(v) if type(v) is str else v for v in values)


def _to_column(shape: FieldShape) -> Callable[[Any], Any]:
    if shape.shape == "date":
        return _date_to_column
    if shape.shape == "decimal":
        return _decimal_to_column
    return _same


def _row_to_json(shape: FieldShape) -> Callable[[Any], Any]:
    if shape.shape == "date":
        return _date_to_json
    if shape.shape == "decimal":
        return _decimal_to_json
    if shape.shape == "enum":
        return _enum_to_json
    return _same


# ---------------------------------------------------------------------------------------------
# Building a model from values already known to be valid
# ---------------------------------------------------------------------------------------------


def _compiled_decoder(
    model: type[BaseModel],
    plan: tuple[tuple[str, int, Callable[[Any], Any] | None, Callable[[Any], Any]], ...],
    required: set[str],
    careful: Callable[[Sequence[Any]], Any],
) -> Callable[[Sequence[Any]], Any]:
    """``careful``, unrolled into straight-line code for this model and these columns.

    The loop over fields costs more than the fields' own conversions at a million rows. The
    generated function does exactly what ``careful`` does on a good row and hands any row that
    fails to ``careful``, which raises the :class:`RowError` naming the field. Records of a
    kind share one fields-set (frozen models never change it): a set per record is a third of
    a record's memory.
    """
    namespace: dict[str, Any] = {
        "careful": careful,
        "model": model,
        "new": model.__new__,
        "setattr": object.__setattr__,
        "fields_set": {name for name, *_ in plan},
        "Missing": _Missing,
    }
    lines = ["def decode(row):", "    try:"]
    for i, (name, index, from_driver, convert) in enumerate(plan):
        lines.append(f"        v{i} = row[{index}]")
        if from_driver is not None:
            namespace[f"d{i}"] = from_driver
            lines.append(f"        if v{i} is not None: v{i} = d{i}(v{i})")
        if convert is not _same:
            namespace[f"c{i}"] = convert
            lines.append(f"        if v{i} is not None: v{i} = c{i}(v{i})")
        if name in required:
            lines.append(f"        if v{i} is None: raise Missing")
    lines.append("    except Exception:")
    lines.append("        return careful(row)")
    values = ", ".join(f"{name!r}: v{i}" for i, (name, *_) in enumerate(plan))
    lines += [
        "    record = new(model)",
        f"    setattr(record, '__dict__', {{{values}}})",
        "    setattr(record, '__pydantic_fields_set__', fields_set)",
        "    setattr(record, '__pydantic_extra__', None)",
        "    setattr(record, '__pydantic_private__', None)",
        "    return record",
    ]
    exec("\n".join(lines), namespace)  # code built from field names and indexes only
    decode: Callable[[Sequence[Any]], Any] = namespace["decode"]
    return decode


class _Missing(Exception):
    """A required value is None (the careful decoder says which)."""


#: The kind name the audit trail gives a ledger's jurisdiction (the ``ledgers`` table's row).
JURISDICTION_KIND = "jurisdiction"
#: Each record kind's codec, by kind name; and the jurisdiction's.
CODECS: dict[str, Codec] = {
    kind.name: Codec(kind.model, key_is_id=kind.keyed) for kind in RECORD_KINDS
}
JURISDICTION_CODEC = Codec(Jurisdiction, key_is_id=True)
