"""Mutation testing of the policy code: run mutmut over a list of modules, each with the few test
files that cover it, print the score per module, and compare the survivors with the committed
list of those accepted (``tests/mutation-survivors.toml``).

    python scripts/mutation.py                      # every target in tests/mutation.toml
    python scripts/mutation.py quotas calendar      # some targets, by name
    python scripts/mutation.py --changed            # the targets a change touches (CI)
    python scripts/mutation.py --list               # the targets and their modules
    python scripts/mutation.py quotas --record      # add unlisted survivors to the file, to explain

A *target* (``tests/mutation.toml``) is one or more modules and the test files that cover them:
one target's run takes minutes, not the full suite's ten. Each runs in its own copy of the
sources under ``.mutation/<target>/`` (never in the working tree), with mutmut's
``[tool.mutmut]`` written for it. A module passes when at least its threshold of mutants are
killed (timeouts count as killed; a mutant no selected test reaches counts as survived) and
every survivor is listed in ``tests/mutation-survivors.toml`` with the reason it is equivalent
or accepted. A survivor is known there by its function and the line it changes, not by mutmut's
number, which shifts when the function changes.

Exit status: 0 when every module run passes, 1 otherwise, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS_FILE = ROOT / "tests" / "mutation.toml"
SURVIVORS_FILE = ROOT / "tests" / "mutation-survivors.toml"
WORK = ROOT / ".mutation"

#: mutmut's statuses that count as killed (a timeout: the mutant made the tests hang).
KILLED = {"killed", "timeout", "caught by type check", "segfault"}
#: statuses that are not counted at all (mutmut skipped the mutant on purpose).
NOT_COUNTED = {"skipped"}


@dataclass
class Target:
    name: str
    mutate: list[str]
    tests: list[str]
    threshold: float
    #: regular expressions of source lines not mutated (``skip_lines`` of tests/mutation.toml)
    skip_lines: list[str] = field(default_factory=list)
    #: plugin folders (``plugins/<name>``) whose package is copied beside cadrecore
    plugins: list[str] = field(default_factory=list)
    #: how long a run takes, in minutes (two cores, ``--jobs 2``): what ``--changed`` budgets
    minutes: float = 10.0
    #: a documentation page whose plugin is mutated: its ``# file:`` blocks are written out and
    #: its ``[tool.mutmut]`` block is the configuration (the plugin tutorial, section 9)
    tutorial: str | None = None
    #: tests of the files above left out (pytest node ids): slow properties and round trips
    #: that the boundary tests make redundant for mutants (they still run with the suite)
    deselect: list[str] = field(default_factory=list)

    def modules(self) -> list[str]:
        return [module_of(path) for path in self.mutate]


@dataclass
class Survivor:
    module: str
    function: str
    change: str
    reason: str


@dataclass
class Result:
    module: str
    killed: int = 0
    total: int = 0
    survivors: list[tuple[str, str, str]] = field(default_factory=list)  # (mutant, status, change)
    #: mutmut's run stopped with an error (its tests failed unmutated, a crash): the module
    #: fails, whatever the mutants it did check say
    run_failed: bool = False

    @property
    def score(self) -> float:
        return self.killed / self.total if self.total else 1.0


def module_of(path: str) -> str:
    """``src/cadrecore/calendar.py`` -> ``cadrecore.calendar`` (plugins' ``src`` too; a
    package's ``__init__.py`` is the package; a path without ``src`` is from the top)."""
    parts = Path(path).with_suffix("").parts
    inner = parts[parts.index("src") + 1 :] if "src" in parts else parts
    if inner[-1] == "__init__":
        inner = inner[:-1]
    return ".".join(inner)


def load_targets() -> dict[str, Target]:
    data = tomllib.loads(TARGETS_FILE.read_text("utf-8"))
    default = float(data.get("threshold", 0.9))
    skip = list(data.get("skip_lines", []))
    return {
        name: Target(
            name,
            list(spec["mutate"]),
            list(spec["tests"]),
            float(spec.get("threshold", default)),
            skip + list(spec.get("skip_lines", [])),
            list(spec.get("plugins", [])),
            float(spec.get("minutes", 10)),
            spec.get("tutorial"),
            list(spec.get("deselect", [])),
        )
        for name, spec in data["targets"].items()
    }


def load_survivors() -> list[Survivor]:
    if not SURVIVORS_FILE.exists():
        return []
    data = tomllib.loads(SURVIVORS_FILE.read_text("utf-8"))
    return [
        Survivor(s["module"], s["function"], s["change"], s.get("reason", ""))
        for s in data.get("survivor", [])
    ]


# ---------------------------------------------------------------------------------------------
# Which targets a change touches
# ---------------------------------------------------------------------------------------------


def _git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)


def changed_files(base: str | None) -> tuple[list[str], str | None]:
    """The files changed since the merge base with ``base`` (default: ``origin/main``, else
    ``main``), and the commit they are compared with; on a clone with neither, or on the branch
    itself (a CI checkout of one branch), the last commit's files, compared with its parent.
    A commit with no parent (a shallow clone of depth 1) is compared with nothing: every file
    it holds (None)."""
    for candidate in [base] if base else ["origin/main", "main"]:
        if _git("rev-parse", "--verify", "--quiet", f"{candidate}^{{commit}}").returncode != 0:
            if candidate == base:
                raise SystemExit(f"--changed {base}: no such commit")
            continue
        fork = _git("merge-base", candidate, "HEAD")
        if fork.returncode != 0:
            continue
        since = fork.stdout.strip()
        diff = _git("diff", "--name-only", since, "HEAD")
        if diff.returncode == 0 and (diff.stdout.strip() or candidate == base):
            return diff.stdout.split(), since
    last = _git("diff", "--name-only", "HEAD~1", "HEAD")
    if last.returncode == 0:
        return last.stdout.split(), _git("rev-parse", "HEAD~1").stdout.strip()
    return _git("show", "--name-only", "--format=", "HEAD").stdout.split(), None


CONFIG = ("tests/mutation.toml", "tests/mutation-survivors.toml", "scripts/mutation.py")

#: Why a target is run on a change, most pressing first: its modules changed; one of its test
#: files did; its entry in the targets or survivors file did; the runner itself did; nothing is
#: known of the change (a commit without its parent, as a shallow clone has).
TIERS = ("module", "tests", "entry", "runner", "unknown")


def _entries_then(since: str | None, path: str) -> dict[str, object] | None:
    """The TOML file ``path`` as it was at ``since`` (None: not there then, or unknown)."""
    if since is None:
        return None
    shown = _git("show", f"{since}:{path}")
    if shown.returncode != 0:
        return None
    try:
        return tomllib.loads(shown.stdout)
    except tomllib.TOMLDecodeError:
        return None


def _changed_entries(targets: dict[str, Target], since: str | None, files: set[str]) -> set[str]:
    """The targets whose entry in tests/mutation.toml, or whose modules' survivors in
    tests/mutation-survivors.toml, differ from ``since`` (all of them when it is unknown)."""
    names: set[str] = set()
    if "tests/mutation.toml" in files:
        before = _entries_then(since, "tests/mutation.toml")
        now = tomllib.loads(TARGETS_FILE.read_text("utf-8"))
        if before is None or {k: v for k, v in before.items() if k != "targets"} != {
            k: v for k, v in now.items() if k != "targets"
        }:
            return set(targets)
        old = before.get("targets", {})
        assert isinstance(old, dict)
        names |= {name for name, spec in now["targets"].items() if old.get(name) != spec}
    if "tests/mutation-survivors.toml" in files:
        before = _entries_then(since, "tests/mutation-survivors.toml")
        if before is None:
            return set(targets)
        then = before.get("survivor", [])
        now_listed = tomllib.loads(SURVIVORS_FILE.read_text("utf-8")).get("survivor", [])
        assert isinstance(then, list)
        differ = {
            str(s["module"]) for s in [*then, *now_listed] if (s in then) != (s in now_listed)
        }
        names |= {name for name, t in targets.items() if differ & set(t.modules())}
    return names & set(targets)


def touched(
    targets: dict[str, Target], files: Iterable[str], since: str | None = None
) -> dict[str, str]:
    """The targets a change to ``files`` (since commit ``since``) touches, each with why
    (:data:`TIERS`): its modules, its test files, its entry in the targets or survivors file,
    or the runner."""
    files = set(files)
    if since is None:  # every file of the commit: what changed is not known
        return dict.fromkeys(targets, "unknown")
    entries = _changed_entries(targets, since, files) if files & set(CONFIG[:2]) else set()
    why: dict[str, str] = {}
    for name, target in targets.items():
        if files & {*target.mutate, *([target.tutorial] if target.tutorial else [])}:
            why[name] = "module"
        elif files & set(target.tests):
            why[name] = "tests"
        elif name in entries:
            why[name] = "entry"
        elif CONFIG[2] in files:
            why[name] = "runner"
    return why


def within_budget(
    targets: dict[str, Target], why: dict[str, str], budget: float
) -> tuple[list[str], list[str]]:
    """The targets to run and those left out: every one whose modules changed, whatever the
    time; then the others, most pressing reason first and quickest first, while their
    estimated minutes (``minutes`` in tests/mutation.toml) fit in ``budget``."""
    chosen = [name for name in targets if why.get(name) == "module"]
    spent = sum(targets[name].minutes for name in chosen)
    left: list[str] = []
    rest = sorted(
        (name for name in why if why[name] != "module"),
        key=lambda name: (TIERS.index(why[name]), targets[name].minutes, name),
    )
    for name in rest:
        if spent + targets[name].minutes <= budget:
            chosen.append(name)
            spent += targets[name].minutes
        else:
            left.append(name)
    return [name for name in targets if name in chosen], left


# ---------------------------------------------------------------------------------------------
# One target's run
# ---------------------------------------------------------------------------------------------


def _toml_list(values: Sequence[str]) -> str:
    return "[" + ", ".join(_toml_string(v) for v in values) + "]"


#: A file of a documentation page: a fenced block whose first line is ``# file: <path>``
#: (tests/test_plugin_tutorial.py reads the tutorial the same way).
FILE_BLOCK = re.compile(
    r"^```(?P<lang>[\w-]+)\n# file: (?P<path>\S+)\n(?P<body>.*?)^```\s*$", re.M | re.S
)
MUTMUT_BLOCK = re.compile(r"^```toml\n(?P<body>\[tool\.mutmut\]\n.*?)^```\s*$", re.M | re.S)


def prepare_tutorial(target: Target, work: Path) -> Path:
    """The plugin of a documentation page, written out as the page gives it, with the page's
    ``[tool.mutmut]`` added to its pyproject.toml: what the page tells a plugin author to run."""
    assert target.tutorial is not None
    page = (ROOT / target.tutorial).read_text("utf-8")
    for block in FILE_BLOCK.finditer(page):
        path = work / block["path"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(block["body"], "utf-8")
    config = MUTMUT_BLOCK.search(page)
    if config is None or not (work / "pyproject.toml").exists():
        raise SystemExit(f"{target.tutorial}: no pyproject.toml file block or [tool.mutmut] block")
    with (work / "pyproject.toml").open("a", encoding="utf-8") as pyproject:
        pyproject.write("\n" + config["body"])
    return work


def prepare(target: Target) -> Path:
    """A fresh copy of what the target's run needs, under ``.mutation/<name>``: ``src`` (with
    the bundled plugins' packages beside cadrecore, so that mutmut's copy holds them and no
    installed copy is imported), the tests, the target's plugins' tests, and pyproject.toml
    with the target's ``[tool.mutmut]``."""
    work = WORK / target.name
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    if target.tutorial:
        return prepare_tutorial(target, work)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis")
    shutil.copytree(ROOT / "src", work / "src", ignore=ignore)
    shutil.copytree(ROOT / "tests", work / "tests", ignore=ignore)
    shutil.copytree(ROOT / "examples", work / "examples", ignore=ignore)  # (the Xinzhou ledger)
    mutate = []
    for path in target.mutate:
        parts = Path(path).parts
        mutate.append(str(Path("src", *parts[parts.index("src") + 1 :])))
    # every bundled plugin's package beside cadrecore (the tests import them by name: the
    # tree's, never an installed copy from another checkout), and the target's plugins' tests
    for source in sorted((ROOT / "plugins").glob("*/src")):
        for package in source.iterdir():
            if package.is_dir() and not package.name.endswith(".egg-info"):
                shutil.copytree(package, work / "src" / package.name, ignore=ignore)
    for plugin in target.plugins:
        if (ROOT / plugin / "tests").exists():
            shutil.copytree(ROOT / plugin / "tests", work / plugin / "tests", ignore=ignore)
    pyproject = (ROOT / "pyproject.toml").read_text("utf-8")
    pyproject += (
        "\n[tool.mutmut]\n"
        'source_paths = ["src"]\n'
        # (mutmut runs the tests in its own copy: the target's plugins' tests go there too)
        f"also_copy = {_toml_list(['examples', *(f'{p}/tests' for p in target.plugins)])}\n"
        f"only_mutate = {_toml_list(mutate)}\n"
        f"pytest_add_cli_args_test_selection = {_toml_list(target.tests)}\n"
        f"do_not_mutate_patterns = [{', '.join(_toml_string(p) for p in target.skip_lines)}]\n"
        "pytest_add_cli_args = "
        + _toml_list(["-p", "no:randomly", "-q", *(f"--deselect={t}" for t in target.deselect)])
        + "\n"
    )
    (work / "pyproject.toml").write_text(pyproject, "utf-8")
    return work


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)  # mutmut puts its copy first; nothing of the tree may shadow it
    env["CADRECORE_LOAD_PLUGINS"] = ""  # (the tests register the plugins they use)
    env.pop("CADRECORE_DISABLE_PLUGINS", None)
    env["CADRECORE_CACHE_DIR"] = env.get("CADRECORE_CACHE_DIR", str(WORK / "cache"))
    return env


def mutmut(work: Path, *args: str, check: bool = True) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "mutmut", *args],
        cwd=work,
        env=_env(),
        capture_output=True,
        text=True,
    )
    if check and done.returncode != 0:
        sys.stdout.write(done.stdout[-4000:] + done.stderr[-4000:])
        raise SystemExit(f"mutmut {' '.join(args)} failed in {work}")
    return done.stdout


_RESULT = re.compile(r"^\s*(\S+): (.+?)\s*$")


def change_of(work: Path, mutant: str) -> str:
    """What ``mutant`` changes, as its diff's removed and added lines (stripped), ``-a | +b``."""
    diff = mutmut(work, "show", mutant, check=False)
    lines = [
        line[0] + line[1:].strip()
        for line in diff.splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    return " | ".join(lines)


def function_of(mutant: str) -> str:
    """``cadrecore.calendar.xǁPeriodǁquarter__mutmut_7`` -> ``Period.quarter``."""
    name = mutant.rsplit(".", 1)[-1]
    name = re.sub(r"__mutmut_\d+$", "", name)
    name = name.removeprefix("x_").removeprefix("xǁ")
    return name.replace("ǁ", ".")


def run_target(target: Target, children: int, *, again: bool = False) -> list[Result]:
    """Run ``target``'s mutants and read their results (``again``: only read those of the
    last run, left in ``.mutation/<target>``)."""
    work = WORK / target.name
    print(f"== {target.name}: {', '.join(target.modules())} ({len(target.tests)} test files)")
    sys.stdout.flush()
    failed = False
    if again:
        if not (work / "mutants").exists():
            raise SystemExit(f"{target.name}: no run to read in {work}; run it first")
    else:
        work = prepare(target)
        done = subprocess.run(
            [sys.executable, "-m", "mutmut", "run", "--max-children", str(children)],
            cwd=work,
            env=_env(),
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:  # (the tests failed before any mutant, say: say why)
            tail = (done.stdout + done.stderr).replace("\r", "\n").splitlines()[-15:]
            print("    mutmut run failed:\n      " + "\n      ".join(tail))
            failed = True
    results = {module: Result(module, run_failed=failed) for module in target.modules()}
    if not (work / "mutants").exists():  # (nothing to read: fail loudly, not 0 of 0)
        return list(results.values())
    for line in mutmut(work, "results", "--all", "true").splitlines():
        found = _RESULT.match(line)
        if not found:
            continue
        mutant, status = found.groups()
        module = mutant.split(".x_")[0].split(".xǁ")[0]
        result = results.get(module)
        if result is None or status in NOT_COUNTED:
            continue
        result.total += 1
        if status in KILLED:
            result.killed += 1
        else:
            result.survivors.append((mutant, status, change_of(work, mutant)))
    return list(results.values())


# ---------------------------------------------------------------------------------------------
# Survivors: listed with a reason, or new
# ---------------------------------------------------------------------------------------------


def _key(module: str, function: str, change: str) -> tuple[str, str, str]:
    return module, function, " ".join(change.split())


def judge(
    target: Target, results: list[Result], listed: list[Survivor]
) -> tuple[bool, list[Survivor]]:
    """Print each module's score and its survivors; whether all pass, and the survivors not
    listed (to record)."""
    known: dict[tuple[str, str, str], list[Survivor]] = {}
    for survivor in listed:
        known.setdefault(_key(survivor.module, survivor.function, survivor.change), []).append(
            survivor
        )
    passed = True
    new: list[Survivor] = []
    for result in results:
        unlisted = []
        unexplained = 0
        pool = {key: list(items) for key, items in known.items()}
        for mutant, status, change in result.survivors:
            key = _key(result.module, function_of(mutant), change)
            if pool.get(key):
                if not pool[key].pop().reason.strip():
                    unexplained += 1
            else:
                unlisted.append((mutant, status, change))
        ok = (
            result.total > 0
            and not result.run_failed
            and result.score >= target.threshold
            and not unlisted
            and not unexplained
        )
        passed &= ok
        listing = (
            "the run failed"
            if result.run_failed
            else f"{len(result.survivors) - len(unlisted)} survivors listed, {len(unlisted)} new"
        )
        print(
            f"{result.module:45} {result.killed:4d}/{result.total:<4d} killed  "
            f"{result.score:6.1%}  (threshold {target.threshold:.0%}; {listing})"
            f"  {'ok' if ok else 'FAIL'}"
        )
        if result.run_failed:
            print("    the run failed (above): no score stands")
        elif not result.total:
            print("    no mutant was checked: nothing was tested")
        if unexplained:
            print(f"    {unexplained} listed survivor(s) without a reason")
        for (module, function, change), items in sorted(pool.items()):
            if module == result.module and result.total and not result.run_failed:
                for _ in items:  # (listed, but the tests kill it now: take it off the list)
                    print(f"    listed, no longer survives: {function}: {change}")
        if result.run_failed:  # (its mutants were not checked: nothing to list or record)
            continue
        for mutant, status, change in unlisted:
            print(f"    new survivor ({status}) {mutant}: {change}")
            new.append(Survivor(result.module, function_of(mutant), change, ""))
    return passed, new


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def record(new: list[Survivor]) -> None:
    """Append ``new`` survivors to the survivors file, each with an empty reason to write."""
    with SURVIVORS_FILE.open("a", encoding="utf-8") as out:
        for survivor in new:
            out.write(
                "\n[[survivor]]\n"
                f"module = {_toml_string(survivor.module)}\n"
                f"function = {_toml_string(survivor.function)}\n"
                f"change = {_toml_string(survivor.change)}\n"
                'reason = ""\n'
            )
    print(f"{len(new)} survivor(s) added to {SURVIVORS_FILE.relative_to(ROOT)}: give each a reason")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("targets", nargs="*", help="targets of tests/mutation.toml (default: all)")
    parser.add_argument(
        "--changed",
        nargs="?",
        const="",
        metavar="BASE",
        help="only the targets the change since the merge base with BASE (origin/main) touches",
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=float(os.environ.get("CADRECORE_MUTATION_BUDGET", "20")),
        metavar="MINUTES",
        help="with --changed: the minutes the targets run for other reasons than a change to "
        "their modules may take (default 20, or $CADRECORE_MUTATION_BUDGET)",
    )
    parser.add_argument(
        "--list", action="store_true", help="list the targets (that would run) and stop"
    )
    parser.add_argument("--record", action="store_true", help="add new survivors to the file")
    parser.add_argument("--jobs", type=int, default=2, help="mutants tested at once (default: 2)")
    parser.add_argument(
        "--again",
        action="store_true",
        help="judge the last run's results again (after editing the survivors file), no run",
    )
    args = parser.parse_args(argv)
    targets = load_targets()
    unknown = [name for name in args.targets if name not in targets]
    if unknown:
        print(f"unknown target(s): {', '.join(unknown)}; see --list", file=sys.stderr)
        return 2
    chosen = args.targets or list(targets)
    if args.changed is not None:
        files, since = changed_files(args.changed or None)
        why = {k: v for k, v in touched(targets, files, since).items() if k in chosen}
        chosen, left = within_budget(targets, why, args.budget)
        print(
            f"changed: {len(files)} file(s) since {since[:10] if since else 'nothing (every file)'}"
            f"; targets: {', '.join(f'{n} ({why[n]})' for n in chosen) or 'none'}"
        )
        if left:
            print(
                f"left out, over the {args.budget:g}-minute budget: "
                + ", ".join(f"{n} ({why[n]}, ~{targets[n].minutes:g} min)" for n in left)
            )
    if args.list:  # (with --changed: those it would run)
        for name in chosen:
            target = targets[name]
            print(
                f"{name:16} {target.threshold:.0%}  ~{target.minutes:g} min  "
                f"{' '.join(target.mutate)}"
            )
            print(f"{'':16}       tests: {' '.join(target.tests)}")
        return 0
    listed = load_survivors()
    passed = True
    new: list[Survivor] = []
    for name in chosen:
        ok, found = judge(
            targets[name], run_target(targets[name], args.jobs, again=args.again), listed
        )
        passed &= ok
        new += found
    if args.record and new:
        record(new)
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
