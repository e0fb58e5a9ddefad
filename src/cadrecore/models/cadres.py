"""Veteran cadres (老干部): retired officials, 离休 or 退休, and their party membership."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from operator import mul
from typing import Annotated, Self

from pydantic import BeforeValidator, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from ..i18n import Text
from ..policy import LIXIU_CUTOFF
from .common import Date, LabelledEnum, Name, Record, RecordId, Sensitive, Sensitivity, split_cell


class RetirementKind(LabelledEnum):
    """离休 (joined revolutionary work on or before 1949-09-30) or 退休 (everyone else)."""

    LIXIU = "lixiu"
    TUIXIU = "tuixiu"

    @classmethod
    def zh_labels(cls) -> dict[str, str]:
        return {"lixiu": "离休", "tuixiu": "退休"}

    @classmethod
    def en_labels(cls) -> dict[str, str]:
        return {
            "lixiu": "honourable retirement (lixiu)",
            "tuixiu": "ordinary retirement (tuixiu)",
        }


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

    @classmethod
    def en_labels(cls) -> dict[str, str]:
        return {
            "first_civil_war": "First Revolutionary Civil War",
            "second_civil_war": "Second Revolutionary Civil War",
            "resistance_war": "War of Resistance against Japan",
            "liberation_war": "War of Liberation",
        }


class PartyStatus(LabelledEnum):
    """Party membership: a full member (正式党员) or a probationary one (预备党员)."""

    FULL = "full"
    PROBATIONARY = "probationary"

    @classmethod
    def zh_labels(cls) -> dict[str, str]:
        return {"full": "正式党员", "probationary": "预备党员"}

    @classmethod
    def en_labels(cls) -> dict[str, str]:
        return {
            "full": "full member",
            "probationary": "probationary member",
        }


class ResidenceKind(LabelledEnum):
    """Where a retired cadre lives: an urban community (城镇社区) or the countryside (农村)."""

    URBAN = "urban"
    RURAL = "rural"

    @classmethod
    def zh_labels(cls) -> dict[str, str]:
        return {"urban": "城镇社区", "rural": "农村"}

    @classmethod
    def en_labels(cls) -> dict[str, str]:
        return {
            "urban": "urban community",
            "rural": "rural village",
        }


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
    if len(first17) == 17 and first17.isdecimal():
        # The weights are 2**17 ... 2**1 modulo 11, and 13 is 2 modulo 11: so the weighted sum
        # is twice the digits read in base 13, modulo 11 (one int() instead of 17 products).
        return _ID_CHECK[2 * int(first17, 13) % 11]
    if len(first17) != len(_ID_WEIGHTS):
        raise ValueError(f"an ID number's first 17 digits, not {len(first17)}")
    return _ID_CHECK[sum(map(mul, map(int, first17), _ID_WEIGHTS)) % 11]


#: The pydantic error type of a cadre whose fields contradict each other; its context holds
#: the :class:`Inconsistency` list as ``problems``.
INCONSISTENT = "cadre_inconsistent"


@dataclass(frozen=True)
class Inconsistency:
    """Two or more fields of a cadre that cannot all be true: a stable ``code``, the ``fields``
    involved (the first is where a spreadsheet shows it), and the message in both languages."""

    code: str
    fields: tuple[str, ...]
    message: Text


def national_id_birth_date(national_id: str) -> date | None:
    """The birth date digits 7 to 14 of an 18-digit ID number give (None if they are no date)."""
    try:
        digits = national_id[6:14]
        if len(digits) == 8 and digits.isascii() and digits.isdigit():
            return _DAY_OF(digits)  # (YYYYMMDD, read in C)
        if len(digits) == 8 and digits.isdecimal():
            day = int(digits)  # (one int() for the three)
            return date(day // 10000, day // 100 % 100, day % 100)
        return date(int(national_id[6:10]), int(national_id[10:12]), int(national_id[12:14]))
    except ValueError:
        return None


def national_id_gender(national_id: str) -> str:
    """男 or 女, as the 17th digit of an 18-digit ID number says (odd: 男)."""
    return "男" if int(national_id[16]) % 2 else "女"


class Cadre(Record):
    """A retired cadre on the roster (花名册).

    ``id`` is the bureau's own stable number; the national ID number is personal data, kept
    only in ``national_id``. ``county_id`` is the county-level unit where the cadre lives, and
    ``township`` / ``community`` say where within it (a community or a village).
    """

    id: RecordId
    name: Name
    gender: str = ""
    ethnicity: str = ""
    birth_date: Annotated[Date, Sensitive(Sensitivity.BIRTH_DATE)]
    national_id: Annotated[NationalId | None, Sensitive(Sensitivity.ID_NUMBER)] = None
    phone: Annotated[str, Sensitive(Sensitivity.CONTACT)] = ""
    joined_work: Date
    joined_revolution: Date | None = None
    retirement_kind: RetirementKind
    retirement_date: Annotated[Date, Sensitive(Sensitivity.RETIREMENT_DATE)]
    revolution_period: RevolutionPeriod | None = None
    former_unit: str = ""
    former_rank: str = ""
    former_field: str = ""
    treatment_level: str = ""
    party_status: PartyStatus | None = None
    party_joined: Date | None = None
    other_party: str = ""
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
    health: Annotated[str, Sensitive(Sensitivity.HEALTH)] = ""
    deceased: Date | None = None
    note: str = ""
    synthetic: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if _holds_together(self):  # (the common case, without a list made for nothing)
            return self
        problems = inconsistencies(self)
        if problems:
            raise PydanticCustomError(
                INCONSISTENT,
                "{message}",
                {"message": "; ".join(p.message.en for p in problems), "problems": problems},
            )
        return self

    @property
    def is_party_member(self) -> bool:
        """Whether the cadre is a party member (full or probationary)."""
        return self.party_status is not None

    def alive_on(self, day: date) -> bool:
        """Whether the cadre was alive on ``day`` (the day of death itself counts as not)."""
        return self.deceased is None or day < self.deceased

    def age_on(self, day: date) -> int:
        """Age in whole years on ``day``."""
        years = day.year - self.birth_date.year
        return years - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))


def _holds_together(cadre: Cadre) -> bool:
    """True only if :func:`inconsistencies` finds nothing: the same checks, as one pass that
    makes nothing, for the common case (every cadre of a roster is checked as it is read).
    False means "look closer", not "inconsistent": 离休 cadres are left to the full checks."""
    fields = cadre.__dict__  # (the values, read without looking through the classes first)
    birth = fields["birth_date"]
    retired = fields["retirement_date"]
    if (
        not birth < fields["joined_work"] <= retired  # (so retired > birth too)
        or fields["retirement_kind"] is not _TUIXIU
        or fields["revolution_period"]
    ):
        return False
    revolution = fields["joined_revolution"]
    if revolution is not None and revolution <= birth:
        return False
    deceased = fields["deceased"]
    if deceased and (deceased < retired or deceased <= birth):
        return False
    party_joined = fields["party_joined"]
    if party_joined and (not fields["party_status"] or party_joined <= birth):
        return False
    if fields["away_since"] and not fields["living_away"]:
        return False
    national_id = fields["national_id"]
    if national_id:
        first17 = national_id[:17]
        try:
            if (
                len(national_id) != 18
                or not first17.isdecimal()
                or national_id[17] != _ID_CHECK[2 * int(first17, 13) % 11]
                # (digits 7 to 14 as a day: YYYYMMDD, which fromisoformat reads, in C)
                or _DAY_OF(national_id[6:14]) != birth
            ):
                return False
        except ValueError:  # (no day, or digits it does not read: the full checks say)
            return False
        gender = fields["gender"]
        if gender and gender in _SEXES and _SEXES[int(national_id[16]) % 2] != gender:
            return False
    return True


_TUIXIU = RetirementKind.TUIXIU
_DAY_OF = date.fromisoformat
#: 男 and 女 by the parity of an ID number's 17th digit (odd: 男).
_SEXES = ("女", "男")


def inconsistencies(cadre: Cadre) -> list[Inconsistency]:
    """Every way ``cadre``'s fields contradict each other (empty when they hold together)."""
    if _holds_together(cadre):
        return []
    problems: list[Inconsistency] = []

    def add(code: str, fields: tuple[str, ...], zh: str, en: str) -> None:
        problems.append(Inconsistency(code, fields, Text(zh, en)))

    birth = cadre.birth_date
    if cadre.retirement_date <= birth:
        add(
            "dates.order",
            ("retirement_date", "birth_date"),
            "离退休时间不在出生日期之后",
            "retirement_date is not after birth_date",
        )
    if cadre.joined_work <= birth:
        add(
            "dates.order",
            ("joined_work", "birth_date"),
            "参加工作时间不在出生日期之后",
            "joined_work is not after birth_date",
        )
    if cadre.retirement_date < cadre.joined_work:
        add(
            "dates.order",
            ("retirement_date", "joined_work"),
            "离退休时间早于参加工作时间",
            "retirement_date is before joined_work",
        )
    if cadre.joined_revolution is not None and cadre.joined_revolution <= birth:
        add(
            "dates.order",
            ("joined_revolution", "birth_date"),
            "参加革命工作时间不在出生日期之后",
            "joined_revolution is not after birth_date",
        )
    if cadre.deceased and cadre.deceased < cadre.retirement_date:
        add(
            "dates.order",
            ("deceased", "retirement_date"),
            "去世日期早于离退休时间",
            "deceased is before retirement_date",
        )
    if cadre.deceased and cadre.deceased <= birth:
        add(
            "dates.order",
            ("deceased", "birth_date"),
            "去世日期不在出生日期之后",
            "deceased is not after birth_date",
        )
    cutoff = LIXIU_CUTOFF.value_on(cadre.retirement_date)
    revolution = cadre.joined_revolution or cadre.joined_work
    if cadre.retirement_kind is RetirementKind.LIXIU and revolution > cutoff:
        field = "joined_revolution" if cadre.joined_revolution else "joined_work"
        add(
            "lixiu.revolution_date",
            (field, "retirement_kind"),
            f"离休干部须在 {cutoff:%Y年%m月%d日} 及以前参加革命工作，此处为 "
            f"{revolution:%Y年%m月%d日}；否则应为退休",
            f"a cadre of {RetirementKind.LIXIU.en} must have joined revolutionary work on or "
            f"before {cutoff}; {field} is {revolution}, else the kind is "
            f"{RetirementKind.TUIXIU.en}",
        )
    if cadre.revolution_period and cadre.retirement_kind is not RetirementKind.LIXIU:
        add(
            "lixiu.period",
            ("revolution_period", "retirement_kind"),
            "革命时期只适用于离休干部",
            f"revolution_period applies only to cadres of {RetirementKind.LIXIU.en}",
        )
    if cadre.party_joined and not cadre.party_status:
        add(
            "party.joined_not_member",
            ("party_joined", "party_status"),
            "填写了入党时间，但政治面貌不是中共党员",
            "party_joined is set but party_status is empty",
        )
    if cadre.party_joined and cadre.party_joined <= birth:
        add(
            "dates.order",
            ("party_joined", "birth_date"),
            "入党时间不在出生日期之后",
            "party_joined is not after birth_date",
        )
    if cadre.away_since and not cadre.living_away:
        add(
            "away.since_not_away",
            ("away_since", "living_away"),
            "填写了异地居住起始日期，但未标为异地居住",
            "away_since is set but living_away is false",
        )
    national_id = cadre.national_id
    if national_id:
        expected = national_id_check_char(national_id[:17])
        if national_id[17] != expected:
            add(
                "id.check_char",
                ("national_id",),
                f"身份证号校验码错误：应为 {expected}",
                f"national_id check character is {national_id[17]!r}, expected {expected!r}",
            )
        else:
            if national_id_birth_date(national_id) != birth:
                add(
                    "birth.id_mismatch",
                    ("birth_date", "national_id"),
                    "出生日期与身份证号中的出生日期不符",
                    "national_id does not match birth_date",
                )
            if cadre.gender in ("男", "女") and national_id_gender(national_id) != cadre.gender:
                add(
                    "sex.id_mismatch",
                    ("gender", "national_id"),
                    f"性别“{cadre.gender}”与身份证号第 17 位（奇数为男、偶数为女）不符",
                    f"gender {cadre.gender!r} disagrees with the ID number's 17th digit "
                    "(odd: male, even: female)",
                )
    return problems
