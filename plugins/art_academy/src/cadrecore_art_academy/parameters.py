"""The parameters the art academy's rules and lifecycle read, with their dated versions.

No official text sets these values: they are cadrecore's defaults for the cooperative's
practice (status ``local``), dated from 2018-01-01, the year from which cadrecore's plugin
defaults hold. A ledger sets its own in ``parameters.yaml`` (for the whole ledger or for one
unit), and the rules then read that instead.
"""

from __future__ import annotations

from cadrecore import Text
from cadrecore.rules import Parameter, local_default

#: Each parameter's key within the plugin: the host registers it as ``art_academy.<key>``.
REVIEW_WITHIN_WORKING_DAYS = "review_within_working_days"
MIN_ATTENDANCE_SHARE = "min_attendance_share"
EXHIBITIONS_PER_YEAR = "exhibitions_per_year"


PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        key=REVIEW_WITHIN_WORKING_DAYS,
        label=Text("报名审核时限", "enrolment reviewed within"),
        versions=local_default(5),
        unit="工作日",
        description=Text(
            "报名后须在此期限内受理或回复（由 builtin::services.deadlines 按服务流程检查）",
            "an enrolment is accepted or answered within this many working days "
            "(checked by builtin::services.deadlines through the lifecycle)",
        ),
    ),
    Parameter(
        key=MIN_ATTENDANCE_SHARE,
        label=Text("学员出勤率下限", "lowest attendance share of a student"),
        versions=local_default(0.5),
        description=Text(
            "结业学员出勤课次占计划课次的比例低于此值，提示跟进",
            "a student who finished a term having attended a smaller share of the planned "
            "sessions is followed up",
        ),
    ),
    Parameter(
        key=EXHIBITIONS_PER_YEAR,
        label=Text("每年学员作品展次数", "student exhibitions a year"),
        versions=local_default(1),
        unit="次",
    ),
)
