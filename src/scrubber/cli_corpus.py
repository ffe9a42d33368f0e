"""The corpus commands: ``scrubber learn`` and ``scrubber dedup``."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Optional, TypeVar

import typer

from .batch import DEFAULT_INCLUDE
from .cli import (
    ConfigOpt,
    ExcludeOpt,
    IncludeOpt,
    JobsOpt,
    EngineOpt,
    InputFormatOpt,
    NoDefaultRulesOpt,
    QuotesOpt,
    RulesOpt,
    SchedulerOpt,
    TextKeyOpt,
    app,
    build_cleaner,
    check_choice,
    fail,
    warn,
    write_or_fail,
)
from .engine_dask import ENGINES, open_engine
from .errors import ScrubberError
from .corpus import Corpus, PassLog, dedup_corpus, learn_corpus
from .dedup import DedupResult
from .learn import DEFAULT_MIN_DOCS, DEFAULT_MIN_SHARE, to_rules_yaml

RootsArg = Annotated[list[Path], typer.Argument(help="Folders (or files) of scraped pages.", show_default=False)]
DEDUP_THRESHOLD = 0.8
T = TypeVar("T")


def _corpus(roots: list[Path], include: list[str] | None, exclude: list[str] | None, input_format: str, text_key: str) -> Corpus:
    for root in roots:
        if not root.exists():
            raise fail(f"{root}: no such file or folder")
    input_format = check_choice("--input-format", input_format, ("auto", "text", "jsonl"))
    return Corpus(tuple(roots), tuple(include or ()) or DEFAULT_INCLUDE, tuple(exclude or ()), False, input_format, text_key)


def _on_engine(engine: str, scheduler: str | None, jobs: int | None, work: Callable[[Any, int], T]) -> T:
    """Run a corpus pass on the chosen engine; engine errors become one line and exit 2."""
    workers = jobs or os.cpu_count() or 1
    try:
        with open_engine(check_choice("--engine", engine, ENGINES), scheduler, workers) as run:
            return work(run, workers)
    except ScrubberError as exc:
        raise fail(str(exc)) from None


def _report_problems(log: PassLog) -> int:
    for w in log.warnings:
        warn(w)
    for e in log.errors:
        typer.echo(f"scrubber: error: {e}", err=True)
    return 1 if log.errors else 0


@app.command()
def learn(
    roots: RootsArg,
    output: Annotated[Path, typer.Option("--output", "-o", help="The rules YAML file to write (atomically).")],
    min_docs: Annotated[int, typer.Option("--min-docs", min=2, help="A line must be in at least this many files.")] = DEFAULT_MIN_DOCS,
    min_share: Annotated[float, typer.Option("--min-share", min=0.0, max=1.0, help="...and in at least this share of the files of one folder.")] = DEFAULT_MIN_SHARE,
    jobs: JobsOpt = None,
    include: IncludeOpt = None,
    exclude: ExcludeOpt = None,
    input_format: InputFormatOpt = "auto",
    text_key: TextKeyOpt = "text",
    rules: RulesOpt = None,
    no_default_rules: NoDefaultRulesOpt = False,
    quotes: QuotesOpt = None,
    engine: EngineOpt = "local",
    scheduler: SchedulerOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Learn a site's boilerplate: lines that recur across its files, written as rules to review and use with clean --rules."""
    cleaner, _ = build_cleaner(config, rules, no_default_rules, quotes, None)
    corpus = _corpus(roots, include, exclude, input_format, text_key)
    log = PassLog()
    learned, counts = _on_engine(engine, scheduler, jobs, lambda run, workers: learn_corpus(cleaner.settings, corpus, min_docs, min_share, workers, log, engine=run))
    text = to_rules_yaml(learned, counts.files, len(counts.folder_files), min_docs, min_share)
    write_or_fail(output, text.encode("utf-8"))
    code = _report_problems(log)
    typer.echo(f"scrubber: {counts.files} file(s), {len(counts.docs)} distinct line(s), {len(learned)} rule(s) learned -> {output}", err=True)
    raise typer.Exit(code)


@app.command()
def dedup(
    roots: RootsArg,
    report_path: Annotated[Optional[Path], typer.Option("--report", help="Write the clusters as JSON to this file (default: standard output).", show_default=False)] = None,
    threshold: Annotated[float, typer.Option("--threshold", min=0.05, max=1.0, help="Estimated Jaccard similarity of word 5-shingles at which two articles are near duplicates.")] = DEDUP_THRESHOLD,
    jobs: JobsOpt = None,
    include: IncludeOpt = None,
    exclude: ExcludeOpt = None,
    input_format: InputFormatOpt = "auto",
    text_key: TextKeyOpt = "text",
    rules: RulesOpt = None,
    no_default_rules: NoDefaultRulesOpt = False,
    quotes: QuotesOpt = None,
    engine: EngineOpt = "local",
    scheduler: SchedulerOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Find duplicate and near-duplicate articles across files (exact hash, then MinHash LSH, verified). Changes no file."""
    cleaner, _ = build_cleaner(config, rules, no_default_rules, quotes, None)
    corpus = _corpus(roots, include, exclude, input_format, text_key)
    log = PassLog()
    result = _on_engine(engine, scheduler, jobs, lambda run, workers: dedup_corpus(cleaner.settings, corpus, threshold, workers, log, engine=run))
    write_dedup_report(result, report_path)
    code = _report_problems(log)
    typer.echo(f"scrubber: {result.summary_line()}", err=True)
    raise typer.Exit(code)


def write_dedup_report(result: DedupResult, path: Path | None) -> None:
    data = (json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    if path is None:
        sys.stdout.buffer.write(data)
        return
    write_or_fail(path, data)
