"""Write the two example rosters of ``examples/rosters/`` from the test corpus (``tests/rosters``).

The corpus writes rosters the way Xinzhou's county bureaus send them (openpyxl and the csv
module directly, never cadrecore's own writers), each with a key of what importing it into the
Xinzhou example must give; ``tests/test_docs_import.py`` holds the shipped copies to their keys.
Run from the repository root::

    python examples/build_rosters.py            # writes examples/rosters
    python examples/build_rosters.py /tmp/r     # writes elsewhere

The CSV comes out byte for byte the same each time; the workbook holds the time it was saved,
so it differs in its bytes but not in what it imports as.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # the corpus lives in tests/rosters, beside the package

from tests.rosters.corpus import baode_2022, jingle_gbk_by_former_unit  # noqa: E402

#: The rosters shipped, in the order README.md describes them.
EXAMPLES = (baode_2022, jingle_gbk_by_former_unit)
FOLDER = ROOT / "examples" / "rosters"


def build(folder: Path = FOLDER) -> list[Path]:
    """Write every example roster into ``folder`` and return the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    return [make().build(folder) for make in EXAMPLES]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=FOLDER)
    args = parser.parse_args()
    for path in build(args.folder):
        print(path)


if __name__ == "__main__":
    main()
