"""A package's names imported from their modules when first used (PEP 562), so that importing
the package costs only what is used: ``cadrecore`` (the CLI's start-up), ``cadrecore.models``
(the registry needs only ``common``), ``cadrecore.store`` (reading a SQLite store needs no
SQLAlchemy)."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any


def lazy_names(
    package: str, modules: Mapping[str, str], listed: Sequence[str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of ``package``: each name of ``modules`` imported
    from its module (relative to the package) when first asked for, then kept in the
    package; ``dir()`` lists ``listed``."""

    def __getattr__(name: str) -> Any:
        module = modules.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f".{module}", package), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(listed)

    return __getattr__, __dir__
