"""Properties over generated records and ledgers (hypothesis), with cadrecore's own strategies.

(a) a consistent ledger saved and loaded again is the same ledger; (b) loading damaged folder
input ends in a ``Ledger`` or a ``LedgerError``, never in another exception; (c) every record
round-trips through ``model_dump(mode="json")`` and ``model_validate``.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

import pytest
import yaml
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, Field

from cadrecore import (
    ActivityKind,
    BranchType,
    ChecklistItem,
    Ledger,
    LedgerError,
    ServiceType,
    Text,
    get_registry,
    hookimpl,
    load_ledger,
    new_plugin_manager,
    save_ledger,
)
from cadrecore import strategies as cst
from cadrecore.models import Cadre, RetirementKind, ServiceState
from cadrecore.models.cadres import national_id_check_char
from cadrecore.services import DEFAULT_LIFECYCLE, history_problems

# ---------------------------------------------------------------------------------------------
# A registry with a department's plugin: a branch type, an activity kind, a checklist item and
# two service types whose details have the usual field types
# ---------------------------------------------------------------------------------------------


class KitKind(StrEnum):
    HOME = "home"
    CAR = "car"


class KitDetails(BaseModel):
    kit_no: str
    medicines: int = Field(ge=1, le=50)
    kind: KitKind = KitKind.HOME
    checked: date | None = None
    cold_chain: bool = False


class DoctorDetails(BaseModel):
    doctor: str = Field(max_length=20)
    visits_per_year: int = Field(ge=0, le=12)
    fee_yuan: Decimal | None = None
    distance_km: float | None = None
    tier: Literal["社区", "县级", "市级"] = "社区"


class DepartmentPlugin:
    @staticmethod
    @hookimpl
    def register_branch_types(register: Callable[[BranchType], None]) -> None:
        register(BranchType(key="test_coal", label=Text("煤炭系统支部", "coal branch")))

    @staticmethod
    @hookimpl
    def register_activity_kinds(register: Callable[[ActivityKind], None]) -> None:
        register(ActivityKind(key="test_coal.kit_day", label=Text("药箱日", "kit day")))

    @staticmethod
    @hookimpl
    def register_checklist_items(register: Callable[[ChecklistItem], None]) -> None:
        register(
            ChecklistItem(
                key="test_coal.kits",
                label=Text("发放药箱", "hand out kits"),
                evidence_kind="test_coal.kit_day",
            )
        )

    @staticmethod
    @hookimpl
    def register_service_types(register: Callable[[ServiceType], None]) -> None:
        register(
            ServiceType(
                key="test_coal.kit",
                label=Text("急救药箱", "medicine kit"),
                department=Text("市煤炭局", "city coal bureau"),
                details=KitDetails,
                lifecycle=DEFAULT_LIFECYCLE.without(ServiceState.SCHEDULED),
            )
        )
        register(
            ServiceType(
                key="test_city.doctor",
                label=Text("家庭医生", "family doctor"),
                department=Text("老干部局", "bureau"),
                details=DoctorDetails,
            )
        )


_PM = new_plugin_manager(load_installed=False)
_PM.register(DepartmentPlugin, name="test_department")
REGISTRY = get_registry(_PM)
BUILTIN = get_registry(new_plugin_manager(load_installed=False))

PROPERTY = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@contextmanager
def scratch() -> Iterator[Path]:
    """A fresh folder per example (pytest's tmp_path is shared by all of a test's examples)."""
    folder = Path(tempfile.mkdtemp(prefix="cadrecore-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# (a) round trip through a ledger folder
# ---------------------------------------------------------------------------------------------


@PROPERTY
@given(ledger=cst.ledgers(REGISTRY))
def test_save_then_load_gives_the_same_ledger(ledger: Ledger) -> None:
    with scratch() as folder:
        path = save_ledger(ledger, folder / "ledger")
        loaded = load_ledger(path, registry=REGISTRY)
    for kind in type(ledger).model_fields:
        assert getattr(loaded, kind) == getattr(ledger, kind), kind
    assert loaded == ledger


@PROPERTY
@given(ledger=cst.ledgers(BUILTIN))
def test_save_then_load_with_the_builtins_only(ledger: Ledger) -> None:
    with scratch() as folder:
        loaded = load_ledger(save_ledger(ledger, folder / "ledger"), registry=BUILTIN)
    assert loaded == ledger


@settings(PROPERTY, max_examples=5)
@given(ledger=cst.ledgers())
def test_ledgers_default_to_the_process_registry(ledger: Ledger) -> None:
    assert ledger.registry is get_registry()
    assert {b.branch_type for b in ledger.branches} <= {t.key for t in get_registry().branch_types}


@settings(PROPERTY, max_examples=15)
@given(ledger=cst.ledgers(REGISTRY), again=cst.ledgers(REGISTRY))
def test_saving_over_an_older_save_leaves_no_trace_of_it(ledger: Ledger, again: Ledger) -> None:
    with scratch() as folder:
        save_ledger(again, folder / "ledger")
        loaded = load_ledger(save_ledger(ledger, folder / "ledger"), registry=REGISTRY)
    assert loaded == ledger


# ---------------------------------------------------------------------------------------------
# (b) damaged input ends in a Ledger or a LedgerError
# ---------------------------------------------------------------------------------------------

#: Numbers that once broke the loader: more digits than int() takes, and YAML literals
#: (binary, sexagesimal) that build an int too long for repr().
HUGE = ("9" * 5000, "-" + "9" * 400, "1e400", "0b" + "1" * 20000, "1:" + ":".join(["00"] * 3000))
NASTY_TEXT = st.one_of(
    st.sampled_from(HUGE),
    st.sampled_from(
        [
            "",
            " ",
            "是",
            "否",
            "None",
            "null",
            "~",
            "nan",
            "-1",
            "0",
            "2022-02-30",
            "2022年13月1日",
            "9999-12-31",
            "06-31",
            "政府:",
            ":",
            ";;;",
            '"',
            "\ufeff",
            "\x00",
            "{a: [}",
            "[[[[[[[[[[",
            "&a [*a]",
        ]
    ),
    st.text(max_size=30),
    st.from_regex(r"-?\d{1,30}(\.\d{1,10})?", fullmatch=True),
)
PLAIN_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**300), 10**300)
    | st.floats()
    | st.dates()
    | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
YAML_KEYS = st.sampled_from(["id", "year", "name", "format", "parent_id", "items", "zz_extra"])


@dataclass(frozen=True)
class Damage:
    """One way to damage a saved ledger folder; indexes are taken modulo what exists."""

    how: Literal["bytes", "truncate", "cell", "yaml_value", "yaml_line", "add", "delete"]
    file: int
    row: int = 0
    column: int = 0
    text: str = ""
    data: bytes = b""
    value: Any = None


#: Structural damage first: hypothesis draws the first alternatives most often.
DAMAGE = st.one_of(
    st.builds(
        Damage,
        how=st.just("yaml_line"),
        file=st.integers(0, 99),
        row=st.integers(0, 60),
        text=st.builds("{}: {}".format, YAML_KEYS, NASTY_TEXT),
    ),
    st.builds(
        Damage,
        how=st.just("cell"),
        file=st.integers(0, 99),
        row=st.integers(0, 20),
        column=st.integers(0, 40),
        text=NASTY_TEXT,
    ),
    st.builds(
        Damage,
        how=st.just("yaml_value"),
        file=st.integers(0, 99),
        row=st.integers(0, 20),
        column=st.integers(0, 40),
        value=PLAIN_VALUES,
    ),
    st.builds(
        Damage,
        how=st.just("add"),
        file=st.integers(0, 99),
        text=st.sampled_from(
            ["stray.csv", "services/unknown.csv", "services/test_coal.kit.csv", "cadres.csv"]
        ),
        data=st.binary(max_size=60) | st.just(b"id,name\nx,y\n"),
    ),
    st.builds(Damage, how=st.just("delete"), file=st.integers(0, 99)),
    st.builds(Damage, how=st.just("truncate"), file=st.integers(0, 99), row=st.integers(0, 99)),
    st.builds(Damage, how=st.just("bytes"), file=st.integers(0, 99), data=st.binary(max_size=80)),
)


def damage(root: Path, hurt: Damage) -> None:
    """Apply ``hurt`` to the folder at ``root`` (which files exist depends on earlier damage)."""
    files = sorted(p for p in root.rglob("*") if p.is_file())
    if not files:
        return
    file = files[hurt.file % len(files)]
    # text edits keep whatever bytes earlier damage left (surrogateescape)
    text = file.read_bytes().decode("utf-8", errors="surrogateescape")
    lines = text.split("\n")
    if hurt.how == "bytes":
        file.write_bytes(hurt.data)
    elif hurt.how == "truncate":
        data = file.read_bytes()
        file.write_bytes(data[: len(data) * hurt.row // 100])
    elif hurt.how == "delete":
        file.unlink()
    elif hurt.how == "add":
        target = root / hurt.text
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(hurt.data)
    elif hurt.how == "yaml_line":
        # after the line of a list item, indented as a key of that item: the line parses
        at = hurt.row % (len(lines) + 1)
        before = lines[at - 1] if at else ""
        indent = "  " if before.startswith(("- ", "  ")) else ""
        lines.insert(at, indent + hurt.text)
    elif hurt.how == "cell":
        row = lines[hurt.row % len(lines)].split(",")
        row[hurt.column % len(row)] = hurt.text
        lines[hurt.row % len(lines)] = ",".join(row)
    elif hurt.how == "yaml_value" and file.suffix == ".yaml":
        try:
            doc = yaml.safe_load(text)
        except (yaml.YAMLError, ValueError, RecursionError):
            return
        target = doc[hurt.row % len(doc)] if isinstance(doc, list) and doc else doc
        if isinstance(target, dict) and target:
            keys = sorted(target, key=str)
            target[keys[hurt.column % len(keys)]] = hurt.value
        lines = yaml.safe_dump(doc, allow_unicode=True).split("\n")
    if hurt.how in ("yaml_line", "cell", "yaml_value"):
        file.write_bytes("\n".join(lines).encode("utf-8", errors="surrogateescape"))


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    ledger=cst.ledgers(REGISTRY, max_cadres=3, max_activities=2),
    hurts=st.lists(DAMAGE, min_size=1, max_size=3),
)
def test_damaged_input_ends_in_a_ledger_or_a_ledger_error(
    ledger: Ledger, hurts: list[Damage]
) -> None:
    with scratch() as folder:
        path = save_ledger(ledger, folder / "ledger")
        for hurt in hurts:
            damage(path, hurt)
        try:
            loaded = load_ledger(path, registry=REGISTRY)
        except LedgerError as exc:
            assert exc.problems
            for problem in exc.problems:  # every problem renders, and says where it is
                assert problem.render("zh")
                assert problem.render("en")
                assert problem.location.file or problem.record_kind
        else:
            assert isinstance(loaded, Ledger)
            assert loaded.jurisdiction.root_unit_id in {u.id for u in loaded.units}


# ---------------------------------------------------------------------------------------------
# (c) every record round-trips through JSON
# ---------------------------------------------------------------------------------------------

RECORD_STRATEGIES: dict[str, st.SearchStrategy[Any]] = {
    "units": cst.units(),
    "establishments": cst.establishments(),
    "leadership_posts": cst.leadership_posts(),
    "staff": cst.staff_members(),
    "assignments": cst.assignments(),
    "cadres": cst.cadres(),
    "party_orgs": cst.party_orgs(),
    "branches": cst.branches(REGISTRY),
    "memberships": cst.memberships(),
    "party_groups": cst.party_groups(member_ids=("c1", "c2", "c3", "c4")),
    "activities": cst.activities(REGISTRY, groups=(("g1", "b1"),)),
    "branch_assessments": cst.branch_assessments(unit_ids=("u1",)),
    "party_dues": cst.party_dues(),
    "dues_reductions": cst.dues_reductions(),
    "checklist_entries": cst.checklist_entries(REGISTRY),
    "checklists": cst.checklists(REGISTRY),
    "plan_targets": cst.plan_targets(REGISTRY),
    "plans": cst.plans(REGISTRY),
    "themes": cst.themes(),
    "programmes": cst.programmes(),
    "project_results": cst.project_results(),
    "projects": cst.projects(),
    "service_records": cst.service_records(REGISTRY),
    "service_events": cst.service_events(),
    "opinions": cst.opinions(),
    "treatment_standards": cst.treatment_standards(),
    "treatment_grants": cst.treatment_grants(),
    "recognitions": cst.recognitions(),
    "parameters": cst.parameter_overrides(),
    "waivers": cst.waivers(),
    "jurisdiction": cst.jurisdictions(),
    "leader_presences": cst.leader_presences(),
}


@pytest.mark.parametrize("kind", sorted(RECORD_STRATEGIES))
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_every_record_round_trips_through_json(kind: str, data: st.DataObject) -> None:
    record = data.draw(RECORD_STRATEGIES[kind])
    dumped = record.model_dump(mode="json")
    again = type(record).model_validate(dumped, context={"registry": REGISTRY})
    assert again == record
    assert again.model_dump(mode="json") == dumped


def test_every_record_kind_has_a_strategy() -> None:
    kinds = {name for name in Ledger.model_fields if name != "jurisdiction"}
    assert kinds <= set(RECORD_STRATEGIES)


# ---------------------------------------------------------------------------------------------
# The strategies themselves: they reach the interesting cases
# ---------------------------------------------------------------------------------------------


def test_cadre_strategy_reaches_the_lixiu_cutoff() -> None:
    edge = find(
        cst.cadres(retirement_kinds=st.just(RetirementKind.LIXIU)),
        lambda c: c.joined_work >= date(1949, 9, 1),
    )
    assert edge.joined_work <= date(1949, 9, 30)


@settings(max_examples=50, deadline=None)
@given(cadre=cst.cadres())
def test_generated_cadres_hold_the_domain_rules(cadre: Cadre) -> None:
    if cadre.retirement_kind is RetirementKind.LIXIU:
        assert cadre.joined_work <= date(1949, 9, 30)
    else:
        assert cadre.revolution_period is None
    assert cadre.birth_date < cadre.joined_work <= cadre.retirement_date
    if cadre.national_id:
        assert cadre.national_id[17] == national_id_check_char(cadre.national_id[:17])
        assert cadre.national_id[6:14] == f"{cadre.birth_date:%Y%m%d}"


@PROPERTY
@given(ledger=cst.ledgers(REGISTRY))
def test_generated_service_histories_follow_their_lifecycle(ledger: Ledger) -> None:
    assert ledger.registry is REGISTRY
    for record in ledger.service_records:
        events = [e for e in ledger.service_events if e.record_id == record.id]
        lifecycle = REGISTRY.service_types.get(record.service_type).lifecycle
        assert history_problems(record, events, lifecycle) == []
        if events:
            assert events[-1].to_state is record.state


@settings(max_examples=30, deadline=None)
@given(details=cst.service_details(REGISTRY.service_types.get("test_city.doctor")))
def test_service_details_are_canonical(details: dict[str, Any]) -> None:
    assert DoctorDetails.model_validate(details).model_dump(mode="json") == details
    assert len(details["doctor"]) <= 20
    assert 0 <= details["visits_per_year"] <= 12
