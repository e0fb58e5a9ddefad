"""The layers hold (issue #27): the contracts in ``pyproject.toml`` ``[tool.importlinter]`` are
kept, they count the imports made inside functions, the plugins' contract names every module
that is not public, and the diagram in ``docs/architecture.md`` (and its Chinese twin) is the
one the layers contract draws.

``lint-imports`` runs the same contracts in CI (``.ci/run``); this test makes ``pytest`` fail too.
"""

from __future__ import annotations

import re
import sys
import textwrap
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grimp
import pytest
from importlinter import api
from importlinter.application import use_cases

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
ARCHITECTURE = (ROOT / "docs" / "architecture.md", ROOT / "docs" / "zh" / "architecture.md")

#: What a department plugin may import: the package and the documented modules (the API
#: reference, docs/reference/api/). A package listed is public as a package, not its modules.
PUBLIC_API = frozenset(
    {
        "cadrecore",
        "cadrecore.calendar",
        "cadrecore.errors",
        "cadrecore.hookspecs",
        "cadrecore.i18n",
        "cadrecore.ledger",
        "cadrecore.models",
        "cadrecore.plugins",
        "cadrecore.registry",
        "cadrecore.reports",  # the package (empty): what a plugin imports is reports.sections
        "cadrecore.reports.sections",
        "cadrecore.rules",
        "cadrecore.services",
        "cadrecore.store",
        "cadrecore.strategies",
        "cadrecore.testing",
    }
)


def importlinter_settings() -> dict[str, Any]:
    settings: dict[str, Any] = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"][
        "importlinter"
    ]
    return settings


def contract(contract_id: str) -> dict[str, Any]:
    found = [c for c in importlinter_settings()["contracts"] if c.get("id") == contract_id]
    assert len(found) == 1, contract_id
    chosen: dict[str, Any] = found[0]
    return chosen


def lint(config: Path, capsys: pytest.CaptureFixture[str]) -> tuple[bool, str]:
    """import-linter's verdict on the contracts of ``config``, and what it printed."""
    assert api  # (importing it sets import-linter up, as its command line does)
    kept = use_cases.lint_imports(config_filename=str(config), cache_dir=None, no_logo=True)
    return kept, capsys.readouterr().out


def test_the_contracts_are_kept(capsys: pytest.CaptureFixture[str]) -> None:
    kept, printed = lint(PYPROJECT, capsys)
    assert kept, printed
    count = len(importlinter_settings()["contracts"])
    assert f"Contracts: {count} kept, 0 broken." in printed


# ---------------------------------------------------------------------------------------------
# What counts: an import inside a function does; one under `if TYPE_CHECKING:` does not
# ---------------------------------------------------------------------------------------------


def _package(tmp_path: Path, low: str) -> Path:
    """A package ``layered`` of two modules, ``high`` importing ``low``, whose ``low`` is
    given; and a contract that ``high`` is above ``low``."""
    package = tmp_path / "layered"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "high.py").write_text("from . import low\n")
    (package / "low.py").write_text(textwrap.dedent(low))
    config = tmp_path / "contracts.toml"
    config.write_text(
        textwrap.dedent("""\
            [tool.importlinter]
            root_packages = ["layered"]
            exclude_type_checking_imports = true

            [[tool.importlinter.contracts]]
            name = "high above low"
            type = "layers"
            containers = ["layered"]
            layers = ["high", "low"]
            """)
    )
    return config


@pytest.fixture
def on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    for name in [m for m in sys.modules if m == "layered" or m.startswith("layered.")]:
        del sys.modules[name]


def test_an_import_inside_a_function_breaks_the_layers(
    on_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _package(
        on_path,
        """\
        def late():
            from . import high  # a late import that reaches up: a loop in disguise

            return high
        """,
    )
    kept, printed = lint(config, capsys)
    assert not kept
    assert "layered.low -> layered.high (l.2)" in printed


def test_an_import_for_type_checkers_only_does_not(
    on_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _package(
        on_path,
        """\
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from .high import Something
        """,
    )
    kept, printed = lint(config, capsys)
    assert kept, printed


# ---------------------------------------------------------------------------------------------
# The plugins' contract: everything but the public API is forbidden to them
# ---------------------------------------------------------------------------------------------


def _covered(expression: str, module: str) -> bool:
    """Whether the forbidden ``expression`` (a module, or ``package.*``: its children) covers
    ``module``; a module covers its descendants too (import-linter's ``as_packages``)."""
    if expression.endswith(".*"):
        parent = expression[:-2]
        return module.startswith(parent + ".")
    return module == expression or module.startswith(expression + ".")


def test_the_plugins_contract_forbids_exactly_what_is_not_public() -> None:
    forbidden = contract("plugins-public-api")["forbidden_modules"]
    modules = grimp.build_graph("cadrecore", cache_dir=None).modules
    uncovered = sorted(
        m for m in modules if m not in PUBLIC_API and not any(_covered(e, m) for e in forbidden)
    )
    assert uncovered == [], (
        "modules a department plugin may import though they are not public: forbid them in "
        f"[tool.importlinter] plugins-public-api (or document them): {uncovered}"
    )
    public_forbidden = sorted(m for m in PUBLIC_API if any(_covered(e, m) for e in forbidden))
    assert public_forbidden == []


def test_the_plugins_are_the_ones_in_the_repository() -> None:
    packages = sorted(p.name for p in ROOT.glob("plugins/*/src/*") if (p / "__init__.py").exists())
    assert contract("plugins-public-api")["source_modules"] == packages
    assert contract("plugins-apart")["modules"] == packages
    roots = importlinter_settings()["root_packages"]
    assert roots == ["cadrecore", *packages]


# ---------------------------------------------------------------------------------------------
# The picture: docs/architecture.md opens with the layers as the contract states them
# ---------------------------------------------------------------------------------------------

MERMAID = re.compile(r"^```mermaid\n(.*?)^```", re.S | re.M)


def layer_modules(layer: str) -> tuple[list[str], bool]:
    """A layer of the contract: its modules, and whether they must not import each other."""
    apart = "|" in layer
    return [m.strip() for m in re.split(r"[|:]", layer)], apart


def expected_diagram() -> str:
    """The mermaid diagram of the layers contract, highest layer first, an arrow meaning "may
    import": what ``docs/architecture.md`` and its Chinese twin must open with."""
    layers = contract("layers")["layers"]
    lines = ["flowchart TB"]
    for number, layer in enumerate(layers, start=1):
        modules, apart = layer_modules(layer)
        label = " · ".join(modules) + (" (apart)" if apart else "")
        lines.append(f'    L{number}["{label}"]')
    for number in range(1, len(layers)):
        lines.append(f"    L{number} --> L{number + 1}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("page", ARCHITECTURE, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_architecture_page_opens_with_the_layers_of_the_contract(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    first = MERMAID.search(text)
    assert first is not None, f"{page.name}: no mermaid diagram"
    assert first.group(1) == expected_diagram(), (
        f"{page.relative_to(ROOT)}: the first diagram is not the layers contract's; it should "
        f"read:\n```mermaid\n{expected_diagram()}```"
    )
    before = text[: first.start()]
    assert before.count("\n## ") <= 1, "the layers come first on the page"


def test_every_module_of_the_package_is_in_a_layer() -> None:
    named = {m for layer in contract("layers")["layers"] for m in layer_modules(layer)[0]}
    children = {
        m.split(".")[1]
        for m in grimp.build_graph("cadrecore", cache_dir=None).modules
        if m.count(".") >= 1
    }
    assert named == children
