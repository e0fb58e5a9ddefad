"""The ``cadrecore`` command: a thin shell over the public API (every command calls a public
function and prints what it returns). Exit codes: 0 success, 1 error findings, 2 bad input or
usage."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

app = typer.Typer(
    name="cadrecore",
    help="老干部工作台账：模型、规则与插件 / veteran cadre work: models, rules and plugins.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


def _fail(message: str) -> typer.Exit:
    print(message, file=sys.stderr)
    return typer.Exit(EXIT_BAD_INPUT)


def _load(path: Path) -> Any:
    from .errors import CadrecoreError
    from .io.folder import load_ledger

    try:
        return load_ledger(path)
    except CadrecoreError as exc:
        raise _fail(str(exc)) from None


def _emit_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False))


@app.command()
def validate(
    ledger: Annotated[Path, typer.Argument(help="账册目录 / a ledger folder")],
    fmt: Annotated[OutputFormat, typer.Option("--format", help="text or json")] = OutputFormat.TEXT,
) -> None:
    """校验账册并统计记录数 / Load a ledger, check its cross-references and count its records."""
    loaded = _load(ledger)
    counts = {k: v for k, v in loaded.counts().items() if v}
    if fmt is OutputFormat.JSON:
        _emit_json({"jurisdiction": loaded.jurisdiction.name, "valid": True, "counts": counts})
        return
    from .models import KINDS_BY_NAME

    print(f"{loaded.jurisdiction.name}: 账册有效 / ledger is valid")
    for name, count in counts.items():
        label = KINDS_BY_NAME[name].label
        print(f"  {label.zh} / {label.en}: {count}")


@app.command()
def schema(
    kind: Annotated[str | None, typer.Argument(help="记录类别，如 cadres；省略则全部")] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="写入此目录，每类一个文件")
    ] = None,
) -> None:
    """输出账册文件的 JSON Schema / Print the JSON Schema of ledger files, generated from the models."""
    from .schema import all_schemas, record_schema

    try:
        schemas = {kind: record_schema(kind)} if kind else all_schemas()
    except KeyError as exc:
        raise _fail(str(exc.args[0])) from None
    if out is None:
        _emit_json(schemas[kind] if kind else schemas)
        return
    out.mkdir(parents=True, exist_ok=True)
    for name, body in schemas.items():
        (out / f"{name}.schema.json").write_text(
            json.dumps(body, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    print(f"wrote {len(schemas)} schema file(s) to {out}")


@app.command()
def plugins(
    fmt: Annotated[OutputFormat, typer.Option("--format", help="text or json")] = OutputFormat.TEXT,
) -> None:
    """列出插件及其注册内容 / List plugins, their versions and everything each registered."""
    from dataclasses import asdict

    from .plugins import describe_plugins, get_plugin_manager

    pm = get_plugin_manager()
    infos = describe_plugins(pm)
    if fmt is OutputFormat.JSON:
        _emit_json(
            {
                "plugins": [asdict(info) for info in infos],
                "failed": [asdict(failure) for failure in pm.load_failures],
            }
        )
        return
    for info in infos:
        print(f"{info.name} {info.version or ''}".rstrip())
        for vocabulary, keys in info.registered.items():
            print(f"  {vocabulary}: {', '.join(keys)}")
    for failure in pm.load_failures:
        print(f"{failure.name}: 加载失败 / failed to load: {failure.error}")


def main() -> None:
    """Entry point of the ``cadrecore`` script."""
    app()


if __name__ == "__main__":
    main()
