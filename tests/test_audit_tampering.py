"""Every way of rewriting the audit trail that docs/reliability.md and docs/store.md name, tried
by an attacker who has the database (and so can drop the append-only triggers) but not the
audit key; each test says what catches it: the chain alone, the key, or a checkpoint.

Both backends (``store_url``). The attacker's moves are written here against the tables, not
through cadrecore, so they do what a person with the file or a superuser login would do.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator
from typing import Any, Literal

import pytest
from sqlalchemy import Connection, delete, insert, text, update

from cadrecore import Ledger
from cadrecore.store import Store, open_store, verify_audit
from cadrecore.store.audit import GENESIS_HASH, AuditEntry, entry_hash
from cadrecore.store.audit_keys import AuditKeyError, AuditKeys
from cadrecore.store.checkpoints import AuditCheckpoint
from cadrecore.store.schema import AUDIT_LOG, RECORD_TABLES

KEY = "k" * 20 + "0123456789abcdef0123"  # (40 characters: a test key)
OTHER_KEY = "an-attackers-guess-at-the-key-0123456789"


@pytest.fixture(autouse=True)
def _no_key_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CADRECORE_AUDIT_KEY", raising=False)
    monkeypatch.delenv("CADRECORE_AUDIT_KEY_FILE", raising=False)


def saved(store_url: str, ledger: Ledger, *, signed: bool) -> Store:
    opened = open_store(store_url)
    if signed:
        opened.audit_keys = AuditKeys.parse(KEY, source="test")
    opened.save(ledger, actor="王科长")
    return opened


@pytest.fixture
def store(store_url: str, mini: Callable[..., Ledger]) -> Iterator[Store]:
    """The small ledger saved by 王科长, with no audit key (plain SHA-256 entries)."""
    with saved(store_url, mini(), signed=False) as opened:
        yield opened


@pytest.fixture
def keyed(store_url: str, mini: Callable[..., Ledger]) -> Iterator[Store]:
    """The same, every entry signed with ``KEY``."""
    with saved(store_url, mini(), signed=True) as opened:
        yield opened


@pytest.fixture(params=["plain", "signed"])
def either(
    request: pytest.FixtureRequest, store_url: str, mini: Callable[..., Ledger]
) -> Iterator[tuple[Store, AuditKeys]]:
    """Each of the two: the store, and the keys a verification is given."""
    signed = request.param == "signed"
    with saved(store_url, mini(), signed=signed) as opened:
        yield opened, keys() if signed else AuditKeys()


def keys() -> AuditKeys:
    return AuditKeys.parse(KEY, source="test")


def drop_triggers(conn: Connection, dialect: str) -> None:
    if dialect == "postgresql":
        conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log"))
    else:
        conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))
        conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_delete"))


def change_phone(store: Store, cadre_id: str, phone: str, actor: str = "李干事") -> None:
    ledger = store.load()
    cadres = tuple(
        c.model_copy(update={"phone": phone}) if c.id == cadre_id else c for c in ledger.cadres
    )
    store.save(ledger.replace(cadres=cadres), actor=actor)


Signatures = Literal["strip", "forge", "keep"]


def rewrite(
    store: Store,
    edit: Callable[[list[AuditEntry]], list[AuditEntry]],
    *,
    signatures: Signatures = "strip",
) -> None:
    """Replace the trail by ``edit(entries)``, every hash and link recomputed from the first
    entry that differs, as someone without the key can: a signed entry is made plain
    (``strip``), or keeps its key id over an HMAC under a guessed key (``forge``)."""
    old = store.audit_entries()
    new = edit(list(old))
    first = next(
        (i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b),
        min(len(old), len(new)),
    )
    previous = new[first - 1].hash if first else GENESIS_HASH
    rows: list[dict[str, Any]] = []
    for entry in new[first:]:
        key_id = entry.key_id
        if key_id is not None and signatures == "strip":
            key_id = None
        fields = dataclasses.asdict(entry) | {"prev_hash": previous, "key_id": key_id}
        del fields["hash"]
        guessed = OTHER_KEY.encode() if key_id is not None else None
        digest = entry_hash(**fields, key=guessed)
        rows.append(fields | {"hash": digest})
        previous = digest
    with store.engine.begin() as conn:
        drop_triggers(conn, store.dialect)
        conn.execute(
            delete(AUDIT_LOG).where(AUDIT_LOG.c.seq > (new[first - 1].seq if first else 0))
        )
        if rows:
            conn.execute(insert(AUDIT_LOG), rows)


def findings(store: Store, **kwargs: Any) -> list[tuple[str, int | None]]:
    return [(p.finding, p.seq) for p in verify_audit(store, **kwargs).problems]


# =============================================================================================
# What the chain alone catches (no key, no checkpoint): an edit, a gap, a record changed
# =============================================================================================


def test_an_entry_edited_in_place_is_named(store: Store) -> None:
    with store.engine.begin() as conn:
        drop_triggers(conn, store.dialect)
        conn.execute(update(AUDIT_LOG).where(AUDIT_LOG.c.seq == 5).values(actor="无名氏"))
    assert findings(store)[0] == ("edited", 5)


def test_an_entry_deleted_from_the_middle_is_named(store: Store) -> None:
    with store.engine.begin() as conn:
        drop_triggers(conn, store.dialect)
        conn.execute(delete(AUDIT_LOG).where(AUDIT_LOG.c.seq == 7))
    assert findings(store)[0] == ("deleted", 7)


def test_a_record_inserted_or_deleted_by_hand_is_named(store: Store) -> None:
    themes = RECORD_TABLES["themes"]
    cadres = RECORD_TABLES["cadres"]
    with store.engine.begin() as conn:
        row = conn.execute(themes.select()).mappings().first()
        assert row is not None
        conn.execute(insert(themes).values({**row, "id": "forged-theme"}))
        conn.execute(delete(cadres).where(cadres.c.id == "c4"))
    found = [(p.finding, p.kind, p.record_id) for p in verify_audit(store).problems]
    assert ("record_unaudited", "themes", "forged-theme") in found
    assert ("record_missing", "cadres", "c4") in found


# =============================================================================================
# Rewriting an entry and recomputing the chain: unseen without a key, caught with one
# =============================================================================================


def _rename_actor(seq: int) -> Callable[[list[AuditEntry]], list[AuditEntry]]:
    def edit(entries: list[AuditEntry]) -> list[AuditEntry]:
        return [dataclasses.replace(e, actor="无名氏") if e.seq == seq else e for e in entries]

    return edit


def test_without_a_key_a_rewrite_with_the_chain_recomputed_is_not_detectable(store: Store) -> None:
    """What the docs say plainly: the limit of a plain hash chain (and why there is a key)."""
    rewrite(store, _rename_actor(5))
    result = verify_audit(store)
    assert result.ok
    assert any("cannot be detected" in s.en for s in result.statements)


@pytest.mark.parametrize("signatures", ["forge", "keep"])
def test_with_a_key_a_rewritten_entry_fails_its_signature(
    keyed: Store, signatures: Signatures
) -> None:
    rewrite(keyed, _rename_actor(5), signatures=signatures)
    found = verify_audit(keyed, keys=keys()).problems
    assert (found[0].finding, found[0].seq) == ("edited", 5)
    assert "signature" in found[0].message.en


def test_with_a_key_a_rewrite_that_strips_the_signatures_from_there_on_is_caught(
    keyed: Store,
) -> None:
    rewrite(keyed, _rename_actor(5), signatures="strip")
    found = verify_audit(keyed, keys=keys()).problems
    assert [(p.finding, p.seq) for p in found] == [("unsigned", 5)]
    assert "entry 4 before it is" in found[0].message.en
    # (a structural finding: seen without the key too)
    assert findings(keyed, keys=AuditKeys()) == [("unsigned", 5)]


def test_with_a_key_a_trail_stripped_of_every_signature_is_caught(keyed: Store) -> None:
    rewrite(keyed, _rename_actor(1), signatures="strip")
    assert [f for f, _ in findings(keyed, keys=keys())] == ["unsigned"]
    # without the key (or a checkpoint) such a downgrade cannot be told from an unsigned trail
    assert verify_audit(keyed, keys=AuditKeys()).ok


def test_an_entry_deleted_and_the_rest_renumbered_and_rechained(keyed: Store) -> None:
    def drop_seven(entries: list[AuditEntry]) -> list[AuditEntry]:
        kept = [e for e in entries if e.seq != 7]
        return [dataclasses.replace(e, seq=i) for i, e in enumerate(kept, 1)]

    rewrite(keyed, drop_seven, signatures="forge")
    assert findings(keyed, keys=keys())[0] == ("edited", 7)


def test_a_record_changed_with_a_forged_entry_to_match(either: tuple[Store, AuditKeys]) -> None:
    """The attacker changes c3's name and appends an entry saying so, chain recomputed."""
    target, given = either
    if True:
        cadres = RECORD_TABLES["cadres"]
        last = target.audit_entries(kind="cadres", record_id="c3")[-1]
        after = json.loads(last.after or "{}") | {"name": "改过的名字"}
        forged = dataclasses.replace(
            last,
            seq=target.audit_entries()[-1].seq + 1,
            action="update",
            actor="王科长",
            before=last.after,
            after=json.dumps(after, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
        )
        with target.engine.begin() as conn:
            conn.execute(update(cadres).where(cadres.c.id == "c3").values(name="改过的名字"))
        rewrite(target, lambda entries, forged=forged: [*entries, forged], signatures="strip")
        result = verify_audit(target, keys=given)
        if not given:
            assert result.ok  # (no key: the forged entry is as good as a real one)
        else:
            assert [(p.finding, p.seq) for p in result.problems] == [("unsigned", forged.seq)]


def test_an_entry_signed_with_a_key_not_given_cannot_pass(keyed: Store) -> None:
    """A forger who writes some key id on his entries: that key must be given, or it fails."""

    def claim_another_key(entries: list[AuditEntry]) -> list[AuditEntry]:
        return [
            dataclasses.replace(e, key_id="0123456789abcdef") if e.seq >= 9 else e for e in entries
        ]

    rewrite(keyed, claim_another_key, signatures="forge")
    found = verify_audit(keyed, keys=keys()).problems
    assert [(p.finding, p.seq) for p in found] == [("unknown_key", 9)]
    assert "0123456789abcdef" in found[0].message.en


# =============================================================================================
# Cutting entries off the end, with the rows they wrote: unseen without a checkpoint
# =============================================================================================


def _cut_after(store: Store, seq: int, restore: Callable[[Connection], None]) -> None:
    with store.engine.begin() as conn:
        drop_triggers(conn, store.dialect)
        conn.execute(delete(AUDIT_LOG).where(AUDIT_LOG.c.seq > seq))
        restore(conn)


def test_entries_cut_off_with_the_rows_they_wrote_pass_without_a_checkpoint(
    keyed: Store,
) -> None:
    before = keyed.audit_entries()[-1].seq
    old_phone = keyed.load().cadre("c1").phone
    change_phone(keyed, "c1", "13900000000")
    cadres = RECORD_TABLES["cadres"]

    def restore(conn: Connection) -> None:
        conn.execute(update(cadres).where(cadres.c.id == "c1").values(phone=old_phone, version=1))

    _cut_after(keyed, before, restore)
    result = verify_audit(keyed, keys=keys())
    assert result.ok  # neither the key nor the records show it: the docs say so
    assert any("no checkpoint given" in s.en for s in result.statements)


def test_a_checkpoint_catches_entries_cut_off_with_the_rows_they_wrote(
    either: tuple[Store, AuditKeys],
) -> None:
    target, given = either
    if True:
        before = target.audit_entries()[-1].seq
        old_phone = target.load().cadre("c1").phone
        change_phone(target, "c1", "13900000000")
        checkpoint = target.audit_checkpoint()
        assert checkpoint.seq == before + 1
        assert verify_audit(target, keys=given, against=[checkpoint]).ok
        cadres = RECORD_TABLES["cadres"]

        def restore(conn: Connection, old_phone: str = old_phone) -> None:
            conn.execute(
                update(cadres).where(cadres.c.id == "c1").values(phone=old_phone, version=1)
            )

        _cut_after(target, before, restore)
        assert verify_audit(target, keys=given).ok  # (without the checkpoint: unseen)
        found = verify_audit(target, keys=given, against=[checkpoint]).problems
        assert [(p.finding, p.seq) for p in found] == [("truncated", before + 1)]
        assert f"ends at entry {before}" in found[0].message.en


def test_a_checkpoint_catches_an_unmasked_export_erased_from_the_record(store: Store) -> None:
    """The issue's case: the record of a personal-data export, removed with the chain intact."""
    entry = store.log_event("xz", "export_unmasked", {"path": "/tmp/clear.xlsx"}, actor="某人")
    checkpoint = AuditCheckpoint.parse(store.audit_checkpoint().line())  # (as in the minutes)
    _cut_after(store, entry.seq - 1, lambda conn: None)
    assert verify_audit(store).ok  # an event changes no record: nothing else shows it
    assert findings(store, against=[checkpoint]) == [("truncated", entry.seq)]


def test_a_checkpoint_catches_a_rewrite_before_it_even_without_a_key(store: Store) -> None:
    checkpoint = store.audit_checkpoint()
    rewrite(store, _rename_actor(5))
    assert verify_audit(store).ok
    assert findings(store, against=[checkpoint]) == [("rewritten", checkpoint.seq)]


def test_a_checkpoint_catches_the_store_swapped_for_an_older_copy(store: Store) -> None:
    """Restoring yesterday's copy of the store is a truncation too."""
    checkpoint = store.audit_checkpoint()
    change_phone(store, "c1", "13900000000")
    later = store.audit_checkpoint()
    rewrite(store, lambda entries: [e for e in entries if e.seq <= checkpoint.seq])
    cadres = RECORD_TABLES["cadres"]
    with store.engine.begin() as conn:
        conn.execute(update(cadres).where(cadres.c.id == "c1").values(phone="", version=1))
    assert findings(store, against=[checkpoint]) == []
    assert findings(store, against=[checkpoint, later]) == [("truncated", later.seq)]


def test_a_checkpoint_of_another_store_or_a_hand_copied_prefix(
    store: Store, store_url: str
) -> None:
    checkpoint = store.audit_checkpoint()
    copied = AuditCheckpoint.parse(f"seq={checkpoint.seq} hash={checkpoint.hash[:16]}")
    assert verify_audit(store, against=[copied]).ok
    wrong = dataclasses.replace(copied, hash="f" * 16)
    assert findings(store, against=[wrong]) == [("rewritten", checkpoint.seq)]


# =============================================================================================
# Writers keep the trail signed
# =============================================================================================


def test_a_signed_trail_is_never_continued_unsigned_nor_with_an_unknown_key(keyed: Store) -> None:
    head = keyed.audit_entries()[-1].seq
    keyed.audit_keys = AuditKeys()
    with pytest.raises(AuditKeyError, match="no audit key is set"):
        change_phone(keyed, "c1", "13900000000")
    keyed.audit_keys = AuditKeys.parse(OTHER_KEY, source="test")
    with pytest.raises(AuditKeyError, match="not among the keys given"):
        change_phone(keyed, "c1", "13900000000")
    with pytest.raises(AuditKeyError):
        keyed.log_event("xz", "export_unmasked", {"path": "x"})
    assert keyed.audit_entries()[-1].seq == head  # nothing written
    assert verify_audit(keyed, keys=keys()).ok
