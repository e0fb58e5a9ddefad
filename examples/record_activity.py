"""Record an activity in Python, save it to the store, and check again.

    python examples/record_activity.py [STORE] [--branch ID] [--date DAY] [--kind KIND] [--lang en]

The Xinzhou example's 宁武县老干部太极拳团队党支部 (xz.ningwu.b03) held no themed party day in
August 2022, and the check says so. Here the branch's record of it comes in late: the activity
is built in Python, added to the ledger, saved to the store (one transaction, one entry in the
audit trail) and the year is checked again. STORE (default xinzhou-example.sqlite) is filled
from examples/xinzhou the first time.
"""

import argparse
from datetime import date
from pathlib import Path

import cadrecore
from cadrecore import Text
from cadrecore.i18n import set_lang
from cadrecore.models import Activity
from cadrecore.rules import evaluate

parser = argparse.ArgumentParser(description="补录一条活动记录 / record an activity")
parser.add_argument("store", nargs="?", default="xinzhou-example.sqlite")
parser.add_argument("--branch", default="xz.ningwu.b03")
parser.add_argument("--date", type=date.fromisoformat, default=date(2022, 8, 26))
parser.add_argument("--kind", default="themed_party_day", help="an activity kind's key")
parser.add_argument(
    "--ledger", default=str(Path(__file__).resolve().parent / "xinzhou"), help="fills a new store"
)
parser.add_argument("--lang", choices=("zh", "en"), help="zh (default, or CADRECORE_LANG) or en")
args = parser.parse_args()
set_lang(args.lang)


def show(when: Text, ledger: cadrecore.Ledger) -> None:
    """What the check says about the branch this year (only the rule of this duty runs)."""
    report = evaluate(ledger, year=args.date.year, rules=[f"builtin::org_life.{args.kind}"])
    said = [f.message() for f in report.findings if f.subject.id == args.branch]
    print(when(), *(said or [Text("无问题", "nothing to report")()]), sep="\n  ")


with cadrecore.open_store(args.store) as store:
    if not store.ledger_ids():  # a new store: put the example in it
        store.save(cadrecore.load_ledger(args.ledger), actor="示例")
    ledger = store.load()
    show(Text("补录前：", "before:"), ledger)

    branch = ledger.branch(args.branch)
    activity = Activity(
        id=f"{branch.id}.{args.kind}.{args.date:%Y-%m}",  # yours to choose: unique, readable
        activity_kind=args.kind,  # a key of the activity kinds (cadrecore plugins lists them)
        date=args.date,
        title=f"{args.date.month}月{ledger.registry.activity_kinds.get(args.kind).label.zh}（补录）",
        branch_id=branch.id,  # who held it: a branch, or owner_unit_id=... for a unit
        attendee_ids=[c.id for c in ledger.members_of(branch.id, on=args.date)],
    )
    # A new ledger with the activity added (or put in place of the one with its id), checked
    # again as a whole: an unknown branch or attendee raises LedgerError, naming the record.
    ledger = ledger.with_records(activity)
    saved = store.save(ledger, actor="示例脚本")  # only the difference is written
    print(Text("已保存：", "saved:")(), saved.summary())
    show(Text("补录后：", "after:"), store.load())
