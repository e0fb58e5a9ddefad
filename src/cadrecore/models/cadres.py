"""Veteran cadres (老干部): retired officials, 离休 or 退休, and their party membership."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Self

from pydantic import BeforeValidator, StringConstraints, model_validator

from ..policy import LIXIU_CUTOFF
from .common import Date, LabelledEnum, Name, Record, RecordId, Sensitive, Sensitivity, split_cell


class RetirementKind(LabelledEnum):
    """离休 (joined revolutionary work on or before 1949-09-30) or 退休 (everyone else)."""

    LIXIU = "lixiu"
    TUIXIU = "tuixiu"

    @classmethod
    def zh_labels(cls) -> dict[str, str]:
        return {"lixiu": "离休", "tuixiu": "退休"}


class RevolutionPeriod(LabelledEnum):
    """The revolution periods by which 离休 cadres are classed."""

    FIRST_CIVIL_WAR = "first_civil_war"
    SECOND_CIVIL_WAR = "second_civil_war"
    RESISTANCE_WAR = "resistance_war"
    LIBERATION_WAR = "liberation_war"

    @classmethod
    def zh_labels(cls) -> dict[str, str]:
        return {
            "first_civil_war": "第一次国内革命战争时期",
            "second_civil_war": "第二次国内革命战争时期",
            "resistance_war": "抗日战争时期",
            "liberation_war": "解放战争时期",
        }


class PartyStatus(LabelledEnum):
    """Party membership: a full member (正式党员) or a probationary one (预备党员)."""

    FULL = "full"
    PROBATIONARY = "probationary"

    @classmethod
    def zh_labels(cls) -> dict[str, str]:
        return {"full": "正式党员", "probationary": "预备党员"}


class ResidenceKind(LabelledEnum):
    URBAN = "urban"
    RURAL = "rural"

    @classmethod
    def zh_labels(cls) -> dict[str, str]:
        return {"urban": "城镇社区", "rural": "农村"}


#: 18-digit resident ID: 17 digits and a check character (digit or X). Personal data.
NationalId = Annotated[
    str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^\d{17}[\dXx]$")
]
#: A short tag (an interest): no list separators inside, so a cell can hold several.
Tag = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=40, pattern=r"^[^;；、,，|]+$"
    ),
]
Tags = Annotated[tuple[Tag, ...], BeforeValidator(split_cell)]

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def national_id_check_char(first17: str) -> str:
    """The check character of an 18-digit resident ID (GB 11643) from its first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


class Cadre(Record):
    """A retired cadre on the roster (花名册).

    ``id`` is the bureau's own stable number; the national ID number is personal data, kept
    only in ``national_id``. ``county_id`` is the county-level unit where the cadre lives, and
    ``township`` / ``community`` say where within it (a community or a village).
    """

    id: RecordId
    name: Name
    gender: str = ""
    birth_date: Date
    national_id: Annotated[NationalId | None, Sensitive(Sensitivity.ID_NUMBER)] = None
    phone: Annotated[str, Sensitive(Sensitivity.CONTACT)] = ""
    joined_work: Date
    retirement_kind: RetirementKind
    retirement_date: Date
    revolution_period: RevolutionPeriod | None = None
    former_unit: str = ""
    former_rank: str = ""
    former_field: str = ""
    party_status: PartyStatus | None = None
    party_joined: Date | None = None
    county_id: RecordId
    township: str = ""
    community: str = ""
    residence_kind: ResidenceKind = ResidenceKind.URBAN
    address: Annotated[str, Sensitive(Sensitivity.ADDRESS)] = ""
    interests: Tags = ()
    living_away: bool = False
    away_since: Date | None = None
    health_exempt: bool = False
    exemption_reason: Annotated[str, Sensitive(Sensitivity.HEALTH)] = ""
    deceased: Date | None = None
    synthetic: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        problems = []
        if self.retirement_date <= self.birth_date:
            problems.append("retirement_date is not after birth_date")
        if self.joined_work <= self.birth_date:
            problems.append("joined_work is not after birth_date")
        if self.retirement_date < self.joined_work:
            problems.append("retirement_date is before joined_work")
        if self.deceased and self.deceased < self.retirement_date:
            problems.append("deceased is before retirement_date")
        if self.deceased and self.deceased <= self.birth_date:
            problems.append("deceased is not after birth_date")
        cutoff = LIXIU_CUTOFF.value_on(self.retirement_date)
        if self.retirement_kind is RetirementKind.LIXIU and self.joined_work > cutoff:
            problems.append(
                f"a 离休 cadre must have joined revolutionary work on or before {cutoff}; "
                f"joined_work is {self.joined_work}"
            )
        if self.revolution_period and self.retirement_kind is not RetirementKind.LIXIU:
            problems.append("revolution_period applies only to 离休 cadres")
        if self.party_joined and not self.party_status:
            problems.append("party_joined is set but party_status is empty")
        if self.party_joined and self.party_joined <= self.birth_date:
            problems.append("party_joined is not after birth_date")
        if self.away_since and not self.living_away:
            problems.append("away_since is set but living_away is false")
        if self.national_id:
            expected = national_id_check_char(self.national_id[:17])
            if self.national_id[17] != expected:
                problems.append(
                    f"national_id check character is {self.national_id[17]!r}, expected {expected!r}"
                )
            elif self.national_id[6:14] != self.birth_date.strftime("%Y%m%d"):
                problems.append("national_id does not match birth_date")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def is_party_member(self) -> bool:
        return self.party_status is not None

    def alive_on(self, day: date) -> bool:
        return self.deceased is None or day < self.deceased

    def age_on(self, day: date) -> int:
        """Age in whole years on ``day``."""
        years = day.year - self.birth_date.year
        return years - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))
