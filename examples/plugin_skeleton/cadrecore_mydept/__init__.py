"""上门探望 / Home visits to the oldest retired cadres: a department's cadrecore plugin.

Three parts, each handed to cadrecore by a hook: a service type (the records the department
keeps), a parameter (policy lives in data, with the date it holds from) and a rule (what the
check says when the records fall short).
"""

from collections.abc import Callable, Iterator
from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from cadrecore import ServiceType, Text, hookimpl
from cadrecore.rules import Finding, Parameter, ParameterVersion, Rule, RuleContext, Severity


class VisitDetails(BaseModel):
    """The columns a visit record adds to the common ones (id, cadre_id, state, dates...)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    visitor: str = Field(min_length=1)  # 探望人


VISIT = ServiceType(
    key="mydept.visit",
    label=Text("上门探望", "home visit"),
    department=Text("示例部门", "an example department"),
    details=VisitDetails,
)
MIN_AGE = Parameter(
    key="mydept.min_age",
    label=Text("每年上门探望的起始年龄", "age from which a yearly visit is due"),
    versions=(ParameterVersion(90, date(2020, 1, 1), "示例：本部门走访慰问工作方案", "local"),),
)
#: The cadres' columns the rule reads (by columns: no cadre record is built, at any scale).
READS = ("id", "name", "birth_date", "deceased")


def visited_yearly(ctx: RuleContext) -> Iterator[Finding]:
    """Every living cadre of MIN_AGE or over had a visit delivered in the year."""
    if ctx.as_of < ctx.period.end:
        return  # judged once the year is over: until then a visit not yet made is not missing
    visited = {
        r.cadre_id
        for r in ctx.ledger.service_records
        if r.service_type == VISIT.key and r.delivered and r.delivered.year == ctx.year
    }
    day, min_age = ctx.as_of, ctx.param(MIN_AGE.key)
    for cadre_id, name, born, deceased in ctx.ledger.columns("cadres", *READS):
        age = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
        if age >= min_age and (deceased is None or day < deceased) and cadre_id not in visited:
            yield ctx.finding(
                ("cadres", cadre_id),
                "not_visited",
                Text(
                    f"{name}（{age} 岁）{ctx.year} 年未上门探望",
                    f"{name} (aged {age}): no home visit in {ctx.year}",
                ),
                fix=Text("安排上门探望并登记服务记录", "visit and record it as a service record"),
            )


@hookimpl
def register_service_types(register: Callable[[ServiceType], None]) -> None:
    register(VISIT)


@hookimpl
def register_parameters(register: Callable[[Parameter], None]) -> None:
    register(MIN_AGE)


@hookimpl
def register_rules(register: Callable[[Rule], None]) -> None:
    register(
        Rule(
            key="visit.yearly",
            title=Text("高龄老干部每年上门探望", "a yearly home visit to the oldest cadres"),
            check=visited_yearly,
            severity=Severity.WARNING,
            parameters=(MIN_AGE.key,),
            reads=tuple(f"cadres.{name}" for name in READS),
        )
    )
