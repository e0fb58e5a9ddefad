"""A county's cadres aged 80 and over, to a workbook with their personal data masked.

    python examples/export_aged.py [COUNTY] [--ledger examples/xinzhou] [--as-of DAY]
                                   [--min-age 80] [--out FILE.xlsx] [--lang en]

COUNTY is a county's name as the ledger has it (忻府区) or its id (xz.xinfu). Ages are worked
out as at --as-of (default: today). The workbook has one sheet, 老干部, with the columns of
``cadrecore export``; ID numbers keep only their region code (140990************) and birth
dates their year and month (1940-03-**), phones and addresses are cut short (cadrecore.privacy).
"""

import argparse
import sys
from datetime import date
from pathlib import Path

import cadrecore
from cadrecore import Text
from cadrecore.i18n import set_lang

parser = argparse.ArgumentParser(description="高龄老干部名单 / cadres aged 80 and over")
parser.add_argument("county", nargs="?", default="忻府区", help="name (忻府区) or id (xz.xinfu)")
parser.add_argument(
    "--ledger", default=str(Path(__file__).resolve().parent / "xinzhou"), help="a ledger folder"
)
parser.add_argument("--as-of", type=date.fromisoformat, default=date.today(), help="YYYY-MM-DD")
parser.add_argument("--min-age", type=int, default=80)
parser.add_argument("--out", type=Path, help="the workbook (default: named after the county)")
parser.add_argument("--lang", choices=("zh", "en"), help="zh (default, or CADRECORE_LANG) or en")
args = parser.parse_args()
set_lang(args.lang)

ledger = cadrecore.load_ledger(args.ledger)
county = next((u for u in ledger.counties() if args.county in (u.id, u.name)), None)
if county is None:
    names = "、".join(u.name for u in ledger.counties())
    sys.exit(
        Text("没有“{c}”；可选：{names}", "no county {c!r}; one of: {names}").format(
            c=args.county, names=names
        )()
    )

day = args.as_of
aged = [
    cadre
    for cadre in ledger.cadres_of_county(county.id)
    if cadre.alive_on(day) and cadre.age_on(day) >= args.min_age  # the living, by birthday
]
out = args.out or Path(f"{county.name}{args.min_age}岁及以上老干部（{day}）.xlsx")
# Masked unless unmask=True, which only someone entitled to the clear values should pass.
# Add no exact age column beside the masked birth date: in the birth month it would tell
# whether the birthday had passed, which is part of the day the mask hides. (The retirement
# date is masked to its month as well: it is often the 60th or 55th birthday itself.)
cadrecore.export_cadres(aged, out)
print(
    Text(
        "{county}：{day} 年满 {age} 岁的老干部 {n} 人，已写入 {out}（个人信息已脱敏）",
        "{county}: {n} cadres aged {age} or over on {day}, written to {out} (masked)",
    ).format(county=county.name, day=day, age=args.min_age, n=len(aged), out=out)()
)
