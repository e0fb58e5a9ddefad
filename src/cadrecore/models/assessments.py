"""Model branches (示范党支部): a branch's yearly assessment against the six criteria ("六好").

The 2022 central opinion on party building among retired cadres (中共中央组织部《关于加强新时代
离退休干部党的建设工作的意见》, 2022-05-15) asks for model branches judged on six criteria: the
organization set up well (组织设置好), the leadership built well (班子建设好), the members
(党员队伍好), study and activities (学习活动好), the role played (作用发挥好) and the rules kept
(制度落实好). A branch that meets all six in its assessment of a year is a model branch that
year.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from ..i18n import Text
from .common import Date, Record, RecordId

Year = Annotated[int, Field(ge=1921, le=2200)]

SIX_GOODS: tuple[tuple[str, Text], ...] = (
    ("good_organization", Text("组织设置好", "organization set up well")),
    ("good_leadership", Text("班子建设好", "leadership built well")),
    ("good_members", Text("党员队伍好", "members")),
    ("good_study", Text("学习活动好", "study and activities")),
    ("good_role", Text("作用发挥好", "role played")),
    ("good_rules", Text("制度落实好", "rules kept")),
)
"""The six criteria of a model branch ("六好"), as the fields of :class:`BranchAssessment`, with
their labels, in the order of the 2022 opinion."""


class BranchAssessment(Record):
    """A branch's assessment for a year against the six criteria of a model branch.

    Each criterion is met (``true``) or not; ``assessed`` is the day of the assessment and
    ``assessor_unit_id`` the unit that made it (the working committee, the bureau). One
    assessment per branch and year.
    """

    id: RecordId
    branch_id: RecordId
    year: Year
    assessed: Date | None = None
    assessor_unit_id: RecordId | None = None
    good_organization: bool = False
    good_leadership: bool = False
    good_members: bool = False
    good_study: bool = False
    good_role: bool = False
    good_rules: bool = False
    evidence: str = ""

    @property
    def criteria_met(self) -> tuple[str, ...]:
        """The criteria met, as field names, in the order of :data:`SIX_GOODS`."""
        return tuple(name for name, _ in SIX_GOODS if getattr(self, name))

    @property
    def criteria_missed(self) -> tuple[str, ...]:
        """The criteria not met, as field names, in the order of :data:`SIX_GOODS`."""
        return tuple(name for name, _ in SIX_GOODS if not getattr(self, name))

    @property
    def is_model(self) -> bool:
        """Whether the branch met all six criteria: a model branch (示范党支部) that year."""
        return not self.criteria_missed
