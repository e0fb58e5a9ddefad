"""The ``synth`` command: a thin shell over :func:`cadrecore.synth.synthesize`.

A plain function with typer annotations; the CLI registers it with ``app.command()(synth)``.
It writes a ledger folder, or a store when ``out`` is a ``.sqlite``/``.db`` file or a
database URL (``sqlite:///...``). ``out`` is a ``str``, not a ``Path``: a ``Path`` would turn
``sqlite:///x.db`` into ``sqlite:/x.db``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

EXIT_BAD_INPUT = 2
STORE_SUFFIXES = (".sqlite", ".sqlite3", ".db")


def is_store_target(out: str | Path) -> bool:
    """Whether ``out`` names a store (a SQLite file or a database URL) rather than a folder."""
    text = str(out)
    return "://" in text or Path(text).suffix.lower() in STORE_SUFFIXES


def synth(
    cadres: Annotated[
        int,
        typer.Option("--cadres", min=1, max=20_000_000, help="老干部人数 / how many cadres"),
    ],
    seed: Annotated[
        int, typer.Option("--seed", help="随机种子，同种子同账册 / same seed, same ledger")
    ],
    out: Annotated[
        str,
        typer.Option(
            "--out",
            help="账册目录，或数据库（.sqlite/.db 或 sqlite:/// URL） / a ledger folder or a store",
        ),
    ],
    year: Annotated[
        int, typer.Option("--year", min=1950, max=2200, help="年度 / the year recorded")
    ] = 2022,
) -> None:
    """合成账册 / A synthetic jurisdiction of any size, in the Xinzhou example's proportions."""
    from .errors import CadrecoreError
    from .synth import synthesize

    try:
        ledger = synthesize(cadres, seed, year=year)
        if is_store_target(out):
            from .store import open_store

            with open_store(out) as store:
                store.save(ledger, actor="cadrecore synth")
        else:
            ledger.save(Path(out))
    except (CadrecoreError, OSError) as exc:
        print(f"{out}: {exc}", file=sys.stderr)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    counts = ", ".join(f"{k} {v:,}" for k, v in ledger.counts().items() if v)
    print(f"已写出 / wrote {out}: {counts}", file=sys.stderr)
