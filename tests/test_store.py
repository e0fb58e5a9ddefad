"""The store: save and load on SQLite and PostgreSQL, writing only the difference, atomically."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import select, text, update

import cadrecore
from cadrecore import Ledger, LedgerError
from cadrecore.models import Jurisdiction
from cadrecore.sample import small_ledger
from cadrecore.store import Store, StoreError, open_store, store_url
from cadrecore.store.audit import AuditAppender
from cadrecore.store.schema import AUDIT_LOG, RECORD_TABLES, VERSION_TABLE


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    opened = open_store(store_url)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def sample() -> Ledger:
    return small_ledger(2022)


def renamed(ledger: Ledger, jurisdiction_id: str) -> Ledger:
    """The same records under another jurisdiction (a second ledger in one store)."""
    other = Jurisdiction(id=jurisdiction_id, name="另一市", root_unit_id="city")
    return ledger.replace(jurisdiction=other)


def audit_count(store: Store) -> int:
    return len(store.audit_entries())


def test_a_saved_ledger_loads_back_equal(store: Store, sample: Ledger) -> None:
    result = store.save(sample, actor="王科长")
    loaded = store.load()
    assert loaded == sample
    assert result.summary()["inserted"] == sum(sample.counts().values())
    assert store.ledger_ids() == ("sample",)


def test_loading_without_validation_gives_what_full_validation_gives(
    store: Store, sample: Ledger
) -> None:
    store.save(sample)
    assert store.load() == store.load(validate=True) == sample


def changed_ledger(sample: Ledger) -> Ledger:
    """One cadre updated, one opinion deleted, one theme inserted."""
    first = sample.cadres[0]
    return sample.replace(
        cadres=(first.model_copy(update={"phone": "13800000000"}), *sample.cadres[1:]),
        opinions=(),
        themes=(
            *sample.themes,
            sample.themes[0].model_copy(update={"id": "theme.next", "year": 2023}),
        ),
    )


def test_a_save_writes_only_what_changed(store: Store, sample: Ledger) -> None:
    store.save(sample)
    first = sample.cadres[0]
    changed = changed_ledger(sample)
    result = store.save(changed, actor="李干事")
    assert result.summary() == {
        "inserted": 1,
        "updated": 1,
        "deleted": 1,
        "unchanged": sum(sample.counts().values()) - 2,
        "audit_entries": 3,
    }
    assert store.load() == changed
    table = RECORD_TABLES["cadres"]
    with store.reading() as conn:
        versions = dict(conn.execute(select(table.c.id, table.c.version)).all())
    assert versions[first.id] == 2
    assert {v for k, v in versions.items() if k != first.id} == {1}


def test_saving_an_unchanged_ledger_writes_nothing(store: Store, sample: Ledger) -> None:
    store.save(sample)
    before = audit_count(store)
    result = store.save(store.load())
    assert result.changes == 0
    assert audit_count(store) == before


def test_reordering_records_keeps_the_order_without_counting_a_change(
    store: Store, sample: Ledger
) -> None:
    store.save(sample)
    reordered = sample.replace(cadres=tuple(reversed(sample.cadres)))
    result = store.save(reordered)
    assert result.changes == 0
    assert store.load().cadres == reordered.cadres


def test_a_failed_save_leaves_the_store_as_it_was(
    store: Store, sample: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.save(sample)
    entries = audit_count(store)
    bigger = changed_ledger(sample)

    def fail(self: AuditAppender) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(AuditAppender, "flush", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        store.save(bigger)
    monkeypatch.undo()
    assert store.load() == sample
    assert audit_count(store) == entries


def test_a_database_error_is_reported_and_nothing_written(store: Store, sample: Ledger) -> None:
    store.save(sample)
    entries = audit_count(store)
    # Valid to the model (no upper bound), too large for the BIGINT column: the database refuses
    # the row after the units before it were written, and the whole save is undone.
    huge = sample.establishments[0].model_copy(update={"approved": 10**20})
    changed = changed_ledger(sample).replace(establishments=(huge, *sample.establishments[1:]))
    with pytest.raises(StoreError, match="未保存任何改动"):
        store.save(changed)
    assert store.load() == sample
    assert audit_count(store) == entries


def test_one_store_holds_several_jurisdictions(store: Store, sample: Ledger) -> None:
    other = renamed(sample, "other")
    store.save(sample)
    store.save(other)
    assert store.ledger_ids() == ("other", "sample")
    assert store.load("sample") == sample
    assert store.load("other") == other
    with pytest.raises(StoreError, match="数据库中有多个账册"):
        store.load()
    with pytest.raises(StoreError, match="数据库中没有账册 third"):
        store.load("third")


def test_an_empty_store_says_how_to_fill_it(store: Store) -> None:
    with pytest.raises(StoreError, match="还没有账册：请先导入"):
        store.load()


def test_a_row_that_no_longer_makes_a_record_is_named(store: Store, sample: Ledger) -> None:
    store.save(sample)
    cadres, activities = RECORD_TABLES["cadres"], RECORD_TABLES["activities"]
    with store.engine.begin() as conn:
        conn.execute(update(cadres).where(cadres.c.id == "c001").values(retirement_kind="bogus"))
        conn.execute(
            update(activities)
            .where(activities.c.id == sample.activities[0].id)
            .values(activity_kind="no_such_kind")
        )
    with pytest.raises(LedgerError) as caught:
        store.load()
    found = {(p.record_kind, p.record_id, p.location.field) for p in caught.value.problems}
    assert ("cadres", "c001", "retirement_kind") in found
    assert ("activities", sample.activities[0].id, "activity_kind") in found


def test_a_store_made_by_a_newer_cadrecore_is_refused(store: Store) -> None:
    with store.engine.begin() as conn:
        conn.execute(text(f"UPDATE {VERSION_TABLE} SET version_num = '9999'"))
    with pytest.raises(StoreError, match="newer than this cadrecore"):
        open_store(store.engine.url.render_as_string(hide_password=False))


def test_the_audit_trail_cannot_be_changed_through_sql(store: Store, sample: Ledger) -> None:
    store.save(sample)
    for statement in (
        update(AUDIT_LOG).where(AUDIT_LOG.c.seq == 1).values(actor="someone else"),
        AUDIT_LOG.delete().where(AUDIT_LOG.c.seq == 1),
    ):
        with pytest.raises(Exception, match="append-only"), store.engine.begin() as conn:
            conn.execute(statement)
    if store.dialect == "postgresql":
        with pytest.raises(Exception, match="append-only"), store.engine.begin() as conn:
            conn.execute(text("TRUNCATE audit_log"))
    assert audit_count(store) == sum(sample.counts().values()) + 1


# ---------------------------------------------------------------------------------------------
# Opening
# ---------------------------------------------------------------------------------------------


def test_the_default_store_is_a_file_in_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sample: Ledger
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CADRECORE_STORE", raising=False)
    with cadrecore.open_store() as opened:
        opened.save(sample)
    assert (tmp_path / "cadrecore.sqlite").is_file()
    with open_store(tmp_path / "cadrecore.sqlite", create=False) as again:
        assert again.load() == sample


def test_store_urls() -> None:
    assert store_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
    assert store_url("postgresql+psycopg://u@h/db").drivername == "postgresql+psycopg"
    path = store_url("relative/ledger.sqlite")
    assert path.drivername == "sqlite" and Path(path.database or "").is_absolute()
    assert store_url("sqlite:////tmp/x.db").database == "/tmp/x.db"


def test_opening_a_missing_file_without_create_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="此处没有数据库") as missing:
        open_store(tmp_path / "missing.sqlite", create=False)
    assert "no store at" in missing.value.render("en") and "cadrecore init" in str(missing.value)
    with pytest.raises(StoreError, match="目录不存在") as no_folder:
        open_store(tmp_path / "no" / "such" / "folder.sqlite")
    assert "does not exist" in no_folder.value.render("en")
    assert not (tmp_path / "missing.sqlite").exists()


def test_the_actor_defaults_to_the_environment(
    store: Store, sample: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CADRECORE_ACTOR", "张科长")
    store.save(sample)
    assert {e.actor for e in store.audit_entries()} == {"张科长"}


# ---------------------------------------------------------------------------------------------
# Properties: any consistent ledger round-trips, and saving one over another writes the diff
# ---------------------------------------------------------------------------------------------

try:
    from cadrecore import strategies as cst
except ImportError:  # pragma: no cover - strategies are optional
    cst = None  # type: ignore[assignment]


@pytest.mark.skipif(cst is None, reason="cadrecore.strategies is not available")
@settings(
    max_examples=int(os.environ.get("CADRECORE_STORE_EXAMPLES", "10")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=__import__("hypothesis").strategies.data())
def test_any_ledger_round_trips_through_the_store(store: Store, data: Any) -> None:
    ledger = data.draw(cst.ledgers())
    store.save(ledger)
    assert store.load(ledger.jurisdiction.id) == ledger
    assert store.load(ledger.jurisdiction.id, validate=True) == ledger
    again = store.save(ledger)
    assert again.changes == 0
    assert store.verify_audit().ok


def test_dates_and_amounts_keep_their_values(store: Store, sample: Ledger) -> None:
    from decimal import Decimal

    standard = sample.treatment_standards[0].model_copy(
        update={"amount_yuan": Decimal("123456789012.34"), "effective_from": date(1900, 3, 1)}
    )
    ledger = sample.replace(treatment_standards=(standard, *sample.treatment_standards[1:]))
    store.save(ledger)
    loaded = store.load().treatment_standards[0]
    assert loaded.amount_yuan == Decimal("123456789012.34")
    assert loaded.effective_from == date(1900, 3, 1)


def test_a_record_changed_between_reading_and_writing_is_a_conflict(
    store: Store, sample: Ledger
) -> None:
    """Each update and delete names the version it read: a row changed since is refused."""
    from sqlalchemy import event

    from cadrecore.store import ConflictError

    store.save(sample)
    meddled: list[bool] = []

    @event.listens_for(store.engine, "before_execute")
    def meddle(conn: Any, clause: Any, *args: Any) -> None:
        if not meddled and getattr(clause, "is_update", False) and clause.table.name == "cadres":
            meddled.append(True)  # someone else's write, just before ours
            conn.exec_driver_sql("UPDATE cadres SET version = version + 1 WHERE id = 'c000'")

    with pytest.raises(ConflictError, match="c000"):
        store.save(changed_ledger(sample))
    event.remove(store.engine, "before_execute", meddle)
    assert meddled and store.load() == sample
