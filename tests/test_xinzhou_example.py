"""The Xinzhou example reproduces every figure of the source document, from data.

The numbers typed here are the source document's (``seed/000_a91272de37b786cb.txt``); the
figures script counts them from the ledger folder, and this test holds the two together. It
also rebuilds the folder from the generator and compares it byte for byte, checks the branch
rules the example promises to keep, and checks that the planted gaps listed in the example's
README are the only gaps of organizational life, of opinion handling and of the departments'
services (counted here without the rules, then found by them).
"""

from __future__ import annotations

import calendar
import importlib
import importlib.util
import math
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import cadrecore
from cadrecore.calendar import Period, add_working_days
from cadrecore.models import plain_details
from cadrecore.plugins import PluginManager
from cadrecore.rules import Severity, evaluate

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
LEDGER = EXAMPLES / "xinzhou"
YEAR = 2022
AS_OF = date(YEAR, 12, 31)
PLUGINS = {
    "art_academy": "cadrecore_art_academy",
    "medicine_kits": "cadrecore_medicine_kits",
    "family_doctor": "cadrecore_family_doctor",
    "order_service": "cadrecore_order_service",
}


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        f"xinzhou_example_{name}", EXAMPLES / f"{name}.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the script runs
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def pm() -> PluginManager:
    """The built-ins and the four department plugins, registered explicitly."""
    manager = cadrecore.new_plugin_manager(load_installed=False)
    for name, module_name in PLUGINS.items():
        manager.register(importlib.import_module(module_name), name=name)
    manager.check_pending()
    return manager


@pytest.fixture(scope="module")
def registry(pm: PluginManager) -> cadrecore.Registry:
    return cadrecore.get_registry(pm)


@pytest.fixture(scope="module")
def ledger(registry: cadrecore.Registry) -> cadrecore.Ledger:
    return cadrecore.load_ledger(LEDGER, registry=registry)


@pytest.fixture(scope="module")
def figures(ledger: cadrecore.Ledger) -> dict[str, Any]:
    result: dict[str, Any] = _script("xinzhou_figures").figures(ledger)
    return result


# ---------------------------------------------------------------------------------------------
# The source document's figures
# ---------------------------------------------------------------------------------------------


def test_fifteen_bureaus_all_kept(figures: dict[str, Any]) -> None:
    # 市、县15个老干部局全部保留并得到加强
    assert figures["veteran_cadre_bureaus"] == {"total": 15, "kept": 15, "city": 1, "county": 14}


def test_working_committee_posts(figures: dict[str, Any]) -> None:
    # 在市一级增设老干部工委、配备编制2名、科级职数1名
    committee = figures["working_committee"]
    assert committee["establishment"] == 2
    assert committee["section_posts"] == 1


def test_branches_by_type(figures: dict[str, Any]) -> None:
    # 团队支部62个、流动支部27个、网宣支部23个、社区支部53个、农村支部48个
    assert figures["branches"]["by_type"] == {
        "team": 62,
        "mobile": 27,
        "online_publicity": 23,
        "community": 53,
        "rural": 48,
    }
    assert figures["branches"]["total"] == 213
    assert set(figures["branches"]["ties"]) == {"place", "interest", "work"}  # 地缘 趣缘 业缘


def test_plan_targets_met_each_year(figures: dict[str, Any]) -> None:
    # 每年打造10个标准化活动场所和10个“三基建设”示范点 (3年规划)
    (plan,) = figures["plans"]
    for metric in ("standardized_venues", "demonstration_points"):
        assert plan["metrics"][metric]["by_year"] == {
            year: {"done": 10, "target": 10} for year in (2020, 2021, 2022)
        }


def test_six_ones_done_in_2022(figures: dict[str, Any]) -> None:
    # 每年听取一次汇报、召开一次情况通报会、组织一次领导组协调会、安排一次党性教育、
    # 部署一次观摩活动、开展一次集中走访慰问
    six = figures["six_ones"]
    assert (six["done"], six["total"]) == (6, 6)
    assert all(len(item["dates"]) == 1 for item in six["items"].values())
    assert six["items"]["six_ones.visits_condolences"]["dates"][0] <= f"{YEAR}-02-28"


def test_briefing_attended_by_all_four_leading_bodies(ledger: cadrecore.Ledger) -> None:
    # 四大班子相关领导全部参加; 市委书记李俊明, 市长郑连生
    (briefing,) = ledger.activities_of("situation_briefing", period=Period.year(YEAR))
    assert {body.value for body in briefing.bodies_present} == {
        "party_committee",
        "peoples_congress",
        "government",
        "cppcc",
    }
    names = {leader.name for leader in briefing.leaders}
    assert {"李俊明", "郑连生"} <= names


def test_one_theme_a_year(figures: dict[str, Any]) -> None:
    assert figures["themes"] == {
        2019: "人生设计",
        2020: "乐龄行动计划",
        2021: "行动学习法",
        2022: "培育时代老人",
    }


def _results(figures: dict[str, Any], name: str) -> dict[str, tuple[int, str, bool]]:
    results = figures["exemplars"][name]["results"]
    return {k: (v["value"], v["unit"], v["at_least"]) for k, v in results.items()}


def test_exemplars_results(figures: dict[str, Any]) -> None:
    zhang = figures["exemplars"]["张文翰"]
    assert (zhang["county"], zhang["field"]) == ("岢岚县", "poverty_alleviation")
    assert "花果山" in zhang["branch"]
    assert _results(figures, "张文翰") == {
        "people_mobilized": (108, "名", False),
        "funds_raised": (420_000, "元", False),
        "land_reclaimed": (470, "亩", False),
        "assets_donated": (6, "座", False),
        "experts": (29, "名", False),
        "teams": (4, "个", False),
    }
    lang = figures["exemplars"]["郎文"]
    assert (lang["county"], lang["field"]) == ("代县", "entrepreneurship")
    assert _results(figures, "郎文") == {
        "funds_raised": (500_000, "元", True),
        "trainees": (300, "人次", True),
    }
    shi = figures["exemplars"]["石建华"]
    assert (shi["county"], shi["field"]) == ("原平市", "education_aid")
    assert shi["branch"] == "原平市中国助学网智库党支部"
    assert _results(figures, "石建华") == {
        "funds_raised": (19_000_000, "元", True),
        "beneficiaries": (48_000, "人次", True),
        "years_active": (14, "年", False),
    }


def test_services_of_the_four_departments(figures: dict[str, Any]) -> None:
    services = figures["services"]
    assert set(services) == {
        "art_academy.enrolment",
        "medicine_kits.kit",
        "family_doctor.contract",
        "order_service.order",
    }
    assert {s["department"] for s in services.values()} == {
        "市供销社",
        "市煤炭局",
        "市委老干部局",
        "忻府区",
    }
    for service in services.values():
        assert 10 <= service["count"] <= 500
    states = Counter[str]()
    for service in services.values():
        states.update(service["by_state"])
    assert set(states) == {
        "requested",
        "accepted",
        "scheduled",
        "delivered",
        "rated",
        "cancelled",
        "declined",
    }


def test_promotions(figures: dict[str, Any]) -> None:
    # 提拔市委老干部局1名副局长担任事业单位一把手，2名优秀老干部工作者提拔重用
    promotions = figures["promotions"]
    assert promotions["deputy_director_to_institution_head"] == 1
    assert promotions["bureau_staff_promoted"] == 2


def test_recognitions(figures: dict[str, Any]) -> None:
    found = {(r["year"], r["level"], r["kind"]) for r in figures["recognitions"]}
    assert found == {
        (2016, "national", "honour"),  # 全国老干部工作先进集体
        (2017, "provincial", "onsite_meeting"),  # 全省…经验交流现场会在忻州召开
        (2018, "provincial", "instruction"),  # 省委书记骆惠宁特别批示
        (2021, "national", "media_coverage"),  # 《中国老年》杂志
        (2022, "national", "media_coverage"),  # 《中国老年报》头版头条
    }
    honour = next(r for r in figures["recognitions"] if r["kind"] == "honour")
    assert honour["title"] == "全国老干部工作先进集体"
    assert honour["recipient"] == "中共忻州市委老干部局"
    instruction = next(r for r in figures["recognitions"] if r["kind"] == "instruction")
    assert instruction["recipient"] == "张文翰"


def test_treatment_follows_the_higher_standard(figures: dict[str, Any]) -> None:
    treatment = figures["treatment"]
    assert treatment["several_standards"] > 0
    assert treatment["higher"] == treatment["several_standards"]


# ---------------------------------------------------------------------------------------------
# The generator and the ledger's shape
# ---------------------------------------------------------------------------------------------


def _ledger_files(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.name.startswith(".") and path.suffix != ".md":
            yield path.relative_to(folder)


def test_the_generator_reproduces_the_folder_byte_for_byte(
    registry: cadrecore.Registry, tmp_path: Path
) -> None:
    build = _script("build_xinzhou")
    rebuilt = build.build_ledger(registry).save(tmp_path / "xinzhou")
    committed = list(_ledger_files(LEDGER))
    stale = "examples/xinzhou is stale: run `python examples/build_xinzhou.py` and commit it"
    assert committed == list(_ledger_files(rebuilt)), stale
    assert "ledger.yaml" in {str(p) for p in committed}
    for relative in committed:
        same = (LEDGER / relative).read_bytes() == (rebuilt / relative).read_bytes()
        assert same, f"{relative}: {stale}"


def test_the_folder_stays_small(ledger: cadrecore.Ledger) -> None:
    size = sum((LEDGER / p).stat().st_size for p in _ledger_files(LEDGER))
    assert size < 4 * 1024 * 1024
    assert 3000 <= len(ledger.cadres) <= 4500


def test_full_coverage(ledger: cadrecore.Ledger) -> None:
    # 实现了党组织全覆盖: every living party member in exactly one branch
    in_branches = Counter(
        m.cadre_id
        for m in ledger.memberships
        if (m.since is None or m.since <= AS_OF) and (m.until is None or m.until > AS_OF)
    )
    members = ledger.party_members(on=AS_OF)
    assert members
    assert all(in_branches[c.id] == 1 for c in members)
    assert all(ledger.cadre(cadre_id).alive_on(AS_OF) for cadre_id in in_branches)


def test_branches_keep_the_branch_rules(ledger: cadrecore.Ledger) -> None:
    for branch in ledger.branches:
        members = ledger.members_of(branch.id, on=AS_OF)
        full = [c for c in members if c.party_status is not None and c.party_status.value == "full"]
        assert len(full) >= 3 and len(members) <= 50, branch.id
        if len(full) >= 7:
            assert 3 <= len(branch.committee_ids) <= 5, branch.id
            assert set(branch.committee_ids) <= {c.id for c in members}, branch.id
        else:
            assert branch.committee_ids == (), branch.id
        assert branch.secretary_id is not None
        assert ledger.cadre(branch.secretary_id).age_on(AS_OF) <= 75, branch.id
        assert branch.committee_elected is not None
        assert date(2020, 1, 1) <= branch.committee_elected <= date(2022, 6, 30), branch.id
        if branch.branch_type == "mobile":
            assert all(c.living_away for c in members), branch.id
        assert branch.synthetic


def test_cadres_are_consistent(ledger: cadrecore.Ledger) -> None:
    lixiu = [c for c in ledger.cadres if c.retirement_kind.value == "lixiu"]
    assert lixiu and all(c.joined_work <= date(1949, 9, 30) for c in lixiu)
    assert all(1925 <= c.birth_date.year <= 1931 and c.revolution_period for c in lixiu)
    assert any(c.national_id for c in ledger.cadres)
    assert any(c.deceased for c in ledger.cadres)
    assert any(not c.is_party_member for c in ledger.cadres)
    assert all(c.exemption_reason for c in ledger.cadres if c.health_exempt)
    assert all(c.synthetic for c in ledger.cadres)
    dead = {c.id for c in ledger.cadres if not c.alive_on(AS_OF)}
    assert not dead & {m.cadre_id for m in ledger.memberships}


# ---------------------------------------------------------------------------------------------
# Organizational life and opinions: the planted gaps, and nothing else
# ---------------------------------------------------------------------------------------------

PLANTED = {
    ("themed_party_day", "xz.ningwu.b03", "2022-08"),
    ("themed_party_day", "xz.baode.b09", "2022-11"),
    ("general_meeting_quorum", "xz.hequ.b10.gm.2022q3", "2022-Q3"),
    ("opinion_late", "xz.op.2022.07", "41 days"),
    ("kit_medicine_expiring", "xz.kit.0218", "硝酸甘油 2023-02-26"),
    ("order_not_served", "xz.order.0191", "legal_aid 2022-11-20"),
    ("order_stuck", "xz.order.0191", "accepted 2022-11-20"),
    ("dues_unpaid", "xz.pianguan.c0095", "2022-08 2022-09"),
    ("dues_unpaid", "xz.pianguan.c0056", "2022-11"),
    ("dues_short", "xz.pianguan.c0011", "2022-07 50.54 25.27"),
}


def _gaps(ledger: cadrecore.Ledger) -> set[tuple[str, str, str]]:
    gaps: set[tuple[str, str, str]] = set()
    for branch in ledger.branches:
        held: dict[str, list[cadrecore.models.Activity]] = {}
        for activity in ledger.activities_of(period=Period.year(YEAR), branch_id=branch.id):
            held.setdefault(activity.activity_kind, []).append(activity)
        for month in range(1, 13):
            in_month = Period.month(YEAR, month)
            if not any(a.date in in_month for a in held.get("themed_party_day", ())):
                gaps.add(("themed_party_day", branch.id, f"{YEAR}-{month:02d}"))
            if branch.has_committee:
                meetings = [a for a in held.get("committee_meeting", ()) if a.date in in_month]
                if not any((a.attendance or 0) > len(branch.committee_ids) / 2 for a in meetings):
                    gaps.add(("committee_meeting", branch.id, f"{YEAR}-{month:02d}"))
        for quarter in range(1, 5):
            period = Period.quarter(YEAR, quarter)
            meetings = [a for a in held.get("general_meeting", ()) if a.date in period]
            for meeting in meetings:
                members = ledger.members_of(branch.id, on=meeting.date)
                able = [c for c in members if not c.health_exempt]
                present = set(meeting.attendee_ids)
                assert present <= {c.id for c in members}, meeting.id
                if len(present) * 2 <= len(able):
                    gaps.add(("general_meeting_quorum", meeting.id, f"{YEAR}-Q{quarter}"))
            if not meetings:
                gaps.add(("general_meeting", branch.id, f"{YEAR}-Q{quarter}"))
            if not any(a.date in period for a in held.get("party_lecture", ())):
                gaps.add(("party_lecture", branch.id, f"{YEAR}-Q{quarter}"))
        q4 = Period.quarter(YEAR, 4)
        if not any(a.date in q4 for a in held.get("org_life_meeting", ())):
            gaps.add(("org_life_meeting", branch.id, str(YEAR)))
        for kind in ("democratic_appraisal", "heart_to_heart"):
            if not held.get(kind):
                gaps.add((kind, branch.id, str(YEAR)))
    for opinion in ledger.opinions:
        deadline = opinion.raised + timedelta(days=30)
        if opinion.answered is None or opinion.answered > deadline:
            days = (opinion.answered - opinion.raised).days if opinion.answered else math.inf
            gaps.add(("opinion_late", opinion.id, f"{days} days"))
    return gaps | _service_gaps(ledger) | _dues_gaps(ledger)


def _dues_owed(base: Decimal) -> Decimal:
    """中组发〔2008〕3号 第五条: 0.5 % of a base of 5,000 yuan or less (5,000 included), else 1 %
    of the whole base; to the fen, half up."""
    rate = Decimal("0.005") if base <= Decimal("5000") else Decimal("0.01")
    return (base * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _dues_gaps(ledger: cadrecore.Ledger) -> set[tuple[str, str, str]]:
    """The members of the counties that keep dues who, in a month they were in their branch on
    its first day, paid nothing, or less than the rate (or their reduction) asks on the base
    last recorded, counted without the rule."""
    gaps: set[tuple[str, str, str]] = set()
    counties = {ledger.branch(d.branch_id).county_id for d in ledger.party_dues}
    paid = {(d.cadre_id, d.month): d for d in ledger.party_dues if d.year == YEAR}
    for m in ledger.memberships:
        if ledger.branch(m.branch_id).county_id not in counties:
            continue
        base: Decimal | None = None
        unpaid, short = [], []
        for month in range(1, 13):
            first = date(YEAR, month, 1)
            if not ((m.since or date.min) <= first < (m.until or date.max)):
                continue
            record = paid.get((m.cadre_id, month))
            if record is not None and record.pension_base_yuan is not None:
                base = record.pension_base_yuan
            assert base is not None, (m.cadre_id, month)  # every member's first month has one
            owed = _dues_owed(base)
            for r in ledger.dues_reductions:
                if r.cadre_id == m.cadre_id and r.from_month <= first <= (r.to_month or first):
                    owed = Decimal(0) if r.exempt else min(owed, r.reduced_to_yuan or owed)
            if record is None and owed:
                unpaid.append(f"{YEAR}-{month:02d}")
            elif record is not None and record.paid_yuan < owed:
                short.append(f"{YEAR}-{month:02d} {owed} {record.paid_yuan}")
        if unpaid:
            gaps.add(("dues_unpaid", m.cadre_id, " ".join(unpaid)))
        if short:
            gaps.add(("dues_short", m.cadre_id, " ".join(short)))
    return gaps


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _service_gaps(ledger: cadrecore.Ledger) -> set[tuple[str, str, str]]:
    """The departments' services, counted without the plugins' rules: kits in homes (no medicine
    expiring within 90 days, checked within 6 months), orders (served within their menu item's
    working days, none idle over 30 days), family-doctor contracts (a visit at most the agreed
    months plus 15 days after the last, renewals arranged 30 days ahead)."""
    gaps: set[tuple[str, str, str]] = set()
    done = ("delivered", "rated")
    for record in ledger.service_records_of("medicine_kits.kit"):
        if record.state.value not in done:
            continue
        for item in plain_details(record)["medicines"]:
            assert isinstance(item, str)
            name, _, expires = item.partition(":")
            if date.fromisoformat(expires) <= AS_OF + timedelta(days=90):
                gaps.add(("kit_medicine_expiring", record.id, f"{name} {expires}"))
        checked = plain_details(record).get("last_checked") or record.delivered
        assert isinstance(checked, str | date)
        last = date.fromisoformat(checked) if isinstance(checked, str) else checked
        if _add_months(last, 6) <= AS_OF:
            gaps.add(("kit_not_checked", record.id, str(last)))
    menu = {
        item.key: item.response_working_days
        for item in importlib.import_module(PLUGINS["order_service"]).MENU
    }
    moved: dict[str, date] = {}
    for event in ledger.service_events:
        moved[event.record_id] = max(event.at, moved.get(event.record_id, event.at))
    for record in ledger.service_records_of("order_service.order"):
        item = str(plain_details(record)["menu_item"])
        due = add_working_days(record.requested, menu[item])
        if record.state.value in done:
            assert record.delivered is not None
            if record.delivered > due:
                gaps.add(("order_late", record.id, str(record.delivered)))
        elif record.state.value not in ("cancelled", "declined"):
            if due <= AS_OF:
                gaps.add(("order_not_served", record.id, f"{item} {record.requested}"))
            if (AS_OF - moved[record.id]).days > 30:
                gaps.add(("order_stuck", record.id, f"{record.state.value} {moved[record.id]}"))
    contracts = ledger.service_records_of("family_doctor.contract")
    for record in contracts:
        d = plain_details(record)
        start, end = (date.fromisoformat(str(d[k])) for k in ("contract_start", "contract_end"))
        if record.state.value not in done or end < date(YEAR, 1, 1):
            continue
        raw = d["visits"]
        visits = [date.fromisoformat(str(v)) for v in raw] if isinstance(raw, list) else []
        every = int(str(d["visit_every_months"]))
        previous = start
        for visit in [*visits, None]:
            due = _add_months(previous, every)
            if due > end:
                break
            if (visit or AS_OF) > due + timedelta(days=15):
                gaps.add(("visit_late", record.id, str(due)))
            if visit is None:
                break
            previous = visit
        renewed = any(
            other.cadre_id == record.cadre_id
            and other.state.value not in ("cancelled", "declined")
            and str(plain_details(other)["contract_start"]) > str(d["contract_start"])
            for other in contracts
        )
        if start <= AS_OF <= end and (end - AS_OF).days <= 30 and not renewed:
            gaps.add(("renewal_due", record.id, str(end)))
    return gaps


def test_the_planted_gaps_are_the_only_ones(ledger: cadrecore.Ledger) -> None:
    assert _gaps(ledger) == PLANTED


def test_the_rules_find_the_planted_gaps_and_nothing_else(
    ledger: cadrecore.Ledger, pm: PluginManager
) -> None:
    report = evaluate(ledger, year=YEAR, pm=pm)
    assert not report.errored
    assert {(f.rule_id, f.subject.id) for f in report.findings} == {
        ("builtin::org_life.themed_party_day", "xz.ningwu.b03"),
        ("builtin::org_life.themed_party_day", "xz.baode.b09"),
        ("builtin::org_life.general_meeting", "xz.hequ.b10"),
        ("builtin::opinions.answered", "xz.op.2022.07"),
        ("medicine_kits::kit.expiring", "xz.kit.0218"),
        ("order_service::order.response_time", "xz.order.0191"),
        ("order_service::order.stuck", "xz.order.0191"),
        ("builtin::party_dues.paid", "xz.pianguan.c0095"),
        ("builtin::party_dues.paid", "xz.pianguan.c0056"),
        ("builtin::party_dues.paid", "xz.pianguan.c0011"),
        # not a gap: the care action's to-do list in the one county where it runs
        ("family_doctor::contract.coverage", "xz.xinfu"),
    }
    assert [f.subject.id for f in report.at_least(Severity.ERROR)] == ["xz.hequ.b10"]
    assert report.counts == {"info": 1, "warning": 9, "error": 1}
    (info,) = [f for f in report.findings if f.severity is Severity.INFO]
    assert info.rule_id == "family_doctor::contract.coverage"


def test_the_readme_lists_every_planted_gap() -> None:
    readme = (LEDGER / "README.md").read_text(encoding="utf-8")
    for _, record, _ in PLANTED:
        assert record in readme
    assert "one error and nine warnings" in readme
    assert "family_doctor::contract.coverage" in readme
