"""One language per run, end to end (issue #21 item 1): every command and its common errors,
run in Chinese and in English, say nothing in the other language (data aside: the ledger's
names and titles, file names).

Each command line is run through the CLI as a user types it, once with ``--lang en`` and
once with the default (Chinese); standard output and standard error together are checked
with the detectors of :mod:`tests.language_check`.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cadrecore
from cadrecore.cli import app
from cadrecore.sample import small_ledger

from .language_check import chinese_in, data_strings, english_in

runner = CliRunner()


@pytest.fixture(scope="module")
def place(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a ledger folder, a store holding it, a second store holding two ledgers,
    a roster with problems and a broken ledger folder."""
    root = tmp_path_factory.mktemp("one-language")
    ledger = small_ledger()
    ledger.save(root / "ledger")
    with cadrecore.open_store(root / "store.sqlite") as store:
        store.save(ledger, actor="test")
    with cadrecore.open_store(root / "two.sqlite") as store:
        from cadrecore.synth import synthesize

        store.save(synthesize(100, 1), actor="test")
        store.save(synthesize(110, 2), actor="test")
    with (root / "roster.csv").open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["序号", "姓名", "性别", "出生年月", "离退休类型", "离退休时间", "政治面貌"]
        )
        writer.writerow(["1", "王某", "男", "1940.03", "退休", "2000.05", "中共党员"])
        writer.writerow(["2", "李某", "未知", "1938.13", "离休", "1998.01", "党员"])
        writer.writerow(["合计", "2人", "", "", "", "", ""])
    broken = root / "broken"
    ledger.save(broken)
    rows = list(csv.reader((broken / "cadres.csv").open(encoding="utf-8")))
    rows[1][rows[0].index("birth_date")] = "1938-02-30"
    with (broken / "cadres.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return root


@pytest.fixture(scope="module")
def allowed(place: Path) -> set[str]:
    """What may stand in the other language: the ledgers' own strings and the places' names."""
    found = data_strings(small_ledger())
    with cadrecore.open_store(place / "two.sqlite", create=False) as store:
        for ledger_id in store.ledger_ids():
            found |= data_strings(store.load(ledger_id))
    # the roster's own words, quoted as written (a heading, a value not understood)
    found |= {"序号", "姓名", "性别", "出生年月", "离退休类型", "离退休时间", "政治面貌"}
    found |= {"王某", "李某", "未知", "合计", "党员", "2人"}
    # the titles of the documents the rules and parameters cite, which are names: an English
    # citation names a Chinese document by its title as written
    from cadrecore.rules.catalog import rule_catalog

    catalog = rule_catalog(lang="en")
    cited = [c for r in catalog["rules"] for c in r["cites"]]
    cited += [v["source"] for p in catalog["parameters"].values() for v in p["versions"]]
    found |= {piece for text in cited for piece in chinese_in(text)}
    # an audit checkpoint is one line to copy into the minutes, the same in both languages
    found.add("cadrecore-audit-checkpoint")
    return found


#: Each command line (``{p}``: the folder of the fixture), and the exit codes it may end with.
RUNS: list[tuple[str, list[str], tuple[int, ...]]] = [
    ("validate a folder", ["validate", "{p}/ledger"], (0,)),
    ("validate a store", ["validate", "{p}/store.sqlite"], (0,)),
    ("validate a broken folder", ["validate", "{p}/broken"], (2,)),
    ("check", ["check", "{p}/ledger", "--year", "2022"], (0, 1)),
    ("check json", ["check", "{p}/store.sqlite", "--year", "2022", "--format", "json"], (0, 1)),
    ("check a year without records", ["check", "{p}/ledger", "--year", "2010"], (2,)),
    ("check a rule mistyped", ["check", "{p}/ledger", "--year", "2022", "--rule", "x.y"], (2,)),
    ("check a bad date", ["check", "{p}/ledger", "--as-of", "someday"], (2,)),
    ("check no year", ["check", "{p}/ledger"], (2,)),
    (
        "check a bad severity",
        ["check", "{p}/ledger", "--year", "2022", "--min-severity", "x"],
        (2,),
    ),
    ("check several ledgers", ["check", "{p}/two.sqlite", "--year", "2022"], (2,)),
    ("check a missing folder", ["check", "{p}/nowhere", "--year", "2022"], (2,)),
    ("rules", ["rules"], (0,)),
    ("plugins", ["plugins"], (0,)),
    ("config", ["config"], (0,)),
    ("init", ["init", "{p}/new.sqlite"], (0,)),
    (
        "import a roster dry",
        ["import", "{p}/roster.csv", "-s", "{p}/store.sqlite", "--dry-run", "--unit", "city"],
        (0, 2),
    ),
    (
        "import a roster",
        ["import", "{p}/roster.csv", "-s", "{p}/store.sqlite", "--unit", "city"],
        (2,),
    ),
    ("import into several", ["import", "{p}/roster.csv", "-s", "{p}/two.sqlite"], (2,)),
    ("import an unknown kind", ["import", "{p}/roster.csv", "--kind", "cadre"], (2,)),
    ("template", ["template", "{p}/t-{lang}.xlsx", "-s", "{p}/store.sqlite"], (0,)),
    ("template exists", ["template", "{p}/roster.csv"], (2,)),
    ("export", ["export", "-s", "{p}/store.sqlite", "-o", "{p}/out-{lang}.xlsx"], (0,)),
    ("report text", ["report", "{p}/ledger", "--year", "2022"], (0,)),
    ("report md", ["report", "{p}/store.sqlite", "--year", "2022", "--format", "md"], (0,)),
    ("report no format", ["report", "{p}/ledger", "--year", "2022", "-o", "{p}/r.pdf"], (2,)),
    ("audit verify", ["audit", "verify", "-s", "{p}/store.sqlite"], (0,)),
    ("audit checkpoint", ["audit", "checkpoint", "-s", "{p}/store.sqlite"], (0,)),
    ("audit new-key", ["audit", "new-key", "{p}/key-{lang}.txt"], (0,)),
    ("synth", ["synth", "--cadres", "50", "--seed", "1", "--out", "{p}/syn-{lang}"], (0,)),
    (
        "synth into a store with another",
        ["synth", "--cadres", "50", "--seed", "1", "--out", "{p}/two.sqlite"],
        (2,),
    ),
    ("a mistyped command", ["chek"], (2,)),
    ("a mistyped option", ["check", "{p}/ledger", "--yeer", "2022"], (2,)),
    ("a year out of range", ["check", "{p}/ledger", "--year", "1800"], (2,)),
    ("a year not a number", ["check", "{p}/ledger", "--year", "next"], (2,)),
    ("an option without its value", ["check", "{p}/ledger", "--year"], (2,)),
    ("a missing argument", ["import"], (2,)),
    ("help", ["-h"], (0,)),
    ("a command's help", ["import", "-h"], (0,)),
    ("no command", ["audit"], (0, 2)),
]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("name", "args", "codes"), RUNS, ids=[r[0] for r in RUNS])
def test_a_run_speaks_one_language(
    place: Path,
    allowed: set[str],
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    args: list[str],
    codes: tuple[int, ...],
    lang: str,
) -> None:
    for variable in [v for v in os.environ if v.startswith("CADRECORE_")]:
        if variable != "CADRECORE_PLUGIN_CACHE":
            monkeypatch.delenv(variable)
    monkeypatch.chdir(place)
    line = [part.format(p=place, lang=lang) for part in args]
    if lang == "en":
        line.append("--lang=en") if line and line[0] != "chek" else line.insert(0, "--lang=en")
    result = runner.invoke(app, line)
    assert result.exit_code in codes, (line, result.output)
    said = result.stdout + result.stderr
    assert said.strip(), line
    shown = allowed | {str(place), place.name}
    if lang == "en":
        # each run of Chinese must be (part of) the data: a name, a title, a heading as written
        pieces = [p for p in chinese_in(said) if not any(p in data for data in shown)]
    else:
        pieces = english_in(said, shown)
    assert pieces == [], (pieces, said[-3000:])
