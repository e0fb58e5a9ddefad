"""Write the annual report of a ledger for a year; the format comes from the file's suffix
(.html, .md, .txt, .xlsx, .json).

    python examples/annual_report.py OUTPUT [LEDGER] [YEAR]   # e.g. xinzhou-2022.html
"""

import sys
from pathlib import Path

import cadrecore
from cadrecore.reports.annual import build_annual_report, write_annual_report

if len(sys.argv) < 2:
    sys.exit(__doc__)
output = Path(sys.argv[1])
path = sys.argv[2] if len(sys.argv) > 2 else "examples/xinzhou"
year = int(sys.argv[3]) if len(sys.argv) > 3 else 2022

ledger = cadrecore.load_ledger(path)
# Evaluates the rules, collects every plugin's section, writes the narrative.
annual = build_annual_report(ledger, year)
print(annual.title.zh)
print("findings:", annual.evaluation.counts)
written = write_annual_report(annual, output)
print(f"wrote {written} ({written.stat().st_size} bytes)")
