"""Tests never autoload installed plugins: each test says which plugins it runs with."""

from __future__ import annotations

import os

os.environ["CADRECORE_LOAD_PLUGINS"] = ""
os.environ.setdefault("CADRECORE_LANG", "zh")
os.environ["CADRECORE_CACHE_DIR"] = "off"  # tests never read or write the user's cache

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from cadrecore import Ledger, Registry
from cadrecore.models import (
    Activity,
    Branch,
    Cadre,
    Checklist,
    ChecklistEntry,
    Jurisdiction,
    Membership,
    Opinion,
    PartyOrg,
    Recognition,
    Theme,
    TreatmentGrant,
    TreatmentStandard,
    Unit,
)


def mini_records(registry: Registry) -> dict[str, Any]:
    """A small consistent ledger's records: a city, two counties, five cadres, two branches.

    ``c2`` moved from ``b1`` to ``b2`` on 2021-07-01; ``c4`` is not a party member; ``c5`` is
    probationary and joined ``b1`` in 2022. Tests change one thing and see what the ledger says.
    """
    context = {"registry": registry}

    def cadre(cid: str, name: str, county: str, **extra: Any) -> Cadre:
        data = {
            "id": cid,
            "name": name,
            "birth_date": date(1950, 3, 1),
            "joined_work": date(1968, 9, 1),
            "retirement_kind": "退休",
            "retirement_date": date(2010, 3, 1),
            "county_id": county,
            "party_status": "正式党员",
        }
        data.update(extra)
        return Cadre.model_validate(data)

    return {
        "jurisdiction": Jurisdiction(id="xz", name="忻州市", root_unit_id="city"),
        "units": (
            Unit(id="city", name="忻州市委", level="city", kind="party_committee"),
            Unit(
                id="city.lgb",
                name="市委老干部局",
                level="city",
                kind="veteran_cadre_bureau",
                parent_id="city",
            ),
            Unit(id="xinfu", name="忻府区", level="county", kind="government", parent_id="city"),
            Unit(
                id="xinfu.lgb",
                name="忻府区老干部局",
                level="county",
                kind="veteran_cadre_bureau",
                parent_id="xinfu",
            ),
            Unit(id="daixian", name="代县", level="county", kind="government", parent_id="city"),
        ),
        "cadres": (
            cadre("c1", "王建国", "xinfu"),
            cadre("c2", "李秀英", "xinfu", gender="女"),
            cadre(
                "c3",
                "张志强",
                "daixian",
                birth_date=date(1928, 5, 4),
                joined_work=date(1945, 8, 1),
                retirement_kind="离休",
                retirement_date=date(1988, 6, 1),
                revolution_period="解放战争时期",
            ),
            cadre("c4", "刘文华", "daixian", party_status=None),
            cadre("c5", "陈玉兰", "xinfu", party_status="预备党员"),
        ),
        "party_orgs": (
            PartyOrg(id="org", name="市委老干部党工委", kind="老干部党工委", unit_id="city.lgb"),
        ),
        "branches": (
            Branch.model_validate(
                {
                    "id": "b1",
                    "name": "书画团队支部",
                    "branch_type": "team",
                    "tie": "趣缘",
                    "org_id": "org",
                    "county_id": "xinfu",
                    "secretary_id": "c1",
                },
                context=context,
            ),
            Branch.model_validate(
                {
                    "id": "b2",
                    "name": "东街社区支部",
                    "branch_type": "community",
                    "tie": "地缘",
                    "org_id": "org",
                    "county_id": "daixian",
                    "secretary_id": "c3",
                },
                context=context,
            ),
        ),
        "memberships": (
            Membership(cadre_id="c1", branch_id="b1", since=date(2018, 1, 1)),
            Membership(
                cadre_id="c2", branch_id="b1", since=date(2018, 1, 1), until=date(2021, 7, 1)
            ),
            Membership(cadre_id="c2", branch_id="b2", since=date(2021, 7, 1)),
            Membership(cadre_id="c3", branch_id="b2", since=date(2019, 3, 1)),
            Membership(cadre_id="c5", branch_id="b1", since=date(2022, 1, 1)),
        ),
        "activities": tuple(
            Activity.model_validate(a, context=context)
            for a in (
                {
                    "id": "a1",
                    "activity_kind": "general_meeting",
                    "date": "2022-03-15",
                    "branch_id": "b1",
                    "attendee_ids": "c1;c2",
                },
                {
                    "id": "a2",
                    "activity_kind": "situation_briefing",
                    "date": "2022-06-30",
                    "owner_unit_id": "city",
                    "leaders": "党委:李俊明;政府:郑连生",
                    "theme_id": "t2022",
                },
                {
                    "id": "a3",
                    "activity_kind": "general_meeting",
                    "date": "2022-01-10",
                    "branch_id": "b2",
                },
                {
                    "id": "a4",
                    "activity_kind": "theme_activity",
                    "date": "2021-09-09",
                    "owner_unit_id": "xinfu",
                },
            )
        ),
        "checklists": (
            Checklist(
                id="six_ones",
                name="六个一",
                owner_unit_id="city",
                from_year=2020,
                items=tuple(
                    ChecklistEntry.model_validate({"item": key}, context=context)
                    for key in ("six_ones.report_hearing", "six_ones.situation_briefing")
                ),
            ),
        ),
        "themes": (
            Theme(id="t2022", year=2022, title="人生设计", owner_unit_id="city"),
            Theme(id="t2021", year=2021, title="乐龄行动计划", owner_unit_id="city"),
            Theme(id="t2022x", year=2022, title="行动学习法", owner_unit_id="xinfu"),
        ),
        "opinions": (
            Opinion(
                id="op1",
                raised=date(2022, 6, 30),
                raised_at_id="a2",
                content="希望增加体检项目",
                assigned_unit_id="city.lgb",
            ),
        ),
        "treatment_standards": (
            TreatmentStandard(
                id="s1",
                name="春节慰问金标准",
                treatment_item="春节慰问金",
                amount_yuan=Decimal("500"),
                effective_from=date(2015, 1, 1),
            ),
        ),
        "treatment_grants": (
            TreatmentGrant(
                id="g1",
                cadre_id="c3",
                treatment_item="春节慰问金",
                year=2022,
                standard_id="s1",
                amount_yuan=Decimal("500"),
            ),
        ),
        "recognitions": (
            Recognition(
                id="r1",
                title="全国老干部工作先进集体",
                kind="荣誉",
                level="全国",
                date=date(2016, 9, 1),
                recipient_unit_id="city.lgb",
            ),
        ),
    }


@pytest.fixture
def mini(cadrecore_registry: Registry) -> Callable[..., Ledger]:
    """Build the mini ledger with some kinds replaced: ``mini(cadres=...)``."""

    def build(**changes: Any) -> Ledger:
        records = mini_records(cadrecore_registry)
        records.update(changes)
        return Ledger(registry=cadrecore_registry, **records)

    return build


# ---------------------------------------------------------------------------------------------
# Store backends: the store tests run on SQLite and on a real PostgreSQL server
# ---------------------------------------------------------------------------------------------

POSTGRES_URL_ENV = "CADRECORE_TEST_POSTGRES_URL"
BACKENDS = ("sqlite", "postgresql")
#: nodeid -> (backend, outcome); the summary at the end counts them.
_backend_runs: dict[str, tuple[str, str]] = {}
_backend_of: dict[str, str] = {}


@pytest.fixture(scope="session")
def _sqlite_store_template(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """An empty SQLite store at the newest schema, copied for each test (migrating is slower)."""
    from cadrecore.store import open_store

    path = tmp_path_factory.mktemp("template") / "store.sqlite"
    open_store(path).close()
    return path


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Any) -> Any:
    """A database URL for an empty store: a SQLite file, or a fresh schema on PostgreSQL.

    PostgreSQL needs ``CADRECORE_TEST_POSTGRES_URL`` (``bash .ci/run`` starts a server and sets
    it); without it those tests are skipped, except in CI (``CI`` set), where they fail.
    """
    if request.param == "sqlite":
        import shutil

        path = tmp_path / "store.sqlite"
        shutil.copy(request.getfixturevalue("_sqlite_store_template"), path)
        yield f"sqlite:///{path}"
        return
    with postgres_schema() as url:
        yield url


@contextmanager
def postgres_schema() -> Iterator[str]:
    """The URL of a fresh schema on the test PostgreSQL server, dropped afterwards.

    Needs ``CADRECORE_TEST_POSTGRES_URL`` (``bash .ci/run`` starts a server and sets it);
    without it the test is skipped, except in CI (``CI`` set), where it fails.
    """
    import uuid

    from sqlalchemy import create_engine, text

    url = os.environ.get(POSTGRES_URL_ENV)
    if not url:
        message = (
            f"PostgreSQL store tests need a server: set {POSTGRES_URL_ENV}="
            "postgresql+psycopg://USER@HOST:PORT/DATABASE (bash .ci/run starts one)"
        )
        if os.environ.get("CI"):
            pytest.fail(f"{message}; in CI they must run", pytrace=False)
        pytest.skip(message)
    schema = f"cadrecore_test_{uuid.uuid4().hex[:12]}"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in url else "?"
    try:
        yield f"{url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        callspec = getattr(item, "callspec", None)
        backend = callspec.params.get("store_url") if callspec is not None else None
        if backend in BACKENDS:
            _backend_of[item.nodeid] = backend


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    backend = _backend_of.get(report.nodeid)
    if backend is None:
        return
    previous = _backend_runs.get(report.nodeid, (backend, ""))[1]
    if report.failed:
        outcome = "failed"
    elif report.skipped:
        outcome = previous or "skipped"
    elif report.when == "call":
        outcome = "passed"
    else:
        outcome = previous
    if outcome:
        _backend_runs[report.nodeid] = (backend, outcome)


def _backend_counts() -> dict[str, dict[str, int]]:
    counts = {b: {"passed": 0, "failed": 0, "skipped": 0} for b in BACKENDS}
    for backend, outcome in _backend_runs.values():
        counts[backend][outcome] += 1
    return counts


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI the PostgreSQL store tests must have run: none passing fails the run."""
    counts = _backend_counts()
    collected = any(b == "postgresql" for b in _backend_of.values())
    if os.environ.get("CI") and collected and counts["postgresql"]["passed"] == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _backend_runs:
        return
    terminalreporter.section("store tests by backend")
    for backend, counts in _backend_counts().items():
        terminalreporter.write_line(
            f"{backend}: {counts['passed']} passed, {counts['failed']} failed, "
            f"{counts['skipped']} skipped"
        )
    if _backend_counts()["postgresql"]["skipped"] and not os.environ.get(POSTGRES_URL_ENV):
        terminalreporter.write_line(
            f"(PostgreSQL tests skipped: set {POSTGRES_URL_ENV}, or run bash .ci/run)"
        )


@pytest.fixture(scope="session")
def chromium() -> str:
    """The headless Chromium binary: skipped where it is missing, except in CI, which must run
    the browser tests (the HTML report's and the docs site's)."""
    from .headless_chromium import find_chromium

    binary = find_chromium()
    if binary is None:
        message = "headless Chromium is not installed: run .ci/install-browser"
        if os.environ.get("CI"):
            pytest.fail(f"{message} (CI must run the browser test)")
        pytest.skip(message)
    return binary


#: tests/fixtures holds plugins kept as they were written (tests/fixtures/legacy_checkup): their
#: own tests run in a subprocess of tests/test_plugin_legacy.py, on their own path.
collect_ignore_glob = ["fixtures/*"]
