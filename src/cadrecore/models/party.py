"""Party organizations of retired cadres: working committees, general branches, branches."""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import BeforeValidator, Field, model_validator

from ..errors import BilingualValueError
from ..i18n import Text
from .common import Date, KeyOf, LabelledEnum, Name, Record, RecordId, split_cell


class PartyOrgKind(LabelledEnum):
    """Party organizations above branches."""

    PARTY_WORKING_COMMITTEE = "party_working_committee"
    PRIMARY_COMMITTEE = "primary_committee"
    GENERAL_BRANCH = "general_branch"

    @classmethod
    def zh_labels(cls) -> dict[str, str]:
        return {
            "party_working_committee": "老干部党工委",
            "primary_committee": "基层党委",
            "general_branch": "党总支",
        }

    @classmethod
    def en_labels(cls) -> dict[str, str]:
        return {
            "party_working_committee": "veteran cadre party working committee",
            "primary_committee": "primary party committee",
            "general_branch": "general party branch",
        }


class Tie(LabelledEnum):
    """What a branch is formed along: place (地缘), shared interest (趣缘), former work (业缘)."""

    PLACE = "place"
    INTEREST = "interest"
    WORK = "work"

    @classmethod
    def zh_labels(cls) -> dict[str, str]:
        return {"place": "地缘", "interest": "趣缘", "work": "业缘"}


class PartyOrg(Record):
    """A party organization above branches: the veteran cadre party working committee (党工委)
    of the city or a county, a primary committee or a general branch."""

    id: RecordId
    name: Name
    kind: PartyOrgKind
    unit_id: RecordId
    parent_id: RecordId | None = None
    formed: Date | None = None


Ids = Annotated[tuple[str, ...], BeforeValidator(split_cell)]
Year = Annotated[int, Field(ge=1921, le=2200)]


class Branch(Record):
    """A party branch of retired cadres (党支部).

    ``branch_type`` is a registered branch type (``team``, ``mobile``, ...; plugins may add
    more). ``committee_ids`` lists the branch committee, secretary included, when it has one;
    ``committee_elected`` is when the current committee (or secretary) was elected.
    ``covers_unit_ids`` makes it a joint branch (联合党支部) covering those units.
    """

    id: RecordId
    name: Name
    branch_type: Annotated[str, KeyOf("branch_types")]
    tie: Tie
    org_id: RecordId
    county_id: RecordId
    formed: Date | None = None
    secretary_id: RecordId | None = None
    deputy_secretary_id: RecordId | None = None
    committee_ids: Ids = ()
    committee_elected: Date | None = None
    venue: str = ""
    venue_standardized_year: Year | None = None
    demonstration_year: Year | None = None
    covers_unit_ids: Ids = ()
    synthetic: bool = False

    @model_validator(mode="after")
    def _check(self) -> Self:
        if len(set(self.committee_ids)) != len(self.committee_ids):
            raise BilingualValueError(
                Text("支委编号中同一人列了两次", "committee_ids lists a member twice"),
                "value.repeated",
            )
        if self.committee_ids and self.secretary_id and self.secretary_id not in self.committee_ids:
            raise BilingualValueError(
                Text(
                    "设支委会的，书记须是支委",
                    "the secretary must be on the committee when there is one",
                ),
                "branch.secretary_not_on_committee",
            )
        if self.deputy_secretary_id and self.deputy_secretary_id == self.secretary_id:
            raise BilingualValueError(
                Text("副书记与书记不能是同一人", "the deputy secretary cannot be the secretary"),
                "branch.deputy_is_secretary",
            )
        if self.venue_standardized_year and not self.venue:
            raise BilingualValueError(
                Text(
                    "填写了场所标准化年度，但支部没有活动场所",
                    "venue_standardized_year is set but the branch has no venue",
                ),
                "value.needs_other",
            )
        return self

    @property
    def is_joint(self) -> bool:
        """Whether the branch is a joint branch (联合支部) covering several units."""
        return bool(self.covers_unit_ids)

    @property
    def has_committee(self) -> bool:
        """Whether the branch has a branch committee (支部委员会), not only a secretary."""
        return bool(self.committee_ids)


class Membership(Record):
    """A cadre's membership of a branch from ``since`` (until ``until``, if they left)."""

    cadre_id: RecordId
    branch_id: RecordId
    since: Date | None = None
    until: Date | None = None

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.since and self.until and self.until < self.since:
            raise BilingualValueError(
                Text("退出日期早于加入日期", "until is before since"), "dates.order"
            )
        return self
