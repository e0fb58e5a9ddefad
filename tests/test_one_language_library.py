"""One language per run, the library half (issue #21 item 1): every message the library makes
(a ledger folder's load errors, a model's validation errors, the cross-checks, the errors it
raises, the rules' findings, fixes and notes) says itself wholly in English or wholly in
Chinese, data aside; and a closed set's member is shown by its label, not its key.

The detectors are :mod:`language_check`'s (shared with the command line's own test).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel, ValidationError

import cadrecore
from cadrecore import Ledger, LedgerError, get_registry, load_ledger, save_ledger
from cadrecore.errors import CadrecoreError, Location
from cadrecore.i18n import Lang, Text, set_lang
from cadrecore.io.folder import FolderError
from cadrecore.io.messages import validation_problems
from cadrecore.models import (
    Activity,
    Assignment,
    Branch,
    Cadre,
    Checklist,
    Membership,
    Opinion,
    Plan,
    Recognition,
    ServiceRecord,
    Unit,
)
from cadrecore.models.common import LabelledEnum
from cadrecore.plugins import PluginManager
from cadrecore.rules import evaluate
from cadrecore.rules.engine import get_rulebook, workers_for
from cadrecore.scope import ScopeError, scope_ledger
from cadrecore.store.opened import resolve_ledger

from .language_check import chinese_in, data_strings, english_in
from .xinzhou_fixtures import XINZHOU, xinzhou_pm

__all__ = ["xinzhou_pm"]

LANGS: tuple[Lang, ...] = ("en", "zh")


def assert_one_language(pieces: list[tuple[str, Text]], allowed: set[str]) -> None:
    """Each piece's English holds no Chinese and its Chinese no English sentence (``allowed``:
    the data it may quote); every offender is listed at once."""
    wrong = []
    seen: set[Text] = set()
    for where, text in pieces:
        if text in seen:
            continue
        seen.add(text)
        if found := chinese_in(text.en, allowed):
            wrong.append(f"{where} [en] {text.en!r}: {found}")
        if found := english_in(text.zh, allowed):
            wrong.append(f"{where} [zh] {text.zh!r}: {found}")
    assert not wrong, "\n".join(wrong)


@pytest.fixture
def run_lang() -> Iterator[Callable[[Lang | None], None]]:
    """``set_lang`` for one test, then back to the environment's language."""
    yield set_lang
    set_lang(None)


# ---------------------------------------------------------------------------------------------
# Closed sets: a label in each language
# ---------------------------------------------------------------------------------------------


def _labelled_enums() -> list[type[LabelledEnum]]:
    found: list[type[LabelledEnum]] = []
    todo = list(LabelledEnum.__subclasses__())
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo += cls.__subclasses__()
    return sorted(found, key=lambda c: c.__name__)


@pytest.mark.parametrize("enum", _labelled_enums(), ids=lambda c: c.__name__)
def test_every_member_has_a_label_in_each_language(enum: type[LabelledEnum]) -> None:
    for member in enum:
        assert chinese_in(member.en) == [], member
        assert chinese_in(member.zh), member
        assert member.label == Text(member.zh, member.en)
        # either label is read back as the member
        assert enum(member.zh) is member and enum(member.en) is member


def test_a_member_is_shown_by_its_label() -> None:
    from cadrecore.models import RetirementKind, ServiceState

    assert RetirementKind.TUIXIU.label("zh") == "退休"
    assert "tuixiu" not in RetirementKind.TUIXIU.label("zh")
    assert ServiceState.RATED.label("en") == "rated"


# ---------------------------------------------------------------------------------------------
# A ledger folder's load errors
# ---------------------------------------------------------------------------------------------


def _rows(file: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(file.read_text(encoding="utf-8"), newline="")))


def _write_rows(file: Path, rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    file.write_text(out.getvalue(), encoding="utf-8")


def _cell(file: str, row: int, **cells: str) -> Callable[[Path], None]:
    """Set cells of one row (the header is row 1)."""

    def change(folder: Path) -> None:
        rows = _rows(folder / file)
        for column, value in cells.items():
            rows[row - 1][rows[0].index(column)] = value
        _write_rows(folder / file, rows)

    return change


def _yaml_item(file: str, index: int, **fields: Any) -> Callable[[Path], None]:
    """Set fields of one item of a YAML list."""

    def change(folder: Path) -> None:
        items = yaml.safe_load((folder / file).read_text(encoding="utf-8"))
        items[index].update(fields)
        (folder / file).write_text(yaml.safe_dump(items, allow_unicode=True), encoding="utf-8")

    return change


def _text(file: str, text: str) -> Callable[[Path], None]:
    def change(folder: Path) -> None:
        (folder / file).write_text(text, encoding="utf-8")

    return change


def _extra_cell(folder: Path) -> None:
    rows = _rows(folder / "cadres.csv")
    rows[2].append("多余")
    _write_rows(folder / "cadres.csv", rows)


def _not_utf8(folder: Path) -> None:
    (folder / "cadres.csv").write_bytes((folder / "cadres.csv").read_bytes() + "王".encode("gbk"))


BAD_FOLDERS: dict[str, Callable[[Path], None]] = {
    "date": _cell("cadres.csv", 2, birth_date="1950-13-01"),
    "enum": _cell("cadres.csv", 2, retirement_kind="半休"),
    "bool": _cell("cadres.csv", 2, living_away="也许"),
    "missing": _cell("cadres.csv", 3, name=""),
    "dates_order": _cell("cadres.csv", 2, joined_work="1940-01-01"),
    "lixiu_cutoff": _cell("cadres.csv", 2, retirement_kind="离休", joined_work="1960-01-01"),
    "period_not_lixiu": _cell("cadres.csv", 2, revolution_period="抗日战争时期"),
    "party_joined": _cell("cadres.csv", 2, party_status="", party_joined="1970-01-01"),
    "away_since": _cell("cadres.csv", 2, away_since="2015-01-01"),
    "id_check": _cell("cadres.csv", 2, national_id="140902195003010011"),
    "reference": _cell("cadres.csv", 2, county_id="nowhere"),
    "extra_cell": _extra_cell,
    "not_utf8": _not_utf8,
    "duplicate_id": _cell("cadres.csv", 3, id="c1"),
    "attendees_twice": _cell("activities.csv", 2, attendee_ids="c1;c1"),
    "two_holders": _cell("activities.csv", 2, owner_unit_id="city"),
    "unknown_kind": _cell("activities.csv", 2, activity_kind="picnic"),
    "leader_text": _cell("activities.csv", 3, leaders="李俊明"),
    "headcount": _cell("activities.csv", 2, headcount="1"),
    "wrong_holder": _cell("activities.csv", 3, branch_id="b1", owner_unit_id=""),
    "member_twice": _cell("memberships.csv", 3, until=""),
    "unit_order": _yaml_item("units.yaml", 2, established="2020-01-01", abolished="2019-01-01"),
    "own_parent": _yaml_item("units.yaml", 2, parent_id="xinfu"),
    "unit_level": _yaml_item("units.yaml", 2, level="村级"),
    "secretary": _yaml_item("branches.yaml", 0, committee_ids=["c2"]),
    "branch_type": _yaml_item("branches.yaml", 0, branch_type="bowling"),
    "venue": _yaml_item("branches.yaml", 0, venue_standardized_year=2020),
    "yaml_syntax": _text("units.yaml", "- id: city\n  name: [忻州\n"),
    "yaml_not_list": _text("branches.yaml", "id: b1\n"),
    "format": _text("ledger.yaml", "format: 9\njurisdiction: {id: xz, name: 忻州市}\n"),
}


@pytest.fixture
def mini_folder(mini: Callable[..., Ledger], tmp_path: Path) -> Path:
    return save_ledger(mini(), tmp_path / "mini")


@pytest.mark.parametrize("case", BAD_FOLDERS)
def test_a_bad_folder_is_told_in_one_language(
    case: str,
    mini_folder: Path,
    mini: Callable[..., Ledger],
    cadrecore_pm: PluginManager,
    run_lang: Callable[[Lang | None], None],
) -> None:
    BAD_FOLDERS[case](mini_folder)
    with pytest.raises(LedgerError) as exc:
        load_ledger(mini_folder, registry=get_registry(cadrecore_pm))
    error = exc.value
    # the data a message may quote: the ledger's own values and what the case wrote
    written = (mini_folder / "cadres.csv").read_bytes().decode("utf-8", "replace")
    allowed = data_strings(mini()) | {
        cell for row in csv.reader(io.StringIO(written)) for cell in row
    }
    allowed |= {str(mini_folder), mini_folder.name, "忻州", "忻州市", "半休", "也许", "多余"}
    allowed |= {"李俊明", "村级", "王"}
    assert_one_language(
        [(f"{case} problem", Text(p.render("zh"), p.render("en"))) for p in error.problems]
        + [(f"{case} whole", Text(error.render("zh"), error.render("en")))],
        allowed,
    )
    # str() says it in the run's language, chosen after it was raised
    for lang in LANGS:
        run_lang(lang)
        assert str(error) == error.render(lang)


def test_a_missing_folder_is_told_in_one_language(tmp_path: Path) -> None:
    with pytest.raises(LedgerError) as exc:
        load_ledger(tmp_path / "nowhere")
    error = exc.value
    assert_one_language([("missing", Text(error.render("zh"), error.render("en")))], set())


# ---------------------------------------------------------------------------------------------
# Models built in code: their validation errors
# ---------------------------------------------------------------------------------------------

_CADRE = {
    "id": "c1",
    "name": "王建国",
    "birth_date": "1950-03-01",
    "joined_work": "1968-09-01",
    "retirement_kind": "退休",
    "retirement_date": "2010-03-01",
    "county_id": "xinfu",
}
BAD_MODELS: list[tuple[type[BaseModel], dict[str, Any]]] = [
    (Unit, {"id": "u", "name": "单位", "level": "city", "kind": "other", "parent_id": "u"}),
    (
        Unit,
        {
            "id": "u",
            "name": "单位",
            "level": "city",
            "kind": "other",
            "established": date(2020, 1, 1),
            "abolished": date(2019, 1, 1),
        },
    ),
    (
        Assignment,
        {
            "id": "a",
            "staff_id": "s",
            "unit_id": "u",
            "establishment_kind": "administrative",
            "grade": "chief",
            "start": date(2020, 1, 1),
        },
    ),
    (
        Recognition,
        {
            "id": "r",
            "title": "全国先进",
            "kind": "honour",
            "level": "national",
            "date": date(2020, 1, 1),
            "recipient_unit_id": "u",
            "recipient_cadre_id": "c",
        },
    ),
    (
        Opinion,
        {
            "id": "o",
            "raised_at_id": "a",
            "raised": date(2022, 3, 1),
            "content": "意见",
            "answered": date(2022, 2, 1),
        },
    ),
    (Opinion, {"id": "o", "raised": date(2022, 3, 1), "content": "意见", "satisfied": True}),
    (Membership, {"cadre_id": "c", "branch_id": "b", "since": "2020-01-01", "until": "2019-01-01"}),
    (
        Branch,
        {
            "id": "b",
            "name": "支部",
            "branch_type": "team",
            "tie": "interest",
            "org_id": "o",
            "county_id": "x",
            "secretary_id": "c1",
            "deputy_secretary_id": "c1",
        },
    ),
    (
        Activity,
        {"id": "a", "activity_kind": "general_meeting", "date": "2022-01-01", "leaders": "某人"},
    ),
    (Checklist, {"id": "l", "name": "清单", "owner_unit_id": "u", "items": "six_ones.report"}),
    (Plan, {"id": "p", "name": "规划", "owner_unit_id": "u", "from_year": 2022, "to_year": 2020}),
    (Cadre, {**_CADRE, "retirement_kind": "半休", "birth_date": "1950.13"}),
    (Cadre, {**_CADRE, "retirement_kind": "lixiu", "joined_work": "1960-01-01"}),
    (Cadre, {**_CADRE, "gender": "女", "national_id": "140902195003010011"}),
]
_SERVICE = {
    "id": "s",
    "service_type": "family_doctor.contract",
    "cadre_id": "c",
    "provider_unit_id": "u",
    "requested": date(2022, 3, 1),
}
BAD_SERVICES = [
    {"state": "delivered"},
    {"state": "rated", "delivered": date(2022, 3, 2)},
    {"state": "delivered", "delivered": date(2022, 3, 2), "rating": 5},
    {"state": "已取消"},
    {"delivered": date(2022, 2, 1)},
    {"state": "半途"},
]


def _problems_of(model: type[BaseModel], data: dict[str, Any], context: Any = None) -> list[Text]:
    with pytest.raises(ValidationError) as exc:
        model.model_validate(data, context=context)
    problems = validation_problems(exc.value, model, lambda f: Location("x.csv", 2, f))
    assert problems
    return [Text(p.render("zh"), p.render("en")) for p in problems]


def test_a_bad_model_is_told_in_one_language(cadrecore_registry: Any) -> None:
    pieces = []
    for model, data in BAD_MODELS:
        for text in _problems_of(model, data, {"registry": cadrecore_registry}):
            pieces.append((model.__name__, text))
    allowed = {str(v) for _, data in BAD_MODELS for v in data.values()} | {"x.csv"}
    assert_one_language(pieces, allowed)


def test_a_bad_service_record_is_told_in_one_language(xinzhou_pm: PluginManager) -> None:
    registry = get_registry(xinzhou_pm)
    pieces = []
    for changes in BAD_SERVICES:
        for text in _problems_of(ServiceRecord, {**_SERVICE, **changes}, {"registry": registry}):
            pieces.append((str(changes), text))
    assert_one_language(pieces, {"半途"})
    assert not any("service_type" in t.en for _, t in pieces)  # (a registered type)
    joined = " ".join(t.zh for _, t in pieces)
    assert "“已服务”" in joined and "delivered'" not in joined  # a state by its label


# ---------------------------------------------------------------------------------------------
# Errors raised to users
# ---------------------------------------------------------------------------------------------


def _raised(call: Callable[[], object]) -> CadrecoreError:
    with pytest.raises(CadrecoreError) as exc:
        call()
    return exc.value


def test_raised_errors_are_told_in_one_language(
    mini: Callable[..., Ledger], tmp_path: Path, run_lang: Callable[[Lang | None], None]
) -> None:
    a_file = tmp_path / "a_file"
    a_file.write_text("x", encoding="utf-8")
    other = tmp_path / "other"
    other.mkdir()
    (other / "thesis.docx").write_text("x", encoding="utf-8")
    whole = save_ledger(mini(), tmp_path / "whole")
    errors = [
        _raised(lambda: save_ledger(mini(), a_file)),
        _raised(lambda: save_ledger(mini(), other)),
        _raised(lambda: save_ledger(scope_ledger(mini(), "xinfu"), whole)),
        _raised(lambda: resolve_ledger(["a", "b"], None, "sqlite:///x.sqlite")),
        _raised(lambda: resolve_ledger([], None, "sqlite:///x.sqlite")),
        _raised(lambda: resolve_ledger(["a"], "c", "sqlite:///x.sqlite")),
        _raised(lambda: workers_for(-1)),
    ]
    assert isinstance(errors[0], FolderError) and isinstance(errors[2], ScopeError)
    allowed = {str(tmp_path), "sqlite:///x.sqlite"}
    assert_one_language(
        [(type(e).__name__, Text(e.render("zh"), e.render("en"))) for e in errors], allowed
    )
    for lang in LANGS:  # str() in the run's language, whenever it was raised
        run_lang(lang)
        assert [str(e) for e in errors] == [e.render(lang) for e in errors]


# ---------------------------------------------------------------------------------------------
# The rules: findings, fixes, notes, titles, on the Xinzhou example
# ---------------------------------------------------------------------------------------------


def test_the_rules_speak_one_language(xinzhou_pm: PluginManager) -> None:
    registry = get_registry(xinzhou_pm)
    ledger = load_ledger(XINZHOU, registry=registry)
    allowed = data_strings(ledger)
    # the regulations and documents a note cites are names, the same in both languages: the
    # Chinese of the English citations and sources (their titles) is allowed, and nothing else
    from cadrecore.rules.catalog import rule_catalog

    catalog = rule_catalog(xinzhou_pm, lang="en")
    cited = [c for r in catalog["rules"] for c in r["cites"]]
    cited += [v["source"] for p in catalog["parameters"].values() for v in p["versions"]]
    allowed |= {piece for text in cited for piece in chinese_in(text)}
    pieces: list[tuple[str, Text]] = []
    for year, as_of in ((2022, None), (2023, date(2023, 6, 30))):
        report = (
            evaluate(ledger, as_of=as_of, pm=xinzhou_pm)
            if as_of
            else evaluate(ledger, year=year, pm=xinzhou_pm)
        )
        for f in (*report.findings, *report.waived):
            pieces.append((f"{f.rule_id} message", f.message))
            if f.fix is not None:
                pieces.append((f"{f.rule_id} fix", f.fix))
        pieces += [(f"{o.rule_id} note", o.note) for o in report.occurrences if o.note]
        pieces += [("measure", m.label) for m in report.measures if m.label is not None]
    notes = [t for where, t in pieces if where.endswith(" note")]
    assert notes and any(n.zh.startswith("时限") for n in notes)
    for rule_id, registered in get_rulebook(xinzhou_pm).rules.items():
        pieces.append((f"{rule_id} title", registered.rule.title))
        if registered.rule.description is not None:
            pieces.append((f"{rule_id} description", registered.rule.description))
    assert_one_language(pieces, allowed)


def test_a_note_is_in_the_language_asked() -> None:
    from cadrecore.rules.findings import Occurrence, Subject

    note = Text("时限 2022-06-30", "due 2022-06-30")
    occurrence = Occurrence(
        "r", Subject("units", "u"), "2022", date(2022, 6, 30), "pending", note=note
    )
    assert occurrence.note is not None
    assert occurrence.note("en") == "due 2022-06-30"
    assert occurrence.note("zh") == "时限 2022-06-30"


def test_the_detectors_find_what_they_should() -> None:
    assert chinese_in("cadre 王建国 is missing", {"王建国"}) == []
    assert chinese_in("the ledger has 1 problem（s）") == ["（", "）"]
    assert english_in("账册有 1 处错误：no such file here") == ["no such file here"]
    assert english_in("规则 builtin::branch.committee_required 未通过，见 --lang en") == []
    assert english_in("见 docs/ledger-format.md 与 https://example.org/a/b") == []
    assert english_in("CSV 格式错误，YAML 语法错误") == []
    assert english_in("服务类型 art_academy 未登记") == []
    assert english_in("“王建国”：birth date is wrong", {"birth date is wrong"}) == []
    assert cadrecore.Text("中", "en")("en") == "en"
