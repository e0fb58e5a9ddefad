"""The reference facts the docs state hold in the code: each test reads what a page says (in
English and in Chinese) or states the page's example, and checks that the code does just that.
Also: the Chinese pages keep the English pages' headings and code, and the Xinzhou example's
README cites only files that exist."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import yaml

import cadrecore
from cadrecore.calendar import add_working_days, is_working_day, working_days_between
from cadrecore.models import RECORD_KINDS, Activity, Checklist, Establishment
from cadrecore.models.common import MonthDay
from cadrecore.rules import Severity
from cadrecore.sample import small_ledger

from .rules_helpers import changed, reasons, run, update

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
LEDGER = small_ledger(2022)
#: The English pages whose Chinese pages are kept in step here.
PAIRED = ("ledger-format.md", "rules.md", "hooks.md", "report.md")
FENCE = re.compile(r"^```(?P<lang>[\w-]*)[^\n]*\n(?P<body>.*?)^```$", re.S | re.M)


def pages(name: str) -> list[Path]:
    """The English page and its Chinese page."""
    return [DOCS / name, DOCS / "zh" / name]


def blocks(page: Path, lang: str | None = None) -> list[tuple[str, str]]:
    text = page.read_text(encoding="utf-8")
    return [(m["lang"], m["body"]) for m in FENCE.finditer(text) if lang in (None, m["lang"])]


# ---------------------------------------------------------------------------------------------
# The Chinese pages follow the English ones: the same headings (level by level, in order) and
# the same code, comments aside
# ---------------------------------------------------------------------------------------------


def headings(page: Path) -> list[int]:
    """The level of each heading of ``page``, in order (not counting lines in code blocks)."""
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    return [len(m[1]) for m in re.finditer(r"^(#{1,6}) \S", text, re.M)]


def without_comments(code: str) -> str:
    lines = (re.sub(r"(^|\s+)#(?![!\s]*file:).*$", "", line).rstrip() for line in code.split("\n"))
    return "\n".join(line for line in lines if line)


@pytest.mark.parametrize("name", PAIRED)
def test_the_chinese_page_has_the_english_pages_headings(name: str) -> None:
    english, chinese = pages(name)
    assert chinese.exists(), f"docs/zh/{name} is missing"
    assert headings(chinese) == headings(english)


@pytest.mark.parametrize("name", PAIRED)
def test_the_chinese_page_shows_the_same_code(name: str) -> None:
    """Every code block but illustrations (``text``, ``mermaid``) is the English page's, with
    comments that may differ."""

    def code(page: Path) -> list[tuple[str, str]]:
        return [
            (lang, without_comments(body))
            for lang, body in blocks(page)
            if lang not in ("text", "mermaid")
        ]

    english, chinese = pages(name)
    assert code(chinese) == code(english)


@pytest.mark.parametrize("name", PAIRED)
def test_the_chinese_page_links_to_chinese_pages(name: str) -> None:
    """A link from a Chinese page goes to a Chinese page where there is one, and to a page
    that exists; and to its English page."""
    page = DOCS / "zh" / name
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
        if re.match(r"^[a-z]+:", target):
            continue
        path = (page.parent / target).resolve()
        assert path.exists(), f"{page.name} links to {target}, which does not exist"
        if path == DOCS / name:
            continue
        if path.is_relative_to(DOCS) and not path.is_relative_to(DOCS / "zh"):
            chinese = DOCS / "zh" / path.relative_to(DOCS)
            assert not chinese.exists(), (
                f"{page.name} links to {target}: link {chinese.name} instead"
            )


# ---------------------------------------------------------------------------------------------
# The six ones: default due dates, and a ledger's own
# ---------------------------------------------------------------------------------------------

SIX_ONES_ROW = re.compile(r"^\| `(six_ones\.\w+)`[^|]*\| `(\w+)` \| (\d\d-\d\d) \|$", re.M)


@pytest.mark.parametrize("page", pages("rules.md"), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_six_ones_due_dates_table_is_the_registrys(page: Path) -> None:
    rows = SIX_ONES_ROW.findall(page.read_text(encoding="utf-8"))
    registry = cadrecore.get_registry()
    six_ones = [item for item in registry.checklist_items if item.key.startswith("six_ones.")]
    assert rows == [(i.key, i.evidence_kind, str(i.default_due)) for i in six_ones]
    assert len(rows) == 6


@pytest.mark.parametrize("page", pages("ledger-format.md"), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_pages_checklist_sets_its_own_due_dates(page: Path) -> None:
    (block,) = [b for _, b in blocks(page, "yaml") if "six_ones.visits_condolences" in b]
    (record,) = yaml.safe_load(block)
    checklist = Checklist.model_validate(record, context={"registry": cadrecore.get_registry()})
    due = {entry.item: entry.due for entry in checklist.items}
    assert due["six_ones.situation_briefing"] == MonthDay(6, 30)
    assert due["six_ones.visits_condolences"] == MonthDay(10, 31)  # written 10月31日
    assert due["six_ones.report_hearing"] is None  # the registered default


def _visits_done_on(day: date | None, due: str | None) -> list[tuple[str, str]]:
    """The visits' status and findings in the sample ledger, done on ``day``, due ``due``."""
    ledger = changed(
        LEDGER,
        "activities",
        lambda a: (
            a if a.activity_kind != "visits_condolences" else (update(a, date=day) if day else None)
        ),
    )
    ledger = changed(
        ledger,
        "checklists",
        lambda c: update(
            c,
            items=[
                {**e.model_dump(), "due": due if e.item.endswith("visits_condolences") else e.due}
                for e in c.items
            ],
        ),
    )
    report = run(ledger, "checklist.items")
    visits = [o for o in report.occurrences if o.subject.id.endswith("visits_condolences")]
    return [(o.status, str(o.due)) for o in visits] + [
        (f.reason, f.severity.name) for f in report.findings
    ]


def test_a_checklist_item_done_late_is_a_warning_not_done_an_error() -> None:
    assert _visits_done_on(date(2022, 2, 28), None) == [("done", "2022-02-28")]
    assert _visits_done_on(date(2022, 3, 1), None) == [
        ("late", "2022-02-28"),
        ("done_late", "WARNING"),
    ]
    assert _visits_done_on(None, None) == [("overdue", "2022-02-28"), ("overdue", "ERROR")]
    # the ledger's own due date: the Double Ninth round
    assert _visits_done_on(date(2022, 10, 4), "10-31") == [("done", "2022-10-31")]


# ---------------------------------------------------------------------------------------------
# Branch terms: an election activity starts a committee; committee_elected is the latest known
# ---------------------------------------------------------------------------------------------


def _team_branch(**fields: object) -> object:
    return changed(LEDGER, "branches", lambda b: update(b, **fields) if b.id == "b.team" else b)


def test_a_reelection_is_an_election_activity() -> None:
    """b.team, a team branch, elected 2021-03-01 for the 3 years then in force."""
    expired = run(LEDGER, "branch.term", year=2024, as_of=date(2024, 3, 1))
    assert [(f.reason, f.severity) for f in expired.findings if f.subject.id == "b.team"] == [
        ("term_expired", Severity.ERROR)
    ]
    soon = run(LEDGER, "branch.term", year=2023, as_of=date(2023, 12, 2))  # 90 days before
    assert [(f.reason, f.severity) for f in soon.findings if f.subject.id == "b.team"] == [
        ("election_due", Severity.WARNING)
    ]
    # the election meeting on record starts the next committee: committee_elected unchanged
    election = Activity(
        id="b.team.election.2024",
        activity_kind="election",
        date=date(2024, 2, 20),
        branch_id="b.team",
        attendee_ids=("c000", "c001", "c002"),
    )
    renewed = LEDGER.replace(activities=(*LEDGER.activities, election))

    def team(year: int, as_of: date) -> list[str]:
        report = run(renewed, "branch.term", year=year, as_of=as_of)
        return [f.reason for f in report.findings if f.subject.id == "b.team"]

    # the 2021 committee was re-elected before its term ended: done, by the election
    report = run(renewed, "branch.term", year=2024, as_of=date(2024, 3, 1))
    team_terms = [o for o in report.occurrences if o.subject.id == "b.team"]
    assert [(o.due, o.status, o.satisfied_by) for o in team_terms] == [
        (date(2024, 3, 1), "done", "b.team.election.2024"),
        (date(2029, 2, 20), "pending", None),  # the term in force on 2024-02-20: 5 (unverified)
    ]
    assert team(2024, date(2024, 3, 1)) == []
    assert team(2028, date(2028, 11, 1)) == []
    assert team(2028, date(2028, 11, 22)) == ["election_due"]  # 90 days before 2029-02-20
    assert team(2029, date(2029, 2, 20)) == ["term_expired"]
    # the same with committee_elected moved to the day, as before: the same judgement
    moved = _team_branch(committee_elected=date(2024, 2, 20))
    for year, as_of in ((2024, date(2024, 3, 1)), (2028, date(2028, 11, 22))):
        assert [
            (f.reason, f.expected)
            for f in run(moved, "branch.term", year=year, as_of=as_of).findings
        ] == [
            (f.reason, f.expected)
            for f in run(renewed, "branch.term", year=year, as_of=as_of).findings
        ]
    # an election after the term ended: the re-election was late, a warning in its year
    late = LEDGER.replace(
        activities=(*LEDGER.activities, election.model_copy(update={"date": date(2024, 4, 1)}))
    )
    assert [
        (f.reason, f.severity, f.expected, f.actual)
        for f in run(late, "branch.term", year=2024, as_of=date(2024, 12, 31)).findings
        if f.subject.id == "b.team"
    ] == [("elected_late", Severity.WARNING, "2024-03-01", "2024-04-01")]
    # no date at all: a warning
    unknown = run(_team_branch(committee_elected=None), "branch.term")
    assert [(f.reason, f.severity) for f in unknown.findings] == [
        ("election_date_missing", Severity.WARNING)
    ]


# ---------------------------------------------------------------------------------------------
# Quorum: the members with a vote; probationary members have none, the health-exempt are left out
# ---------------------------------------------------------------------------------------------


def _west_general_meeting(
    present: tuple[int, ...], probationary: tuple[int, ...] = (), exempt: tuple[int, ...] = ()
) -> list[tuple[str, str, str]]:
    """b.west (4 members): its first general meeting attended by the members at the indexes
    ``present``, those at ``probationary`` probationary members, those at ``exempt`` excused
    for health."""
    members = [m.cadre_id for m in LEDGER.memberships if m.branch_id == "b.west"]
    assert len(members) == 4
    attending = [members[i] for i in present]
    ledger = changed(
        LEDGER,
        "activities",
        lambda a: update(a, attendee_ids=attending) if a.id == "b.west.general_meeting.0" else a,
    )
    on_probation = {members[i] for i in probationary}
    frail = {members[i] for i in exempt}
    ledger = changed(
        ledger,
        "cadres",
        lambda c: (
            update(c, party_status="probationary")
            if c.id in on_probation
            else update(c, health_exempt=True, exemption_reason="卧床")
            if c.id in frail
            else c
        ),
    )
    return reasons(run(ledger, "org_life.general_meeting").findings)


NO_QUORUM = [("no_quorum", "branches", "b.west")]


def test_probationary_members_have_no_vote_in_a_general_meetings_quorum() -> None:
    # 3 of 4 present, 2 of them probationary: 1 of the 2 members with a vote, not more than half
    assert _west_general_meeting(present=(0, 1, 2), probationary=(0, 1)) == NO_QUORUM
    # all 3 full members present with the probationary one absent: 3 of 3 with a vote
    assert _west_general_meeting(present=(0, 1, 2), probationary=(3,)) == []
    # 2 of 4 present, a probationary member absent: 2 of the 3 with a vote, more than half
    assert _west_general_meeting(present=(0, 1), probationary=(3,)) == []
    # 2 of 4, all full members: half, no quorum
    assert _west_general_meeting(present=(0, 1)) == NO_QUORUM
    # a probationary member present does not make up for a full member absent
    assert _west_general_meeting(present=(0, 3), probationary=(3,)) == NO_QUORUM


def test_the_health_exempt_are_left_out_of_a_general_meetings_quorum() -> None:
    # 2 of 4 present, one absent member excused for health: 2 of 3 with a vote
    assert _west_general_meeting(present=(0, 1), exempt=(3,)) == []
    # and with a probationary member too: 1 full member present of 2
    assert _west_general_meeting(present=(0, 1), probationary=(0,), exempt=(3,)) == NO_QUORUM


def test_the_general_meetings_quorum_is_a_dated_parameter_with_its_sources() -> None:
    report = run(LEDGER, "org_life.general_meeting")
    used = {p.key: p for p in report.parameters}
    quorum = used["org_life.general_meeting_quorum"]
    assert (quorum.value, quorum.effective_from) == (0.5, date(2018, 10, 28))
    source = quorum.source if isinstance(quorum.source, str) else quorum.source.zh
    assert "第十一条" in source and "第七条" in source and quorum.status == "confirmed"
    for page in pages("rules.md"):
        assert "org_life.general_meeting_quorum" in page.read_text(encoding="utf-8")


def test_probationary_members_do_not_count_towards_forming_a_branch() -> None:
    members = [m.cadre_id for m in LEDGER.memberships if m.branch_id == "b.west"]
    ledger = changed(
        LEDGER,
        "cadres",
        lambda c: update(c, party_status="probationary") if c.id in members[2:] else c,
    )
    assert reasons(run(ledger, "branch.formation").findings) == [
        ("below_minimum", "branches", "b.west")
    ]


# ---------------------------------------------------------------------------------------------
# Opinions and working days
# ---------------------------------------------------------------------------------------------


def test_working_days_skip_holidays_and_count_adjusted_working_days() -> None:
    assert add_working_days(date(2022, 1, 11), 15) == date(2022, 1, 30)  # a Sunday worked (调休)
    assert add_working_days(date(2022, 9, 30), 1) == date(2022, 10, 8)  # after National Day
    assert not is_working_day(date(2022, 10, 3)) and not is_working_day(date(2022, 10, 1))
    assert is_working_day(date(2022, 10, 8)) and is_working_day(date(2022, 1, 29))
    assert not is_working_day(date(2022, 1, 22))  # an ordinary Saturday
    assert working_days_between(date(2022, 9, 30), date(2022, 10, 8)) == 1  # the day after on
    assert working_days_between(date(2022, 10, 8), date(2022, 10, 8)) == 0


@pytest.mark.parametrize(
    ("answered", "as_of", "status", "finding"),
    [
        (date(2022, 1, 30), None, "done", None),  # on the due date
        (date(2022, 1, 31), None, "late", ("answered_late", Severity.WARNING)),
        (None, None, "overdue", ("unanswered", Severity.ERROR)),
        (None, date(2022, 1, 29), "pending", None),
        # answered after the day judged: not yet known, so unanswered then
        (date(2022, 3, 1), date(2022, 2, 1), "overdue", ("unanswered", Severity.ERROR)),
    ],
)
def test_a_late_answer_is_a_warning_no_answer_an_error(
    answered: date | None,
    as_of: date | None,
    status: str,
    finding: tuple[str, Severity] | None,
) -> None:
    opinion = LEDGER.opinions[0]  # raised on 2022-01-11: due on 2022-01-30
    assert opinion.raised == date(2022, 1, 11)
    fields = {"answered": answered, "answer": "已答复" if answered else "", "satisfied": None}
    report = run(
        LEDGER.replace(opinions=(update(opinion, **fields),)), "opinions.answered", as_of=as_of
    )
    (occurrence,) = report.occurrences
    assert (occurrence.status, occurrence.due) == (status, date(2022, 1, 30))
    assert [(f.reason, f.severity) for f in report.findings] == ([finding] if finding else [])


# ---------------------------------------------------------------------------------------------
# The ledger folder: every file in the layout, part_of_parent as the page says
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", pages("ledger-format.md"), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_layout_names_every_file_of_the_format(page: Path) -> None:
    (layout,) = [b for _, b in blocks(page, "text") if b.startswith("xinzhou/")]
    listed = {line.split()[0] for line in layout.splitlines()[1:] if line.strip()}
    expected = {k.filename for k in RECORD_KINDS if k.name != "service_records"}
    assert expected <= listed
    assert {"ledger.yaml", "services/<type>.csv", "service_events.csv"} <= listed


@pytest.mark.parametrize("page", pages("ledger-format.md"), ids=lambda p: str(p.relative_to(ROOT)))
def test_part_of_parent_as_the_page_says(page: Path) -> None:
    """The page's two records: the office's 4 posts come out of the bureau's 18; the bureau's
    own staff are held to its 18 (nothing deducted); sub-units' allocations over 18 are found."""
    (block,) = [b for _, b in blocks(page, "yaml") if "part_of_parent" in b]
    bureau, office = (Establishment.model_validate(r) for r in yaml.safe_load(block))
    assert (office.part_of_parent, office.approved, bureau.approved) == (True, 4, 18)
    # in the sample ledger: east.vcb's internal office, under east.vcb
    bureau = bureau.model_copy(update={"id": "est.east.vcb", "unit_id": "east.vcb"})
    office = office.model_copy(update={"unit_id": "east.vcb.office"})
    unit = LEDGER.unit("east.vcb").model_copy(
        update={"id": "east.vcb.office", "name": "东县老干部局办公室", "parent_id": "east.vcb"}
    )
    template = next(a for a in LEDGER.assignments if a.unit_id == "east.vcb")
    staff = LEDGER.staff
    assignments = []
    for n, unit_id in enumerate(["east.vcb"] * 15 + ["east.vcb.office"] * 4):
        member = staff[0].model_copy(update={"id": f"s.x{n}"})
        staff = (*staff, member)
        assignments.append(
            template.model_copy(
                update={"id": f"a.x{n}", "staff_id": member.id, "unit_id": unit_id, "tier": None}
            )
        )
    ledger = LEDGER.replace(
        units=(*LEDGER.units, unit),
        establishments=(
            *(e for e in LEDGER.establishments if e.unit_id != "east.vcb"),
            bureau,
            office,
        ),
        staff=staff,
        assignments=(*(a for a in LEDGER.assignments if a.unit_id != "east.vcb"), *assignments),
    )
    for rule in ("quota.establishment", "quota.sub_units_within_parent"):
        assert run(ledger, rule).findings == ()
    other = office.model_copy(
        update={"id": "est.other", "unit_id": "east.vcb.other", "approved": 15}
    )
    second = unit.model_copy(update={"id": "east.vcb.other", "name": "东县老干部局活动中心"})
    over = ledger.replace(
        units=(*ledger.units, second), establishments=(*ledger.establishments, other)
    )
    assert reasons(run(over, "quota.sub_units_within_parent").findings) == [
        ("sub_units_exceed_parent", "units", "east.vcb")
    ]


# ---------------------------------------------------------------------------------------------
# The Xinzhou example's README cites only files that exist
# ---------------------------------------------------------------------------------------------

XINZHOU = ROOT / "examples" / "xinzhou"
#: A file or folder name in backquotes: a path with a slash, or a name with a file suffix.
CITED = re.compile(r"`([\w./<>*-]+?(?:/[\w./<>*-]*|\.(?:py|csv|yaml|yml|md|txt|json|toml)))`")


def cited_files(text: str) -> set[str]:
    found = set(CITED.findall(text))
    # the command lines of the fenced blocks: their paths and the -e arguments
    for _, body in FENCE.findall(text):
        found |= set(re.findall(r"(?:^|\s)((?:examples|plugins)/[\w./-]+)", body, re.M))
    found |= set(re.findall(r"-e ((?:examples|plugins)/[\w./-]+)", text))
    return found


def test_the_xinzhou_readme_cites_only_files_that_exist() -> None:
    text = (XINZHOU / "README.md").read_text(encoding="utf-8")
    cited = cited_files(text)
    assert {"units.yaml", "service_events.csv", "examples/build_xinzhou.py"} <= cited
    missing = []
    for name in sorted(cited):
        if "<" in name:  # a pattern such as xz.<county>.vcb: not a file
            continue
        where = [XINZHOU, XINZHOU / "services", ROOT]
        if not any(list(base.glob(name)) for base in where):
            missing.append(name)
    assert missing == []
