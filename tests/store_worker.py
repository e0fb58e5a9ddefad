"""A second (third...) process that loads, edits and saves a store's ledger when told to.

Run as ``python tests/store_worker.py STORE_URL``; it reads one JSON command a line on stdin and
answers each with one JSON line on stdout, so that a test can line several processes up (all
loaded, then all saving at once) without sharing anything but the database:

- ``{"op": "load"}``: read the ledger (``{"ok": true}``);
- ``{"op": "edit_save", "cadre": ID, "phone": PHONE}``: change that cadre's phone in the ledger
  as loaded, and save it: ``{"ok": true, "changes": N}``, or ``{"ok": false, "conflict": MESSAGE,
  "kind": ..., "record_id": ...}`` on :class:`~cadrecore.store.ConflictError`;
- ``{"op": "quit"}``.

Anything else that goes wrong is answered ``{"ok": false, "error": ...}`` and the worker goes on.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from typing import Any

os.environ.setdefault("CADRECORE_LOAD_PLUGINS", "")


def main(url: str) -> None:
    from cadrecore import Ledger
    from cadrecore.store import ConflictError, open_store

    store = open_store(url)
    ledger: Ledger | None = None
    reply({"ok": True, "pid": os.getpid()})
    for line in sys.stdin:
        command: dict[str, Any] = json.loads(line)
        op = command["op"]
        try:
            if op == "quit":
                break
            if op == "load":
                ledger = store.load()
                reply({"ok": True})
            elif op == "edit_save":
                assert ledger is not None, "load first"
                cadres = tuple(
                    c.model_copy(update={"phone": command["phone"]})
                    if c.id == command["cadre"]
                    else c
                    for c in ledger.cadres
                )
                edited = ledger.replace(cadres=cadres)
                try:
                    result = store.save(edited, actor=f"worker {os.getpid()}")
                except ConflictError as exc:
                    reply(
                        {
                            "ok": False,
                            "conflict": str(exc),
                            "kind": exc.kind,
                            "record_id": exc.record_id,
                        }
                    )
                else:
                    ledger = edited
                    reply({"ok": True, "changes": result.changes})
            else:
                reply({"ok": False, "error": f"unknown op {op!r}"})
        except Exception:
            reply({"ok": False, "error": traceback.format_exc()})
    store.close()


def reply(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message, ensure_ascii=False) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1])
