"""Parameters' effective dates at their edges: a value holds from its first day; the day before,
the earlier value. The order of precedence: the unit's own value (or the nearest unit above
it), the whole ledger's, a plugin's, the registered versions.

REGULATIONS.md: "Every value below is a parameter with the date from which it holds ... a year
must be judged by the rules in force then." The dates used: the branch regulation of
2018-10-28 (3-year terms), the constitution amendment of 2022-10-22 (5 years, unverified), the
over-quota rule of 2014-01 (from 2014-01-01).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from cadrecore.i18n import Text
from cadrecore.models import ParameterOverride
from cadrecore.rules.findings import ResolvedParameter
from cadrecore.rules.parameters import (
    LOCAL_DEFAULT_SOURCE,
    LOCAL_DEFAULTS_FROM,
    Parameter,
    ParameterResolver,
    ParameterTable,
    ParameterVersion,
    PluginOverride,
    applied_values,
    local_default,
    parameters_from_data,
    source_of,
)
from cadrecore.sample import small_ledger

BASE = small_ledger(2022)


def term() -> Parameter:
    """The branch committee's term: 3 years from the 2018 regulation, 5 from the 2022 amendment
    (listed newest first). Made in each test, not at import: scripts/mutation.py imports the
    test modules once, before any mutant is switched on."""
    return Parameter(
        key="branch.term_years",
        label=Text("任期", "term"),
        versions=(
            ParameterVersion(5, date(2022, 10, 22), "党章", "unverified"),
            ParameterVersion(3, date(2018, 10, 28), "条例"),
        ),
    )


@pytest.mark.parametrize(
    ("day", "value"),
    [
        (date(2018, 10, 27), None),  # before the first version
        (date(2018, 10, 28), 3),  # its first day
        (date(2022, 10, 21), 3),  # the day before the next
        (date(2022, 10, 22), 5),  # the next one's first day
        (date(2030, 1, 1), 5),
    ],
)
def test_a_version_holds_from_its_first_day(day: date, value: int | None) -> None:
    version = term().version_on(day)
    assert (version.value if version else None) == value


def test_versions_are_kept_in_date_order_and_never_two_from_one_day() -> None:
    assert [v.value for v in term().versions] == [3, 5]
    with pytest.raises(ValueError, match="no versions"):
        Parameter(key="x", label=Text("x", "x"), versions=())
    with pytest.raises(ValueError, match="two versions from the same date"):
        Parameter(
            key="x",
            label=Text("x", "x"),
            versions=(
                ParameterVersion(1, date(2020, 1, 1), "a"),
                ParameterVersion(2, date(2020, 1, 1), "b"),
            ),
        )


def _table(*overrides: PluginOverride) -> ParameterTable:
    table = ParameterTable()
    table.add(term(), plugin="builtin")
    for override in overrides:
        table.add_override(override, plugin="county_plugin")
    return table


def _override(value: int, since: date, unit: str | None = None, id: str = "o") -> ParameterOverride:
    return ParameterOverride(
        id=id,
        key="branch.term_years",
        value=value,
        effective_from=since,
        unit_id=unit,
        source="文件",
    )


def _resolve(
    day: date,
    *overrides: ParameterOverride,
    unit: str | None = None,
    table: ParameterTable | None = None,
) -> ResolvedParameter:
    ledger = BASE.replace(parameters=overrides)
    return ParameterResolver(table or _table(), ledger, day).resolve("branch.term_years", unit)


@pytest.mark.parametrize(
    ("day", "value", "since"),
    [
        (date(2018, 10, 27), 3, date(2018, 10, 28)),  # before the first rule: the earliest known
        (date(2018, 10, 28), 3, date(2018, 10, 28)),
        (date(2022, 10, 21), 3, date(2018, 10, 28)),
        (date(2022, 10, 22), 5, date(2022, 10, 22)),
    ],
)
def test_the_registered_value_on_a_day(day: date, value: int, since: date) -> None:
    found = _resolve(day)
    assert (found.value, found.effective_from, found.origin) == (value, since, "plugin:builtin")


@pytest.mark.parametrize(
    ("day", "value", "origin"),
    [
        (date(2023, 6, 30), 5, "plugin:builtin"),  # the day before the ledger's own value
        (date(2023, 7, 1), 4, "ledger"),  # its first day
        (date(2023, 7, 2), 4, "ledger"),
    ],
)
def test_a_ledgers_own_value_from_its_first_day(day: date, value: int, origin: str) -> None:
    found = _resolve(day, _override(4, date(2023, 7, 1)))
    assert (found.value, found.origin) == (value, origin)


def test_the_latest_of_a_ledgers_values_in_force() -> None:
    overrides = (
        _override(4, date(2023, 1, 1), id="a"),
        _override(6, date(2024, 1, 1), id="b"),
    )
    assert _resolve(date(2023, 12, 31), *overrides).value == 4
    assert _resolve(date(2024, 1, 1), *overrides).value == 6
    # in whatever order the ledger lists them
    assert _resolve(date(2024, 1, 1), *reversed(overrides)).value == 6


def test_a_units_own_value_then_the_nearest_unit_above_then_the_ledgers() -> None:
    overrides = (
        _override(4, date(2020, 1, 1), id="all"),
        _override(6, date(2020, 1, 1), unit="east", id="east"),
    )
    day = date(2023, 1, 1)
    assert _resolve(day, *overrides, unit="east").value == 6
    assert _resolve(day, *overrides, unit="east").unit_id == "east"
    assert _resolve(day, *overrides, unit="east.vcb").value == 6  # below east
    assert _resolve(day, *overrides, unit="west").value == 4  # another county: the ledger's
    assert _resolve(day, *overrides).value == 4
    # the unit's value not yet in force: the ledger's
    later = (overrides[0], _override(6, date(2023, 1, 2), unit="east", id="east"))
    assert _resolve(day, *later, unit="east").value == 4


def test_a_plugins_value_below_the_ledgers_above_the_registered() -> None:
    table = _table(PluginOverride("branch.term_years", 7, date(2023, 1, 1), "插件"))
    assert _resolve(date(2022, 12, 31), table=table).value == 5
    found = _resolve(date(2023, 1, 1), table=table)
    assert (found.value, found.origin, found.status) == (7, "plugin:county_plugin", "local")
    assert _resolve(date(2023, 1, 1), _override(4, date(2023, 1, 1)), table=table).value == 4
    # the latest of two plugin values in force
    table = _table(
        PluginOverride("branch.term_years", 8, date(2024, 1, 1), "b"),
        PluginOverride("branch.term_years", 7, date(2023, 1, 1), "a"),
    )
    assert _resolve(date(2023, 12, 31), table=table).value == 7
    assert _resolve(date(2024, 1, 1), table=table).value == 8


def test_resolved_values_are_remembered_and_listed_once() -> None:
    ledger = BASE.replace(parameters=())
    resolver = ParameterResolver(_table(), ledger, date(2023, 1, 1))
    assert resolver("branch.term_years") == 5
    assert resolver.on("branch.term_years", date(2020, 1, 1)) == 3
    assert resolver.on("branch.term_years", date(2021, 1, 1)) == 3  # the same value again
    assert resolver("branch.term_years", "east") == 5  # the same value for a unit
    applied = resolver.applied()
    assert [(p.value, p.effective_from, p.current) for p in applied] == [
        (3, date(2018, 10, 28), False),  # applied only for earlier days
        (5, date(2022, 10, 22), True),
    ]


def test_applied_values_mark_the_current_one() -> None:
    three = ResolvedParameter("k", 3, "plugin:builtin", date(2018, 10, 28), "s", "confirmed")
    judged = date(2023, 1, 1)
    found = applied_values(
        {("k", None, date(2020, 1, 1)): three, ("k", None, judged): three}, judged
    )
    assert [p.current for p in found] == [True]
    found = applied_values({("k", None, date(2020, 1, 1)): three}, judged)
    assert [p.current for p in found] == [False]


def test_unknown_keys_and_bad_registrations() -> None:
    from cadrecore.errors import PluginError, UnknownKeyError

    table = _table()
    with pytest.raises(UnknownKeyError, match="unknown parameter 'nope'"):
        table.get("nope")
    with pytest.raises(PluginError, match="registered by plugin 'builtin' and again"):
        table.add(term(), plugin="other")
    with pytest.raises(PluginError, match="expected a Parameter"):
        table.add("x", plugin="other")
    with pytest.raises(PluginError, match="overrides unknown parameter 'nope'"):
        table.add_override(PluginOverride("nope", 1, date(2020, 1, 1), "s"), plugin="p")
    with pytest.raises(PluginError, match="expected a PluginOverride"):
        table.add_override(1, plugin="p")


def test_parameters_from_plain_data() -> None:
    (read,) = parameters_from_data(
        [
            {
                "key": "a.b",
                "label_zh": "甲",
                "label_en": "A",
                "unit": "人",
                "versions": [
                    {"value": 2, "from": "2020-01-01", "source": {"zh": "文件", "en": "a paper"}},
                    {"value": 3, "from": date(2021, 1, 1), "source": "条例", "status": "local"},
                ],
                "description": {"zh": "说明", "en": "about"},
            }
        ]
    )
    assert (read.key, read.label, read.unit) == ("a.b", Text("甲", "A"), "人")
    assert read.description == Text("说明", "about")
    assert [(v.value, v.effective_from, v.source, v.status) for v in read.versions] == [
        (2, date(2020, 1, 1), Text("文件", "a paper"), "confirmed"),
        (3, date(2021, 1, 1), "条例", "local"),
    ]
    (bare,) = parameters_from_data(
        [
            {
                "key": "c",
                "label_zh": "丙",
                "label_en": "C",
                "versions": [{"value": 1, "from": "2020-01-01", "source": "s"}],
            }
        ]
    )
    assert (bare.unit, bare.description) == ("", None)


def test_sources_and_local_defaults() -> None:
    assert source_of("条例") == "条例"
    assert source_of({"zh": "甲", "en": "A"}) == Text("甲", "A")
    assert source_of({"zh": "甲"}) == "{'zh': '甲'}"
    (version,) = local_default(30)
    assert (version.value, version.effective_from, version.status) == (
        30,
        date(2018, 1, 1),
        "local",
    )
    assert date(2018, 1, 1) == LOCAL_DEFAULTS_FROM


# --- what a report lists of each value: where it came from, from when (issue #24) ------------


def _said(found: ResolvedParameter) -> tuple[object, ...]:
    return (
        found.key,
        found.value,
        found.origin,
        found.effective_from,
        found.source,
        found.status,
        found.unit_id,
    )


def test_what_a_resolved_value_says_of_its_origin() -> None:
    """Each value carries the date it holds from and its source, as the report shows them:
    the registered version's status; a ledger's or a plugin's own value is local practice."""
    day = date(2023, 7, 1)
    assert _said(_resolve(day)) == (
        "branch.term_years",
        5,
        "plugin:builtin",
        date(2022, 10, 22),
        "党章",
        "unverified",
        None,
    )
    assert _said(_resolve(date(2022, 1, 1))) == (
        "branch.term_years",
        3,
        "plugin:builtin",
        date(2018, 10, 28),
        "条例",
        "confirmed",
        None,
    )
    assert _said(_resolve(day, _override(4, date(2023, 7, 1), unit="east"), unit="east")) == (
        "branch.term_years",
        4,
        "ledger",
        date(2023, 7, 1),
        "文件",
        "local",
        "east",
    )
    table = _table(PluginOverride("branch.term_years", 7, date(2023, 1, 1), "插件"))
    assert _said(_resolve(day, table=table)) == (
        "branch.term_years",
        7,
        "plugin:county_plugin",
        date(2023, 1, 1),
        "插件",
        "local",
        None,
    )


def test_a_value_as_it_stood_on_an_earlier_day_for_a_unit() -> None:
    """``on`` for a unit: the unit's own value in force that day (east's 4 from 2020), not the
    whole ledger's (6)."""
    overrides = (
        _override(6, date(2020, 1, 1), id="all"),
        _override(4, date(2020, 1, 1), unit="east", id="east"),
    )
    resolver = ParameterResolver(_table(), BASE.replace(parameters=overrides), date(2023, 1, 1))
    assert resolver.on("branch.term_years", date(2021, 1, 1), "east") == 4
    assert resolver.on("branch.term_years", date(2021, 1, 1)) == 6
    assert resolver.on("branch.term_years", date(2019, 12, 31), "east") == 3  # neither yet


def test_a_units_and_the_ledgers_value_from_the_same_day_are_both_listed() -> None:
    """The same key from the same day for the whole ledger and for a unit: two values applied,
    each listed once (the report must not fail to order them)."""
    overrides = (
        _override(6, date(2020, 1, 1), id="all"),
        _override(4, date(2020, 1, 1), unit="east", id="east"),
    )
    resolver = ParameterResolver(_table(), BASE.replace(parameters=overrides), date(2023, 1, 1))
    assert resolver("branch.term_years", "east") == 4
    assert resolver("branch.term_years", "west") == 6
    assert resolver("branch.term_years") == 6
    listed = sorted((p.value, p.unit_id) for p in resolver.applied())
    assert listed == [(4, "east"), (6, None)]


def test_applied_values_are_the_current_one_whatever_order_they_were_resolved_in() -> None:
    """A value applied both for the day judged and for an earlier day is current, whichever
    was resolved first."""
    three = ResolvedParameter("k", 3, "plugin:builtin", date(2018, 10, 28), "s", "confirmed")
    judged = date(2023, 1, 1)
    for resolved in (
        {("k", None, judged): three, ("k", None, date(2020, 1, 1)): three},
        {("k", None, date(2020, 1, 1)): three, ("k", None, judged): three},
    ):
        assert [(p.value, p.current) for p in applied_values(resolved, judged)] == [(3, True)]


def test_values_that_differ_in_what_or_on_what_authority_are_two() -> None:
    """ "A value is what it is, where it came from, from when and for which unit": the same key,
    origin and date with another value, or another source, is listed apart, in an order that
    does not depend on the order they were resolved in."""
    judged = date(2023, 1, 1)
    three = ResolvedParameter("k", 3, "ledger", date(2020, 1, 1), "文件", "local")
    four = replace(three, value=4)
    other_source = replace(three, source="另一文件")
    orders = [
        [p.value for p in applied_values({("k", "a", judged): x, ("k", "b", judged): y}, judged)]
        for x, y in ((three, four), (four, three))
    ]
    assert sorted(orders[0]) == [3, 4] and orders[0] == orders[1]
    resolved = {("k", "a", judged): three, ("k", "b", judged): other_source}
    assert sorted(p.source for p in applied_values(resolved, judged)) == ["另一文件", "文件"]


def test_a_local_default_keeps_its_source() -> None:
    (version,) = local_default(30)
    assert version.source == LOCAL_DEFAULT_SOURCE
    assert "parameters.yaml" in LOCAL_DEFAULT_SOURCE
    (own,) = local_default(2, "某县通知")
    assert (own.value, own.effective_from, own.source, own.status) == (
        2,
        date(2018, 1, 1),
        "某县通知",
        "local",
    )


def test_a_plugins_parameter_key_of_one_word_is_put_in_its_namespace() -> None:
    """A plugin registers ``min_age``: it is ``<namespace>.min_age`` (the same parameter
    otherwise); a key with a dot, or one of cadrecore's own ("builtin"), is kept as it is,
    and then the parameter itself is given back."""
    local = replace(term(), key="min_age")
    qualified = local.in_namespace("kits")
    assert qualified.key == "kits.min_age"
    assert qualified.versions == local.versions and qualified.label == local.label
    assert local.key == "min_age"  # (a copy: the one registered is not changed)
    full = term()
    assert full.in_namespace("kits") is full
    assert local.in_namespace("builtin") is local
