"""The parameters the medicine kits' rules and lifecycle read, with their dated versions.

No official text sets these values: they are cadrecore's defaults for the coal bureau's
practice (status ``local``), dated from 2018-01-01, the year from which cadrecore's plugin
defaults hold. A ledger sets its own in ``parameters.yaml``, for the whole ledger or a unit.
"""

from __future__ import annotations

from cadrecore import Text
from cadrecore.rules import Parameter, local_default

#: Each parameter's key within the plugin: the host registers it as ``medicine_kits.<key>``.
ACCEPT_WITHIN_WORKING_DAYS = "accept_within_working_days"
DELIVER_WITHIN_WORKING_DAYS = "deliver_within_working_days"
EXPIRY_WARNING_DAYS = "expiry_warning_days"
CHECK_EVERY_MONTHS = "check_every_months"


PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        key=ACCEPT_WITHIN_WORKING_DAYS,
        label=Text("药箱申请受理时限", "kit request accepted within"),
        versions=local_default(5),
        unit="工作日",
        description=Text(
            "申请后须在此期限内受理或回复（由 builtin::services.deadlines 按服务流程检查）",
            "a request is accepted or answered within this many working days "
            "(checked by builtin::services.deadlines through the lifecycle)",
        ),
    ),
    Parameter(
        key=DELIVER_WITHIN_WORKING_DAYS,
        label=Text("药箱配送时限", "kit delivered within"),
        versions=local_default(20),
        unit="工作日",
        description=Text(
            "受理后须在此期限内把药箱送到老干部家中（由 builtin::services.deadlines 检查）",
            "an accepted kit reaches the retiree's home within this many working days "
            "(checked by builtin::services.deadlines)",
        ),
    ),
    Parameter(
        key=EXPIRY_WARNING_DAYS,
        label=Text("药品临期提醒天数", "days before expiry to replace a medicine"),
        versions=local_default(90),
        unit="天",
    ),
    Parameter(
        key=CHECK_EVERY_MONTHS,
        label=Text("药箱检查周期", "months between kit checks"),
        versions=local_default(6),
        unit="月",
    ),
)
