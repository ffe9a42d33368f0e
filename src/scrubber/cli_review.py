"""``scrubber review``: the HTML review page of what cleaning would cut, for files or folders."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from .batch import DEFAULT_INCLUDE, BatchOptions, run_local, walk
from .errors import one_line
from .cli import ConfigOpt, ExcludeOpt, IncludeOpt, InputFormatOpt, JobsOpt, NoDefaultRulesOpt, QuotesOpt, RulesOpt, TextKeyOpt, ThresholdOpt, app, build_cleaner, check_choice, fail, write_review
from .report import RunReport, SafetyValve
from .review import ReviewBuilder


@app.command()
def review(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to review.", show_default=False)],
    output: Annotated[Path, typer.Option("--output", "-o", help="The HTML page to write (atomically).")],
    jobs: JobsOpt = None,
    include: IncludeOpt = None,
    exclude: ExcludeOpt = None,
    min_body: Annotated[int, typer.Option("--min-body", min=0, help="Flag an article whose body has fewer words than this.")] = SafetyValve.min_body,
    max_removed: Annotated[float, typer.Option("--max-removed", min=0.0, max=1.0, help="Flag a file that lost more than this share of its words.")] = SafetyValve.max_removed,
    input_format: InputFormatOpt = "auto",
    text_key: TextKeyOpt = "text",
    rules: RulesOpt = None,
    no_default_rules: NoDefaultRulesOpt = False,
    quotes: QuotesOpt = None,
    threshold: ThresholdOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Write a self-contained HTML page showing what cleaning cuts and why; changes no file."""
    for p in paths:
        if not p.exists():
            raise fail(f"{p}: no such file or folder")
    input_format = check_choice("--input-format", input_format, ("auto", "text", "jsonl"))
    cleaner, file_config = build_cleaner(config, rules, no_default_rules, quotes, threshold)
    options = BatchOptions(mode="review", input_format=input_format, text_key=text_key, valve=SafetyValve(min_body, max_removed))
    walk_include, walk_exclude, select = file_config.walk_globs(include, exclude, DEFAULT_INCLUDE)
    jobs_iter = walk(paths, walk_include, walk_exclude, select=select)
    report = RunReport()
    builder = ReviewBuilder()
    explicit_errors = 0
    for outcome in run_local(cleaner.settings, options, jobs_iter, jobs or os.cpu_count() or 1):
        if outcome.status in ("error", "skipped"):
            # As in clean, learn and dedup: a binary file found in a folder is
            # skipped with a warning; named on the command line, it is an
            # input error (status 2) like any other file that cannot be read.
            if outcome.status == "skipped" and not outcome.explicit:
                report.warnings.append(f"{outcome.message}; skipped")
                typer.echo(f"scrubber: warning: {one_line(outcome.message or outcome.src)}; skipped", err=True)
                continue
            report.errors.append(outcome.message or outcome.src)
            explicit_errors += outcome.explicit
            typer.echo(f"scrubber: error: {one_line(outcome.message or outcome.src)}", err=True)
            continue
        report.files += 1
        for stats in outcome.stats:
            report.add_stats(stats)
        builder.add(outcome.payload)
    write_review(builder, report, output)
    typer.echo(f"scrubber: review of {builder.files} file(s), {builder.flagged} flagged -> {output}", err=True)
    raise typer.Exit(2 if explicit_errors else 1 if report.errors else 0)
