"""The parameters the order service's rules and lifecycle read, with their dated versions.

No official text sets these values: they are cadrecore's defaults for 忻府区's practice
(status ``local``), dated from 2018-01-01, the year from which cadrecore's plugin defaults
hold; each menu item's response deadline defaults to the one on the menu. A ledger sets its
own in ``parameters.yaml``, for the whole ledger or a unit.
"""

from __future__ import annotations

from cadrecore import Text
from cadrecore.rules import Parameter, local_default

from .service import ACCEPT_WITHIN_WORKING_DAYS, MENU

#: Each parameter's key within the plugin: the host registers it as ``order_service.<key>``.
MIN_AVERAGE_RATING = "min_average_rating"
MIN_RATINGS = "min_ratings"
STUCK_AFTER_DAYS = "stuck_after_days"


RESPONSE_PARAMETERS: tuple[Parameter, ...] = tuple(
    Parameter(
        key=item.parameter_key,
        label=Text(f"“{item.label.zh}”上门服务时限", f"{item.label.en}: served within"),
        versions=local_default(
            item.response_working_days,
            "cadrecore 默认值，取自插件的服务菜单（MENU） / cadrecore default, from the plugin's menu",
        ),
        unit="工作日",
        description=Text(
            "自点单之日起，服务须在此期限内上门完成",
            "from the order, the service reaches the door within this many working days",
        ),
    )
    for item in MENU
)

PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        key=ACCEPT_WITHIN_WORKING_DAYS,
        label=Text("点单受理时限", "order accepted within"),
        versions=local_default(1),
        unit="工作日",
        description=Text(
            "点单后须在此期限内受理或回复（由 builtin::services.deadlines 按服务流程检查）",
            "an order is accepted or answered within this many working days "
            "(checked by builtin::services.deadlines through the lifecycle)",
        ),
    ),
    *RESPONSE_PARAMETERS,
    Parameter(
        key=MIN_AVERAGE_RATING,
        label=Text("服务项目平均评价下限", "lowest average rating of a menu item"),
        versions=local_default(4.0),
        unit="分（1–5）",
    ),
    Parameter(
        key=MIN_RATINGS,
        label=Text("计算平均评价所需最少评价数", "ratings needed to judge an average"),
        versions=local_default(5),
        unit="条",
    ),
    Parameter(
        key=STUCK_AFTER_DAYS,
        label=Text("订单停滞天数", "days after which an open order is stuck"),
        versions=local_default(30),
        unit="天",
        description=Text(
            "已申请、已受理或已安排的订单，自最近一次流转起超过此天数未再推进，视为停滞",
            "an order requested, accepted or scheduled that has not moved for longer than this "
            "is stuck",
        ),
    ),
)
