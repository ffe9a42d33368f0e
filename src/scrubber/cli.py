"""The command line: a thin typer layer over the library API.

Exit status: 0 success; 2 usage, configuration, rules or input errors.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from . import __version__
from .atomic import write_atomic
from .errors import ScrubberError
from .model import CleanResult
from .pipeline import Cleaner
from .settings import Settings

EXIT_OK = 0
EXIT_CHANGED = 1
EXIT_ERROR = 2

app = typer.Typer(
    name="scrubber",
    help="Turn scraped news pages into clean, normalized articles.",
    add_completion=False,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"scrubber {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def main_callback(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Turn scraped news pages into clean, normalized articles."""


def fail(message: str, code: int = EXIT_ERROR) -> typer.Exit:
    typer.echo(f"scrubber: error: {message}", err=True)
    return typer.Exit(code)


def warn(message: str) -> None:
    typer.echo(f"scrubber: warning: {message}", err=True)


PathsArg = Annotated[
    Optional[list[str]],
    typer.Argument(help="Files to clean. None, or '-', reads standard input.", show_default=False),
]
RulesOpt = Annotated[
    Optional[list[Path]],
    typer.Option("--rules", "-r", help="A rules YAML file to add to the default rules (repeatable).", show_default=False),
]
NoDefaultRulesOpt = Annotated[bool, typer.Option("--no-default-rules", help="Leave out the rules shipped with scrubber.")]
QuotesOpt = Annotated[
    str,
    typer.Option("--quotes", help="'straight' turns curly quotes into ASCII quotes; 'keep' leaves them.", case_sensitive=False),
]
ThresholdOpt = Annotated[
    float,
    typer.Option("--threshold", min=50.0, max=100.0, help="Similarity (50-100) at which two headline or caption lines are the same line."),
]


def build_cleaner(rules: list[Path] | None, no_default_rules: bool, quotes: str, threshold: float) -> Cleaner:
    quotes = quotes.lower()
    if quotes not in ("straight", "keep"):
        raise fail(f"--quotes must be 'straight' or 'keep', not {quotes!r}")
    settings = Settings(quotes=quotes, threshold=threshold, rules=tuple(rules or ()), default_rules=not no_default_rules)  # type: ignore[arg-type]
    try:
        return Cleaner(settings)
    except ScrubberError as exc:
        raise fail(str(exc)) from None


def read_inputs(ctx: typer.Context, cleaner: Cleaner, paths: list[str] | None) -> list[CleanResult]:
    """Clean every input; any input error stops the run before anything is written."""
    if not paths:
        if sys.stdin.isatty():
            typer.echo(f"Usage: {ctx.command_path} [OPTIONS] [PATH]...", err=True)
            raise fail("no input: name files to clean, or pipe text in (see --help)")
        paths = ["-"]
    results = []
    for p in paths:
        try:
            if p == "-":
                result = cleaner.clean_bytes(sys.stdin.buffer.read(), source="-")
            else:
                result = cleaner.clean_path(Path(p))
        except ScrubberError as exc:
            raise fail(str(exc)) from None
        for w in result.warnings:
            warn(w)
        results.append(result)
    return results


def joined_text(results: list[CleanResult]) -> str:
    """Several inputs to one stream: clean texts separated like articles."""
    return "\n\n".join(r.text for r in results if r.text)


@app.command()
def clean(
    ctx: typer.Context,
    paths: PathsArg = None,
    output: Annotated[
        Optional[Path],
        typer.Option("--output", "-o", help="Write to this file (atomically) instead of standard output.", show_default=False),
    ] = None,
    rules: RulesOpt = None,
    no_default_rules: NoDefaultRulesOpt = False,
    quotes: QuotesOpt = "straight",
    threshold: ThresholdOpt = Settings.threshold,
) -> None:
    """Clean scraped pages: collapse repeated headlines and captions, drop widget markers, normalize text."""
    cleaner = build_cleaner(rules, no_default_rules, quotes, threshold)
    results = read_inputs(ctx, cleaner, paths)
    data = joined_text(results).encode("utf-8")
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        write_atomic(output, data)
    except OSError as exc:
        raise fail(f"{output}: cannot write: {exc.strerror or exc}") from None


def main() -> None:
    app()


if __name__ == "__main__":
    main()
