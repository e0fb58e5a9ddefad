"""The branches whose committee (支委会) missed a month, county by county.

    python examples/committee_months.py [LEDGER] [--year 2022] [--as-of DAY] [--kind KIND] [--lang en]

Every branch with a committee must hold a committee meeting each month (a parameter: a county
may set its own frequency), attended by more than half of the committee. The rule
``builtin::org_life.committee_meeting`` lists each month of each branch as an *occurrence*:
``done``, ``overdue`` (due and not held), ``invalid`` (held without quorum) or ``pending``.
``--kind themed_party_day`` asks the same of another duty (``party_lecture``, ...).
"""

import argparse
from collections import defaultdict
from datetime import date
from pathlib import Path

import cadrecore
from cadrecore import Text
from cadrecore.i18n import set_lang
from cadrecore.rules import evaluate

parser = argparse.ArgumentParser(description="支委会缺月的支部 / branches that missed a month")
parser.add_argument("ledger", nargs="?", default=str(Path(__file__).resolve().parent / "xinzhou"))
parser.add_argument("--year", type=int, default=2022)
parser.add_argument("--as-of", type=date.fromisoformat, help="judge as at this day (YYYY-MM-DD)")
parser.add_argument("--kind", default="committee_meeting", help="the duty (an activity kind)")
parser.add_argument("--lang", choices=("zh", "en"), help="zh (default, or CADRECORE_LANG) or en")
args = parser.parse_args()
set_lang(args.lang)


def say(zh: str, en: str, **values: object) -> None:
    """Print in the run's language: --lang, else CADRECORE_LANG, else Chinese."""
    print(Text(zh, en).format(**values)())


ledger = cadrecore.load_ledger(args.ledger)
rule = f"builtin::org_life.{args.kind}"
# Only this rule runs: as of a day within the year, the months after it are not yet due.
report = evaluate(ledger, year=args.year, as_of=args.as_of, rules=[rule])

missed: dict[str, list[str]] = defaultdict(list)  # branch id -> the months missed
for occurrence in report.occurrences_of(rule):
    if occurrence.status in ("overdue", "invalid"):
        note = Text("（未过半）", " (no quorum)")() if occurrence.status == "invalid" else ""
        missed[occurrence.subject.id].append(occurrence.period + note)

kind = ledger.registry.activity_kinds.get(args.kind).label()
if not missed:
    say("{y} 年各支部{k}没有缺月", "no branch missed a month of {k} in {y}", y=args.year, k=kind)
for county in ledger.counties():
    branches = [b for b in ledger.branches_of_county(county.id) if b.id in missed]
    if branches:
        say("{name}（{n} 个支部）", "{name} ({n} branches)", name=county.name, n=len(branches))
    for branch in branches:
        months = Text("、", ", ")().join(missed[branch.id])
        say("  {b}：{k}缺 {m}", "  {b}: no {k} in {m}", b=branch.name, k=kind, m=months)
