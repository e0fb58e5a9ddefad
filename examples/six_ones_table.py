"""The "six ones" (六个一) of the city and every county as one table: a row per checklist, a
column per item, each cell the day it was done or where it stands.

    python examples/six_ones_table.py [LEDGER] [--year 2022] [--as-of DAY] [--out FILE.xlsx] [--lang en]

A checklist belongs to the area of its owner: the city's party committee's to the city, a
county's own checklist (checklists.yaml, owner a unit of the county) to that county. An area
that keeps none has a row of dashes. The rule ``builtin::checklist.items`` judges each item
(done, done late, overdue, or pending before its due date) as an *occurrence*.
"""

import argparse
from datetime import date
from pathlib import Path

import cadrecore
from cadrecore import Text
from cadrecore.i18n import default_lang, set_lang
from cadrecore.reports.labels import NO_VALUE, status_label
from cadrecore.reports.sections import Table
from cadrecore.reports.terminal import table_lines
from cadrecore.reports.xlsx import tables_workbook
from cadrecore.rules import evaluate

parser = argparse.ArgumentParser(description="六个一汇总表 / the six ones in one table")
parser.add_argument("ledger", nargs="?", default=str(Path(__file__).resolve().parent / "xinzhou"))
parser.add_argument("--year", type=int, default=2022)
parser.add_argument("--as-of", type=date.fromisoformat, help="judge as at this day (YYYY-MM-DD)")
parser.add_argument("--out", type=Path, help="also write the table to this .xlsx")
parser.add_argument("--lang", choices=("zh", "en"), help="zh (default, or CADRECORE_LANG) or en")
args = parser.parse_args()
set_lang(args.lang)

ledger = cadrecore.load_ledger(args.ledger)
RULE = "builtin::checklist.items"
report = evaluate(ledger, year=args.year, as_of=args.as_of, rules=[RULE])
# Each occurrence is one item of one checklist: subject id "<checklist id>:<item key>".
cells = {}
for o in report.occurrences_of(RULE):
    cells[o.subject.id] = str(o.done_on) if o.status == "done" else status_label(o.status)()

counties = {u.id for u in ledger.counties()}


def area_of(unit_id: str) -> str:
    """The county a unit is in (a county's bureau, its party committee), else the city."""
    chain = [unit_id, *(u.id for u in ledger.ancestors_of(unit_id))]
    return next((u for u in chain if u in counties), ledger.root.id)


checklists = [c for c in ledger.checklists if c.holds_in(args.year)]
items = list(dict.fromkeys(entry.item for c in checklists for entry in c.items))
rows = []
for area in [ledger.root, *ledger.counties()]:  # the city, then its counties
    kept = [c for c in checklists if area_of(c.owner_unit_id) == area.id]
    for c in kept:
        rows.append((area.name, c.name, *(cells.get(f"{c.id}:{i}", NO_VALUE) for i in items)))
    if not kept:  # an area that keeps no checklist of its own
        rows.append((area.name, *[NO_VALUE] * (len(items) + 1)))

labels = [ledger.registry.checklist_items.get(item).label for item in items]
table = Table(
    title=Text(f"{args.year} 年“六个一”落实情况", f"The six ones in {args.year}"),
    columns=(Text("地区", "area"), Text("清单", "checklist"), *labels),
    rows=tuple(rows),
)
print("\n".join(table_lines(table, default_lang())))
if args.out:  # dates as date cells, laid out and printed as the annual report's tables
    args.out.write_bytes(
        tables_workbook([table], default_lang(), title=table.title(default_lang()))
    )
