"""The parameters the family-doctor rules and lifecycle read, with their dated versions.

No official text sets these values for retirees: they are cadrecore's defaults for the city
bureau's care action (status ``local``), dated from 2018-01-01, the year from which
cadrecore's plugin defaults hold. A ledger sets its own in ``parameters.yaml``, for the whole
ledger or a unit (one county's own age, say).
"""

from __future__ import annotations

from cadrecore import Text
from cadrecore.rules import Parameter, local_default

#: Each parameter's key within the plugin: the host registers it as ``family_doctor.<key>``.
ACCEPT_WITHIN_WORKING_DAYS = "accept_within_working_days"
MIN_AGE = "min_age"
VISIT_GRACE_DAYS = "visit_grace_days"
RENEWAL_NOTICE_DAYS = "renewal_notice_days"


PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        key=ACCEPT_WITHIN_WORKING_DAYS,
        label=Text("签约申请受理时限", "contract request accepted within"),
        versions=local_default(5),
        unit="工作日",
        description=Text(
            "申请后须在此期限内受理或回复（由 builtin::services.deadlines 按服务流程检查）",
            "a request is accepted or answered within this many working days "
            "(checked by builtin::services.deadlines through the lifecycle)",
        ),
    ),
    Parameter(
        key=MIN_AGE,
        label=Text("家庭医生签约关注年龄", "age from which a contract is sought"),
        versions=local_default(80),
        unit="岁",
        description=Text(
            "达到此年龄的在世老干部计入签约覆盖率（高龄老干部）",
            "living cadres of this age or older count towards the coverage of contracts",
        ),
    ),
    Parameter(
        key=VISIT_GRACE_DAYS,
        label=Text("随访宽限天数", "days of grace for a follow-up visit"),
        versions=local_default(15),
        unit="天",
        description=Text(
            "随访应在约定间隔期满后此天数内完成",
            "a visit is due within this many days after the agreed interval ends",
        ),
    ),
    Parameter(
        key=RENEWAL_NOTICE_DAYS,
        label=Text("续约提醒天数", "days before a contract ends to arrange its renewal"),
        versions=local_default(30),
        unit="天",
    ),
)
