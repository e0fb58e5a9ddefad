"""The ledger or store a command works on: the options that name it (``--store``, ``--ledger``,
``--unit``, ``--workers``), finding it (the argument, else the settings), loading or opening it,
and what a command says when it cannot.

Every command module (``cli``, ``cli_report``, ``cli_store``, ``cli_synth``) imports these from
here; none of them imports another command module but :mod:`cadrecore.cli`, which registers them
all. Layer: the CLI, below its command modules; it imports ``cli_base`` and the public API,
never a command module.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from .cli_base import (
    did_you_mean,
    fail,
    h,
    lang,
    ledger_choice,
    say,
    settings,
    shown_url,
    store_target,
)

#: The years a date given on the command line may be in.
FIRST_YEAR, LAST_YEAR = 1900, 2200


STORE_SUFFIXES = (".sqlite", ".sqlite3", ".db")


def is_store_target(out: str | Path) -> bool:
    """Whether ``out`` names a store (a SQLite file or a database URL) rather than a folder."""
    text = str(out)
    return "://" in text or Path(text).suffix.lower() in STORE_SUFFIXES


WorkersOption = Annotated[
    int | None,
    typer.Option(
        "--workers",
        min=0,
        help=h(
            "分几个进程检查（0：每个 CPU 一个；默认 $CADRECORE_WORKERS，否则 0）",
            "how many processes share the rules out (0: one per CPU; default: "
            "$CADRECORE_WORKERS, else 0)",
        ),
    ),
]


def workers_of(given: int | None) -> int | None:
    """What a command passes as ``evaluate(workers=...)``: ``--workers`` if given, else the
    setting ``CADRECORE_WORKERS`` if set (None), else one process per CPU (0). A command
    checks one ledger and ends, so it uses the machine; the library's default is one process.
    """
    if given is not None:
        return given
    return None if os.environ.get("CADRECORE_WORKERS", "").strip() else 0


def store_ledger_ids(text: str) -> tuple[str, ...]:
    """The ledgers a store holds, read cheaply (a SQLite file through ``sqlite3``); ``()`` when
    that cannot be told here (the opening then says why)."""
    import sqlite3

    if "://" in text:
        from .errors import CadrecoreError
        from .store import open_store

        try:
            with open_store(text, create=False) as store:
                return tuple(store.ledger_ids())
        except CadrecoreError:  # (no store there yet: the command's own opening says why)
            return ()
    path = Path(text).expanduser()
    if not path.is_file():
        return ()
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            return tuple(row[0] for row in conn.execute("SELECT id FROM ledgers ORDER BY id"))
    except sqlite3.Error:
        return ()


def ledger_from_store(
    text: str,
    unit: str | None,
    *,
    for_reading: bool,
    ledger_id: str | None = None,
    progress: Any = None,
) -> Any:
    """The ledger ``ledger_id`` (the only one, if None) in the store ``text`` (a SQLite file or
    a database URL). ``for_reading``, the whole ledger is opened
    (:func:`~cadrecore.store.open_ledger`: each kind read as used, the bulk kinds by columns),
    for commands that only read it; else, or with ``unit`` (that unit's view, selected in SQL),
    it is loaded. A store holding several ledgers, none chosen: a usage error naming them."""
    if ledger_id is None:
        ids = store_ledger_ids(text)
        if len(ids) > 1:
            raise fail(several_ledgers(ids, text))
    if for_reading and unit is None:
        from .store import open_ledger

        return open_ledger(text, ledger_id)
    from .store import open_store

    with open_store(text, create=False) as store:
        return store.load(ledger_id, unit=unit, progress=progress)


def _emit_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False, default=str))


def _os_problem(target: str | Path, exc: OSError) -> str:
    return f"{target}: {exc.strerror or exc}"


def _ledger_source(given: str | None) -> str:
    """The ledger folder or store a reading command works on: the argument, else the store
    of the settings (``--store``, ``$CADRECORE_STORE``, cadrecore.toml) when there is one."""
    if given is not None:
        return given
    config = settings()
    target = config.store
    if config.store_given() or Path(target).exists():
        return target
    raise fail(
        say(
            f"请给出账册目录或数据库（当前目录中没有 {target}，也未在 cadrecore.toml 中设置 store）",
            f"give a ledger folder or a store ({target} is not in the working folder, and no "
            "store is set in cadrecore.toml or $CADRECORE_STORE)",
        )
    )


def _load(
    path: str | Path,
    unit: str | None = None,
    *,
    for_reading: bool = False,
    ledger_id: str | None = None,
    progress: Any = None,
) -> Any:
    """A ledger from a ledger folder, or from a store (a database URL or a SQLite file); with
    ``unit``, only that unit's view (in SQL for a store, in memory for a folder).

    ``for_reading``: a whole ledger in a store is opened rather than loaded, for commands that
    only read it (see :func:`~cadrecore.cli_report.ledger_from_store`)."""
    from .errors import CadrecoreError
    from .io.folder import load_ledger

    text = str(path)
    try:
        if is_store_target(text):
            return ledger_from_store(
                text,
                unit,
                for_reading=for_reading,
                ledger_id=ledger_choice(ledger_id),
                progress=progress,
            )
        if Path(text).exists() and not Path(text).is_dir():
            raise fail(
                say(
                    f"{text}：不是账册目录，也不是数据库（.sqlite）",
                    f"{text}: not a ledger folder or a store (.sqlite)",
                )
            )
        if ledger_id is not None:
            raise fail(
                say(
                    f"--ledger 只用于数据库；{text} 是账册目录",
                    f"--ledger is for a store; {text} is a ledger folder",
                )
            )
        return load_ledger(path, unit=unit, progress=progress)
    except CadrecoreError as exc:
        raise fail(str(exc)) from None
    except OSError as exc:  # the path itself cannot be looked at (too long, no permission)
        raise fail(_os_problem(text, exc)) from None


UnitOption = Annotated[
    str | None,
    typer.Option(
        "--unit",
        help=h(
            "只看此单位及其下级的记录，如 xz.hequ（其他县区的记录不读取）",
            "only this unit's view, such as xz.hequ: the unit, the units below it and their "
            "records (another county's are never read)",
        ),
    ),
]


LedgerArgument = Annotated[
    str | None,
    typer.Argument(
        help=h(
            "账册目录或数据库（默认：设置中的数据库）",
            "a ledger folder or a store (default: the store of the settings)",
        ),
        show_default=False,
    ),
]


LedgerOption = Annotated[
    str | None,
    typer.Option(
        "--ledger",
        help=h(
            "账册（管辖）编号，数据库中有多个账册时必填（或在 cadrecore.toml 中设置 ledger）",
            "the ledger (jurisdiction) id: needed when the store holds several (or set ledger "
            "in cadrecore.toml)",
        ),
    ),
]


StoreOption = Annotated[
    str | None,
    typer.Option(
        "--store",
        "-s",
        help=h(
            "数据库：SQLite 文件或 URL（默认按设置：$CADRECORE_STORE、cadrecore.toml，否则 "
            "./cadrecore.sqlite）",
            "the store: a SQLite file or a database URL (default: the settings' "
            "$CADRECORE_STORE, cadrecore.toml, else ./cadrecore.sqlite)",
        ),
    ),
]


def _unknown_kind(kind: str) -> str:
    from .models import KINDS_BY_NAME

    names = [*KINDS_BY_NAME, "jurisdiction"]
    hint = did_you_mean(kind, names)
    return say(
        f"没有记录类别 {kind!r}。{hint}（可用：{'、'.join(names)}）",
        f"no record kind {kind!r}. {hint} (known: {', '.join(names)})",
    )


def parse_cli_date(option: str, text: str) -> Any:
    """A date given on the command line, in any form the ledger files accept (2022-07-18,
    2022/07/18, 2022.7.18, 2022年7月18日, 20220718)."""
    from .models.common import parse_date

    try:
        day = parse_date(text.strip())
    except (ValueError, TypeError):
        day = None
    if day is None or not hasattr(day, "year"):
        raise fail(
            say(
                f"{option}：{text!r} 不是日期，应如 2022-07-18、2022/07/18 或 2022年7月18日",
                f"{option}: {text!r} is not a date; expected one such as 2022-07-18, 2022/07/18 "
                "or 2022.7.18",
            )
        )
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise fail(
            say(
                f"{option}：{text} 不在 {FIRST_YEAR}–{LAST_YEAR} 年之间",
                f"{option}: {text} is not between {FIRST_YEAR} and {LAST_YEAR}",
            )
        )
    return day


def no_records_in(loaded: Any, year: int, unit: str | None = None) -> str | None:
    """What to say first when the ledger has activities, but none in ``year`` (the years it
    covers), or a unit's view has none at all: a wrong ``--year`` or ``--unit`` would
    otherwise show as a flood of missing activities."""
    (dates,) = loaded.column_values("activities", "date")
    if not dates:
        if unit is None:
            return None  # (a ledger just begun: its rules say what is missing)
        return say(
            f"单位 {unit} 及其下级没有任何活动记录：请检查 --unit（要照样检查，加 --force）",
            f"there are no activity records for the unit {unit} or the units below it: check "
            "--unit (give --force to go on all the same)",
        )
    years = {day.year for day in dates}
    if year in years:
        return None
    first, last = min(years), max(years)
    span = str(first) if first == last else f"{first}–{last}"
    return say(
        f"{year} 年没有任何活动记录，账册覆盖 {span} 年：请检查 --year（要照样检查，加 --force）",
        f"there are no activity records in {year}; the ledger covers {span}: check --year "
        "(give --force to check it all the same)",
    )


def _open_store(target: str | None, *, create: bool = False) -> Any:
    from .errors import CadrecoreError
    from .store import open_store

    chosen = store_target(target)
    try:
        return open_store(chosen, create=create)
    except CadrecoreError as exc:
        raise fail(str(exc)) from None
    except OSError as exc:  # a name too long, a path through a file
        raise fail(_os_problem(f"--store {chosen}", exc)) from None


def several_ledgers(ids: Sequence[str], url: str) -> str:
    """What a command says when a store holds several ledgers and none was chosen."""
    listed = "、".join(ids)
    return say(
        f"数据库 {url} 中有 {len(ids)} 个账册：{listed}。请用 --ledger 指定其一，如 --ledger "
        f'{ids[0]}（或在 cadrecore.toml 中设置 ledger = "{ids[0]}"）',
        f"the store {url} holds {len(ids)} ledgers: {', '.join(ids)}. Choose one with "
        f'--ledger, such as --ledger {ids[0]} (or set ledger = "{ids[0]}" in cadrecore.toml)',
    )


def _chosen_ledger(store: Any, given: str | None) -> str | None:
    """The ledger a store command works on: the one given or set, else the only one."""
    chosen = ledger_choice(given)
    if chosen is not None:
        return chosen
    ids = store.ledger_ids()
    if len(ids) > 1:
        raise fail(several_ledgers(ids, shown_url(store.url)))
    return None


def _print_problems(title: str, problems: Sequence[Any], limit: int = 50) -> None:
    if not problems:
        return
    language = lang()
    print(say(f"{title}（{len(problems)}）：", f"{title} ({len(problems)}):"))
    for problem in problems[:limit]:
        print(f"  - {problem.render(language)}")
    if len(problems) > limit:
        more = len(problems) - limit
        print(say(f"  ……另有 {more} 条", f"  ... and {more} more"))
