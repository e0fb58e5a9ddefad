"""Opening a store's ledger for reading, the quickest way the store allows.

A SQLite file at the current schema is read through Python's ``sqlite3`` alone
(:func:`~cadrecore.store.opened.open_on`); any other store (a URL, a file to migrate, not a store
at all) is opened whole by :func:`~cadrecore.store.open_store`, with its migrations and errors.
Choosing between the two is this module's one job, so it sits above both: ``opened`` (the
reading half) and ``store.store`` (the store that writes) import neither each other's opener nor
this module. Nothing here may import anything above the store (``reports``, the CLI).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from ..plugins import get_registry
from .opened import open_on
from .reading import DEFAULT_FILE, STORE_ENV, sqlite_file_at_head

if TYPE_CHECKING:
    from ..ledger import Ledger
    from ..registry import Registry
    from .store import Store


def open_ledger(
    target: str | os.PathLike[str] | None = None,
    ledger_id: str | None = None,
    *,
    registry: Registry | None = None,
) -> Ledger:
    """The ledger ``ledger_id`` (the only one, if None) of the store at ``target``, opened for
    reading: what ``open_store(target, create=False).open(ledger_id)`` gives (a
    :class:`StoreLedger`), and what ``cadrecore check`` and ``cadrecore report`` read.

    ``target`` as for :func:`~cadrecore.store.open_store`. A SQLite file whose schema is
    current is read with the ``sqlite3`` module alone: SQLAlchemy, a quarter to a half second
    of importing, is not loaded unless the ledger's :attr:`~StoreLedger.store` is asked for.
    Any other store (a URL, a file to migrate, not a store at all) is opened by ``open_store``,
    with its migrations and errors.
    """
    raw = os.fspath(target) if target is not None else os.environ.get(STORE_ENV) or DEFAULT_FILE
    if "://" not in raw:
        source = sqlite_file_at_head(Path(raw).expanduser().resolve())
        if source is not None:
            return open_on(
                source,
                ledger_id,
                registry or get_registry(),
                open_store=lambda: _whole_store(source.path),
            )
    from .store import open_store  # (late: a check of a SQLite file never imports SQLAlchemy)

    return open_store(raw, create=False).open(ledger_id, registry=registry)


def _whole_store(path: Path) -> Store:
    """The store of a SQLite file whose ledger was opened on the file alone."""
    from .store import open_store  # (late: only when asked for, see open_ledger)

    return open_store(path, create=False)
