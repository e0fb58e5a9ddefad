"""Service records: one cadre receiving one department's service (a medicine kit, a doctor)."""

from __future__ import annotations

from typing import Annotated, Any, Self

from pydantic import Field, JsonValue, model_validator

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
    fields that service type defines (its ``details`` model checks them when a ledger loads).
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
    details: dict[str, JsonValue] = Field(default_factory=dict)

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


def details_of(record: ServiceRecord, model: type[Any]) -> Any:
    """The record's details parsed by its service type's model."""
    return model.model_validate(record.details)


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
