"""Audit keys (HMAC-signed entries, key ids, rotation) and checkpoints, through the API and the
``cadrecore audit`` commands (``verify``, ``checkpoint``, ``new-key``)."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, text
from typer.testing import CliRunner

from cadrecore import Ledger
from cadrecore.cli import app
from cadrecore.store import Store, open_store, verify_audit
from cadrecore.store.audit_keys import (
    KEY_ENV,
    KEY_FILE_ENV,
    AuditKey,
    AuditKeyError,
    AuditKeys,
    key_id_of,
)
from cadrecore.store.checkpoints import AuditCheckpoint, CheckpointError
from cadrecore.store.codec import canonical_json
from cadrecore.store.migrate import upgrade
from cadrecore.store.schema import AUDIT_LOG
from cadrecore.store.store import _engine, store_url

runner = CliRunner()
KEY_A = "a" * 8 + "-first-key-of-the-bureau-0123456789"
KEY_B = "b" * 8 + "-second-key-after-rotation-98765432"
OTHER = "c" * 8 + "-a-key-that-signed-nothing-here-0000"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    opened = open_store(store_url)
    yield opened
    opened.close()


def with_phone(ledger: Ledger, phone: str) -> Ledger:
    first = ledger.cadres[0]
    return ledger.replace(cadres=(first.model_copy(update={"phone": phone}), *ledger.cadres[1:]))


# =============================================================================================
# Keys
# =============================================================================================


def test_a_key_id_names_the_key_without_revealing_it() -> None:
    a, b = AuditKey.from_text(KEY_A), AuditKey.from_text(KEY_B)
    assert len(a.key_id) == 16 and int(a.key_id, 16) >= 0
    assert a.key_id != b.key_id and a.key_id == key_id_of(KEY_A.encode())
    assert a.key_id not in KEY_A and KEY_A not in repr(a) and KEY_A not in repr(AuditKeys((a,)))


def test_keys_are_read_from_text_a_file_or_the_environment(tmp_path: Path) -> None:
    keys = AuditKeys.parse(f"# the bureau's keys\n{KEY_A}\n\n{KEY_B}\n", source="t")
    assert keys.ids == (key_id_of(KEY_A.encode()), key_id_of(KEY_B.encode()))
    assert keys.current is not None and keys.current.secret == KEY_B.encode()
    path = tmp_path / "audit.key"
    path.write_text(f"{KEY_A}\n{KEY_B}\n", encoding="utf-8")
    assert AuditKeys.read(path).ids == keys.ids
    assert AuditKeys.from_env({KEY_FILE_ENV: str(path)}).ids == keys.ids
    assert AuditKeys.from_env({KEY_ENV: f"{KEY_A} {KEY_B}"}).ids == keys.ids
    assert not AuditKeys.from_env({})
    with pytest.raises(AuditKeyError, match="not both"):
        AuditKeys.from_env({KEY_ENV: KEY_A, KEY_FILE_ENV: str(path)})
    with pytest.raises(AuditKeyError, match="at least 32 characters"):
        AuditKeys.parse("short-key", source="t")
    with pytest.raises(AuditKeyError, match=r"missing\.key"):
        AuditKeys.from_env({KEY_FILE_ENV: str(tmp_path / "missing.key")})
    (tmp_path / "empty.key").write_text("# nothing yet\n", encoding="utf-8")
    with pytest.raises(AuditKeyError, match="holds no key"):
        AuditKeys.read(tmp_path / "empty.key")


def test_a_signed_entry_is_an_hmac_of_its_fields_and_key_id(
    store: Store, mini: Callable[..., Ledger]
) -> None:
    """The signed form, frozen: HMAC-SHA-256 under the key of the canonical JSON of the
    entry's ten fields and its key id (computed here with the standard library alone)."""
    store.audit_keys = AuditKeys.parse(KEY_A, source="t")
    store.save(mini(), actor="王科长")
    entry = store.audit_entries()[0]
    assert entry.key_id == key_id_of(KEY_A.encode())
    payload = {
        "seq": entry.seq,
        "at": entry.at.isoformat(timespec="microseconds"),
        "actor": entry.actor,
        "action": entry.action,
        "ledger_id": entry.ledger_id,
        "kind": entry.kind,
        "record_id": entry.record_id,
        "before": entry.before,
        "after": entry.after,
        "prev_hash": entry.prev_hash,
        "key_id": entry.key_id,
    }
    digest = hmac.new(KEY_A.encode(), canonical_json(payload).encode(), hashlib.sha256)
    assert entry.hash == digest.hexdigest()
    # the key is in no column of the database
    with store.reading() as conn:
        stored = conn.execute(AUDIT_LOG.select()).all()
    assert KEY_A not in repr(stored)


def test_rotating_keys(store: Store, mini: Callable[..., Ledger]) -> None:
    store.audit_keys = AuditKeys.parse(KEY_A, source="t")
    store.save(mini(), actor="王科长")
    rotated = AuditKeys.parse(f"{KEY_A}\n{KEY_B}", source="t")  # (the old key kept above)
    store.audit_keys = rotated
    store.save(with_phone(store.load(), "13900000000"), actor="李干事")
    a, b = rotated.ids
    signers = [e.key_id for e in store.audit_entries()]
    assert signers[-1] == b and set(signers[:-1]) == {a}
    both = verify_audit(store, keys=rotated)
    assert both.ok and both.signatures_checked == len(signers) and both.key_ids == (a, b)
    # the new key alone cannot vouch for the old key's entries
    new_only = verify_audit(store, keys=AuditKeys.parse(KEY_B, source="t"))
    assert [(p.finding, p.seq) for p in new_only.problems] == [("unknown_key", 1)]
    assert any("with none of the keys given" in s.en for s in new_only.statements) is False
    assert new_only.signatures_checked == 1  # (the new key's own entry)
    old_only = verify_audit(store, keys=AuditKeys.parse(OTHER, source="t"))
    assert any("with none of the keys given" in s.en for s in old_only.statements)
    # no key: nothing checked, and said so
    plain = verify_audit(store, keys=AuditKeys())
    assert plain.ok and plain.signatures_checked == 0
    assert any("not checked" in s.en for s in plain.statements)


def test_a_store_keeps_working_without_a_key(store: Store, mini: Callable[..., Ledger]) -> None:
    store.save(mini(), actor="王科长")
    assert {e.key_id for e in store.audit_entries()} == {None}
    result = verify_audit(store)
    assert result.ok and result.signed == 0
    assert any("rewritten" in s.en and "cannot be detected" in s.en for s in result.statements)


def test_a_key_set_after_unsigned_entries_vouches_for_them(
    store: Store, mini: Callable[..., Ledger]
) -> None:
    store.save(mini(), actor="王科长")
    unsigned = len(store.audit_entries())
    store.audit_keys = AuditKeys.parse(KEY_A, source="t")
    # (given a key, a trail with no signed entry yet is not vouched for: said as a problem)
    assert [p.finding for p in verify_audit(store).problems] == ["unsigned"]
    store.save(with_phone(store.load(), "13900000000"))
    result = verify_audit(store)
    assert result.ok and result.first_signed == unsigned + 1
    assert any(f"vouched for by entry {unsigned + 1}" in s.en for s in result.statements)


def _at_revision_0001(store_url: str) -> Store:
    """A store at revision 0001 holding the sample ledger (as ``tests/fixtures`` makes it)."""
    import importlib.util

    from cadrecore.sample import small_ledger

    spec = importlib.util.spec_from_file_location("maker", FIXTURES / "make_store_v0001.py")
    assert spec is not None and spec.loader is not None
    maker = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(maker)
    url = store_url_of(store_url)
    if url.get_backend_name() == "sqlite":
        Path(url.database or "").unlink()
    old = Store(_engine(url, echo=False))
    maker.fill_at_revision_0001(old, small_ledger(2022))
    return old


def test_a_store_from_before_the_audit_trail_upgrades_with_its_baseline_signed(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _at_revision_0001(store_url).close()
    monkeypatch.setenv(KEY_ENV, KEY_A)
    with open_store(store_url) as upgraded:
        entries = upgraded.audit_entries()
        assert {e.action for e in entries} == {"baseline"}
        assert {e.key_id for e in entries} == {key_id_of(KEY_A.encode())}
        assert upgraded.verify_audit().ok


def test_a_store_with_unsigned_entries_upgrades_and_goes_on_signed(store_url: str) -> None:
    """Revision 0003's entries (no key id column then) still verify after 0004, and a key set
    afterwards signs the entries that follow."""
    old = _at_revision_0001(store_url)
    upgrade(old, "0003")  # (its baseline entries: plain SHA-256, as 0003 wrote them)
    old.close()
    with open_store(store_url) as store:
        assert {e.key_id for e in store.audit_entries()} == {None}
        assert verify_audit(store).ok
        store.audit_keys = AuditKeys.parse(KEY_A, source="t")
        store.save(with_phone(store.load(), "13900000000"))
        result = verify_audit(store)
        assert result.ok and result.signed == 1


def store_url_of(url: str) -> Any:
    return store_url(url)


# =============================================================================================
# Checkpoints
# =============================================================================================


def test_a_checkpoint_in_its_two_forms(
    store: Store, mini: Callable[..., Ledger], tmp_path: Path
) -> None:
    store.save(mini(), actor="王科长")
    checkpoint = store.audit_checkpoint()
    head = store.audit_entries()[-1]
    assert (checkpoint.seq, checkpoint.hash, checkpoint.at) == (head.seq, head.hash, head.at)
    path = checkpoint.write(tmp_path / "2026-12.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == "cadrecore-audit-checkpoint/1"
    assert (data["seq"], data["hash"]) == (head.seq, head.hash)
    assert AuditCheckpoint.read(path) == checkpoint.__class__(
        checkpoint.seq,
        checkpoint.hash,
        AuditCheckpoint.parse(checkpoint.to_json()).at,
        AuditCheckpoint.parse(checkpoint.to_json()).taken,
        checkpoint.store,
        checkpoint.key_id,
    )
    line = checkpoint.line()
    assert line.startswith(f"cadrecore-audit-checkpoint seq={head.seq} hash={head.hash}")
    assert AuditCheckpoint.parse(line).hash == head.hash
    with pytest.raises(CheckpointError, match="already exists"):
        checkpoint.write(path)
    for bad, reason in (
        ("{", "not valid JSON"),
        ('{"seq": 3}', "no valid hash"),
        (f'{{"seq": -1, "hash": "{head.hash}"}}', "no valid seq"),
        ("seq=3 hash=abc", "no valid hash"),
        ("minutes of the meeting", "not a checkpoint"),
    ):
        with pytest.raises(CheckpointError, match=reason):
            AuditCheckpoint.parse(bad)


# =============================================================================================
# The commands
# =============================================================================================


def test_the_audit_commands(
    store: Store, store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """new-key, then an import signed with it, checkpoint -o, verify --against, a truncation
    caught, a rotation verified with --key-file."""
    from cadrecore.sample import small_ledger

    key_file = tmp_path / "keys" / "audit.key"
    key_file.parent.mkdir()
    made = runner.invoke(app, ["audit", "new-key", str(key_file), "--lang", "en"])
    assert made.exit_code == 0, made.output
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    (key,) = AuditKeys.read(key_file).keys
    assert key.key_id in made.output and key.secret.decode() not in made.output
    env = {KEY_FILE_ENV: str(key_file), "CADRECORE_LANG": "en"}

    monkeypatch.setenv(KEY_FILE_ENV, str(key_file))
    store.save(small_ledger(2022), actor="王科长")
    monkeypatch.delenv(KEY_FILE_ENV)
    checkpoint = tmp_path / "minutes" / "2026-12.json"
    checkpoint.parent.mkdir()
    noted = runner.invoke(
        app, ["audit", "checkpoint", "--store", store_url, "-o", str(checkpoint)], env=env
    )
    assert noted.exit_code == 0, noted.output
    assert "cadrecore-audit-checkpoint seq=" in noted.output and checkpoint.is_file()
    again = runner.invoke(
        app, ["audit", "checkpoint", "--store", store_url, "-o", str(checkpoint)], env=env
    )
    assert again.exit_code == 2 and "already exists" in again.output

    verified = runner.invoke(
        app, ["audit", "verify", "--store", store_url, "--against", str(checkpoint)], env=env
    )
    assert verified.exit_code == 0, verified.output
    assert "signatures checked with the key" in verified.output
    assert "checked against 1 checkpoint" in verified.output

    # rotation: a second key appended; the old one stays in the file
    runner.invoke(app, ["audit", "new-key", str(key_file)], env=env)
    old, new = AuditKeys.read(key_file).keys
    assert old == key
    monkeypatch.setenv(KEY_FILE_ENV, str(key_file))
    store.save(with_phone(store.load(), "13900000000"), actor="李干事")
    monkeypatch.delenv(KEY_FILE_ENV)
    assert store.audit_entries()[-1].key_id == new.key_id
    new_file = tmp_path / "keys" / "new.key"
    new_file.write_bytes(new.secret + b"\n")
    old_file = tmp_path / "keys" / "old.key"
    old_file.write_bytes(old.secret + b"\n")
    only_new = runner.invoke(
        app, ["audit", "verify", "--store", store_url], env={**env, KEY_FILE_ENV: str(new_file)}
    )
    assert only_new.exit_code == 1 and "which was not given" in only_new.output
    both = runner.invoke(
        app,
        ["audit", "verify", "--store", store_url, "--key-file", str(old_file)],
        env={**env, KEY_FILE_ENV: str(new_file)},
    )
    assert both.exit_code == 0, both.output

    # entries cut off the end after the checkpoint: only a later checkpoint would show it;
    # cut off before it: caught
    with store.engine.begin() as conn:
        if store.dialect == "postgresql":
            conn.execute(text("DROP TRIGGER audit_log_no_change ON audit_log"))
        else:
            conn.execute(text("DROP TRIGGER audit_log_no_delete"))
        conn.execute(delete(AUDIT_LOG).where(AUDIT_LOG.c.seq >= 3))
    cut = runner.invoke(
        app, ["audit", "verify", "--store", store_url, "--against", str(checkpoint)], env=env
    )
    assert cut.exit_code == 1 and "were cut off" in cut.output
    refused = runner.invoke(
        app, ["audit", "checkpoint", "--store", store_url, "-o", str(tmp_path / "x.json")], env=env
    )
    assert refused.exit_code == 1 and not (tmp_path / "x.json").exists()


def test_the_commands_say_what_is_wrong_with_their_inputs(store_url: str, tmp_path: Path) -> None:
    open_store(store_url).close()
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    (tmp_path / "short.key").write_text("too-short\n", encoding="utf-8")
    for args, env, said in (
        (["--against", str(tmp_path / "bad.json")], {}, "not valid JSON"),
        (["--against", str(tmp_path / "missing.json")], {}, "missing.json"),
        (["--key-file", str(tmp_path / "short.key")], {}, "at least 32 characters"),
        ([], {KEY_FILE_ENV: str(tmp_path / "missing.key")}, "missing.key"),
    ):
        result = runner.invoke(app, ["audit", "verify", "--store", store_url, *args], env=env)
        assert result.exit_code == 2, (args, result.output)
        assert said in result.output and "Traceback" not in result.output
    made = runner.invoke(app, ["audit", "new-key", str(tmp_path / "short.key")])
    assert made.exit_code == 2 and "at least 32 characters" in made.output
    folder = runner.invoke(app, ["audit", "new-key", str(tmp_path)])
    assert folder.exit_code == 2, folder.output


def test_writing_without_the_key_to_a_signed_store_is_refused_by_the_commands(
    store: Store, store_url: str, tmp_path: Path
) -> None:
    from cadrecore.sample import small_ledger

    store.audit_keys = AuditKeys.parse(KEY_A, source="t")
    store.save(small_ledger(2022), actor="王科长")
    before = len(store.audit_entries())
    result = runner.invoke(
        app,
        ["export", "--store", store_url, "-o", str(tmp_path / "clear.xlsx"), "--unmask"],
        env={"CADRECORE_LANG": "en"},
    )
    assert result.exit_code != 0 and "no audit key is set" in result.output, result.output
    assert "Traceback" not in result.output
    assert len(store.audit_entries()) == before
    with pytest.raises(AuditKeyError):
        store.audit_keys = None
        store.log_event(store.ledger_ids()[0], "export_unmasked", {"path": "x"})


def test_an_unmasked_export_the_audit_trail_refuses_leaves_no_file(
    store: Store, store_url: str, tmp_path: Path
) -> None:
    from cadrecore.sample import small_ledger

    store.audit_keys = AuditKeys.parse(KEY_A, source="t")
    store.save(small_ledger(2022), actor="王科长")
    out = tmp_path / "clear.xlsx"
    result = runner.invoke(app, ["export", "--store", store_url, "-o", str(out), "--unmask"])
    assert result.exit_code != 0
    assert not out.exists()
