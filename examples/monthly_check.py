"""The monthly check a bureau schedules: judge the records as they stand, write the findings to
a workbook for the office, and exit 1 when one of them is an error (0 otherwise; 2 when the
records cannot be read), as
``cadrecore check`` does, so that whatever runs it can raise the alarm.

    python examples/monthly_check.py [SOURCE] [--as-of 2022-12-31] [--out findings.xlsx] [--lang en]

SOURCE is the store (a SQLite file) or a ledger folder; default examples/xinzhou. Scheduled
with cron on the 1st of each month at 07:30 (``crontab -e``; cron mails what it prints to
MAILTO, and ``||`` acts on the exit status):

    30 7 1 * *  cd /srv/laoganbu && .venv/bin/python monthly_check.py data/xinzhou.sqlite --out reports/findings-$(date +\\%Y-\\%m).xlsx || echo "有错误，请查看 reports/"
"""

import argparse
import sys
from datetime import date
from pathlib import Path

from openpyxl import Workbook

import cadrecore
from cadrecore import Text
from cadrecore.i18n import default_lang, set_lang
from cadrecore.io.workbook import put
from cadrecore.reports.labels import subject_name
from cadrecore.rules import Severity, evaluate
from cadrecore.store import open_ledger

parser = argparse.ArgumentParser(description="每月检查 / the monthly check")
parser.add_argument(
    "source",
    nargs="?",
    default=str(Path(__file__).resolve().parent / "xinzhou"),
    help="store or folder",
)
parser.add_argument("--as-of", type=date.fromisoformat, default=date.today(), help="YYYY-MM-DD")
parser.add_argument("--out", type=Path, help="the workbook (default: findings-<as-of>.xlsx)")
parser.add_argument("--lang", choices=("zh", "en"), help="zh (default, or CADRECORE_LANG) or en")
args = parser.parse_args()
set_lang(args.lang)  # None: CADRECORE_LANG, else Chinese

source = Path(args.source)
# A folder is loaded and cross-checked; a store is opened for reading (fast at any size).
try:
    ledger = cadrecore.load_ledger(source) if source.is_dir() else open_ledger(source)
except cadrecore.CadrecoreError as exc:  # no such folder or store: exit 2, not 1 ("errors")
    print(f"{source}: {exc}", file=sys.stderr)
    sys.exit(2)
# As of a day: what is due by then and not done is a finding; what is not yet due is not.
report = evaluate(ledger, as_of=args.as_of)

book = Workbook()
sheet = book.active
sheet.title = Text("检查结果", "findings")()
heading = Text(
    "严重程度|规则|对象|期间|问题|应|实|怎么改",
    "severity|rule|subject|period|message|expected|actual|fix",
)
for column, title in enumerate(heading().split("|"), 1):
    put(sheet, 1, column, title)
for row, f in enumerate(report.findings, 2):  # errors first, then warnings, then info
    name = subject_name(ledger, f.subject, default_lang())  # a branch's name, not its id
    fix = f.fix() if f.fix else None
    cells = (f.severity.label(), f.rule_id, name, f.period, f.message(), f.expected, f.actual, fix)
    for column, value in enumerate(cells, 1):
        put(sheet, row, column, value)  # the one cell writer: text never runs as a formula
out = args.out or Path(f"findings-{args.as_of}.xlsx")
book.save(out)

counts = Text("，", ", ")().join(
    f"{s.label()} {report.counts[s.name.lower()]}" for s in reversed(Severity)
)
print(
    Text(
        "{day} 检查：{counts}；已写入 {out}", "checked as of {day}: {counts}; written to {out}"
    ).format(day=args.as_of, counts=counts, out=out)()
)
sys.exit(1 if report.at_least(Severity.ERROR) else 0)
