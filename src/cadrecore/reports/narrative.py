"""The annual report's narrative: short paragraphs in Chinese and English, written from figures.

Every number in the narrative comes from :func:`cadrecore.reports.figures.figures` and from the
year's evaluation; the sentences are the bureau's usual phrasing ("建立团队支部62个、流动支部
27个…"). Nothing is written about what the ledger does not hold: a ledger without plans has no
sentence about plans.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..i18n import Text, percent
from ..models import LeadingBody, ResultMetric, Tie
from ..rules.findings import Report

_EN_UNITS = {"元": "yuan", "亩": "mu", "人次": "person-times", "年": "years"}


def zh_quantity(value: int, unit: str, at_least: bool = False) -> str:
    """A quantity as a Chinese report writes it: ``420000, 元`` → ``42万元``; with
    ``at_least``: ``500000`` → ``50多万元``, ``48000`` → ``4.8万余人次``, ``300`` → ``300多人次``."""
    if value >= 10_000 and value % 100 == 0:
        wan = f"{value / 10_000:.2f}".rstrip("0").rstrip(".")
        if not at_least:
            return f"{wan}万{unit}"
        return f"{wan}多万{unit}" if value % 10_000 == 0 else f"{wan}万余{unit}"
    return f"{value}{'多' if at_least else ''}{unit}"


def en_quantity(value: int, unit: str, at_least: bool = False) -> str:
    """The same quantity in English: ``over 500,000 yuan``, ``470 mu``, ``108``."""
    word = _EN_UNITS.get(unit, "")
    return f"{'over ' if at_least else ''}{value:,}{' ' + word if word else ''}"


def _zh_list(parts: list[str]) -> str:
    return "、".join(parts)


def _en_list(parts: list[str]) -> str:
    if len(parts) <= 2:
        return " and ".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _month_day(iso: str) -> tuple[str, str]:
    month, day = int(iso[5:7]), int(iso[8:10])
    return f"{month}月{day}日", iso


def _checklist(f: dict[str, Any]) -> Iterator[Text]:
    cl = f.get("six_ones")
    if not cl:
        return
    year = f["year"]
    done_zh, done_en = [], []
    for item in cl["items"].values():
        if item["dates"]:
            zh_day, iso = _month_day(item["dates"][0])
            done_zh.append(f"{item['label']}（{zh_day}）")
            done_en.append(f"{item['label_en']} ({iso})")
    missing = [i for i in cl["items"].values() if not i["done"]]
    if not missing:
        tally = Text(f"{cl['total']}项全部按时完成", f"all {cl['total']} items were done on time")
    else:
        tally = Text(
            f"{cl['total']}项完成{cl['done']}项，未完成：{_zh_list([i['label'] for i in missing])}",
            f"{cl['done']} of {cl['total']} items were done; not done: "
            + _en_list([i["label_en"] for i in missing]),
        )
    zh = f"{year}年，{f['jurisdiction']}落实{cl['name']}：{_zh_list(done_zh) or '尚无事项完成'}，{tally.zh}。"
    en = (
        f"In {year}, {f['jurisdiction']} ran its {cl['name']} checklist: "
        f"{_en_list(done_en) or 'no item done yet'}; {tally.en}."
    )
    all_bodies = {b.value for b in LeadingBody}
    for item in cl["items"].values():
        if item["done"] and item["required_bodies"]:
            who_zh = (
                "四大班子"
                if set(item["required_bodies"]) == all_bodies
                else _zh_list(item["required_bodies_zh"])
            )
            who_en = (
                "all four leading bodies"
                if set(item["required_bodies"]) == all_bodies
                else _en_list(item["required_bodies_en"])
            )
            zh += f"{item['kind_label']}，{who_zh}相关领导全部参加，当面听取意见建议。"
            en += f" The leaders of {who_en} were all present at the {item['kind_label_en']}."
    yield Text(zh, en)


def _institutions(f: dict[str, Any]) -> Iterator[Text]:
    b = f["veteran_cadre_bureaus"]
    if not b["total"]:
        return
    kept_zh = "全部保留" if b["kept"] == b["total"] else f"保留{b['kept']}个"
    kept_en = "all kept" if b["kept"] == b["total"] else f"{b['kept']} kept"
    where = "市、县" if b["city"] and b["county"] else ""
    zh = f"健全机构：{where}{b['total']}个老干部局{kept_zh}"
    en = f"Bodies: {b['total']} veteran cadre bureaus ({b['city']} city, {b['county']} county), {kept_en}"
    w = f["working_committee"]
    if w["units"]:
        zh += f"；{w['units'][0]}配备编制{w['establishment']}名、科级职数{w['section_posts']}名"
        en += (
            f"; the {w['units'][0]} has an establishment of {w['establishment']} and "
            f"{w['section_posts']} section-level leadership post(s)"
        )
    p = f["promotions"]
    head, staff = p["deputy_director_to_institution_head"], p["bureau_staff_promoted"]
    if head or staff:
        parts_zh, parts_en = [], []
        if head:
            parts_zh.append(f"提拔市委老干部局副局长担任事业单位一把手{head}名")
            parts_en.append(
                f"{head} deputy director of the city bureau made head of a public institution"
            )
        if staff:
            parts_zh.append(f"优秀老干部工作者提拔重用{staff}名")
            parts_en.append(f"{staff} bureau staff promoted")
        span = (
            f"{p['from_year']}—{p['to_year']}年"
            if p["from_year"] != p["to_year"]
            else f"{p['to_year']}年"
        )
        zh += f"；{span}{'，'.join(parts_zh)}"
        en += f"; {p['from_year']}–{p['to_year']}: {_en_list(parts_en)}"
    yield Text(zh + "。", en + ".")


def _branches(f: dict[str, Any]) -> Iterator[Text]:
    br = f["branches"]
    if not br["total"]:
        return
    counts = [(k, n) for k, n in br["by_type"].items() if n]
    ties = [t for t in Tie if t.value in br["ties"]]
    ties_zh = "".join(f"“{t.zh}”" for t in ties)
    zh = f"借助{ties_zh}，" if ties else ""
    made = _zh_list([f"{br['labels'][k]}{n}个" for k, n in counts])
    zh += f"建立{made}，共{br['total']}个党支部"
    en = (
        f"Branches, formed by {_en_list([t.value for t in ties]) or 'no recorded tie'}: "
        + ", ".join(f"{br['labels_en'][k]} {n}" for k, n in counts)
        + f", {br['total']} in all"
    )
    c = f["coverage"]
    if c["party_members"]:
        if c["in_one_branch"] == c["party_members"]:
            zh += f"；在世党员{c['party_members']}人全部编入支部，实现党组织全覆盖"
            en += f"; all {c['party_members']} living party members are in a branch (full coverage)"
        else:
            zh += (
                f"；在世党员{c['party_members']}人，编入一个支部{c['in_one_branch']}人，"
                f"未编入{c['in_no_branch']}人，重复编入{c['in_several']}人"
            )
            en += (
                f"; of {c['party_members']} living party members {c['in_one_branch']} are in one "
                f"branch, {c['in_no_branch']} in none and {c['in_several']} in several"
            )
    yield Text(zh + "。", en + ".")


def _plans(f: dict[str, Any], evaluation: Report) -> Iterator[Text]:
    year = f["year"]
    goals = {
        m.subject.id: m.denominator
        for m in evaluation.measures
        if m.name == "plan_progress" and evaluation.year == year
    }
    for plan in f["plans"]:
        if not plan["from_year"] <= year <= plan["to_year"]:
            continue
        parts_zh, parts_en, met = [], [], True
        for key, metric in plan["metrics"].items():
            v = metric["by_year"][year]
            target = v["target"] if v["target"] is not None else goals.get(f"{plan['id']}:{key}")
            unit = metric["unit"]
            if target is None:
                parts_zh.append(f"{metric['label']}{v['done']}{unit}")
                parts_en.append(f"{v['done']} {metric['label_en']}")
                continue
            met = met and v["done"] >= target
            parts_zh.append(f"{metric['label']}{v['done']}{unit}（目标{target}{unit}）")
            parts_en.append(f"{v['done']} {metric['label_en']} (target {target})")
        verdict = (
            Text("，完成年度目标", ", meeting the year's targets")
            if met
            else Text("，未完成年度目标", ", short of the year's targets")
        )
        yield Text(
            f"落实{plan['name']}，{year}年打造{_zh_list(parts_zh)}{verdict.zh}。",
            f"Under the plan {plan['name']}, {year} saw {_en_list(parts_en)}{verdict.en}.",
        )


def _themes(f: dict[str, Any]) -> Iterator[Text]:
    year = f["year"]
    held = {y: t for y, t in f["themes"].items() if y <= year}
    if not held:
        return
    titles = "".join(f"“{t}”" for t in held.values())
    zh = f"坚持一年一个主题，连续开展{titles}等系列活动"
    en = "One theme a year: " + ", ".join(f"{y}: {t}" for y, t in held.items())
    if year in held:
        zh += f"，{year}年主题为“{held[year]}”"
        en += f"; the theme of {year} is {held[year]}"
    yield Text(zh + "。", en + ".")


def _exemplars(f: dict[str, Any]) -> Iterator[Text]:
    found = f["exemplars"]
    if not found:
        return
    fields_zh, fields_en = [], []
    for e in found.values():
        if e["field_label"] not in fields_zh:
            fields_zh.append(e["field_label"])
            fields_en.append(e["field"].replace("_", " "))
    people_zh, people_en = [], []
    for name, e in found.items():
        results = e["results"].values()
        people_zh.append(
            f"{e['county']}{name}"
            + _zh_list(
                [
                    f"{r['label']}{zh_quantity(r['value'], r['unit'], r['at_least'])}"
                    for r in results
                ]
            )
        )
        people_en.append(
            f"{name} of {e['county']}: "
            + ", ".join(
                f"{ResultMetric(k).value.replace('_', ' ')} {en_quantity(r['value'], r['unit'], r['at_least'])}"
                for k, r in e["results"].items()
            )
        )
    yield Text(
        f"孵化出一批{_zh_list(fields_zh)}等杰出带头人：{'；'.join(people_zh)}。",
        f"Exemplars in {_en_list(fields_en)}: {'; '.join(people_en)}.",
    )


def _services(f: dict[str, Any]) -> Iterator[Text]:
    found = f["services"]
    if not found:
        return
    year = f["year"]
    departments = {s["department"] for s in found.values()}
    zh_parts = [
        f"{s['department']}“{s['label']}”{year}年受理{s['requested_in_year']}件、累计{s['count']}件、服务{s['cadres']}人"
        for s in found.values()
    ]
    en_parts = [
        f"{s['department_en']}'s {s['label_en']}: {s['requested_in_year']} requested in {year}, "
        f"{s['count']} on file, {s['cadres']} cadres served"
        for s in found.values()
    ]
    yield Text(
        f"推进“五化”建设，{len(departments)}个部门提供{len(found)}类服务：{'；'.join(zh_parts)}。",
        f"Services ('five-ization'): {len(found)} types from {len(departments)} departments: "
        + "; ".join(en_parts)
        + ".",
    )


def _opinions(f: dict[str, Any], evaluation: Report) -> Iterator[Text]:
    o = f.get("opinions")
    if not o or not o["raised"]:
        return
    year = f["year"]
    statuses = [
        occ.status
        for rule_id in evaluation.status_counts
        if rule_id.endswith("::opinions.answered")
        for occ in evaluation.occurrences_of(rule_id)
        if occ.period == str(year)
    ]
    zh = f"{year}年收集老同志意见建议{o['raised']}条，已答复{o['answered']}条"
    en = f"In {year}, {o['raised']} opinions and suggestions were raised and {o['answered']} answered"
    if statuses:
        on_time, late = statuses.count("done"), statuses.count("late")
        zh += f"（按期{on_time}条、逾期{late}条）"
        en += f" ({on_time} on time, {late} late)"
    if o["unanswered"]:
        zh += f"，尚未答复{o['unanswered']}条"
        en += f"; {o['unanswered']} await an answer"
    zh += f"；表示满意{o['satisfied']}条、不满意{o['unsatisfied']}条、尚未反馈{o['no_feedback']}条"
    en += (
        f"; {o['satisfied']} satisfied, {o['unsatisfied']} not satisfied, "
        f"{o['no_feedback']} without feedback yet"
    )
    yield Text(zh + "。", en + ".")


def _treatment(f: dict[str, Any]) -> Iterator[Text]:
    t = f["treatment"]
    if not t["several_standards"]:
        return
    yield Text(
        f"待遇就高不就低：{t['grants']}笔待遇发放中{t['several_standards']}笔适用多项标准，"
        f"其中{t['higher']}笔按较高标准发放。",
        f"Treatment, the higher standard: of {t['grants']} grants, {t['several_standards']} fell "
        f"under several standards and {t['higher']} of those followed the higher one.",
    )


def _recognitions(f: dict[str, Any]) -> Iterator[Text]:
    year = f["year"]
    found = [r for r in f["recognitions"] if r["year"] <= year]
    if not found:
        return
    yield Text(
        "荣誉与报道：" + "；".join(f"{r['year']}年{r['title']}" for r in found) + "。",
        "Recognition: " + "; ".join(f"{r['year']}: {r['title']}" for r in found) + ".",
    )


def _assessment(evaluation: Report) -> Iterator[Text]:
    counts = evaluation.counts
    compliance = evaluation.compliance()
    zh = (
        f"按{len(evaluation.rules_run)}条规则检查{evaluation.year}年台账（截至{evaluation.as_of}）："
        f"错误{counts['error']}项、警告{counts['warning']}项、提示{counts['info']}项"
    )
    en = (
        f"Checked against {len(evaluation.rules_run)} rules as of {evaluation.as_of}: "
        f"{counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} info"
    )
    if evaluation.waived:
        zh += f"，豁免{len(evaluation.waived)}项"
        en += f", {len(evaluation.waived)} waived"
    if evaluation.errored:
        zh += f"，{len(evaluation.errored)}条规则运行出错"
        en += f", {len(evaluation.errored)} rule(s) failed to run"
    zh += f"；履职率{percent(compliance)}。问题及整改建议见“问题清单”。"
    en += f"; compliance {percent(compliance)}. See the findings for what to fix."
    yield Text(zh, en)


def narrative(f: dict[str, Any], evaluation: Report) -> tuple[Text, ...]:
    """The paragraphs of the narrative, in the report's order, from figures and evaluation."""
    return (
        *_checklist(f),
        *_institutions(f),
        *_branches(f),
        *_plans(f, evaluation),
        *_themes(f),
        *_exemplars(f),
        *_services(f),
        *_opinions(f, evaluation),
        *_treatment(f),
        *_recognitions(f),
        *_assessment(evaluation),
    )
