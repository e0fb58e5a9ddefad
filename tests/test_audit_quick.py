"""The quick verification of a sound store says what the careful one says (issue #26, item 3).

``verify_audit`` first checks a store the quick way (:mod:`cadrecore.store.verify_fast`) and
hands anything that is not as a sound store's to the careful way (:mod:`cadrecore.store.verify`),
which describes the damage. So two things must hold, on both backends: on sound stores of every
shape (records inserted, changed, deleted, moved; events; signed entries and a key rotation;
checkpoints; amounts; an empty trail) the quick way answers, and its answer equals the careful
one's field for field; and on a store changed behind the API's back in any cell, the quick way
either gives up or agrees with the careful way (which then finds nothing either).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from cadrecore import Ledger
from cadrecore.models import RECORD_KINDS
from cadrecore.sample import small_ledger
from cadrecore.store import AuditVerification, Store, open_store
from cadrecore.store import verify as careful_module
from cadrecore.store.audit_keys import KEY_ENV, KEY_FILE_ENV, AuditKey, AuditKeys
from cadrecore.store.schema import AUDIT_LOG, LEDGERS, RECORD_TABLES
from cadrecore.store.verify_fast import quick_verification

KEY_A = "a" * 8 + "-first-key-of-the-bureau-0123456789"
KEY_B = "b" * 8 + "-second-key-after-rotation-98765432"
_ids = itertools.count(1)


@pytest.fixture(autouse=True)
def _no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    opened = open_store(store_url)
    yield opened
    opened.close()


def quick(store: Store, keys: AuditKeys, **given: Any) -> AuditVerification | None:
    with store.reading() as conn:
        return quick_verification(
            conn,
            store.dialect,
            check_records=given.get("check_records", True),
            keys=keys,
            against=given.get("against", ()),
            progress=None,
        )


def careful(
    store: Store, keys: AuditKeys, monkeypatch: pytest.MonkeyPatch, **given: Any
) -> AuditVerification:
    with monkeypatch.context() as patched:
        patched.setattr(careful_module, "quick_verification", lambda *a, **k: None)
        return store.verify_audit(keys=keys, **given)


def same_answer(
    store: Store, keys: AuditKeys, monkeypatch: pytest.MonkeyPatch, **given: Any
) -> AuditVerification:
    found = quick(store, keys, **given)
    assert found is not None, "a sound store is verified the quick way"
    assert found == careful(store, keys, monkeypatch, **given)
    assert found.ok
    return found


def plain(ledger: Ledger, lid: str) -> Ledger:
    return Ledger(
        registry=ledger.registry,
        **{
            **{name: getattr(ledger, name) for name in Ledger.model_fields},
            "jurisdiction": ledger.jurisdiction.model_copy(update={"id": lid}),
        },
    )


def test_an_empty_trail(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    found = same_answer(store, AuditKeys(), monkeypatch)
    assert found.entries == 0 and found.records_checked == 0


def test_a_store_of_every_shape(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    lid = f"shape{next(_ids)}"
    store.save(plain(small_ledger(2022), lid))
    ledger = store.load(lid)
    cadres = list(ledger.cadres)
    cadres[2] = cadres[2].model_copy(update={"phone": "13800000000"})
    cadres[3], cadres[4] = cadres[4], cadres[3]
    grants = list(ledger.treatment_grants)
    grants[0] = grants[0].model_copy(update={"amount_yuan": Decimal("1234.5")})
    store.save(
        ledger.replace(
            cadres=tuple(cadres),
            treatment_grants=tuple(grants),
            activities=ledger.activities[1:],
        )
    )
    store.log_event(lid, "export", {"file": "名册.xlsx", "rows": 18})
    found = same_answer(store, AuditKeys(), monkeypatch)
    assert found.records_checked == 1 + sum(
        len(store.load(lid).records(k.name)) for k in RECORD_KINDS
    )
    # records only, the chain only, and against a checkpoint
    same_answer(store, AuditKeys(), monkeypatch, check_records=False)
    checkpoint = store.audit_checkpoint()
    same_answer(store, AuditKeys(), monkeypatch, against=[checkpoint])


def test_signed_entries_and_a_rotation(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    lid = f"signed{next(_ids)}"
    store.save(plain(small_ledger(2022), lid))  # unsigned first
    first = AuditKeys((AuditKey.from_text(KEY_A),))
    store.audit_keys = first
    ledger = store.load(lid)
    store.save(ledger.with_records(ledger.cadres[0].model_copy(update={"phone": "1"})))
    both = AuditKeys((AuditKey.from_text(KEY_A), AuditKey.from_text(KEY_B)))  # (B signs now)
    store.audit_keys = both
    ledger = store.load(lid)
    store.save(ledger.with_records(ledger.cadres[1].model_copy(update={"phone": "2"})))
    found = same_answer(store, both, monkeypatch)
    assert found.signed == 2 and len(found.key_ids) == 2
    # without the key that signed the last entry, the quick way gives up (the careful way
    # says which entries could not be checked)
    assert quick(store, first) is None
    assert quick(store, AuditKeys()) is not None or not careful(store, AuditKeys(), monkeypatch).ok


# --- cells changed behind the API's back --------------------------------------------------------

TABLES = ["audit_log", "cadres", "memberships", "treatment_grants", "ledgers", "activities"]
VALUES = st.one_of(
    st.none(),
    st.integers(-2, 3),
    st.sampled_from(["", "x", "2022-01-01", "2022-1-1", "1500", "1500.00", "[]", "{}", '"a"']),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    table=st.sampled_from(TABLES),
    row=st.integers(0, 200),
    column=st.integers(0, 40),
    value=VALUES,
)
def test_a_changed_cell_is_never_passed_over(
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
    table: str,
    row: int,
    column: int,
    value: Any,
) -> None:
    lid = f"cell{next(_ids)}"
    if lid == "cell1" or not store.ledger_ids():
        store.save(plain(small_ledger(2022), lid))
    tables = {"audit_log": AUDIT_LOG, "ledgers": LEDGERS}
    target = tables[table] if table in tables else RECORD_TABLES[table]
    columns = [c for c in target.c if c.name not in ("seq", "ledger_id", "id")]
    name = columns[column % len(columns)].name
    keys = list(target.primary_key.columns)
    with store.reading() as conn:
        picked = list(conn.execute(select(*keys, target.c[name])))
    if not picked:
        return
    *chosen, old = picked[row % len(picked)]
    where = " AND ".join(f"{k.name} = :k{i}" for i, k in enumerate(keys))
    params = {f"k{i}": v for i, v in enumerate(chosen)}

    def put(cell: Any) -> bool:
        try:
            with store.writing() as conn:
                conn.execute(
                    text(f'UPDATE {target.name} SET "{name}" = :v WHERE {where}'),
                    {**params, "v": cell},
                )
        except Exception:  # (a value PostgreSQL's column type refuses: nothing changed)
            return False
        return True

    if not put(value):
        return
    try:
        found = quick(store, AuditKeys())
        if found is not None:
            assert found == careful(store, AuditKeys(), monkeypatch)
        # whatever the quick way says, the whole verification says what the careful way says
        assert store.verify_audit(keys=AuditKeys()) == careful(store, AuditKeys(), monkeypatch)
    finally:  # (the store sound again for the next example)
        with store.writing() as conn:
            target_column = target.c[name]
            conn.execute(
                target.update()
                .where(*(k == v for k, v in zip(keys, chosen, strict=True)))
                .values({target_column: old})
            )
    assert same_answer(store, AuditKeys(), monkeypatch).ok
