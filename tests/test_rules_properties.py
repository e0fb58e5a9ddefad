"""Properties of evaluation over any consistent ledger: it never crashes, it is deterministic,
and taking away evidence never makes compliance look better."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cadrecore import Ledger
from cadrecore.rules import Report, evaluate
from cadrecore.strategies import ledgers

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DAYS = st.dates(min_value=date(2019, 1, 1), max_value=date(2024, 12, 31))


def _ratios(report: Report) -> dict[str, float]:
    found: dict[str, float] = {}
    for rule_id in report.rules_run:
        ratio = report.compliance(rule_id)
        if ratio is not None:
            found[rule_id] = ratio
    for m in report.measures:
        if m.ratio is not None and m.name in ("coverage", "plan_progress"):
            found[f"{m.rule_id}/{m.name}/{m.subject.id}"] = m.ratio
    return found


@SETTINGS
@given(ledger=ledgers(), day=DAYS)
def test_evaluation_never_crashes_and_no_rule_raises(ledger: Ledger, day: date) -> None:
    report = evaluate(ledger, as_of=day)
    assert report.errored == (), report.errored
    assert report.rules_run
    assert report.success == (report.counts["error"] == 0)


@SETTINGS
@given(ledger=ledgers(), day=DAYS)
def test_evaluating_twice_gives_the_same_report(ledger: Ledger, day: date) -> None:
    assert evaluate(ledger, as_of=day).to_json() == evaluate(ledger, as_of=day).to_json()


@SETTINGS
@given(ledger=ledgers(), day=DAYS, data=st.data())
def test_removing_evidence_never_raises_a_compliance_ratio(
    ledger: Ledger, day: date, data: st.DataObject
) -> None:
    evidence = [("activities", a.id) for a in ledger.activities]
    evidence += [("opinions", o.id) for o in ledger.opinions if o.answered is not None]
    if not evidence:
        return
    kind, record_id = data.draw(st.sampled_from(evidence))
    if kind == "activities":
        referenced = {o.raised_at_id for o in ledger.opinions}
        if record_id in referenced:
            return
        thinner = ledger.replace(
            activities=tuple(a for a in ledger.activities if a.id != record_id)
        )
    else:
        thinner = ledger.replace(
            opinions=tuple(
                o.model_copy(update={"answered": None, "answer": "", "satisfied": None})
                if o.id == record_id
                else o
                for o in ledger.opinions
            )
        )
    before, after = _ratios(evaluate(ledger, as_of=day)), _ratios(evaluate(thinner, as_of=day))
    for key, ratio in after.items():
        if key in before:
            assert ratio <= before[key] + 1e-12, (key, before[key], ratio)
