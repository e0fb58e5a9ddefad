"""Every Python sample in the docs and the README runs, in order, one namespace per page; the
deployment page's shell commands run too; the built site loads nothing from elsewhere."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def python_blocks(page: Path) -> list[str]:
    return BLOCK.findall(page.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "page", [p for p in PAGES if python_blocks(p)], ids=lambda p: str(p.relative_to(ROOT))
)
def test_python_samples_run(page: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run as a user would: in the repository, with the installed plugins loaded."""
    import cadrecore.plugin_manager

    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("CADRECORE_LOAD_PLUGINS", raising=False)
    monkeypatch.setattr(cadrecore.plugin_manager, "_default_pm", None)
    namespace: dict[str, object] = {"__name__": f"docs_{page.stem}"}
    for number, block in enumerate(python_blocks(page), start=1):
        code = compile(block, f"{page.relative_to(ROOT)} (block {number})", "exec")
        exec(code, namespace)


def test_there_are_samples_to_run() -> None:
    assert sum(len(python_blocks(p)) for p in PAGES) >= 3
    assert os.path.isdir(ROOT / "docs")


# ---------------------------------------------------------------------------------------------
# The deployment pages' shell commands run too, in order, in an empty folder
# ---------------------------------------------------------------------------------------------

DEPLOYMENT = ROOT / "docs" / "deployment.md"
DEPLOYMENT_ZH = ROOT / "docs" / "zh" / "deployment.md"
#: A fenced block, with the HTML comment (invisible on the site) that may precede it:
#: ``<!-- needs: postgres -->``, ``<!-- needs: sqlite3 -->`` or ``<!-- not run: why -->``.
FENCE = re.compile(
    r"^(?:<!-- (?P<mark>[^\n]*?) -->\n\n?)?```(?P<lang>[\w-]*)(?P<info>[^\n]*)\n(?P<body>.*?)^```$",
    re.S | re.M,
)
TITLE = re.compile(r'title="([^"]+)"')
#: The server the pages' PostgreSQL commands name, replaced by the test server.
DOCS_PG_SERVER = "export PGHOST=db.bureau.internal PGPORT=5432"
DOCS_PG_NAMES = ("cadrecore", "cadrecore_restored")  # the role, and the databases created


def fenced_blocks(page: Path) -> list[tuple[str, str, str, str]]:
    """(mark, language, title, body) of each fenced block of ``page``, in order."""
    found = []
    for match in FENCE.finditer(page.read_text(encoding="utf-8")):
        title = TITLE.search(match["info"])
        found.append((match["mark"] or "", match["lang"], title[1] if title else "", match["body"]))
    return found


def runnable(page: Path) -> list[tuple[str, str, str, str]]:
    """The page's shell commands and the files it shows (titled blocks), marked not run or not."""
    return [
        block
        for block in fenced_blocks(page)
        if (block[1] == "sh" or block[2]) and not block[0].startswith("not run")
    ]


def without_comments(shell: str) -> str:
    lines = (re.sub(r"(^|\s+)#(?!!).*$", "", line).rstrip() for line in shell.splitlines())
    return "\n".join(line for line in lines if line)


def test_the_chinese_deployment_page_runs_the_same_commands() -> None:
    """Only the English page runs; the Chinese one must show the very same commands and files."""

    def commands(page: Path) -> list[tuple[str, str, str, str]]:
        return [(m, t, lang, b if t else without_comments(b)) for m, lang, t, b in runnable(page)]

    assert commands(DEPLOYMENT_ZH) == commands(DEPLOYMENT)


def _postgres_admin(url: str) -> Any:
    """The SQLAlchemy URL of the test server's maintenance database, as its superuser."""
    from sqlalchemy import make_url

    return make_url(url).set(drivername="postgresql+psycopg", database="postgres", query={})


def _drop_docs_objects(admin: Any) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            for database in reversed(DOCS_PG_NAMES):
                conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            conn.execute(text(f'DROP ROLE IF EXISTS "{DOCS_PG_NAMES[0]}"'))
    finally:
        engine.dispose()


def _existing_docs_objects(admin: Any) -> list[str]:
    from sqlalchemy import create_engine, text

    engine = create_engine(admin)
    try:
        with engine.connect() as conn:
            roles = conn.execute(
                text("SELECT rolname FROM pg_roles WHERE rolname = :name"),
                {"name": DOCS_PG_NAMES[0]},
            ).scalars()
            databases = conn.execute(
                text("SELECT datname FROM pg_database WHERE datname = ANY(:names)"),
                {"names": list(DOCS_PG_NAMES)},
            ).scalars()
            return [f"role {r}" for r in roles] + [f"database {d}" for d in databases]
    finally:
        engine.dispose()


def test_deployment_commands_run(tmp_path: Path) -> None:
    """docs/deployment.md's commands, in an empty folder with a fresh HOME: those that need
    PostgreSQL against ``CADRECORE_TEST_POSTGRES_URL`` (a server where the page may create the
    role ``cadrecore`` and its databases, and drops them after), those that need the ``sqlite3``
    program where it is installed. What could not run is named in a skip at the end."""
    import shutil
    import subprocess
    import sys

    pg_url = os.environ.get("CADRECORE_TEST_POSTGRES_URL")
    left_out: dict[str, str] = {}
    if not pg_url:
        left_out["postgres"] = "set CADRECORE_TEST_POSTGRES_URL (bash .ci/run starts a server)"
    elif not (shutil.which("psql") and shutil.which("pg_dump") and shutil.which("pg_restore")):
        left_out["postgres"] = "psql, pg_dump and pg_restore are not all installed"
    if not shutil.which("sqlite3"):
        left_out["sqlite3"] = "the sqlite3 program is not installed"

    home = tmp_path / "home"
    work = tmp_path / "work"
    home.mkdir()
    work.mkdir()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CADRECORE_", "PG")) or k == "CADRECORE_CHROMIUM"
    }
    env.update(HOME=str(home), PATH=f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}")
    replacements: dict[str, str] = {}
    admin = None
    if "postgres" not in left_out:
        assert pg_url
        admin = _postgres_admin(pg_url)
        existing = _existing_docs_objects(admin)
        if existing:
            message = f"the test server already has {', '.join(existing)}: use a throw-away one"
            if os.environ.get("CI"):
                pytest.fail(message, pytrace=False)
            pytest.skip(message)
        replacements[DOCS_PG_SERVER] = (
            f"export PGHOST={admin.host or '127.0.0.1'} PGPORT={admin.port or 5432}"
        )
        replacements["-U postgres "] = f"-U {admin.username} "
        if admin.password:  # the administrator's; the page writes the cadrecore role's own
            (home / ".pgpass").write_text(f"*:*:*:{admin.username}:{admin.password}\n")
            (home / ".pgpass").chmod(0o600)

    script = ["set -euo pipefail", "BLOCK=0", "PS4='+ [block $BLOCK] '", "set -x"]
    ran = skipped = 0
    for number, (mark, _lang, title, body) in enumerate(runnable(DEPLOYMENT), start=1):
        need = mark.removeprefix("needs: ") if mark.startswith("needs: ") else None
        if need in left_out:
            skipped += 1
            continue
        assert need in (None, "postgres", "sqlite3"), f"unknown mark {mark!r}"
        if title:
            (work / title).write_text(body, encoding="utf-8")
            continue
        for old, new in replacements.items():
            if old in body:
                body = body.replace(old, new)
        script += [f"BLOCK={number}", body]
        ran += 1
    if "postgres" not in left_out:
        assert any(DOCS_PG_SERVER in b for _, _, _, b in runnable(DEPLOYMENT))
    try:
        done = subprocess.run(
            ["bash", "-c", "\n".join(script)],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        if admin is not None:
            _drop_docs_objects(admin)
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"a command of {DEPLOYMENT.name} failed:\n{output[-6000:]}"
    if skipped:
        reasons = "; ".join(f"{need}: {why}" for need, why in left_out.items())
        message = f"ran {ran} blocks of commands, left out {skipped} ({reasons})"
        if "postgres" in left_out and os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


def test_copy_store_script_copies_between_sqlite_files(tmp_path: Path) -> None:
    """The page's copy_store.py also runs without a server: SQLite into SQLite, then again."""
    import subprocess
    import sys

    import cadrecore
    from cadrecore.sample import small_ledger

    (script,) = [body for _, _, title, body in runnable(DEPLOYMENT) if title == "copy_store.py"]
    (tmp_path / "copy_store.py").write_text(script, encoding="utf-8")
    with cadrecore.open_store(tmp_path / "county.sqlite") as county:
        county.save(small_ledger(2022), actor="王科长")
    command = [sys.executable, "copy_store.py", "county.sqlite", "shared.sqlite", "--actor", "测试"]
    first = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=True)
    again = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=True)
    assert "sample: 165 records copied" in first.stdout
    assert "sample: already copied" in again.stdout
    with cadrecore.open_store(tmp_path / "shared.sqlite") as shared:
        assert shared.load() == small_ledger(2022)
        assert cadrecore.verify_audit(shared).ok
    with cadrecore.open_store(tmp_path / "county.sqlite") as county:
        assert county.audit_entries()[-1].action == "export_unmasked"


# ---------------------------------------------------------------------------------------------
# The built site is self-contained: no script from elsewhere, and mermaid's diagrams are drawn
# by the copy in docs/assets/javascripts/, offline
# ---------------------------------------------------------------------------------------------

MERMAID_VERSION = "11.17.2"  # docs/assets/javascripts/mermaid.LICENSE.txt says how to update it
SCRIPT_SRC = re.compile(r"<script\b[^>]*?\bsrc=[\"']([^\"']+)", re.I)
LINK_HREF = re.compile(r"<link\b[^>]*?\brel=[\"']([^\"']+)[\"'][^>]*?\bhref=[\"']([^\"']+)", re.I)
REMOTE = re.compile(r"^(https?:)?//", re.I)
DIAGRAMS = """({
  drawn: document.querySelectorAll("div.mermaid").length,
  undrawn: document.querySelectorAll("pre.mermaid").length,
  height: Math.min(...[...document.querySelectorAll("div.mermaid")].map(
    e => e.getBoundingClientRect().height)),
})"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site as ``mkdocs build --strict`` writes it: ``$CADRECORE_DOCS_SITE`` (a site
    already built, as .ci/docs-and-build passes it), else built here into a temporary folder."""
    import importlib.util
    import subprocess
    import sys

    built = os.environ.get("CADRECORE_DOCS_SITE")
    if built:
        return Path(built)
    if (
        importlib.util.find_spec("material") is None
        or importlib.util.find_spec("mkdocstrings") is None
    ):
        pytest.skip(
            "building the site needs mkdocs-material and mkdocstrings (pip install "
            "mkdocs-material 'mkdocstrings[python]' jieba); "
            ".ci/docs-and-build runs these tests on the site it builds"
        )
    out = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(out)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, f"mkdocs build --strict failed:\n{done.stderr[-4000:]}"
    return out


def test_site_loads_no_script_or_stylesheet_from_elsewhere(site: Path) -> None:
    remote = []
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        text = page.read_text(encoding="utf-8")
        urls = SCRIPT_SRC.findall(text) + [
            href
            for rel, href in LINK_HREF.findall(text)
            if rel.lower() in ("stylesheet", "preload", "modulepreload", "icon")
        ]
        remote += [f"{page.relative_to(site)}: {url}" for url in urls if REMOTE.match(url)]
    assert remote == []


def test_site_ships_mermaid_with_its_license(site: Path) -> None:
    mermaid = site / "assets" / "javascripts" / "mermaid.min.js"
    notice = (site / "assets" / "javascripts" / "mermaid.LICENSE.txt").read_text(encoding="utf-8")
    assert f'version:"{MERMAID_VERSION}"' in mermaid.read_text(encoding="utf-8")
    assert f"Mermaid {MERMAID_VERSION}" in notice and "The MIT License" in notice
    hooks = (site / "hooks.html").read_text(encoding="utf-8")
    assert 'class="mermaid"' in hooks
    assert '<script src="assets/javascripts/mermaid.min.js">' in hooks


def test_site_draws_the_hooks_diagram_offline(site: Path, chromium: str) -> None:
    """mkdocs-material fetches mermaid from unpkg.com unless one is loaded: the page must use
    the site's own copy, request nothing from elsewhere, and draw its diagram without error."""
    from .headless_chromium import visit

    diagrams = (ROOT / "docs" / "hooks.md").read_text(encoding="utf-8").count("```mermaid")
    seen = visit(
        chromium,
        site / "hooks.html",
        ready=f'document.querySelectorAll("div.mermaid").length >= {diagrams} '
        "|| performance.now() > 30000",
        probe=DIAGRAMS,
        screenshots=ROOT / "test-artifacts",
        prefix="docs-hooks-",
    )
    assert seen.remote_requests == []
    assert seen.failed == [] and seen.errors == []
    assert seen.probe["drawn"] == diagrams >= 1 and seen.probe["undrawn"] == 0
    assert seen.probe["height"] > 100


# ---------------------------------------------------------------------------------------------
# The site works from a folder on a disk, with no server (an intranet copy): opened from
# file://, every link of every page leads to a file that loads, and the search answers
# ---------------------------------------------------------------------------------------------


def test_site_links_end_in_html(site: Path) -> None:
    """``use_directory_urls: false``: a link to a folder would need a server to find its
    index.html."""
    assert (site / "hooks.html").is_file() and not (site / "hooks").exists()
    assert (site / "zh" / "reference" / "api" / "index.html").is_file()


def test_site_works_from_a_folder(site: Path, chromium: str) -> None:
    """From index.html, follow every link to a page of the site, in headless Chromium: every
    page of the site is reached, every link's file exists, and no page fails a request, asks
    the network for anything or raises."""
    from .headless_chromium import crawl

    seen = crawl(chromium, site / "index.html")
    reached = {p.relative_to(site.resolve()).as_posix() for p in seen.pages}
    built = {p.relative_to(site).as_posix() for p in site.rglob("*.html") if p.name != "404.html"}
    assert built - reached == set()
    assert {"reference/api/rules.html", "zh/reference/api/rules.html"} <= reached
    assert seen.missing == []
    assert seen.failed == []
    assert seen.remote_requests == []
    assert seen.errors == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ledger", "ledger-format.html"),
        ("RuleContext", "reference/api/rules.html"),
        ("六个一", "zh/concepts.html"),
        ("三会一课", "zh/reference/rules.html"),
    ],
)
def test_site_search_works_offline(site: Path, chromium: str, query: str, expected: str) -> None:
    """The search box, typed into on a page opened from its file, lists the pages that hold
    the words, Chinese ones included: the offline plugin ships the index as a script that a
    file:// page may load, and the site's own copy of iframe-worker runs the search there."""
    from .headless_chromium import search

    pages = search(chromium, site / "index.html", query)
    assert pages, f"no results for {query!r}"
    assert any(page.split("#")[0].endswith(expected) for page in pages), pages
