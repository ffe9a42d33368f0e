"""Running a batch from the command line: files in, progress, messages, exit status.

The work itself is :func:`scrubber.batch.process_file`; this module feeds it
(through an engine), reports what happened and decides the exit status:

* 0: everything was clean or cleaned;
* 1: a file found in a folder failed, records were skipped, files would
  change (``--check``) or were changed (``--in-place``);
* 2: a file named on the command line could not be read or is not text;
* 3: a worker process died (killed, out of memory): the run stops;
* 130: interrupted (Ctrl-C; 143 for SIGTERM): outputs written so far are complete.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import IO

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

from .atomic import sweep_temporaries
from .batch import AGGREGATE_NAMES, DEFAULT_INCLUDE, BatchOptions, Job, Outcome, check_outdir, one_output_each, root_names_clash, run_local, walk
from .corpus import Engine
from .errors import ScrubberError, one_line
from .report import RunReport
from .shard import Shard, select
from .review import ReviewBuilder
from .settings import Settings
from .urls import Location

EXIT_INTERRUPTED = 130
FLAGGED_SHOWN = 10  # flagged files named on stderr; the report lists them all
EXIT_TERMINATED = 143


@dataclass(frozen=True)
class WalkOptions:
    include: tuple[str, ...] = DEFAULT_INCLUDE
    exclude: tuple[str, ...] = ()
    follow_symlinks: bool = False
    shard: Shard | None = None  # --shard i/N: only the files whose path hash falls in shard i
    select: Callable[[str], bool] | None = None  # the configuration file's globs (FileConfig.walk_globs)


class _Terminated(BaseException):
    """SIGTERM, raised in the main thread.  A BaseException, like KeyboardInterrupt,
    so that the per-file ``except Exception`` (a bug costs one file) lets it through."""


def _say(message: str) -> None:
    typer.echo(f"scrubber: {one_line(message)}", err=True)


def run_batch(
    settings: Settings,
    options: BatchOptions,
    roots: list[Location],
    walk_options: WalkOptions,
    workers: int,
    quiet: bool,
    report: RunReport,
    review: ReviewBuilder | None = None,
    engine: Engine = run_local,
) -> int:
    if options.outdir is not None:
        from . import urls

        try:
            problem = check_outdir(roots, options.outdir)
            if problem is None and urls.exists(options.outdir) and not urls.is_dir(options.outdir):
                problem = f"the output folder {options.outdir} is a file"
            if problem is None:
                urls.make_dirs(options.outdir)
        except ScrubberError as exc:
            problem = str(exc)
        if problem is None and options.mode == "mirror":
            problem = root_names_clash(roots)
        if problem is not None:
            _say(f"error: {problem}")
            return 2

    def jobs() -> Iterator[Job]:
        skip: list[Location] = [options.outdir] if options.outdir is not None else []
        if options.cache_dir is not None:
            skip.append(options.cache_dir)
        found = walk(roots, walk_options.include, walk_options.exclude, walk_options.follow_symlinks, skip, walk_options.select)
        if options.mode == "mirror":
            found = one_output_each(found, options)
        return select(found, walk_options.shard) if walk_options.shard is not None else found

    _sweep(options, roots)
    show_progress = not quiet and sys.stderr.isatty() and sys.stdout.isatty()
    started = time.perf_counter()
    counts = {"files": 0, "changed": 0, "explicit_errors": 0, "errors": 0, "flagged_strict": 0}
    previous_term = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        with ExitStack() as stack:
            sink: IO[bytes] | None = None
            if options.mode == "aggregate":
                assert options.outdir is not None
                from .urls import join, writer  # atomic for paths; one upload at the end for URLs

                sink = stack.enter_context(writer(join(options.outdir, AGGREGATE_NAMES[options.fmt])))
            progress = stack.enter_context(_progress(jobs, show_progress))
            first_fragment = True
            if sink is not None and options.fmt == "json":
                sink.write(b"[\n")
            for outcome in engine(settings, options, jobs(), workers):
                _account(outcome, options, report, counts, quiet)
                if review is not None and outcome.review is not None:
                    review.add(outcome.review)
                if sink is not None and outcome.fragment:
                    if options.fmt == "json" and not first_fragment:
                        sink.write(b",\n")
                    sink.write(outcome.fragment)
                    first_fragment = False
                progress.advance(outcome)
            if sink is not None and options.fmt == "json":
                sink.write(b"\n]\n" if not first_fragment else b"]\n")
    except ScrubberError as exc:
        _say(f"error: {exc}")
        return exc.exit_code
    except KeyboardInterrupt:
        _say(f"interrupted after {counts['files']} file(s); every output written so far is complete, inputs are untouched")
        return EXIT_INTERRUPTED
    except _Terminated:
        _say(f"terminated after {counts['files']} file(s); every output written so far is complete, inputs are untouched")
        return EXIT_TERMINATED
    finally:
        signal.signal(signal.SIGTERM, previous_term)
    if not quiet:
        _summary(report, counts, options, time.perf_counter() - started)
    if counts["explicit_errors"]:
        return 2
    if counts["errors"] or report.skipped_records or counts["changed"] or (options.strict and report.flagged):
        return 1
    return 0


def _sweep(options: BatchOptions, roots: list[Location]) -> None:
    """Remove temporary files that killed runs left in the folders this run writes (see atomic.py)."""
    if options.mode == "mirror":
        folders = [options.outdir]
    elif options.mode == "in-place":
        folders = [r for r in roots if isinstance(r, Path) and r.is_dir()]
    else:
        return
    for folder in folders:
        if isinstance(folder, Path) and folder.is_dir():
            sweep_temporaries(folder)


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise _Terminated()


def _account(outcome: Outcome, options: BatchOptions, report: RunReport, counts: dict[str, int], quiet: bool) -> None:
    counts["files"] += 1
    if outcome.diff:
        sys.stdout.write(outcome.diff)
        sys.stdout.flush()
    if outcome.status in ("error", "skipped"):
        # A binary file found in a folder is skipped; named on the command
        # line, it is an input error like any other.
        if outcome.status == "skipped" and not outcome.explicit:
            _say(f"warning: {outcome.message}; skipped")
            report.warnings.append(f"{outcome.message}; skipped")
            return
        _say(f"error: {outcome.message}")
        report.errors.append(outcome.message or outcome.src)
        counts["explicit_errors" if outcome.explicit else "errors"] += 1
        return
    if outcome.flags:
        report.flagged.append({"source": outcome.src, "flags": outcome.flags})
        if len(report.flagged) <= FLAGGED_SHOWN and not quiet:
            _say(f"warning: {outcome.src}: flagged: {'; '.join(outcome.flags)}" + (" (left as it is)" if outcome.status == "flagged" else ""))
    if outcome.status == "flagged":
        counts["flagged_strict"] += 1
        return
    report.files += 1
    report.cached += outcome.status == "cached"
    for stats in outcome.stats:
        report.add_stats(stats)
        for w in stats["warnings"]:
            _say(f"warning: {w}")
    for line in outcome.skipped_records:
        _say(f"warning: {line}")
    report.skipped_records.extend(outcome.skipped_records)
    report.bytes_out += outcome.bytes_out
    if outcome.status == "would-fix":
        counts["changed"] += 1
        _say(f"would fix {outcome.src}")
    elif outcome.status == "fixed":
        counts["changed"] += 1
        _say(f"fixed {outcome.src}")


def _summary(report: RunReport, counts: dict[str, int], options: BatchOptions, seconds: float) -> None:
    parts = [f"{counts['files']} file(s)" + (f" ({report.cached} from cache)" if report.cached else ""), f"{report.articles} article(s)", f"{report.bytes_in / 1e6:.1f} MB in", f"{report.bytes_out / 1e6:.1f} MB out"]
    parts.append(f"{sum(report.dropped.values()) + report.collapsed} line(s) dropped")
    if options.mode == "check":
        parts.append(f"{counts['changed']} would be fixed")
    elif options.mode == "in-place":
        parts.append(f"{counts['changed']} fixed")
    parts.append(f"{counts['errors'] + counts['explicit_errors']} error(s)")
    if report.flagged:
        parts.append(f"{len(report.flagged)} flagged")
    parts.append(f"{seconds:.1f} s")
    _say(", ".join(parts))


class _NoProgress:
    def advance(self, outcome: Outcome) -> None:
        pass

    def __enter__(self) -> "_NoProgress":
        return self

    def __exit__(self, *exc: object) -> None:
        pass


class _RichProgress(_NoProgress):
    """Files, MB, MB/s, ETA and errors so far, on standard error."""

    def __init__(self, total_files: int, total_bytes: int) -> None:
        self.progress = Progress(
            TextColumn("[bold]cleaning"),
            BarColumn(),
            MofNCompleteColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[mb]:.1f}/{task.fields[total_mb]:.1f} MB, {task.fields[rate]:.1f} MB/s, {task.fields[errors]} error(s)"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self.task = self.progress.add_task("clean", total=total_files, mb=0.0, total_mb=total_bytes / 1e6, rate=0.0, errors=0)
        self.bytes = 0
        self.errors = 0
        self.started = time.perf_counter()

    def advance(self, outcome: Outcome) -> None:
        self.bytes += outcome.bytes_in
        self.errors += outcome.status == "error"
        rate = self.bytes / 1e6 / max(time.perf_counter() - self.started, 1e-6)
        self.progress.update(self.task, advance=1, mb=self.bytes / 1e6, rate=rate, errors=self.errors)

    def __enter__(self) -> "_RichProgress":
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()


def _progress(jobs: Callable[[], Iterator[Job]], show: bool) -> _NoProgress:
    if not show:
        return _NoProgress()
    files = size = 0
    for job in jobs():  # a second pass over the names only: the list is never held
        files += 1
        try:
            size += os.stat(job.src).st_size
        except OSError:
            pass
    return _RichProgress(files, size)
