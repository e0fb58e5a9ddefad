"""Fuzzing the command line (issue #8, item 6): whatever the arguments, files and folders, a
command ends with exit 0, 1 or 2, never a Python traceback; a failure says where (the file,
the option); and a failed import writes nothing to the store.

Inputs: random command lines built from each command's options (wrong types, out-of-range
numbers, odd paths: spaces, CJK, newlines, a leading dash, names too long, directories where
files belong, files that do not exist, stores that are not databases); ledger folders damaged
in their encoding (GBK, UTF-16, a BOM, invalid UTF-8, NUL bytes, CRLF), truncated, emptied,
replaced by JSON, by folders, by YAML "billion laughs" and nesting thousands deep; roster
spreadsheets with the same damage and with JSON cells; and whole YAML/JSON documents in every
file of a ledger folder (the folder's YAML loader; the spreadsheets' JSON cells). Damaged
ledger folders at the API level are covered by tests/test_properties.py, damaged spreadsheets
by tests/test_import_robustness.py; this file drives them through the command line.

Each test counts its cases; the summary line at the end of the module says how many ran.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cadrecore import Ledger, LedgerError, load_ledger, save_ledger
from cadrecore.cli import app
from cadrecore.models import RECORD_KINDS
from cadrecore.sample import small_ledger
from cadrecore.store import open_store

runner = CliRunner()
CASES: Counter[str] = Counter()
FOUND: Counter[str] = Counter()  # exit codes seen, by target (a smoke check that cases vary)

FUZZ = settings(
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


# ---------------------------------------------------------------------------------------------
# A working folder with something of every kind, used as the current folder
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample() -> Ledger:
    return small_ledger(2022)


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory, sample: Ledger) -> Iterator[Path]:
    """The folder every command runs in: good and broken ledgers, stores, spreadsheets, odd
    names. Commands write only here (every path they are given is relative, without ..)."""
    root = tmp_path_factory.mktemp("fuzz")
    save_ledger(sample, root / "good")
    save_ledger(sample, root / "odd dir 名\n")
    broken = save_ledger(sample, root / "broken")
    (broken / "units.yaml").write_text("- id: [unclosed\n", encoding="utf-8")
    (broken / "cadres.csv").write_bytes("编号,姓名\nc1,张三\n".encode("gbk"))
    with open_store(root / "store.sqlite") as store:
        store.save(sample, actor="fuzz")
    open_store(root / "empty.sqlite").close()
    roster = root / "roster.csv"
    with roster.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS["cadres"])
        writer.writerow(["n1", "张三", "1950-03-01", "1970-09-01", "退休", "2010-06-01", "east"])
    (root / "gbk.csv").write_bytes(roster.read_text(encoding="utf-8").encode("gbk"))
    (root / "noise.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    (root / "dir.xlsx").mkdir()
    (root / "notes.txt").write_text("just text", encoding="utf-8")
    (root / ("n" * 250)).write_text("a long name", encoding="utf-8")
    old = Path.cwd()
    os.chdir(root)
    try:
        yield root
    finally:
        os.chdir(old)


@pytest.fixture(scope="module", autouse=True)
def summary(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None or not CASES:
        return
    cases = ", ".join(f"{name} {count}" for name, count in sorted(CASES.items()))
    exits = ", ".join(f"{name} {count}" for name, count in sorted(FOUND.items()))
    with capture.global_and_fixture_disabled():
        reporter.write_line("")
        reporter.write_line(
            f"cli fuzz: {sum(CASES.values())} cases ({cases}); none ended in a traceback; "
            f"exit codes: {exits}"
        )


def clean(result: Any, target: str) -> None:
    """The command ended as a command should: 0, 1 or 2, with no exception but its exit."""
    CASES[target] += 1
    FOUND[f"{target}={result.exit_code}"] += 1
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        repr(result.exception),
        result.output,
    )
    assert "Traceback" not in result.output


def store_state(path: Path) -> tuple[Any, ...]:
    """Every row of every table of a SQLite store (the audit trail included)."""
    with sqlite3.connect(path) as conn:
        tables = [
            name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        return tuple(
            (table, sorted(map(repr, conn.execute(f'SELECT * FROM "{table}"'))))
            for table in sorted(tables)
        )


# ---------------------------------------------------------------------------------------------
# Random command lines
# ---------------------------------------------------------------------------------------------


def _safe(text: str) -> bool:
    """A value that may reach the file system: relative, without .., no URL, no NUL (which a
    real command line cannot carry)."""
    return (
        not text.startswith(("/", "~"))
        and ".." not in text
        and "://" not in text
        and "\x00" not in text
    )


TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=24).filter(_safe)
ODD = st.sampled_from(["", " ", "-", "--", "-x", "名", "\n", "a b", "\t", "'", '"', "*", "n" * 300])
NUMBER = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.sampled_from(
        ["2022", "1900", "2200", "1899", "2201", "0", "-1", "2022.5", "1e3", "二〇二二"]
    ),
)
DATE = st.one_of(
    st.dates().map(str),
    st.sampled_from(
        ["2022-07-18", "2022-02-30", "2022-13-01", "0001-01-01", "9999-12-31", "2022/07/18"]
    ),
)
SOURCES = st.sampled_from(
    [
        "good",
        "broken",
        "store.sqlite",
        "empty.sqlite",
        "missing",
        "missing.sqlite",
        "roster.csv",
        "dir.xlsx",
        "notes.txt",
        "odd dir 名\n",
        "good/cadres.csv",
        "good/ledger.yaml",
        ".",
        "sqlite:///store.sqlite",
        "sqlite://",
        "mysql://nobody/nothing",
        "n" * 250,
        "n" * 300,
    ]
)
STORES = st.sampled_from(
    [
        *("store.sqlite", "empty.sqlite", "fresh.sqlite", "good", "roster.csv", "nowhere/x.sqlite"),
        *("sqlite://", "sqlite:///store.sqlite", "mysql://nobody/nothing", "n" * 300 + ".sqlite"),
    ]
)
OUTPUTS = st.sampled_from(
    [
        *("out.xlsx", "out.json", "out.html", "out.md", "out.txt", "out.pdf", "outdir", "good"),
        *("roster.csv", "deep/er/out.xlsx", "odd dir 名\n/out.xlsx", ".", "dir.xlsx", "n" * 300),
    ]
)
IMPORTS = st.sampled_from(
    [
        *("good", "broken", "roster.csv", "gbk.csv", "noise.xlsx", "dir.xlsx", "missing.csv"),
        *("notes.txt", "store.sqlite", "odd dir 名\n", "n" * 300),
    ]
)


def value(choices: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Mostly a plausible value, sometimes anything."""
    return st.one_of(choices, choices, TEXT, ODD)


FLAG = st.just(None)
COMMANDS: dict[str, tuple[tuple[st.SearchStrategy[str], ...], dict[str, Any]]] = {
    "validate": (
        (value(SOURCES),),
        {"--format": st.sampled_from(["text", "json", "xml"]), "--unit": TEXT},
    ),
    "check": (
        (value(SOURCES),),
        {
            "--year": value(NUMBER),
            "--as-of": value(DATE),
            "--format": st.sampled_from(["text", "json", "x"]),
            "--min-severity": st.sampled_from(["info", "warning", "error", "fatal", ""]),
            "--rule": st.sampled_from(["builtin::*", "builtin::org_life.*", "[", "nope", "*"]),
            "--lang": st.sampled_from(["zh", "en", "fr"]),
            "--exit-zero": FLAG,
            "--unit": st.sampled_from(["city", "east", "nowhere", ""]),
        },
    ),
    "report": (
        (value(SOURCES),),
        {
            "--year": value(NUMBER),
            "--format": st.sampled_from(["text", "md", "html", "xlsx", "json", "pdf"]),
            "-o": value(OUTPUTS),
            "--lang": st.sampled_from(["zh", "en", "de"]),
            "--as-of": value(DATE),
            "--generated-at": st.sampled_from(["2023-01-05T09:00:00+08:00", "x", "2023-01-05"]),
            "--unit": st.sampled_from(["city", "east", "nowhere"]),
        },
    ),
    "import": (
        (value(IMPORTS), value(IMPORTS)),
        {
            "--store": value(STORES),
            "--dry-run": FLAG,
            "--keep-good": FLAG,
            "--rejects": value(OUTPUTS),
            "--actor": TEXT,
            "--ledger": st.sampled_from(["sample", "other", ""]),
            "--kind": st.sampled_from(["cadres", "units", "jurisdiction", "nope"]),
            "--lang": st.sampled_from(["zh", "en"]),
        },
    ),
    "export": (
        (),
        {
            "-o": value(OUTPUTS),
            "--store": value(STORES),
            "--ledger": st.sampled_from(["sample", "other"]),
            "--unmask": FLAG,
            "--actor": TEXT,
            "--unit": st.sampled_from(["city", "east", "nowhere"]),
        },
    ),
    "init": ((value(STORES),), {}),
    "audit": (
        (st.sampled_from(["verify", "nope"]),),
        {"--store": value(STORES), "--no-records": FLAG},
    ),
    "schema": (
        (st.sampled_from(["cadres", "units", "ledger", "nope", ""]),),
        {"--out": value(OUTPUTS)},
    ),
    "rules": ((), {"--format": st.sampled_from(["text", "json", "x"]), "--lang": st.just("en")}),
    "plugins": ((), {"--format": st.sampled_from(["text", "json", "x"])}),
    "synth": (
        (),
        {
            "--cadres": st.one_of(
                st.integers(1, 12).map(str), st.sampled_from(["0", "-3", "x", "20000001"])
            ),
            "--seed": value(NUMBER),
            "--out": value(OUTPUTS),
            "--year": value(NUMBER),
        },
    ),
}


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    name = draw(st.sampled_from(sorted(COMMANDS)))
    positional, options = COMMANDS[name]
    args = [name]
    for strategy in positional:
        if draw(st.integers(0, 5)):  # now and then an argument is left out
            args.append(draw(strategy))
    chosen = (
        draw(st.lists(st.sampled_from(sorted(options)), unique=True, max_size=5)) if options else []
    )
    for option in chosen:
        args.append(option)
        if options[option] is not FLAG:
            args.append(draw(options[option]))
    if not draw(st.integers(0, 7)):  # junk: unknown options, stray arguments, --help
        args.insert(
            draw(st.integers(1, len(args))), draw(st.sampled_from(["--help", "--nope", "x"]) | TEXT)
        )
    return args


@settings(FUZZ, max_examples=150)
@given(args=command_lines())
def test_random_command_lines_end_cleanly(work: Path, args: list[str]) -> None:
    before = store_state(work / "store.sqlite")
    result = runner.invoke(app, args)
    clean(result, "argv")
    if result.exit_code == 2 and args[0] == "import":
        assert store_state(work / "store.sqlite") == before, "a failed import wrote to the store"
    if result.exit_code == 2 and "Usage:" not in result.output:
        assert result.output.strip(), "a failure says why"
    to_stdout = not {"-o", "--out", "--help"} & set(args)
    asked_json = "json" in args and args[args.index("json") - 1] == "--format"
    if result.exit_code in (0, 1) and to_stdout and asked_json:
        json.loads(result.stdout)  # JSON output is JSON, whatever else happened
        CASES["argv json output"] += 1


@settings(FUZZ, max_examples=25)
@given(args=st.lists(TEXT | ODD, max_size=6))
def test_junk_command_lines_end_cleanly(work: Path, args: list[str]) -> None:
    clean(runner.invoke(app, args), "junk argv")


# ---------------------------------------------------------------------------------------------
# Damaged ledger folders, through the commands that read them
# ---------------------------------------------------------------------------------------------

LAUGHS = "".join(
    f"- &l{i} [" + ",".join([f"*l{i - 1}"] * 9 if i else ["lol"] * 9) + "]\n" for i in range(9)
)
INSERTS = {
    "invalid utf-8": b"\xff\xfe\x80\xc3",
    "nul": b"\x00",
    "bom": "\ufeff".encode(),
    "cr": b"\r",
    "quote": b'"',
    "gbk text": "张三,离休".encode("gbk"),
}
WHOLE = ["gbk", "utf-16", "bom", "crlf", "empty", "json", "laughs", "deep", "self", "dir", "delete"]


@st.composite
def folder_damages(draw: st.DrawFn) -> list[tuple[str, int, Any]]:
    hurts = []
    for _ in range(draw(st.integers(1, 3))):
        how = draw(st.sampled_from(["insert", "truncate", "whole", "whole"]))
        which = draw(st.integers(0, 99))
        if how == "insert":
            hurts.append(
                (how, which, (draw(st.sampled_from(sorted(INSERTS))), draw(st.integers(0, 10**6))))
            )
        elif how == "truncate":
            hurts.append((how, which, draw(st.integers(0, 100))))
        else:
            hurts.append((how, which, draw(st.sampled_from(WHOLE))))
    return hurts


def damage_folder(root: Path, how: str, which: int, arg: Any) -> str:
    """Apply one damage to one file of the folder; return the file's name."""
    files = sorted(p for p in root.rglob("*") if p.is_file())
    if not files:
        return ""
    file = files[which % len(files)]
    data = file.read_bytes()
    if how == "insert":
        name, at = arg
        at %= len(data) + 1
        file.write_bytes(data[:at] + INSERTS[name] + data[at:])
    elif how == "truncate":
        file.write_bytes(data[: len(data) * arg // 100])
    elif arg in ("gbk", "utf-16", "bom", "crlf"):
        text = data.decode("utf-8", errors="replace")
        encoded = {
            "gbk": lambda: text.encode("gbk", errors="replace"),
            "utf-16": lambda: text.encode("utf-16"),
            "bom": lambda: b"\xef\xbb\xbf" + data,
            "crlf": lambda: data.replace(b"\n", b"\r\n"),
        }[arg]()
        file.write_bytes(encoded)
    elif arg == "empty":
        file.write_bytes(b"")
    elif arg == "json":
        try:
            doc = yaml.safe_load(data.decode("utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError, ValueError, RecursionError):
            doc = data.decode("utf-8", errors="replace").splitlines()
        file.write_text(json.dumps(doc, ensure_ascii=False, default=str), encoding="utf-8")
    elif arg == "laughs":
        file.write_text(LAUGHS + "- id: x\n  value: *l8\n", encoding="utf-8")
    elif arg == "deep":
        file.write_text("[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    elif arg == "self":
        file.write_text("- &a {id: x, name: *a}\n", encoding="utf-8")
    elif arg == "dir":
        file.unlink()
        file.mkdir()
    elif arg == "delete":
        file.unlink()
    return file.name


@settings(FUZZ, max_examples=30)
@given(hurts=folder_damages(), then=st.sampled_from(["check", "report", "import"]))
def test_damaged_folders_through_the_cli(
    work: Path, sample: Ledger, hurts: list[tuple[str, int, Any]], then: str
) -> None:
    folder = work / "damaged"
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(work / "good", folder)
    for hurt in hurts:
        damage_folder(folder, *hurt)
    result = runner.invoke(app, ["validate", "damaged"])
    clean(result, "damaged folder")
    if result.exit_code == 2:
        assert "damaged" in result.output, result.output  # names the folder and its files
    command = {
        "check": ["check", "damaged", "--year", "2022", "--format", "json"],
        "report": ["report", "damaged", "--year", "2022", "--format", "json"],
        "import": ["import", "damaged", "--store", "store.sqlite"],
    }[then]
    before = store_state(work / "store.sqlite")
    result = runner.invoke(app, command)
    clean(result, f"damaged folder {then}")
    if then != "import" and result.exit_code in (0, 1):
        assert json.loads(result.stdout)["year"] == 2022  # JSON output is JSON
    if then == "import" and result.exit_code != 0:
        assert store_state(work / "store.sqlite") == before, "a failed import wrote to the store"


# ---------------------------------------------------------------------------------------------
# Spreadsheets in every encoding, with JSON cells, imported through the CLI
# ---------------------------------------------------------------------------------------------

HEADERS = {
    "cadres": [
        "编号",
        "姓名",
        "出生日期",
        "参加工作时间",
        "离退休类型",
        "离退休时间",
        "所在县区编号",
    ],
    "checklists": ["id", "name", "owner_unit_id", "from_year", "items"],
    "parameters": ["id", "key", "value", "effective_from", "source"],
}
JSON_TEXT = st.one_of(
    st.recursive(
        st.none()
        | st.booleans()
        | st.integers(-(10**40), 10**40)
        | st.floats()
        | st.text(max_size=8),
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
        ),
        max_leaves=10,
    ).map(lambda v: json.dumps(v, ensure_ascii=False)),
    st.sampled_from(
        [
            '[{"item": "six_ones.report_hearing"}]',
            '[{"item": "six_ones.report_hearing", "due": "13-45"}]',
            "[" * 3000,
            '{"a": ' * 3000,
            "NaN",
            '{"item":',
            "[]",
            "null",
            "9" * 5000,
        ]
    ),
)
ROW_VALUES = {
    "cadres": [
        st.sampled_from(["n1", "n2", "c 9!"]),
        st.sampled_from(["张三", ""]),
        st.sampled_from(["1950-03-01", "1950.13"]),
        st.just("1970-09-01"),
        st.sampled_from(["退休", "离休"]),
        st.just("2010-06-01"),
        st.sampled_from(["east", "nowhere"]),
    ],
    "checklists": [
        st.sampled_from(["cl1", "city"]),
        st.just("清单"),
        st.sampled_from(["city", "east", "nowhere"]),
        st.sampled_from(["2020", "x"]),
        JSON_TEXT,
    ],
    "parameters": [
        st.sampled_from(["p1", "p 2"]),
        st.sampled_from(["plan.target.venues", "Bad Key"]),
        JSON_TEXT,
        st.sampled_from(["2020-01-01", "x"]),
        st.sampled_from(["文件", ""]),
    ],
}


@st.composite
def spreadsheets(draw: st.DrawFn) -> tuple[str, bytes, str]:
    kind = draw(st.sampled_from(sorted(HEADERS)))
    rows = [HEADERS[kind]] + [
        [draw(s) for s in ROW_VALUES[kind]] for _ in range(draw(st.integers(0, 3)))
    ]
    handle = __import__("io").StringIO()
    csv.writer(handle).writerows(rows)
    text = handle.getvalue()
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gbk", "utf-16", "latin-1", "raw"]))
    if encoding == "raw":
        data = draw(st.binary(max_size=300))
    else:
        data = text.encode(encoding, errors="replace")
    if draw(st.booleans()):  # damage it
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.sampled_from([b"\xff", b"\x00", b'"', b"\r", b""])) + data[at:]
    suffix = draw(st.sampled_from([".csv", ".csv", ".tsv", ".xlsx", ".txt"]))
    return kind, data, suffix


@settings(FUZZ, max_examples=35)
@given(sheet=spreadsheets(), keep_good=st.booleans(), dry_run=st.booleans(), forced=st.booleans())
def test_spreadsheets_import_cleanly_or_write_nothing(
    work: Path, sheet: tuple[str, bytes, str], keep_good: bool, dry_run: bool, forced: bool
) -> None:
    kind, data, suffix = sheet
    path = work / f"sheet{suffix}"
    path.write_bytes(data)
    args = ["import", path.name, "--store", "store.sqlite"]
    args += ["--keep-good"] * keep_good + ["--dry-run"] * dry_run + ["--kind", kind] * forced
    before = store_state(work / "store.sqlite")
    result = runner.invoke(app, args)
    clean(result, "spreadsheet import")
    if result.exit_code != 0 or dry_run:
        assert store_state(work / "store.sqlite") == before, "a failed import wrote to the store"
    if result.exit_code == 2:
        assert path.name in result.output or "未导入" in result.output


# ---------------------------------------------------------------------------------------------
# Whole YAML and JSON documents in every file of a ledger folder
# ---------------------------------------------------------------------------------------------

YAML_FILES = [k.filename for k in RECORD_KINDS if k.storage == "yaml"] + ["ledger.yaml"]
DOCUMENTS = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**50), 10**50)
    | st.floats()
    | st.dates()
    | st.text(max_size=10)
    | st.sampled_from(["id", "city", "east", "2022-01-01", "党员大会", "jurisdiction", "format"]),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "id",
                    "name",
                    "level",
                    "kind",
                    "parent_id",
                    "format",
                    "jurisdiction",
                    "items",
                    "value",
                ]
            )
            | st.text(max_size=6),
            inner,
            max_size=5,
        )
    ),
    max_leaves=20,
)


@settings(FUZZ, max_examples=80)
@given(
    name=st.sampled_from(YAML_FILES),
    doc=DOCUMENTS,
    form=st.sampled_from(["yaml", "json", "flow"]),
)
def test_any_document_in_any_yaml_file_loads_or_says_where(
    work: Path, name: str, doc: Any, form: str
) -> None:
    folder = work / "documents"
    if not folder.exists():
        shutil.copytree(work / "good", folder)
    original = (work / "good" / name).read_bytes() if (work / "good" / name).exists() else None
    if form == "json":
        text = json.dumps(doc, ensure_ascii=False, default=str)
    else:
        text = yaml.safe_dump(doc, allow_unicode=True, default_flow_style=(form == "flow"))
    (folder / name).write_text(text, encoding="utf-8")
    CASES["yaml/json document"] += 1
    try:
        loaded = load_ledger(folder)
    except LedgerError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.location.file or problem.record_kind, problem
            problem.render("zh").encode("utf-8")
    else:
        assert isinstance(loaded, Ledger)
    finally:
        if original is None:
            (folder / name).unlink()
        else:
            (folder / name).write_bytes(original)


# ---------------------------------------------------------------------------------------------
# Hostile cases, each once
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("parameters.yaml", LAUGHS + "- id: x\n  key: a.b\n  value: *l8\n"),
        ("units.yaml", "- &a [*a]\n"),
        ("units.yaml", "[" * 20000 + "]" * 20000),
        ("units.yaml", "- id: x\n" + "  name: " + "名" * 2_000_000 + "\n"),
        ("cadres.csv", "编号\n" + "c" * 5_000_000 + "\n"),
        ("ledger.yaml", "format: 1\njurisdiction: &j {id: x, name: y, root_unit_id: *j}\n"),
        ("ledger.yaml", "format: " + "9" * 5000 + "\n"),
    ],
    ids=["laughs", "self", "deep", "long value", "long cell", "self header", "long number"],
)
def test_hostile_files_are_refused_quickly_by_name(
    work: Path, name: str, content: str, tmp_path: Path
) -> None:
    folder = shutil.copytree(work / "good", tmp_path / "hostile")
    (folder / name).write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(folder)])
    clean(result, "hostile file")
    assert result.exit_code == 2 and name in result.output, result.output


def test_a_non_utf8_name_on_the_real_command_line(work: Path) -> None:
    """The installed entry point, with bytes in argv that are not UTF-8: a message, escaped."""
    name = os.fsencode(work) + b"/\xff\xfe"
    script = "import sys; from cadrecore.cli import main; sys.argv[0] = 'cadrecore'; main()"
    env = {**os.environ, "CADRECORE_LOAD_PLUGINS": ""}
    for args in ([b"validate", name], [b"report", name, b"--year", b"2022"]):
        done = subprocess.run(
            [sys.executable, "-c", script, *args], capture_output=True, env=env, timeout=60
        )
        CASES["real argv"] += 1
        assert done.returncode == 2, done
        assert b"Traceback" not in done.stdout + done.stderr
        assert b"\\xff" in done.stdout + done.stderr or b"\\udcff" in done.stdout + done.stderr


def test_directories_and_missing_files_where_files_belong(work: Path) -> None:
    for args in (
        ["import", "dir.xlsx", "--store", "store.sqlite"],
        ["import", "missing.csv", "--store", "store.sqlite"],
        ["report", "good", "--year", "2022", "--format", "json", "-o", "dir.xlsx"],
        ["schema", "--out", "roster.csv"],
        ["export", "--store", "store.sqlite", "-o", "roster.csv"],
        ["export", "--store", "store.sqlite", "-o", "."],
        ["validate", "store.sqlite/x"],
        ["audit", "verify", "--store", "dir.xlsx"],
    ):
        before = store_state(work / "store.sqlite")
        result = runner.invoke(app, args)
        clean(result, "wrong kind of path")
        assert result.exit_code == 2, (args, result.output)
        assert store_state(work / "store.sqlite") == before
    assert (work / "notes.txt").read_text(encoding="utf-8") == "just text"
