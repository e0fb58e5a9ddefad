"""`cadrecore plugins` is served from a cache of its last complete listing while nothing the
listing was made from has changed (see ``cadrecore.plugin_cache``).

Every test points the cache at its own ``tmp_path``: the user's cache is never read or
written. Whether a run used the cache is told by whether the plugins were described afresh
(``_describe_plugins`` is counted), never by its time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import cadrecore
import cadrecore.plugin_manager
import cadrecore.plugins
from cadrecore import cli, plugin_cache
from cadrecore.errors import CadrecoreError
from cadrecore.plugins import PluginInfo

runner = CliRunner()

DEPARTMENTS = "art_academy,medicine_kits,family_doctor,order_service"
FORMATS = [(), ("--format", "json"), ("--format=json",), ("--format", "text")]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The cache folder of this test; the department plugins are the installed ones."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("CADRECORE_CACHE_DIR", str(folder))
    monkeypatch.setenv("CADRECORE_LOAD_PLUGINS", DEPARTMENTS)
    for name in ("CADRECORE_DISABLE_PLUGINS", "CADRECORE_TRACE_PLUGINS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(cadrecore.plugin_manager, "_default_pm", None)
    return folder


@pytest.fixture
def described(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times the plugins were loaded and described (a run that missed the cache)."""
    calls: list[int] = []
    original = cadrecore.plugins._describe_plugins

    def counting(pm: Any) -> tuple[list[PluginInfo], bool]:
        calls.append(1)
        return original(pm)

    monkeypatch.setattr(cadrecore.plugins, "_describe_plugins", counting)
    return calls


def invoke(*args: str) -> str:
    """``cadrecore plugins ARGS`` through Typer, as a fresh process would run it."""
    try:
        result = runner.invoke(cli.app, ["plugins", *args])
    finally:
        cadrecore.plugin_manager._default_pm = None  # the next run starts without a manager too
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture
def run_main(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., str]:
    """``cadrecore ARGS`` through the script's entry point, ``cli.main``: its standard output."""

    def run(*args: str) -> str:
        monkeypatch.setattr(sys, "argv", ["cadrecore", *args])
        capsys.readouterr()
        try:
            cli.main()
        except SystemExit as exc:
            assert exc.code in (0, None)
        finally:
            cadrecore.plugin_manager._default_pm = None
        return capsys.readouterr().out

    return run


def fresh(monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    """The listing made from the plugins themselves, the cache turned off."""
    with monkeypatch.context() as patch:
        patch.setenv("CADRECORE_CACHE_DIR", "off")
        return invoke(*args)


def cache_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("plugins-*.json")) if folder.exists() else []


# =============================================================================================
# The cached listing is the listing
# =============================================================================================


@pytest.mark.parametrize("args", FORMATS, ids=" ".join)
def test_the_cached_listing_equals_the_fresh_one(
    args: tuple[str, ...], cache: Path, described: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = fresh(monkeypatch, *args)
    assert "art_academy" in expected and "builtin::branch.formation" in expected
    described.clear()
    assert invoke(*args) == expected  # made afresh, and kept
    assert len(described) == 1 and len(cache_files(cache)) == 1
    assert invoke(*args) == expected  # from the cache
    assert len(described) == 1


@pytest.mark.parametrize("args", FORMATS, ids=" ".join)
def test_the_script_prints_the_cached_listing_without_typer(
    args: tuple[str, ...],
    cache: Path,
    described: list[int],
    run_main: Callable[..., str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    expected = fresh(monkeypatch, *args)
    assert run_main("plugins", *args) == expected
    assert len(described) == 2  # the fresh listing, then the first run: nothing kept yet

    def no_typer() -> None:
        raise AssertionError("a cached listing is printed before Typer parses anything")

    monkeypatch.setattr(cli, "app", no_typer)
    assert run_main("plugins", *args) == expected
    assert len(described) == 2


def test_json_from_the_cache_is_the_json_of_the_fresh_listing(
    cache: Path, described: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = json.loads(fresh(monkeypatch, "--format", "json"))
    invoke("--format", "json")
    cached = json.loads(invoke("--format", "json"))
    assert cached == expected and cached["failed"] == []
    assert len(described) == 2


def test_other_command_lines_go_through_typer(
    cache: Path, run_main: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run_main("plugins")  # the cache is filled
    for args in (["plugins", "--format", "xml"], ["plugins", "--help"], ["--help"]):
        assert not cli._plugins_from_cache(args)
    assert cli._plugins_from_cache(["plugins"])


# =============================================================================================
# What invalidates it
# =============================================================================================


def write_plugin(site: Path, module: str, body: str, *, version: str = "1.0") -> None:
    """A plugin package ``module`` in ``site``, installed as pip would: a distribution with
    a ``cadrecore`` entry point."""
    package = site / module
    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text(textwrap.dedent(body), encoding="utf-8")
    for old in site.glob(f"{module}-*.dist-info"):
        for file in old.iterdir():
            file.unlink()
        old.rmdir()
    info = site / f"{module}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {module}\nVersion: {version}\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(f"[cadrecore]\n{module} = {module}\n", encoding="utf-8")


def branch_plugin(*keys: str) -> str:
    registrations = "".join(
        f"    register(BranchType(key={key!r}, label=Text({key!r}, {key!r})))\n" for key in keys
    )
    return (
        "from cadrecore import BranchType, Text, hookimpl\n\n\n@hookimpl\n"
        "def register_branch_types(register):\n" + registrations
    )


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache: Path) -> Iterator[Path]:
    """A site folder on ``sys.path`` where the tests install their plugins."""
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    before = set(sys.modules)
    yield folder
    for name in set(sys.modules) - before:
        if name.startswith("tmpplug"):
            del sys.modules[name]


def reinstalled(module: str) -> None:
    """Forget what this process imported of ``module``, as a new process would."""
    import importlib

    sys.modules.pop(module, None)
    importlib.invalidate_caches()


def test_editing_a_plugins_file_invalidates_the_cache(
    site: Path, described: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CADRECORE_LOAD_PLUGINS", "tmpplug_edit")
    write_plugin(site, "tmpplug_edit", branch_plugin("edit.one"))
    reinstalled("tmpplug_edit")
    assert "branch_types: edit.one\n" in invoke()
    assert "branch_types: edit.one\n" in invoke()
    assert len(described) == 1

    init = site / "tmpplug_edit" / "__init__.py"
    init.write_text(branch_plugin("edit.one", "edit.two"), encoding="utf-8")
    stamp = init.stat().st_mtime_ns + 2_000_000_000  # a later time, on any file system
    os.utime(init, ns=(stamp, stamp))
    reinstalled("tmpplug_edit")
    assert "branch_types: edit.one, edit.two\n" in invoke()
    assert len(described) == 2
    assert invoke().count("edit.two") == 1
    assert len(described) == 2


def test_touching_a_plugins_file_invalidates_the_cache(
    site: Path, described: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CADRECORE_LOAD_PLUGINS", "tmpplug_touch")
    write_plugin(site, "tmpplug_touch", branch_plugin("touch.one"))
    reinstalled("tmpplug_touch")
    invoke()
    invoke()
    assert len(described) == 1
    init = site / "tmpplug_touch" / "__init__.py"
    stamp = init.stat().st_mtime_ns + 2_000_000_000
    os.utime(init, ns=(stamp, stamp))
    invoke()
    assert len(described) == 2
    (site / "tmpplug_touch" / "helpers.py").write_text("X = 1\n", encoding="utf-8")  # a new file
    invoke()
    assert len(described) == 3


def test_installing_upgrading_and_removing_a_plugin_invalidate_the_cache(
    site: Path, described: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CADRECORE_LOAD_PLUGINS", f"{DEPARTMENTS},tmpplug_new")
    before = invoke()
    assert "tmpplug_new" not in before
    invoke()
    assert len(described) == 1

    write_plugin(site, "tmpplug_new", branch_plugin("new.one"))
    reinstalled("tmpplug_new")
    assert "tmpplug_new 1.0\n  branch_types: new.one\n" in invoke()
    assert len(described) == 2

    write_plugin(site, "tmpplug_new", branch_plugin("new.one"), version="2.0")
    reinstalled("tmpplug_new")
    assert "tmpplug_new 2.0\n" in invoke()
    assert len(described) == 3

    for file in (site / "tmpplug_new-2.0.dist-info").iterdir():
        file.unlink()
    (site / "tmpplug_new-2.0.dist-info").rmdir()
    reinstalled("tmpplug_new")
    assert invoke() == before
    assert len(described) == 4


def test_a_changed_entry_point_invalidates_the_cache(
    site: Path, described: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CADRECORE_LOAD_PLUGINS", "tmpplug_ep,renamed")
    write_plugin(site, "tmpplug_ep", branch_plugin("ep.one"))
    reinstalled("tmpplug_ep")
    assert "tmpplug_ep 1.0\n" in invoke()
    invoke()
    assert len(described) == 1
    points = site / "tmpplug_ep-1.0.dist-info" / "entry_points.txt"
    points.write_text("[cadrecore]\nrenamed = tmpplug_ep\n", encoding="utf-8")
    listed = invoke()
    assert "renamed 1.0\n" in listed and "tmpplug_ep" not in listed
    assert len(described) == 2


def test_the_settings_that_choose_plugins_are_part_of_the_fingerprint(
    cache: Path, described: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    everything = invoke()
    monkeypatch.setenv("CADRECORE_DISABLE_PLUGINS", "art_academy")
    without = invoke()
    assert "art_academy" in everything and "art_academy" not in without
    monkeypatch.setenv("CADRECORE_PLUGIN_TIMEOUT", "off")
    assert invoke() == without
    assert len(described) == 3
    monkeypatch.delenv("CADRECORE_PLUGIN_TIMEOUT")
    monkeypatch.delenv("CADRECORE_DISABLE_PLUGINS")
    assert invoke() == everything
    assert len(described) == 3


def test_the_fingerprint_sees_python_cadrecore_and_the_installed_distributions(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken = plugin_cache.fingerprint()
    assert plugin_cache.fingerprint() == taken
    assert taken["python"][0] == sys.version
    assert taken["cadrecore"] == cadrecore.__version__
    assert taken["settings"]["CADRECORE_LOAD_PLUGINS"] == DEPARTMENTS
    packages = {package[0] for package in taken["packages"]}
    assert {"cadrecore", "cadrecore_art_academy", "cadrecore_order_service"} <= packages
    declared = [name for entry in taken["sys.path"] if len(entry) == 4 for name, _ in entry[3]]
    assert any(name.startswith("cadrecore_art_academy-") for name in declared)
    (cadrecore_files,) = [p for p in taken["packages"] if p[0] == "cadrecore"]
    files = {file[0] for place in cadrecore_files[1] for file in place[1]}
    assert "plugins.py" in files and "builtin/parameters.yaml" in files
    assert not any("__pycache__" in name for name in files)


# =============================================================================================
# A cache that cannot be used is ignored
# =============================================================================================


def test_a_corrupt_cache_is_ignored_and_replaced(
    cache: Path, described: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = fresh(monkeypatch)
    invoke()
    (path,) = cache_files(cache)
    good = json.loads(path.read_text(encoding="utf-8"))
    for garbage in (
        "{not json",
        "\xff not UTF-8",
        "[]",
        json.dumps({**good, "plugins": [{"name": 1}]}),
        json.dumps({**good, "plugins": {"a": 1}}),
        json.dumps({**good, "fingerprint": None}),
    ):
        path.write_text(garbage, encoding="latin-1")
        calls = len(described)
        assert invoke() == expected
        assert len(described) == calls + 1
        assert json.loads(path.read_text(encoding="utf-8")) == good  # written anew
    path.write_bytes(b"\xff\xfe\x00garbage")
    assert invoke() == expected


def test_an_unwritable_cache_is_ignored(
    tmp_path: Path, cache: Path, described: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = fresh(monkeypatch)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("CADRECORE_CACHE_DIR", str(blocker / "cache"))
    assert invoke() == expected
    assert invoke() == expected
    assert len(described) == 3
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_a_cache_file_that_is_a_folder_is_ignored(
    cache: Path, described: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = fresh(monkeypatch)
    invoke()
    (path,) = cache_files(cache)
    path.unlink()
    path.mkdir()
    assert invoke() == expected
    assert invoke() == expected
    assert len(described) == 4
    assert not list(cache.glob(".plugins-*"))  # no temporary file is left behind


# =============================================================================================
# Failures are never cached
# =============================================================================================


def test_a_listing_with_a_plugin_that_failed_to_load_is_not_cached(
    site: Path, cache: Path, described: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CADRECORE_LOAD_PLUGINS", "tmpplug_broken")
    write_plugin(site, "tmpplug_broken", "raise RuntimeError('not today')\n")
    reinstalled("tmpplug_broken")
    for _ in range(2):
        data = json.loads(invoke("--format", "json"))
        assert [f["name"] for f in data["failed"]] == ["tmpplug_broken"]
        reinstalled("tmpplug_broken")
    assert len(described) == 2
    assert cache_files(cache) == []


def test_a_listing_with_a_failed_registration_is_not_cached(
    site: Path, cache: Path, described: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CADRECORE_LOAD_PLUGINS", "tmpplug_rules")
    body = "from cadrecore import hookimpl\n\n@hookimpl\ndef register_rules(register):\n"
    write_plugin(site, "tmpplug_rules", body + "    raise RuntimeError('no rules today')\n")
    reinstalled("tmpplug_rules")
    for _ in range(2):
        assert "tmpplug_rules：加载失败：register_rules raised" in invoke()
    assert len(described) == 2
    assert cache_files(cache) == []


def test_a_listing_without_a_rule_book_is_not_cached(
    cache: Path, described: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    import cadrecore.rules.engine

    def clash(pm: object = None) -> None:
        raise CadrecoreError("two plugins registered the rule 'x::y'")

    monkeypatch.setattr(cadrecore.rules.engine, "get_rulebook", clash)
    listed = invoke()
    assert "rules:" not in listed
    invoke()
    assert len(described) == 2
    assert cache_files(cache) == []


# =============================================================================================
# When no cache is used at all
# =============================================================================================


def test_the_cache_can_be_turned_off(
    cache: Path, described: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CADRECORE_CACHE_DIR", "off")
    invoke()
    invoke()
    assert len(described) == 2
    assert not cache.exists()


def test_tracing_the_hooks_bypasses_the_cache(
    cache: Path, described: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    invoke()
    monkeypatch.setenv("CADRECORE_TRACE_PLUGINS", "1")
    assert plugin_cache.ListingCache.open() is None
    invoke()
    assert len(described) == 2


def test_a_plugin_manager_in_use_is_listed_not_the_cache(cache: Path, described: list[int]) -> None:
    everything = invoke()
    invoke()
    assert len(described) == 1
    pm = cadrecore.new_plugin_manager(load_installed=False)
    with cadrecore.using_plugin_manager(pm):
        listed = invoke()
    assert "art_academy" in everything and "art_academy" not in listed
    cadrecore.plugin_manager._default_pm = pm
    try:
        assert plugin_cache.ListingCache.open() is None
    finally:
        cadrecore.plugin_manager._default_pm = None


def test_where_the_cache_lives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CADRECORE_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert plugin_cache.cache_dir() == str(tmp_path / "xdg" / "cadrecore")
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    if sys.platform.startswith("linux"):
        assert plugin_cache.cache_dir() == str(tmp_path / "home" / ".cache" / "cadrecore")
    monkeypatch.setenv("CADRECORE_CACHE_DIR", str(tmp_path / "mine"))
    assert plugin_cache.cache_dir() == str(tmp_path / "mine")
    for off in ("off", "OFF", "none"):
        monkeypatch.setenv("CADRECORE_CACHE_DIR", off)
        assert plugin_cache.cache_dir() is None


# =============================================================================================
# End to end: the installed script
# =============================================================================================


def test_the_script_lists_from_the_cache_in_a_new_process(tmp_path: Path) -> None:
    code = (
        "import sys\nfrom cadrecore.cli import main\ntry:\n    main()\nfinally:\n"
        "    print('loaded' if 'cadrecore.plugins' in sys.modules else 'cached', file=sys.stderr)"
    )
    env = {**os.environ, "CADRECORE_LOAD_PLUGINS": DEPARTMENTS}
    env["CADRECORE_CACHE_DIR"] = str(tmp_path / "cache")
    env.pop("CADRECORE_DISABLE_PLUGINS", None)
    env.pop("CADRECORE_TRACE_PLUGINS", None)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-c", code, "plugins", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done

    first, second = run("--format", "json"), run("--format", "json")
    assert first.stderr.split()[-1] == "loaded" and second.stderr.split()[-1] == "cached"
    assert first.stdout == second.stdout
    assert {p["name"] for p in json.loads(second.stdout)["plugins"]} >= {"art_academy"}
    text = run()
    assert text.stderr.split()[-1] == "cached" and text.stdout.startswith("art_academy ")
