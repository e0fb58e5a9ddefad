"""The Python API reference cannot drift from the code: every public name has a docstring of its
own, and every one is on a page of docs/reference/api/ (a mkdocstrings ``::: path`` directive),
with a Chinese page of the same directives and headings under docs/zh/reference/api/.

A module's public names are its ``__all__``; a module without one (``cadrecore.plugins``, the
hook specifications, ``services``, ``testing``, ``ledger``) exposes what it defines at its top
level under a name without a leading underscore, except type variables and second names for a
class (``S = ServiceState``), which are documented under their own name. The public methods and
properties of each public class count too (those a class defines itself, not pydantic's
``model_*``); an override of a documented method is documented by its base.

The docstrings of a class or function are read at run time and must be the object's own: not a
base class's (a pydantic model without one shows ``BaseModel``'s), not the signature a
dataclass makes up. A constant's docstring is the string literal after its assignment, as
mkdocstrings reads it (found by following the ``from ... import`` chain to where it is
assigned). Python code blocks in these docstrings run.
"""

from __future__ import annotations

import ast
import dataclasses
import enum
import functools
import importlib
import importlib.util
import inspect
import re
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

import pydantic
import pytest

ROOT = Path(__file__).resolve().parent.parent
API = ROOT / "docs" / "reference" / "api"
API_ZH = ROOT / "docs" / "zh" / "reference" / "api"

#: The modules whose public names the reference documents (issue #22).
MODULES = (
    "cadrecore",
    "cadrecore.models",
    "cadrecore.ledger",
    "cadrecore.rules",
    "cadrecore.plugins",
    "cadrecore.hookspecs",
    "cadrecore.services",
    "cadrecore.store",
    "cadrecore.testing",
    "cadrecore.strategies",
    "cadrecore.reports.sections",
)
DIRECTIVE = re.compile(r"^::: ([\w.]+)\s*$", re.M)
HEADING = re.compile(r"^(#{1,6}) ", re.M)
CODE = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


# ---------------------------------------------------------------------------------------------
# Where a name is defined, read from the source as mkdocstrings (griffe) reads it
# ---------------------------------------------------------------------------------------------


@functools.cache
def _tree(module: str) -> ast.Module:
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin is not None, module
    return ast.parse(Path(spec.origin).read_text(encoding="utf-8"))


def _top_level(tree: ast.Module) -> Iterator[ast.stmt]:
    """The module's statements, with those of its ``if`` blocks (``if TYPE_CHECKING:``)."""
    for node in tree.body:
        yield node
        if isinstance(node, ast.If):
            yield from node.body
            yield from node.orelse


def _assigned(node: ast.stmt) -> list[str]:
    if isinstance(node, ast.Assign):
        return [t.id for t in node.targets if isinstance(t, ast.Name)]
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return [node.target.id]
    return []


def _package_of(module: str) -> str:
    spec = importlib.util.find_spec(module)
    assert spec is not None
    return module if spec.submodule_search_locations is not None else module.rpartition(".")[0]


@functools.cache
def definition(module: str, name: str) -> tuple[str, str, str | None]:
    """Where ``module.name`` is assigned or defined: (module, name, the attribute docstring,
    that is the string literal just after an assignment, or None)."""
    body = list(_top_level(_tree(module)))
    for i, node in enumerate(body):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            if node.name == name:
                return module, name, ast.get_docstring(node)
        elif name in _assigned(node):
            after = body[i + 1] if i + 1 < len(body) else None
            doc = None
            if (
                isinstance(after, ast.Expr)
                and isinstance(after.value, ast.Constant)
                and isinstance(after.value.value, str)
            ):
                doc = inspect.cleandoc(after.value.value)
            return module, name, doc
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if (alias.asname or alias.name) == name:
                    base = _package_of(module)
                    for _ in range(node.level - 1):
                        base = base.rpartition(".")[0]
                    source = f"{base}.{node.module}" if node.level else node.module
                    if source is None or source.partition(".")[0] != "cadrecore":
                        return module, name, None  # imported from elsewhere (pluggy...)
                    return definition(source, alias.name)
    # a lazily imported name: the package's _LAZY (or _MODULE_OF) says from where
    package = importlib.import_module(module)
    for table in ("_LAZY", "_MODULE_OF"):
        source = getattr(package, table, {}).get(name)
        if source is not None:
            return definition(f"{module}.{source}", name)
    raise LookupError(f"{module}.{name} is defined nowhere that can be read")


def public_names(module: str) -> list[str]:
    imported = importlib.import_module(module)
    listed = getattr(imported, "__all__", None)
    if listed is not None:
        return list(listed)
    names = []
    for node in _tree(module).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.append(node.name)
        else:
            names += _assigned(node)
    public = []
    for name in names:
        value = getattr(imported, name)
        if name.startswith("_") or isinstance(value, TypeVar):
            continue
        if (inspect.isclass(value) or inspect.isfunction(value)) and value.__name__ != name:
            continue  # a second name for a class documented under its own
        public.append(name)
    return public


def location(value: Any, module: str, name: str) -> tuple[str, str]:
    """What identifies the documented thing: a class or function by where it is defined, any
    other value by the assignment that names it."""
    target = inspect.unwrap(value) if callable(value) else value
    if inspect.isclass(target) or inspect.isfunction(target):
        return target.__module__, target.__qualname__
    defined_in, defined_as, _ = definition(module, name)
    return defined_in, defined_as


def public_objects() -> list[tuple[str, Any, str]]:
    """(``module.name``, the object, its module) for every public name."""
    found = []
    for module in MODULES:
        imported = importlib.import_module(module)
        for name in public_names(module):
            found.append((f"{module}.{name}", getattr(imported, name), module))
    return found


# ---------------------------------------------------------------------------------------------
# Docstrings: the object's own
# ---------------------------------------------------------------------------------------------

#: Members a pydantic model gets from pydantic itself.
PYDANTIC_API = frozenset(dir(pydantic.BaseModel))


def own_docstring(value: Any, module: str, name: str) -> str | None:
    if inspect.isclass(value):
        doc = value.__dict__.get("__doc__")
        if not doc:
            return None
        if dataclasses.is_dataclass(value) and doc.startswith(f"{value.__name__}("):
            return None  # the signature a dataclass makes up for a class without one
        if any(doc == base.__doc__ for base in value.__mro__[1:]):
            return None  # a base class's docstring (pydantic.BaseModel's, Enum's...)
        return doc
    if callable(value) and not isinstance(value, type(pydantic.BaseModel)):
        doc = getattr(value, "__doc__", None)
        if doc and (inspect.isfunction(inspect.unwrap(value)) or hasattr(value, "__wrapped__")):
            return doc
        if doc and type(value).__doc__ != doc:  # a fixture, a cached strategy...
            return doc
    return definition(module, name)[2]  # a constant, a marker, a type alias


def methods(cls: type) -> Iterator[tuple[str, Any]]:
    """The public methods and properties ``cls`` defines itself."""
    for name, member in vars(cls).items():
        if name.startswith("_") or (issubclass(cls, pydantic.BaseModel) and name in PYDANTIC_API):
            continue
        if isinstance(member, property):
            yield name, member.fget
        elif isinstance(member, functools.cached_property):
            yield name, member.func
        elif isinstance(member, classmethod | staticmethod):
            yield name, member.__func__
        elif inspect.isfunction(member):
            yield name, member


def documented_by_a_base(cls: type, name: str) -> bool:
    for base in cls.__mro__[1:]:
        if name in vars(base):
            member = vars(base)[name]
            function = member.fget if isinstance(member, property) else member
            function = getattr(function, "__func__", function)
            return bool((getattr(function, "__doc__", None) or "").strip())
    return False


def undocumented() -> list[str]:
    missing = []
    seen: set[int] = set()
    for path, value, module in public_objects():
        name = path.rpartition(".")[2]
        if not (own_docstring(value, module, name) or "").strip():
            missing.append(path)
        if inspect.isclass(value) and id(value) not in seen:
            seen.add(id(value))
            for method, function in methods(value):
                if issubclass(value, enum.Enum) and method in value.__members__:
                    continue
                if not (function.__doc__ or "").strip() and not documented_by_a_base(value, method):
                    missing.append(f"{path}.{method}")
    return missing


def test_every_public_name_and_method_has_a_docstring_of_its_own() -> None:
    assert undocumented() == []


def test_a_missing_docstring_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check above is not vacuous: without its docstring, a method, a model and a
    dataclass are each reported."""
    from cadrecore.models import Activity
    from cadrecore.reports.sections import Table
    from cadrecore.rules import RuleContext

    monkeypatch.setattr(RuleContext.measure, "__doc__", None)
    monkeypatch.setattr(Activity, "__doc__", None)
    monkeypatch.setattr(Table, "__doc__", "Table(title: Text, columns: tuple)")
    assert {
        "cadrecore.rules.RuleContext.measure",
        "cadrecore.models.Activity",
        "cadrecore.reports.sections.Table",
    } <= set(undocumented())


def test_a_constant_without_its_docstring_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    definition.cache_clear()
    tree = ast.parse("CELL_LIMIT = 3\n\n'''The most cells.'''\nOTHER = 4\n")
    monkeypatch.setitem(globals(), "_tree", lambda module: tree)
    try:
        assert definition("cadrecore.x", "CELL_LIMIT")[2] == "The most cells."
        assert definition("cadrecore.x", "OTHER")[2] is None
    finally:
        monkeypatch.undo()
        definition.cache_clear()


# ---------------------------------------------------------------------------------------------
# The pages: every public name has a directive, in English and in Chinese alike
# ---------------------------------------------------------------------------------------------


def directives(folder: Path) -> dict[str, list[str]]:
    return {
        page.name: DIRECTIVE.findall(page.read_text(encoding="utf-8"))
        for page in sorted(folder.glob("*.md"))
    }


def resolve(path: str) -> tuple[Any, str, str]:
    """The object a directive names, the module it is read from and its name there."""
    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        module = ".".join(parts[:cut])
        try:
            if importlib.util.find_spec(module) is None:
                continue
        except ModuleNotFoundError:
            continue
        value: Any = importlib.import_module(module)
        for attribute in parts[cut:]:
            value = getattr(value, attribute)
        return value, module, parts[cut] if cut < len(parts) else ""
    raise LookupError(path)


def rendered_locations() -> set[tuple[str, str]]:
    found = set()
    for paths in directives(API).values():
        for path in paths:
            value, module, name = resolve(path)
            if path.count(".") - module.count(".") == 1:
                found.add(location(value, module, name))
            else:  # a method or an attribute of a class
                found.add((path, ""))
    return found


def test_every_directive_names_something_real() -> None:
    pages = directives(API)
    assert sum(len(paths) for paths in pages.values()) > 100
    for paths in pages.values():
        for path in paths:
            resolve(path)


def missing_from_reference(rendered: set[tuple[str, str]]) -> list[str]:
    return [
        path
        for path, value, module in public_objects()
        if location(value, module, path.rpartition(".")[2]) not in rendered
    ]


def test_every_public_name_is_in_the_reference() -> None:
    assert missing_from_reference(rendered_locations()) == []


def test_a_name_missing_from_the_reference_is_caught() -> None:
    from cadrecore.rules import RuleContext

    rendered = rendered_locations()
    rendered.discard(location(RuleContext, "cadrecore.rules", "RuleContext"))
    assert missing_from_reference(rendered) == ["cadrecore.rules.RuleContext"]


def test_the_reference_is_in_the_site() -> None:
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for page in sorted(API.glob("*.md")):
        assert f"reference/api/{page.name}" in nav
        assert f"zh/reference/api/{page.name}" in nav


def test_each_page_has_a_chinese_page_with_the_same_directives_and_headings() -> None:
    english, chinese = directives(API), directives(API_ZH)
    assert english.keys() == chinese.keys()
    for name in english:
        assert chinese[name] == english[name], name
        levels = [
            HEADING.findall((folder / name).read_text(encoding="utf-8")) for folder in (API, API_ZH)
        ]
        assert levels[0] == levels[1], name


# ---------------------------------------------------------------------------------------------
# The examples in docstrings run
# ---------------------------------------------------------------------------------------------


def docstring_examples() -> list[tuple[str, str]]:
    examples = []
    seen: set[int] = set()
    for path, value, module in public_objects():
        docs = [(path, own_docstring(value, module, path.rpartition(".")[2]))]
        if inspect.isclass(value) and id(value) not in seen:
            seen.add(id(value))
            docs += [(f"{path}.{m}", f.__doc__) for m, f in methods(value)]
        for where, doc in docs:
            blocks = CODE.findall(inspect.cleandoc(doc or ""))
            examples += [(where, textwrap.dedent(block)) for block in blocks]
    return examples


EXAMPLES = docstring_examples()


def test_there_are_examples_in_docstrings() -> None:
    assert len(EXAMPLES) >= 6


@pytest.mark.parametrize(("where", "code"), EXAMPLES, ids=[w for w, _ in EXAMPLES])
def test_docstring_example_runs(where: str, code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    exec(compile(code, f"<docstring of {where}>", "exec"), {"__name__": "docstring_example"})
