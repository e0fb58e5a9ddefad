"""Branch formation, committees and terms (中国共产党支部工作条例（试行）, 2018).

The branches themselves are read whole (``ledger.branches``, tens of thousands at province
scale). The bulk kinds are read by columns only (:meth:`~cadrecore.Ledger.columns`): who is a
member of each branch on the date comes from :func:`~._common.branch_members_on`, worked out
once per ledger and date and shared by the branch rules; the few cadre fields a finding needs
(a secretary's birth date, an away member's name) come from :func:`~._common.values_by_id`,
which reads just the cadres asked for.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from ...i18n import Text, in_lang
from ...ledger import Ledger
from ...models import Branch
from ...rules.engine import Outcome, Rule, RuleContext
from ...rules.findings import ResolvedParameter, Severity
from ._common import (
    BRANCH_MEMBERS_READS,
    NO_MEMBERS,
    branch_exists_on,
    branch_members_on,
    values_by_id,
)

BRANCH_REGULATION = "中国共产党支部工作条例（试行）(2018-10-28)"


def _age_on(birth_date: date, day: date) -> int:
    """``Cadre.age_on``: age in whole years on ``day``."""
    years = day.year - birth_date.year
    return years - ((day.month, day.day) < (birth_date.month, birth_date.day))


# ---------------------------------------------------------------------------------------------
# The rules
# ---------------------------------------------------------------------------------------------


#: The fixes of findings that the rules below give, each said once.
FIX_JOINT_TOO_WIDE = Text(
    "按单位或居住地把联合党支部分设为几个支部，或报上级党组织同意后保留",
    "split the joint branch by unit or by where members live, or keep it with the "
    "higher party organization's approval",
)
FIX_SECRETARY_AGE = Text(
    "在支部委员中物色年纪较轻、身体较好的同志，下次选举时考虑接任书记",
    "look among the committee for a younger, healthier member to take over as "
    "secretary at the next election",
)
FIX_SECRETARY_DECEASED = Text(
    "召开支部党员大会补选书记，并在 branches.yaml 中改写 secretary_id",
    "hold a general meeting to elect a new secretary, and set secretary_id in branches.yaml",
)
FIX_AWAY_MEMBER = Text(
    "与本人联系，安排其在居住地参加组织生活，或编入流动党支部（memberships.csv）",
    "get in touch and arrange for them to take part where they live, or move them "
    "to a mobile branch (memberships.csv)",
)


def check_formation(ctx: RuleContext) -> Iterator[Outcome]:
    members_by_branch = branch_members_on(ctx.ledger, ctx.as_of)
    for branch in ctx.ledger.branches:
        if not branch_exists_on(branch, ctx.as_of):
            continue
        found = members_by_branch.get(branch.id, NO_MEMBERS)
        members, full = len(found.ids), found.full
        minimum = ctx.param("branch.min_full_members", branch.county_id)
        subject = ("branches", branch.id)
        if full < minimum:
            yield ctx.finding(
                subject,
                "below_minimum",
                Text(
                    f"支部“{branch.name}”正式党员 {full} 名，少于成立所需 {minimum} 名",
                    f"branch '{branch.name}' has {full} full member(s); {minimum} are needed "
                    "(probationary members do not count)",
                ),
                expected=minimum,
                actual=full,
                fix=Text(
                    f"补充正式党员至 {minimum} 名以上，或与邻近单位组建联合党支部",
                    f"bring it to {minimum} full members, or merge into a joint branch with "
                    "neighbouring units",
                ),
            )
        largest = ctx.param("branch.max_members", branch.county_id)
        if members > largest:
            yield ctx.finding(
                subject,
                "above_maximum",
                Text(
                    f"支部“{branch.name}”有党员 {members} 名，一般不超过 {largest} 名",
                    f"branch '{branch.name}' has {members} members; generally at most {largest}",
                ),
                severity=Severity.WARNING,
                expected=largest,
                actual=members,
                fix=Text(
                    "考虑分设支部或成立党总支", "consider splitting it or forming a general branch"
                ),
            )
        widest = ctx.param("branch.joint_max_units", branch.county_id)
        if branch.is_joint and len(branch.covers_unit_ids) > widest:
            yield ctx.finding(
                subject,
                "joint_too_wide",
                Text(
                    f"联合党支部覆盖 {len(branch.covers_unit_ids)} 个单位，一般不超过 {widest} 个",
                    f"joint branch covers {len(branch.covers_unit_ids)} units; generally at most {widest}",
                ),
                severity=Severity.WARNING,
                expected=widest,
                actual=len(branch.covers_unit_ids),
                fix=FIX_JOINT_TOO_WIDE,
            )


def check_committee_required(ctx: RuleContext) -> Iterator[Outcome]:
    members_by_branch = branch_members_on(ctx.ledger, ctx.as_of)
    for branch in ctx.ledger.branches:
        if not branch_exists_on(branch, ctx.as_of):
            continue
        full = members_by_branch.get(branch.id, NO_MEMBERS).full
        trigger = ctx.param("branch.committee_required_from", branch.county_id)
        if full >= trigger and not branch.has_committee:
            yield ctx.finding(
                ("branches", branch.id),
                "committee_missing",
                Text(
                    f"支部“{branch.name}”正式党员 {full} 名（≥{trigger}），应设立支部委员会",
                    f"branch '{branch.name}' has {full} full members (≥ {trigger}) and needs a "
                    "branch committee",
                ),
                expected=trigger,
                actual=full,
                fix=Text(
                    "召开党员大会选举支部委员会", "elect a branch committee at a general meeting"
                ),
            )


def check_committee_size(ctx: RuleContext) -> Iterator[Outcome]:
    members_by_branch = branch_members_on(ctx.ledger, ctx.as_of)
    for branch in ctx.ledger.branches:
        if not branch.has_committee or not branch_exists_on(branch, ctx.as_of):
            continue
        size = len(branch.committee_ids)
        low = ctx.param("branch.committee_min_size", branch.county_id)
        usual = ctx.param("branch.committee_usual_max_size", branch.county_id)
        high = ctx.param("branch.committee_max_size", branch.county_id)
        subject = ("branches", branch.id)
        if size < low or size > high:
            yield ctx.finding(
                subject,
                "committee_size",
                Text(
                    f"支部委员会 {size} 人，应为 {low}至{usual} 人、一般不超过 {high} 人",
                    f"the committee has {size} member(s); it should have {low} to {usual}, "
                    f"generally at most {high}",
                ),
                expected=f"{low}-{usual}",
                actual=size,
                fix=Text(
                    f"召开党员大会增补或调整支部委员，使委员会为 {low}至{usual} 人",
                    f"elect or stand down committee members at a general meeting to bring it to "
                    f"{low} to {usual}",
                ),
            )
        elif size > usual:
            yield ctx.finding(
                subject,
                "committee_large",
                Text(
                    f"支部委员会 {size} 人，通常为 {low}至{usual} 人",
                    f"the committee has {size} members; usually {low} to {usual}",
                ),
                severity=Severity.INFO,
                expected=f"{low}-{usual}",
                actual=size,
                fix=Text(
                    f"下次换届时将委员会调整为 {low}至{usual} 人",
                    f"at the next election, bring the committee to {low} to {usual}",
                ),
            )
        full = members_by_branch.get(branch.id, NO_MEMBERS).full
        trigger = ctx.param("branch.committee_required_from", branch.county_id)
        if full < trigger:
            yield ctx.finding(
                subject,
                "committee_not_required",
                Text(
                    f"正式党员不足 {trigger} 名的支部一般不设委员会，设书记（必要时副书记）",
                    f"a branch of fewer than {trigger} full members usually has a secretary (and a "
                    "deputy if needed), not a committee",
                ),
                severity=Severity.INFO,
                expected=trigger,
                actual=full,
                fix=Text(
                    "下次换届时只选书记（必要时选副书记），不再设委员会",
                    "at the next election, elect a secretary (and a deputy if needed) instead "
                    "of a committee",
                ),
            )


def check_secretary(ctx: RuleContext) -> Iterator[Outcome]:
    branches = [b for b in ctx.ledger.branches if branch_exists_on(b, ctx.as_of)]
    # the secretaries' name, birth date and death, read for them alone
    secretaries = values_by_id(
        ctx.ledger,
        "cadres",
        (b.secretary_id for b in branches if b.secretary_id is not None),
        "name",
        "birth_date",
        "deceased",
    )
    for branch in branches:
        subject = ("branches", branch.id)
        if branch.secretary_id is None:
            yield ctx.finding(
                subject,
                "no_secretary",
                Text(f"支部“{branch.name}”未配备书记", f"branch '{branch.name}' has no secretary"),
                fix=Text("选举产生支部书记并录入", "elect a secretary and record them"),
            )
            continue
        name, birth_date, deceased = secretaries[branch.secretary_id]
        oldest = ctx.param("branch.secretary_max_age", branch.county_id)
        age = _age_on(birth_date, ctx.as_of)
        if age > oldest:
            yield ctx.finding(
                subject,
                "secretary_age",
                Text(
                    f"支部书记 {name} {age} 岁，一般不超过 {oldest} 岁",
                    f"secretary {name} is {age}; generally at most {oldest}",
                ),
                severity=Severity.WARNING,
                expected=oldest,
                actual=age,
                fix=FIX_SECRETARY_AGE,
            )
        if deceased is not None and ctx.as_of >= deceased:  # not alive (Cadre.alive_on)
            yield ctx.finding(
                subject,
                "secretary_deceased",
                Text(
                    f"支部书记 {name} 已去世，须补选",
                    f"secretary {name} has died; elect a new one",
                ),
                fix=FIX_SECRETARY_DECEASED,
            )


def _years_after(day: date, years: int) -> date:
    """``day + relativedelta(years=years)``: the same day ``years`` later (29 February in a
    common year: the 28th), without building a ``relativedelta`` for each branch."""
    if type(years) is int:
        try:
            return day.replace(year=day.year + years)
        except ValueError:
            if day.month == 2 and day.day == 29 and 1 <= day.year + years <= 9999:
                return day.replace(year=day.year + years, day=28)
    return day + relativedelta(years=years)  # (and its errors)


#: The activity kind that records a branch's election (换届选举): each one starts a committee.
ELECTION_KIND = "election"


@dataclass(frozen=True, slots=True)
class Committee:
    """One committee (or, in a branch without one, secretary) of a branch's history: elected on
    ``elected`` for the term then in force, until the next election."""

    elected: date
    #: the election activity that records it; None where only ``committee_elected`` does
    record: str | None
    #: the term applied: its length and where that came from
    term: ResolvedParameter
    ends: date
    #: the next election, if one is known by the day judged, and its record
    next_elected: date | None = None
    next_record: str | None = None

    @property
    def years(self) -> int:
        return int(self.term.value)

    def described(self) -> Text:
        """``elected on X, 3-year term (source)``: which committee, and the term applied."""
        return Text(
            f"{self.elected} 选举的支部委员会（书记），任期 {self.years} 年（{in_lang(self.term.source, 'zh')}）",
            f"the committee (or secretary) elected on {self.elected}, a {self.years}-year term "
            f"({in_lang(self.term.source, 'en')})",
        )


def elections_by_branch(ledger: Ledger, as_of: date) -> dict[str, dict[date, str]]:
    """Per branch, the days of its ``election`` activities known on ``as_of`` (dated on or
    before it), each with the first such activity of that day (in ledger order)."""
    found: dict[str, dict[date, str]] = defaultdict(dict)
    for activity_id, branch_id, day in ledger.columns(
        "activities", "id", "branch_id", "date", where={"activity_kind": ELECTION_KIND}
    ):
        if branch_id is not None and day <= as_of:
            found[branch_id].setdefault(day, activity_id)
    return found


def committees_of(
    ctx: RuleContext, branch: Branch, elections: Mapping[date, str], since: date
) -> list[Committee]:
    """The branch's committees in office from ``since`` to ``ctx.as_of``, oldest first: one
    per election known on ``ctx.as_of`` (an ``election`` activity, and ``committee_elected`` as
    the latest known), each with the term in force on its election day (``branch.term_years``,
    or the village and community term for the types ``branch.village_community_types`` listed
    that day). The committees replaced before ``since`` are not judged: their terms are not
    looked up (nor listed among the parameters applied)."""
    known: dict[date, str | None] = dict(elections)
    if branch.committee_elected is not None and branch.committee_elected <= ctx.as_of:
        known.setdefault(branch.committee_elected, None)
    days = sorted(known)
    committees: list[Committee] = []
    for number, elected in enumerate(days):
        following = days[number + 1] if number + 1 < len(days) else None
        if following is not None and following < since:
            continue  # replaced before the period judged
        village_types = ctx.param_on("branch.village_community_types", elected, branch.county_id)
        key = (
            "branch.term_years_village_community"
            if branch.branch_type in village_types
            else "branch.term_years"
        )
        term = ctx.params.resolve(key, branch.county_id, elected)  # (applied: the report lists it)
        committees.append(
            Committee(
                elected,
                known[elected],
                term,
                _years_after(elected, term.value),
                following,
                None if following is None else known[following],
            )
        )
    return committees


def check_terms(ctx: RuleContext) -> Iterator[Outcome]:
    elections = elections_by_branch(ctx.ledger, ctx.as_of)
    later = {  # the branches with an election recorded after the day judged only
        branch_id
        for (branch_id,) in ctx.ledger.columns(
            "activities", "branch_id", where={"activity_kind": ELECTION_KIND}
        )
    }
    year_began = min(ctx.period.start, ctx.as_of)
    period = str(ctx.year)
    for branch in ctx.ledger.branches:
        if not branch_exists_on(branch, ctx.as_of) or branch.secretary_id is None:
            continue
        subject = ("branches", branch.id)
        committees = committees_of(ctx, branch, elections.get(branch.id, {}), year_began)
        if not committees:
            recorded_later = branch.committee_elected is not None or branch.id in later
            yield ctx.finding(
                subject,
                "election_date_missing",
                Text(
                    f"未记录 {ctx.as_of} 在任的支部委员会（书记）的选举日期（已记录的选举均在其后），无法判断换届",
                    f"the election of the committee (or secretary) in office on {ctx.as_of} is "
                    "not recorded (the elections recorded are all later)",
                )
                if recorded_later
                else Text(
                    "未记录本届支部委员会（书记）选举日期，无法判断换届",
                    "the date the current committee (or secretary) was elected is not recorded",
                ),
                severity=Severity.WARNING,
                fix=Text(
                    "在 activities.csv 中登记换届选举（election），或在 branches.yaml 中补录 committee_elected",
                    "record the election (an `election` activity in activities.csv), or "
                    "committee_elected in branches.yaml",
                ),
            )
            continue
        # the committees judged: the one in office when the year began, and those elected since
        warn_days = ctx.param("branch.election_warning_days", branch.county_id)
        for committee in committees:
            yield from _judge_term(ctx, branch, period, committee, warn_days)


def _judge_term(
    ctx: RuleContext,
    branch: Branch,
    period: str,
    committee: Committee,
    warn_days: int,
) -> Iterator[Outcome]:
    """One committee's term: re-elected in time (``done``), late (``late``, a warning), not
    yet (``overdue``, an error, from the day it ends), or ``pending`` (a warning in the last
    ``warn_days`` days). Each occurrence's note says which committee and the term applied."""
    subject = ("branches", branch.id)
    ends, which = committee.ends, committee.described()
    evidence = tuple(r for r in (committee.record,) if r is not None)
    if committee.next_elected is not None:  # an election clears the re-election due
        late = committee.next_elected > ends
        yield ctx.occurrence(
            subject,
            period,
            ends,
            "late" if late else "done",
            satisfied_by=committee.next_record,
            done_on=committee.next_elected,
            note=which,
        )
        if late:
            days = (committee.next_elected - ends).days
            yield ctx.finding(
                subject,
                "elected_late",
                Text(
                    f"{which.zh}于 {ends} 届满，{committee.next_elected} 才换届，逾期 {days} 天",
                    f"{which.en} ended on {ends}; the next was elected on "
                    f"{committee.next_elected}, {days} day(s) late",
                ),
                severity=Severity.WARNING,
                expected=ends.isoformat(),
                actual=committee.next_elected.isoformat(),
                evidence=tuple(r for r in (committee.next_record,) if r is not None),
            )
        return
    if ctx.as_of >= ends:
        longest = ctx.param_on(
            "branch.term_extension_max_years", committee.elected, branch.county_id
        )
        yield ctx.occurrence(subject, period, ends, "overdue", note=which)
        yield ctx.finding(
            subject,
            "term_expired",
            Text(
                f"{which.zh}，已于 {ends} 届满，应按期换届",
                f"{which.en} ended on {ends}; an election is overdue",
            ),
            expected=ends.isoformat(),
            actual=ctx.as_of.isoformat(),
            fix=Text(
                f"召开党员大会换届选举；确需延期的须经上级批准（最长 {longest} 年）",
                f"hold the election; an extension needs approval and is at most {longest} year(s)",
            ),
            evidence=evidence,
        )
        return
    yield ctx.occurrence(subject, period, ends, "pending", note=which)
    if (ends - ctx.as_of).days <= warn_days:
        yield ctx.finding(
            subject,
            "election_due",
            Text(
                f"{which.zh}，将于 {ends} 届满，请准备换届",
                f"{which.en} ends on {ends}: prepare the election",
            ),
            severity=Severity.WARNING,
            expected=ends.isoformat(),
            evidence=evidence,
            fix=Text(
                f"在 {ends} 前召开党员大会换届选举，并记录一条 election 活动",
                f"hold the general meeting's election before {ends} and record it as an election "
                "activity",
            ),
        )


def check_members_away(ctx: RuleContext) -> Iterator[Outcome]:
    # who lives away, and since when: a column of the few cadres living away
    away_since: dict[str, date] = {
        cadre_id: since
        for cadre_id, since in ctx.ledger.columns(
            "cadres", "id", "away_since", where={"living_away": True}
        )
        if since is not None
    }
    members_by_branch = branch_members_on(ctx.ledger, ctx.as_of)
    found: list[tuple[str, int]] = []  # (cadre id, months) of each finding, in order
    for branch in ctx.ledger.branches:
        if branch.branch_type == "mobile" or not branch_exists_on(branch, ctx.as_of):
            continue
        months = ctx.param("branch.away_months", branch.county_id)
        for cadre_id in members_by_branch.get(branch.id, NO_MEMBERS).ids:
            since = away_since.get(cadre_id)
            if since is not None and since + relativedelta(months=months) <= ctx.as_of:
                found.append((cadre_id, months))
    names = values_by_id(ctx.ledger, "cadres", (cadre_id for cadre_id, _ in found), "name")
    for cadre_id, months in found:
        (name,) = names[cadre_id]
        yield ctx.finding(
            ("cadres", cadre_id),
            "away_member",
            Text(
                f"{name} 异地居住已满 {months} 个月，应就地参加组织生活或编入流动支部",
                f"{name} has lived away for {months}+ months: take part where they live, "
                "or join a mobile branch",
            ),
            severity=Severity.INFO,
            expected=months,
            fix=FIX_AWAY_MEMBER,
        )


_PARAMS_FORMATION = ("branch.min_full_members", "branch.max_members", "branch.joint_max_units")
_PARAMS_COMMITTEE = (
    "branch.committee_min_size",
    "branch.committee_usual_max_size",
    "branch.committee_max_size",
    "branch.committee_required_from",
)

RULES = (
    Rule(
        key="branch.formation",
        reads=BRANCH_MEMBERS_READS,
        title=Text("支部成立条件", "branch formation: full members"),
        check=check_formation,
        severities=(Severity.WARNING, Severity.ERROR),
        cites=(BRANCH_REGULATION,),
        parameters=_PARAMS_FORMATION,
        topic="branches",
    ),
    Rule(
        key="branch.committee_required",
        reads=BRANCH_MEMBERS_READS,
        title=Text("正式党员7人以上设支委会", "committee required from 7 full members"),
        check=check_committee_required,
        cites=(BRANCH_REGULATION,),
        parameters=("branch.committee_required_from",),
        topic="branches",
    ),
    Rule(
        key="branch.committee_size",
        reads=BRANCH_MEMBERS_READS,
        title=Text("支委会人数", "branch committee size"),
        check=check_committee_size,
        severities=(Severity.INFO, Severity.ERROR),
        cites=(BRANCH_REGULATION,),
        parameters=_PARAMS_COMMITTEE,
        topic="branches",
    ),
    Rule(
        key="branch.secretary",
        title=Text("支部书记", "branch secretary"),
        check=check_secretary,
        severities=(Severity.WARNING, Severity.ERROR),
        cites=(BRANCH_REGULATION, "章丘区离退休干部党支部建设规范 (2015)"),
        parameters=("branch.secretary_max_age",),
        topic="branches",
    ),
    Rule(
        key="branch.term",
        title=Text("按期换届", "elections on time"),
        check=check_terms,
        severities=(Severity.WARNING, Severity.ERROR),
        cites=(BRANCH_REGULATION, "党章（2022 修正）"),
        parameters=(
            "branch.term_years",
            "branch.term_years_village_community",
            "branch.village_community_types",
            "branch.election_warning_days",
            "branch.term_extension_max_years",
        ),
        topic="branches",
    ),
    Rule(
        key="branch.members_away",
        reads=BRANCH_MEMBERS_READS,
        title=Text("异地居住党员就地参加组织生活", "members living away"),
        check=check_members_away,
        severity=Severity.INFO,
        cites=(BRANCH_REGULATION,),
        parameters=("branch.away_months",),
        topic="branches",
    ),
)
