"""Activity records: meetings, briefings, visits, with who attended and the evidence."""

from __future__ import annotations

from typing import Annotated, Any, Self

from pydantic import BeforeValidator, Field, StringConstraints, model_serializer, model_validator

from ..errors import BilingualValueError
from ..i18n import Text
from .common import Date, KeyOf, LeadingBody, Record, RecordId, split_cell


class LeaderPresence(Record):
    """A leader present at an activity, and the leading body they represent.

    Written in a cell as ``body:name`` (``政府:郑连生``) and a list as ``党委:李俊明;政府:郑连生``.
    """

    body: LeadingBody
    name: Annotated[
        str,
        StringConstraints(
            strip_whitespace=True, min_length=1, max_length=60, pattern=r"^[^;；、,，|:：]+$"
        ),
    ]

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        if isinstance(value, str):
            body, sep, name = value.replace("：", ":").partition(":")
            if not sep:
                raise BilingualValueError(
                    Text(
                        "出席领导应写作“班子:姓名”，如“政府:郑连生”",
                        "a leader is written 'body:name', such as 'government:Zheng Liansheng'",
                    ),
                    "value.invalid",
                )
            return {"body": body.strip(), "name": name.strip()}
        return value

    @model_serializer(mode="plain")
    def _to_text(self) -> str:
        return f"{self.body.value}:{self.name}"

    def __str__(self) -> str:
        return self._to_text()


Ids = Annotated[tuple[str, ...], BeforeValidator(split_cell)]
Leaders = Annotated[tuple[LeaderPresence, ...], BeforeValidator(split_cell)]


class Activity(Record):
    """One held activity: a branch meeting (of 三会一课), the city committee's briefing, a
    visit round, a theme event. The rules count activities against what is due: a branch's
    general meeting each quarter, the leaders' visits of the "six ones" (六个一).

    Exactly one of ``branch_id`` and ``owner_unit_id`` says who held it; ``group_id`` names
    the branch's party group (党小组) that held a group meeting. Attendance is
    ``attendee_ids`` (cadres present) when known, else ``headcount``.
    """

    id: RecordId
    activity_kind: Annotated[str, KeyOf("activity_kinds")]
    date: Date
    title: str = ""
    branch_id: RecordId | None = None
    owner_unit_id: RecordId | None = None
    attendee_ids: Ids = ()
    headcount: Annotated[int, Field(ge=0)] | None = None
    leaders: Leaders = ()
    evidence: str = ""
    theme_id: RecordId | None = None
    group_id: RecordId | None = None

    @model_validator(mode="after")
    def _check(self) -> Self:
        if (self.branch_id is None) == (self.owner_unit_id is None):
            raise BilingualValueError(
                Text(
                    "支部编号与责任单位编号须填且只填一个",
                    "exactly one of branch_id and owner_unit_id must be set",
                ),
                "activity.holder",
            )
        if self.group_id is not None and self.branch_id is None:
            raise BilingualValueError(
                Text(
                    "党小组活动须同时填写所属支部编号",
                    "an activity of a party group names the group's branch_id too",
                ),
                "activity.group_without_branch",
            )
        if len(set(self.attendee_ids)) != len(self.attendee_ids):
            raise BilingualValueError(
                Text("参加人员编号中同一人列了两次", "attendee_ids lists a cadre twice"),
                "value.repeated",
            )
        if (
            self.headcount is not None
            and self.attendee_ids
            and self.headcount < len(self.attendee_ids)
        ):
            raise BilingualValueError(
                Text(
                    "参加人数少于列出的参加人员", "headcount is smaller than the attendees listed"
                ),
                "activity.headcount",
            )
        return self

    @property
    def attendance(self) -> int | None:
        """How many attended: the headcount if given, else the attendees listed, else unknown."""
        if self.headcount is not None:
            return self.headcount
        return len(self.attendee_ids) if self.attendee_ids else None

    @property
    def bodies_present(self) -> frozenset[LeadingBody]:
        """The leading bodies (四大班子) whose leaders attended, each once."""
        return frozenset(leader.body for leader in self.leaders)
