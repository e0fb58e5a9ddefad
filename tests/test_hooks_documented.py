"""Docs that cannot drift: every hook has a heading in docs/hooks.md that is its exact
signature, and every such heading names a hook (as datasette does)."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from cadrecore import hookspecs

DOC = Path(__file__).resolve().parent.parent / "docs" / "hooks.md"


def hook_signatures() -> dict[str, str]:
    found = {}
    for name, function in inspect.getmembers(hookspecs, inspect.isfunction):
        if hasattr(function, "cadrecore_spec"):
            params = ", ".join(inspect.signature(function).parameters)
            found[name] = f"{name}({params})"
    return found


def documented() -> list[str]:
    return re.findall(r"^### (\w+\([^)]*\))\s*$", DOC.read_text(encoding="utf-8"), re.M)


def test_there_are_hooks() -> None:
    assert len(hook_signatures()) >= 11


def test_every_hook_is_documented_under_its_signature() -> None:
    headings = set(documented())
    missing = sorted(sig for sig in hook_signatures().values() if sig not in headings)
    assert not missing, (
        f"undocumented hooks (add a '### signature' heading to docs/hooks.md): {missing}"
    )


def test_every_documented_hook_exists() -> None:
    signatures = set(hook_signatures().values())
    stale = sorted(h for h in documented() if h not in signatures)
    assert not stale, f"docs/hooks.md documents hooks that do not exist: {stale}"


def test_every_hookspec_has_a_docstring_with_a_first_imperative_line() -> None:
    for name, function in inspect.getmembers(hookspecs, inspect.isfunction):
        if hasattr(function, "cadrecore_spec"):
            doc = inspect.getdoc(function) or ""
            assert doc and doc.splitlines()[0].endswith("."), name
