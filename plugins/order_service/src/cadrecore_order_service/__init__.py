"""忻府区's "you order, we serve" (您点单、我服务), as a cadrecore plugin.

忻府区开展了“您点单、我服务”直通车进家门活动. A retiree orders a service from a menu and it comes
to the door. Each order is a service record of type ``order_service.order``; its details name the
menu item ordered, when the order was accepted and the area to go to. The menu is data
(:data:`MENU`): each item has a Chinese label and the number of working days within which the
district must respond.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, StringConstraints, field_validator

from cadrecore import ServiceType, Text, hookimpl
from cadrecore.models import Date

__all__ = [
    "MENU",
    "ORDER",
    "MenuItem",
    "OrderDetails",
    "menu_item",
    "register_service_types",
]

DEPARTMENT = Text("忻府区", "Xinfu district")


@dataclass(frozen=True, kw_only=True)
class MenuItem:
    """One thing a retiree can order, and the working days within which it must be answered."""

    key: str
    label: Text
    response_working_days: int

    def __post_init__(self) -> None:
        if self.response_working_days < 1:
            raise ValueError(f"menu item {self.key!r}: response_working_days must be at least 1")


#: The menu, in the order it is shown. Keys are stable codes: never rename one.
MENU: tuple[MenuItem, ...] = (
    MenuItem(key="haircut", label=Text("理发", "haircut"), response_working_days=3),
    MenuItem(key="cleaning", label=Text("家政保洁", "house cleaning"), response_working_days=3),
    MenuItem(key="escort", label=Text("就医陪护", "escort to the doctor"), response_working_days=1),
    MenuItem(key="repair", label=Text("家电维修", "appliance repair"), response_working_days=2),
    MenuItem(
        key="shopping", label=Text("代购", "shopping on their behalf"), response_working_days=2
    ),
    MenuItem(key="legal_aid", label=Text("法律咨询", "legal advice"), response_working_days=5),
)

_MENU_BY_KEY: dict[str, MenuItem] = {item.key: item for item in MENU}


def menu_item(key: str) -> MenuItem:
    """The menu item with ``key``; a ValueError listing the menu if there is none."""
    try:
        return _MENU_BY_KEY[key]
    except KeyError:
        known = ", ".join(f"{item.key} ({item.label.zh})" for item in MENU)
        raise ValueError(f"{key!r} is not on the menu; the menu offers: {known}") from None


Area = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]


class OrderDetails(BaseModel):
    """What an order record carries beyond the common service columns."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    menu_item: str = Field(validation_alias=AliasChoices("menu_item", "服务项目"))
    accepted: Date | None = Field(
        default=None, validation_alias=AliasChoices("accepted", "受理日期")
    )
    address_area: Area | None = Field(
        default=None, validation_alias=AliasChoices("address_area", "服务片区")
    )

    @field_validator("menu_item", mode="before")
    @classmethod
    def _on_the_menu(cls, value: Any) -> Any:
        """Accept a menu key or its Chinese label; store the key."""
        if isinstance(value, str):
            text = value.strip()
            for item in MENU:
                if text in (item.key, item.label.zh):
                    return item.key
            menu_item(text)  # raises, listing the menu
        return value

    @property
    def item(self) -> MenuItem:
        """The menu item ordered."""
        return menu_item(self.menu_item)


ORDER = ServiceType(
    key="order_service.order",
    label=Text("您点单、我服务", "you order, we serve"),
    description=Text(
        "忻府区“您点单、我服务”直通车进家门：老干部按菜单点单，服务上门",
        "Xinfu district's door-to-door service: a retiree orders from a menu and the service comes home",
    ),
    department=DEPARTMENT,
    details=OrderDetails,
)


@hookimpl
def register_service_types(register: Callable[[ServiceType], None]) -> None:
    register(ORDER)
