"""The cadres the rosters hold: deterministic, internally consistent, and unique across the corpus.

Each roster draws its people from its own *slot*: a seeded :class:`random.Random` and its own
slice of one name pool, so a roster's people do not depend on which other rosters were built.
Names are unique across the pool, and never one of the Xinzhou example's: no given name uses a
character that any of the example's given names uses. ID numbers
carry the slot in digits 15-16, so two slots never give the same number; within a slot a
number is never given twice.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date
from functools import cache

from cadrecore.models.cadres import national_id_check_char

#: county id: (name, the ID number's region code)
COUNTIES: dict[str, tuple[str, str]] = {
    "xz.xinfu": ("忻府区", "140902"),
    "xz.yuanping": ("原平市", "140981"),
    "xz.dingxiang": ("定襄县", "140921"),
    "xz.wutai": ("五台县", "140922"),
    "xz.daixian": ("代县", "140923"),
    "xz.fanshi": ("繁峙县", "140924"),
    "xz.ningwu": ("宁武县", "140925"),
    "xz.jingle": ("静乐县", "140926"),
    "xz.shenchi": ("神池县", "140927"),
    "xz.wuzhai": ("五寨县", "140928"),
    "xz.kelan": ("岢岚县", "140929"),
    "xz.hequ": ("河曲县", "140930"),
    "xz.baode": ("保德县", "140931"),
    "xz.pianguan": ("偏关县", "140932"),
}
LIXIU_CUTOFF = date(1949, 9, 30)

_SURNAMES = (
    "王李张刘赵郭杨梁高武任贾韩田段阎薛侯郝范霍乔白温康冯杜史吕孙胡马周陈许邢秦朱岳魏苏崔宋常董"
)
# Not one of these is in a given name of the Xinzhou example's cadres (examples/xinzhou/cadres.csv),
# so no name here is an example cadre's (test_roster_corpus checks it).
_MALE = "振占锁铁恒锦登培炳耀存满鸿堂启宏智良汉钧宪章彪增跃晋虎栓根亮辉喜长毅"
_FEMALE = "爱巧秋荣娟蓉艳素改银粉娇芝梨雪黛婵俏静环仙"
SLOT_SIZE = 60

DEPARTMENTS = (
    "教育局",
    "财政局",
    "人民医院",
    "交通局",
    "农业局",
    "水利局",
    "公安局",
    "粮食局",
    "供销社",
    "林业局",
    "第一中学",
    "卫生局",
    "民政局",
    "统计局",
    "人大常委会办公室",
    "政协办公室",
    "税务局",
    "邮政局",
)
_NEUTRAL_UNITS = ("县医院", "城关中学", "县委办公室", "县政府办公室", "县百货公司", "县农机站")
_STREETS = (
    "新建路",
    "和平街",
    "长征街",
    "七一路",
    "建设路",
    "团结路",
    "利民街",
    "北大街",
    "南关街",
)
_RANKS = ("办事员", "科员", "科员", "副科级", "副科级", "正科级", "正科级", "副县级")
_LIXIU_RANKS = ("副县级", "正县级", "正科级")
_HEALTH = ("良好", "良好", "良好", "一般", "一般", "较差", "卧床")
_NOTES = ("", "", "", "", "", "", "随子女居住太原市", "独居", "常年在外地居住", "空巢")
OTHER_PARTIES = ("民革党员", "九三学社社员", "无党派人士", "民盟盟员", "民建会员")


@dataclass(frozen=True)
class Person:
    """One cadre as the bureau knows them; a roster chooses how to write each field.

    Every date but the birth date is the first of its month, so a roster may write it as a
    month (``1968.09``) or a day (``1968年9月1日``) and the importer must read the same date.
    """

    name: str
    written_name: str  # as the clerk typed it: 2-character names padded, stray spaces
    gender: str
    ethnicity: str
    birth: date
    national_id: str
    joined_work: date
    joined_revolution: date | None
    kind: str  # "lixiu" or "tuixiu"
    retirement: date
    county_id: str
    former_unit: str
    former_rank: str
    party: str  # 政治面貌 as written: 中共党员, 中共预备党员, 群众, 民革党员...
    party_joined: date | None
    address: str
    phone: str
    health: str
    notes: str
    treatment: str

    @property
    def county_name(self) -> str:
        return COUNTIES[self.county_id][0]

    @property
    def party_status(self) -> str | None:
        return {"中共党员": "full", "中共预备党员": "probationary"}.get(self.party)

    @property
    def other_party(self) -> str:
        return self.party if self.party in OTHER_PARTIES else ""


@cache
def name_pool() -> tuple[tuple[str, str], ...]:
    """Unique (name, gender) pairs, in a fixed order."""
    rng = random.Random(19491001)
    seen: set[str] = set()
    pool: list[tuple[str, str]] = []
    while len(pool) < 40 * SLOT_SIZE:
        gender = rng.choice("男女")
        chars = _MALE if gender == "男" else _FEMALE
        given = rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.75 else "")
        name = rng.choice(_SURNAMES) + given
        if len(set(given)) < len(given) or name in seen:
            continue
        seen.add(name)
        pool.append((name, gender))
    return tuple(pool)


def _month_after(day: date, years: int) -> date:
    """The first of the month after ``day``'s ``years``-th anniversary."""
    year, month = day.year + years, day.month + 1
    if month == 13:
        year, month = year + 1, 1
    return date(year, month, 1)


class Factory:
    """Makes the people of one roster (slot ``slot``, 0-39)."""

    def __init__(self, slot: int) -> None:
        self.slot = slot
        self.rng = random.Random(7000 + slot)
        self._names = iter(name_pool()[slot * SLOT_SIZE : (slot + 1) * SLOT_SIZE])
        self._ids: set[str] = set()

    def person(
        self,
        county_id: str,
        *,
        kind: str = "tuixiu",
        parties: tuple[str, ...] | None = None,
        unit: str | None = None,
        check_x: bool = False,
    ) -> Person:
        """A consistent cadre living in ``county_id``.

        ``parties``: the 政治面貌 to choose from; ``unit``: the former unit (else one of the
        county's, or now and then one that names no county); ``check_x``: an ID number whose
        check character is X.
        """
        rng = self.rng
        name, gender = next(self._names)
        if kind == "lixiu":
            birth = date(rng.randint(1924, 1931), rng.randint(1, 12), rng.randint(1, 28))
            first = max(birth.year + 15, 1938)
            revolution = date(rng.randint(first, 1949), rng.randint(1, 12), 1)
            if revolution > LIXIU_CUTOFF:
                revolution = date(1949, rng.randint(1, 9), 1)
            joined_work: date = revolution
            joined_revolution: date | None = revolution
            retirement = _month_after(birth, 60 if gender == "男" else 55)
            rank = rng.choice(_LIXIU_RANKS)
        else:
            birth = date(rng.randint(1936, 1961), rng.randint(1, 12), rng.randint(1, 28))
            joined_work = date(birth.year + rng.randint(17, 24), rng.randint(1, 12), 1)
            joined_revolution = None
            retirement = _month_after(birth, 60 if gender == "男" else 55)
            rank = rng.choice(_RANKS)
        if parties is None:
            parties = (
                ("中共党员",) * 9 + ("群众",)
                if kind == "lixiu"
                else ("中共党员",) * 12 + ("群众",) * 4 + ("中共预备党员",) + OTHER_PARTIES
            )
        party = rng.choice(parties)
        party_joined: date | None = None
        if party == "中共党员":
            year = rng.randint(max(birth.year + 18, joined_work.year), retirement.year - 1)
            party_joined = date(year, rng.randint(1, 12), 1)
        elif party == "中共预备党员":
            party_joined = date(2022, rng.randint(1, 12), 1)
        national_id, birth = self._national_id(county_id, birth, gender, check_x)
        county = COUNTIES[county_id][0]
        if unit is None:
            unit = (
                rng.choice(_NEUTRAL_UNITS)
                if rng.random() < 0.15
                else county + rng.choice(DEPARTMENTS)
            )
        written = name
        if len(name) == 2 and rng.random() < 0.7:
            written = name[0] + "\u3000" + name[1]  # padded to line up with 3-character names
        elif rng.random() < 0.08:
            written = name + " "
        mobile = rng.random() < 0.7
        phone = (
            f"13{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}"
            if mobile
            else f"0350-{rng.randint(2_000_000, 8_999_999)}"
        )
        address = f"{rng.choice(_STREETS)}{rng.randint(1, 199)}号"
        if rng.random() < 0.4:
            address += f"{rng.randint(1, 12)}号楼{rng.randint(1, 4)}单元"
        return Person(
            name=name,
            written_name=written,
            gender=gender,
            ethnicity="汉族" if rng.random() < 0.92 else rng.choice(("回族", "蒙古族", "满族")),
            birth=birth,
            national_id=national_id,
            joined_work=joined_work,
            joined_revolution=joined_revolution,
            kind=kind,
            retirement=retirement,
            county_id=county_id,
            former_unit=unit,
            former_rank=rank,
            party=party,
            party_joined=party_joined,
            address=address,
            phone=phone,
            health=rng.choice(_HEALTH),
            notes=rng.choice(_NOTES),
            treatment=rank if rng.random() < 0.8 else "",
        )

    def twin(self, person: Person) -> Person:
        """Another person with ``person``'s sex and birth date but their own name (and, as typed
        by mistake, the same ID number)."""
        name, _ = next(self._names)
        return replace(person, name=name, written_name=name)

    def _national_id(
        self, county_id: str, birth: date, gender: str, check_x: bool
    ) -> tuple[str, date]:
        """A new ID number for someone of ``gender`` born on ``birth``, and the birth date it
        says: with ``check_x``, another day of the same month when no number on ``birth``
        ends in X."""
        region = COUNTIES[county_id][1]
        digits = [d for d in range(10) if (d % 2 == 1) == (gender == "男")]
        self.rng.shuffle(digits)
        days = [birth]
        if check_x:
            days += [date(birth.year, birth.month, d) for d in range(1, 29) if d != birth.day]
        for day in days:
            for digit in digits:
                first17 = f"{region}{day:%Y%m%d}{self.slot:02d}{digit}"
                number = first17 + national_id_check_char(first17)
                if number in self._ids or (check_x and not number.endswith("X")):
                    continue
                self._ids.add(number)
                return number, day
        raise ValueError(f"no free ID number for {birth} in slot {self.slot}")
