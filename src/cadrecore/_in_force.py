"""What the layers above provide to the layers below, where a caller names nothing.

A record checks a vocabulary key against "the registry in force" (:class:`cadrecore.models.KeyOf`),
and so does a :class:`~cadrecore.ledger.Ledger` built without a registry; ``ledger.save(path)``
writes a ledger folder. The registry is built from the plugins and the folder is written by
``io``: both are layers above the models and the ledger, which must not import them, not even
inside a function (a late import that reaches up is a loop in disguise). So the package that
puts the layers together, ``cadrecore/__init__.py`` (which Python runs before any of its
modules), hands them down here: :func:`provide` once, at import, with functions that import the
upper layer when first called. Everything here is a slot and its reader, with no import of
cadrecore at all: a plugin's ``from cadrecore import hookimpl`` still costs only pluggy.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

_registry_source: Callable[[], Any] | None = None
_folder_writer: Callable[[Any, Any], Path] | None = None


def provide(*, registry: Callable[[], Any], folder_writer: Callable[[Any, Any], Path]) -> None:
    """Set what is in force: ``registry()`` gives the registry of the plugin manager in use,
    ``folder_writer(ledger, path)`` writes a ledger folder. Called by the package, once."""
    global _registry_source, _folder_writer
    _registry_source = registry
    _folder_writer = folder_writer


def registry_in_force() -> Any:
    """The registry of the plugin manager in use (see :func:`cadrecore.plugins.get_registry`):
    what a record's keys are checked against when no validation context names one."""
    if _registry_source is None:  # pragma: no cover - the package provides it on import
        raise RuntimeError("cadrecore's package was not imported: no registry is in force")
    return _registry_source()


def write_folder(ledger: Any, path: Any) -> Path:
    """Write ``ledger`` as a ledger folder at ``path`` (see :func:`cadrecore.save_ledger`)."""
    if _folder_writer is None:  # pragma: no cover - the package provides it on import
        raise RuntimeError("cadrecore's package was not imported: no folder writer")
    return _folder_writer(ledger, path)
