"""The corpus commands: ``scrubber learn`` and ``scrubber dedup``.

Both run on one machine (any engine), or in shards without a cluster:
``--shard I/N --partial FILE`` writes shard I's partial result, and
``--merge PARTIAL...`` (the positional arguments are then the partials of
every shard) makes the output an unsharded run would give, byte for byte.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable
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
    ShardOpt,
    TextKeyOpt,
    app,
    build_cleaner,
    check_choice,
    fail,
    warn,
    write_or_fail,
)
from .engine_dask import ENGINES, open_engine
from .errors import ScrubberError, one_line
from .config import FileConfig
from .corpus import Corpus, PassLog, dedup_corpus, learn_corpus
from .dedup import DedupResult
from .learn import DEFAULT_MIN_DOCS, DEFAULT_MIN_SHARE, to_rules_yaml
from .shard import Shard, learn_shard, merge_dedup, merge_learn, parse_shard, shard_signatures, write_dedup_partial, write_learn_partial
from .urls import Location, location, per_process

RootsArg = Annotated[
    list[str],
    typer.Argument(help="Folders (or files) of scraped pages: paths or fsspec URLs (s3://, gs://, file://, memory://). With --merge: the partial results of every shard.", show_default=False),
]
PartialOpt = Annotated[
    Optional[str],
    typer.Option("--partial", help="Write this shard's partial result to this file (with --shard I/N), to combine later with --merge.", show_default=False),
]
MergeOpt = Annotated[bool, typer.Option("--merge", help="Combine the partial results of every shard (the arguments) into the unsharded result.")]
DEDUP_THRESHOLD = 0.8
T = TypeVar("T")


def _corpus(roots: list[str], include: list[str] | None, exclude: list[str] | None, input_format: str, text_key: str, file_config: FileConfig) -> Corpus:
    from . import urls

    located = [location(r) for r in roots]
    for root in located:
        try:
            found = urls.exists(root)
        except ScrubberError as exc:
            raise fail(str(exc)) from None
        if not found:
            raise fail(f"{root}: no such file or folder")
    input_format = check_choice("--input-format", input_format, ("auto", "text", "jsonl"))
    walk_include, walk_exclude, select = file_config.walk_globs(include, exclude, DEFAULT_INCLUDE)
    return Corpus(tuple(located), walk_include, walk_exclude, False, input_format, text_key, select)


def _partials(args: list[str]) -> list[Location]:
    """--merge's arguments: paths, or URLs (a URL with * ? [ is expanded: no shell does it)."""
    from . import urls

    try:
        return [location(p) for arg in args for p in urls.expand(arg)]
    except ScrubberError as exc:
        raise fail(str(exc)) from None


def _sharding(shard: str | None, partial: str | None, merge: bool, output_name: str, output: object) -> Shard | None:
    """Check --shard, --partial and --merge together; the shard to run (None: all files)."""
    if merge and (shard is not None or partial is not None):
        raise fail("--merge combines partial results: it takes no --shard or --partial")
    if partial is not None and output is not None:
        raise fail(f"--partial writes this shard's partial result; the {output_name} comes from --merge")
    if shard is None:
        return Shard(1, 1) if partial is not None else None
    try:
        parsed = parse_shard(shard)
    except ScrubberError as exc:
        raise fail(str(exc)) from None
    if partial is None:
        raise fail("--shard gives only part of the result: write it with --partial FILE, then combine the shards' partials with --merge")
    return parsed


def _on_engine(engine: str, scheduler: str | None, jobs: int | None, work: Callable[[Any, int], T], locations: Iterable[object] = ()) -> T:
    """Run a corpus pass on the chosen engine; engine errors become one line and exit 2."""
    workers = jobs or os.cpu_count() or 1
    if any(per_process(p) for p in locations):
        workers = 1  # memory:// lives in this process: no worker processes (the dask engine refuses it)
    try:
        with open_engine(check_choice("--engine", engine, ENGINES), scheduler, workers) as run:
            return work(run, workers)
    except ScrubberError as exc:
        raise fail(str(exc)) from None


def _report_problems(log: PassLog) -> int:
    for w in log.warnings:
        warn(w)
    for e in log.errors:
        typer.echo(f"scrubber: error: {one_line(e)}", err=True)
    return 1 if log.errors else 0


@app.command()
def learn(
    roots: RootsArg,
    output: Annotated[Optional[str], typer.Option("--output", "-o", help="The rules YAML file to write (atomically; a URL: in one put).", show_default=False)] = None,
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
    shard: ShardOpt = None,
    partial: PartialOpt = None,
    merge: MergeOpt = False,
    config: ConfigOpt = None,
) -> None:
    """Learn a site's boilerplate: lines that recur across its files, written as rules to review and use with clean --rules."""
    cleaner, file_config = build_cleaner(config, rules, no_default_rules, quotes, None)
    part = _sharding(shard, partial, merge, "rules file", output)
    if partial is None and output is None:
        raise fail("learn needs -o FILE: the rules file to write (or --shard I/N --partial FILE for one shard's part)")
    log = PassLog()
    if merge:
        partials = _partials(roots)
        learned, merged = _on_engine(
            engine, scheduler, jobs, lambda run, workers: merge_learn(partials, cleaner.settings, min_docs, min_share, workers, log, engine=run), [*partials, output]
        )
        files, folders, distinct = merged.files, len(merged.folder_files), merged.distinct_lines
    else:
        corpus = _corpus(roots, include, exclude, input_format, text_key, file_config)
        if part is not None:
            assert partial is not None
            where = location(partial)
            result = _on_engine(engine, scheduler, jobs, lambda run, workers: learn_shard(cleaner.settings, corpus, part, workers, log, engine=run), [*corpus.roots, where])
            _or_fail(lambda: write_learn_partial(where, part, cleaner.settings, corpus, result, log))
            code = _report_problems(log)
            typer.echo(f"scrubber: shard {part}: {result.counts.files} file(s), {len(result.counts.docs)} distinct line(s) -> {partial}", err=True)
            raise typer.Exit(code)
        learned, counts = _on_engine(
            engine, scheduler, jobs, lambda run, workers: learn_corpus(cleaner.settings, corpus, min_docs, min_share, workers, log, engine=run), [*corpus.roots, output]
        )
        files, folders, distinct = counts.files, len(counts.folder_files), len(counts.docs)
    assert output is not None
    text = to_rules_yaml(learned, files, folders, min_docs, min_share)
    write_or_fail(location(output), text.encode("utf-8"))
    code = _report_problems(log)
    typer.echo(f"scrubber: {files} file(s), {distinct} distinct line(s), {len(learned)} rule(s) learned -> {output}", err=True)
    raise typer.Exit(code)


def _or_fail(work: Callable[[], T]) -> T:
    try:
        return work()
    except ScrubberError as exc:
        raise fail(str(exc)) from None


@app.command()
def dedup(
    roots: RootsArg,
    report_path: Annotated[Optional[str], typer.Option("--report", help="Write the clusters as JSON to this file or URL (default: standard output).", show_default=False)] = None,
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
    shard: ShardOpt = None,
    partial: PartialOpt = None,
    merge: MergeOpt = False,
    config: ConfigOpt = None,
) -> None:
    """Find duplicate and near-duplicate articles across files (exact hash, then MinHash LSH, verified). Changes no file."""
    cleaner, file_config = build_cleaner(config, rules, no_default_rules, quotes, None)
    part = _sharding(shard, partial, merge, "report", report_path)
    log = PassLog()
    if merge:
        partials = _partials(roots)
        result, shard_log = _or_fail(lambda: merge_dedup(partials, threshold))
        log.errors.extend(shard_log.errors)
        log.warnings.extend(shard_log.warnings)
    elif part is not None:
        assert partial is not None
        corpus = _corpus(roots, include, exclude, input_format, text_key, file_config)
        where = location(partial)
        sigs = _on_engine(engine, scheduler, jobs, lambda run, workers: shard_signatures(cleaner.settings, corpus, part, workers, log, engine=run), [*corpus.roots, where])
        _or_fail(lambda: write_dedup_partial(where, part, cleaner.settings, corpus, sigs, log))
        code = _report_problems(log)
        typer.echo(f"scrubber: shard {part}: {len(sigs)} article(s) -> {partial}", err=True)
        raise typer.Exit(code)
    else:
        corpus = _corpus(roots, include, exclude, input_format, text_key, file_config)
        result = _on_engine(engine, scheduler, jobs, lambda run, workers: dedup_corpus(cleaner.settings, corpus, threshold, workers, log, engine=run), [*corpus.roots])
    write_dedup_report(result, location(report_path) if report_path is not None else None)
    code = _report_problems(log)
    typer.echo(f"scrubber: {result.summary_line()}", err=True)
    raise typer.Exit(code)


def write_dedup_report(result: DedupResult, path: Location | None) -> None:
    data = (json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n").encode("utf-8", "backslashreplace")  # a file name that is not UTF-8: a JSON \\udcXX escape
    if path is None:
        sys.stdout.buffer.write(data)
        return
    write_or_fail(path, data)
