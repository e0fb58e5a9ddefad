"""Party groups (党小组): the groups a large branch is divided into, their leaders and members.

A branch with many members, or members living far apart, is divided into party groups, each
with a group leader (党小组组长) named by the branch (中国共产党支部工作条例（试行）第十一条);
each group meets once a month (党小组会, 第十九条). A group's members are members of its branch:
the ledger checks that when it is built.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Self

from pydantic import BeforeValidator, model_validator

from ..errors import BilingualValueError
from ..i18n import Text
from .common import Date, Name, Record, RecordId, split_cell

Ids = Annotated[tuple[str, ...], BeforeValidator(split_cell)]


class PartyGroup(Record):
    """A party group (党小组) of a branch: its leader (组长) and its members.

    ``member_ids`` lists the group's members, the leader among them; ``formed`` and
    ``abolished`` bound the days it exists (open when empty). Its monthly meeting is an activity
    of kind ``party_group_meeting`` held by the branch, with ``group_id`` naming the group.
    """

    id: RecordId
    name: Name
    branch_id: RecordId
    group_leader_id: RecordId | None = None
    member_ids: Ids = ()
    formed: Date | None = None
    abolished: Date | None = None

    @model_validator(mode="after")
    def _check(self) -> Self:
        if len(set(self.member_ids)) != len(self.member_ids):
            raise BilingualValueError(
                Text("党小组成员编号中同一人列了两次", "member_ids lists a member twice"),
                "value.repeated",
            )
        if self.group_leader_id and self.member_ids and self.group_leader_id not in self.member_ids:
            raise BilingualValueError(
                Text("党小组组长须是本小组成员", "the group leader must be one of its members"),
                "party_group.leader_not_member",
            )
        if self.formed and self.abolished and self.abolished < self.formed:
            raise BilingualValueError(
                Text("撤销日期早于成立日期", "abolished is before formed"), "dates.order"
            )
        return self

    def exists_on(self, day: date) -> bool:
        """Whether the group exists on ``day`` (formed by then, not yet abolished)."""
        return (self.formed is None or self.formed <= day) and (
            self.abolished is None or day < self.abolished
        )
