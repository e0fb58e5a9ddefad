"""Thirteen rosters as Xinzhou's county bureaus send them (``/work/shared/ROSTERS.md``), each with
the key of what importing it into the Xinzhou example must give.

Each function of :data:`ROSTERS` returns a :class:`Roster`: its ``build(folder)`` writes the file
(openpyxl for ``.xlsx``, xlwt for ``.xls``, the csv module for CSV; never cadrecore's writers)
and its ``rows`` say, for every row that matters, whether it is imported (and with which
fields), rejected (and why), skipped as no data (and with which note), or left unread.
Everything is deterministic: the same call gives the same file and key.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from .key import Roster, RowKey
from .people import COUNTIES, DEPARTMENTS, Factory, Person
from .sheets import (
    Col,
    Layout,
    Sheet,
    XDate,
    dash,
    dot1,
    dot2,
    full_width,
    maybe,
    slash,
    write_book,
    ym6,
    ym_cn,
    ymd8,
    ymd_cn,
)

__all__ = ["ROSTERS", "Roster", "RowKey"]

MONTH_FROM_ID = "birth.month_from_id"


def _roster(
    name: str,
    filename: str,
    layouts: list[Layout],
    unit: str | None,
    *,
    encoding: str | None = None,
    keys: list[RowKey] | None = None,
    column_notes: list[tuple[str, str]] | None = None,
    file_problems: list[str] | None = None,
    import_notes: list[str] | None = None,
    summary: str = "",
) -> Roster:
    sheets: list[Sheet] = []
    for layout in layouts:
        if layout.sheet not in sheets:
            sheets.append(layout.sheet)
    rows = keys if keys is not None else [k for layout in layouts for k in layout.keys]
    assert len(rows) == len({(k.sheet, k.row) for k in rows}), "one key per row"
    features = frozenset().union(*(layout.features for layout in layouts))

    def build(folder: Path) -> Path:
        return write_book(sheets, Path(folder) / filename, encoding)

    return Roster(
        name=name,
        path_suffix=filename,
        build=build,
        unit=unit,
        rows=sorted(rows, key=lambda k: (k.sheet or "", k.row)),
        column_notes=column_notes or [],
        file_problems=file_problems or [],
        import_notes=import_notes or [],
        encoding=encoding,
        features=features,
        summary=summary,
    )


def _phone_as_number(p: Person) -> Any:
    """A mobile number typed into a number cell (a landline stays text)."""
    return int(p.phone) if p.phone.isdigit() else p.phone


def _people(f: Factory, county: str, count: int, lixiu: int = 0, **kw: Any) -> list[Person]:
    """``lixiu`` 离休 cadres first (bureaus list them first), then 退休 ones."""
    return [f.person(county, kind="lixiu" if i < lixiu else "tuixiu", **kw) for i in range(count)]


def _signed(layout: Layout, *parts: tuple[int, str]) -> None:
    layout.gap()
    layout.signature(*parts)


# =============================================================================================
# xlsx: county layouts
# =============================================================================================


def baode_2022() -> Roster:
    """保德县: title, 填报单位/填报日期, two-level headings (离退休, 党员情况, 联系方式), blank
    rows, the headings repeated mid-sheet, 合计, 填表人/审核人, 备注; retirement dates as real
    date cells, mobiles as number cells, an unknown column 籍贯."""
    f = Factory(0)
    pick = random.Random(100)
    columns = [
        Col("seq", "序号"),
        Col("name", "姓名"),
        Col("gender", "性别"),
        Col("ethnicity", "民族"),
        Col("birth", "出生年月"),
        Col("work", "参加工作\n时间"),
        Col("kind", "类别", "离退休"),
        Col("retire", "时间", "离退休", write=lambda p: XDate(p.retirement, "yyyy.mm")),
        Col("unit", "原工作单位"),
        Col("rank", "原职级"),
        Col("party", "政治面貌", "党员情况"),
        Col("party_joined", "入党时间", "党员情况"),
        Col("id", "公民身份号码"),
        Col("phone", "电话", "联系方式", write=_phone_as_number),
        Col("address", "住址", "联系方式"),
        Col("x:籍贯", "籍贯", write=lambda p: pick.choice(("山西保德", "山西忻州", "陕西府谷"))),
        Col("health", "健康状况"),
        Col("notes", "备注"),
    ]
    keys: list[RowKey] = []
    layout = Layout(Sheet("花名册"), columns, keys)
    layout.title("保德县离退休干部花名册（2022年12月）")
    layout.filer("填报单位：中共保德县委老干部局（盖章）", "填报日期：2022年12月31日")
    layout.headings()
    people = _people(f, "xz.baode", 26, lixiu=3)
    for i, p in enumerate(people, 1):
        layout.person(p)
        if i in (8, 19):
            layout.blank()
        if i == 13:
            layout.repeat_headings()
    layout.total({"seq": "合计", "name": f"{len(people)}人"})
    _signed(layout, (1, "填表人：苗　青"), (8, "审核人：石建业"), (13, "联系电话：0350-5221234"))
    layout.note_line("备注：离退休时间以组织部门批复为准；公民身份号码须填写18位。")
    return _roster(
        "baode_2022",
        "保德县离退休干部花名册（2022年）.xlsx",
        [layout],
        "xz.baode",
        column_notes=[("column.unknown", "籍贯")],
        import_notes=[MONTH_FROM_ID],
        summary=baode_2022.__doc__ or "",
    )


def hequ_2022() -> Roster:
    """河曲县: two-level 离退休 over 类别|时间, a third row numbering the columns, headings with
    full-width and stray spaces, birth dates as real date cells, 离休干部/退 休/退休干部, 总计,
    制表/审核人, 说明, an unknown column 文化程度."""
    f = Factory(1)
    pick = random.Random(101)

    def kind(p: Person) -> str:
        if p.kind == "lixiu":
            return pick.choice(("离休干部", "离休"))
        return pick.choice(("退 休", "退休干部", "退休", "退休"))

    columns = [
        Col("seq", "序号"),
        Col("name", "姓　名"),
        Col("gender", " 性 别"),
        Col("birth", "出生日期", write=lambda p: XDate(p.birth, "yyyy-mm-dd")),
        Col("id", "身份证号码"),
        Col("work", "参加工作时间", write=lambda p: ym_cn(p.joined_work)),
        Col("kind", "类别", "离退休", write=kind),
        Col("retire", "时间", "离退休", write=lambda p: ym_cn(p.retirement)),
        Col("rank", "职务（职级）"),
        Col("unit", "工作单位"),
        Col("party", "党员身份"),
        Col("treatment", "享受待遇"),
        Col("address", "家庭住址"),
        Col("phone", "电话"),
        Col(
            "x:文化程度", "文化程度", write=lambda p: pick.choice(("初中", "高中", "中专", "大专"))
        ),
        Col("notes", "备注"),
    ]
    keys: list[RowKey] = []
    layout = Layout(Sheet("2022年"), columns, keys)
    layout.title("河曲县离退休干部花名册")
    layout.filer("填报单位：中共河曲县委老干部局（盖章）", "填报日期：2023年1月5日")
    layout.headings(numbers=True)
    people = _people(f, "xz.hequ", 22, lixiu=2)
    for i, p in enumerate(people, 1):
        layout.person(p)
        if i == 11:
            layout.blank()
    layout.total({"seq": "总计", "name": f"{len(people)}人"})
    _signed(layout, (1, "制表：温丽娟"), (7, "审核人：郑国栋"))
    layout.note_line("说明：本表由各单位据实填报，请勿改动表格格式。")
    return _roster(
        "hequ_2022",
        "河曲县离退休干部花名册.xlsx",
        [layout],
        "xz.hequ",
        column_notes=[("column.unknown", "文化程度")],
        summary=hequ_2022.__doc__ or "",
    )


def daixian_two_sheets() -> Roster:
    """代县: one sheet 离休 and one 退休, single heading rows with line breaks inside cells
    (“出生\\n年月”), 参加革命工作时间, the heading 离休/退休, dates as 1950年3月, １９５０．０３
    (full-width), 1945.8 as text and 197609 as number cells, 小计 on each sheet and 合计."""
    f = Factory(2)
    pick = random.Random(102)

    def birth(p: Person) -> str:
        return full_width(p.birth) if pick.random() < 0.3 else ym_cn(p.birth)

    def columns(work: Callable[[Person], Any], retire: Callable[[Person], Any]) -> list[Col]:
        return [
            Col("seq", "序号"),
            Col("name", "姓名"),
            Col("gender", "性别"),
            Col("ethnicity", "民族"),
            Col("birth", "出生\n年月", write=birth),
            Col(
                "revolution", "参加革命\n工作时间", write=lambda p: maybe(dot1)(p.joined_revolution)
            ),
            Col("work", "参加工作\n时间", write=work),
            Col("kind", "离休/退休"),
            Col("retire", "离退休\n时间", write=retire),
            Col("unit", "原工作单位"),
            Col("rank", "原职级"),
            Col("treatment", "享受待遇"),
            Col("party", "政治\n面貌"),
            Col("party_joined", "入党\n时间", write=lambda p: maybe(dot1)(p.party_joined)),
            Col("id", "身份证号"),
            Col("health", "健康状况"),
            Col("notes", "备注"),
        ]

    keys: list[RowKey] = []
    lixiu = Layout(
        Sheet("离休"),
        columns(lambda p: dot1(p.joined_work), lambda p: ym_cn(p.retirement)),
        keys,
    )
    lixiu.title("代县离休干部花名册（2022年）")
    lixiu.filer("填报单位：中共代县委老干部局（盖章）", "填报日期：2022年12月30日")
    lixiu.headings()
    for p in _people(f, "xz.daixian", 6, lixiu=6):
        lixiu.person(p)
    lixiu.total({"seq": "小计", "name": "6人"})

    tuixiu = Layout(
        Sheet("退休"),
        columns(lambda p: int(ym6(p.joined_work)), lambda p: dot1(p.retirement)),
        keys,
    )
    tuixiu.title("代县退休干部花名册（2022年）")
    tuixiu.filer("填报单位：中共代县委老干部局（盖章）", "填报日期：2022年12月30日")
    tuixiu.headings()
    for i, p in enumerate(_people(f, "xz.daixian", 17), 1):
        tuixiu.person(p)
        if i == 9:
            tuixiu.blank()
    tuixiu.total({"seq": "小计", "name": "17人"})
    tuixiu.total({"seq": "合计", "name": "23人"})
    _signed(tuixiu, (1, "填表人：宫晓燕"), (6, "审核人：牛建新"))
    return _roster(
        "daixian_two_sheets",
        "代县离退休干部花名册.xlsx",
        [lixiu, tuixiu],
        "xz.daixian",
        keys=keys,
        import_notes=[MONTH_FROM_ID],
        summary=daixian_two_sheets.__doc__ or "",
    )


def dingxiang_by_filer() -> Roster:
    """定襄县, imported without a unit: 填报单位：中共定襄县委老干部局 decides the county (some
    former units name no county). Two-level 党员情况 and 联系方式, 1950年3月 and 1950年3月17日
    births, 1968-9-1 and 2010/04/01 dates, blank rows, 合计, 填表人/审核人."""
    f = Factory(3)
    pick = random.Random(103)
    columns = [
        Col("seq", "序号"),
        Col("name", "姓名"),
        Col("gender", "性别"),
        Col("ethnicity", "民族"),
        Col(
            "birth",
            "出生年月",
            write=lambda p: ymd_cn(p.birth) if pick.random() < 0.3 else ym_cn(p.birth),
        ),
        Col("work", "参加工作时间", write=lambda p: dash(p.joined_work)),
        Col("kind", "离退休类型"),
        Col("retire", "离退休日期", write=lambda p: slash(p.retirement)),
        Col("unit", "原单位"),
        Col("rank", "原职务"),
        Col("party", "政治面貌", "党员情况"),
        Col("party_joined", "入党时间", "党员情况", write=lambda p: maybe(ym_cn)(p.party_joined)),
        Col("id", "身份证号"),
        Col("phone", "电话", "联系方式"),
        Col("address", "住址", "联系方式"),
        Col("health", "身体状况"),
        Col("notes", "备注"),
    ]
    keys: list[RowKey] = []
    layout = Layout(Sheet("Sheet1"), columns, keys)
    layout.title("定襄县离退休干部花名册（2022年度）")
    layout.filer("填报单位：中共定襄县委老干部局（盖章）", "填报日期：2022年12月28日")
    layout.headings()
    people = _people(f, "xz.dingxiang", 24, lixiu=2)
    for i, p in enumerate(people, 1):
        layout.person(p)
        if i in (7, 15):
            layout.blank()
    layout.total({"seq": "合计", "name": f"{len(people)}人"})
    _signed(layout, (1, "填表人：籍　红"), (9, "审核人：续振国"))
    return _roster(
        "dingxiang_by_filer",
        "定襄县老干部花名册2022.xlsx",
        [layout],
        None,
        import_notes=[MONTH_FROM_ID],
        summary=dingxiang_by_filer.__doc__ or "",
    )


def fanshi_birth_year_month() -> Roster:
    """繁峙县: 出生 over 年|月 (the birth year and month in two number columns), 离退休 and
    联系方式 over their children, 工作时间 and 入党年月 headings, retirement dates as date cells
    shown 2010年4月, blank rows, 合计, 填表人/审核人."""
    f = Factory(4)
    columns = [
        Col("seq", "序号"),
        Col("name", "姓名"),
        Col("gender", "性别"),
        Col("birth_y", "年", "出生"),
        Col("birth_m", "月", "出生"),
        Col("work", "工作时间"),
        Col("kind", "类别", "离退休"),
        Col("retire", "时间", "离退休", write=lambda p: XDate(p.retirement, 'yyyy"年"m"月"')),
        Col("unit", "原工作单位"),
        Col("rank", "原职级"),
        Col("party", "政治面貌"),
        Col("party_joined", "入党年月"),
        Col("id", "公民身份号码"),
        Col("treatment", "享受待遇"),
        Col("phone", "电话", "联系方式"),
        Col("address", "住址", "联系方式"),
    ]
    keys: list[RowKey] = []
    layout = Layout(Sheet("花名册"), columns, keys)
    layout.title("繁峙县离退休干部花名册")
    layout.filer("填报单位：中共繁峙县委老干部局（盖章）", "填报日期：2022年12月30日")
    layout.headings()
    people = _people(f, "xz.fanshi", 20, lixiu=1)
    for i, p in enumerate(people, 1):
        layout.person(p)
        if i == 10:
            layout.blank()
    layout.total({"seq": "合计", "name": f"{len(people)}人"})
    _signed(layout, (1, "填表人：冀　敏"), (7, "审核人：尉卫东"))
    return _roster(
        "fanshi_birth_year_month",
        "繁峙县离退休干部花名册.xlsx",
        [layout],
        "xz.fanshi",
        import_notes=[MONTH_FROM_ID],
        summary=fanshi_birth_year_month.__doc__ or "",
    )


# =============================================================================================
# .xls (Excel 97-2003)
# =============================================================================================


def wutai_xls() -> Roster:
    """五台县, .xls: title and 填报单位 merged (xlwt write_merge), two-level 离退休 and 党员情况,
    参加工作时间 and 离退休时间 as real date cells shown 1968.09, 1975.7 as text, 合计, 填表人."""
    f = Factory(5)
    columns = [
        Col("seq", "序号"),
        Col("name", "姓名"),
        Col("gender", "性别"),
        Col("ethnicity", "民族"),
        Col("birth", "出生年月"),
        Col("work", "参加工作时间", write=lambda p: XDate(p.joined_work, "yyyy.mm")),
        Col("kind", "类别", "离退休"),
        Col("retire", "时间", "离退休", write=lambda p: XDate(p.retirement, "yyyy.mm")),
        Col("unit", "原工作单位"),
        Col("rank", "原职级"),
        Col("party", "政治面貌", "党员情况"),
        Col("party_joined", "入党时间", "党员情况", write=lambda p: maybe(dot1)(p.party_joined)),
        Col("id", "公民身份号码"),
        Col("phone", "联系电话"),
        Col("address", "现居住地址"),
        Col("health", "健康状况"),
    ]
    keys: list[RowKey] = []
    layout = Layout(Sheet("Sheet1"), columns, keys)
    layout.title("五台县离退休干部花名册")
    layout.filer("填报单位：中共五台县委老干部局（盖章）", "填报日期：2021年12月20日")
    layout.headings()
    people = _people(f, "xz.wutai", 20, lixiu=2)
    for i, p in enumerate(people, 1):
        layout.person(p)
        if i == 12:
            layout.blank()
    layout.total({"seq": "合计", "name": f"{len(people)}人"})
    _signed(layout, (1, "填表人：智　慧"), (9, "审核人：闫宝山"))
    return _roster(
        "wutai_xls",
        "五台县离退休干部花名册.xls",
        [layout],
        "xz.wutai",
        import_notes=[MONTH_FROM_ID],
        summary=wutai_xls.__doc__ or "",
    )


def city_by_county_column_xls() -> Roster:
    """The city bureau's .xls of cadres of city units living in the counties, imported without
    a unit: 填报单位 names no county, a 所在县区 column holds each row's county, former units
    are the city's (忻州市…). Full birth dates 1950/03/17, 1968-9-1, 2010年4月1日; 合计."""
    f = Factory(6)
    pick = random.Random(106)
    counties = (
        "xz.ningwu",
        "xz.shenchi",
        "xz.yuanping",
        "xz.pianguan",
        "xz.xinfu",
        "xz.wutai",
        "xz.kelan",
        "xz.hequ",
    )
    columns = [
        Col("seq", "序号"),
        Col("name", "姓名"),
        Col("gender", "性别"),
        Col("ethnicity", "民族"),
        Col("birth", "出生日期", write=lambda p: slash(p.birth)),
        Col("county", "所在县区"),
        Col("work", "参加工作时间", write=lambda p: dash(p.joined_work)),
        Col("kind", "离退休类别"),
        Col("retire", "离退休时间", write=lambda p: ymd_cn(p.retirement)),
        Col("unit", "原工作单位"),
        Col("rank", "原职级"),
        Col("party", "政治面貌"),
        Col("party_joined", "入党时间", write=lambda p: maybe(dash)(p.party_joined)),
        Col("id", "身份证号码"),
        Col("phone", "联系电话"),
        Col("notes", "备注"),
    ]
    keys: list[RowKey] = []
    layout = Layout(Sheet("花名册"), columns, keys)
    layout.title("忻州市直单位离退休干部花名册（异地居住）")
    layout.filer("填报单位：中共忻州市委老干部局（盖章）", "填报日期：2022年12月31日")
    layout.headings()
    for i in range(18):
        county = counties[i % len(counties)]
        p = f.person(
            county,
            kind="lixiu" if i == 0 else "tuixiu",
            unit="忻州市" + pick.choice(DEPARTMENTS),
        )
        layout.person(p)
    layout.total({"seq": "合计", "name": "18人"})
    _signed(layout, (1, "制表：师　琳"), (8, "审核人：杭建平"))
    return _roster(
        "city_by_county_column_xls",
        "市直离退休干部（异地居住）花名册.xls",
        [layout],
        None,
        summary=city_by_county_column_xls.__doc__ or "",
    )


# =============================================================================================
# CSV: GBK without a BOM, UTF-8 with one
# =============================================================================================


def jingle_gbk_by_former_unit() -> Roster:
    """静乐县's export, GBK CSV without a BOM, imported without a unit and with no 填报单位:
    each row's 原工作单位 (静乐县…, 宁武县…) decides its county; one row's (忻州市水利局)
    names none, so it is rejected as undecided. Births as 195003; 民革党员 and others."""
    f = Factory(7)
    pick = random.Random(107)
    columns = [
        Col("seq", "序号"),
        Col("name", "姓名"),
        Col("gender", "性别"),
        Col("ethnicity", "民族"),
        Col("birth", "出生年月", write=lambda p: ym6(p.birth)),
        Col("work", "参加工作时间"),
        Col("kind", "离退休类别"),
        Col("retire", "离退休时间"),
        Col("unit", "原工作单位"),
        Col("rank", "原职级"),
        Col("party", "政治面貌"),
        Col("party_joined", "入党时间"),
        Col("id", "身份证号码"),
        Col("phone", "联系电话"),
        Col("address", "家庭住址"),
        Col("notes", "备注"),
    ]
    keys: list[RowKey] = []
    layout = Layout(Sheet(None), columns, keys)
    layout.headings()
    for i in range(18):
        county = "xz.ningwu" if i in (4, 9, 15) else "xz.jingle"
        if i == 12:
            p = f.person("xz.jingle", unit="忻州市水利局")
            layout.reject(p, "county.undecided")
            continue
        p = f.person(
            county,
            kind="lixiu" if i == 0 else "tuixiu",
            unit=COUNTIES[county][0] + pick.choice(DEPARTMENTS),
        )
        layout.person(p)
    return _roster(
        "jingle_gbk_by_former_unit",
        "静乐县离退休干部.csv",
        [layout],
        None,
        encoding="gbk",
        import_notes=[MONTH_FROM_ID],
        summary=jingle_gbk_by_former_unit.__doc__ or "",
    )


def shenchi_gbk() -> Roster:
    """神池县, GBK CSV: headings 姓 名 (stray space), 出生日期 as 19500317, the other dates as
    196809, 退休时间, 工作单位, 职级, 入党年月, 手机, 居住地; 离休干部 and “ 退休” (a stray
    space); an ID number ending in a lower-case x."""
    f = Factory(8)
    pick = random.Random(108)
    columns = [
        Col("seq", "序号"),
        Col("name", "姓 名"),
        Col("gender", "性别"),
        Col("ethnicity", "民族"),
        Col("birth", "出生日期", write=lambda p: ymd8(p.birth)),
        Col("work", "参加工作时间", write=lambda p: ym6(p.joined_work)),
        Col(
            "kind",
            "离退休类别",
            write=lambda p: "离休干部" if p.kind == "lixiu" else pick.choice(("退休", " 退休")),
        ),
        Col("retire", "退休时间", write=lambda p: ym6(p.retirement)),
        Col("unit", "工作单位"),
        Col("rank", "职级"),
        Col("party", "政治面貌"),
        Col("party_joined", "入党年月", write=lambda p: maybe(ym6)(p.party_joined)),
        Col("id", "公民身份号码", write=lambda p: p.national_id.lower()),
        Col("phone", "手机"),
        Col("address", "居住地"),
        Col("health", "健康状况"),
        Col("treatment", "享受待遇"),
    ]
    keys: list[RowKey] = []
    layout = Layout(Sheet(None), columns, keys)
    layout.headings()
    for i, p in enumerate(_people(f, "xz.shenchi", 19, lixiu=2), 1):
        layout.person(p)
        if i == 9:
            layout.person(f.person("xz.shenchi", check_x=True))
    return _roster(
        "shenchi_gbk",
        "shenchi_lituixiu.csv",
        [layout],
        "xz.shenchi",
        encoding="gbk",
        summary=shenchi_gbk.__doc__ or "",
    )


def wuzhai_utf8_bom() -> Roster:
    """五寨县, UTF-8 CSV with a BOM: 编号 for the running number, 是否党员 (是/否), 类别 for the kind, 原单位,
    身份证号, 手机, 现居住地址; births as 1950年3月 and １９５０．０３, 1968-9-1, 2010/04/01."""
    f = Factory(9)
    pick = random.Random(109)
    columns = [
        Col("seq", "编号"),
        Col("name", "姓名"),
        Col("gender", "性别"),
        Col("ethnicity", "民族"),
        Col(
            "birth",
            "出生年月",
            write=lambda p: full_width(p.birth) if pick.random() < 0.25 else ym_cn(p.birth),
        ),
        Col("work", "参加工作时间", write=lambda p: dash(p.joined_work)),
        Col("kind", "类别"),
        Col("retire", "离退休时间", write=lambda p: slash(p.retirement)),
        Col("unit", "原单位"),
        Col("rank", "原职级"),
        Col("party", "是否党员", write=lambda p: "是" if p.party == "中共党员" else "否"),
        Col("party_joined", "入党时间", write=lambda p: maybe(dash)(p.party_joined)),
        Col("id", "身份证号"),
        Col("phone", "手机"),
        Col("address", "现居住地址"),
        Col("health", "健康状况"),
        Col("notes", "备注"),
    ]
    keys: list[RowKey] = []
    layout = Layout(Sheet(None), columns, keys)
    layout.headings()
    for p in _people(f, "xz.wuzhai", 24, lixiu=1, parties=("中共党员", "中共党员", "群众")):
        layout.person(p)
    return _roster(
        "wuzhai_utf8_bom",
        "五寨县离退休干部名单.csv",
        [layout],
        "xz.wuzhai",
        encoding="utf-8-sig",
        import_notes=[MONTH_FROM_ID],
        summary=wuzhai_utf8_bom.__doc__ or "",
    )


def kelan_duplicate_ids() -> Roster:
    """岢岚县, UTF-8 CSV with a BOM, with ID numbers twice: one cadre entered twice, and another
    cadre given the first one's number by mistake; the second row of each pair is rejected, its
    message naming the first row and the number only masked. Dates as 1950年3月17日."""
    f = Factory(10)
    columns = [
        Col("seq", "序号"),
        Col("name", "姓名"),
        Col("gender", "性别"),
        Col("ethnicity", "民族"),
        Col("birth", "出生日期", write=lambda p: ymd_cn(p.birth)),
        Col("work", "参加工作时间", write=lambda p: ymd_cn(p.joined_work)),
        Col("kind", "离退休类别"),
        Col("retire", "离退休时间", write=lambda p: ymd_cn(p.retirement)),
        Col("unit", "原工作单位"),
        Col("rank", "原职级"),
        Col("party", "政治面貌"),
        Col("party_joined", "入党时间", write=lambda p: maybe(ymd_cn)(p.party_joined)),
        Col("id", "公民身份号码"),
        Col("phone", "电话"),
        Col("address", "家庭住址"),
        Col("treatment", "享受待遇"),
    ]
    keys: list[RowKey] = []
    layout = Layout(Sheet(None), columns, keys)
    layout.headings()
    people = _people(f, "xz.kelan", 18, lixiu=1)
    rows: dict[int, int] = {}
    for i, p in enumerate(people):
        rows[i] = layout.person(p)
        if i == 13:
            first = people[9]
            layout.reject(
                first,
                "duplicate.national_id",
                same_id_as=rows[9],
                message_has=(first.national_id[:6] + "*" * 12,),
                message_lacks=(first.national_id[-4:], first.national_id[6:14]),
            )
    first = people[11]
    layout.reject(
        f.twin(first),
        "duplicate.national_id",
        same_id_as=rows[11],
        message_has=(first.national_id[:6] + "*" * 12,),
        message_lacks=(first.national_id[-4:], first.national_id[6:14]),
    )
    return _roster(
        "kelan_duplicate_ids",
        "岢岚县离退休干部花名册.csv",
        [layout],
        "xz.kelan",
        encoding="utf-8-sig",
        summary=kelan_duplicate_ids.__doc__ or "",
    )


# =============================================================================================
# Whole-file problems and bad values
# =============================================================================================


def pianguan_missing_column() -> Roster:
    """偏关县: no 离退休时间 column at all: one ``column.missing`` problem for the file, and
    not one row is read (none imported, none rejected)."""
    f = Factory(11)
    columns = [
        Col("seq", "序号"),
        Col("name", "姓名"),
        Col("gender", "性别"),
        Col("ethnicity", "民族"),
        Col("birth", "出生年月"),
        Col("work", "参加工作时间"),
        Col("kind", "离退休类别"),
        Col("unit", "原工作单位"),
        Col("rank", "原职级"),
        Col("party", "政治面貌"),
        Col("party_joined", "入党时间"),
        Col("id", "身份证号码"),
        Col("phone", "联系电话"),
        Col("notes", "备注"),
    ]
    keys: list[RowKey] = []
    layout = Layout(Sheet("花名册"), columns, keys)
    layout.title("偏关县离退休干部花名册")
    layout.filer("填报单位：中共偏关县委老干部局（盖章）", "填报日期：2022年12月31日", span=3)
    layout.headings()
    for p in _people(f, "xz.pianguan", 16, lixiu=1):
        layout.unread(p)
    layout.total({"seq": "合计", "name": "16人"})
    _signed(layout, (1, "填表人：邬　芳"), (7, "审核人：荀志刚"))
    return _roster(
        "pianguan_missing_column",
        "偏关县离退休干部花名册.xlsx",
        [layout],
        "xz.pianguan",
        keys=[k for k in keys if k.outcome == "unread"],
        file_problems=["column.missing"],
        summary=pianguan_missing_column.__doc__ or "",
    )


def _wrong_check_char(national_id: str) -> str:
    right = national_id[-1]
    wrong = next(c for c in "0123456789X" if c != right and c != "X")
    return national_id[:-1] + wrong


def _shift_month(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def xinfu_bad_values() -> Roster:
    """忻府区's roster with a row for every reason to reject one (and good rows between):
    imported without a unit, 填报单位 left blank, so each row's 原工作单位 decides its county.
    Two-level headings with a column-number row, both repeated mid-sheet, blank rows, 合计,
    填表人/审核人, 备注; unknown columns 籍贯 and 学历."""
    f = Factory(12)
    pick = random.Random(112)
    columns = [
        Col("seq", "序号"),
        Col("name", "姓名"),
        Col("gender", "性别"),
        Col("ethnicity", "民族"),
        Col("birth", "出生年月"),
        Col("work", "参加工作时间"),
        Col("kind", "类别", "离退休"),
        Col("retire", "时间", "离退休"),
        Col("unit", "原工作单位"),
        Col("rank", "原职级"),
        Col("party", "政治面貌", "党员情况"),
        Col("party_joined", "入党时间", "党员情况"),
        Col("id", "公民身份号码"),
        Col("phone", "联系电话"),
        Col("x:籍贯", "籍贯", write=lambda p: pick.choice(("山西忻州", "山西太原", "河北阜平"))),
        Col(
            "x:学历", "学历", write=lambda p: pick.choice(("初中", "高中", "中专", "大专", "本科"))
        ),
        Col("notes", "备注"),
    ]
    keys: list[RowKey] = []
    layout = Layout(Sheet("花名册"), columns, keys)
    layout.title("离退休干部花名册（2023年6月）")
    layout.filer("填报单位：　　　　　　（盖章）", "填报日期：2023年6月30日")
    layout.headings(numbers=True)

    def someone(kind: str = "tuixiu", county: str = "xz.xinfu") -> Person:
        return f.person(county, kind=kind, unit=COUNTIES[county][0] + pick.choice(DEPARTMENTS))

    kept: list[tuple[int, Person]] = []

    def good_rows(count: int) -> None:
        for _ in range(count):
            county = "xz.yuanping" if layout.people in (2, 9, 20) else "xz.xinfu"
            kind = "lixiu" if layout.people == 0 else "tuixiu"
            p = someone(kind, county)
            kept.append((layout.person(p), p))

    good_rows(4)
    layout.blank()
    layout.reject(someone(), "value.not_understood", party="党员?", message_has=("中共党员",))
    layout.reject(someone(), "value.not_understood", kind="退职", message_has=("离休", "退休"))
    layout.reject(someone(), "value.not_understood", gender="未知", message_has=("男", "女"))
    good_rows(3)
    p = someone()
    layout.reject(p, "sex.id_mismatch", gender="女" if p.gender == "男" else "男")
    p = someone()
    layout.reject(p, "birth.id_mismatch", birth=dot2(_shift_month(p.birth, 2)))
    p = someone()
    layout.reject(p, "id.check_char", id=_wrong_check_char(p.national_id))
    layout.blank()
    good_rows(2)
    layout.repeat_headings()
    p = someone()
    while p.national_id.endswith("X"):
        good_rows(1)
        p = someone()
    layout.reject(p, "id.as_number", id=float(int(p.national_id[:15] + "000")))
    layout.reject(someone("lixiu"), "lixiu.revolution_date", work="1950.05")
    p = someone()
    layout.reject(p, "dates.order", retire=f"{p.birth.year - 2}.05")
    p = someone()
    layout.reject(p, "dates.order", work=f"{p.birth.year - 5}.03")
    good_rows(4)
    layout.reject(someone(), "date.unreadable", work="不详")
    layout.reject(someone(), "required.missing", name="")
    layout.reject(someone(), "required.missing", retire="")
    layout.blank()
    good_rows(3)
    layout.reject(someone(), "county.undecided", unit="忻州市财政局")
    row, first = kept[2]
    layout.reject(
        first,
        "duplicate.national_id",
        same_id_as=row,
        message_has=(first.national_id[:6] + "*" * 12,),
        message_lacks=(first.national_id[-4:], first.national_id[6:14]),
    )
    layout.total({"seq": "合计", "name": f"{layout.people}人"})
    _signed(layout, (1, "填表人：邸　娜"), (9, "审核人：寇建民"))
    layout.note_line("备注：本表所填人员均为2023年6月30日在册人员。")
    return _roster(
        "xinfu_bad_values",
        "离退休干部花名册（2023年6月）.xlsx",
        [layout],
        None,
        column_notes=[("column.unknown", "籍贯"), ("column.unknown", "学历")],
        import_notes=[MONTH_FROM_ID],
        summary=xinfu_bad_values.__doc__ or "",
    )


ROSTERS: list[Callable[[], Roster]] = [
    baode_2022,
    hequ_2022,
    daixian_two_sheets,
    dingxiang_by_filer,
    fanshi_birth_year_month,
    wutai_xls,
    city_by_county_column_xls,
    jingle_gbk_by_former_unit,
    shenchi_gbk,
    wuzhai_utf8_bom,
    kelan_duplicate_ids,
    pianguan_missing_column,
    xinfu_bad_values,
]
