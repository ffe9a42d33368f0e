"""The command line: a thin typer layer over the library API.

Exit status: 0 success; 1 files would change (--check) or were changed
(--in-place), or JSONL records were skipped; 2 usage, configuration, rules or
input errors.
"""

from __future__ import annotations

import gzip
import json
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from . import __version__
from .batch import AGGREGATE_NAMES, DEFAULT_INCLUDE, BatchOptions, without_articles
from .corpus import Corpus, PassLog, dedup_corpus, with_drop
from .engine_dask import ENGINES, open_engine
from .shard import parse_shard
from .dedup import Signer, find_duplicates
from .config import FileConfig, find_config, make_settings
from .errors import ScrubberError, one_line
from .explain import print_explanation, rows
from .formats import FORMATS, render, with_records
from .inputs import Cleaned, InputOutcome, clean_input, input_format_of
from .runner import WalkOptions, run_batch
from .model import CleanResult
from .pipeline import Cleaner
from .report import RunReport, SafetyValve, result_stats
from .review import ReviewBuilder, file_review
from .urls import Location, is_url, location, per_process

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


def _input_at(output: str, paths: list[str]) -> str | None:
    """The input file that ``output`` names (the same file by path, link or hard link), if any."""
    if is_url(output):
        return None
    try:
        out = os.stat(output)
    except OSError:
        return None  # not there yet: no input can be it
    for p in paths:
        if p != "-" and not is_url(p):
            try:
                st = os.stat(p)
            except OSError:
                continue
            if (st.st_dev, st.st_ino) == (out.st_dev, out.st_ino):
                return p
    return None


def fail(message: str, code: int = EXIT_ERROR) -> typer.Exit:
    typer.echo(f"scrubber: error: {one_line(message)}", err=True)
    return typer.Exit(code)


def warn(message: str) -> None:
    typer.echo(f"scrubber: warning: {one_line(message)}", err=True)


PathsArg = Annotated[
    Optional[list[str]],
    typer.Argument(help="Files to clean (text, or JSONL records). None, or '-', reads standard input.", show_default=False),
]
RulesOpt = Annotated[
    Optional[list[Path]],
    typer.Option("--rules", "-r", help="A rules YAML file to add to the default rules (repeatable).", show_default=False),
]
NoDefaultRulesOpt = Annotated[bool, typer.Option("--no-default-rules", help="Leave out the rules shipped with scrubber.")]
QuotesOpt = Annotated[
    Optional[str],
    typer.Option("--quotes", help="'straight' turns curly quotes into ASCII quotes; 'keep' leaves them. [default: straight]", case_sensitive=False, show_default=False),
]
ThresholdOpt = Annotated[
    Optional[float],
    typer.Option("--threshold", min=50.0, max=100.0, help="Similarity (50-100) at which two headline or caption lines are the same line. [default: 92]", show_default=False),
]
PageOpt = Annotated[
    Optional[bool],
    typer.Option(
        "--page/--keep-page",
        help="--page: the files are whole-page scrapes: keep the article, drop the page around it (menus, counters, footers). --keep-page: they are articles already (the default).",
        show_default=False,
    ),
]
EngineOpt = Annotated[str, typer.Option("--engine", help='Where files are processed: local (a process pool) or dask (a Dask cluster; pip install "scrubber[dask]").')]
SchedulerOpt = Annotated[
    Optional[str],
    typer.Option("--scheduler", help="With --engine dask: the scheduler's address, e.g. tcp://10.0.0.5:8786. [default: $DASK_SCHEDULER_ADDRESS, else a local cluster]", show_default=False),
]
ShardOpt = Annotated[Optional[str], typer.Option("--shard", help="Process only shard I of N (1/N to N/N): the files whose path hash falls in it.", show_default=False)]
JobsOpt = Annotated[Optional[int], typer.Option("--jobs", "-j", min=1, help="Worker processes. [default: the number of cores]", show_default=False)]
IncludeOpt = Annotated[Optional[list[str]], typer.Option("--include", help="Take files matching this glob (repeatable). [default: *.txt *.md *.jsonl *.jsonl.gz]", show_default=False)]
ExcludeOpt = Annotated[Optional[list[str]], typer.Option("--exclude", help="Skip files and folders matching this glob (repeatable).", show_default=False)]
ConfigOpt = Annotated[
    Optional[Path],
    typer.Option("--config", help="Read settings from this scrubber.yaml or pyproject.toml instead of the one found from the working folder upwards.", show_default=False),
]
InputFormatOpt = Annotated[
    str,
    typer.Option("--input-format", help="'text', 'jsonl' (one JSON object per line), or 'auto': jsonl for *.jsonl and *.jsonl.gz."),
]
TextKeyOpt = Annotated[str, typer.Option("--text-key", help="With JSONL input: the field that holds the text to clean.")]


def build_cleaner(
    config: Path | None, rules: list[Path] | None, no_default_rules: bool, quotes: str | None, threshold: float | None, page: bool | None = None
) -> tuple[Cleaner, FileConfig]:
    if quotes is not None:
        quotes = check_choice("--quotes", quotes, ("straight", "keep"))
    try:
        file_config = find_config(config, Path.cwd())
        settings = make_settings(
            file_config, quotes=quotes, threshold=threshold, rules=tuple(rules or ()), no_default_rules=no_default_rules, page=page
        )
        return Cleaner(settings), file_config
    except ScrubberError as exc:
        raise fail(str(exc)) from None


def resolve_paths(ctx: typer.Context, paths: list[str] | None) -> list[str]:
    if sys.stdin is None and (not paths or "-" in paths):  # closed (``<&-``)
        raise fail("-: standard input is closed; name files to clean")
    if paths:
        return paths
    if sys.stdin.isatty():
        typer.echo(f"Usage: {ctx.command_path} [OPTIONS] [PATH]...", err=True)
        raise fail("no input: name files to clean, or pipe text in (see --help)")
    return ["-"]


def check_choice(name: str, value: str, choices: tuple[str, ...]) -> str:
    value = value.lower()
    if value not in choices:
        raise fail(f"{name} must be one of {', '.join(choices)}; not {value!r}")
    return value


def clean_all(cleaner: Cleaner, paths: list[str], input_format: str, text_key: str, report: RunReport) -> list[Cleaned]:
    """Clean every input; an input error stops the run before anything is written."""
    cleaned: list[Cleaned] = []
    for p in paths:
        try:
            outcome = clean_input(cleaner, p, input_format, text_key)  # type: ignore[arg-type]
        except ScrubberError as exc:
            raise fail(str(exc)) from None
        report.files += 1
        for line in outcome.skipped:
            warn(line)
        report.skipped_records.extend(outcome.skipped)
        for c in outcome.cleaned:
            for w in c.result.warnings:
                warn(w)
            report.add(c.result)
        cleaned.extend(outcome.cleaned)
    return cleaned


def write_output(data: bytes, output: Location | None) -> None:
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    if str(output).lower().endswith(".gz"):
        data = gzip.compress(data, mtime=0)  # mtime 0: the same input gives the same bytes
    write_or_fail(output, data)


def write_or_fail(path: Location, data: bytes) -> None:
    """Write ``path`` atomically (a URL: whole, in one put), or stop the run with one line naming it."""
    from . import urls

    try:
        urls.write(path, data)
    except OSError as exc:
        raise fail(f"{path}: cannot write: {exc.strerror or exc}") from None
    except ScrubberError as exc:
        raise fail(str(exc)) from None


def is_folder(path: str) -> bool:
    """Whether a command-line path (or URL) is a folder; a URL that cannot be reached is a one-line error."""
    if not is_url(path):
        return Path(path).is_dir()
    from . import urls

    try:
        return urls.is_dir(path)
    except ScrubberError as exc:
        raise fail(str(exc)) from None


@app.command()
def clean(
    ctx: typer.Context,
    paths: PathsArg = None,
    output: Annotated[
        Optional[str],
        typer.Option("--output", "-o", help="Write to this file (atomically; gzip when it ends in .gz) instead of standard output; with folders, the output folder. Paths or fsspec URLs (s3://, gs://, file://, memory://).", show_default=False),
    ] = None,
    fmt: Annotated[
        Optional[str],
        typer.Option("--format", "-f", help="Output: text, markdown, jsonl or json. Default: jsonl when every input is JSONL, else text.", show_default=False),
    ] = None,
    check: Annotated[bool, typer.Option("--check", help="Write nothing; list the files that would change. Exit 1 if any would.")] = False,
    diff: Annotated[bool, typer.Option("--diff", help="Show a unified diff of what would change, per file (implies --check unless --in-place).")] = False,
    in_place: Annotated[bool, typer.Option("--in-place", "-i", help="Rewrite changed files atomically, keeping their mode; unchanged files are not touched. Exit 1 if any changed.")] = False,
    front_matter: Annotated[bool, typer.Option("--front-matter", help="With --format markdown: put source and id in YAML front matter.")] = False,
    split: Annotated[bool, typer.Option("--split", help="Folders with --format jsonl/json: one output file per input instead of OUTDIR/articles.jsonl.")] = False,
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", min=1, help="Folders: worker processes. [default: the number of cores]", show_default=False)] = None,
    include: Annotated[Optional[list[str]], typer.Option("--include", help="Folders: take files matching this glob (repeatable). [default: *.txt *.md *.jsonl *.jsonl.gz]", show_default=False)] = None,
    exclude: Annotated[Optional[list[str]], typer.Option("--exclude", help="Folders: skip files and folders matching this glob (repeatable).", show_default=False)] = None,
    follow_symlinks: Annotated[bool, typer.Option("--follow-symlinks", help="Folders: follow symbolic links (a link loop is walked once).")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary line.")] = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Do not read or write the cache of cleaned files.")] = False,
    cache_dir: Annotated[Optional[Path], typer.Option("--cache-dir", help="Where the cache lives. [default: .scrubber_cache in the working folder]", show_default=False)] = None,
    input_format: InputFormatOpt = "auto",
    text_key: TextKeyOpt = "text",
    report_path: Annotated[
        Optional[str],
        typer.Option("--report", help="Write a JSON summary of the run (files, articles, bytes, drops per rule, warnings, duration) to this file.", show_default=False),
    ] = None,
    review_path: Annotated[Optional[str], typer.Option("--review", help="Also write a self-contained HTML review page of what was cut and why.", show_default=False)] = None,
    min_body: Annotated[int, typer.Option("--min-body", min=0, help="Safety valve: flag an article whose body has fewer words than this.")] = SafetyValve.min_body,
    max_removed: Annotated[float, typer.Option("--max-removed", min=0.0, max=1.0, help="Safety valve: flag a file that lost more than this share of its words.")] = SafetyValve.max_removed,
    strict: Annotated[bool, typer.Option("--strict", help="Do not use flagged results: leave the file as it is (in place) or write its normalized input instead; exit 1.")] = False,
    dedup: Annotated[bool, typer.Option("--dedup", help="Keep one article per cluster of duplicates across all inputs (the longest body; ties by path order); the report lists the others. Inputs are never changed.")] = False,
    dedup_threshold: Annotated[float, typer.Option("--dedup-threshold", min=0.05, max=1.0, help="With --dedup: estimated Jaccard similarity of word 5-shingles for near duplicates.")] = 0.8,
    rules: RulesOpt = None,
    no_default_rules: NoDefaultRulesOpt = False,
    quotes: QuotesOpt = None,
    threshold: ThresholdOpt = None,
    page: PageOpt = None,
    engine: EngineOpt = "local",
    scheduler: SchedulerOpt = None,
    shard: ShardOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Clean scraped pages: collapse repeated headlines and captions, drop widget markers, normalize text."""
    input_format = check_choice("--input-format", input_format, ("auto", "text", "jsonl"))
    cleaner, file_config = build_cleaner(config, rules, no_default_rules, quotes, threshold, page)
    named = resolve_paths(ctx, paths)
    paths = [p for p in named if file_config.selects(p, p != "-" and is_folder(p))]
    if named and not paths:  # every path given is excluded (a pre-commit hook's files, say): nothing to do
        typer.echo(f"scrubber: nothing to clean: the {len(named)} path(s) given are excluded by {file_config.path}", err=True)
        raise typer.Exit(0)
    if output == "":
        raise fail("-o/--output: the path is empty")
    if front_matter and (fmt is None or fmt.lower() != "markdown"):
        raise fail("--front-matter works with --format markdown (YAML front matter is a Markdown convention)")
    if output is not None and (clash := _input_at(output, paths)) is not None:
        raise fail(f"{output}: is the input {clash}; the output would replace it (write elsewhere, or clean it with --in-place)")
    report = RunReport()
    valve = SafetyValve(min_body=min_body, max_removed=max_removed)
    folders = [p for p in paths if p != "-" and is_folder(p)]
    if in_place and any(is_url(p) for p in paths):
        raise fail(f"{next(p for p in paths if is_url(p))}: --in-place works on local files, not URLs (write the clean files elsewhere with -o)")
    if (engine != "local" or scheduler or shard) and not folders:
        raise fail("--engine, --scheduler and --shard work on folders (batch runs)")
    if check or diff or in_place or folders:
        if (check or diff or in_place) and (fmt is not None and fmt.lower() != "text" or output is not None):
            raise fail("--check, --diff and --in-place work on text files in place: they take no --format or --output")
        if "-" in paths:
            raise fail("standard input cannot be cleaned in place or together with folders")
        if dedup and (check or diff or in_place):
            raise fail("--dedup writes new outputs; it does not work with --check, --diff or --in-place (inputs are never changed by dedup)")
        mode = "in-place" if in_place else "check" if (check or diff) else None
        fmt = check_choice("--format", fmt or "text", FORMATS)
        if mode is None:
            if output is None:
                raise fail(f"{folders[0]}: is a folder: cleaning folders needs -o OUTDIR (or --in-place, or --check)")
            mode = "aggregate" if fmt in AGGREGATE_NAMES and not split else "mirror"
        options = BatchOptions(
            mode=mode,  # type: ignore[arg-type]
            fmt=fmt,
            outdir=location(output) if output is not None and mode in ("mirror", "aggregate") else None,
            input_format=input_format,
            text_key=text_key,
            front_matter=front_matter,
            show_diff=diff,
            cache_dir=None if no_cache else (cache_dir or Path(".scrubber_cache")),
            valve=valve,
            strict=strict,
            review=review_path is not None,
        )
        try:
            parsed_shard = parse_shard(shard) if shard is not None else None
        except ScrubberError as exc:
            raise fail(str(exc)) from None
        if parsed_shard is not None and dedup:
            raise fail("--dedup needs the whole corpus; it does not work with --shard")
        walk_include, walk_exclude, select = file_config.walk_globs(include, exclude, DEFAULT_INCLUDE)
        walk_options = WalkOptions(include=walk_include, exclude=walk_exclude, follow_symlinks=follow_symlinks, shard=parsed_shard, select=select)
        workers = jobs or os.cpu_count() or 1
        if not folders:  # a list of files (pre-commit's batches): a pool only pays for many
            workers = max(1, min(workers, len(paths) // 8))
        if any(per_process(p) for p in [*paths, output]):
            workers = 1  # memory:// lives in this process: no worker processes (the dask engine refuses it)
        builder = ReviewBuilder() if review_path is not None else None
        try:
            with open_engine(check_choice("--engine", engine, ENGINES), scheduler, workers) as run:
                if dedup:
                    corpus = Corpus(tuple(location(p) for p in paths), walk_options.include, walk_options.exclude, follow_symlinks, input_format, text_key, walk_options.select)
                    found = dedup_corpus(cleaner.settings, corpus, dedup_threshold, workers, PassLog(), engine=run)
                    options = with_drop(options, found)
                    report.dedup = found.to_dict()
                    if not quiet:
                        typer.echo(f"scrubber: dedup: {found.summary_line()}", err=True)
                code = run_batch(cleaner.settings, options, [location(p) for p in paths], walk_options, workers, quiet, report, builder, engine=run)
        except ScrubberError as exc:
            raise fail(str(exc)) from None
        if report_path is not None:
            write_report(report, location(report_path))
        if builder is not None and review_path is not None:
            write_review(builder, report, location(review_path))
        raise typer.Exit(code)
    if fmt is None:
        fmt = "jsonl" if paths and all(input_format_of(p, input_format) == "jsonl" for p in paths) else "text"  # type: ignore[arg-type]
    fmt = check_choice("--format", fmt, FORMATS)
    cleaned = clean_all(cleaner, paths, input_format, text_key, report)
    if dedup:
        signer = Signer()
        found = find_duplicates([signer.sign(c.source, a) for c in cleaned for a in c.result.articles], dedup_threshold)
        cleaned = without_articles(InputOutcome(cleaned), found.dropped()).cleaned
        report.dedup = found.to_dict()
    if review_path is not None:
        builder = ReviewBuilder()
        for c in cleaned:
            builder.add(file_review(c.source, [c.result], valve.flags(result_stats(c.result))))
        write_review(builder, report, location(review_path))
    cleaned = apply_valve(cleaned, valve, strict, report)
    text = render(fmt, with_records(fmt, cleaned), front_matter)
    data = text.encode("utf-8", "surrogateescape")
    report.bytes_out = len(data)
    write_output(data, location(output) if output is not None else None)
    if report_path is not None:
        write_report(report, location(report_path))
    if report.skipped_records:
        warn(f"{len(report.skipped_records)} record(s) skipped")
        raise typer.Exit(EXIT_CHANGED)
    if strict and report.flagged:
        raise typer.Exit(EXIT_CHANGED)


def apply_valve(cleaned: list[Cleaned], valve: SafetyValve, strict: bool, report: RunReport) -> list[Cleaned]:
    """Flag suspicious results (stderr, report); with --strict, use the normalized input instead."""
    out = []
    for c in cleaned:
        flags = valve.flags(result_stats(c.result))
        if flags:
            report.flagged.append({"source": c.source, "flags": flags})
            warn(f"{c.source}: flagged: {'; '.join(flags)}" + (" (its normalized input is written instead)" if strict else ""))
            if strict:
                c = Cleaned(as_normalized_input(c.result), c.source, c.extra)
        out.append(c)
    return out


def as_normalized_input(result: CleanResult) -> CleanResult:
    """The result that --strict writes for a flagged text: its normalized input, no articles."""
    text = "\n".join(d.text for d in result.decisions)
    return replace(result, articles=(), text=text + "\n" if text else "")


def write_review(builder: ReviewBuilder, report: RunReport, path: Location) -> None:
    write_or_fail(path, builder.render(report).encode("utf-8", "surrogateescape"))


def write_report(report: RunReport, path: Location) -> None:
    write_or_fail(path, report.to_json().encode("utf-8", "backslashreplace"))  # a file name that is not UTF-8: a JSON \udcXX escape


@app.command()
def explain(
    ctx: typer.Context,
    paths: PathsArg = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="'text' (coloured on a terminal) or 'json' (one row per input line).")] = "text",
    input_format: InputFormatOpt = "auto",
    text_key: TextKeyOpt = "text",
    rules: RulesOpt = None,
    no_default_rules: NoDefaultRulesOpt = False,
    quotes: QuotesOpt = None,
    threshold: ThresholdOpt = None,
    page: PageOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Show every input line with its fate: kept as title, caption or body; dropped by a rule; collapsed into another line."""
    fmt = check_choice("--format", fmt, ("text", "json"))
    input_format = check_choice("--input-format", input_format, ("auto", "text", "jsonl"))
    cleaner, _ = build_cleaner(config, rules, no_default_rules, quotes, threshold, page)
    paths = resolve_paths(ctx, paths)
    report = RunReport()
    cleaned = clean_all(cleaner, paths, input_format, text_key, report)
    if fmt == "json":
        doc = [{"source": c.source, "lines": rows(c.result, cleaner.rules)} for c in cleaned]
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    else:
        console = Console(highlight=False, soft_wrap=True)
        for c in cleaned:
            if len(cleaned) > 1:
                console.print(f"== {c.source}", style="bold")
            print_explanation(c.result, cleaner.rules, console)
    if report.skipped_records:
        raise typer.Exit(EXIT_CHANGED)


def main() -> None:
    from . import cli_corpus, cli_review, cli_rules  # noqa: F401  (register learn, dedup, review, rules, test)

    try:
        code = app(standalone_mode=False)
    except Exception as exc:
        if type(exc).__name__ == "Abort":  # Ctrl-C outside a batch (click turns it into Abort)
            typer.echo("scrubber: interrupted; nothing was written", err=True)
            sys.exit(130)
        # click's (or typer's own copy of click's) errors: usage errors exit 2.
        # Shown as one line, like every other error (click draws a box of five lines or more).
        if not (hasattr(exc, "format_message") and isinstance(getattr(exc, "exit_code", None), int)):
            raise
        ctx = getattr(exc, "ctx", None)
        if type(exc).__name__ == "NoArgsIsHelpError" and ctx is not None:  # no command, or no argument: the help
            typer.echo(ctx.get_help(), err=True)
        else:
            where = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
            typer.echo(f"scrubber: error: {one_line(exc.format_message())}{where}", err=True)
        sys.exit(exc.exit_code)
    except BrokenPipeError:  # a reader that stopped early (| head): quiet, as click does
        sys.stderr.close()
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)  # a command's return value, or typer.Exit's code


if __name__ == "__main__":
    main()
