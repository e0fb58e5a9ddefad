"""Persistence: ledgers in a database (SQLite or PostgreSQL), their migrations and audit trail.

::

    import cadrecore
    store = cadrecore.open_store()            # cadrecore.sqlite in the working folder
    store.save(ledger, actor="王科长")          # one transaction, an audit entry per change
    ledger = store.load()                     # every record, cross-checked
    ledger = store.open()                     # for reading: kinds and columns read as used
    assert store.verify_audit().ok

    from cadrecore.store import open_ledger
    ledger = open_ledger("xinzhou.sqlite")    # the same, without opening the store to write

The names are imported when first used: reading a SQLite store (:func:`open_ledger`) does
not import SQLAlchemy, which everything else here builds on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_names
from .opened import StoreLedger
from .opening import open_ledger
from .reading import StoreError

if TYPE_CHECKING:
    from .audit import AuditEntry, AuditProblem, AuditVerification
    from .merging import ConflictError
    from .saving import SaveResult
    from .store import Store, default_actor, open_store, store_url, verify_audit

_MODULE_OF = {
    "AuditEntry": "audit",
    "AuditProblem": "audit",
    "AuditVerification": "audit",
    "ConflictError": "merging",
    "SaveResult": "saving",
    "Store": "store",
    "default_actor": "store",
    "open_store": "store",
    "store_url": "store",
    "verify_audit": "store",
}


__all__ = [
    "AuditEntry",
    "AuditProblem",
    "AuditVerification",
    "ConflictError",
    "SaveResult",
    "Store",
    "StoreError",
    "StoreLedger",
    "default_actor",
    "open_ledger",
    "open_store",
    "store_url",
    "verify_audit",
]

__getattr__, __dir__ = lazy_names(__name__, _MODULE_OF, __all__)
