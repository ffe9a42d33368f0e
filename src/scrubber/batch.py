"""Batch runs: clean whole trees, in parallel, with a cache, never losing a file.

The unit of work is :func:`process_file`: one input file in, one
:class:`Outcome` out (and, depending on the mode, one output file written
atomically).  The local engine maps it over a process pool; every other engine
(and ``--check``/``--in-place`` on single files) calls the same function.

Modes:

* ``mirror``: write each input's clean form under OUTDIR at the same relative path;
* ``aggregate``: return each input's records; the caller writes one OUTDIR/articles.jsonl;
* ``in-place``: rewrite changed inputs (atomically, mode kept; unchanged files untouched);
* ``check``: write nothing; say which inputs would change (and the diff);
* ``signatures``, ``lines``, ``line-texts``: write nothing; return what a
  corpus pass needs of the file (dedup's MinHash signatures, learn's line
  hashes, learn's texts of the wanted lines).

Outputs depend only on an input's bytes, its path and the settings, so they are
the same whatever the number of workers or the order of the files.
"""

from __future__ import annotations

import difflib
import fnmatch
import functools
import gzip
import hashlib
import json
import os
import re
import signal
import stat
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path, PurePosixPath
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Literal

from . import __version__
from .atomic import write_atomic
from .cache import Cache, Entry, Stamp, StatIndex, input_stamp, path_stamp
from .errors import ScrubberError, SkippedInputError, WorkerDiedError
from .formats import render, with_records
from .dedup import Signer
from .inputs import Cleaned, InputOutcome, clean_data, input_format_of, read_bytes
from .learn import file_lines, file_texts
from .pipeline import Cleaner
from .normalize import normalize_text
from .read import decode
from .report import SafetyValve, result_stats
from .review import FileReview, file_review
from .settings import Settings
from .urls import Location, is_url
from .write import render_text

Mode = Literal["mirror", "aggregate", "in-place", "check", "signatures", "lines", "line-texts", "review"]
# Modes that read and clean but write nothing: their Outcome carries a payload
# for a corpus pass (dedup signatures, learn's line counts and line texts).
ANALYSIS_MODES = ("signatures", "lines", "line-texts", "review")
DEFAULT_INCLUDE = ("*.txt", "*.md", "*.jsonl", "*.jsonl.gz")
AGGREGATE_NAMES = {"jsonl": "articles.jsonl", "json": "articles.json"}
_SUFFIX = {"markdown": ".md", "jsonl": ".jsonl", "json": ".json"}


@dataclass(frozen=True)
class BatchOptions:
    """What a batch run does with each file (everything but the cleaning settings)."""

    mode: Mode
    fmt: str = "text"
    outdir: Location | None = None  # a Path, or an fsspec URL (see scrubber.urls)
    input_format: str = "auto"
    text_key: str = "text"
    front_matter: bool = False
    show_diff: bool = False
    cache_dir: Path | None = None
    drop: frozenset[tuple[str, int]] = frozenset()  # --dedup: (source, index) of articles to leave out
    valve: SafetyValve = SafetyValve()  # when a result is flagged as suspicious
    strict: bool = False  # flagged results are not used (see process_file)
    review: bool = False  # attach a FileReview to each outcome (clean --review)
    wanted: frozenset[int] = frozenset()  # line-texts: the line hashes to return texts for


@dataclass(frozen=True)
class Job:
    """One input: the path to read, and its path relative to the output tree.

    ``explicit``: named on the command line (an error there is an input error,
    exit 2), not found by walking a folder (an error there fails that file).
    """

    src: str
    rel: str
    explicit: bool = False
    # Why this input may not be written: its output is another input's (see one_output_each).
    clash: str | None = None


@dataclass
class Outcome:
    """What happened to one input file.  Plain data: it crosses process boundaries."""

    rel: str
    src: str
    status: str  # cleaned, cached, unchanged, fixed, would-fix, skipped, error
    explicit: bool = False
    message: str | None = None
    stats: list[dict[str, Any]] = field(default_factory=list)
    skipped_records: list[str] = field(default_factory=list)
    bytes_in: int = 0
    bytes_out: int = 0
    fragment: bytes | None = None  # aggregate mode: this input's part of the output
    diff: str | None = None
    payload: Any = None  # analysis modes: what the corpus pass needs of this file
    flags: list[str] = field(default_factory=list)  # the safety valve's findings
    review: FileReview | None = None  # clean --review: what the review page shows of this file
    # For the stat index (cache.py): the input's stamp before it was read, its
    # content key, and the output file written for it with its stamp.
    stamp: Stamp | None = None
    cache_key: str | None = None
    target: str | None = None
    target_stamp: Stamp | None = None


# -- which files ---------------------------------------------------------------


def walk(
    roots: Iterable[Location],
    include: tuple[str, ...] = DEFAULT_INCLUDE,
    exclude: tuple[str, ...] = (),
    follow_symlinks: bool = False,
    skip: Iterable[Location] = (),
    select: Callable[[str], bool] | None = None,
) -> Iterator[Job]:
    """The files under ``roots``, in sorted order, as a stream (nothing is held).

    Hidden files and folders (a leading dot, so .git too) are skipped, and so
    is everything under ``skip`` (the output folder).  Symbolic links are
    skipped unless ``follow_symlinks``; a folder reached twice (a link loop) is
    walked once.  With several roots, relative paths start with the root's name.  A root
    may be an fsspec URL (walked by :func:`scrubber.urls.walk_url`, in the same order).
    ``select``, when given, must also take each file found in a folder (by its path).
    """
    roots = list(roots)
    skip = list(skip)
    skip_real = {os.path.realpath(p) for p in skip if not is_url(p)}
    seen: set[tuple[int, int]] = set()
    files_named: set[str] = set()
    for root in roots:
        if is_url(root):
            from .urls import walk_url

            for src, rel, explicit in walk_url(root, len(roots) > 1, include, exclude, follow_symlinks, skip, _selected, _excluded):  # type: ignore[arg-type]
                if explicit or select is None or select(src):
                    yield Job(src, rel, explicit=explicit)
            continue
        assert isinstance(root, Path)
        if not root.is_dir():
            if (real := os.path.realpath(root)) not in files_named:  # a file named twice is one input
                files_named.add(real)
                yield Job(str(root), root.name, explicit=True)
            continue
        prefix = root.resolve().name if len(roots) > 1 else ""
        found = _walk_dir(root, prefix, include, exclude, follow_symlinks, skip_real, seen)
        yield from found if select is None else (job for job in found if select(job.src))


def _walk_dir(
    folder: Path,
    rel: str,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    follow: bool,
    skip_real: set[str],
    seen: set[tuple[int, int]],
) -> Iterator[Job]:
    try:
        st = folder.stat()
    except OSError:
        return
    if (st.st_dev, st.st_ino) in seen or os.path.realpath(folder) in skip_real:
        return
    seen.add((st.st_dev, st.st_ino))
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_symlink() and not follow:
            continue
        child_rel = f"{rel}/{entry.name}" if rel else entry.name
        try:
            is_dir = entry.is_dir(follow_symlinks=follow)
        except OSError:
            is_dir = False
        if is_dir:
            if not _excluded(child_rel, exclude):
                yield from _walk_dir(Path(entry.path), child_rel, include, exclude, follow, skip_real, seen)
            continue
        if _selected(child_rel, include, exclude) and _regular(entry, follow):
            yield Job(entry.path, child_rel)


def _regular(entry: os.DirEntry[str], follow: bool) -> bool:
    """A regular file: a FIFO, socket or device found in a folder would block or mean nothing (named on the command line, it is read)."""
    if entry.is_file(follow_symlinks=follow):  # (no system call for a plain file)
        return True
    try:
        return stat.S_ISREG(entry.stat(follow_symlinks=follow).st_mode)
    except OSError:
        return True  # a dangling link, say: reading it reports the problem


def one_output_each(jobs: Iterable[Job], options: BatchOptions) -> Iterator[Job]:
    """Mirror runs: an input whose output another input has already (a.txt and
    a.jsonl both give a.txt; b.txt and b.md both give b.md with --format
    markdown) is not written; it fails with the reason.

    The walk is depth first, so only the output folders on the way to the
    current file are remembered: memory grows with the depth and the size of
    one folder, not with the number of files.
    """
    open_folders: dict[str, set[str]] = {}
    for job in jobs:
        try:
            target = _output_location(options, job.rel)
        except ScrubberError:
            yield job  # process_file reports it
            continue
        folder, _, name = target.rpartition("/")
        for done in [f for f in open_folders if folder != f and not folder.startswith(f + "/")]:
            del open_folders[done]
        names = open_folders.setdefault(folder, set())
        if name in names:
            job = replace(job, clash=f"its output {target} is the output of another input too; rename one of them")
        names.add(name)
        yield job


def root_names_clash(roots: Iterable[Location]) -> str | None:
    """With several inputs, each gets the output folder's entry named after it: two of one name would mix."""
    roots = list(roots)
    if len(roots) < 2:
        return None
    seen: dict[str, Location] = {}
    real: dict[str, Location] = {}
    for root in roots:
        if is_url(root):
            continue
        assert isinstance(root, Path)
        if real.setdefault(os.path.realpath(root), root) is not root:
            continue  # named twice: one input
        name = root.resolve().name if root.is_dir() else root.name
        if name in seen:
            return f"{seen[name]} and {root} are both named {name!r}: their outputs would land in one place; clean them in two runs"
        seen[name] = root
    return None


def _selected(rel: PurePosixPath | str, include: tuple[str, ...], exclude: tuple[str, ...]) -> bool:
    """Does a file's name or relative path match an include glob, and neither an exclude glob?"""
    path = str(rel)
    name = path.rpartition("/")[2]
    wanted = _globs(include)
    return (wanted.match(name) is not None or wanted.match(path) is not None) and not _excluded(path, exclude)


def _excluded(rel: PurePosixPath | str, exclude: tuple[str, ...]) -> bool:
    if not exclude:
        return False
    path = str(rel)
    unwanted = _globs(exclude)
    return unwanted.match(path.rpartition("/")[2]) is not None or unwanted.match(path) is not None


@functools.lru_cache(maxsize=64)
def _globs(globs: tuple[str, ...]) -> re.Pattern[str]:
    """One regex matching what any of ``globs`` matches (as fnmatch.fnmatch does, on POSIX)."""
    if not globs:
        return re.compile(r"(?!)")
    return re.compile("|".join(fnmatch.translate(g) for g in globs))


def check_outdir(roots: Iterable[Location], outdir: Location) -> str | None:
    """A problem with writing to ``outdir`` given these input folders, or None."""
    roots = list(roots)
    if is_url(outdir) or any(is_url(r) for r in roots):
        from . import urls

        return urls.check_outdir(roots, outdir)
    out = Path(os.path.realpath(outdir))
    for root in roots:
        r = Path(os.path.realpath(root))
        if not Path(root).is_dir():
            continue
        if out == r or r in out.parents:
            return f"the output folder {outdir} is inside the input folder {root}"
        if out in r.parents:
            return f"the input folder {root} is inside the output folder {outdir}"
    return None


# -- the cache -----------------------------------------------------------------


def cache_folder(cleaner: Cleaner, options: BatchOptions) -> Path | None:
    """Where this run's cache entries live, or None when the run does not use the cache."""
    if options.cache_dir is None or options.drop or options.review or options.mode in ANALYSIS_MODES:
        return None
    return options.cache_dir / __version__ / settings_key(cleaner, options)


def settings_key(cleaner: Cleaner, options: BatchOptions) -> str:
    parts = {
        "settings": repr(cleaner.settings),
        "rules": [repr(r) for r in cleaner.rules.rules],
        "fmt": options.fmt,
        "input_format": options.input_format,
        "text_key": options.text_key,
        "front_matter": options.front_matter,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode("utf-8")).hexdigest()[:20]


# -- one file --------------------------------------------------------------------


@dataclass
class Context:
    """What every call of :func:`process_file` in one run shares (read-only)."""

    cleaner: Cleaner
    options: BatchOptions
    cache: Cache | None
    signer: Signer | None = None

    @classmethod
    def build(cls, settings: Settings, options: BatchOptions) -> "Context":
        cleaner = Cleaner(settings)
        folder = cache_folder(cleaner, options)
        cache = Cache(options.cache_dir, folder) if folder is not None else None  # type: ignore[arg-type]
        signer = Signer() if options.mode == "signatures" else None
        return cls(cleaner, options, cache, signer)


def output_path(options: BatchOptions, rel: str) -> Location:
    """Where the output for the input at ``rel`` (relative to its root) goes: a Path, or a URL."""
    target = _output_location(options, rel)
    return target if is_url(target) else Path(target)


def _output_location(options: BatchOptions, rel: str) -> str:
    """:func:`output_path` as a string (cheap: the stat index compares it for every file of a rerun)."""
    assert options.outdir is not None
    folder, _, name = rel.rpartition("/")
    if name.lower().endswith(".gz"):
        name = name[:-3]
    stem, dot, suffix = name.rpartition(".")
    base = stem if dot else name
    if options.fmt in _SUFFIX:
        name = base + _SUFFIX[options.fmt]
    elif suffix.lower() == "jsonl":
        name = base + ".txt"  # JSONL records written out as text
    parts = [part for part in folder.split("/") if part not in ("", ".")]
    if ".." in parts or rel.startswith("/"):
        raise ScrubberError(rel, "output path would leave the output folder")
    if is_url(options.outdir):
        from .urls import join

        return str(join(options.outdir, *parts, name))
    return os.path.join(options.outdir, *parts, name)


def process_file(ctx: Context, job: Job) -> Outcome:
    """Clean one input file as the run's mode says.  Never raises for a bad file."""
    options = ctx.options
    outcome = Outcome(job.rel, job.src, "cleaned", explicit=job.explicit)
    try:
        if job.clash is not None:
            raise ScrubberError(job.src, job.clash)
        if ctx.cache is not None and not is_url(job.src):
            outcome.stamp = input_stamp(job.src)  # before reading: a change after it shows next time
        read_stamp = path_stamp(job.src) if options.mode == "in-place" and not is_url(job.src) else None
        data = read_bytes(job.src)
        outcome.bytes_in = len(data)
        if options.mode in ANALYSIS_MODES:
            outcome.payload = _analyse(ctx, job, data, outcome)
            return outcome
        output, cached = _output_for(ctx, job, data, outcome)
        if cached:
            outcome.status = "cached"
        outcome.flags = [f for stats in outcome.stats for f in options.valve.flags(stats)]
        if outcome.flags and options.strict:
            # --strict: a suspicious result is not used.  In place the file stays
            # as it is; elsewhere its normalized input stands in for it.
            if options.mode in ("in-place", "check"):
                outcome.status = "flagged"
                return outcome
            output = b"" if options.mode == "aggregate" else normalized_input(ctx, job, data)
        outcome.bytes_out = len(output)
        if options.mode == "aggregate":
            outcome.fragment = output
        elif options.mode == "mirror":
            target = output_path(options, job.rel)
            if isinstance(target, str):  # a URL: written whole, in one put (scrubber.urls)
                from .urls import write_url

                write_url(target, output)
                return outcome
            if not _same_file_content(target, output):
                target.parent.mkdir(parents=True, exist_ok=True)
                write_atomic(target, output)
            if ctx.cache is not None:
                outcome.target, outcome.target_stamp = str(target), path_stamp(target)
        elif output == data:
            outcome.status = "unchanged"
        elif options.mode == "check":
            outcome.status = "would-fix"
            if options.show_diff:
                outcome.diff = unified_diff(job.src, data, output)
        else:  # in-place
            if is_url(job.src):
                raise ScrubberError(job.src, "--in-place works on local files, not URLs")
            if not os.stat(job.src).st_mode & 0o222:
                raise ScrubberError(job.src, "is read-only; not changed")
            if options.show_diff:
                outcome.diff = unified_diff(job.src, data, output)
            # Through a symbolic link to the file it names (replacing the link
            # would leave that file dirty); a .gz file stays gzip.
            if job.src.lower().endswith(".gz"):
                output = gzip.compress(output, mtime=0)
            if path_stamp(job.src) != read_stamp:  # an editor saved it meanwhile: its edit wins
                raise ScrubberError(job.src, "changed while it was being cleaned; left as it is (run again)")
            write_atomic(Path(os.path.realpath(job.src)), output)
            outcome.status = "fixed"
    except SkippedInputError as exc:
        outcome.status, outcome.message = "skipped", str(exc)
    except ScrubberError as exc:
        outcome.status, outcome.message = "error", str(exc)
    except OSError as exc:
        outcome.status, outcome.message = "error", f"{job.src}: {exc.strerror or exc}"
    except Exception as exc:  # a bug must cost one file, not the whole run
        outcome.status, outcome.message = "error", f"{job.src}: internal error ({type(exc).__name__}: {exc}); please report it"
    return outcome


def normalized_input(ctx: Context, job: Job, data: bytes) -> bytes:
    settings = ctx.cleaner.settings
    return normalize_text(decode(data, job.src).text, settings.quotes, settings.fast).encode("utf-8", "surrogateescape")


def _output_for(ctx: Context, job: Job, data: bytes, outcome: Outcome) -> tuple[bytes, bool]:
    options = ctx.options
    input_format = input_format_of(job.src, options.input_format)  # type: ignore[arg-type]
    key = hashlib.blake2b(data, digest_size=20)
    key.update(b"\0" + input_format.encode())  # auto picks it by name: the same bytes may be read two ways
    if options.fmt != "text" or input_format == "jsonl" or not _plain_utf8(data):
        # Record ids, skipped-record messages and decoding warnings name the file.
        key.update(b"\0" + job.src.encode("utf-8", "surrogateescape"))
    hexkey = outcome.cache_key = key.hexdigest()
    if ctx.cache is not None:
        hit = ctx.cache.get(hexkey)
        if hit is not None:
            meta, output = hit
            outcome.stats, outcome.skipped_records = meta["stats"], meta["skipped_records"]
            return output, True
    in_place = options.mode in ("in-place", "check")
    if in_place and input_format == "jsonl":
        if not job.explicit:  # found in a folder: not a file these modes work on
            raise SkippedInputError(job.src, "is JSONL; --check and --in-place work on text files")
        raise ScrubberError(job.src, "--check and --in-place work on text files, not JSONL")
    result = clean_data(ctx.cleaner, job.src, data, options.input_format, options.text_key)  # type: ignore[arg-type]
    if options.drop:
        result = without_articles(result, options.drop)
    outcome.stats = [result_stats(c.result) for c in result.cleaned]
    outcome.skipped_records = result.skipped
    if options.review:
        flags = [f for stats in outcome.stats for f in options.valve.flags(stats)]
        outcome.review = file_review(job.src, [c.result for c in result.cleaned], flags)
    fmt = options.fmt if options.mode == "aggregate" or not in_place else "text"
    pairs = with_records(fmt, result.cleaned)
    if options.mode == "aggregate":
        output = _fragment(options.fmt, pairs)
    else:
        output = render(fmt, pairs, options.front_matter).encode("utf-8", "surrogateescape")
    if ctx.cache is not None:
        ctx.cache.put(hexkey, {"stats": outcome.stats, "skipped_records": outcome.skipped_records}, output)
    return output, False


def _plain_utf8(data: bytes) -> bool:
    """Valid UTF-8: decoding it gives no warning."""
    if data.isascii():
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _analyse(ctx: Context, job: Job, data: bytes, outcome: Outcome) -> Any:
    options = ctx.options
    cleaned = clean_data(ctx.cleaner, job.src, data, options.input_format, options.text_key)  # type: ignore[arg-type]
    outcome.stats = [result_stats(c.result) for c in cleaned.cleaned]
    outcome.skipped_records = cleaned.skipped
    if options.mode == "signatures":
        assert ctx.signer is not None
        return [ctx.signer.sign(c.source, a) for c in cleaned.cleaned for a in c.result.articles]
    if options.mode == "lines":
        return file_lines(job.rel, cleaned)
    if options.mode == "review":
        flags = [f for stats in outcome.stats for f in options.valve.flags(stats)]
        return file_review(job.src, [c.result for c in cleaned.cleaned], flags)
    return file_texts(cleaned, options.wanted)


def without_articles(outcome: InputOutcome, drop: frozenset[tuple[str, int]]) -> InputOutcome:
    """The same cleaned input less the articles named in ``drop`` (--dedup)."""
    kept = []
    for c in outcome.cleaned:
        articles = tuple(a for a in c.result.articles if (c.source, a.index) not in drop)
        if len(articles) != len(c.result.articles):
            c = Cleaned(replace(c.result, articles=articles, text=render_text(articles)), c.source, c.extra)
        kept.append(c)
    return InputOutcome(kept, outcome.skipped)


def _fragment(fmt: str, pairs: list[Any]) -> bytes:
    """This input's part of OUTDIR/articles.jsonl (or of the list in articles.json)."""
    if fmt == "json":
        recs = [rec for _, rs in pairs for rec in rs]
        return ",\n".join(json.dumps(rec, ensure_ascii=False, indent=2) for rec in recs).encode("utf-8", "surrogateescape")
    return render("jsonl", pairs).encode("utf-8", "surrogateescape")


def _same_file_content(path: Path, data: bytes) -> bool:
    try:
        if path.stat().st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False


def unified_diff(path: str, original: bytes, new: bytes) -> str:
    old_text = original.decode("utf-8", "replace")
    new_text = new.decode("utf-8", "replace")
    lines = difflib.unified_diff(
        old_text.splitlines(keepends=True), new_text.splitlines(keepends=True), fromfile=f"{path} (original)", tofile=f"{path} (cleaned)"
    )
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


# -- the local engine ----------------------------------------------------------------

# The worker processes' context, set once per process by the pool initializer:
# a process-wide constant of that worker, not a cache shared between runs.
_WORKER: Context | None = None


def _init_worker(settings: Settings, options: BatchOptions) -> None:
    global _WORKER
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    # The parent stops workers with SIGTERM; exiting through Python's unwinding
    # lets an unfinished atomic write remove its temporary file.
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    _WORKER = Context.build(settings, options)


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _run_chunk(jobs: list[Job]) -> list[Outcome]:
    assert _WORKER is not None
    return [process_file(_WORKER, job) for job in jobs]


class _Known:
    """The stat index (cache.py) as a run uses it: it answers for inputs that
    did not change since they were last cleaned, and learns from the others."""

    def __init__(self, index: StatIndex, options: BatchOptions) -> None:
        self.index, self.options = index, options

    def answer(self, job: Job) -> Outcome | None:
        """The outcome of ``job`` when its input and output are as the index knows them (no file is read)."""
        options = self.options
        if options.mode not in ("mirror", "in-place", "check") or is_url(job.src) or job.clash is not None:
            return None
        entry = self.index.lookup(job.src)
        if entry is None or path_stamp(job.src) != entry.stamp:
            return None
        if options.mode == "mirror":
            if entry.mode != "mirror" or entry.target_stamp is None:
                return None
            try:
                target = _output_location(options, job.rel)
            except ScrubberError:
                return None
            if target != entry.target or path_stamp(target) != entry.target_stamp:
                return None
            status, bytes_out = "cached", entry.target_stamp[0]
        else:  # in place: a file left unchanged last time is still clean
            if entry.mode not in ("in-place", "check") or entry.status != "unchanged":
                return None
            status, bytes_out = "unchanged", entry.stamp[0]
        stats, skipped = entry.meta["stats"], entry.meta["skipped_records"]
        outcome = Outcome(job.rel, job.src, status, explicit=job.explicit, stats=stats, skipped_records=skipped, bytes_in=entry.stamp[0], bytes_out=bytes_out)
        outcome.flags = [f for st in stats for f in options.valve.flags(st)]
        if outcome.flags and options.strict:
            return None  # --strict decides again what to write
        return outcome

    def learn(self, outcome: Outcome) -> None:
        if outcome.stamp is None or outcome.cache_key is None:
            return
        mode = self.options.mode
        meta = {"stats": outcome.stats, "skipped_records": outcome.skipped_records}
        if mode == "mirror" and outcome.status in ("cleaned", "cached") and outcome.target_stamp is not None:
            self.index.record(outcome.src, Entry(outcome.stamp, outcome.cache_key, mode, outcome.status, outcome.target, outcome.target_stamp, meta))
        elif mode in ("in-place", "check") and outcome.status == "unchanged":
            self.index.record(outcome.src, Entry(outcome.stamp, outcome.cache_key, mode, "unchanged", None, None, meta))

    def close(self) -> None:
        self.index.close()


def run_local(settings: Settings, options: BatchOptions, jobs: Iterable[Job], workers: int, chunksize: int = 8) -> Iterator[Outcome]:
    """Outcomes in the order of ``jobs``, computed by ``workers`` processes.

    The order of outcomes, and so of an aggregated output, is the order of
    ``jobs`` whatever the number of workers.  Inputs the stat index answers
    for (unchanged since the last run) are answered here, without a worker;
    worker processes start only when some input needs one.
    """
    folder = cache_folder(Cleaner(settings), options) if options.cache_dir is not None else None
    known = _Known(StatIndex(options.cache_dir, folder), options) if folder is not None and options.cache_dir is not None else None
    try:
        if workers <= 1:
            ctx = Context.build(settings, options)
            for job in jobs:
                outcome = known.answer(job) if known is not None else None
                if outcome is None:
                    outcome = process_file(ctx, job)
                    if known is not None:
                        known.learn(outcome)
                yield outcome
        else:
            yield from _run_pool(settings, options, jobs, workers, chunksize, known)
    finally:
        if known is not None:
            known.close()


def _run_pool(settings: Settings, options: BatchOptions, jobs: Iterable[Job], workers: int, chunksize: int, known: _Known | None) -> Iterator[Outcome]:
    import multiprocessing
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    # A process pool that notices a worker dying (killed, out of memory, a
    # failed start): multiprocessing.Pool would replace it and wait forever
    # for the chunk it held.
    pool: ProcessPoolExecutor | None = None
    # The outcomes to come, in job order: answered ones, or (chunk number,
    # place in the chunk) for jobs sent to the workers.  At most ``limit``
    # jobs are in flight, so memory stays flat however many files there are.
    window: deque[Outcome | tuple[int, int]] = deque()
    limit = workers * chunksize * 4
    results: dict[int, Future[list[Outcome]]] = {}
    chunk: list[Job] = []
    chunk_no = 0
    done_files = 0

    def submit() -> None:
        nonlocal pool, chunk, chunk_no
        if pool is None:
            pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=_init_worker, initargs=(settings, options))
        results[chunk_no] = pool.submit(_run_chunk, chunk)
        chunk, chunk_no = [], chunk_no + 1

    def pop() -> Outcome:
        nonlocal done_files
        item = window.popleft()
        if isinstance(item, Outcome):
            return item
        no, i = item
        if no == chunk_no:
            submit()  # the head's chunk is not full yet: send it as it is
        done = results[no].result()
        if i == len(done) - 1:
            del results[no]
        if known is not None:
            known.learn(done[i])
        done_files += 1
        return done[i]

    try:
        for job in jobs:
            answered = known.answer(job) if known is not None else None
            if answered is not None:
                window.append(answered)
            else:
                window.append((chunk_no, len(chunk)))
                chunk.append(job)
                if len(chunk) >= chunksize:
                    submit()
            while len(window) > limit:
                yield pop()
        while window:
            yield pop()
    except BrokenProcessPool:  # from a result or from a submit, whichever comes first
        if pool is not None:
            _stop_workers(pool)
        raise WorkerDiedError(done_files) from None
    except BaseException:
        if pool is not None:
            _stop_workers(pool)
        raise
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Stop a pool's workers now (SIGTERM: an unfinished atomic write removes its temporary file)."""
    pool.shutdown(wait=False, cancel_futures=True)
    if hasattr(pool, "terminate_workers"):  # Python 3.14
        pool.terminate_workers()
        return
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        if process.is_alive():
            process.terminate()


def outcome_json(outcome: Outcome) -> dict[str, Any]:
    d = asdict(outcome)
    d.pop("fragment")
    return d
