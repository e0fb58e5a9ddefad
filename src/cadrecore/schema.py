"""JSON Schema of the ledger folder's files, generated from the models."""

from __future__ import annotations

from typing import Any

from .models import RECORD_KINDS, Jurisdiction

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def record_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of one file of a ledger folder: a list of records of ``kind``."""
    if kind in ("ledger", "jurisdiction"):
        return {
            "$schema": SCHEMA_DIALECT,
            "title": "ledger.yaml",
            "type": "object",
            "properties": {
                "format": {"const": 1},
                "jurisdiction": Jurisdiction.model_json_schema(mode="validation"),
            },
            "required": ["format", "jurisdiction"],
        }
    for record_kind in RECORD_KINDS:
        if record_kind.name == kind:
            item = record_kind.model.model_json_schema(mode="validation")
            defs = item.pop("$defs", None)
            schema: dict[str, Any] = {
                "$schema": SCHEMA_DIALECT,
                "title": record_kind.filename,
                "description": f"{record_kind.label.zh} / {record_kind.label.en}",
                "type": "array",
                "items": item,
            }
            if defs:
                schema["$defs"] = defs
            return schema
    known = ", ".join(["ledger", *(k.name for k in RECORD_KINDS)])
    raise KeyError(f"no record kind {kind!r}; known: {known}")


def all_schemas() -> dict[str, dict[str, Any]]:
    """Every file's schema by kind name, ``ledger`` first."""
    return {"ledger": record_schema("ledger")} | {
        k.name: record_schema(k.name) for k in RECORD_KINDS
    }
