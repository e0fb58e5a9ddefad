"""The audit trail: an entry per change, append-only, and tampering found and named."""

from __future__ import annotations

import dataclasses
import itertools
import json
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Connection, text, update
from typer.testing import CliRunner

from cadrecore import Ledger
from cadrecore.cli import app
from cadrecore.store import Store, open_store, verify_audit
from cadrecore.store.audit import GENESIS_HASH, entry_hash
from cadrecore.store.schema import AUDIT_LOG, RECORD_TABLES


@pytest.fixture
def store(store_url: str, mini: Callable[..., Ledger]) -> Iterator[Store]:
    """A store holding the small ledger of ``conftest.mini_records``, saved by 王科长."""
    opened = open_store(store_url)
    opened.save(mini(), actor="王科长")
    yield opened
    opened.close()


def drop_triggers(conn: Connection, dialect: str) -> None:
    """What an attacker with the database file (or superuser rights) does first."""
    if dialect == "postgresql":
        conn.execute(text("DROP TRIGGER audit_log_no_change ON audit_log"))
    else:
        conn.execute(text("DROP TRIGGER audit_log_no_update"))
        conn.execute(text("DROP TRIGGER audit_log_no_delete"))


def test_every_change_is_an_entry_with_who_when_what_before_and_after(store: Store) -> None:
    ledger = store.load()
    first = ledger.cadres[0]
    store.save(
        ledger.replace(
            cadres=(first.model_copy(update={"phone": "13900000000"}), *ledger.cadres[1:])
        ),
        actor="李干事",
    )
    entries = store.audit_entries()
    inserts = [e for e in entries if e.action == "insert"]
    assert len(inserts) == sum(ledger.counts().values()) + 1  # and the jurisdiction
    assert {e.actor for e in inserts} == {"王科长"}
    (change,) = store.audit_entries(kind="cadres", record_id=first.id)[1:]
    assert (change.action, change.actor, change.ledger_id) == ("update", "李干事", "xz")
    assert change.at.tzinfo is not None and change.at >= inserts[-1].at
    assert json.loads(change.before or "")["phone"] == ""
    assert json.loads(change.after or "")["phone"] == "13900000000"
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))


def test_entries_are_chained_by_their_hashes(store: Store) -> None:
    entries = store.audit_entries()
    assert entries[0].prev_hash == GENESIS_HASH
    for before, after in itertools.pairwise(entries):
        assert after.prev_hash == before.hash
    assert all(e.hash == e.expected_hash() for e in entries)
    assert entries[0].hash == entry_hash(
        **{
            f.name: getattr(entries[0], f.name)
            for f in dataclasses.fields(entries[0])
            if f.name != "hash"
        }
    )


def test_entries_handed_out_cannot_be_edited(store: Store) -> None:
    entry = store.audit_entries()[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry.actor = "someone else"  # type: ignore[misc]
    assert not any(name.startswith(("delete", "update", "edit")) for name in dir(store))


def test_an_intact_trail_verifies(store: Store) -> None:
    result = verify_audit(store)
    assert result.ok and result.first is None
    assert result.entries == result.head_seq == result.records_checked
    assert result.head_hash == store.audit_entries()[-1].hash


def test_an_edited_entry_is_named(store: Store) -> None:
    with store.engine.begin() as conn:
        drop_triggers(conn, store.dialect)
        conn.execute(update(AUDIT_LOG).where(AUDIT_LOG.c.seq == 5).values(actor="无名氏"))
    result = verify_audit(store)
    assert not result.ok
    assert result.first is not None
    assert (result.first.finding, result.first.seq) == ("edited", 5)


def test_an_edited_entry_with_its_hash_recomputed_is_found_at_the_next_link(store: Store) -> None:
    entry = store.audit_entries()[4]
    forged = dataclasses.replace(entry, actor="无名氏")
    with store.engine.begin() as conn:
        drop_triggers(conn, store.dialect)
        conn.execute(
            update(AUDIT_LOG)
            .where(AUDIT_LOG.c.seq == 5)
            .values(actor="无名氏", hash=forged.expected_hash())
        )
    result = verify_audit(store)
    assert result.first is not None
    assert result.first.seq == 5
    assert "5" in result.first.message.en


def test_a_deleted_entry_is_named(store: Store) -> None:
    with store.engine.begin() as conn:
        drop_triggers(conn, store.dialect)
        conn.execute(AUDIT_LOG.delete().where(AUDIT_LOG.c.seq == 7))
    result = verify_audit(store)
    assert result.first is not None
    assert (result.first.finding, result.first.seq) == ("deleted", 7)
    assert "7" in result.first.message.en and "7" in result.first.message.zh


def test_entries_cut_off_the_end_are_found_through_the_records(store: Store) -> None:
    last = store.audit_entries()[-1]
    with store.engine.begin() as conn:
        drop_triggers(conn, store.dialect)
        conn.execute(AUDIT_LOG.delete().where(AUDIT_LOG.c.seq == last.seq))
    result = verify_audit(store)
    assert [(p.finding, p.kind, p.record_id) for p in result.problems] == [
        ("record_unaudited", last.kind, last.record_id)
    ]


def test_a_record_changed_outside_the_api_is_named(store: Store) -> None:
    cadres = RECORD_TABLES["cadres"]
    with store.engine.begin() as conn:
        conn.execute(update(cadres).where(cadres.c.id == "c3").values(name="改过的名字"))
    result = verify_audit(store)
    assert [(p.finding, p.kind, p.record_id) for p in result.problems] == [
        ("record_changed", "cadres", "c3")
    ]
    assert "name" in result.problems[0].message.en


def test_the_cli_says_whether_the_trail_is_intact(store: Store, store_url: str) -> None:
    runner = CliRunner()
    intact = runner.invoke(app, ["audit", "verify", "--store", store_url])
    assert intact.exit_code == 0, intact.output
    assert "完好" in intact.output and "intact" not in intact.output
    with store.engine.begin() as conn:
        drop_triggers(conn, store.dialect)
        conn.execute(AUDIT_LOG.delete().where(AUDIT_LOG.c.seq == 3))
    tampered = runner.invoke(app, ["audit", "verify", "--store", store_url, "--lang", "en"])
    assert tampered.exit_code == 1
    assert "audit entry 3 was deleted" in tampered.output


def test_saving_keeps_the_chain_across_saves(store: Store) -> None:
    ledger: Ledger = store.load()
    for n in range(3):  # each save from the last one saved: an older copy would be a conflict
        ledger = ledger.replace(themes=(ledger.themes[0].model_copy(update={"note": f"第{n}次"}),))
        store.save(ledger)
    assert verify_audit(store).ok
    assert len(store.audit_entries(kind="themes", record_id=ledger.themes[0].id)) == 4
