"""`cadrecore check --format json`, written as it is made: the same document as the report's
``to_dict``, byte for byte as ``json.dumps`` wrote it; and ``--no-occurrences``, findings only."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cadrecore import Text
from cadrecore.cli import app
from cadrecore.i18n import Lang
from cadrecore.io.folder import load_ledger
from cadrecore.rules import Finding, Occurrence, Report, Severity, evaluate
from cadrecore.rules.findings import Measure, ResolvedParameter, RuleFailure, Subject
from cadrecore.sample import small_ledger

runner = CliRunner()


@pytest.fixture(scope="module")
def failing_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample ledger without its organizational life meetings and party lectures: errors
    and warnings."""
    ledger = small_ledger()
    ledger = ledger.replace(
        activities=tuple(
            a
            for a in ledger.activities
            if a.activity_kind not in ("org_life_meeting", "party_lecture")
        )
    )
    return ledger.save(tmp_path_factory.mktemp("failing") / "ledger")


@pytest.fixture(scope="module")
def report(failing_folder: Path) -> Report:
    return evaluate(load_ledger(failing_folder), year=2022)


def check(folder: Path, *args: str) -> str:
    result = runner.invoke(app, ["check", str(folder), "--year", "2022", "--format", "json", *args])
    assert result.exit_code == 1, result.output
    return result.stdout


def test_the_report_has_findings_of_two_severities_and_occurrences(report: Report) -> None:
    assert {f.severity for f in report.findings} == {Severity.ERROR, Severity.WARNING}
    assert report.occurrences and report.measures and report.parameters


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("severity", list(Severity))
@pytest.mark.parametrize("occurrences", [True, False])
def test_the_streamed_text_is_json_dumps_of_the_document(
    report: Report, lang: Lang, severity: Severity, occurrences: bool
) -> None:
    data = report.to_dict(lang, occurrences=occurrences, min_severity=severity)
    pieces = report.iter_json(lang, occurrences=occurrences, min_severity=severity)
    assert "".join(pieces) == json.dumps(data, ensure_ascii=False, indent=2)
    compact = report.iter_json(lang, occurrences=occurrences, min_severity=severity, compact=True)
    assert json.loads("".join(compact)) == data


def test_the_document_is_the_one_it_always_was(report: Report) -> None:
    """``to_dict`` holds what format 1 documents (docs/rules.md), every list whole."""
    data = report.to_dict("en")
    assert list(data) == [
        "format",
        "jurisdiction",
        "year",
        "as_of",
        "success",
        "counts",
        "rules_run",
        "findings",
        "waived",
        "errored",
        "occurrences",
        "measures",
        "parameters",
    ]
    assert data["format"] == 1 and data["as_of"] == "2022-12-31"
    assert len(data["findings"]) == len(report.findings)
    assert len(data["occurrences"]) == len(report.occurrences)
    assert len(data["measures"]) == len(report.measures)
    assert len(data["parameters"]) == len(report.parameters)
    assert data["counts"] == report.counts | {"waived": 0, "errored": 0}
    first = report.occurrences[0]
    assert data["occurrences"][0] == {
        "rule_id": first.rule_id,
        "subject": {"kind": first.subject.kind, "id": first.subject.id},
        "period": first.period,
        "due": first.due.isoformat() if first.due else None,
        "status": first.status,
        "satisfied_by": first.satisfied_by,
        "done_on": first.done_on.isoformat() if first.done_on else None,
        "note": first.note("en") if first.note else None,
    }
    assert report.to_json("en") == json.dumps(data, ensure_ascii=False, indent=2)


def test_the_command_writes_the_report_s_document(failing_folder: Path, report: Report) -> None:
    out = check(failing_folder)
    assert out == report.to_json() + "\n"


def test_no_occurrences_keeps_every_finding_and_says_what_it_left_out(
    failing_folder: Path, report: Report
) -> None:
    out = check(failing_folder, "--no-occurrences")
    data = json.loads(out)
    assert data["occurrences"] is None  # left out; [] would say that nothing was due
    assert data == report.to_dict(occurrences=False)
    assert data["findings"] == report.to_dict()["findings"]
    assert len(data["findings"]) == len(report.findings) > 0
    # each finding on a line of its own, for a script that reads a line at a time
    lines = out.splitlines()
    finding_lines = [line for line in lines if line.startswith('{"rule_id":')]
    assert len(finding_lines) >= len(report.findings)
    assert len(out) < len(check(failing_folder)) / 2
    assert "occurrences" not in out.replace('"occurrences":null', "")


@pytest.mark.parametrize("occurrences", [[], ["--no-occurrences"]])
def test_min_severity_filters_the_findings_not_the_counts(
    failing_folder: Path, report: Report, occurrences: list[str]
) -> None:
    data = json.loads(check(failing_folder, "--min-severity", "error", *occurrences))
    errors = [f for f in report.findings if f.severity is Severity.ERROR]
    assert len(data["findings"]) == len(errors) > 0
    assert {f["severity"] for f in data["findings"]} == {"error"}
    assert data["counts"]["warning"] == report.counts["warning"] > 0
    assert data["success"] is False


@pytest.mark.parametrize("occurrences", [[], ["--no-occurrences"]])
def test_english_output_has_english_messages(
    failing_folder: Path, report: Report, occurrences: list[str]
) -> None:
    data = json.loads(check(failing_folder, "--lang", "en", *occurrences))
    for written, finding in zip(data["findings"], report.findings, strict=True):
        assert written["message"] == finding.message.en == written["message_en"]
        assert written["message_zh"] == finding.message.zh
        assert written["fix"] == (finding.fix.en if finding.fix else None)
    chinese = json.loads(check(failing_folder, *occurrences))
    assert chinese["findings"][0]["message"] == report.findings[0].message.zh


def test_text_output_takes_no_occurrences_option_amiss(failing_folder: Path) -> None:
    result = runner.invoke(
        app, ["check", str(failing_folder), "--year", "2022", "--no-occurrences"]
    )
    assert result.exit_code == 1 and "builtin::org_life.org_life_meeting" in result.output


# -- any values a plugin's rule may put in them ------------------------------------------------

words = st.text(max_size=12)  # quotes, backslashes, control characters, surrogates, CJK
texts = st.builds(Text, words, words)
subjects = st.builds(Subject, words, words)
days = st.none() | st.dates(date(1900, 1, 1), date(2200, 12, 31))
scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | words
occurrences = st.builds(
    Occurrence,
    words,
    subjects,
    words,
    days,
    st.sampled_from(["done", "late", "pending", "overdue", "invalid", "not_applicable"]),
    st.none() | words,
    days,
    st.none() | texts,
)
findings = st.builds(
    Finding,
    words,
    st.sampled_from(list(Severity)),
    subjects,
    words,
    words,
    texts,
    scalars,
    scalars,
    st.none() | texts,
    st.lists(words, max_size=3).map(tuple),
    st.none() | words,
)
reports = st.builds(
    Report,
    words,
    st.integers(1900, 2200),
    st.dates(date(1900, 1, 1), date(2200, 12, 31)),
    st.lists(words, max_size=3).map(tuple),
    st.lists(findings, max_size=4).map(tuple),
    st.lists(findings, max_size=2).map(tuple),
    st.lists(st.builds(RuleFailure, words, words, words), max_size=2).map(tuple),
    st.lists(occurrences, max_size=6).map(tuple),
    st.lists(
        st.builds(Measure, words, words, subjects, st.integers(0, 99), st.integers(0, 99)),
        max_size=2,
    ).map(tuple),
    st.lists(
        st.builds(ResolvedParameter, words, scalars, words, days, words, words, st.none() | words),
        max_size=2,
    ).map(tuple),
)


@settings(max_examples=150, deadline=None)
@given(reports, st.sampled_from(["zh", "en"]), st.sampled_from(list(Severity)), st.booleans())
def test_any_report_streams_as_json_dumps_writes_it(
    report: Report, lang: Lang, severity: Severity, occurrences: bool
) -> None:
    data = report.to_dict(lang, occurrences=occurrences, min_severity=severity)
    pieces = report.iter_json(lang, occurrences=occurrences, min_severity=severity)
    assert "".join(pieces) == json.dumps(data, ensure_ascii=False, indent=2)
    compact = report.iter_json(lang, occurrences=occurrences, min_severity=severity, compact=True)
    assert json.loads("".join(compact)) == data
