"""A save that knows what changed writes what the full comparison writes (issue #26, item 2).

A ledger loaded from a store, changed and saved while nobody else saved, is written by looking
only at the records that are not the ones read (:mod:`cadrecore.store.changes`); otherwise, and
for a kind where that cannot be told cheaply, every row is read and compared, as before. Here
one store holds two copies of a ledger under two jurisdiction ids; both get the same edits, one
is saved the fast way and the other the full way, and everything the store holds afterwards is
compared: every column of every row, the save's counts, the audit entries, and the versions the
saved ledger stands on (so that a second round of edits, saved the same two ways, agrees too).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from cadrecore import Ledger
from cadrecore.models import RECORD_KINDS, Recognition
from cadrecore.sample import small_ledger
from cadrecore.store import SaveResult, Store, open_store, saving
from cadrecore.store.merging import StoreOrigin, store_origin
from cadrecore.store.schema import RECORD_TABLES

_ids = itertools.count(1)


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    opened = open_store(store_url)
    yield opened
    opened.close()


def recognition(rid: str, title: str) -> Recognition:
    return Recognition(id=rid, title=title, kind="honour", level="city", date=date(2022, 5, 1))


def starting(lid: str) -> Ledger:
    sample = small_ledger(2022)
    plain = Ledger(
        registry=sample.registry,
        **{name: getattr(sample, name) for name in Ledger.model_fields},
    )
    return plain.replace(
        jurisdiction=sample.jurisdiction.model_copy(update={"id": lid}),
        recognitions=tuple(recognition(f"r{i}", f"先进{i}") for i in range(4)),
    )


# --- edits, drawn by hypothesis ---------------------------------------------------------------

Edit = tuple[Any, ...]

edits = st.one_of(
    st.tuples(st.just("phone"), st.integers(0, 17), st.sampled_from(["13800000000", ""])),
    st.tuples(
        st.just("same"),
        st.sampled_from(["cadres", "activities", "memberships"]),
        st.integers(0, 16),
    ),
    st.tuples(
        st.just("swap"),
        st.sampled_from(["cadres", "recognitions", "activities"]),
        st.integers(0, 3),
        st.integers(0, 3),
    ),
    st.tuples(
        st.just("retitle"), st.integers(0, 3), st.text("先进集体个人", min_size=1, max_size=4)
    ),
    st.tuples(st.just("drop"), st.integers(0, 3)),
    st.tuples(st.just("add"), st.integers(0, 99), st.booleans()),
    st.tuples(st.just("until"), st.integers(0, 16), st.sampled_from([None, date(2022, 6, 30)])),
)


def edited(ledger: Ledger, edit: Edit) -> Ledger:
    what = edit[0]
    if what == "phone":
        _, i, phone = edit
        cadres = list(ledger.cadres)
        cadres[i] = cadres[i].model_copy(update={"phone": phone})
        return ledger.replace(cadres=tuple(cadres))
    if what == "same":  # an equal copy: not a change
        _, kind, i = edit
        records = list(ledger.records(kind))
        records[i] = records[i].model_copy()
        return ledger.replace(**{kind: tuple(records)})
    if what == "swap":
        _, kind, i, j = edit
        records = list(ledger.records(kind))
        if max(i, j) >= len(records):
            return ledger
        records[i], records[j] = records[j], records[i]
        return ledger.replace(**{kind: tuple(records)})
    if what == "retitle":
        _, i, title = edit
        records = list(ledger.recognitions)
        if i >= len(records):
            return ledger
        records[i] = records[i].model_copy(update={"title": title})
        return ledger.replace(recognitions=tuple(records))
    if what == "drop":
        _, i = edit
        records = list(ledger.recognitions)
        if i < len(records):
            del records[i]
        return ledger.replace(recognitions=tuple(records))
    if what == "add":  # a new one, at the end or at the start
        _, n, first = edit
        if any(r.id == f"n{n}" for r in ledger.recognitions):
            return ledger
        new = recognition(f"n{n}", f"新增{n}")
        records = (new, *ledger.recognitions) if first else (*ledger.recognitions, new)
        return ledger.replace(recognitions=records)
    if what == "until":
        _, i, until = edit
        records = list(ledger.memberships)
        records[i] = records[i].model_copy(update={"until": until})
        return ledger.replace(memberships=tuple(records))
    raise AssertionError(edit)


# --- what the store holds ---------------------------------------------------------------------


def rows_of(store: Store, lid: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the ledger in every table, without its ledger id, by position."""
    held: dict[str, list[tuple[Any, ...]]] = {}
    with store.reading() as conn:
        for kind in RECORD_KINDS:
            table = RECORD_TABLES[kind.name]
            columns = [c for c in table.c if c.name != "ledger_id"]
            query = select(*columns).where(table.c.ledger_id == lid).order_by(table.c.id)
            held[kind.name] = [tuple(row) for row in conn.execute(query)]
    return held


def entries_of(store: Store, lid: str, since: int) -> list[tuple[Any, ...]]:
    """The audit entries about the ledger after ``since``: what each says, in order, except
    deletions, whose order the full comparison takes from the database (sorted here)."""
    entries = [e for e in store.audit_entries(ledger_id=lid) if e.seq > since]
    said = [(e.action, e.kind, e.record_id, e.before, e.after) for e in entries]
    kept = [s for s in said if s[0] != "delete"]
    return kept + sorted(s for s in said if s[0] == "delete")


def counts(result: SaveResult) -> dict[str, Any]:
    return {
        "inserted": dict(result.inserted),
        "updated": dict(result.updated),
        "deleted": dict(result.deleted),
        "unchanged": dict(result.unchanged),
    }


def save_both_ways(
    store: Store, fast: Ledger, full: Ledger, monkeypatch: pytest.MonkeyPatch
) -> tuple[SaveResult, SaveResult, list[str]]:
    """Save ``fast`` knowing what changed, then ``full`` comparing every row; the kinds the
    fast save compared in full."""
    compared: list[str] = []
    original = saving.save_kind

    def spy(save: saving.SaveContext, kind: Any) -> None:
        compared.append(kind.name)
        original(save, kind)

    with monkeypatch.context() as patched:
        patched.setattr(saving, "save_kind", spy)
        fast_result = store.save(fast)
    with monkeypatch.context() as patched:
        patched.setattr(Store, "_changes_known", False)
        full_result = store.save(full)
    return fast_result, full_result, compared


def agree(store: Store, fast: Ledger, full: Ledger, since: int) -> None:
    a, b = fast.jurisdiction.id, full.jurisdiction.id
    assert rows_of(store, a) == rows_of(store, b)
    assert entries_of(store, a, since) == entries_of(store, b, since)
    origin_a, origin_b = store_origin(fast), store_origin(full)
    assert origin_a is not None and origin_b is not None
    assert {k: dict(v) for k, v in origin_a.versions.items() if k != "jurisdiction"} == {
        k: dict(v) for k, v in origin_b.versions.items() if k != "jurisdiction"
    }


def head(store: Store) -> int:
    entries = store.audit_entries()
    return entries[-1].seq if entries else 0


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rounds=st.lists(st.lists(edits, max_size=5), min_size=1, max_size=2))
def test_a_save_that_knows_what_changed_writes_what_the_full_comparison_writes(
    store: Store, monkeypatch: pytest.MonkeyPatch, rounds: list[list[Edit]]
) -> None:
    n = next(_ids)
    a, b = f"fast{n}", f"full{n}"
    store.save(starting(a))
    store.save(starting(b))
    fast, full = store.load(a), store.load(b)
    for edits_of_round in rounds:
        since = head(store)
        for edit in edits_of_round:
            fast, full = edited(fast, edit), edited(full, edit)
        fast_result, full_result, compared = save_both_ways(store, fast, full, monkeypatch)
        # nothing came between the fast ledger's read (or last save) and its save, and these
        # edits hold no natural key twice: no kind needed the full comparison
        assert compared == []
        assert counts(fast_result) == counts(full_result)
        assert fast_result.audit_entries == full_result.audit_entries
        agree(store, fast, full, since)
        # (the full save moved the trail on since the fast one: read both again)
        fast = store.load(a)
        full = store.load(b)


def test_a_change_saved_alone_writes_one_row_and_one_entry(store: Store) -> None:
    store.save(starting("one"))
    ledger = store.load("one")
    cadre = ledger.cadres[5]
    changed = ledger.with_records(cadre.model_copy(update={"phone": "13900000000"}))
    result = store.save(changed)
    assert result.changes == 1
    assert result.updated == {**{k.name: 0 for k in RECORD_KINDS}, "cadres": 1}
    assert [(e.action, e.record_id) for e in store.audit_entries(ledger_id="one")[-1:]] == [
        ("update", cadre.id)
    ]
    assert store.load("one").cadre(cadre.id).phone == "13900000000"
    # and the ledger saved knows its new versions: changed again, saved again
    again = changed.with_records(changed.cadre(cadre.id).model_copy(update={"phone": ""}))
    assert store.save(again).changes == 1
    assert store.load("one") == again


def test_a_save_after_someone_elses_compares_every_row(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.save(starting("mine"))
    mine, theirs = store.load("mine"), store.load("mine")
    theirs = edited(theirs, ("retitle", 0, "他人改的"))
    store.save(theirs)  # the trail moved on since "mine" was read
    mine = edited(mine, ("phone", 3, "13700000000"))
    _, _, compared = save_both_ways(store, mine, starting("other"), monkeypatch)
    assert "cadres" in compared and "recognitions" in compared
    # theirs is kept, mine is written: the merge, as before
    loaded = store.load("mine")
    assert loaded.recognitions[0].title == "他人改的"
    assert loaded.cadres[3].phone == "13700000000"


def test_rows_out_of_their_places_are_compared_in_full(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.save(starting("gaps"))
    table = RECORD_TABLES["recognitions"]
    with store.writing() as conn:  # positions 0, 2, 4, 6: the order holds, the places do not
        conn.execute(
            table.update().where(table.c.ledger_id == "gaps").values(position=table.c.position * 2)
        )
    ledger = store.load("gaps")
    origin = store_origin(ledger)
    assert origin is not None
    assert "recognitions" not in origin.placed and "cadres" in origin.placed
    ledger = edited(ledger, ("retitle", 1, "改"))
    _, _, compared = save_both_ways(store, ledger, starting("gaps2"), monkeypatch)
    assert compared == ["recognitions"]
    with store.reading() as conn:
        positions = conn.execute(
            select(table.c.position).where(table.c.ledger_id == "gaps").order_by(table.c.position)
        ).scalars()
        assert list(positions) == [0, 1, 2, 3]  # (the full comparison put them in place)
    reloaded = store_origin(store.load("gaps"))
    assert reloaded is not None and "recognitions" in reloaded.placed


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    edits_first=st.lists(edits, max_size=4),
    batch=st.sampled_from([saving.BULK_ROWS, 1, 3]),
)
def test_a_new_ledger_is_inserted_as_the_full_comparison_inserts_it(
    store: Store, monkeypatch: pytest.MonkeyPatch, edits_first: list[Edit], batch: int
) -> None:
    """A ledger new to the store is inserted in one pass a kind (``saving.insert_all``), a
    batch of ``batch`` rows at a time: the same rows, counts and audit entries as the
    record-by-record comparison gives."""
    n = next(_ids)
    a, b = starting(f"new{n}"), starting(f"old{n}")
    for edit in edits_first:
        a, b = edited(a, edit), edited(b, edit)
    since = head(store)
    with monkeypatch.context() as patched:
        patched.setattr(saving, "BULK_ROWS", batch)
        first = store.save(a)
    with monkeypatch.context() as patched:
        patched.setattr(saving, "save_kind", _without_insert_all(saving.save_kind))
        second = store.save(b)
    assert counts(first) == counts(second)
    assert rows_of(store, a.jurisdiction.id) == rows_of(store, b.jurisdiction.id)
    records_a, records_b = (
        [e for e in entries_of(store, lid, since) if e[1] != "jurisdiction"]  # (its own id)
        for lid in (a.jurisdiction.id, b.jurisdiction.id)
    )
    assert records_a == records_b


def _without_insert_all(save_kind: Any) -> Any:
    """``saving.save_kind`` as it was before a new ledger's kinds went to ``insert_all``: with
    an origin it never takes that way, so give it an empty one."""

    def compared(save: saving.SaveContext, kind: Any) -> None:
        if save.origin is None:
            save.origin = StoreOrigin(save.url, save.ledger_id, {}, {})
        save_kind(save, kind)

    return compared
