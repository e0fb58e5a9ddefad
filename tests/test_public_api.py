"""The lazy namespaces of ``cadrecore`` and ``cadrecore.models`` offer exactly what they list.

Both import their names when first used (``_LAZY``: name -> module), so that starting the CLI or
registering a plugin does not import the world; ``__all__`` is written out for type checkers.
The two lists must not drift apart.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from types import ModuleType

import pytest

import cadrecore
import cadrecore.models

EAGER = {cadrecore: {"hookimpl", "__version__"}, cadrecore.models: set()}


@pytest.mark.parametrize("package", [cadrecore, cadrecore.models], ids=lambda m: m.__name__)
def test_every_listed_name_is_offered_and_every_offered_name_is_listed(
    package: ModuleType,
) -> None:
    lazy = package._LAZY  # type: ignore[attr-defined]
    assert set(package.__all__) == set(lazy) | EAGER[package]
    for name in package.__all__:
        value = getattr(package, name)
        if name in lazy:
            module = importlib.import_module(f"{package.__name__}.{lazy[name]}")
            assert value is getattr(module, name)
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        package.nothing_here  # noqa: B018


def test_registering_a_plugin_does_not_import_the_models_or_the_store() -> None:
    """``from cadrecore import hookimpl`` (what a plugin module does first) costs pluggy only
    (and the few lines that import the package's other names when used)."""
    code = (
        "import sys; from cadrecore import hookimpl; "
        "print(sorted(m for m in sys.modules if m.startswith(('cadrecore.', 'sqlalchemy', "
        "'openpyxl', 'pydantic'))))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    # (_in_force and _version import nothing: the slots the package fills, the version string)
    assert done.stdout.strip() == (
        "['cadrecore._in_force', 'cadrecore._lazy', 'cadrecore._markers', 'cadrecore._version']"
    )
