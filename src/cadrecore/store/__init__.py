"""Persistence: ledgers in a database (SQLite or PostgreSQL), their migrations and audit trail.

::

    import cadrecore
    store = cadrecore.open_store()            # cadrecore.sqlite in the working folder
    store.save(ledger, actor="王科长")          # one transaction, an audit entry per change
    ledger = store.load()                     # every record, cross-checked
    ledger = store.open()                     # for reading: kinds and columns read as used
    assert store.verify_audit().ok
"""

from .audit import AuditEntry, AuditProblem, AuditVerification
from .opened import StoreLedger
from .store import (
    ConflictError,
    SaveResult,
    Store,
    StoreError,
    default_actor,
    open_store,
    store_url,
    verify_audit,
)

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
    "open_store",
    "store_url",
    "verify_audit",
]
