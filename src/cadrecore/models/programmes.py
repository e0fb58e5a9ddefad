"""Programmes under the yearly themes, and exemplars' projects with their measured results."""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import Field, model_validator

from ..errors import BilingualValueError
from ..i18n import Text
from .common import LabelledEnum, Name, Record, RecordId

Year = Annotated[int, Field(ge=1949, le=2200)]


class ProjectField(LabelledEnum):
    """The fields exemplars work in (老有所为)."""

    POVERTY_ALLEVIATION = "poverty_alleviation"
    EDUCATION_AID = "education_aid"
    ENTREPRENEURSHIP = "entrepreneurship"
    OTHER = "other"

    @classmethod
    def zh_labels(cls) -> dict[str, str]:
        return {
            "poverty_alleviation": "脱贫攻坚",
            "education_aid": "助学解困",
            "entrepreneurship": "创业扶弱",
            "other": "其他",
        }


class ResultMetric(LabelledEnum):
    """What a project's result measures."""

    FUNDS_RAISED = "funds_raised"
    LAND_RECLAIMED = "land_reclaimed"
    PEOPLE_MOBILIZED = "people_mobilized"
    ASSETS_DONATED = "assets_donated"
    EXPERTS = "experts"
    TEAMS = "teams"
    TRAINEES = "trainees"
    BENEFICIARIES = "beneficiaries"
    YEARS_ACTIVE = "years_active"

    @classmethod
    def zh_labels(cls) -> dict[str, str]:
        return {
            "funds_raised": "筹集资金",
            "land_reclaimed": "开荒造地",
            "people_mobilized": "动员人数",
            "assets_donated": "捐赠资产",
            "experts": "专家人数",
            "teams": "小分队",
            "trainees": "培训人次",
            "beneficiaries": "受助人次",
            "years_active": "坚持年数",
        }


class ProjectResult(Record):
    """One measured result: ``value`` in ``unit`` (元, 亩, 人, 座, 人次); ``at_least`` for "over"."""

    metric: ResultMetric
    value: Annotated[int, Field(ge=0)]
    unit: str
    at_least: bool = False
    note: str = ""


class Programme(Record):
    """A series of activities under a year's theme."""

    id: RecordId
    name: Name
    year: Year
    theme_id: RecordId | None = None
    owner_unit_id: RecordId


class Project(Record):
    """An exemplar's project (张文翰's orchard branch, 石建华's student aid) and its results."""

    id: RecordId
    name: Name
    leader_id: RecordId
    field: ProjectField
    county_id: RecordId
    branch_id: RecordId | None = None
    programme_id: RecordId | None = None
    from_year: Year
    to_year: Year | None = None
    results: tuple[ProjectResult, ...] = ()
    source: str = ""

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.to_year is not None and self.to_year < self.from_year:
            raise BilingualValueError(
                Text("截止年度早于起始年度", "to_year is before from_year"), "dates.order"
            )
        metrics = [r.metric for r in self.results]
        if len(set(metrics)) != len(metrics):
            raise BilingualValueError(
                Text("同一指标填写了两次", "a project reports the same metric twice"),
                "value.repeated",
            )
        return self

    def result(self, metric: ResultMetric) -> ProjectResult | None:
        """The project's result for ``metric``, or None if it reports none."""
        return next((r for r in self.results if r.metric is metric), None)
