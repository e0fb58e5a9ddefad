"""Print the figures of 《用责任和担当下好老干部工作“一盘棋”》 (忻州市老干部局, 2022-7-18), the
Xinzhou bureau's account of its work, each one counted from the example ledger.

Nothing here knows the figures: :func:`cadrecore.reports.figures.figures` counts them from
whatever ledger it is given (15 bureaus, 213 branches by type, the plan against its targets,
the "six ones", the themes, the exemplars' results, the services, promotions, recognitions), so
that a newcomer can check the ledger against the text, and the tests can check the text against
the ledger::

    python examples/xinzhou_figures.py                  # examples/xinzhou, zh-CN
    python examples/xinzhou_figures.py --json           # the same figures as JSON

The four department plugins must be installed (``pip install -e plugins/<name>``): the ledger
holds their service records, and the default registry finds them through their entry points.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import cadrecore
from cadrecore.reports import figures as counting

HERE = Path(__file__).resolve().parent
DEFAULT_LEDGER = HERE / "xinzhou"
YEAR = 2022
PROMOTION_YEARS = (2019, 2022)  # "in the recent institutional reform": the years counted
NEEDED = ("art_academy.enrolment", "medicine_kits.kit", "family_doctor.contract",
          "order_service.order")  # fmt: skip


def figures(ledger: cadrecore.Ledger, year: int = YEAR) -> dict[str, Any]:
    """Every figure of the Xinzhou account, counted from ``ledger`` as of the end of ``year``."""
    return counting.figures(ledger, year, promotion_years=PROMOTION_YEARS)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="忻州示例账册中《用责任和担当下好老干部工作“一盘棋”》的数字 / "
        "the figures of the Xinzhou bureau's account, counted from the example ledger"
    )
    parser.add_argument("ledger", nargs="?", type=Path, default=DEFAULT_LEDGER)
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    args = parser.parse_args(argv)
    registry = cadrecore.get_registry()
    missing = [key for key in NEEDED if key not in registry.service_types]
    if missing:
        print(
            "缺少部门插件 / department plugins missing: " + ", ".join(missing) + "\n"
            "pip install -e plugins/art_academy -e plugins/medicine_kits "
            "-e plugins/family_doctor -e plugins/order_service",
            file=sys.stderr,
        )
        return 2
    ledger = cadrecore.load_ledger(args.ledger, registry=registry)
    result = figures(ledger)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print("\n".join(counting.figure_lines(result)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
