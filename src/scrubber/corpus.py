"""Corpus passes: learn and dedup over many files, through the per-file batch function.

Each pass is a map (``process_file`` in an analysis mode, on any engine) and
a reduce here, in the order of the files, so results do not depend on the
number of workers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace

from .batch import BatchOptions, Job, Outcome, run_local, walk
from .dedup import ArticleSig, DedupResult, find_duplicates
from .learn import TITLE_MIN_SHARE, LearnedLine, LineCounts, is_excluded, is_title_hash
from .settings import Settings
from .urls import Location

Engine = Callable[[Settings, BatchOptions, Iterable[Job], int], Iterator[Outcome]]


@dataclass
class PassLog:
    """Problems met on the way: files that failed, binaries skipped."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def note(self, outcome: Outcome) -> bool:
        """Record a failed or skipped file; True when the outcome is usable."""
        if outcome.status == "error":
            self.errors.append(outcome.message or outcome.src)
            return False
        if outcome.status == "skipped":
            self.warnings.append(f"{outcome.message}; skipped")
            return False
        return True


@dataclass(frozen=True)
class Corpus:
    """Which files a pass reads, and how."""

    roots: tuple[Location, ...]  # paths, or fsspec URLs
    include: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    follow_symlinks: bool = False
    input_format: str = "auto"
    text_key: str = "text"
    select: Callable[[str], bool] | None = None  # the configuration file's globs (FileConfig.walk_globs)

    def jobs(self) -> Iterator[Job]:
        return walk(self.roots, self.include, self.exclude, self.follow_symlinks, (), self.select)

    def options(self, mode: str, **extra: object) -> BatchOptions:
        return BatchOptions(mode=mode, input_format=self.input_format, text_key=self.text_key, **extra)  # type: ignore[arg-type]


def dedup_corpus(settings: Settings, corpus: Corpus, threshold: float, workers: int, log: PassLog, engine: Engine = run_local) -> DedupResult:
    sigs: list[ArticleSig] = []
    for outcome in engine(settings, corpus.options("signatures"), corpus.jobs(), workers):
        if log.note(outcome):
            sigs.extend(outcome.payload)
    return find_duplicates(sigs, threshold)


def learn_corpus(
    settings: Settings, corpus: Corpus, min_docs: int, min_share: float, workers: int, log: PassLog, engine: Engine = run_local
) -> tuple[list[LearnedLine], LineCounts]:
    counts = LineCounts()
    for outcome in engine(settings, corpus.options("lines"), corpus.jobs(), workers):
        if log.note(outcome):
            counts.add(outcome.payload)
    frequent = counts.frequent(min_docs, min_share)
    if not frequent:
        return [], counts
    texts: dict[int, str] = {}
    examples: dict[int, list[str]] = {}
    second = corpus.options("line-texts", wanted=frozenset(frequent))
    for outcome in engine(settings, second, corpus.jobs(), workers):
        if outcome.status != "cleaned" or not outcome.payload:
            continue
        for h, text in outcome.payload.items():
            texts.setdefault(h, text)
            ex = examples.setdefault(h, [])
            if len(ex) < 2:
                ex.append(outcome.rel)
    return learned_lines(frequent, texts, examples), counts


def learned_lines(frequent: dict[int, tuple[int, float]], texts: dict[int, str], examples: dict[int, list[str]]) -> list[LearnedLine]:
    """Learn's end: the frequent lines (hash -> files, share) with their texts and examples, as rules.

    Shared by the one-machine run and the merge of shard partials (scrubber.shard).
    """
    by_text: dict[str, LearnedLine] = {}
    for h, (files, share) in frequent.items():
        text = texts.get(h)
        if text is None or is_excluded(text) or (is_title_hash(h, text) and share < TITLE_MIN_SHARE):
            continue
        line = LearnedLine(text, files, share, tuple(examples.get(h, ())))
        old = by_text.get(text)  # a line counted both as title and as body: one rule, the larger count
        if old is None or (line.files, line.share) > (old.files, old.share):
            by_text[text] = line
    return list(by_text.values())


def with_drop(options: BatchOptions, result: DedupResult) -> BatchOptions:
    return replace(options, drop=result.dropped())
