"""Import a county's roster (花名册) into the city's ledger and show what was rejected.

    python examples/import_roster.py [ROSTER] [--ledger examples/xinzhou] [--unit xz.jingle]
                                     [--rejects FOLDER] [--lang en]

The roster is read as the clerk sent it (.xlsx, .xls or .csv; headings as docs/import.md lists
them). Its good rows are merged into the ledger in memory and nothing is saved; the rejected
rows go to a rejects file (their own headings and cells, plus a reason column) for the clerk to
fix and send again. To import into the store, call ``cadrecore.import_into_store(store,
[roster], keep_good=True, rejects=..., unit=...)`` instead: the same reading, in one transaction.
"""

import argparse
import sys
from collections import Counter
from pathlib import Path

import cadrecore
from cadrecore import Text
from cadrecore.i18n import set_lang
from cadrecore.io.importing import import_files, write_rejects

parser = argparse.ArgumentParser(description="导入花名册 / import a county's roster")
parser.add_argument("roster", nargs="?", default="examples/rosters/静乐县离退休干部.csv")
parser.add_argument(
    "--ledger",
    default=str(Path(__file__).resolve().parent / "xinzhou"),
    help="the city's ledger folder",
)
parser.add_argument("--unit", help="the county filing (xz.baode), if the roster does not say")
parser.add_argument("--rejects", default=".", help="folder for the rejects file (default: .)")
parser.add_argument("--lang", choices=("zh", "en"), help="zh (default, or CADRECORE_LANG) or en")
args = parser.parse_args()
set_lang(args.lang)  # every message below, the library's included, is in this language


def say(zh: str, en: str, **values: object) -> None:
    """Print in the run's language: --lang, else CADRECORE_LANG, else Chinese."""
    print(Text(zh, en).format(**values)())


ledger = cadrecore.load_ledger(args.ledger)  # the ledger the roster goes into
# keep_good: import the good rows, set the bad ones aside (without it: all or nothing)
outcome = import_files([args.roster], base=ledger, unit=args.unit, keep_good=True)
say(
    "读取 {rows} 行：接收 {accepted} 行，拒收 {rejected} 行（新增 {inserted}，更新 {updated}）",
    "{rows} rows read: {accepted} accepted, {rejected} rejected ({inserted} new, {updated} updated)",
    **outcome.summary(),
)
# Every problem says its file, row, column and heading as written, and what was expected.
for problem in outcome.problems:
    print("  ✗", problem.render())
if not outcome.ok:  # a file not read at all, or a required column missing: nothing imported
    sys.exit(2)
for note in outcome.notes:  # left aside without being an error: 合计 rows, unknown columns...
    print("  ·", note.render())

for county, count in sorted(Counter(i.record.county_id for i in outcome.imported).items()):
    say("  {name}：{count} 人", "  {name}: {count}", name=ledger.unit(county).name, count=count)
for path in write_rejects(outcome, args.rejects):
    say(
        "拒收的行已写入 {path}，改正后可再次导入",
        "rejected rows written to {path}, to fix and import again",
        path=path,
    )
