"""A unit's view at its edges, on a small ledger written out record by record: for each kind,
one record just inside the view and one just outside, the expected ids written by hand from the
ownership rules of :mod:`cadrecore.scope` (its docstring, and docs/store.md).

The sample ledger's units: the city (root), its party committee (city.pc) and bureau
(city.vcb), and two counties, east and west, each with a bureau (east.vcb, west.vcb). Added
here: a township below east (east.town). The view of ``east`` holds S = {east, east.vcb,
east.town}; the units above it are the city's (its ancestor, and the city-level units).

These tests are the mutation target of :mod:`cadrecore.scope` (``tests/mutation.toml``): the
store's scoped load and the whole-city example (``tests/test_scope.py``) take minutes a run.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

import cadrecore
from cadrecore import Ledger
from cadrecore.i18n import Text
from cadrecore.models import (
    Activity,
    BranchAssessment,
    Cadre,
    Checklist,
    ChecklistEntry,
    Membership,
    Opinion,
    ParameterOverride,
    PartyGroup,
    PartyOrg,
    Programme,
    Project,
    Recognition,
    ServiceEvent,
    ServiceRecord,
    Theme,
    TreatmentGrant,
    TreatmentStandard,
    Unit,
    Waiver,
)
from cadrecore.rules import evaluate
from cadrecore.sample import small_ledger
from cadrecore.scope import (
    ScopedLedger,
    ScopeError,
    context_subjects,
    higher_levels,
    owned_keys,
    refuse_scoped_save,
    scope_ledger,
    scope_of,
    scope_records,
    scoped_report,
    view_title,
)

from .xinzhou_fixtures import department_pm

EAST_CADRES = {f"c{n:03d}" for n in range(13)}  # c000-c012: the sample's east cadres


def _cadre(id: str, county: str) -> Cadre:
    template = small_ledger(2022).cadre("c012")
    return template.model_copy(update={"id": id, "name": f"党员{id}", "county_id": county})


def _ledger() -> Ledger:
    """The sample ledger and, for each rule of ownership, a record on each side of it."""
    base = small_ledger(2022)
    registry = cadrecore.get_registry(department_pm())  # (a service type to record)
    town = Unit(id="east.town", name="东县某镇", level="township", kind="other", parent_id="east")
    empty = Unit(
        id="east.empty", name="东县某局", level="county", kind="department", parent_id="east"
    )
    units = (*base.units, town, empty)  # (east.empty: a unit no record names)
    cadres = (
        *base.cadres,
        _cadre("t1", "east.town"),  # a township's cadre: east's
        _cadre("e1", "east"),  # the mixed branch's secretary (east)
        _cadre("w1", "west"),  # its deputy (west)
    )
    mixed = base.branch("b.east").model_copy(
        update={
            "id": "b.mixed",
            "name": "跨县党支部",
            "secretary_id": "e1",
            "deputy_secretary_id": "w1",
            "committee_ids": (),
        }
    )
    memberships = (
        *base.memberships,
        Membership(cadre_id="t1", branch_id="b.east", since=date(2019, 1, 1)),
        Membership(cadre_id="e1", branch_id="b.mixed", since=date(2019, 1, 1)),
        Membership(cadre_id="w1", branch_id="b.mixed", since=date(2019, 1, 1)),
    )
    town_org = PartyOrg(id="town.org", name="镇党委", kind="primary_committee", unit_id="east.town")
    # b.east's general branch, under the city's working committee (pwc)
    general = PartyOrg(
        id="gb.east", name="东县党总支", kind="general_branch", unit_id="east.vcb", parent_id="pwc"
    )
    west_org = PartyOrg(id="west.org", name="西县党委", kind="primary_committee", unit_id="west")
    groups = (
        PartyGroup(id="g.east", name="一组", branch_id="b.east", member_ids=("c009", "c010")),
        PartyGroup(
            id="g.led",
            name="二组",
            branch_id="b.east",
            group_leader_id="c011",
            member_ids=("c011",),
        ),
        PartyGroup(id="g.west", name="西组", branch_id="b.west", member_ids=("c013",)),
        PartyGroup(id="g.mixed", name="混组", branch_id="b.mixed", member_ids=("e1",)),
    )
    assessments = (
        BranchAssessment(id="as.east", branch_id="b.east", year=2022, assessor_unit_id="city.pc"),
        BranchAssessment(id="as.west", branch_id="b.west", year=2022),
        BranchAssessment(id="as.mixed", branch_id="b.mixed", year=2022),
    )
    briefing = "six.2022.situation_briefing"  # the city committee's (city.pc), no attendees

    def act(id: str, **fields: Any) -> Activity:
        kind = "party_lecture" if "branch_id" in fields else "observation_tour"  # (a unit's)
        return Activity(id=id, activity_kind=kind, date=date(2022, 5, 1), **fields)

    activities = (
        *base.activities,
        act("a.east", branch_id="b.east", attendee_ids=("c009",), theme_id="th.city"),
        act("a.cross", branch_id="b.east", attendee_ids=("c009", "c013")),  # a west cadre there
        act("a.group", branch_id="b.east", group_id="g.east", attendee_ids=("c009",)),
        act("a.group.west", branch_id="b.west", group_id="g.west"),
        act("a.mixed.group", branch_id="b.mixed", group_id="g.mixed"),  # a branch not in view
        act("a.unit", owner_unit_id="east.vcb", attendee_ids=("c000",)),
        act("a.town", owner_unit_id="east.town"),
        act("a.city", owner_unit_id="city.vcb", attendee_ids=("c000",)),  # the city's own
        act("a.west", owner_unit_id="west.vcb", theme_id="th.west"),
    )
    opinions = (
        *base.opinions,  # op1: assigned to the city bureau
        Opinion(
            id="op.east",
            raised=date(2022, 1, 11),
            raised_at_id=briefing,
            raised_by="吴明玉",
            content="东县的意见",
            assigned_unit_id="east.vcb",
        ),
        Opinion(
            id="op.free",
            raised=date(2022, 3, 1),
            raised_by="吴明玉",
            content="来信",
            assigned_unit_id="east.town",
        ),
        Opinion(
            id="op.cross",
            raised=date(2022, 5, 1),
            raised_at_id="a.cross",
            raised_by="吴明玉",
            content="跨县活动上的意见",
            assigned_unit_id="east.vcb",
        ),
        Opinion(
            id="op.west",
            raised=date(2022, 5, 1),
            raised_at_id="a.west",
            raised_by="朱庆丽",
            content="西县",
            assigned_unit_id="west.vcb",
        ),
    )
    themes = (
        *base.themes,  # theme.2022: the city bureau's
        Theme(id="th.city", year=2022, title="市主题", owner_unit_id="city.pc"),
        Theme(id="th.west", year=2022, title="西县主题", owner_unit_id="west.vcb"),
        Theme(id="th.west.used", year=2022, title="西县主题二", owner_unit_id="west"),
        Theme(id="th.east", year=2022, title="东县主题", owner_unit_id="east.vcb"),
    )
    programmes = (
        Programme(id="pg.city", name="市计划", year=2022, owner_unit_id="city.vcb"),
        Programme(id="pg.west", name="西县计划", year=2022, owner_unit_id="west.vcb"),
        Programme(
            id="pg.west.used",
            name="西县计划二",
            year=2022,
            owner_unit_id="west.vcb",
            theme_id="th.west.used",
        ),
        Programme(id="pg.town", name="镇计划", year=2022, owner_unit_id="east.town"),
    )

    def project(id: str, county: str, leader: str, **fields: Any) -> Project:
        return Project(
            id=id,
            name=id,
            leader_id=leader,
            field="education_aid",
            county_id=county,
            from_year=2022,
            **fields,
        )

    projects = (
        project("p.east", "east", "c000", branch_id="b.team", programme_id="pg.west.used"),
        project("p.town", "east.town", "t1"),
        project("p.westleader", "east", "c013"),
        project("p.mixedbranch", "east", "c000", branch_id="b.mixed"),
        project("p.west", "west", "c013"),
    )
    details = {
        "doctor": "张医生",
        "clinic": "社区卫生服务中心",
        "contract_start": "2022-01-01",
        "contract_end": "2022-12-31",
        "visit_every_months": 3,
    }

    def service(id: str, cadre: str, provider: str) -> ServiceRecord:
        return ServiceRecord.model_validate(
            {
                "id": id,
                "service_type": "family_doctor.contract",
                "cadre_id": cadre,
                "provider_unit_id": provider,
                "requested": date(2022, 1, 5),
                "details": details,
            },
            context={"registry": registry},
        )

    services = (
        service("s.east", "c000", "city.vcb"),  # the city bureau serves an east cadre
        service("s.west", "c013", "west.vcb"),
    )
    events = (
        ServiceEvent(
            record_id="s.east", seq=1, to_state="requested", at=date(2022, 1, 5), actor="c000",
            role="cadre",
        ),
        ServiceEvent(
            record_id="s.west", seq=1, to_state="requested", at=date(2022, 1, 5), actor="c013",
            role="cadre",
        ),
    )  # fmt: skip
    standards = (
        *base.treatment_standards,  # std.city (everyone), std.east (east)
        TreatmentStandard(
            id="std.west",
            name="西县补贴",
            treatment_item="health_allowance",
            amount_yuan=Decimal("900"),
            applies_to_unit_id="west",
            effective_from=date(2017, 1, 1),
        ),
        TreatmentStandard(
            id="std.west.granted",
            name="西县另一补贴",
            treatment_item="health_allowance",
            amount_yuan=Decimal("800"),
            applies_to_unit_id="west",
            effective_from=date(2017, 1, 1),
        ),
    )
    grants = (
        *(g for g in base.treatment_grants if g.cadre_id != "c001"),
        TreatmentGrant(
            id="g.c001",
            cadre_id="c001",
            treatment_item="health_allowance",
            year=2022,
            standard_id="std.west.granted",  # an east cadre granted west's standard
            amount_yuan=Decimal("800"),
        ),
    )
    checklists = (
        *base.checklists,  # the city committee's six ones
        Checklist(
            id="east.list",
            name="东县清单",
            owner_unit_id="east.vcb",
            from_year=2022,
            items=(ChecklistEntry(item="six_ones.observation_tour", owner_unit_id="city.pc"),),
        ),
    )
    plans = (
        *base.plans,  # the city bureau's
        base.plans[0].model_copy(update={"id": "east.plan", "owner_unit_id": "east"}),
    )
    establishments = base.establishments  # city.vcb's and east.vcb's
    staff = (*base.staff, base.staff[0].model_copy(update={"id": "s.none", "name": "无编人员"}))
    recognitions = tuple(
        Recognition(id=id, title=id, kind="honour", level="city", date=date(2022, 6, 1), **fields)
        for id, fields in (
            ("r.unit", {"recipient_unit_id": "east.town"}),
            ("r.cadre", {"recipient_cadre_id": "c009"}),
            ("r.none", {}),
            ("r.west", {"recipient_unit_id": "west.vcb"}),
            ("r.westcadre", {"recipient_cadre_id": "c013"}),
        )
    )
    parameters = tuple(
        ParameterOverride(
            id=id, key="branch.min_full_members", value=3, effective_from=date(2020, 1, 1),
            source="文件", unit_id=unit,
        )
        for id, unit in (
            ("pa.all", None), ("pa.city", "city"), ("pa.east", "east"), ("pa.town", "east.town"),
            ("pa.west", "west"), ("pa.citypc", "city.pc"),
        )
    )  # fmt: skip

    def waiver(id: str, kind: str = "", subject: str = "") -> Waiver:
        return Waiver(
            id=id,
            rule="builtin::*",
            subject_kind=kind,
            subject_id=subject,
            effective_from=date(2022, 1, 1),
            reason="说明",
        )

    waivers = (
        waiver("w.none"),
        waiver("w.branch", "branches", "b.east"),
        waiver("w.westbranch", "branches", "b.west"),
        waiver("w.unit", "units", "east.town"),
        waiver("w.cityunit", "units", "city.vcb"),
        waiver("w.item", "checklist_items", "east.list:six_ones.observation_tour"),
        waiver("w.cityitem", "checklist_items", "six_ones:six_ones.report_hearing"),
        waiver("w.prefix", "branches", "b.east2"),  # an id that only starts like b.east
        waiver("w.unknown", "nonsense", "b.east"),
    )
    return Ledger(
        registry=registry,
        jurisdiction=base.jurisdiction,
        units=units,
        cadres=cadres,
        party_orgs=(*base.party_orgs, town_org, west_org, general),
        branches=(
            *(
                b.model_copy(update={"org_id": "gb.east"}) if b.id == "b.east" else b
                for b in base.branches
            ),
            mixed,
        ),
        memberships=memberships,
        party_groups=groups,
        branch_assessments=assessments,
        activities=activities,
        opinions=opinions,
        themes=themes,
        programmes=programmes,
        projects=projects,
        service_records=services,
        service_events=events,
        treatment_standards=standards,
        treatment_grants=grants,
        checklists=checklists,
        plans=plans,
        establishments=establishments,
        leadership_posts=base.leadership_posts,
        staff=staff,
        assignments=base.assignments,
        recognitions=recognitions,
        parameters=parameters,
        waivers=waivers,
    )


@pytest.fixture(scope="module")
def ledger() -> Ledger:
    return _ledger()


def _ids(view: dict[str, tuple[Any, ...]], kind: str) -> set[str]:
    return {r.id for r in view[kind]}


def test_cadres_branches_and_memberships(ledger: Ledger) -> None:
    view = scope_records(ledger, "east")
    assert _ids(view, "cadres") == EAST_CADRES | {"t1", "e1"}  # the township's too; not w1
    # b.mixed is an east branch whose deputy lives in west: in neither county's view
    assert _ids(view, "branches") == {"b.team", "b.east"}
    assert "b.mixed" not in _ids(scope_records(ledger, "west"), "branches")
    members = {(m.cadre_id, m.branch_id) for m in view["memberships"]}
    assert ("t1", "b.east") in members and ("e1", "b.mixed") not in members
    assert {b for _, b in members} == {"b.team", "b.east"}
    assert _ids(view, "party_groups") == {"g.east", "g.led"}
    assert _ids(view, "branch_assessments") == {"as.east"}


def test_activities_and_opinions(ledger: Ledger) -> None:
    view = scope_records(ledger, "east")
    activities = _ids(view, "activities")
    own = {"a.east", "a.group", "a.unit", "a.town"}
    assert own <= activities
    # a west cadre attending, a group not in view, another unit's, none at all: not in view
    assert not activities & {"a.cross", "a.mixed.group", "a.city", "a.west"}
    # the city's briefing where an east opinion was raised is in view; the other five of the
    # city's six ones are not
    assert "six.2022.situation_briefing" in activities
    assert not {a for a in activities if a.startswith("six.") and "briefing" not in a}
    assert _ids(view, "opinions") == {"op.east", "op.free"}  # not op.cross, op1, op.west


def test_policy_records(ledger: Ledger) -> None:
    view = scope_records(ledger, "east")
    # the city's themes (owned above), east's own, and west's theme of a programme in view
    assert _ids(view, "themes") == {"theme.2022", "th.city", "th.east", "th.west.used"}
    # the city's programme, the township's, and west's that an east project belongs to
    assert _ids(view, "programmes") == {"pg.city", "pg.town", "pg.west.used"}
    assert _ids(view, "projects") == {"p.east", "p.town"}
    assert _ids(view, "service_records") == {"s.east"}
    assert {e.record_id for e in view["service_events"]} == {"s.east"}
    assert _ids(view, "treatment_standards") == {"std.city", "std.east", "std.west.granted"}
    assert "g.c001" in _ids(view, "treatment_grants")
    assert {g.cadre_id for g in view["treatment_grants"]} <= EAST_CADRES
    assert _ids(view, "checklists") == {"east.list"}  # not the city committee's six ones
    assert _ids(view, "plans") == {"east.plan"}
    assert _ids(view, "establishments") == {"est.east.vcb"}
    assert _ids(view, "leadership_posts") == set()  # the city bureau's only
    assert _ids(view, "assignments") == {"as2"}
    assert _ids(view, "staff") == {"s2"}  # s.none has no assignment: seen from the root only
    assert _ids(view, "recognitions") == {"r.unit", "r.cadre", "r.none"}
    # the whole ledger's, east's and the township's, and those of the units above east
    assert _ids(view, "parameters") == {"pa.all", "pa.city", "pa.east", "pa.town"}


def test_waivers(ledger: Ledger) -> None:
    view = scope_records(ledger, "east")
    assert _ids(view, "waivers") == {"w.none", "w.branch", "w.unit", "w.item"}
    root = scope_records(ledger, "city")
    assert _ids(root, "waivers") == {w.id for w in ledger.waivers}


def test_party_organizations_and_units_for_context(ledger: Ledger) -> None:
    view = scope_records(ledger, "east")
    # the township's organization, b.east's general branch, and the city's working committee
    # above it (and b.team's own)
    assert _ids(view, "party_orgs") == {"town.org", "gb.east", "pwc"}
    west = scope_records(ledger, "west")
    assert _ids(west, "party_orgs") == {"west.org", "pwc"}  # b.west's, not b.east's
    # east's units, and the units records in view name with those above: the city bureau
    # (the working committee's unit, the service's provider, an owner of the city's themes and
    # programme), the city committee (the briefing's owner, the checklist entry's owner), and
    # west and its bureau (owners of the theme and programme an east project refers to)
    assert _ids(view, "units") == {
        "east",
        "east.vcb",
        "east.town",
        "east.empty",  # in S: in view, though no record names it
        "city",
        "city.vcb",
        "city.pc",
        "west",
        "west.vcb",
    }
    # a view holds together: it is a ledger (the cross-checks pass)
    assert scope_ledger(ledger, "east").counts()["units"] == 9


def test_the_units_of_a_township_view(ledger: Ledger) -> None:
    """A township's view: its own unit and cadre; the units above it (east, the city) as
    context; the parameters of the whole ledger and of every unit above it (not city.pc's: the
    city committee is no ancestor of the township); the themes and programmes of its units
    and of every unit of a higher level, counties included ("units of a higher level")."""
    view = scope_records(ledger, "east.town")
    assert _ids(view, "cadres") == {"t1"}
    assert _ids(view, "parameters") == {"pa.all", "pa.city", "pa.east", "pa.town"}
    assert _ids(view, "themes") == {"theme.2022", "th.city", "th.east", "th.west", "th.west.used"}
    assert _ids(view, "programmes") == {"pg.city", "pg.town", "pg.west", "pg.west.used"}
    assert _ids(view, "projects") == {"p.town"}
    assert _ids(view, "opinions") == {"op.free"}
    assert _ids(view, "activities") == {"a.town"}
    assert {"east", "city"} <= _ids(view, "units")


def test_the_root_sees_everything(ledger: Ledger) -> None:
    view = scope_records(ledger, "city")
    for kind in ("staff", "waivers", "cadres", "activities", "units"):
        assert len(view[kind]) == len(ledger.records(kind)), kind
    assert scope_ledger(ledger, "city") == ledger


def test_an_unknown_unit(ledger: Ledger) -> None:
    with pytest.raises(ScopeError, match=r"ledger 'sample' has no unit 'nowhere'"):
        scope_records(ledger, "nowhere")
    with pytest.raises(ScopeError) as error:
        owned_keys(ledger, "nowhere")
    assert "账册 sample 中没有单位 nowhere" in str(error.value)


def test_higher_levels() -> None:
    assert higher_levels("province") == ()
    assert higher_levels("city") == ("province",)
    assert higher_levels("county") == ("province", "city")
    assert higher_levels("township") == ("province", "city", "county")
    assert higher_levels("village") == ()  # not a level known: none above


def test_a_view_knows_its_scope(ledger: Ledger) -> None:
    view = scope_ledger(ledger, "east")
    assert isinstance(view, ScopedLedger) and view.scope == "east" and scope_of(view) == "east"
    assert scope_of(ledger) is None
    changed = view.replace(opinions=())
    assert isinstance(changed, ScopedLedger) and changed.scope == "east"
    assert changed.opinions == () and changed.cadres == view.cadres
    assert changed.registry is view.registry


def test_a_view_is_never_saved(ledger: Ledger) -> None:
    refuse_scoped_save(ledger)  # a whole ledger: nothing said
    with pytest.raises(ScopeError) as error:
        refuse_scoped_save(scope_ledger(ledger, "east"), "the folder x")
    said = str(error.value)
    assert "this ledger is the view of unit 'east'" in said
    assert "saving it to the folder x would delete every record outside that view" in said
    assert "此账册是单位 east 的视图" in said
    with pytest.raises(ScopeError, match="saving it to the store would"):
        refuse_scoped_save(scope_ledger(ledger, "east"))


def test_what_a_unit_owns(ledger: Ledger) -> None:
    """owned_keys: the records in view but the context (units outside, the city's working
    committee, themes, programmes, meetings and standards of other units) and what belongs to
    the whole ledger (parameters of no unit or a unit above, waivers and recognitions of no
    subject)."""
    owned = owned_keys(ledger, "east")
    assert owned["units"] == {"east", "east.vcb", "east.town", "east.empty"}
    assert owned["party_orgs"] == {"town.org", "gb.east"}
    assert owned["themes"] == {"th.east"}
    assert owned["programmes"] == {"pg.town"}
    assert owned["treatment_standards"] == {"std.east"}
    assert owned["parameters"] == {"pa.east", "pa.town"}
    assert owned["waivers"] == {"w.branch", "w.unit", "w.item"}
    assert owned["recognitions"] == {"r.unit", "r.cadre"}
    assert owned["activities"] == {"a.east", "a.group", "a.unit", "a.town"} | {
        a.id for a in ledger.activities if a.branch_id in ("b.team", "b.east") and a.id != "a.cross"
    }
    assert owned["cadres"] == EAST_CADRES | {"t1", "e1"}
    assert owned["checklists"] == {"east.list"}
    # the root owns every record
    root = owned_keys(ledger, "city")
    assert root["parameters"] == {p.id for p in ledger.parameters}
    assert root["units"] == {u.id for u in ledger.units}


def test_the_context_a_view_holds(ledger: Ledger) -> None:
    assert context_subjects(ledger) is None
    context = context_subjects(scope_ledger(ledger, "east"))
    assert context is not None
    assert context["units"] == {"city", "city.vcb", "city.pc", "west", "west.vcb"}
    assert context["party_orgs"] == {"pwc"}  # (gb.east is east.vcb's: its own)
    assert context["themes"] == {"theme.2022", "th.city", "th.west.used"}
    assert context["programmes"] == {"pg.city", "pg.west.used"}
    assert context["treatment_standards"] == {"std.city", "std.west.granted"}
    assert context["activities"] == {"six.2022.situation_briefing"}


def test_a_views_report_leaves_out_what_it_says_of_context(ledger: Ledger) -> None:
    """The city bureau serves east's cadres (context in east's view): a finding about the
    bureau is not the county's; findings about east's own records stay, as do the waived,
    occurrences and measures of its own."""
    view = scope_ledger(ledger, "east")
    whole_report = evaluate(ledger, year=2022)
    assert scoped_report(whole_report, ledger) is whole_report  # a whole ledger's: as it is
    report = evaluate(view, year=2022)  # (evaluate applies scoped_report to a view)
    context = context_subjects(view)
    assert context is not None
    for outcome in (*report.findings, *report.waived, *report.occurrences, *report.measures):
        assert outcome.subject.id not in context.get(outcome.subject.kind, frozenset())
    assert {o.subject.id for o in report.occurrences if o.subject.kind == "branches"} == {
        "b.team",
        "b.east",
    }
    assert scoped_report(report, view) == report


def test_the_title_of_a_view(ledger: Ledger) -> None:
    assert view_title(ledger) == "样例市"
    assert view_title(scope_ledger(ledger, "city")) == "样例市"
    assert view_title(scope_ledger(ledger, "east")) == "样例市东县"
    # a unit whose name holds the jurisdiction's is named alone
    assert view_title(scope_ledger(ledger, "city.vcb")) == "样例市委老干部局"


def test_a_views_report_keeps_only_what_it_says_of_its_own(ledger: Ledger) -> None:
    """scoped_report over a report written out: of each outcome about the city bureau (a unit
    the view holds as context) and about east's bureau (its own), the own one stays."""
    from cadrecore.rules import Finding, Measure, Occurrence, Report, Severity
    from cadrecore.rules.findings import Subject

    def outcomes(unit: str) -> tuple[Finding, Finding, Occurrence, Measure]:
        subject = Subject("units", unit)
        said = Text("说", "said")
        finding = Finding("r::x", Severity.ERROR, subject, "2022", "gap", said)
        waived = Finding("r::x", Severity.ERROR, subject, "2022", "gap", said, waived_by="w")
        occurrence = Occurrence("r::x", subject, "2022", None, "overdue")
        measure = Measure("r::x", "use", subject, 1, 2)
        return finding, waived, occurrence, measure

    city, own = outcomes("city.vcb"), outcomes("east.vcb")
    report = Report(
        jurisdiction="sample",
        year=2022,
        as_of=date(2022, 12, 31),
        rules_run=("r::x",),
        findings=(city[0], own[0]),
        waived=(city[1], own[1]),
        errored=(),
        occurrences=(city[2], own[2]),
        measures=(city[3], own[3]),
    )
    kept = scoped_report(report, scope_ledger(ledger, "east"))
    assert (kept.findings, kept.waived, kept.occurrences, kept.measures) == (
        (own[0],),
        (own[1],),
        (own[2],),
        (own[3],),
    )
    assert kept.rules_run == report.rules_run


def test_party_dues_and_reductions_of_the_views_members_in_its_branches() -> None:
    """The county "east" keeps dues (b.team, b.east) and b.team decided a reduction for c002:
    east's view holds every one of them; west's view none."""
    from cadrecore.models import DuesReduction

    from .rules_helpers import dues_of_the_year

    base = small_ledger(2022)
    reduced = DuesReduction(
        id="c002.reduction",
        cadre_id="c002",
        branch_id="b.team",
        from_month="2022-04",  # type: ignore[arg-type]
        exempt=True,
        decided_on=date(2022, 3, 18),
        decision_ref="书画团队党支部支委会会议纪要（2022年第3次）",
    )
    dues = dues_of_the_year(base)
    ledger = base.with_records(*dues, reduced)
    east = scope_records(ledger, "east")
    assert len(east["party_dues"]) == len(dues) == 13 * 12
    assert [r.id for r in east["dues_reductions"]] == ["c002.reduction"]
    west = scope_records(ledger, "west")
    assert west["party_dues"] == () and west["dues_reductions"] == ()


def test_dues_and_a_reduction_at_a_branch_out_of_view_are_in_no_countys_view(
    ledger: Ledger,
) -> None:
    """b.mixed (east's branch, its deputy w1 of west) is in neither county's view: e1 (east)
    paying dues there and a reduction it decided for e1, and w1 (west) paying there, are in
    neither view, though e1 is in east's and w1 in west's; the city (the root) sees them."""
    from cadrecore.models import DuesReduction, PartyDues

    def paid(cadre: str) -> PartyDues:
        return PartyDues(
            cadre_id=cadre,
            branch_id="b.mixed",
            year=2022,
            month=1,
            paid_yuan=Decimal("10"),
            pension_base_yuan=Decimal("2000"),
            paid_on=date(2022, 1, 10),
        )

    reduced = DuesReduction(
        id="e1.reduction",
        cadre_id="e1",
        branch_id="b.mixed",
        from_month="2022-04",  # type: ignore[arg-type]
        exempt=True,
        decided_on=date(2022, 3, 18),
        decision_ref="跨县党支部支委会会议纪要（2022年第1次）",
    )
    mixed = ledger.with_records(paid("e1"), paid("w1"), reduced)
    for county in ("east", "west"):
        view = scope_records(mixed, county)
        assert {(d.cadre_id, d.branch_id) for d in view["party_dues"]} & {
            ("e1", "b.mixed"),
            ("w1", "b.mixed"),
        } == set(), county
        assert "e1.reduction" not in _ids(view, "dues_reductions"), county
    root = scope_records(mixed, "city")
    assert {("e1", "b.mixed"), ("w1", "b.mixed")} <= {
        (d.cadre_id, d.branch_id) for d in root["party_dues"]
    }
    assert "e1.reduction" in _ids(root, "dues_reductions")


def test_the_climb_to_an_organizations_parent(ledger: Ledger) -> None:
    """The township's committee put under the city's working committee (pwc): the township's
    view holds its own committee and, climbing, pwc, which no branch in view names."""
    town_org = ledger.get("party_orgs", "town.org").model_copy(update={"parent_id": "pwc"})
    changed = ledger.replace(
        party_orgs=tuple(town_org if o.id == "town.org" else o for o in ledger.party_orgs)
    )
    assert _ids(scope_records(changed, "east.town"), "party_orgs") == {"town.org", "pwc"}
    assert _ids(scope_records(ledger, "east.town"), "party_orgs") == {"town.org"}


def test_a_view_keeps_the_ledgers_registry(ledger: Ledger) -> None:
    """The fixture's registry is the department plugins' (get_registry(department_pm())), not
    the one in force: the view is checked and judged with that same registry."""
    assert scope_ledger(ledger, "east").registry is ledger.registry
    assert scope_ledger(ledger, "west").registry is ledger.registry
