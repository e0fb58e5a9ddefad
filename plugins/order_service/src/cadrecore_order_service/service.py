"""The order service type: its menu, its details and its lifecycle."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, StringConstraints, field_validator

from cadrecore import BilingualValueError, ServiceType, Text
from cadrecore.models import Date, ServiceState
from cadrecore.plugins import qualified_key
from cadrecore.services import DEFAULT_LIFECYCLE, Deadline

NAMESPACE = "order_service"
"""The plugin's name, said once (its entry point's too): the host registers its keys as
``order_service.<key>`` and its rules as ``order_service::<key>``."""

DEPARTMENT = Text("忻府区", "Xinfu district")

#: The parameter key of an order's acceptance deadline, in working days (the lifecycle's).
ACCEPT_WITHIN_WORKING_DAYS = "order_service.accept_within_working_days"
#: Each menu item's response deadline is the parameter ``<this>.<item key>``.
RESPOND_WITHIN_PREFIX = "order_service.respond_within_working_days"


@dataclass(frozen=True, kw_only=True)
class MenuItem:
    """One thing a retiree can order, and within how many working days of the order the service
    must reach the door: the default of the item's parameter (:attr:`parameter_key`)."""

    key: str
    label: Text
    response_working_days: int

    @property
    def parameter_key(self) -> str:
        """The rule parameter that holds this item's response deadline (a ledger may change it)."""
        return f"{RESPOND_WITHIN_PREFIX}.{self.key}"

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
        raise BilingualValueError(
            Text(
                f"{key!r} 不在服务清单上；清单有："
                + "、".join(f"{item.key}（{item.label.zh}）" for item in MENU),
                f"{key!r} is not on the menu; the menu offers: "
                + ", ".join(f"{item.key} ({item.label.en})" for item in MENU),
            ),
            "order_service.not_on_menu",
        ) from None


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


#: requested → accepted → delivered (served at the door: no separate appointment) → rated; an
#: order is accepted within a deadline in working days (a parameter). Each menu item's own
#: response deadline, from the order to the service at the door, is checked by the plugin's
#: ``order.response_time`` rule.
LIFECYCLE = DEFAULT_LIFECYCLE.without(ServiceState.SCHEDULED).with_deadlines(
    Deadline(
        ServiceState.REQUESTED,
        ACCEPT_WITHIN_WORKING_DAYS,
        Text("点单受理时限", "order acceptance deadline"),
    )
)

ORDER = ServiceType(
    key="order",
    label=Text("您点单、我服务", "you order, we serve"),
    description=Text(
        "忻府区“您点单、我服务”直通车进家门：老干部按菜单点单，服务上门",
        "Xinfu district's door-to-door service: a retiree orders from a menu and the service comes home",
    ),
    department=DEPARTMENT,
    details=OrderDetails,
    lifecycle=LIFECYCLE,
)

#: The key of ORDER as registered, what records and ledger folders hold (``order_service.order``).
ORDER_KEY = qualified_key(ORDER.key, NAMESPACE)
