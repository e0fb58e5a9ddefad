"""Load a ledger folder, check a year against the rules, print the findings.

python examples/check_ledger.py [LEDGER] [YEAR]     # default: examples/xinzhou 2022
"""

import sys

import cadrecore
from cadrecore.rules import evaluate

path = sys.argv[1] if len(sys.argv) > 1 else "examples/xinzhou"
year = int(sys.argv[2]) if len(sys.argv) > 2 else 2022

# Loading checks every record and cross-reference; a LedgerError lists every problem.
ledger = cadrecore.load_ledger(path)
print(f"{ledger.jurisdiction.name}: {len(ledger.cadres)} cadres, {len(ledger.branches)} branches")

# Judge the year with the rules (and parameters) in force on 31 December.
report = evaluate(ledger, year=year)
print("counts:", report.counts, "success:", report.success)
for finding in report.findings:
    print(f"[{finding.severity.name}] {finding.rule_id} {finding.subject.id}")
    print(f"    {finding.message.zh}")
    if finding.fix:
        print(f"    fix: {finding.fix.zh}")
