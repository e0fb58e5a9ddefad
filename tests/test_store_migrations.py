"""Schema migrations: the migrated schema is the models' schema, and old stores open."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from cadrecore import Registry
from cadrecore.models import KINDS_BY_NAME, Jurisdiction
from cadrecore.sample import small_ledger
from cadrecore.store import open_store, store_url
from cadrecore.store.migrate import HEAD, head
from cadrecore.store.schema import VERSION_TABLE, metadata
from cadrecore.store.store import Store, _engine

FIXTURES = Path(__file__).parent / "fixtures"


def _fixture_maker() -> Any:
    spec = importlib.util.spec_from_file_location(
        "make_store_v0001", FIXTURES / "make_store_v0001.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_migrated_schema_is_the_models_schema(store_url: str) -> None:
    """Alembic's autogenerate finds nothing to add: a model change needs a new migration."""
    with open_store(store_url) as store, store.engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "compare_type": True,
                "include_name": lambda name, type_, parents: name != VERSION_TABLE,
            },
        )
        differences = compare_metadata(context, metadata)
    assert differences == []


def test_the_fixture_really_is_a_first_version_store() -> None:
    with sqlite3.connect(FIXTURES / "store_v0001.sqlite") as conn:
        (revision,) = conn.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchone()
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        columns = {row[1] for row in conn.execute("PRAGMA table_info(cadres)")}
    assert revision == "0001"
    assert "audit_log" not in tables
    assert "version" not in columns


def _expected(registry: Registry) -> dict[str, Any]:
    data = json.loads((FIXTURES / "store_v0001.json").read_text(encoding="utf-8"))
    context = {"registry": registry}
    return {
        "jurisdiction": Jurisdiction.model_validate(data["jurisdiction"]),
        **{
            kind: tuple(
                KINDS_BY_NAME[kind].model.model_validate(r, context=context) for r in records
            )
            for kind, records in data["records"].items()
        },
    }


def test_a_store_made_by_the_first_schema_version_opens_and_reads(
    tmp_path: Path, cadrecore_registry: Registry
) -> None:
    copy = tmp_path / "old.sqlite"
    shutil.copy(FIXTURES / "store_v0001.sqlite", copy)
    with open_store(copy) as store:
        ledger = store.load(registry=cadrecore_registry)
        expected = _expected(cadrecore_registry)
        assert ledger.jurisdiction == expected["jurisdiction"]
        for kind, records in expected.items():
            if kind != "jurisdiction":
                assert ledger.records(kind) == records, kind
        # the records it held are vouched for by a baseline entry each
        entries = store.audit_entries()
        assert {e.action for e in entries} == {"baseline"}
        assert len(entries) == sum(ledger.counts().values()) + 1
        assert store.verify_audit().ok
        # and it is an ordinary store from now on
        result = store.save(ledger.replace(themes=()), actor="升级后")
        assert result.summary()["deleted"] == 1
    with sqlite3.connect(copy) as conn:
        (revision,) = conn.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchone()
    assert revision == head()


def test_the_first_schema_version_upgrades_on_every_backend(store_url: str) -> None:
    ledger = small_ledger(2022)
    url = store_url_of(store_url)
    if url.get_backend_name() == "sqlite":  # the fixture's copy is already migrated: start empty
        Path(url.database or "").unlink()
    old = Store(_engine(url, echo=False))
    _fixture_maker().fill_at_revision_0001(old, ledger)
    old.close()
    with open_store(store_url) as store:
        assert store.load() == ledger
        verification = store.verify_audit()
        assert verification.ok
        assert verification.entries == sum(ledger.counts().values()) + 1


def store_url_of(url: str) -> Any:
    return store_url(url)


def test_head_names_the_newest_shipped_migration() -> None:
    """``HEAD``, which opening a store compares without Alembic, is the scripts' own head."""
    assert head() == HEAD


def test_opening_a_store_at_head_does_not_import_alembic(tmp_path: Path) -> None:
    """Alembic is imported only when there is something to migrate: a store at the head opens
    on one read of its version table. (In a fresh interpreter: this one imported it above.)"""
    path = tmp_path / "s.sqlite"
    open_store(path).close()
    code = (
        "import sys\n"
        "from cadrecore.store import open_store\n"
        f"open_store({str(path)!r}, create=False).close()\n"
        "print('alembic' in sys.modules)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False"
    # a store behind the head still migrates (and then imports Alembic)
    with sqlite3.connect(path) as conn:
        conn.execute(f"UPDATE {VERSION_TABLE} SET version_num = 'zzzz'")
    refused = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert refused.returncode != 0
    assert "newer than this cadrecore knows" in refused.stderr
