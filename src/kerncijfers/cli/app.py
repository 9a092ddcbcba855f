"""The typer app every command registers on, the options and messages they share, and `main`.

The commands live in the modules beside this one, one per group; `kerncijfers/cli/__init__.py` imports
them so that they are registered before `main` runs. Heavy libraries (pandas, Great Expectations,
papermill) are imported inside the commands that need them, so `kerncijfers --help` returns at once.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from kerncijfers.paths import Layout

app = typer.Typer(
    help="Validate DUO deliveries and regenerate the figures of the uitvoeringsbrief inburgering.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help (Click's): typer's rich panels label every flag "<bool>", which reads as if it took a value.
    rich_markup_mode=None,
)
# soft_wrap: a message stays one line, however narrow the terminal or wherever the output goes.
console = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

DataDir = typer.Option(None, "--data-dir", help="Data tree with raw/, validated/ and briefs.yml (default: data/).")
OutDir = typer.Option(None, "--out-dir", help="Where the report goes (default: reports/).")


#: Exit codes (README, Exit codes): 1 = the data or the letter has a problem (refused, inconsistent);
#: 2 = the command was used wrongly; 3 = another build is running (build only).
USAGE_ERROR = 2
BUILD_LOCKED = 3


def _usage(message: str) -> typer.Exit:
    """One line saying how the command was used wrongly; raise the returned Exit (code 2)."""
    err.print(message, style="red", markup=False)
    return typer.Exit(USAGE_ERROR)


def _layout(data_dir: Optional[Path], out_dir: Optional[Path] = None) -> Layout:
    if data_dir is not None and not Path(data_dir).is_dir():
        raise _usage(f"--data-dir {data_dir}: no such folder; pass a data tree with raw/ and briefs.yml (default: data/).")
    try:
        return Layout.make(data_dir=data_dir, out_dir=out_dir)
    except FileNotFoundError as exc:
        raise _usage(str(exc)) from None


def _peildatum(value: str, what: str = "peildatum") -> str:
    """A peildatum argument as YYYY-MM-DD, or a usage error naming what is wrong with it."""
    import datetime as dt

    try:
        dt.date.fromisoformat(value)
    except ValueError as exc:
        if len(value) == 10 and value[4] == value[7] == "-" and value.replace("-", "").isdigit():
            raise _usage(f"{what} {value} is not a date: {exc}. Write it as YYYY-MM-DD, e.g. 2024-05-01.") from None
        raise _usage(f"{what} {value!r} is not written as YYYY-MM-DD, e.g. 2024-05-01.") from None
    return value


def _say(message: str, style: str | None = None) -> None:
    """Print a message from a delivery or the build as it is: values may hold [brackets], which rich reads as markup."""
    err.print(message, style=style, markup=False)


def _count(n: int, noun: str) -> str:
    """'1 table', '4 tables'."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _did_you_mean(names: list[str]) -> str:
    if not names:
        return ""
    quoted = [repr(n) for n in names]
    return "; did you mean " + (f"{', '.join(quoted[:-1])} or {quoted[-1]}" if len(quoted) > 1 else quoted[0]) + "?"


def main() -> int:  # pragma: no cover - the `kerncijfers` command and `python -m kerncijfers`
    """Run the command; its exit code (see the README, Exit codes)."""
    from kerncijfers.startup import skip_iri_grammars

    skip_iri_grammars()
    from typer import Abort, TyperException  # TyperException: the base of the (vendored) Click's usage errors

    try:
        code = app(standalone_mode=False)
        code = code if isinstance(code, int) else 0
    except TyperException as exc:
        # A usage error (unknown command or option, missing argument) in one line, as our own usage errors.
        command = exc.ctx.command_path if getattr(exc, "ctx", None) else "kerncijfers"
        err.print(f"{exc.format_message()} (see {command} --help)", style="red", markup=False)
        code = exc.exit_code
    except Abort:
        if sys.stdin.isatty():
            err.print("Aborted.", markup=False)
            code = 1
        else:  # a prompt (new-brief) with no terminal to answer it: a missing option, as a usage error
            err.print("A value is missing and there is no terminal to ask for it: pass it as an option (see --help).",
                      style="red", markup=False)
            code = USAGE_ERROR
    except SystemExit as exc:
        code = exc.code
    if isinstance(code, str):
        print(code, file=sys.stderr)
        code = 1
    return code or 0

