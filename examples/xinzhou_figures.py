"""Print the source document's figures for Xinzhou, each one counted from the example ledger.

Nothing here knows the figures: :func:`figures` counts them from whatever ledger it is given
(15 bureaus, 213 branches by type, the plan against its targets, the "six ones", the themes,
the exemplars' results, the services, promotions, recognitions), so that a newcomer can check the
ledger against the text, and the tests can check the text against the ledger::

    python examples/xinzhou_figures.py                  # examples/xinzhou, zh-CN
    python examples/xinzhou_figures.py --json           # the same figures as JSON

The four department plugins must be installed (``pip install -e plugins/<name>``): the ledger
holds their service records, and the default registry finds them through their entry points.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import cadrecore
from cadrecore.models import Assignment, PostTier, ServiceState, UnitKind

HERE = Path(__file__).resolve().parent
DEFAULT_LEDGER = HERE / "xinzhou"
YEAR = 2022
PROMOTION_YEARS = (2019, 2022)  # "in the recent institutional reform": the years counted


def _holds(effective_from: date, effective_to: date | None, day: date) -> bool:
    return effective_from <= day and (effective_to is None or day <= effective_to)


def _bureaus(ledger: cadrecore.Ledger, day: date) -> dict[str, Any]:
    bureaus = [u for u in ledger.units if u.kind is UnitKind.VETERAN_CADRE_BUREAU]
    return {
        "total": len(bureaus),
        "kept": sum(1 for u in bureaus if u.active_on(day)),
        "city": sum(1 for u in bureaus if u.level.value == "city"),
        "county": sum(1 for u in bureaus if u.level.value == "county"),
    }


def _working_committee(ledger: cadrecore.Ledger, day: date) -> dict[str, Any]:
    committees = [
        u for u in ledger.units if u.kind is UnitKind.WORKING_COMMITTEE and u.level.value == "city"
    ]
    ids = {u.id for u in committees}
    return {
        "units": [u.name for u in committees],
        "establishment": sum(
            e.approved
            for e in ledger.establishments
            if e.unit_id in ids and _holds(e.effective_from, e.effective_to, day)
        ),
        "section_posts": sum(
            p.approved
            for p in ledger.leadership_posts
            if p.unit_id in ids
            and p.tier is PostTier.TOWNSHIP_SECTION
            and _holds(p.effective_from, p.effective_to, day)
        ),
    }


def _branches(ledger: cadrecore.Ledger) -> dict[str, Any]:
    by_type = Counter(b.branch_type for b in ledger.branches)
    ordered = {t.key: by_type.get(t.key, 0) for t in ledger.registry.branch_types}
    return {
        "by_type": ordered,
        "labels": {t.key: t.label.zh for t in ledger.registry.branch_types},
        "total": len(ledger.branches),
        "ties": dict(sorted(Counter(b.tie.value for b in ledger.branches).items())),
    }


def _plans(ledger: cadrecore.Ledger) -> list[dict[str, Any]]:
    result = []
    for plan in ledger.plans:
        metrics = {}
        for target in plan.targets:
            metric = ledger.registry.plan_metrics.get(target.metric)
            metrics[target.metric] = {
                "label": metric.label.zh,
                "unit": metric.unit.zh,
                "by_year": {
                    year: {"done": metric.measure(ledger, year), "target": target.per_year}
                    for year in range(plan.from_year, plan.to_year + 1)
                },
            }
        result.append({"id": plan.id, "name": plan.name, "metrics": metrics})
    return result


def _checklist(ledger: cadrecore.Ledger, checklist_id: str, year: int) -> dict[str, Any]:
    """Each item of a checklist in ``year``: done when an activity of its evidence kind, held by
    its owner within the year and by its due date, with the required leading bodies present."""
    checklist = ledger.get("checklists", checklist_id)
    items = {}
    for entry in checklist.items:
        item = ledger.registry.checklist_items.get(entry.item)
        due = (entry.due or item.default_due).in_year(year)
        owner = entry.owner_unit_id or checklist.owner_unit_id
        evidence = [
            a
            for a in ledger.activities_of(
                item.evidence_kind, period=cadrecore.Period.year(year), unit_id=owner
            )
            if a.date <= due and set(item.required_bodies) <= a.bodies_present
        ]
        items[entry.item] = {
            "label": item.label.zh,
            "due": due.isoformat(),
            "done": bool(evidence),
            "dates": [a.date.isoformat() for a in evidence],
            "evidence": [a.id for a in evidence],
        }
    return {
        "id": checklist.id,
        "name": checklist.name,
        "year": year,
        "items": items,
        "done": sum(1 for i in items.values() if i["done"]),
        "total": len(items),
    }


def _exemplars(ledger: cadrecore.Ledger) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for project in ledger.projects:
        leader = ledger.cadre(project.leader_id)
        result[leader.name] = {
            "county": ledger.unit(project.county_id).name,
            "field": project.field.value,
            "field_label": project.field.zh,
            "project": project.name,
            "branch": ledger.branch(project.branch_id).name if project.branch_id else None,
            "results": {
                r.metric.value: {
                    "value": r.value,
                    "unit": r.unit,
                    "at_least": r.at_least,
                    "label": r.metric.zh,
                }
                for r in project.results
            },
        }
    return result


def _services(ledger: cadrecore.Ledger) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for service_type in ledger.registry.service_types:
        records = ledger.service_records_of(service_type.key)
        if not records:
            continue
        result[service_type.key] = {
            "label": service_type.label.zh,
            "department": service_type.department.zh,
            "plugin": ledger.registry.service_types.owner(service_type.key),
            "count": len(records),
            "by_state": dict(sorted(Counter(r.state.value for r in records).items())),
            "cadres": len({r.cadre_id for r in records}),
        }
    return result


def _previous(ledger: cadrecore.Ledger, assignment: Assignment) -> Assignment | None:
    """The staff member's assignment just before ``assignment``."""
    earlier = [
        a
        for a in ledger.assignments
        if a.staff_id == assignment.staff_id
        and a.id != assignment.id
        and a.start < assignment.start
    ]
    return max(earlier, key=lambda a: a.start, default=None)


def _promotions(ledger: cadrecore.Ledger) -> dict[str, Any]:
    first, last = PROMOTION_YEARS
    to_institution_head: list[str] = []
    bureau_staff: list[str] = []
    for a in ledger.assignments:
        if not a.promotion or not first <= a.start.year <= last:
            continue
        before = _previous(ledger, a)
        if before is None:
            continue
        unit, was_in = ledger.unit(a.unit_id), ledger.unit(before.unit_id)
        if (
            unit.kind is UnitKind.PUBLIC_INSTITUTION
            and a.grade is not None
            and a.grade.value == "chief"
            and was_in.kind is UnitKind.VETERAN_CADRE_BUREAU
            and was_in.level.value == "city"
            and before.grade is not None
            and before.grade.value == "deputy"
        ):
            to_institution_head.append(a.id)
        elif was_in.kind is UnitKind.VETERAN_CADRE_BUREAU:
            bureau_staff.append(a.id)
    return {
        "deputy_director_to_institution_head": len(to_institution_head),
        "bureau_staff_promoted": len(bureau_staff),
        "assignments": to_institution_head + bureau_staff,
    }


def _recognitions(ledger: cadrecore.Ledger) -> list[dict[str, Any]]:
    return [
        {
            "date": r.date.isoformat(),
            "year": r.date.year,
            "kind": r.kind.value,
            "level": r.level.value,
            "title": r.title,
            "recipient": (
                ledger.unit(r.recipient_unit_id).name
                if r.recipient_unit_id
                else ledger.cadre(r.recipient_cadre_id).name
                if r.recipient_cadre_id
                else ""
            ),
        }
        for r in sorted(ledger.recognitions, key=lambda r: (r.date, r.id))
    ]


def _coverage(ledger: cadrecore.Ledger, day: date) -> dict[str, Any]:
    members = ledger.party_members(on=day)
    branch_count = Counter(
        m.cadre_id
        for m in ledger.memberships
        if (m.since is None or m.since <= day) and (m.until is None or day < m.until)
    )
    return {
        "party_members": len(members),
        "in_one_branch": sum(1 for c in members if branch_count[c.id] == 1),
        "in_no_branch": sum(1 for c in members if branch_count[c.id] == 0),
        "in_several": sum(1 for c in members if branch_count[c.id] > 1),
    }


def _themes(ledger: cadrecore.Ledger) -> dict[int, str]:
    return {t.year: t.title for t in sorted(ledger.themes, key=lambda t: t.year)}


def _treatment(ledger: cadrecore.Ledger) -> dict[str, Any]:
    """Grants where several standards applied, and how many followed the higher one."""
    standards = {s.id: s for s in ledger.treatment_standards}
    several = higher = 0
    for grant in ledger.treatment_grants:
        cadre = ledger.cadre(grant.cadre_id)
        day = date(grant.year, 1, 1)
        applicable = [
            s
            for s in standards.values()
            if s.treatment_item == grant.treatment_item and s.applies_to(cadre, day)
        ]
        if len(applicable) > 1:
            several += 1
            higher += grant.amount_yuan >= max(s.amount_yuan for s in applicable)
    return {"grants": len(ledger.treatment_grants), "several_standards": several, "higher": higher}


def figures(ledger: cadrecore.Ledger, year: int = YEAR) -> dict[str, Any]:
    """Every figure of the source document, counted from ``ledger`` as of the end of ``year``."""
    day = date(year, 12, 31)
    checklist = next(
        (c.id for c in ledger.checklists if c.holds_in(year)),
        None,
    )
    return {
        "year": year,
        "jurisdiction": ledger.jurisdiction.name,
        "cadres": len(ledger.cadres),
        "veteran_cadre_bureaus": _bureaus(ledger, day),
        "working_committee": _working_committee(ledger, day),
        "branches": _branches(ledger),
        "coverage": _coverage(ledger, day),
        "plans": _plans(ledger),
        "six_ones": _checklist(ledger, checklist, year) if checklist else None,
        "themes": _themes(ledger),
        "exemplars": _exemplars(ledger),
        "services": _services(ledger),
        "promotions": _promotions(ledger),
        "recognitions": _recognitions(ledger),
        "treatment": _treatment(ledger),
    }


_KIND_ZH = {"honour": "荣誉", "onsite_meeting": "现场会", "media_coverage": "媒体报道",
            "instruction": "领导批示"}  # fmt: skip
_LEVEL_ZH = {"national": "全国", "provincial": "省级", "city": "市级"}


def report_lines(f: dict[str, Any]) -> Iterator[str]:
    """The figures as zh-CN lines for the terminal."""
    yield f"{f['jurisdiction']}老干部工作数字（由账册统计，截至 {f['year']}-12-31，老干部 {f['cadres']} 人）"
    b = f["veteran_cadre_bureaus"]
    yield "一、健全机构"
    yield f"  市、县老干部局：{b['total']} 个（市级 {b['city']}，县级 {b['county']}；机构改革后保留 {b['kept']} 个）"
    w = f["working_committee"]
    yield f"  市老干部工委：编制 {w['establishment']} 名，科级职数 {w['section_posts']} 名"
    br = f["branches"]
    yield "二、老干部党组织"
    for key, count in br["by_type"].items():
        yield f"  {br['labels'][key]}：{count} 个"
    yield f"  合计：{br['total']} 个"
    c = f["coverage"]
    yield (
        f"  党组织覆盖：在世党员 {c['party_members']} 人，编入一个支部 {c['in_one_branch']} 人，"
        f"未编入 {c['in_no_branch']} 人，重复编入 {c['in_several']} 人"
    )
    for plan in f["plans"]:
        yield f"  {plan['name']}："
        for metric in plan["metrics"].values():
            for year, v in metric["by_year"].items():
                yield f"    {year} 年 {metric['label']}：{v['done']} / 目标 {v['target']} {metric['unit']}"
    s = f["six_ones"]
    if s:
        yield f"三、{s['name']}（{s['year']} 年）：完成 {s['done']} / {s['total']} 项"
        for item in s["items"].values():
            when = "、".join(item["dates"]) or "未完成"
            yield f"  {item['label']}：{when}（时限 {item['due']}）"
    yield "四、一年一个主题"
    for year, title in f["themes"].items():
        yield f"  {year} 年：{title}"
    yield "五、杰出带头人"
    for name, e in f["exemplars"].items():
        results = "；".join(
            f"{r['label']} {r['value']} {r['unit']}{'以上' if r['at_least'] else ''}"
            for r in e["results"].values()
        )
        yield f"  {name}（{e['county']}，{e['field_label']}）：{results}"
    yield "六、“五化”建设：部门服务"
    for svc in f["services"].values():
        states = "，".join(f"{ServiceState(k).zh} {v}" for k, v in svc["by_state"].items())
        yield f"  {svc['label']}（{svc['department']}）：{svc['count']} 条，服务 {svc['cadres']} 人（{states}）"
    p = f["promotions"]
    yield "七、配强班子"
    yield f"  提拔市委老干部局副局长担任事业单位一把手：{p['deputy_director_to_institution_head']} 名"
    yield f"  优秀老干部工作者提拔重用：{p['bureau_staff_promoted']} 名"
    t = f["treatment"]
    yield (
        f"  待遇就高不就低：{t['grants']} 笔发放中 {t['several_standards']} 笔适用多项标准，"
        f"{t['higher']} 笔按较高标准"
    )
    yield "八、荣誉与报道"
    for r in f["recognitions"]:
        yield (
            f"  {r['year']} 年 {_LEVEL_ZH[r['level']]}{_KIND_ZH[r['kind']]}：{r['title']}"
            + (f"（{r['recipient']}）" if r["recipient"] else "")
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="忻州示例账册的原文数字 / the seed's figures")
    parser.add_argument("ledger", nargs="?", type=Path, default=DEFAULT_LEDGER)
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    args = parser.parse_args(argv)
    registry = cadrecore.get_registry()
    needed = ("art_academy.enrolment", "medicine_kits.kit", "family_doctor.contract",
              "order_service.order")  # fmt: skip
    missing = [key for key in needed if key not in registry.service_types]
    if missing:
        print(
            "缺少部门插件 / department plugins missing: " + ", ".join(missing) + "\n"
            "pip install -e plugins/art_academy -e plugins/medicine_kits "
            "-e plugins/family_doctor -e plugins/order_service",
            file=sys.stderr,
        )
        return 2
    ledger = cadrecore.load_ledger(args.ledger, registry=registry)
    result = figures(ledger)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print("\n".join(report_lines(result)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
