"""The ``synth`` command: a thin shell over :func:`cadrecore.synth.synthesize`.

A plain function with typer annotations; the CLI registers it. It writes a ledger folder, or a
store when ``out`` is a ``.sqlite``/``.db`` file or a database URL (``sqlite:///...``). ``out``
is a ``str``, not a ``Path``: a ``Path`` would turn ``sqlite:///x.db`` into ``sqlite:/x.db``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from .cli_base import FormatOption, OutputFormat, fail, finished, h, helps, progress, say
from .cli_ledger import STORE_SUFFIXES as STORE_SUFFIXES
from .cli_ledger import is_store_target as is_store_target


@helps(
    "合成任意规模的账册，比例同忻州示例（用于试用与性能测试）。",
    "A synthetic jurisdiction of any size, in the Xinzhou example's proportions.",
)
def synth(
    cadres: Annotated[
        int,
        typer.Option("--cadres", min=1, max=20_000_000, help=h("老干部人数", "how many cadres")),
    ],
    seed: Annotated[
        int,
        typer.Option("--seed", help=h("随机种子，同种子同账册", "same seed, same ledger")),
    ],
    out: Annotated[
        str,
        typer.Option(
            "--out",
            help=h(
                "账册目录，或数据库（.sqlite/.db 或 sqlite:/// URL）",
                "a ledger folder or a store (.sqlite/.db or a sqlite:/// URL)",
            ),
        ),
    ],
    year: Annotated[
        int,
        typer.Option("--year", min=1950, max=2200, help=h("记录的年度", "the year recorded")),
    ] = 2022,
    add: Annotated[
        bool,
        typer.Option(
            "--add",
            help=h(
                "数据库中已有其他账册时，仍把合成的账册加入",
                "add the synthetic ledger to a store that already holds other ledgers",
            ),
        ),
    ] = False,
    fmt: FormatOption = OutputFormat.TEXT,
) -> None:
    from .errors import CadrecoreError
    from .models import KINDS_BY_NAME
    from .synth import synthesize

    try:
        if is_store_target(out):
            from .cli_ledger import store_ledger_ids
            from .store import open_store

            held = store_ledger_ids(out)
            with progress() as report:
                ledger = synthesize(cadres, seed, year=year, progress=report)
            others = [i for i in held if i != ledger.jurisdiction.id]
            if others and not add:
                raise fail(
                    say(
                        f"{out} 中已有账册 {'、'.join(others)}：合成的账册未写入。要加入它，加 "
                        "--add；或写入新的数据库",
                        f"{out} already holds the ledger(s) {', '.join(others)}: the synthetic "
                        "ledger was not written. Give --add to add it, or write a new store",
                    )
                )
            with open_store(out) as store, progress() as report:
                store.save(ledger, actor="cadrecore synth", progress=report)
        else:
            with progress() as report:
                ledger = synthesize(cadres, seed, year=year, progress=report)
            ledger.save(Path(out))
    except (CadrecoreError, OSError) as exc:
        raise fail(f"{out}: {exc}") from None
    counts = {k: v for k, v in ledger.counts().items() if v}
    if fmt is OutputFormat.JSON:
        print(
            json.dumps(
                {"out": out, "jurisdiction": ledger.jurisdiction.id, "counts": counts},
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        listed = ", ".join(f"{KINDS_BY_NAME[k].label()} {v:,}" for k, v in counts.items())
        print(say(f"已写出 {out}：{listed}", f"wrote {out}: {listed}"), file=sys.stderr)
    finished(f"已合成 {cadres:,} 名老干部的账册", f"synthesized a ledger of {cadres:,} cadres")
