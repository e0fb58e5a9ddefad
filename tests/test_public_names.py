"""The public API, name by name, against the list committed in ``tests/public_names.txt``.

Moving code between modules (to keep the layers one-way, to split a long module) must not move
a name out of where users and plugin authors import it from: the package ``cadrecore``, its
public subpackages (``__all__``), the documented modules a plugin imports
(:mod:`cadrecore.plugins`, :mod:`cadrecore.hookspecs`, :mod:`cadrecore.testing`,
:mod:`cadrecore.strategies`, :mod:`cadrecore.reports.sections`...). The list was written before
the layers were redrawn (issue #27), so a name that went missing fails here.

A name is listed with what it is (class, function, value); a module's own imports of other
libraries (``Any``, ``dataclass``) are not its API and are left out. After a deliberate change
to the API, write the list again with ``CADRECORE_WRITE_PUBLIC_NAMES=1 pytest
tests/test_public_names.py`` and say why in the commit.
"""

from __future__ import annotations

import importlib
import inspect
import os
import typing
from pathlib import Path
from types import ModuleType

#: The modules whose names are the public API: the package, its subpackages with ``__all__``,
#: and the modules the API reference documents or the plugins (plugins/*) import.
PUBLIC_MODULES = (
    "cadrecore",
    "cadrecore.calendar",
    "cadrecore.errors",
    "cadrecore.hookspecs",
    "cadrecore.i18n",
    "cadrecore.io",
    "cadrecore.ledger",
    "cadrecore.models",
    "cadrecore.models.common",
    "cadrecore.plugins",
    "cadrecore.registry",
    "cadrecore.reports.sections",
    "cadrecore.rules",
    "cadrecore.services",
    "cadrecore.store",
    "cadrecore.strategies",
    "cadrecore.testing",
)

LISTED = Path(__file__).with_name("public_names.txt")


def _kind(value: object) -> str:
    if inspect.isclass(value):
        return "class"
    if inspect.isroutine(value):
        return "function"
    return "value"


def _is_own(name: str, value: object) -> bool:
    """A value cadrecore made (a class, a function, a constant), not another library's."""
    if value is getattr(typing, name, None) or name == "annotations":
        return False  # `from typing import Any, TYPE_CHECKING`, `from __future__ import ...`
    if inspect.ismodule(value) or isinstance(value, typing.TypeVar):
        return False  # a module imported, a type variable of the module's own signatures
    module = getattr(value, "__module__", None)
    if isinstance(module, str) and (inspect.isclass(value) or inspect.isroutine(value)):
        return module == "cadrecore" or module.startswith("cadrecore.")
    return True  # a constant (PROJECT, NAME_ALPHABET, a type alias of ours...)


def public_names(module: ModuleType) -> list[str]:
    """``module``'s public names: its ``__all__`` if it has one, and every name it offers that
    is not private and not another library's."""
    names: set[str] = set(getattr(module, "__all__", ()))
    for name in dir(module):
        if name.startswith("_"):
            continue
        try:
            value = getattr(module, name)
        except AttributeError:
            continue
        if _is_own(name, value):
            names.add(name)
    return sorted(names)


def current_listing() -> str:
    lines = []
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in public_names(module):
            lines.append(f"{module_name}:{name} {_kind(getattr(module, name))}")
    return "\n".join(lines) + "\n"


def test_public_names_are_where_they_were() -> None:
    now = current_listing()
    if os.environ.get("CADRECORE_WRITE_PUBLIC_NAMES"):
        LISTED.write_text(now, encoding="utf-8")
    listed = LISTED.read_text(encoding="utf-8").splitlines()
    missing = sorted(set(listed) - set(now.splitlines()))
    added = sorted(set(now.splitlines()) - set(listed))
    assert not missing, "public names gone or changed kind:\n" + "\n".join(missing)
    assert not added, "new public names (list them: CADRECORE_WRITE_PUBLIC_NAMES=1):\n" + "\n".join(
        added
    )


def test_every_name_in_all_is_offered() -> None:
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in getattr(module, "__all__", ()):
            assert hasattr(module, name), f"{module_name}.__all__ lists {name}, not offered"
