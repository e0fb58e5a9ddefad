"""The fast paths behind the public API give what the plain, in-memory way gives.

Province scale (issue #7) needs shortcuts: a store load reads rows with the driver's cursor and
decodes them with generated code, a Ledger of already-built records skips a second validation,
and the ledger's lookups slice indexes by bisection. Each is checked here against the plain way
on random consistent ledgers: the ledger, the lookups and the whole evaluation report must be
the same.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cadrecore import Ledger, Period
from cadrecore.errors import LedgerError
from cadrecore.rules import evaluate
from cadrecore.store import open_store
from cadrecore.strategies import ledgers

EXAMPLES = int(os.environ.get("CADRECORE_FAST_PATH_EXAMPLES", "15"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
BIG = ledgers(max_cadres=12, max_branches=3, max_activities=10)
DAYS = st.dates(min_value=date(2019, 1, 1), max_value=date(2024, 12, 31))


def _fields(ledger: Ledger) -> dict[str, Any]:
    return {name: getattr(ledger, name) for name in type(ledger).model_fields}


def _validated(ledger: Ledger) -> Ledger:
    """The same ledger built the plain way: lists of records go through pydantic validation."""
    data = {
        name: list(value) if isinstance(value, tuple) else value
        for name, value in _fields(ledger).items()
    }
    return Ledger(registry=ledger.registry, **data)


@SETTINGS
@given(ledger=BIG, day=DAYS)
def test_a_ledger_of_built_records_equals_the_validated_one(ledger: Ledger, day: date) -> None:
    plain = _validated(ledger)
    fast = Ledger(registry=ledger.registry, **_fields(ledger))
    assert fast == plain
    assert fast.model_dump(mode="json") == plain.model_dump(mode="json")
    assert evaluate(fast, as_of=day).to_json() == evaluate(plain, as_of=day).to_json()


@SETTINGS
@given(ledger=BIG, data=st.data())
def test_a_broken_ledger_is_refused_the_same_way_on_both_paths(
    ledger: Ledger, data: st.DataObject
) -> None:
    """A duplicate id or a dangling reference: the same problems, fast path or not."""
    if not ledger.cadres or not ledger.memberships:
        return
    cadre = data.draw(st.sampled_from(ledger.cadres))
    membership = data.draw(st.sampled_from(ledger.memberships))
    dangling = membership.model_copy(update={"branch_id": "no.such.branch"})
    broken = _fields(ledger)
    broken["cadres"] = (*ledger.cadres, cadre)
    broken["memberships"] = (*ledger.memberships, dangling)
    problems = []
    for data_of in (broken, {k: list(v) if isinstance(v, tuple) else v for k, v in broken.items()}):
        with pytest.raises(LedgerError) as caught:
            Ledger(registry=ledger.registry, **data_of)
        problems.append(sorted(str(p) for p in caught.value.problems))
    assert problems[0] == problems[1]
    assert any("no.such.branch" in p for p in problems[0])


@SETTINGS
@given(ledger=BIG, days=st.lists(DAYS, min_size=1, max_size=4))
def test_indexed_lookups_equal_plain_filters(ledger: Ledger, days: list[date]) -> None:
    by_date = sorted(ledger.activities, key=lambda a: (a.date, a.id))
    kinds = sorted({a.activity_kind for a in ledger.activities})
    for start in days:
        for period in (Period(start, start), Period.month(start.year, start.month)):
            assert ledger.activities_of(period=period) == tuple(
                a for a in by_date if a.date in period
            )
            for kind in kinds:
                assert ledger.activities_of(kind, period=period) == tuple(
                    a for a in by_date if a.activity_kind == kind and a.date in period
                )
        for branch in ledger.branches:
            plain = tuple(
                ledger.cadre(m.cadre_id)
                for m in ledger.memberships
                if m.branch_id == branch.id
                and (m.since is None or m.since <= start)
                and (m.until is None or start < m.until)
            )
            assert ledger.members_of(branch.id, on=start) == plain
            assert ledger.members_of(branch.id) == tuple(
                ledger.cadre(m.cadre_id) for m in ledger.memberships if m.branch_id == branch.id
            )


@SETTINGS
@given(ledger=BIG, day=DAYS)
def test_the_store_fast_load_gives_the_in_memory_report(
    tmp_path_factory: pytest.TempPathFactory, ledger: Ledger, day: date
) -> None:
    path: Path = tmp_path_factory.mktemp("fast") / "store.sqlite"
    with open_store(path) as store:
        store.save(ledger)
        fast = store.load()
        careful = store.load(validate=True)
    assert fast == ledger == careful
    expected = evaluate(ledger, as_of=day).to_json()
    assert evaluate(fast, as_of=day).to_json() == expected
    assert evaluate(careful, as_of=day).to_json() == expected


def test_the_fast_load_reads_dates_lists_and_amounts_as_sqlalchemy_would(tmp_path: Path) -> None:
    """The rows the driver returns as text (SQLite dates, JSON lists) come back as values."""
    from cadrecore.sample import small_ledger

    ledger = small_ledger()
    with open_store(tmp_path / "s.sqlite") as store:
        store.save(ledger)
        loaded = store.load()
    assert loaded == ledger
    for original, back in zip(ledger.activities, loaded.activities, strict=True):
        assert type(back.date) is date
        assert back.attendee_ids == original.attendee_ids
        assert type(back.attendee_ids) is tuple
    for original_std, back_std in zip(
        ledger.treatment_standards, loaded.treatment_standards, strict=True
    ):
        assert back_std.amount_yuan == original_std.amount_yuan
