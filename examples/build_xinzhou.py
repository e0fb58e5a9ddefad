"""Build the Xinzhou example ledger (``examples/xinzhou``) from the Xinzhou bureau's account.

The account is 《用责任和担当下好老干部工作“一盘棋”》 (忻州市老干部局, 2022-7-18): Xinzhou's
account of its veteran cadre work. Everything it states (15 bureaus, 213 branches by type, the
plan's targets, the "six ones", four themes, three exemplars and their results, the services of
four departments, promotions, recognitions) is built here as data; everything else (names, dates,
sizes, who belongs where) is synthetic, drawn from one seeded random generator, so that running
this twice writes byte-identical files::

    python examples/build_xinzhou.py            # writes examples/xinzhou
    python examples/build_xinzhou.py /tmp/xz    # writes elsewhere

The ledger is as of 2022-12-31. A few gaps are planted on purpose (see :data:`PLANTED_GAPS` and
``examples/xinzhou/README.md``) so that the rules, the core's and the department plugins', have
something to find. The histories of the orders and of the family-doctor renewals are made
through the public service lifecycle (``cadrecore.services.request`` and ``transition``).
"""

from __future__ import annotations

import argparse
import importlib
import math
import random
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

from pydantic import BaseModel

import cadrecore
from cadrecore.calendar import add_working_days
from cadrecore.models import (
    Activity,
    Assignment,
    Branch,
    Cadre,
    Checklist,
    DuesBand,
    DuesReduction,
    Establishment,
    Jurisdiction,
    LeadershipPost,
    Membership,
    Opinion,
    PartyDues,
    PartyGroup,
    PartyOrg,
    Plan,
    Programme,
    Project,
    Recognition,
    ServiceEvent,
    ServiceRecord,
    StaffMember,
    Theme,
    TreatmentGrant,
    TreatmentStandard,
    Unit,
    expected_dues,
)
from cadrecore.models.cadres import national_id_check_char
from cadrecore.services import request, transition

HERE = Path(__file__).resolve().parent
DEFAULT_OUTPUT = HERE / "xinzhou"
SEED = 20220718  # the account's date
#: a branch of this many members or more is divided into party groups (党员人数较多的支部划分
#: 党小组: 支部工作条例第十一条); the default of the parameter party_groups.divide_from_members
GROUPS_FROM_MEMBERS = 30
#: members of a party group, at most
GROUP_SIZE = 15
#: the county whose branches keep their party dues (党费) in the ledger: its 10 branches' 139
#: members, month by month
DUES_COUNTY = "pianguan"
#: 中组发〔2008〕3号 第五条: a retired member pays 0.5 % of the pension base when it is 5,000 yuan
#: or less (5,000 included), 1 % of the whole base when it is more
RETIREE_BANDS = (DuesBand(Decimal("5000.00"), Decimal("0.005")), DuesBand(None, Decimal("0.01")))
#: the 2022 pension adjustment (4 %), received from July with the back pay: the new base from
#: July (第十条: from the month the new pension is received)
PENSION_RISE, PENSION_RISE_MONTH = Decimal("1.04"), 7
YEAR = 2022
AS_OF = date(YEAR, 12, 31)
SOURCE = "《用责任和担当下好老干部工作“一盘棋”》，忻州市老干部局，2022-7-18"

#: The four department plugins: entry point name -> module.
PLUGIN_MODULES: dict[str, str] = {
    "art_academy": "cadrecore_art_academy",
    "medicine_kits": "cadrecore_medicine_kits",
    "family_doctor": "cadrecore_family_doctor",
    "order_service": "cadrecore_order_service",
}

M = TypeVar("M", bound=BaseModel)


def plugin_modules() -> dict[str, ModuleType]:
    """The four plugin modules; from ``plugins/*/src`` of this checkout if not installed."""
    modules: dict[str, ModuleType] = {}
    for name, module_name in PLUGIN_MODULES.items():
        try:
            modules[name] = importlib.import_module(module_name)
        except ModuleNotFoundError:
            source = HERE.parent / "plugins" / name / "src"
            if not source.is_dir():
                raise
            sys.path.insert(0, str(source))
            modules[name] = importlib.import_module(module_name)
    return modules


def example_registry() -> cadrecore.Registry:
    """The built-ins and the four department plugins, registered explicitly (no autoloading)."""
    pm = cadrecore.new_plugin_manager(load_installed=False)
    for name, module in plugin_modules().items():
        pm.register(module, name=name)
    pm.check_pending()
    return cadrecore.get_registry(pm)


# =============================================================================================
# What the account states (the figures the example must reproduce)
# =============================================================================================


@dataclass(frozen=True)
class County:
    """A county-level unit of Xinzhou and its branches by type (team, mobile, online, community,
    rural). ``urban`` and ``rural`` are townships used for addresses."""

    key: str
    name: str
    committee: str  # 区委, 市委 or 县委: how its bureau is named
    branches: tuple[int, int, int, int, int]
    urban: tuple[str, ...]
    rural: tuple[str, ...]
    bureau_posts: int
    region: str  # an unassigned region code, so synthetic ID numbers are nobody's


BRANCH_TYPES = ("team", "mobile", "online_publicity", "community", "rural")

#: The 14 county-level units. The branch counts add up to the account's 62 team,
#: 27 mobile, 23 online-publicity, 53 community and 48 rural branches (213 in all); how they
#: spread over the counties is synthetic.
COUNTIES: tuple[County, ...] = (
    County("xinfu", "忻府区", "区委", (15, 6, 5, 16, 5),
           ("秀容街道", "长征街道", "新建路街道", "光明街道", "云中路街道"),
           ("奇村镇", "播明镇", "庄磨镇", "董村镇", "豆罗镇"), 10, "140990"),
    County("yuanping", "原平市", "市委", (7, 3, 3, 6, 4),
           ("北城街道", "南城街道"), ("崞阳镇", "大牛店镇", "苏龙口镇"), 9, "140991"),
    County("dingxiang", "定襄县", "县委", (4, 2, 1, 3, 4),
           ("晋昌镇",), ("河边镇", "宏道镇"), 7, "140992"),
    County("wutai", "五台县", "县委", (4, 2, 1, 3, 4),
           ("台城镇",), ("东冶镇", "台怀镇"), 7, "140993"),
    County("daixian", "代县", "县委", (4, 2, 2, 3, 4),
           ("上馆镇",), ("阳明堡镇", "峨口镇", "枣林镇"), 7, "140994"),
    County("fanshi", "繁峙县", "县委", (3, 2, 1, 3, 3),
           ("繁城镇",), ("砂河镇", "大营镇"), 7, "140995"),
    County("ningwu", "宁武县", "县委", (4, 2, 2, 3, 3),
           ("凤凰镇",), ("阳方口镇", "东寨镇"), 7, "140996"),
    County("jingle", "静乐县", "县委", (3, 1, 1, 2, 3),
           ("鹅城镇",), ("丰润镇", "杜家村镇"), 6, "140997"),
    County("shenchi", "神池县", "县委", (3, 1, 1, 2, 3),
           ("龙泉镇",), ("义井镇", "八角镇"), 6, "140998"),
    County("wuzhai", "五寨县", "县委", (3, 1, 1, 2, 3),
           ("砚城镇",), ("小河头镇", "三岔镇"), 6, "140999"),
    County("kelan", "岢岚县", "县委", (3, 1, 1, 2, 3),
           ("岚漪镇",), ("三井镇", "宋家沟乡"), 6, "140990"),
    County("hequ", "河曲县", "县委", (3, 2, 2, 3, 3),
           ("文笔镇",), ("楼子营镇", "巡镇镇"), 7, "140991"),
    County("baode", "保德县", "县委", (3, 1, 1, 3, 3),
           ("东关镇",), ("义门镇", "杨家湾镇"), 6, "140992"),
    County("pianguan", "偏关县", "县委", (3, 1, 1, 2, 3),
           ("新关镇",), ("天峰坪镇", "老营镇"), 6, "140993"),
)  # fmt: skip

#: Branches of city-level retirees (市直) in 忻府区, led directly by the city's working committee.
CITY_DIRECT_BRANCHES = {"team": 10, "mobile": 3, "online_publicity": 3}

PLAN_YEARS = (2020, 2021, 2022)
PLAN_TARGET_PER_YEAR = 10  # 每年打造10个标准化活动场所和10个“三基建设”示范点
WORKING_COMMITTEE_ESTABLISHMENT = 2  # 配备编制2名
WORKING_COMMITTEE_SECTION_POSTS = 1  # 科级职数1名

THEMES = ((2019, "人生设计"), (2020, "乐龄行动计划"), (2021, "行动学习法"), (2022, "培育时代老人"))

#: The four leading bodies' leaders at the yearly briefing: the source names the party
#: secretary and the mayor; the people's congress and CPPCC leaders are synthetic.
BRIEFING_LEADERS = ("party_committee:李俊明", "government:郑连生")

#: The three exemplars and their projects' results (metric, value, unit, at least).
EXEMPLARS: dict[str, dict[str, Any]] = {
    "zhang_wenhan": {
        "name": "张文翰",
        "county": "kelan",
        "former_unit": "岢岚县农委",
        "project": "花果山党支部开荒造林、建棚种果与技术帮扶",
        "field": "poverty_alleviation",
        "from_year": 2017,
        "results": (
            ("people_mobilized", 108, "名", False, "涉农部门退休老党员、“土专家”"),
            ("funds_raised", 420_000, "元", False, "筹资42万元"),
            ("land_reclaimed", 470, "亩", False, "开荒造地470亩"),
            ("assets_donated", 6, "座", False, "6座大棚无偿捐献给贫困户经营"),
            ("experts", 29, "名", False, "29名“专家”"),
            ("teams", 4, "个", False, "4个技术指导小分队"),
        ),
    },
    "lang_wen": {
        "name": "郎文",
        "county": "daixian",
        "project": "“雁绣”厂",
        "field": "entrepreneurship",
        "from_year": 2018,
        "results": (
            ("funds_raised", 500_000, "元", True, "筹资50多万元"),
            ("trainees", 300, "人次", True, "培训绣娘300多人次"),
        ),
    },
    "shi_jianhua": {
        "name": "石建华",
        "county": "yuanping",
        "project": "中国助学网：互联网筹措爱心款助学",
        "field": "education_aid",
        "from_year": 2008,
        "results": (
            ("funds_raised", 19_000_000, "元", True, "筹措爱心款1900多万元"),
            ("beneficiaries", 48_000, "人次", True, "受助学生4.8万余人次"),
            ("years_active", 14, "年", False, "14年如一日"),
        ),
    },
}

RESERVED_NAMES = frozenset({"张文翰", "郎文", "石建华", "李俊明", "郑连生", "骆惠宁"})

#: Gaps planted on purpose, so that the rules have something to find (see the README).
PLANTED_GAPS: dict[str, Any] = {
    "missed_themed_party_day": (("xz.ningwu.b03", 8), ("xz.baode.b09", 11)),
    "general_meeting_without_quorum": ("xz.hequ.b10", 3),
    "opinion_answered_late": "xz.op.2022.07",
    # the department plugins' rules: a kit whose 硝酸甘油 expires within 90 days of the year's
    # end, and a legal-advice order accepted in November and never served
    "kit_medicine_expiring": ("xz.kit.0218", "硝酸甘油", date(2023, 2, 26)),
    "order_stuck": "xz.order.0191",
    # party dues in 偏关县: a member who paid nothing in August and September, one who paid
    # nothing in November, and one whose adjusted pension passed 5,000 yuan in July and who paid
    # that month at 0.5 % (one month short); beside them, a hardship reduction the branch decided
    "dues_unpaid": (("xz.pianguan.b07", (8, 9)), ("xz.pianguan.b04", (11,))),
    "dues_short": ("xz.pianguan.b01", Decimal("4860.00")),
    "dues_reduced": ("xz.pianguan.b06", Decimal("5.00"), date(2022, 3, 18)),
}

# =============================================================================================
# Synthetic material
# =============================================================================================

SURNAMES = "王李张刘赵郭杨梁高武任贾韩田段阎薛侯郝范霍乔白温康冯杜史吕牛孙胡马周陈许邢秦续闫弓"
MALE_GIVEN = "建国明华文武志永树德保福生春林平军勇忠学海宝贵成俊世兴旺斌金录茂义仁瑞江山和伟"
FEMALE_GIVEN = "秀英兰芳桂玉珍凤琴梅丽霞萍云香月红翠娥花淑慧敏彩莲菊润"
COMMUNITY_NAMES = (
    "和平社区", "建设社区", "东门社区", "西关社区", "南关社区", "北关社区", "文化社区",
    "新华社区", "幸福社区", "育才社区", "利民社区", "康宁社区", "振兴社区", "阳光社区",
    "胜利社区", "团结社区", "花园社区", "滨河社区",
)  # fmt: skip
VILLAGE_PREFIX = "东西南北上下前后大小"
VILLAGE_STEM = ("庄", "营", "沟", "堡", "寨", "社", "坪", "峪", "湾", "河", "窑", "头")
TEAM_INTERESTS = (
    "书画", "合唱", "太极拳", "摄影", "门球", "诗词", "晋剧", "舞蹈", "乒乓球", "健步走",
    "八段锦", "腰鼓", "柔力球", "葫芦丝",
)  # fmt: skip
OTHER_INTERESTS = ("读书", "园艺", "象棋", "钓鱼", "旅游", "集邮", "剪纸", "垂钓")
AWAY_PLACES = ("太原", "北京", "天津", "石家庄", "大同", "西安", "海口", "呼和浩特", "上海")
CITY_UNITS = (
    ("市委办公室", "党政"), ("市政府办公室", "党政"), ("市委组织部", "党政"),
    ("市委宣传部", "党政"), ("市发改委", "经济"), ("市教育局", "教育"), ("市财政局", "财经"),
    ("市农委", "农业"), ("市林业局", "农业"), ("市水利局", "农业"), ("市交通局", "交通"),
    ("市公安局", "政法"), ("市中级人民法院", "政法"), ("市卫健委", "卫生"),
    ("市人民医院", "卫生"), ("市供销社", "商贸"), ("市煤炭局", "煤炭"), ("市总工会", "群团"),
    ("市统计局", "财经"), ("市审计局", "财经"), ("市人社局", "社会"), ("市商务局", "商贸"),
    ("市文化局", "文化"), ("市广播电视台", "文化"), ("市民政局", "社会"), ("市粮食局", "商贸"),
)  # fmt: skip
COUNTY_UNIT_STEMS = (
    ("教育局", "教育"), ("财政局", "财经"), ("农委", "农业"), ("林业局", "农业"),
    ("水利局", "农业"), ("交通局", "交通"), ("公安局", "政法"), ("人民法院", "政法"),
    ("卫生局", "卫生"), ("人民医院", "卫生"), ("供销社", "商贸"), ("煤炭局", "煤炭"),
    ("粮食局", "商贸"), ("民政局", "社会"), ("文化局", "文化"), ("统计局", "财经"),
)  # fmt: skip
CITY_RANKS = (
    ("副厅级", 1),
    ("正处级", 8),
    ("副处级", 15),
    ("正科级", 30),
    ("副科级", 20),
    ("科员", 26),
)
COUNTY_RANKS = (("正处级", 3), ("副处级", 7), ("正科级", 30), ("副科级", 30), ("科员", 30))
EXEMPTION_REASONS = ("长期卧床", "住院治疗", "高龄行动不便", "异地就医")
MONTH_TOPICS = {
    1: "学习党的十九届六中全会精神",
    2: "学习《中国共产党章程》",
    3: "学雷锋志愿服务",
    4: "清明祭英烈",
    5: "传承五四精神",
    6: "重温入党誓词",
    7: "庆祝中国共产党成立101周年",
    8: "学习习近平总书记“七一”重要讲话精神",
    9: "喜迎党的二十大",
    10: "收听收看党的二十大开幕会",
    11: "学习贯彻党的二十大精神",
    12: "学习贯彻党的二十大精神交流研讨",
}


# =============================================================================================
# The builder
# =============================================================================================


def _years_after(day: date, years: int) -> date:
    """The anniversary ``years`` after ``day`` (29 February falls on 1 March)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


@dataclass
class BranchPlan:
    """A branch before its members exist: where, what, how many."""

    id: str
    name: str
    branch_type: str
    tie: str
    org_id: str
    county: County
    township: str
    community: str
    interest: str
    formed: date
    size: int
    venue: str
    former_units: tuple[tuple[str, str], ...] = ()
    city_direct: bool = False
    away_place: str = ""
    members: list[str] = field(default_factory=list)


class XinzhouBuilder:
    """Builds the records of the example, kind by kind, from one seeded generator."""

    def __init__(self, registry: cadrecore.Registry, seed: int = SEED) -> None:
        self.registry = registry
        self.context = {"registry": registry}
        self.rng = random.Random(seed)
        self.data: dict[str, list[BaseModel]] = {}
        self.cadres: dict[str, Cadre] = {}
        self.cadre_numbers: dict[str, int] = {}
        self.id_numbers = 0
        self.plans: list[BranchPlan] = []
        self.branch_names: set[str] = set()
        self.branches: dict[str, Branch] = {}
        self.members: dict[str, list[str]] = {}
        self.exemplar_ids: dict[str, str] = {}
        self.exemplar_branches: dict[str, str] = {}
        self.briefing: Activity | None = None

    # --- small helpers -------------------------------------------------------------------

    def add(self, kind_name: str, model: type[M], /, **values: Any) -> M:
        """Validate a record against the example's registry and keep it under its kind."""
        record = model.model_validate(values, context=self.context)
        self.data.setdefault(kind_name, []).append(record)
        return record

    def day_between(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randint(0, (end - start).days))

    def person_name(self, male: bool) -> str:
        while True:
            given = MALE_GIVEN if male else FEMALE_GIVEN
            length = 1 if self.rng.random() < 0.3 else 2
            name = self.rng.choice(SURNAMES) + "".join(
                self.rng.choice(given) for _ in range(length)
            )
            if name not in RESERVED_NAMES:
                return name

    def weighted(self, options: Sequence[tuple[str, int]]) -> str:
        return self.rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]

    def national_id(self, region: str, born: date, male: bool) -> str:
        self.id_numbers += 1
        sequence = (self.id_numbers * 2 + (1 if male else 0)) % 1000
        first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
        return first17 + national_id_check_char(first17)

    # --- units and staffing ----------------------------------------------------------------

    def units(self) -> None:
        approved_from = date(2010, 1, 1)  # long before the 2019 reform, which kept them all
        city = (
            ("xz", "忻州市", "city", "government", None),
            ("xz.party_committee", "中共忻州市委", "city", "party_committee", "xz"),
            (
                "xz.org_dept",
                "中共忻州市委组织部",
                "city",
                "organization_department",
                "xz.party_committee",
            ),
            ("xz.vcb", "中共忻州市委老干部局", "city", "veteran_cadre_bureau", "xz.org_dept"),
            (
                "xz.vcwc",
                "忻州市老干部工作委员会",
                "city",
                "working_committee",
                "xz.party_committee",
            ),
            ("xz.senior_university", "忻州市老年大学", "city", "public_institution", "xz.vcb"),
            ("xz.supply_coop", "忻州市供销合作社", "city", "department", "xz"),
            ("xz.coal_bureau", "忻州市煤炭局", "city", "department", "xz"),
            ("xz.health", "忻州市卫生健康委员会", "city", "department", "xz"),
            ("xz.hrss", "忻州市人力资源和社会保障局", "city", "department", "xz"),
            ("xz.finance", "忻州市财政局", "city", "department", "xz"),
        )
        for unit_id, name, level, kind, parent in city:
            self.add("units", Unit, id=unit_id, name=name, level=level, kind=kind, parent_id=parent)
        for county in COUNTIES:
            self.add(
                "units",
                Unit,
                id=f"xz.{county.key}",
                name=county.name,
                level="county",
                kind="government",
                parent_id="xz",
            )
            self.add(
                "units",
                Unit,
                id=f"xz.{county.key}.vcb",
                name=f"中共{county.name}{county.committee[-1]}委老干部局",
                level="county",
                kind="veteran_cadre_bureau",
                parent_id=f"xz.{county.key}",
            )
        establishments = [
            ("xz.vcb", "administrative", 18, approved_from),
            ("xz.vcwc", "administrative", WORKING_COMMITTEE_ESTABLISHMENT, date(2018, 9, 1)),
            ("xz.senior_university", "public_institution", 15, approved_from),
        ] + [(f"xz.{c.key}.vcb", "administrative", c.bureau_posts, approved_from) for c in COUNTIES]
        for unit_id, kind, approved, start in establishments:
            source = SOURCE if unit_id == "xz.vcwc" else "“三定”方案（示例，虚构编制数）"
            self.add(
                "establishments",
                Establishment,
                id=f"{unit_id}.est.{kind}",
                unit_id=unit_id,
                kind=kind,
                approved=approved,
                effective_from=start,
                source=source,
            )
        posts: list[tuple[str, str, str | None, int, date]] = [
            ("xz.vcb", "division", "chief", 1, approved_from),
            ("xz.vcb", "division", "deputy", 3, approved_from),
            ("xz.vcb", "section", None, 6, approved_from),
            ("xz.vcwc", "section", None, WORKING_COMMITTEE_SECTION_POSTS, date(2018, 9, 1)),
            ("xz.senior_university", "division", "chief", 1, approved_from),
            ("xz.senior_university", "division", "deputy", 1, approved_from),
        ]
        for county in COUNTIES:
            posts.append((f"xz.{county.key}.vcb", "section", "chief", 1, approved_from))
            posts.append((f"xz.{county.key}.vcb", "section", "deputy", 2, approved_from))
        for unit_id, tier, grade, approved, start in posts:
            suffix = f"{tier}.{grade}" if grade else tier
            self.add(
                "leadership_posts",
                LeadershipPost,
                id=f"{unit_id}.posts.{suffix}",
                unit_id=unit_id,
                tier=tier,
                grade=grade,
                approved=approved,
                effective_from=start,
                source=SOURCE if unit_id == "xz.vcwc" else "“三定”方案（示例，虚构编制数）",
            )

    def staff(self) -> None:
        """Staff of the bureaus, the working committee and the senior university, with the
        source's promotions: 1 deputy director of the city bureau to head a public institution,
        2 bureau staff promoted; each vacancy filled by the next, all within the quotas."""
        number = 0
        held: dict[str, int] = {}

        def person() -> str:
            nonlocal number
            number += 1
            male = self.rng.random() < 0.6
            staff_id = f"xz.staff.{number:03d}"
            self.add(
                "staff",
                StaffMember,
                id=staff_id,
                name=self.person_name(male),
                gender="男" if male else "女",
                birth_date=self.day_between(date(1966, 1, 1), date(1989, 12, 31)),
                synthetic=True,
            )
            return staff_id

        def assign(
            staff_id: str,
            unit_id: str,
            post: str,
            tier: str | None,
            grade: str | None,
            start: date,
            end: date | None = None,
            promotion: bool = False,
            kind: str = "administrative",
        ) -> None:
            held[staff_id] = held.get(staff_id, 0) + 1
            self.add(
                "assignments",
                Assignment,
                id=f"{staff_id}.a{held[staff_id]}",
                staff_id=staff_id,
                unit_id=unit_id,
                establishment_kind=kind,
                post=post,
                tier=tier,
                grade=grade,
                start=start,
                end=end,
                promotion=promotion,
            )

        early = (date(2012, 1, 1), date(2019, 2, 28))
        first_promotion = date(2021, 3, 15)
        second_promotion = date(2022, 4, 20)
        # City bureau: a director, three deputies, five section chiefs, seven staff (16 of 18).
        assign(person(), "xz.vcb", "局长", "division", "chief", self.day_between(*early))
        deputy_promoted = person()
        assign(
            deputy_promoted,
            "xz.vcb",
            "副局长",
            "division",
            "deputy",
            date(2016, 8, 1),
            first_promotion,
        )
        for _ in range(2):
            assign(person(), "xz.vcb", "副局长", "division", "deputy", self.day_between(*early))
        chief_promoted = person()
        assign(
            chief_promoted, "xz.vcb", "科长", "section", "chief", date(2015, 4, 1), first_promotion
        )
        for post in ("综合科科长", "离休干部科科长", "退休干部科科长", "活动中心科科长"):
            assign(person(), "xz.vcb", post, "section", "chief", self.day_between(*early))
        staff_promoted = person()
        assign(
            staff_promoted, "xz.vcb", "一级主任科员", None, None, date(2013, 7, 1), second_promotion
        )
        for _ in range(6):
            assign(person(), "xz.vcb", "科员", None, None, self.day_between(*early))
        # The source's promotions.
        retired_head = person()
        assign(
            retired_head,
            "xz.senior_university",
            "校长",
            "division",
            "chief",
            date(2011, 9, 1),
            first_promotion,
            kind="public_institution",
        )
        assign(
            deputy_promoted,
            "xz.senior_university",
            "校长",
            "division",
            "chief",
            first_promotion,
            promotion=True,
            kind="public_institution",
        )
        assign(
            chief_promoted,
            "xz.vcb",
            "副局长",
            "division",
            "deputy",
            first_promotion,
            promotion=True,
        )
        assign(
            staff_promoted, "xz.vcb", "科长", "section", "chief", second_promotion, promotion=True
        )
        assign(
            person(),
            "xz.senior_university",
            "副校长",
            "division",
            "deputy",
            self.day_between(*early),
            kind="public_institution",
        )
        for _ in range(6):
            assign(
                person(),
                "xz.senior_university",
                "教师",
                None,
                None,
                self.day_between(*early),
                kind="public_institution",
            )
        # The working committee: its 2 posts, 1 of them section-level.
        assign(person(), "xz.vcwc", "办公室主任", "section", None, date(2018, 10, 8))
        assign(person(), "xz.vcwc", "科员", None, None, date(2018, 10, 8))
        # County bureaus: a director, one or two deputies, staff, below the approved numbers.
        for county in COUNTIES:
            unit_id = f"xz.{county.key}.vcb"
            assign(person(), unit_id, "局长", "section", "chief", self.day_between(*early))
            deputies = self.rng.randint(1, 2)
            for _ in range(deputies):
                assign(person(), unit_id, "副局长", "section", "deputy", self.day_between(*early))
            for _ in range(county.bureau_posts - 1 - deputies - self.rng.randint(0, 2)):
                assign(person(), unit_id, "科员", None, None, self.day_between(*early))

    def party_orgs(self) -> None:
        self.add(
            "party_orgs",
            PartyOrg,
            id="xz.pwc",
            name="中共忻州市委老干部党工委",
            kind="party_working_committee",
            unit_id="xz.vcb",
            formed=date(2016, 10, 18),
        )
        for county in COUNTIES:
            self.add(
                "party_orgs",
                PartyOrg,
                id=f"xz.{county.key}.pwc",
                name=f"中共{county.name}{county.committee[-1]}委老干部党工委",
                kind="party_working_committee",
                unit_id=f"xz.{county.key}.vcb",
                parent_id="xz.pwc",
                formed=self.day_between(date(2016, 11, 1), date(2017, 6, 30)),
            )

    # --- branches and their members --------------------------------------------------------

    def plan_branches(self) -> None:
        """Decide every branch: county, type, tie, name, size (3 to 50 members, as the branch
        rules want)."""
        for county in COUNTIES:
            number = 0
            direct_left = dict(CITY_DIRECT_BRANCHES) if county.key == "xinfu" else {}
            communities = [(t, c) for t in county.urban for c in COMMUNITY_NAMES]
            self.rng.shuffle(communities)
            interests = list(TEAM_INTERESTS)
            self.rng.shuffle(interests)
            for branch_type, count in zip(BRANCH_TYPES, county.branches, strict=True):
                for index in range(count):
                    number += 1
                    direct = direct_left.get(branch_type, 0) > 0
                    if direct:
                        direct_left[branch_type] -= 1
                    plan = self._plan_one(county, branch_type, number, direct)
                    if branch_type == "team":
                        plan.interest = interests[index % len(interests)]
                    elif branch_type == "community":
                        plan.township, plan.community = communities[index]
                    self._name_branch(plan)
                    self.plans.append(plan)
        self._plan_exemplar_branches()

    def _plan_one(self, county: County, branch_type: str, number: int, direct: bool) -> BranchPlan:
        rng = self.rng
        sizes = {
            "team": (8, 30),
            "mobile": (5, 20),
            "online_publicity": (5, 14),
            "community": (10, 45),
            "rural": (3, 14),
        }
        plan = BranchPlan(
            id=f"xz.{county.key}.b{number:02d}",
            name="",
            branch_type=branch_type,
            tie={"team": "interest", "community": "place", "rural": "place"}.get(
                branch_type, "place"
            ),
            org_id="xz.pwc" if direct else f"xz.{county.key}.pwc",
            county=county,
            township=rng.choice(county.urban),
            community="",
            interest="",
            formed=self.day_between(date(2017, 3, 1), date(2019, 12, 31)),
            size=rng.randint(*sizes[branch_type]),
            venue="",
            city_direct=direct,
        )
        if branch_type == "mobile":
            plan.away_place = rng.choice(AWAY_PLACES)
            if rng.random() < 0.3:
                plan.tie = "work"
                plan.interest = rng.choice(("教育", "煤炭", "卫生", "农业"))
        elif branch_type == "online_publicity":
            plan.tie = "work" if rng.random() < 0.4 else "interest"
            if plan.tie == "work":
                plan.interest = rng.choice(("党政", "文化", "教育"))
        elif branch_type == "rural":
            plan.township = rng.choice(county.rural)
        if plan.tie == "work" and plan.interest:
            pool = (
                CITY_UNITS
                if direct
                else tuple((f"{county.name}{stem}", f) for stem, f in COUNTY_UNIT_STEMS)
            )
            plan.former_units = tuple(u for u in pool if u[1] == plan.interest) or pool
        return plan

    def _name_branch(self, plan: BranchPlan) -> None:
        """A name like 忻府区老干部书画团队党支部, unique in the ledger, and the branch's venue."""
        prefix = "市直老干部" if plan.city_direct else f"{plan.county.name}老干部"
        centre = "市老干部活动中心" if plan.city_direct else f"{plan.county.name}老干部活动中心"
        if plan.branch_type == "team":
            stem = f"{prefix}{plan.interest}团队"
            plan.venue = f"{centre}{plan.interest}活动室"
        elif plan.branch_type == "mobile":
            system = f"{plan.interest}系统" if plan.tie == "work" else ""
            stem = f"{prefix}{system}驻{plan.away_place}流动"
            plan.venue = f"{plan.away_place}老乡活动室（借用）"
        elif plan.branch_type == "online_publicity":
            system = f"{plan.interest}系统" if plan.tie == "work" else ""
            stem = f"{prefix}{system}网宣"
            plan.venue = f"{centre}网宣工作室"
        elif plan.branch_type == "community":
            stem = f"{plan.county.name}{plan.township}{plan.community}老干部"
            plan.venue = f"{plan.township}{plan.community}党群服务中心"
        else:
            while True:
                village = self.rng.choice(VILLAGE_PREFIX) + self.rng.choice(VILLAGE_STEM) + "村"
                stem = f"{plan.county.name}{plan.township}{village}老干部"
                if f"{stem}党支部" not in self.branch_names:
                    break
            plan.community = village
            plan.venue = f"{village}党员活动室"
        name = f"{stem}党支部"
        ordinal = 1
        while name in self.branch_names:
            ordinal += 1
            name = f"{stem}第{'一二三四五六七八九十'[ordinal - 1]}党支部"
        self.branch_names.add(name)
        plan.name = name

    def _plan_exemplar_branches(self) -> None:
        def first(county: str, branch_type: str) -> BranchPlan:
            return next(
                p for p in self.plans if p.county.key == county and p.branch_type == branch_type
            )

        zhang = first("kelan", "team")
        zhang.name, zhang.tie, zhang.size = "岢岚县花果山老干部党支部", "work", 35
        zhang.interest, zhang.venue = "果树栽培", "花果山基地党员活动室"
        zhang.formed = date(2017, 4, 12)
        zhang.former_units = (
            ("岢岚县农委", "农业"),
            ("岢岚县林业局", "农业"),
            ("岢岚县水利局", "农业"),
            ("岢岚县农机中心", "农业"),
        )
        lang = first("daixian", "rural")
        lang.size = 9
        shi = first("yuanping", "online_publicity")
        shi.name, shi.tie, shi.size = "原平市中国助学网智库党支部", "interest", 12
        shi.venue = "原平市老干部活动中心网宣工作室"
        self.exemplar_branches = {
            "zhang_wenhan": zhang.id,
            "lang_wen": lang.id,
            "shi_jianhua": shi.id,
        }

    def new_cadre(
        self,
        county: County,
        *,
        party: bool,
        plan: BranchPlan | None = None,
        born: tuple[date, date] = (date(1933, 1, 1), date(1961, 9, 30)),
        lixiu: bool = False,
        deceased: date | None = None,
        name: str | None = None,
        male: bool | None = None,
        former_unit: tuple[str, str] | None = None,
    ) -> Cadre:
        rng = self.rng
        self.cadre_numbers[county.key] = self.cadre_numbers.get(county.key, 0) + 1
        cadre_id = f"xz.{county.key}.c{self.cadre_numbers[county.key]:04d}"
        male = (rng.random() < 0.68) if male is None else male
        birth = self.day_between(*born)
        if lixiu:
            joined = self.day_between(
                max(birth + timedelta(days=14 * 365), date(1943, 1, 1)), date(1949, 9, 1)
            )
            period = "resistance_war" if joined <= date(1945, 9, 2) else "liberation_war"
            retired = date(birth.year + 60, birth.month, min(birth.day, 28))
        else:
            joined = date(birth.year + rng.randint(18, 23), rng.randint(7, 9), 1)
            period = None
            retirement_age = 60 if male or rng.random() < 0.3 else 55
            retired = date(birth.year + retirement_age, birth.month, min(birth.day, 28))
        if retired > date(2021, 10, 31):
            retired = date(2021, 10, 31)
        direct = plan.city_direct if plan else rng.random() < 0.25 and county.key == "xinfu"
        if former_unit is None:
            if plan and plan.former_units:
                former_unit = rng.choice(plan.former_units)
            elif direct:
                former_unit = rng.choice(CITY_UNITS)
            elif rng.random() < 0.12:
                town = rng.choice(county.rural)
                former_unit = (f"{county.name}{town}政府", "基层")
            else:
                stem, field_ = rng.choice(COUNTY_UNIT_STEMS)
                former_unit = (f"{county.name}{stem}", field_)
        rank = self.weighted(CITY_RANKS if direct else COUNTY_RANKS)
        party_joined = None
        if party:
            earliest = max(_years_after(birth, 18), joined - timedelta(days=365 * 2))
            latest = min(retired - timedelta(days=365), _years_after(birth, 45))
            party_joined = self.day_between(earliest, max(earliest, latest))
        township, community, residence = rng.choice(county.urban), "", "urban"
        interests: list[str] = []
        living_away, away_since = False, None
        address = ""
        if plan is not None:
            if plan.branch_type in ("community", "rural"):
                township, community = plan.township, plan.community
            if plan.branch_type == "rural":
                residence = "rural"
            if plan.interest and plan.branch_type == "team":
                interests.append(plan.interest)
            if plan.branch_type == "mobile":
                living_away = True
                address = f"异地居住：{plan.away_place}"
                away_since = self.day_between(retired, max(retired, date(2021, 6, 30)))
            if plan.branch_type == "online_publicity":
                interests.append("网络宣传")
        elif rng.random() < 0.2:
            township, residence = rng.choice(county.rural), "rural"
        if community == "" and residence == "urban":
            community = rng.choice(COMMUNITY_NAMES)
        if rng.random() < 0.4:
            extra = rng.choice(OTHER_INTERESTS + TEAM_INTERESTS)
            if extra not in interests:
                interests.append(extra)
        values: dict[str, Any] = {
            "id": cadre_id,
            "name": name or self.person_name(male),
            "gender": "男" if male else "女",
            "birth_date": birth,
            "joined_work": joined,
            "retirement_kind": "lixiu" if lixiu else "tuixiu",
            "retirement_date": retired,
            "revolution_period": period,
            "former_unit": former_unit[0],
            "former_rank": rank,
            "former_field": former_unit[1],
            "party_status": "full" if party else None,
            "party_joined": party_joined,
            "county_id": f"xz.{county.key}",
            "township": township,
            "community": community,
            "residence_kind": residence,
            "address": address,
            "interests": tuple(interests),
            "living_away": living_away,
            "away_since": away_since,
            "deceased": deceased,
            "synthetic": True,
        }
        if rng.random() < 0.35:
            values["national_id"] = self.national_id(county.region, birth, male)
        cadre = self.add("cadres", Cadre, **values)
        self.cadres[cadre.id] = cadre
        return cadre

    def branches_and_members(self) -> None:
        rng = self.rng
        lixiu_branches = {
            p.id for p in self.plans if p.branch_type == "community" and rng.random() < 0.5
        }
        exemplar_by_branch = {v: k for k, v in self.exemplar_branches.items()}
        for plan in self.plans:
            county = plan.county
            young = (date(1950, 1, 1), date(1961, 9, 30))
            exemplar = exemplar_by_branch.get(plan.id)
            if exemplar is not None:
                spec = EXEMPLARS[exemplar]
                former = spec.get("former_unit")
                secretary = self.new_cadre(
                    county,
                    party=True,
                    plan=plan,
                    born=(date(1951, 1, 1), date(1956, 12, 31)),
                    name=spec["name"],
                    male=True,
                    former_unit=(former, "农业") if former else None,
                )
                self.exemplar_ids[exemplar] = secretary.id
            else:
                secretary = self.new_cadre(county, party=True, plan=plan, born=young)
            ids = [secretary.id]
            born = (date(1945, 1, 1), date(1961, 9, 30)) if plan.branch_type == "mobile" else None
            for _ in range(plan.size - 1):
                if plan.id in lixiu_branches and len(ids) == 2:
                    cadre = self.new_cadre(
                        county,
                        party=True,
                        plan=plan,
                        lixiu=True,
                        born=(date(1925, 1, 1), date(1931, 12, 31)),
                    )
                elif born is not None:
                    cadre = self.new_cadre(county, party=True, plan=plan, born=born)
                else:
                    cadre = self.new_cadre(county, party=True, plan=plan)
                ids.append(cadre.id)
            self.members[plan.id] = ids
            self._exemptions(plan, ids)
            self._branch_record(plan, ids)

    def _exemptions(self, plan: BranchPlan, ids: list[str]) -> None:
        """Mark a few frail members exempt, never the secretary, never so many that a quorum
        could not be reached."""
        if len(ids) < 5:
            return
        allowed = len(ids) - (len(ids) // 2 + 1) - 2
        exempt = 0
        for cadre_id in ids[1:]:
            cadre = self.cadres[cadre_id]
            chance = 0.6 if cadre.age_on(AS_OF) >= 88 else 0.02
            if exempt < allowed and self.rng.random() < chance:
                reason = EXEMPTION_REASONS[
                    0 if cadre.age_on(AS_OF) >= 88 else self.rng.randint(0, 3)
                ]
                self._replace_cadre(cadre_id, health_exempt=True, exemption_reason=reason)
                exempt += 1

    def _replace_cadre(self, cadre_id: str, **changes: Any) -> None:
        old = self.cadres[cadre_id]
        new = Cadre.model_validate(old.model_dump() | changes, context=self.context)
        self.cadres[cadre_id] = new
        cadres = self.data["cadres"]
        cadres[cadres.index(old)] = new

    def _branch_record(self, plan: BranchPlan, ids: list[str]) -> None:
        rng = self.rng
        secretary = ids[0]
        able = [i for i in ids[1:] if not self.cadres[i].health_exempt]
        eligible = [i for i in able if self.cadres[i].age_on(AS_OF) <= 80]
        committee: tuple[str, ...] = ()
        deputy = None
        if len(ids) >= 7:
            size = 5 if len(ids) >= 20 else 3
            pool = eligible if len(eligible) >= size - 1 else able
            committee = (secretary, *rng.sample(pool, size - 1))
            if len(ids) >= 15:
                deputy = committee[1]
        # Elected from April 2020 on: no three-year term runs out within 90 days of the year's end.
        elected = self.day_between(max(plan.formed, date(2020, 4, 6)), date(2022, 6, 30))
        branch = self.add(
            "branches",
            Branch,
            id=plan.id,
            name=plan.name,
            branch_type=plan.branch_type,
            tie=plan.tie,
            org_id=plan.org_id,
            county_id=f"xz.{plan.county.key}",
            formed=plan.formed,
            secretary_id=secretary,
            deputy_secretary_id=deputy,
            committee_ids=committee,
            committee_elected=elected,
            venue=plan.venue,
            synthetic=True,
        )
        self.branches[plan.id] = branch
        for cadre_id in ids:
            cadre = self.cadres[cadre_id]
            since = max(plan.formed, cadre.retirement_date + timedelta(days=30))
            self.add("memberships", Membership, cadre_id=cadre_id, branch_id=plan.id, since=since)

    def other_cadres(self) -> None:
        """Non-party cadres, and cadres who died before 2022 (in no branch)."""
        rng = self.rng
        members = {c.key: 0 for c in COUNTIES}
        for plan in self.plans:
            members[plan.county.key] += plan.size
        for county in COUNTIES:
            for _ in range(round(members[county.key] * 0.16)):
                self.new_cadre(county, party=False)
            for index in range(round(members[county.key] * 0.04)):
                lixiu = index < 2 and county.key in ("xinfu", "yuanping", "daixian", "wutai")
                born = (
                    (date(1925, 1, 1), date(1931, 12, 31))
                    if lixiu
                    else (date(1926, 1, 1), date(1950, 12, 31))
                )
                self.new_cadre(
                    county,
                    party=rng.random() < 0.85,
                    lixiu=lixiu,
                    born=born,
                    deceased=self.day_between(date(2015, 1, 1), date(2021, 12, 31)),
                )

    # --- the plan, the venues and demonstration points -------------------------------------

    def plan_and_venues(self) -> None:
        self.add(
            "plans",
            Plan,
            id="xz.plan.party_orgs.2020_2022",
            name="忻州市老干部党组织建设3年规划（2020—2022年）",
            owner_unit_id="xz.org_dept",
            from_year=PLAN_YEARS[0],
            to_year=PLAN_YEARS[-1],
            targets=[
                {"metric": "standardized_venues", "per_year": PLAN_TARGET_PER_YEAR},
                {"metric": "demonstration_points", "per_year": PLAN_TARGET_PER_YEAR},
            ],
            source=SOURCE,
        )
        candidates = sorted(
            (p.id for p in self.plans if p.branch_type in ("team", "community", "rural")),
        )
        chosen = self.rng.sample(candidates, PLAN_TARGET_PER_YEAR * len(PLAN_YEARS))
        exemplars = [self.exemplar_branches["zhang_wenhan"], self.exemplar_branches["lang_wen"]]
        chosen = exemplars + [c for c in chosen if c not in exemplars]
        venue_year = {
            branch_id: PLAN_YEARS[i // PLAN_TARGET_PER_YEAR]
            for i, branch_id in enumerate(chosen[: PLAN_TARGET_PER_YEAR * len(PLAN_YEARS)])
        }
        # Demonstration points: half from branches whose venue was standardized, half others.
        demo_pool = sorted(set(candidates) - set(venue_year))
        demo: dict[str, int] = {}
        for year in PLAN_YEARS:
            same = [b for b, y in venue_year.items() if y <= year and b not in demo]
            picked = self.rng.sample(sorted(same), PLAN_TARGET_PER_YEAR // 2)
            others = [b for b in demo_pool if b not in demo]
            picked += self.rng.sample(others, PLAN_TARGET_PER_YEAR - len(picked))
            for branch_id in picked:
                demo[branch_id] = year
        branches = self.data["branches"]
        for index, branch in enumerate(branches):
            assert isinstance(branch, Branch)
            changes: dict[str, Any] = {}
            if branch.id in venue_year:
                changes["venue_standardized_year"] = venue_year[branch.id]
            if branch.id in demo:
                changes["demonstration_year"] = demo[branch.id]
            if changes:
                new = Branch.model_validate(branch.model_dump() | changes, context=self.context)
                branches[index] = new
                self.branches[new.id] = new

    # --- the "six ones" and the city's own activities ---------------------------------------

    def six_ones(self) -> None:
        self.add(
            "checklists",
            Checklist,
            id="xz.six_ones",
            name="市委“六个一”工作机制",
            owner_unit_id="xz.party_committee",
            from_year=2018,
            items=[
                {"item": f"six_ones.{key}"}
                for key in (
                    "report_hearing",
                    "situation_briefing",
                    "coordination_meeting",
                    "party_spirit_education",
                    "observation_tour",
                    "visits_condolences",
                )
            ],
        )
        congress, cppcc = self.person_name(True), self.person_name(True)
        leaders = (*BRIEFING_LEADERS, f"peoples_congress:{congress}", f"cppcc:{cppcc}")
        schedule = {
            2021: (
                ("visits_condolences", date(2021, 2, 3), 286),
                ("report_hearing", date(2021, 4, 13), 11),
                ("coordination_meeting", date(2021, 5, 20), 24),
                ("party_spirit_education", date(2021, 6, 29), 180),
                ("situation_briefing", date(2021, 7, 15), 126),
                ("observation_tour", date(2021, 9, 23), 65),
            ),
            2022: (
                ("visits_condolences", date(2022, 1, 20), 312),
                ("report_hearing", date(2022, 3, 29), 11),
                ("coordination_meeting", date(2022, 4, 26), 26),
                ("party_spirit_education", date(2022, 6, 30), 175),
                ("situation_briefing", date(2022, 6, 28), 132),
                ("observation_tour", date(2022, 9, 21), 70),
            ),
        }
        titles = {
            "visits_condolences": (
                "春节前集中走访慰问老干部",
                "市四大班子领导分组走访慰问离休干部、老党员和困难老干部 {n} 户，"
                "送去慰问金和慰问品（走访名单、慰问金发放表存档）",
            ),
            "report_hearing": (
                "市委常委会听取全市老干部工作汇报",
                "市委常委会会议纪要：听取市委老干部局工作汇报，研究部署{y}年老干部工作",
            ),
            "coordination_meeting": (
                "全市老干部工作领导组协调会",
                "领导组成员单位 {n} 人参加，协调解决老干部待遇落实、活动阵地建设等问题（会议纪要存档）",
            ),
            "party_spirit_education": (
                "离退休干部党性教育专题活动",
                "组织离退休干部党员 {n} 人开展党性教育，重温入党誓词（活动方案、签到表存档）",
            ),
            "situation_briefing": (
                "全市老干部情况通报会",
                "市四大班子相关领导全部参加，通报全市经济社会发展情况，当面听取老同志意见建议（到会 {n} 人，意见建议汇总表存档）",
            ),
            "observation_tour": (
                "全市老干部党建工作观摩活动",
                "组织老干部代表 {n} 人观摩各县（市、区）老干部党支部标准化活动场所和示范点",
            ),
        }
        for year, items in schedule.items():
            for kind, day, count in items:
                title, evidence = titles[kind]
                activity: Activity = self.add(
                    "activities",
                    Activity,
                    id=f"xz.six_ones.{year}.{kind}",
                    activity_kind=kind,
                    date=day,
                    title=f"{year}年{title}",
                    owner_unit_id="xz.party_committee",
                    headcount=count,
                    leaders=leaders if kind == "situation_briefing" else (),
                    evidence=evidence.format(n=count, y=year),
                )
                if year == YEAR and kind == "situation_briefing":
                    self.briefing = activity

    def themes(self) -> None:
        for year, title in THEMES:
            theme = self.add(
                "themes",
                Theme,
                id=f"xz.theme.{year}",
                year=year,
                title=title,
                owner_unit_id="xz.vcb",
                note=f"一年一个主题（{SOURCE}）",
            )
            self.add(
                "programmes",
                Programme,
                id=f"xz.programme.{year}",
                name=f"“{title}”系列活动",
                year=year,
                theme_id=theme.id,
                owner_unit_id="xz.vcb",
            )
            self.add(
                "activities",
                Activity,
                id=f"xz.theme.{year}.launch",
                activity_kind="theme_activity",
                date=date(year, 3, 18),
                title=f"“{title}”主题活动启动仪式",
                owner_unit_id="xz.vcb",
                headcount=self.rng.randint(150, 260),
                theme_id=theme.id,
                evidence="活动方案、启动仪式签到表存档",
            )
        for k, (day, title) in enumerate(
            (
                (date(2022, 5, 17), "“时代老人”典型事迹报告会"),
                (date(2022, 8, 16), "“培育时代老人”经验交流会"),
            ),
            start=1,
        ):
            self.add(
                "activities",
                Activity,
                id=f"xz.theme.2022.event{k}",
                activity_kind="theme_activity",
                date=day,
                title=title,
                owner_unit_id="xz.vcb",
                headcount=self.rng.randint(80, 160),
                theme_id="xz.theme.2022",
            )
        self.add(
            "activities",
            Activity,
            id="xz.training.2022.1",
            activity_kind="training",
            date=date(2022, 7, 12),
            title="全市老干部工作者业务培训班",
            owner_unit_id="xz.vcb",
            headcount=58,
            evidence="市、县两级老干部工作者参训（培训通知、签到表存档）",
        )
        self.add(
            "activities",
            Activity,
            id="xz.org_dept.2022.contest",
            activity_kind="theme_activity",
            date=date(2022, 9, 28),
            title="组工干部与老干部工作者联合知识竞赛",
            owner_unit_id="xz.org_dept",
            headcount=46,
        )

    def exemplars(self) -> None:
        for key, spec in EXEMPLARS.items():
            self.add(
                "projects",
                Project,
                id=f"xz.project.{key}",
                name=spec["project"],
                leader_id=self.exemplar_ids[key],
                field=spec["field"],
                county_id=f"xz.{spec['county']}",
                branch_id=self.exemplar_branches[key],
                from_year=spec["from_year"],
                results=[
                    {"metric": m, "value": v, "unit": u, "at_least": a, "note": n}
                    for m, v, u, a, n in spec["results"]
                ],
                source=SOURCE,
            )

    # --- organizational life of every branch in 2022 ----------------------------------------

    def organizational_life(self) -> None:
        missed = dict(PLANTED_GAPS["missed_themed_party_day"])
        no_quorum_branch, no_quorum_quarter = PLANTED_GAPS["general_meeting_without_quorum"]
        for plan in self.plans:
            branch = self.branches[plan.id]
            ids = self.members[plan.id]
            present_pool = [i for i in ids if not self.cadres[i].health_exempt]
            day_of_month = self.rng.randint(5, 25)
            label = "党员"
            for month in range(1, 13):
                day = date(YEAR, month, day_of_month)
                if missed.get(branch.id) != month:
                    self.add(
                        "activities",
                        Activity,
                        id=f"{branch.id}.tpd.{YEAR}-{month:02d}",
                        activity_kind="themed_party_day",
                        date=day,
                        title=f"{month}月主题党日：{MONTH_TOPICS[month]}",
                        branch_id=branch.id,
                        headcount=self._turnout(len(ids), len(present_pool)),
                    )
                if branch.has_committee:
                    committee = len(branch.committee_ids)
                    self.add(
                        "activities",
                        Activity,
                        id=f"{branch.id}.cm.{YEAR}-{month:02d}",
                        activity_kind="committee_meeting",
                        date=day - timedelta(days=3),
                        title=f"{month}月支委会：研究本月主题党日安排",
                        branch_id=branch.id,
                        headcount=committee - (1 if self.rng.random() < 0.2 else 0),
                    )
                quarter = (month - 1) // 3 + 1
                if month % 3 == 1:
                    self.add(
                        "activities",
                        Activity,
                        id=f"{branch.id}.pl.{YEAR}q{quarter}",
                        activity_kind="party_lecture",
                        date=day,
                        title=f"第{quarter}季度党课（支部书记讲）",
                        branch_id=branch.id,
                        headcount=self._turnout(len(ids), len(present_pool)),
                    )
                if month % 3 == 0:
                    if (branch.id, quarter) == (no_quorum_branch, no_quorum_quarter):
                        count = len(present_pool) // 2  # not more than half: the planted gap
                    else:
                        count = self._turnout(len(ids), len(present_pool))
                    attendees = sorted(self.rng.sample(present_pool, count))
                    self.add(
                        "activities",
                        Activity,
                        id=f"{branch.id}.gm.{YEAR}q{quarter}",
                        activity_kind="general_meeting",
                        date=day,
                        title=f"第{quarter}季度{label}大会",
                        branch_id=branch.id,
                        attendee_ids=attendees,
                    )
            talk_day = date(YEAR, 11, min(day_of_month + 3, 28))
            self.add(
                "activities",
                Activity,
                id=f"{branch.id}.hh.{YEAR}",
                activity_kind="heart_to_heart",
                date=talk_day,
                title="组织生活会前谈心谈话",
                branch_id=branch.id,
                headcount=len(present_pool),
                evidence="支部书记与每名党员谈心谈话（谈心谈话记录存档）",
            )
            meeting_day = date(YEAR, 12, min(day_of_month + 2, 28))
            self.add(
                "activities",
                Activity,
                id=f"{branch.id}.olm.{YEAR}",
                activity_kind="org_life_meeting",
                date=meeting_day,
                title=f"{YEAR}年度组织生活会",
                branch_id=branch.id,
                headcount=self._turnout(len(ids), len(present_pool)),
            )
            self.add(
                "activities",
                Activity,
                id=f"{branch.id}.da.{YEAR}",
                activity_kind="democratic_appraisal",
                date=meeting_day,
                title=f"{YEAR}年度民主评议党员",
                branch_id=branch.id,
                headcount=self._turnout(len(ids), len(present_pool)),
            )
            elected = branch.committee_elected
            if elected is not None and elected.year == YEAR:
                what = "支部委员会" if branch.has_committee else "支部书记"
                self.add(
                    "activities",
                    Activity,
                    id=f"{branch.id}.election.{YEAR}",
                    activity_kind="election",
                    date=elected,
                    title=f"换届选举新一届{what}",
                    branch_id=branch.id,
                    headcount=self._turnout(len(ids), len(present_pool)),
                )

    def party_groups(self, divide_from: int = GROUPS_FROM_MEMBERS) -> None:
        """Party groups in the branches of ``divide_from`` members or more, and each group's
        meeting every month. Drawn last, from a generator of their own, so that the records
        drawn before them (and the example's figures) are as they were without groups."""
        rng = random.Random(SEED + 5)
        for plan in self.plans:
            ids = sorted(self.members[plan.id])
            if len(ids) < divide_from:
                continue
            branch = self.branches[plan.id]
            count = math.ceil(len(ids) / GROUP_SIZE)
            for number in range(1, count + 1):
                members = ids[number - 1 :: count]
                able = [i for i in members if not self.cadres[i].health_exempt]
                group = self.add(
                    "party_groups",
                    PartyGroup,
                    id=f"{branch.id}.g{number}",
                    name=f"第{'一二三四五六'[number - 1]}党小组",
                    branch_id=branch.id,
                    group_leader_id=(able or members)[0],
                    member_ids=members,
                    formed=branch.formed,
                )
                day_of_month = rng.randint(3, 27)
                for month in range(1, 13):
                    self.add(
                        "activities",
                        Activity,
                        id=f"{group.id}.gm.{YEAR}-{month:02d}",
                        activity_kind="group_meeting",
                        date=date(YEAR, month, day_of_month),
                        title=f"{month}月党小组会：学习{MONTH_TOPICS[month]}",
                        branch_id=branch.id,
                        group_id=group.id,
                        headcount=max(len(members) // 2 + 1, round(len(able) * 0.85)),
                    )

    def party_dues(self) -> None:
        """The party dues (党费) of 偏关县's members, each month of the year: the amount the
        rate bands give on the pension base (the base on January's record and on July's, when
        the adjusted pension arrived; the months between carry it), paid on the branch's
        collection day; and the planted gaps. Drawn last, from a generator of their own, so
        that the records drawn before them (and the example's figures) are as they were."""
        rng = random.Random(SEED + 6)
        since = {
            (m.cadre_id, m.branch_id): m.since
            for m in self.data["memberships"]
            if isinstance(m, Membership)
        }
        unpaid = {branch: months for branch, months in PLANTED_GAPS["dues_unpaid"]}
        short_branch, short_base = PLANTED_GAPS["dues_short"]
        reduced_branch, reduced_to, decided = PLANTED_GAPS["dues_reduced"]
        for plan in self.plans:
            if plan.county.key != DUES_COUNTY:
                continue
            branch = self.branches[plan.id]
            ids = sorted(self.members[plan.id])
            others = [i for i in ids if i != branch.secretary_id]
            skipped = {rng.choice(others): unpaid[plan.id]} if plan.id in unpaid else {}
            short = rng.choice(others) if plan.id == short_branch else None
            reduced = rng.choice(others) if plan.id == reduced_branch else None
            days = [rng.randint(5, 25) for _ in range(12)]
            if reduced is not None:
                self.add(
                    "dues_reductions",
                    DuesReduction,
                    id=f"{plan.id}.dues_reduction.{YEAR}",
                    cadre_id=reduced,
                    branch_id=plan.id,
                    from_month=date(YEAR, 4, 1),
                    to_month=date(YEAR, 12, 1),
                    reduced_to_yuan=reduced_to,
                    decided_on=decided,
                    decision_ref=f"{branch.name}支部委员会会议纪要（{YEAR}年第3次）",
                    reason="患重病住院治疗，医疗费用负担重，本人申请减交",
                )
            for cadre_id in ids:
                old = Decimal(rng.randint(300_000, 640_000)).scaleb(-2)
                if cadre_id == short:
                    old = short_base
                new = (old * PENSION_RISE).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
                joined = since[(cadre_id, plan.id)]
                for month in range(1, 13):
                    first = date(YEAR, month, 1)
                    if joined > first or month in skipped.get(cadre_id, ()):
                        continue
                    base = old if month < PENSION_RISE_MONTH else new
                    due = expected_dues(base, RETIREE_BANDS)
                    if cadre_id == short and month == PENSION_RISE_MONTH:
                        # collected at 0.5 %, as before the rise took the base past 5,000
                        due = (base * RETIREE_BANDS[0].rate).quantize(
                            Decimal("0.01"), rounding=ROUND_HALF_UP
                        )
                    if cadre_id == reduced and month >= 4:
                        due = reduced_to
                    written = month in (1, PENSION_RISE_MONTH) or first == joined
                    self.add(
                        "party_dues",
                        PartyDues,
                        cadre_id=cadre_id,
                        branch_id=plan.id,
                        year=YEAR,
                        month=month,
                        paid_yuan=due,
                        pension_base_yuan=base if written else None,
                        paid_on=date(YEAR, month, days[month - 1]),
                    )

    def _turnout(self, members: int, able: int) -> int:
        """More than half of the members, at most those able to come."""
        least = members // 2 + 1
        return max(least, min(able, round(able * self.rng.uniform(0.7, 0.97))))

    # --- services of the four department plugins -------------------------------------------

    def _alive(self, cadre: Cadre) -> bool:
        return cadre.alive_on(AS_OF)

    def _service(
        self,
        number: int,
        prefix: str,
        key: str,
        cadre: Cadre,
        provider: str,
        state: str,
        requested: date,
        delivered: date | None,
        details: BaseModel,
        reason: str = "",
    ) -> None:
        rating = self.rng.choice((4, 5, 5, 5, 3)) if state == "rated" else None
        self.add(
            "service_records",
            ServiceRecord,
            id=f"xz.{prefix}.{number:04d}",
            service_type=key,
            cadre_id=cadre.id,
            provider_unit_id=provider,
            state=state,
            requested=requested,
            delivered=delivered,
            rating=rating,
            reason=reason,
            details=details.model_dump(mode="json"),
        )

    def services(self, modules: dict[str, ModuleType]) -> None:
        cadres = sorted(self.cadres.values(), key=lambda c: c.id)
        self._art_academy(modules["art_academy"], cadres)
        self._family_doctor(modules["family_doctor"], cadres)
        self._medicine_kits(modules["medicine_kits"], cadres)
        self._order_service(modules["order_service"], cadres)

    def _art_academy(self, plugin: ModuleType, cadres: list[Cadre]) -> None:
        rng = self.rng
        retirees = [c for c in cadres if "供销" in c.former_unit and self._alive(c)]
        classes = (
            ("山水画提高班", "chinese_painting", 30),
            ("花鸟画基础班", "chinese_painting", 30),
            ("楷书班", "calligraphy", 35),
            ("行草书班", "calligraphy", 30),
            ("油画入门班", "oil_painting", 20),
            ("篆刻班", "seal_carving", 15),
        )
        terms = (
            ("2021秋", date(2021, 8, 20), date(2022, 1, 14), 32),
            ("2022春", date(2022, 2, 20), date(2022, 6, 30), 32),
            ("2022秋", date(2022, 8, 20), date(2023, 1, 13), 32),
        )
        number = 0
        for term, opens, ends, planned in terms:
            enrolled = rng.sample(retirees, min(len(retirees), rng.randint(38, 48)))
            for cadre in sorted(enrolled, key=lambda c: c.id):
                number += 1
                class_name, discipline, capacity = rng.choice(classes)
                requested = self.day_between(opens - timedelta(days=20), opens)
                finished = ends <= AS_OF
                roll = rng.random()
                attended = rng.randint(planned // 2, planned)
                state, delivered, reason = "accepted", None, ""
                if roll < 0.06:
                    state, reason, attended = "cancelled", "身体原因退学", 0
                elif roll < 0.1:
                    state, reason, attended = "declined", "本期班额已满，转下期", 0
                elif finished:
                    state, delivered = ("rated" if roll < 0.7 else "delivered"), ends
                else:
                    state = "scheduled" if roll < 0.8 else "accepted"
                    attended = rng.randint(8, 14)
                details = plugin.EnrolmentDetails(
                    class_name=class_name,
                    discipline=discipline,
                    term=term,
                    capacity=capacity,
                    sessions_planned=planned,
                    sessions_attended=attended,
                )
                self._service(
                    number,
                    "art",
                    "art_academy.enrolment",
                    cadre,
                    "xz.supply_coop",
                    state,
                    requested,
                    delivered,
                    details,
                    reason,
                )
        for k, (day, title, count) in enumerate(
            (
                (date(2022, 5, 18), "画院忻州分院春季学员书画作品展", 260),
                (date(2022, 10, 9), "喜迎二十大·画院忻州分院学员作品展", 310),
            ),
            start=1,
        ):
            self.add(
                "activities",
                Activity,
                id=f"xz.supply_coop.exhibition.{YEAR}.{k}",
                activity_kind="art_academy.exhibition",
                date=day,
                title=title,
                owner_unit_id="xz.supply_coop",
                headcount=count,
                evidence="展出作品清单、照片存档",
            )
        for month in (3, 4, 5, 6, 9, 10, 11, 12):
            for k, (class_name, _, capacity) in enumerate(classes[:4], start=1):
                self.add(
                    "activities",
                    Activity,
                    id=f"xz.supply_coop.class.{YEAR}-{month:02d}.{k}",
                    activity_kind="art_academy.class_session",
                    date=date(YEAR, month, 10 + k),
                    title=f"{class_name}{month}月集中授课",
                    owner_unit_id="xz.supply_coop",
                    headcount=rng.randint(capacity // 2, capacity),
                )

    def _units_up_from(self, *unit_ids: str) -> tuple[Unit, ...]:
        """The units ``unit_ids`` and every unit above them, as built so far."""
        units = {u.id: u for u in self.data["units"] if isinstance(u, Unit)}
        wanted: dict[str, Unit] = {}
        for unit_id in unit_ids:
            current: str | None = unit_id
            while current is not None and current not in wanted:
                wanted[current] = units[current]
                current = units[current].parent_id
        return tuple(sorted(wanted.values(), key=lambda u: u.id))

    def _with_history(
        self,
        values: dict[str, Any],
        moves: Sequence[tuple[str, date, str, str, str, int | None]],
    ) -> None:
        """Add a service record and its history, made through the public lifecycle: the
        record is requested (``cadrecore.services.request``), then moved state by state
        (``transition``: state, day, role, actor, reason, rating), each move checked against
        its service type's lifecycle. A one-record ledger keeps this quick."""
        cadre = self.cadres[values["cadre_id"]]
        record = ServiceRecord.model_validate(values | {"state": "requested"}, context=self.context)
        ledger = cadrecore.Ledger(
            registry=self.registry,
            jurisdiction=Jurisdiction(id="xz", name="忻州市", root_unit_id="xz", synthetic=True),
            units=self._units_up_from(cadre.county_id, record.provider_unit_id),
            cadres=(cadre,),
        )
        # transition() checks the moved record's keys against the plugin manager in use, not
        # the ledger's registry: make the registry's own manager the one in use meanwhile
        assert self.registry.hooks is not None
        with cadrecore.using_plugin_manager(self.registry.hooks.pm):  # type: ignore[arg-type]
            ledger = request(ledger, record, actor=cadre.name, role="cadre")
            for state, day, role, actor, reason, rating in moves:
                ledger = transition(
                    ledger,
                    record.id,
                    state,
                    actor=actor,
                    role=role,
                    on=day,
                    reason=reason,
                    rating=rating,
                )
        self.data.setdefault("service_records", []).extend(ledger.service_records)
        self.data.setdefault("service_events", []).extend(ledger.service_events)

    @staticmethod
    def _visits(
        plugin: ModuleType, rng: random.Random, start: date, end: date, every: int
    ) -> list[date]:
        """Follow-up visits every ``every`` months, each within five days of its due day,
        counted from the previous visit (as the plugin's visit rule counts them)."""
        visits: list[date] = []
        anchor = start
        while True:
            due = plugin.add_months(anchor, every)
            if due > min(end, AS_OF):
                return visits
            visit = min(due + timedelta(days=rng.randint(-5, 5)), end)
            if visit > AS_OF:
                return visits
            visits.append(visit)
            anchor = visit

    def _family_doctor(self, plugin: ModuleType, cadres: list[Cadre]) -> None:
        rng = self.rng
        older = [
            c
            for c in cadres
            if self._alive(c)
            and c.age_on(AS_OF) >= 80
            and c.county_id == "xz.xinfu"
            and not c.living_away
        ]
        chosen = sorted(rng.sample(older, min(len(older), 110)), key=lambda c: c.id)
        clinics = (
            ("忻州市人民医院", ("赵", "钱")),
            ("忻州市中医医院", ("孙", "周")),
            ("秀容街道社区卫生服务中心", ("吴", "冯")),
            ("长征街道社区卫生服务中心", ("陈", "褚")),
        )
        doctors = {
            clinic: [self.person_name(rng.random() < 0.5) for _ in range(3)]
            for clinic, _ in clinics
        }
        renewals: list[tuple[Cadre, Any]] = []
        for number, cadre in enumerate(chosen, start=1):
            clinic = rng.choice(clinics)[0]
            start = (
                date(2022, 1, 1)
                if rng.random() < 0.6
                else self.day_between(date(2021, 6, 1), date(2022, 9, 1))
            )
            end = date(start.year + 1, start.month, start.day) - timedelta(days=1)
            every = rng.choice((1, 2, 3, 3, 3))
            visits = self._visits(plugin, rng, start, end, every)
            roll = rng.random()
            requested = start - timedelta(days=rng.randint(5, 30))
            state, reason = "delivered", ""
            delivered: date | None = start
            if roll < 0.45:
                state = "rated"
            elif roll < 0.5:
                state, delivered, reason, visits = "cancelled", None, "入住养老机构，不再签约", []
            elif roll < 0.53:
                state, delivered, reason, visits = "declined", None, "本人已与其他医疗机构签约", []
            elif start > AS_OF - timedelta(days=120) and roll < 0.62:
                state, delivered, visits = "scheduled", None, []
            details = plugin.ContractDetails(
                doctor=rng.choice(doctors[clinic]),
                clinic=clinic,
                contract_start=start,
                contract_end=end,
                visit_every_months=every,
                visits=tuple(visits),
            )
            self._service(
                number,
                "fd",
                "family_doctor.contract",
                cadre,
                "xz.vcb",
                state,
                requested,
                delivered,
                details,
                reason,
            )
            # a signed contract that has ended, or ends within the renewal notice, is renewed
            if delivered is not None and end <= AS_OF + timedelta(days=30):
                renewals.append((cadre, details))
        for number, (cadre, before) in enumerate(renewals, start=len(chosen) + 1):
            start = before.contract_end + timedelta(days=1)
            end = date(start.year + 1, start.month, start.day) - timedelta(days=1)
            requested = min(start - timedelta(days=rng.randint(12, 30)), AS_OF - timedelta(days=12))
            accepted = requested + timedelta(days=rng.randint(1, 4))
            scheduled = accepted + timedelta(days=rng.randint(1, 5))
            signed = start <= AS_OF
            details = plugin.ContractDetails(
                doctor=before.doctor,
                clinic=before.clinic,
                contract_start=start,
                contract_end=end,
                visit_every_months=before.visit_every_months,
                visits=tuple(self._visits(plugin, rng, start, end, before.visit_every_months))
                if signed
                else (),
            )
            bureau = "市委老干部局"
            moves: list[tuple[str, date, str, str, str, int | None]] = [
                ("accepted", accepted, "bureau", bureau, "", None),
                ("scheduled", scheduled, "bureau", bureau, "续签：约定签约日期", None),
            ]
            if signed:
                moves.append(("delivered", start, "provider", before.clinic, "", None))
            elif rng.random() < 0.3:
                moves.pop()  # accepted; the day to sign is not set yet
            self._with_history(
                {
                    "id": f"xz.fd.{number:04d}",
                    "service_type": "family_doctor.contract",
                    "cadre_id": cadre.id,
                    "provider_unit_id": "xz.vcb",
                    "requested": requested,
                    "details": details.model_dump(mode="json"),
                },
                moves,
            )

    def _medicine_kits(self, plugin: ModuleType, cadres: list[Cadre]) -> None:
        """Kits of every living coal-system retiree. The coal bureau checks each kit in the home
        in its autumn round (September to November) and replaces any medicine that would expire
        within three months of the year's end, so none in a home expires before April 2023:
        except in the planted kit, where one medicine expires in February."""
        rng = self.rng
        coal = [c for c in cadres if "煤炭" in c.former_unit and self._alive(c)]
        medicines = (
            "硝酸甘油",
            "速效救心丸",
            "复方丹参滴丸",
            "阿司匹林肠溶片",
            "藿香正气水",
            "布洛芬缓释胶囊",
            "创可贴",
            "医用碘伏",
            "云南白药气雾剂",
            "蒙脱石散",
        )
        planted, planted_medicine, planted_expiry = PLANTED_GAPS["kit_medicine_expiring"]
        for number, cadre in enumerate(coal, start=1):
            record_id = f"xz.kit.{number:04d}"
            issued = self.day_between(date(2020, 5, 1), date(2022, 11, 30))
            names = sorted(rng.sample(medicines, rng.randint(4, 7)), key=medicines.index)
            if record_id == planted:
                issued = min(issued, date(2022, 6, 30))
                names = sorted({*names, planted_medicine}, key=medicines.index)
            kit = []
            for name in names:
                expires = self.day_between(date(2023, 4, 1), date(2025, 12, 31))
                if record_id == planted and name == planted_medicine:
                    expires = planted_expiry
                kit.append(plugin.Medicine(name=name, expires=expires))
            checked: date | None = None
            if issued < date(2022, 7, 1):
                checked = self.day_between(date(2022, 9, 1), date(2022, 11, 30))
            roll = rng.random()
            state, reason = "delivered", ""
            issued_on: date | None = issued
            if record_id == planted:
                pass
            elif roll < 0.35:
                state = "rated"
            elif roll < 0.39:
                state, issued_on, reason, checked = "cancelled", None, "本人婉拒，已自备药箱", None
            elif issued > date(2022, 10, 15):
                # accepted, to be handed over at home (the kit's lifecycle has no appointment)
                state, issued_on, checked = "accepted", None, None
            details = plugin.KitDetails(
                kit_no=f"MT-{issued.year}-{number:03d}", medicines=tuple(kit), last_checked=checked
            )
            self._service(
                number,
                "kit",
                "medicine_kits.kit",
                cadre,
                "xz.coal_bureau",
                state,
                issued - timedelta(days=rng.randint(7, 40)),
                issued_on,
                details,
                reason,
            )

    def _order_service(self, plugin: ModuleType, cadres: list[Cadre]) -> None:
        """Orders of 2022, each with its history made through the public lifecycle: accepted
        within a working day, served within its menu item's deadline, rated by most. Orders
        still open on 31 December are within their deadlines, except the planted one."""
        rng = self.rng
        residents = [
            c for c in cadres if c.county_id == "xz.xinfu" and self._alive(c) and not c.living_away
        ]
        menu = list(plugin.MENU)
        weights = [30, 22, 18, 16, 12, 2][: len(menu)]
        customers = rng.sample(residents, 150)
        orders = sorted(
            (
                (self.day_between(date(2022, 1, 4), date(2022, 12, 31)), rng.choice(customers))
                for _ in range(220)
            ),
            key=lambda o: (o[0], o[1].id),
        )
        stuck = PLANTED_GAPS["order_stuck"]
        bureau, team = "忻府区委老干部局", "忻府区上门服务队"
        for number, (requested, cadre) in enumerate(orders, start=1):
            record_id = f"xz.order.{number:04d}"
            item = rng.choices(menu, weights=weights)[0]
            if record_id == stuck:
                item = plugin.menu_item("legal_aid")
            accepted = requested + timedelta(days=rng.randint(0, 1))
            served = max(
                accepted, add_working_days(requested, rng.randint(0, item.response_working_days))
            )
            rated_on = served + timedelta(days=rng.randint(0, 3))
            rating = rng.choice((4, 5, 5, 5, 4, 5, 3))
            roll = rng.random()
            moves: list[tuple[str, date, str, str, str, int | None]] = []
            if record_id == stuck:
                moves.append(("accepted", accepted, "bureau", bureau, "", None))
            elif roll < 0.05:
                moves.append(
                    ("declined", accepted, "bureau", bureau, "超出服务片区，已转介社区", None)
                )
            elif roll < 0.1:
                moves.append(("accepted", accepted, "bureau", bureau, "", None))
                moves.append(("cancelled", accepted, "cadre", cadre.name, "本人取消", None))
            elif served > AS_OF:
                # still open on 31 December, within its deadlines
                if add_working_days(requested, 1) <= AS_OF or roll < 0.5:
                    moves.append(("accepted", accepted, "bureau", bureau, "", None))
            else:
                moves.append(("accepted", accepted, "bureau", bureau, "", None))
                moves.append(("delivered", served, "provider", team, "", None))
                if roll < 0.75 and rated_on <= AS_OF:
                    moves.append(("rated", rated_on, "cadre", cadre.name, "", rating))
            states = [m[0] for m in moves]
            details = plugin.OrderDetails(
                menu_item=item.key,
                accepted=accepted if "accepted" in states else None,
                address_area=cadre.township or None,
            )
            self._with_history(
                {
                    "id": record_id,
                    "service_type": "order_service.order",
                    "cadre_id": cadre.id,
                    "provider_unit_id": "xz.xinfu.vcb",
                    "requested": requested,
                    "details": details.model_dump(mode="json"),
                },
                moves,
            )

    # --- opinions, treatment, recognitions ----------------------------------------------------

    def opinions(self) -> None:
        raised = self.briefing
        assert raised is not None, (
            "the six ones come first: the briefing is where opinions are raised"
        )
        day = raised.date
        topics = (
            ("待遇保障", "xz.hrss", "希望进一步落实离休干部护理费调整政策"),
            ("医疗保健", "xz.health", "建议简化异地就医备案和报销手续"),
            ("医疗保健", "xz.vcb", "希望“家庭医生签约”扩大到更多县（市、区）"),
            ("活动阵地", "xz.vcb", "建议市老干部活动中心周末延长开放时间"),
            ("活动阵地", "xz.xinfu.vcb", "建议社区老干部活动室增加健身器材"),
            ("学习教育", "xz.org_dept", "建议为异地居住老党员开通线上学习平台"),
            ("医疗保健", "xz.coal_bureau", "希望急救药箱药品过期后及时更换"),
            ("文化生活", "xz.supply_coop", "希望画院忻州分院增加书法班名额"),
            ("待遇保障", "xz.finance", "希望按时足额拨付老干部活动经费"),
            ("生活服务", "xz.xinfu.vcb", "“您点单、我服务”希望增加助浴项目"),
            ("活动阵地", "xz.yuanping.vcb", "建议原平市老干部活动中心加装电梯"),
            ("学习教育", "xz.vcb", "希望多组织到红色教育基地参观学习"),
            ("待遇保障", "xz.hrss", "建议及时调整退休干部基本养老金"),
            ("生活服务", "xz.health", "希望为高龄老干部提供上门体检"),
            ("其他", "xz.vcb", "建议编印老干部风采录，宣传“时代老人”事迹"),
            ("活动阵地", "xz.kelan.vcb", "希望支持花果山党员活动室建设"),
            ("文化生活", "xz.daixian.vcb", "建议帮助“雁绣”产品拓宽销路"),
            ("其他", "xz.org_dept", "希望组织部门继续关心老干部工作者成长"),
        )
        late = PLANTED_GAPS["opinion_answered_late"]
        speakers = [
            c
            for c in sorted(self.cadres.values(), key=lambda c: c.id)
            if self._alive(c) and c.county_id == "xz.xinfu" and c.age_on(AS_OF) < 85
        ]
        for number, (category, unit_id, content) in enumerate(topics, start=1):
            opinion_id = f"xz.op.{YEAR}.{number:02d}"
            # answered within 15 working days (the built-in rule's parameter), except the late one
            days = 41 if opinion_id == late else self.rng.randint(6, 19)
            satisfied: bool | None = self.rng.random() < 0.9
            if number % 7 == 0:
                satisfied = None  # no feedback yet
            self.add(
                "opinions",
                Opinion,
                id=opinion_id,
                raised=day,
                raised_at_id=raised.id,
                raised_by=self.rng.choice(speakers).name,
                content=content,
                category=category,
                assigned_unit_id=unit_id,
                answered=day + timedelta(days=days),
                answer="已研究办理并向本人当面反馈（办理回复单存档）",
                satisfied=satisfied,
            )

    def treatment(self) -> None:
        """Two items where two standards apply to some cadres; each grant follows the higher."""
        start = date(2020, 1, 1)
        standards = (
            (
                "xz.std.health_check.city",
                "市级离退休干部年度健康体检标准",
                "年度健康体检",
                "800.00",
                None,
                None,
            ),
            (
                "xz.std.health_check.yuanping",
                "原平市离退休干部年度健康体检标准",
                "年度健康体检",
                "1000.00",
                None,
                "xz.yuanping",
            ),
            (
                "xz.std.health_check.jingle",
                "静乐县离退休干部年度健康体检标准",
                "年度健康体检",
                "600.00",
                None,
                "xz.jingle",
            ),
            (
                "xz.std.spring_festival.city",
                "市级离休干部春节慰问金标准",
                "春节慰问金",
                "2000.00",
                "lixiu",
                None,
            ),
            (
                "xz.std.spring_festival.xinfu",
                "忻府区离休干部春节慰问金标准",
                "春节慰问金",
                "2500.00",
                "lixiu",
                "xz.xinfu",
            ),
        )
        records = []
        for std_id, name, item, amount, kind, unit_id in standards:
            records.append(
                self.add(
                    "treatment_standards",
                    TreatmentStandard,
                    id=std_id,
                    name=name,
                    treatment_item=item,
                    amount_yuan=Decimal(amount),
                    applies_to_retirement_kind=kind,
                    applies_to_unit_id=unit_id,
                    effective_from=start,
                    source="示例标准（虚构金额）",
                )
            )
        day = date(YEAR, 1, 15)
        number = 0
        for cadre in sorted(self.cadres.values(), key=lambda c: c.id):
            if not cadre.alive_on(day):
                continue
            for item in ("年度健康体检", "春节慰问金"):
                if item == "年度健康体检" and cadre.county_id not in ("xz.yuanping", "xz.jingle"):
                    continue
                applicable = [
                    s for s in records if s.treatment_item == item and s.applies_to(cadre, day)
                ]
                if not applicable:
                    continue
                best = max(applicable, key=lambda s: (s.amount_yuan, s.id))
                number += 1
                self.add(
                    "treatment_grants",
                    TreatmentGrant,
                    id=f"xz.grant.{YEAR}.{number:04d}",
                    cadre_id=cadre.id,
                    treatment_item=item,
                    year=YEAR,
                    standard_id=best.id,
                    amount_yuan=best.amount_yuan,
                )

    def recognitions(self) -> None:
        entries = (
            (
                "xz.recognition.2016.national_collective",
                "全国老干部工作先进集体",
                "honour",
                "national",
                date(2016, 12, 1),
                "xz.vcb",
                None,
                "2016年底，市委老干部局被评为“全国老干部工作先进集体”（日期取当月1日）",
            ),
            (
                "xz.recognition.2017.provincial_onsite",
                "全省离退休干部党组织建设经验交流现场会在忻州召开",
                "onsite_meeting",
                "provincial",
                date(2017, 1, 1),
                "xz",
                None,
                "2017年，全省离退休干部党组织建设经验交流现场会在忻州召开（原文只有年份，日期为占位）",
            ),
            (
                "xz.recognition.instruction.luo_huining",
                "省委书记骆惠宁批示在全省大力宣传张文翰事迹",
                "instruction",
                "provincial",
                date(2018, 1, 1),
                None,
                self.exemplar_ids["zhang_wenhan"],
                "省委书记骆惠宁特别批示在全省大力宣传（原文无日期，日期为占位）",
            ),
            (
                "xz.recognition.media.zhongguo_laonian",
                "《中国老年》杂志“刊首语”导读和头条4个整版重点报道忻州实践",
                "media_coverage",
                "national",
                date(2021, 1, 1),
                "xz",
                None,
                "《中国老年》杂志用“刊首语”导读和头条4个整版进行重点报道（原文无日期，日期为占位）",
            ),
            (
                "xz.recognition.media.zhongguo_laonianbao",
                "《中国老年报》头版头条报道忻州“五化”建设经验",
                "media_coverage",
                "national",
                date(2022, 1, 1),
                "xz",
                None,
                "《中国老年报》用头版头条位置对忻州“五化”建设经验进行了突出报道（原文无日期，日期为占位）",
            ),
        )
        for rec_id, title, kind, level, day, unit_id, cadre_id, note in entries:
            self.add(
                "recognitions",
                Recognition,
                id=rec_id,
                title=title,
                kind=kind,
                level=level,
                date=day,
                recipient_unit_id=unit_id,
                recipient_cadre_id=cadre_id,
                source=f"{SOURCE}：{note}",
            )

    # --- the whole ------------------------------------------------------------------------

    def build(self) -> cadrecore.Ledger:
        modules = plugin_modules()
        self.units()
        self.staff()
        self.party_orgs()
        self.plan_branches()
        self.branches_and_members()
        self.other_cadres()
        self.plan_and_venues()
        self.six_ones()
        self.themes()
        self.exemplars()
        self.organizational_life()
        self.services(modules)
        self.opinions()
        self.treatment()
        self.recognitions()
        self.party_groups()
        self.party_dues()
        kinds: dict[str, Any] = {name: tuple(records) for name, records in self.data.items()}
        kinds["cadres"] = tuple(sorted(self.cadres.values(), key=lambda c: c.id))
        services = [r for r in self.data["service_records"] if isinstance(r, ServiceRecord)]
        kinds["service_records"] = tuple(sorted(services, key=lambda r: (r.service_type, r.id)))
        events = [e for e in self.data.get("service_events", []) if isinstance(e, ServiceEvent)]
        kinds["service_events"] = tuple(sorted(events, key=lambda e: (e.record_id, e.seq)))
        jurisdiction = Jurisdiction(
            id="xz",
            name="忻州市",
            root_unit_id="xz",
            synthetic=True,
            note="示例账册：单位和数字取自原文，人名、日期等细节为虚构（见 README.md）",
        )
        return cadrecore.Ledger(registry=self.registry, jurisdiction=jurisdiction, **kinds)


def build_ledger(registry: cadrecore.Registry | None = None, seed: int = SEED) -> cadrecore.Ledger:
    """The Xinzhou example ledger, built from the account's figures and a seeded generator."""
    return XinzhouBuilder(registry or example_registry(), seed).build()


def _summary(ledger: cadrecore.Ledger) -> Iterable[str]:
    for name, count in ledger.counts().items():
        if count:
            yield f"  {name}: {count}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "output",
        nargs="?",
        type=Path,
        default=DEFAULT_OUTPUT,
        help="ledger folder to write (default: examples/xinzhou)",
    )
    args = parser.parse_args(argv)
    ledger = build_ledger()
    folder = ledger.save(args.output)
    size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
    print(f"wrote {folder} ({math.ceil(size / 1024)} KiB)")
    print("\n".join(_summary(ledger)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
