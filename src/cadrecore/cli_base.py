"""What every ``cadrecore`` command shares: one language a run, the run's settings, and click's
own words in that language.

- The language is chosen once, before anything is printed: ``--lang`` wherever it stands on
  the command line, else ``CADRECORE_LANG``, else the config file (:mod:`cadrecore.config`),
  else Chinese. Help, errors, progress and summaries are all in it.
- Help texts are written in Chinese and registered with their English (:func:`h`); a command's
  help is shown in the run's language. Click's own words ("Usage:", "No such option") are
  said in Chinese in a Chinese run (:data:`CLICK_ZH`).
- Every command takes ``--lang`` and ``-q/--quiet``; ``-h`` is ``--help``.
"""

from __future__ import annotations

import copy
import functools
import os
import re
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from difflib import get_close_matches
from enum import StrEnum
from typing import Annotated, Any, TypeVar

import typer
import typer.main
from typer import _click as click
from typer._click.exceptions import UsageError
from typer.core import TyperCommand, TyperGroup

from .config import Config, ConfigError, load_config
from .i18n import Lang, Text, default_lang, lang_of, set_lang

EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2

#: A help text's English, by its Chinese (see :func:`h`).
HELP_EN: dict[str, str] = {}


def h(zh: str, en: str) -> str:
    """A help text: its Chinese, with its English registered for an English run (one Chinese
    text has one English: two meanings need two Chinese texts)."""
    if HELP_EN.setdefault(zh, en) != en:
        raise ValueError(f"help text {zh!r} has two English texts: {HELP_EN[zh]!r} and {en!r}")
    return zh


F = TypeVar("F", bound=Callable[..., Any])


def helps(zh: str, en: str) -> Callable[[F], F]:
    """Give a command function its help (``cli_help``), in both languages: registered with
    ``app.command(cls=Command, help=function.cli_help)``."""

    def give(function: F) -> F:
        function.cli_help = h(zh, en)  # type: ignore[attr-defined]
        return function

    return give


def help_of(function: Callable[..., Any]) -> str:
    """The help :func:`helps` gave ``function``."""
    found = getattr(function, "cli_help", None)
    assert isinstance(found, str), f"{function.__name__} has no @helps"
    return found


def say(zh: str, en: str) -> str:
    """The text in the run's language."""
    return en if default_lang() == "en" else zh


def lang() -> Lang:
    """The run's language."""
    return default_lang()


@dataclass
class Run:
    """The settings of this run, read once at its start."""

    config: Config | None = None
    quiet: bool = False
    started: float = 0.0


RUN = Run()


def fail(message: str | Text) -> typer.Exit:
    """Print ``message`` (in the run's language) to standard error; the exit for bad input."""
    print(message() if isinstance(message, Text) else message, file=sys.stderr)
    return typer.Exit(EXIT_BAD_INPUT)


def settings() -> Config:
    """The run's settings (option > environment > config file > default)."""
    if RUN.config is None:
        try:
            RUN.config = load_config()
        except ConfigError as exc:
            raise fail(str(exc)) from None
    return RUN.config


def shown_url(url: str) -> str:
    """A store's URL as a clerk reads it: its file name in its own letters (忻州.sqlite), not
    percent-encoded."""
    from urllib.parse import unquote

    return unquote(url)


def store_target(given: str | None) -> str:
    """The store a command uses: ``--store`` if given, else the setting."""
    return given if given is not None else settings().store


def ledger_choice(given: str | None) -> str | None:
    """The ledger a command reads: ``--ledger`` if given, else the setting (None: the only one)."""
    return given if given is not None else settings().ledger


def quiet() -> bool:
    """Whether the run was asked to be quiet (``--quiet``)."""
    return RUN.quiet


class OutputFormat(StrEnum):
    """What a command prints: text for people, JSON for scripts."""

    TEXT = "text"
    JSON = "json"


FormatOption = Annotated[
    OutputFormat,
    typer.Option("--format", help=h("输出格式：text 或 json", "output: text or json")),
]


# ----------------------------------------------------------------------------------------------
# The command line's own words (usage, help headings, usage errors) in the run's language
# ----------------------------------------------------------------------------------------------

#: Typer's words that it says through gettext (help headings, defaults), in Chinese.
TYPER_ZH: dict[str, str] = {
    "Options": "选项",
    "Arguments": "参数",
    "Commands": "命令",
    "default: {default}": "默认：{default}",
    "required": "必填",
    "env var: {var}": "环境变量：{var}",
    "(dynamic)": "（动态）",
    "Aborted!": "已中止！",
    "Missing command.": "缺少命令。",
    "Show this message and exit.": "显示此帮助并退出。",
    "Install completion for the current shell.": "为当前 shell 安装命令补全。",
    "Show completion for the current shell, to copy it or customize the installation.": (
        "显示当前 shell 的命令补全脚本，供复制或自行安装。"
    ),
}


def _gettext(message: str) -> str:
    return TYPER_ZH.get(message, message) if default_lang() == "zh" else message


def translate_typer() -> None:
    """Make typer say the words it says through gettext in the run's language."""
    import typer.core

    typer.core._ = _gettext  # type: ignore[attr-defined]


#: Pydantic's and click's words about a value on the command line, and their Chinese.
_VALUE_ZH: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), zh)
    for pattern, zh in (
        (r"^Input should be a valid integer.*$", "应为整数"),
        (r"^Input should be a valid number.*$", "应为数"),
        (r"^Input should be greater than or equal to (\S+)$", r"应不小于 \1"),
        (r"^Input should be less than or equal to (\S+)$", r"应不大于 \1"),
        (r"^Input should be greater than (\S+)$", r"应大于 \1"),
        (r"^Input should be less than (\S+)$", r"应小于 \1"),
        (r"^Input should be (.+)$", r"应为 \1"),
        (r"^(\S+) is not in the range (.+)\.$", r"\1 不在范围 \2 之内"),
        (r"^(.+) is not one of (.+)\.$", r"\1 不是 \2 之一"),
        (r"^(.+) is not (.+)\.$", r"\1 不是 \2"),
        (r"^(?:File|Directory|Path) (.+) does not exist\.$", r"\1 不存在"),
        (r"^(?:File|Directory|Path) (.+) is a file\.$", r"\1 是文件"),
        (r"^(?:File|Directory|Path) (.+) is a directory\.$", r"\1 是目录"),
        (r"^(?:File|Directory|Path) (.+) is not readable\.$", r"\1 不可读"),
        (r"^(?:File|Directory|Path) (.+) is not writable\.$", r"\1 不可写"),
    )
)


def _value_problem(message: str) -> str:
    """What is wrong with a value, in the run's language (click and pydantic say it in English)."""
    message = message.removeprefix("Value error, ")
    if lang() == "en":
        return message
    if re.search(r"[\u4e00-\u9fff]", message) and not re.search(
        r"[A-Za-z]{3,} [A-Za-z]{3,}", message
    ):
        return message  # (said in Chinese already: one of our own checks)
    for pattern, zh in _VALUE_ZH:
        if pattern.match(message):
            return pattern.sub(zh, message)
    return "值无效"


def usage_problem(exc: click.ClickException) -> str:
    """A usage error's message in the run's language."""
    from typer._click import exceptions as errors

    if lang() == "en":
        return exc.format_message()
    if isinstance(exc, errors.NoSuchOption):
        said = f"没有选项 {exc.option_name}"
        if exc.possibilities:
            said += f"。是不是要 {', '.join(sorted(exc.possibilities))}？"
        return said
    if isinstance(exc, errors.MissingParameter):
        hint = exc.param.get_error_hint() if exc.param is not None else ""
        kind = (
            "参数"
            if (exc.param_type or getattr(exc.param, "param_type_name", "")) == ("argument")
            else "选项"
        )
        return f"缺少{kind} {hint}".rstrip() + "。"
    if isinstance(exc, errors.BadParameter):
        given = exc.param_hint or (exc.param.get_error_hint() if exc.param is not None else None)
        named = given if given is None or isinstance(given, str) else " / ".join(given)
        problem = _value_problem(exc.message)
        return f"{named} 的值无效：{problem}" if named else f"值无效：{problem}"
    message = exc.message
    found = re.match(r"^Option '?(.+?)'? requires (?:an argument|(\d+) arguments)\.$", message)
    if found:
        return f"选项 {found.group(1)} 需要{found.group(2) or '一'}个值。"
    found = re.match(r"^Option '?(.+?)'? does not take a value\.$", message)
    if found:
        return f"选项 {found.group(1)} 不带值。"
    found = re.match(r"^Got unexpected extra arguments? \((.*)\)$", message)
    if found:
        return f"多出的参数（{found.group(1)}）"
    return message if re.search(r"[\u4e00-\u9fff]", message) else "用法有误"


def show_usage_error(exc: click.ClickException) -> None:
    """Print a usage error as click does (usage, hint, message), in the run's language."""
    from typer._click import exceptions as errors

    out = sys.stderr
    if isinstance(exc, errors.NoArgsIsHelpError):
        print(exc.format_message(), file=out)  # (the help itself)
        return
    if isinstance(exc, errors.UsageError) and exc.ctx is not None:
        print(exc.ctx.get_usage(), file=out)
        command = exc.ctx.command_path
        print(say(f"运行“{command} -h”查看帮助。", f"Try '{command} -h' for help."), file=out)
        print(file=out)
    print(say("错误：", "Error: ") + usage_problem(exc), file=out)


translate_typer()

# ----------------------------------------------------------------------------------------------
# Help in one language, and the options every command has
# ----------------------------------------------------------------------------------------------


def _metavar(param: Any, language: Lang) -> str | None:
    """A value's placeholder in help, in the run's language: ``路径``/``PATH``, never a Python
    type (``<list[Path]>``)."""
    desc = getattr(param, "type_descriptor", None)
    if desc is None or getattr(param, "is_flag", False) or getattr(param, "count", False):
        return None
    zh = language == "zh"
    if param.param_type_name == "argument":
        return str(param.name).upper()
    if desc.is_choice:
        return "{" + "|".join(str(getattr(c, "value", c)) for c in desc.choices or ()) + "}"
    if desc.is_path:
        word = "路径" if zh else "PATH"
    elif "as_of" in str(param.name) or "date" in str(param.name):
        word = "日期" if zh else "DATE"
    elif desc.is_ranged or "int" in str(desc.annotation):
        word = "整数" if zh else "N"
    else:
        word = "文字" if zh else "TEXT"
    return word


def _translated(text: str | None, language: Lang) -> str | None:
    if text is None:
        return None
    if language == "en":
        return HELP_EN.get(text, text)
    return TYPER_ZH.get(text, text)


@contextmanager
def _in_run_language(command: click.Command, ctx: click.Context) -> Iterator[None]:
    """Help texts and placeholders of ``command`` (and its subcommands' short help) in the run's
    language while its help is written."""
    language = lang()
    saved: list[tuple[Any, str, Any]] = []

    def swap(owner: Any, attribute: str, value: Any) -> None:
        saved.append((owner, attribute, getattr(owner, attribute)))
        setattr(owner, attribute, value)

    commands = [command]
    if isinstance(command, TyperGroup):
        commands += list(command.commands.values())
    for cmd in commands:
        swap(cmd, "help", _translated(cmd.help, language))
        swap(cmd, "short_help", _translated(cmd.short_help, language))
    for param in command.get_params(ctx):
        swap(param, "help", _translated(getattr(param, "help", None), language))
        if getattr(param, "_cadrecore_metavar", True):
            swap(param, "metavar", _metavar(param, language))
        if param.param_type_name == "argument":
            # (its placeholder says it all: no Python type after it)
            swap(param, "display_type_rich", lambda ctx: None)
    try:
        yield
    finally:
        for owner, attribute, value in reversed(saved):
            setattr(owner, attribute, value)


def _set_lang(value: str | None) -> None:
    if value is None:
        return
    chosen = lang_of(value)
    if chosen is None:
        raise typer.BadParameter(say("应为 zh 或 en", "expected zh or en"))
    set_lang(chosen)


def _set_quiet(value: bool) -> None:
    if value:
        RUN.quiet = True


def _common_options(
    run_lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            help=h(
                "语言：zh 或 en（默认 $CADRECORE_LANG，再按配置文件，否则 zh）",
                "the language: zh or en (default: $CADRECORE_LANG, else the config file, else zh)",
            ),
            metavar="{zh|en}",
            expose_value=False,
            is_eager=True,
            callback=_set_lang,
        ),
    ] = None,
    run_quiet: Annotated[
        bool,
        typer.Option(
            "--quiet",
            "-q",
            help=h("不显示进度条和小结", "no progress bars and no summary line"),
            expose_value=False,
            is_eager=True,
            callback=_set_quiet,
        ),
    ] = False,
) -> None:
    """(the options every command has)"""


@functools.cache
def _common_params() -> tuple[click.Parameter, ...]:
    holder = typer.Typer(add_completion=False)
    holder.command()(_common_options)
    params = typer.main.get_command(holder).params
    for param in params:
        param._cadrecore_metavar = param.metavar is None  # type: ignore[attr-defined]
    return tuple(params)


def _with_common_params(params: list[click.Parameter]) -> None:
    for param in params:
        # (an option given its own metavar keeps it; the others get one in the run's language)
        param._cadrecore_metavar = param.metavar is None  # type: ignore[attr-defined]
    params.extend(copy.copy(param) for param in _common_params())


class _InRunLanguage:
    """The shared options, and help and usage in the run's language (for a command or a group)."""

    params: list[click.Parameter]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _with_common_params(self.params)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _in_run_language(self, ctx):  # type: ignore[arg-type]
            super().format_help(ctx, formatter)  # type: ignore[misc]

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _in_run_language(self, ctx):  # type: ignore[arg-type]
            pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=say("用法：", "Usage: "))


class Command(_InRunLanguage, TyperCommand):
    """A command with the shared options, its help in the run's language."""


class Group(_InRunLanguage, TyperGroup):
    """The ``cadrecore`` command (and ``cadrecore audit``): picks the run's language and settings
    before anything is parsed, says usage errors and a mistyped command's near names in that
    language."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        from typer._click import exceptions as errors

        given = list(sys.argv[1:] if args is None else args)
        with run_settings(given):
            if not standalone_mode:
                return super().main(given, prog_name, complete_var, standalone_mode, **extra)
            try:
                code = super().main(given, prog_name, complete_var, False, **extra)
            except errors.ClickException as exc:
                show_usage_error(exc)
                sys.exit(exc.exit_code)
            except typer.Abort:
                print(say("已中止！", "Aborted!"), file=sys.stderr)
                sys.exit(1)
            sys.exit(code if isinstance(code, int) else 0)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        try:
            return self._click_resolve_command(ctx, args)
        except UsageError as exc:
            if args:
                near = did_you_mean(args[0], list(self.commands))
                said = say(f"没有命令 {args[0]!r}。", f"No such command {args[0]!r}.")
                exc.message = f"{said} {near}".rstrip() if lang() == "en" else said + near
            raise


def _option_value(args: Sequence[str], name: str) -> str | None:
    """The value of ``name`` (``--lang en`` or ``--lang=en``) wherever it stands in ``args``."""
    for i, arg in enumerate(args):
        if arg == "--":
            return None
        if arg == name and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


@contextmanager
def run_settings(args: Sequence[str]) -> Iterator[None]:
    """The run's settings and language for the time of one command line (a program that runs
    commands in its own process, as the tests do, finds its language as it was after)."""
    from .i18n import _run_lang_now

    before = _run_lang_now()
    try:
        start_run(args)
        yield
    finally:
        set_lang(before)
        RUN.config = None
        RUN.quiet = False


def start_run(args: Sequence[str]) -> None:
    """Read the run's settings and choose its language, before the command line is parsed (so
    that ``--help`` and a usage error are in that language too)."""
    RUN.started = time.perf_counter()
    RUN.quiet = any(arg in ("-q", "--quiet") for arg in args)
    RUN.config = None
    chosen = lang_of(_option_value(args, "--lang"))
    set_lang(chosen)
    translate_typer()
    try:
        config = load_config({"lang": chosen} if chosen else None)
    except ConfigError as exc:
        if chosen is None:
            set_lang(None)
        print(str(exc), file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT) from None
    RUN.config = config
    if chosen is None:
        set_lang(config.lang)
    _pass_on_plugins(config)


def _pass_on_plugins(config: Config) -> None:
    plugins = config.values["plugins"]
    if plugins.source == "file" and plugins.value is not None:
        # (the plugin manager reads the environment: the file's choice is passed on there)
        os.environ["CADRECORE_LOAD_PLUGINS"] = plugins.value


def plugins_from_config() -> None:
    """The plugins the config file enables, passed on before anything loads plugins (a bad
    file is said by the run itself, when it reads its settings)."""
    with suppress(ConfigError):
        _pass_on_plugins(load_config())


def did_you_mean(word: str, choices: Sequence[str]) -> str:
    """`` Did you mean …?`` for ``word`` among ``choices`` in the run's language, or ``""``."""
    near = get_close_matches(word, list(choices), n=3, cutoff=0.6)
    if not near:
        return ""
    names = ", ".join(near)
    return say(f"是不是要 {names}？", f"Did you mean {names}?")


def elapsed() -> float:
    """Seconds since the run started."""
    return time.perf_counter() - RUN.started


@contextmanager
def progress() -> Iterator[Callable[[str, int, int | None], None]]:
    """Progress bars for a long step: on a terminal only, none with ``--quiet``."""
    from .progress import progress_bars

    with progress_bars(quiet=RUN.quiet) as report:
        yield report


def finished(zh: str, en: str) -> None:
    """The one line that ends a long command: what was done and the time taken since the run
    started (on standard error; not with ``--quiet``)."""
    from .progress import finished as summary

    summary(Text(zh, en), elapsed(), quiet=RUN.quiet)
