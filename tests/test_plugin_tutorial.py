"""The plugin tutorial (docs/plugin-tutorial.md and docs/zh/plugin-tutorial.md) works as written.

Convention: every file of the tutorial's plugin is a fenced code block whose first line is
``# file: <path relative to the plugin folder>``; that line is not part of the file. Python
files are fenced as ```` ```py ```` (still highlighted as Python), so that tests/test_docs.py,
which runs ```` ```python ```` blocks from the repository, leaves them to this test; the
pyproject is fenced as ```` ```toml ````. A page may hold other blocks (shell sessions, CSV), which
are not files.

For each page, this test writes the files into an empty folder; checks that the pyproject's
``cadrecore`` entry point names the plugin's module; imports the plugin from the folder and runs
the conformance check on it; runs the tutorial's own tests with pytest in a subprocess; checks
the line count the text states; "installs" the plugin as a wheel would (the package and a
``.dist-info`` with its entry points, on a path of its own: nothing is added to the
environment) and checks that ``cadrecore plugins`` lists it as the page shows; and it installs the
folder for real, as a wheel built by hatchling (``pip install --no-build-isolation --no-deps
--target``: hatchling is in the ``test`` extra, so CI has it; no skip), and checks the same.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from cadrecore.testing import assert_plugin_conforms

ROOT = Path(__file__).resolve().parent.parent
PAGES = {
    "en": ROOT / "docs" / "plugin-tutorial.md",
    "zh": ROOT / "docs" / "zh" / "plugin-tutorial.md",
}
FILE_BLOCK = re.compile(
    r"^```(?P<lang>[\w-]+)\n# file: (?P<path>\S+)\n(?P<body>.*?)^```\s*$", re.M | re.S
)
PLUGIN_FILE = "cadrecore_checkup/__init__.py"
TEST_FILE = "tests/test_checkup.py"
BOUNDARY_FILE = "tests/test_boundaries.py"  # (section 9, with the mutation testing)


def tutorial_files(page: Path) -> dict[str, str]:
    """The files a tutorial page holds, by path."""
    files: dict[str, str] = {}
    for match in FILE_BLOCK.finditer(page.read_text(encoding="utf-8")):
        assert match["path"] not in files, f"{page.name}: {match['path']} is given twice"
        files[match["path"]] = match["body"]
    return files


def write_files(files: dict[str, str], folder: Path) -> Path:
    for relative, body in files.items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body, encoding="utf-8")
    return folder


def entry_points(files: dict[str, str]) -> dict[str, str]:
    project = tomllib.loads(files["pyproject.toml"])["project"]
    found: dict[str, str] = project["entry-points"]["cadrecore"]
    return found


def subprocess_env(*paths: Path, load: str = "") -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([*map(str, paths), env.get("PYTHONPATH", "")]).rstrip(
        os.pathsep
    )
    env["CADRECORE_LOAD_PLUGINS"] = load
    env.pop("CADRECORE_DISABLE_PLUGINS", None)
    return env


def cadrecore_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from cadrecore.cli import main; main()", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


@pytest.fixture(params=sorted(PAGES), ids=sorted(PAGES))
def page(request: pytest.FixtureRequest) -> Path:
    return PAGES[request.param]


@pytest.fixture
def files(page: Path) -> dict[str, str]:
    return tutorial_files(page)


@pytest.fixture
def plugin_folder(files: dict[str, str], tmp_path: Path) -> Path:
    return write_files(files, tmp_path / "cadrecore-checkup")


@pytest.fixture
def imported(plugin_folder: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """The tutorial's plugin module, imported from the folder it was written to."""
    monkeypatch.syspath_prepend(str(plugin_folder))
    sys.modules.pop("cadrecore_checkup", None)
    module = importlib.import_module("cadrecore_checkup")
    assert Path(str(module.__file__)).is_relative_to(plugin_folder)
    yield module
    sys.modules.pop("cadrecore_checkup", None)


def test_both_pages_hold_the_same_four_files() -> None:
    english, chinese = (tutorial_files(PAGES[lang]) for lang in ("en", "zh"))
    assert set(english) == {"pyproject.toml", PLUGIN_FILE, TEST_FILE, BOUNDARY_FILE}
    assert english == chinese


def test_the_entry_point_names_the_plugin_module(files: dict[str, str]) -> None:
    assert entry_points(files) == {"checkup": "cadrecore_checkup"}
    module = entry_points(files)["checkup"]
    assert f"{module.replace('.', '/')}/__init__.py" in files
    build = tomllib.loads(files["pyproject.toml"])["build-system"]
    assert build["build-backend"] == "hatchling.build"


def test_the_page_states_the_plugins_length(page: Path, files: dict[str, str]) -> None:
    lines = files[PLUGIN_FILE].splitlines()
    code = sum(1 for line in lines if line.strip())
    text = " ".join(page.read_text(encoding="utf-8").split())
    if page == PAGES["en"]:
        assert f"{len(lines)} lines, {code} lines of code" in text
    else:
        assert f"插件共 {len(lines)} 行，去掉空行为 {code} 行代码" in text
    assert 30 <= code <= 45  # "about 40 lines"


def test_the_plugin_imports_from_the_folder_and_conforms(imported: object) -> None:
    for hook in ("register_service_types", "register_parameters", "register_rules"):
        assert callable(getattr(imported, hook))
    assert_plugin_conforms(imported, "checkup")


def test_the_tutorials_own_tests_pass(plugin_folder: Path, files: dict[str, str]) -> None:
    expected = sum(files[name].count("\ndef test_") for name in (TEST_FILE, BOUNDARY_FILE))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=plugin_folder,
        capture_output=True,
        text=True,
        env=subprocess_env(plugin_folder),
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{expected} passed" in result.stdout


def install_like_a_wheel(files: dict[str, str], site: Path) -> Path:
    """What installing the wheel puts on a path: the package, and a .dist-info whose
    ``entry_points.txt`` carries the pyproject's entry points (importlib.metadata reads it)."""
    project = tomllib.loads(files["pyproject.toml"])["project"]
    write_files({k: v for k, v in files.items() if k.startswith("cadrecore_checkup/")}, site)
    name, version = project["name"], project["version"]
    info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8"
    )
    groups = "".join(
        f"[{group}]\n" + "".join(f"{k} = {v}\n" for k, v in entries.items())
        for group, entries in project["entry-points"].items()
    )
    (info / "entry_points.txt").write_text(groups, encoding="utf-8")
    return site


def shown_plugins_block(page: Path) -> list[str]:
    """The lines the page shows for the plugin in its ``$ cadrecore plugins`` session."""
    text = page.read_text(encoding="utf-8")
    session = text[text.index("$ cadrecore plugins") :]
    session = session[: session.index("```")]
    lines = session.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("checkup "))
    return lines[start:]


def check_cadrecore_plugins_lists_it(page: Path, site: Path, version: str) -> None:
    env = subprocess_env(site, load="checkup")
    text = cadrecore_cli("plugins", env=env)
    assert text.returncode == 0, text.stderr
    shown = shown_plugins_block(page)
    lines = text.stdout.splitlines()
    start = lines.index(f"checkup {version}")
    assert lines[start : start + len(shown)] == shown
    listed = cadrecore_cli("plugins", "--format", "json", env=env)
    data = json.loads(listed.stdout)
    assert data["failed"] == []
    (checkup,) = [p for p in data["plugins"] if p["name"] == "checkup"]
    assert checkup["version"] == version
    assert checkup["registered"] == {
        "service_types": ["checkup.yearly"],
        "rules": ["checkup::yearly"],
        "parameters": ["checkup.min_age"],
    }


def test_installed_it_shows_in_cadrecore_plugins(
    page: Path, files: dict[str, str], tmp_path: Path
) -> None:
    site = install_like_a_wheel(files, tmp_path / "site")
    version = tomllib.loads(files["pyproject.toml"])["project"]["version"]
    check_cadrecore_plugins_lists_it(page, site, version)


def test_pip_installs_it_for_real_into_a_folder_of_its_own(
    page: Path, plugin_folder: Path, files: dict[str, str], tmp_path: Path
) -> None:
    site = tmp_path / "pip-target"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-build-isolation",
            "--no-deps",
            "--no-index",
            "--target",
            str(site),
            str(plugin_folder),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    version = tomllib.loads(files["pyproject.toml"])["project"]["version"]
    check_cadrecore_plugins_lists_it(page, site, version)
