"""Service records: one cadre receiving one department's service (a medicine kit, a doctor)."""

from __future__ import annotations

import sys
import warnings
from functools import cache
from typing import Annotated, Any, Self, TypeVar

from pydantic import BaseModel, Field, JsonValue, field_serializer, model_validator

from ..errors import BilingualValueError
from ..i18n import Text
from .common import Date, KeyOf, LabelledEnum, Record, RecordId


class ServiceState(LabelledEnum):
    """Where a service record stands in its lifecycle."""

    REQUESTED = "requested"
    ACCEPTED = "accepted"
    SCHEDULED = "scheduled"
    DELIVERED = "delivered"
    RATED = "rated"
    CANCELLED = "cancelled"
    DECLINED = "declined"

    @classmethod
    def zh_labels(cls) -> dict[str, str]:
        return {
            "requested": "已申请",
            "accepted": "已受理",
            "scheduled": "已安排",
            "delivered": "已服务",
            "rated": "已评价",
            "cancelled": "已取消",
            "declined": "已拒绝",
        }


class ServiceRecord(Record):
    """A service delivered (or on its way) to a cadre.

    ``service_type`` is a key registered by the department's plugin; ``details`` holds the
    fields that service type defines. Given as plain data (a dict, dates as ISO text), they are
    checked once, when a ledger is built, by the type's ``details`` model; in the ledger,
    ``details`` is then an instance of that model (``record.details.hospital``), which every
    hook and rule receives. Its JSON form, what a store and a folder keep, is the model's
    ``model_dump(mode="json")``. A record whose plugin is not in use keeps its details as the
    plain data read (see :meth:`cadrecore.registry.ServiceType.unchecked`).
    """

    id: RecordId
    service_type: Annotated[str, KeyOf("service_types")]
    cadre_id: RecordId
    provider_unit_id: RecordId
    state: ServiceState = ServiceState.REQUESTED
    requested: Date
    delivered: Date | None = None
    rating: Annotated[int, Field(ge=1, le=5)] | None = None
    reason: str = ""
    details: dict[str, JsonValue] | BaseModel = Field(default_factory=dict)

    @field_serializer("details", mode="plain")
    def _details_as_kept(self, value: dict[str, JsonValue] | BaseModel) -> Any:
        # the same form whether the details are typed or not: what a store and an audit keep
        return value.model_dump(mode="json") if isinstance(value, BaseModel) else value

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.delivered and self.delivered < self.requested:
            raise BilingualValueError(
                Text("服务日期早于申请日期", "delivered is before requested"), "dates.order"
            )
        state = self.state.label
        if self.state in (ServiceState.DELIVERED, ServiceState.RATED) and not self.delivered:
            raise BilingualValueError(
                Text(
                    f"状态为“{state.zh}”的记录须填写服务日期",
                    f"a {state.en!r} record needs the delivered date",
                ),
                "service.needs_delivered",
            )
        if self.rating is not None and self.state is not ServiceState.RATED:
            raise BilingualValueError(
                Text(
                    f"只有“{ServiceState.RATED.zh}”的记录才有评分",
                    f"only a {ServiceState.RATED.en!r} record carries a rating",
                ),
                "service.rating_not_rated",
            )
        if self.state is ServiceState.RATED and self.rating is None:
            raise BilingualValueError(
                Text(
                    f"状态为“{state.zh}”的记录须填写评分", f"a {state.en!r} record needs a rating"
                ),
                "service.needs_rating",
            )
        if self.state in (ServiceState.CANCELLED, ServiceState.DECLINED) and not self.reason:
            raise BilingualValueError(
                Text(
                    f"状态为“{state.zh}”的记录须填写原因", f"a {state.en!r} record needs a reason"
                ),
                "service.needs_reason",
            )
        return self


M = TypeVar("M", bound=BaseModel)


def plain_details(record: ServiceRecord) -> dict[str, Any]:
    """The record's details as plain data, the JSON form a folder, a workbook and a store keep
    (the model's ``model_dump(mode="json")`` when they are typed)."""
    details = record.details
    return details.model_dump(mode="json") if isinstance(details, BaseModel) else details


def details_of(record: ServiceRecord, model: type[M]) -> M:
    """The record's details as an instance of ``model``, its service type's model: in a
    ledger they are one already, and are returned as they are (typed for mypy: ``record.details``
    itself is declared as plain data or any model); given as plain data, they are parsed."""
    details = record.details
    if isinstance(details, model):
        return details
    if isinstance(details, BaseModel):
        details = details.model_dump(mode="json")
    return model.model_validate(details)


class _ReadAsPlainData:
    """What details read as a dict still do, for plugins written when ``details`` was one: each
    read warns (DeprecationWarning) and gives the field's JSON form, as the dict held it."""

    def _plain(self, how: str) -> dict[str, Any]:
        assert isinstance(self, BaseModel)
        name = type(self).__name__
        warnings.warn(
            f"record.details is a {name} now, checked once when the ledger was built: read "
            f"its attributes (record.details.<field>) rather than {how}; "
            f"details.model_dump(mode='json') gives the plain data",
            DeprecationWarning,
            stacklevel=3,
        )
        return self.model_dump(mode="json")

    def __getitem__(self, name: str) -> Any:
        return self._plain("details[...]")[name]

    def __contains__(self, name: object) -> bool:
        return name in self._plain("'...' in details")

    def __or__(self, other: Any) -> dict[str, Any]:
        return self._plain("details | {...}") | dict(other)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, dict):
            return self._plain("details == {...}") == other
        if isinstance(other, BaseModel) and isinstance(self, BaseModel):
            # equal to the plugin's own model's instance of the same values
            same_model = _model_of(type(other)) is _model_of(type(self))
            return same_model and self.model_dump() == other.model_dump()
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]


def _get(self: Any, name: str, default: Any = None) -> Any:
    return self._plain("details.get(...)").get(name, default)


def _keys(self: Any) -> Any:
    return self._plain("details.keys()").keys()


def _items(self: Any) -> Any:
    return self._plain("details.items()").items()


def _values(self: Any) -> Any:
    return self._plain("details.values()").values()


#: The dict's methods a typed model still offers, where no field of the model has the name.
_DICT_METHODS = {"get": _get, "keys": _keys, "items": _items, "values": _values}


def _model_of(cls: type) -> type:
    """The plugin's own model of a typed details class (itself for any other class)."""
    while issubclass(cls, _ReadAsPlainData):
        cls = next(b for b in cls.__bases__ if b is not _ReadAsPlainData)
    return cls


def typed_details_model(model: type[M]) -> type[M]:
    """The class a ledger's records hold their details in for a service type whose model is
    ``model``: ``model`` itself to anyone who asks (a subclass: ``isinstance`` holds, its fields,
    validators and serializers are the model's), which also still reads as the dict the details
    once were, with a DeprecationWarning naming the way to move."""
    if issubclass(model, _ReadAsPlainData):
        return model
    return _typed(model)


@cache
def _typed(model: type[M]) -> type[M]:
    held = f"_typed_{model.__name__}_{id(model):x}"  # (where pickle finds it)
    metaclass: Any = type(model)  # (pydantic's: the subclass is a model like its parent)
    namespace: dict[str, Any] = {
        "__module__": __name__,
        "__qualname__": held,
        "__doc__": model.__doc__,
    }
    namespace |= {
        name: method
        for name, method in _DICT_METHODS.items()
        if name not in model.model_fields and not hasattr(model, name)
    }
    typed = metaclass(model.__name__, (_ReadAsPlainData, model), namespace)
    setattr(sys.modules[__name__], held, typed)
    return typed  # type: ignore[no-any-return]


def typed_details(model: type[BaseModel], details: dict[str, Any] | BaseModel) -> BaseModel:
    """``details`` as an instance of ``model`` (of :func:`typed_details_model`), validated from
    their JSON form unless they are one already; raises pydantic's ValidationError."""
    typed = typed_details_model(model)
    if type(details) is typed:
        return details
    if isinstance(details, BaseModel):
        details = details.model_dump(mode="json")
    return typed.model_validate(details)


class ServiceRole(LabelledEnum):
    """Who moves a service record from one state to the next."""

    CADRE = "cadre"
    PROVIDER = "provider"
    BUREAU = "bureau"
    SYSTEM = "system"

    @classmethod
    def zh_labels(cls) -> dict[str, str]:
        return {
            "cadre": "老干部本人",
            "provider": "服务单位",
            "bureau": "老干部局",
            "system": "系统",
        }

    @classmethod
    def en_labels(cls) -> dict[str, str]:
        return {
            "cadre": "the cadre",
            "provider": "service provider",
            "bureau": "veteran cadre bureau",
            "system": "system",
        }


class ServiceEvent(Record):
    """One change of state of a service record: to which state, when, by whom, in what role.

    The events of a record, numbered ``seq`` 1, 2, ..., are its history: the first is the
    request, each next one a transition its service type's lifecycle allows, and the last
    one's state is the record's state.
    """

    record_id: RecordId
    seq: Annotated[int, Field(ge=1)]
    to_state: ServiceState
    at: Date
    actor: Annotated[str, Field(min_length=1, max_length=100)]
    role: ServiceRole
    reason: str = ""
