"""Shards: split a corpus across machines without any cluster.

``--shard i/N`` runs only the files of shard ``i`` of ``N`` (``i`` from 1 to
``N``).  A file's shard is a hash (BLAKE2b) of its path relative to the input
root, so it depends neither on the order the files are found or processed in,
nor on the machine, nor on the other files: the N shards of a corpus are
disjoint and together hold every file, and adding a file moves no other.

For dedup, each shard's signatures can be written to a partial file
(:func:`write_dedup_partial`) and the partials merged anywhere
(:func:`merge_dedup`) into the report an unsharded run would give.  For
learn, each shard's first-pass counts go to a partial file
(:func:`learn_shard`, :func:`write_learn_partial`) and :func:`merge_learn`
makes the rules file an unsharded run would give (see there for how the
second pass is done).  Partial files may be paths or fsspec URLs.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from . import __version__
from .batch import Job
from .errors import ScrubberError
from .urls import Location, per_process

if TYPE_CHECKING:
    import numpy as np  # imported where used: a CLI start-up that never merges does not pay for numpy

    from .corpus import Corpus, Engine, PassLog
    from .dedup import ArticleSig, DedupResult
    from .learn import LearnedLine, LineCounts
    from .settings import Settings

MAX_SHARDS = 1_000_000
_SHARD = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")


class Shard(NamedTuple):
    """Shard ``index`` (1-based) of ``count``."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def selects(self, rel: str) -> bool:
        return in_shard(rel, self.index, self.count)


def parse_shard(text: str, option: str = "--shard") -> Shard:
    """``"i/N"`` as a :class:`Shard`; a one-line :class:`ScrubberError` when it is not one."""
    m = _SHARD.fullmatch(text or "")
    if m is None:
        raise ScrubberError(option, f"{text!r} is not a shard: give I/N, e.g. 1/4 for the first of four shards")
    index, count = int(m.group(1)), int(m.group(2))
    if count < 1:
        raise ScrubberError(option, f"{text!r}: the number of shards must be at least 1")
    if count > MAX_SHARDS:
        raise ScrubberError(option, f"{text!r}: at most {MAX_SHARDS} shards")
    if not 1 <= index <= count:
        raise ScrubberError(option, f"{text!r}: the shard must be between 1 and {count} (shards count from 1)")
    return Shard(index, count)


def shard_of(rel: str, count: int) -> int:
    """The shard (1 to ``count``) of the file at relative path ``rel``."""
    if count < 1:
        raise ValueError("count must be at least 1")
    key = _normalize(rel).encode("utf-8", "surrogateescape")
    digest = hashlib.blake2b(key, digest_size=8, person=b"scrubber-shard").digest()
    return int.from_bytes(digest, "big") % count + 1


def in_shard(rel: str, i: int, n: int) -> bool:
    """Whether the file at relative path ``rel`` is in shard ``i`` (1-based) of ``n``."""
    if not 1 <= i <= n:
        raise ValueError(f"shard {i}/{n}: the shard must be between 1 and {n}")
    return shard_of(rel, n) == i


def select(jobs: Iterable[Job], shard: Shard | None) -> Iterator[Job]:
    """The jobs of ``shard`` (all of them for None), in their order, as a stream."""
    if shard is None or shard.count == 1:
        yield from jobs
        return
    for job in jobs:
        if in_shard(job.rel, shard.index, shard.count):
            yield job


def _normalize(rel: str) -> str:
    """One spelling per path: forward slashes, no ``./`` or empty parts."""
    parts = [p for p in rel.replace("\\", "/").split("/") if p not in ("", ".")]
    return "/".join(parts)


# -- dedup across shards: a map per shard, a merge anywhere ------------------------------
#
# Each machine runs the signature pass on its shard and writes a partial file
# (JSON lines: a header, then one line per article; arrays as base64, no
# pickle); ``merge_dedup`` reads the N partials and clusters them.  Clusters
# depend only on the set of articles (find_duplicates orders them by source
# and index), so the merged report is byte for byte the unsharded one when
# the shards ran from the same paths.

PARTIAL_FORMAT = "scrubber-dedup-partial"
PARTIAL_VERSION = 1


def shard_signatures(settings: "Settings", corpus: "Corpus", shard: Shard | None, workers: int, log: "PassLog", engine: "Engine | None" = None) -> list["ArticleSig"]:
    """The signature pass (dedup's map) over one shard of ``corpus``, on any engine."""
    from .batch import run_local

    sigs: list[ArticleSig] = []
    for outcome in (engine or run_local)(settings, corpus.options("signatures"), select(corpus.jobs(), shard), workers):
        if log.note(outcome):
            sigs.extend(outcome.payload)
    return sigs


def write_dedup_partial(path: Location, shard: Shard, settings: "Settings", corpus: "Corpus", sigs: list["ArticleSig"], log: "PassLog") -> None:
    """Write one shard's signatures (and its problems) atomically to ``path``."""
    header = {
        "format": PARTIAL_FORMAT,
        "version": PARTIAL_VERSION,
        "scrubber": __version__,
        "shard": [shard.index, shard.count],
        "fingerprint": _fingerprint(settings, corpus),
        # The files of the whole walk (names only): the merge checks every
        # shard saw the same tree, as learn's does.
        "walked": sum(1 for _ in corpus.jobs()),
        "errors": log.errors,
        "warnings": log.warnings,
    }
    lines = [json.dumps(header, ensure_ascii=False)]
    for s in sigs:
        lines.append(
            json.dumps(
                {"source": s.source, "index": s.index, "title": s.title, "body_chars": s.body_chars, "digest": s.digest, "shingles": _array(s.shingles), "signature": _array(s.signature)},
                ensure_ascii=False,
            )
        )
    _write(path, lines)


def _write(path: Location, lines: list[str]) -> None:
    """A partial file, written whole: atomically for a path, in one put for a URL."""
    from . import urls

    try:
        urls.write(path, ("\n".join(lines) + "\n").encode("utf-8", "surrogateescape"))
    except OSError as exc:
        raise ScrubberError(str(path), f"cannot write: {exc.strerror or exc}") from None


def read_dedup_partials(paths: Iterable[Location]) -> tuple[list["ArticleSig"], "PassLog"]:
    """The signatures of all shards, checked: one partial per shard of the same run, none missing."""
    from .corpus import PassLog
    from .dedup import ArticleSig

    sigs: list[ArticleSig] = []
    log = PassLog()
    seen: dict[int, str] = {}
    count = fingerprint = walked = None
    for path in paths:
        try:
            with _open(path) as f:
                header = _header(str(path), f.readline())
                index, n = header["shard"]
                if count is None:
                    count, fingerprint, walked = n, header["fingerprint"], header.get("walked")
                elif n != count:
                    raise ScrubberError(str(path), f"is shard {index}/{n}, the others are of {count} shards")
                elif header["fingerprint"] != fingerprint:
                    raise ScrubberError(str(path), "was made with other settings or inputs than the other partials")
                elif header.get("walked") != walked:
                    raise ScrubberError(str(path), f"saw {header.get('walked')} file(s) in the corpus, the other partials {walked}: the inputs changed between shards; rerun them")
                if index in seen:
                    raise ScrubberError(str(path), f"shard {index}/{n} is also in {seen[index]}")
                seen[index] = str(path)
                log.errors.extend(header["errors"])
                log.warnings.extend(header["warnings"])
                for lineno, line in enumerate(f, start=2):
                    try:
                        d = json.loads(line)
                        sigs.append(ArticleSig(d["source"], d["index"], d["title"], d["body_chars"], d["digest"], _unarray(d["shingles"]), _unarray(d["signature"])))
                    except (ValueError, KeyError, TypeError):
                        raise ScrubberError(f"{path}:{lineno}", "damaged partial result") from None
        except OSError as exc:
            raise ScrubberError(str(path), f"cannot read: {exc.strerror or exc}") from None
    if count is None:
        raise ScrubberError("--merge", "no partial results given")
    missing = [i for i in range(1, count + 1) if i not in seen]
    if missing:
        raise ScrubberError("--merge", f"missing shard(s) {', '.join(f'{i}/{count}' for i in missing)}")
    return sigs, log


def merge_dedup(paths: Iterable[Location], threshold: float) -> tuple["DedupResult", "PassLog"]:
    """Dedup's reduce over the partials of every shard."""
    from .dedup import find_duplicates

    sigs, log = read_dedup_partials(paths)
    return find_duplicates(sigs, threshold), log


def _header(path: str, line: str, kind: str = PARTIAL_FORMAT) -> dict[str, Any]:
    try:
        header = json.loads(line)
        ok = isinstance(header, dict) and header.get("format") == kind
    except ValueError:
        ok = False
    if not ok:
        command = "learn" if kind == LEARN_PARTIAL_FORMAT else "dedup"
        raise ScrubberError(path, f"is not a partial {command} result (made by {command} --shard I/N --partial FILE)")
    version = LEARN_PARTIAL_VERSION if kind == LEARN_PARTIAL_FORMAT else PARTIAL_VERSION
    if header.get("version") != version or header.get("scrubber") != __version__:
        raise ScrubberError(path, f"was made by scrubber {header.get('scrubber')}; this is {__version__}: rerun its shard")
    return header


def _fingerprint(settings: "Settings", corpus: "Corpus") -> str:
    parts = repr((settings, corpus.input_format, corpus.text_key, corpus.include, corpus.exclude, corpus.follow_symlinks))
    return hashlib.blake2b(parts.encode("utf-8", "surrogateescape"), digest_size=12).hexdigest()


def _array(a: "np.ndarray") -> dict[str, str]:
    import numpy as np

    a = np.asarray(a)
    return {"dtype": a.dtype.newbyteorder("<").str, "data": base64.b64encode(a.astype(a.dtype.newbyteorder("<")).tobytes()).decode("ascii")}


def _unarray(d: dict[str, str]) -> "np.ndarray":
    import numpy as np

    dtype = np.dtype(d["dtype"])
    return np.frombuffer(base64.b64decode(d["data"]), dtype=dtype).astype(dtype.newbyteorder("="))


def _open(path: Location) -> Any:
    from . import urls

    return urls.open_text(path)


# -- learn across shards: counts per shard, a merge anywhere ----------------------------
#
# Learn's first pass is counts: per (folder, line hash), in how many files.
# Each shard writes them as sorted arrays (JSON lines again: a header, the
# arrays in base64, then one line per file: its walk position, relative path
# and source), and ``merge_learn`` adds them up.  The second pass (the text
# of each frequent line and the first two files holding it, in path order)
# needs the merged counts; rather than a second sharded pass, each partial
# also keeps, per line hash, the walk positions of the first two files of its
# shard holding it.  The merge takes the two smallest across shards (the
# first two files of the whole corpus), and reads back only the first file of
# each frequent line to get its text (a line's hash is the hash of its text,
# so any file holding it gives the same text): at most one file per rule, with
# the same per-file function.  The rules file is byte for byte the unsharded
# one.  Walk positions come from a walk of the whole tree (names only), which
# every shard does anyway to select its files; the merge checks that the
# shards saw the same number of files.

LEARN_PARTIAL_FORMAT = "scrubber-learn-partial"
LEARN_PARTIAL_VERSION = 1


@dataclass
class LearnShard:
    """Learn's first pass over one shard: the counts, and where each line was first seen."""

    counts: "LineCounts"
    first: dict[int, tuple[int, ...]] = field(default_factory=dict)  # line hash -> walk positions of its first two files
    files: dict[int, tuple[str, str]] = field(default_factory=dict)  # walk position -> (relative path, source)
    walked: int = 0  # files in the whole walk (every shard)


def learn_shard(settings: "Settings", corpus: "Corpus", shard: Shard | None, workers: int, log: "PassLog", engine: "Engine | None" = None) -> LearnShard:
    """Learn's first pass (the map) over one shard of ``corpus``, on any engine."""
    from .batch import run_local
    from .learn import LineCounts

    result = LearnShard(LineCounts())
    positions: deque[int] = deque()

    def jobs() -> Iterator[Job]:
        for position, job in enumerate(corpus.jobs()):
            result.walked = position + 1
            if shard is None or shard.count == 1 or in_shard(job.rel, shard.index, shard.count):
                positions.append(position)
                yield job

    first = result.first
    for outcome in (engine or run_local)(settings, corpus.options("lines"), jobs(), workers):
        position = positions.popleft()  # outcomes come back in the order of the jobs
        if not log.note(outcome):
            continue
        result.counts.add(outcome.payload)
        result.files[position] = (outcome.rel, outcome.src)
        for h in outcome.payload.hashes:
            seen = first.get(h)
            if seen is None:
                first[h] = (position,)
            elif len(seen) < 2:
                first[h] = (seen[0], position)
    return result


def write_learn_partial(path: Location, shard: Shard, settings: "Settings", corpus: "Corpus", part: LearnShard, log: "PassLog") -> None:
    """Write one shard's counts (and its problems) to ``path``: atomically, or in one put for a URL."""
    import numpy as np

    counts = part.counts
    folders = sorted(counts.folder_files)
    folder_id = {name: i for i, name in enumerate(folders)}
    n = len(counts.per_folder)  # arrays straight from the dicts (no list of tuples), sorted by (hash, folder)
    pair_hash = np.fromiter((h for _, h in counts.per_folder), dtype=np.uint64, count=n)
    pair_folder = np.fromiter((folder_id[f] for f, _ in counts.per_folder), dtype=np.uint32, count=n)
    pair_count = np.fromiter(counts.per_folder.values(), dtype=np.uint32, count=n)
    order = np.lexsort((pair_folder, pair_hash))
    m = len(part.first)
    ex_hash = np.fromiter(part.first, dtype=np.uint64, count=m)
    ex_first = np.fromiter((seen[0] for seen in part.first.values()), dtype=np.int64, count=m)
    ex_second = np.fromiter((seen[1] if len(seen) > 1 else -1 for seen in part.first.values()), dtype=np.int64, count=m)
    ex_order = np.argsort(ex_hash, kind="stable")
    header = {
        "format": LEARN_PARTIAL_FORMAT,
        "version": LEARN_PARTIAL_VERSION,
        "scrubber": __version__,
        "shard": [shard.index, shard.count],
        "fingerprint": _fingerprint(settings, corpus),
        "reader": _reader_fingerprint(settings, corpus.input_format, corpus.text_key),
        "input_format": corpus.input_format,
        "text_key": corpus.text_key,
        "files": counts.files,
        "walked": part.walked,
        "folders": [[name, counts.folder_files[name]] for name in folders],
        "errors": log.errors,
        "warnings": log.warnings,
    }
    lines = [
        json.dumps(header, ensure_ascii=False),
        json.dumps({"hash": _array(pair_hash[order]), "folder": _array(pair_folder[order]), "count": _array(pair_count[order])}),
        json.dumps({"hash": _array(ex_hash[ex_order]), "first": _array(ex_first[ex_order]), "second": _array(ex_second[ex_order])}),
    ]
    lines.extend(json.dumps([position, *part.files[position]], ensure_ascii=False) for position in sorted(part.files))
    _write(path, lines)


@dataclass
class MergedCounts:
    """The shards' counts added up (as arrays), and what the merge needs to finish."""

    files: int
    folder_files: dict[str, int]
    hashes: "np.ndarray"  # per (hash, folder) pair, sorted: the line hash
    folders: "np.ndarray"  # ... the folder's index in ``folder_names``
    counts: "np.ndarray"  # ... in how many files of that folder
    folder_names: list[str]
    first: dict[int, list[int]]  # only filled for the frequent lines, by ``merge_learn``
    paths: list[Location]
    input_format: str
    text_key: str
    reader: str

    @property
    def distinct_lines(self) -> int:
        import numpy as np

        return int(len(np.unique(self.hashes)))

    def line_counts(self, min_docs: int) -> "LineCounts":
        """A :class:`LineCounts` of the lines in at least ``min_docs`` files (the only ones that can pass)."""
        import numpy as np

        from .learn import LineCounts

        uniq, inverse = np.unique(self.hashes, return_inverse=True)
        docs = np.bincount(inverse, weights=self.counts, minlength=len(uniq)).astype(np.int64)
        keep = docs[inverse] >= min_docs
        counts = LineCounts(files=self.files, folder_files=dict(self.folder_files))
        counts.docs = {int(h): int(n) for h, n in zip(uniq[docs >= min_docs], docs[docs >= min_docs])}
        names = self.folder_names
        counts.per_folder = {(names[f], int(h)): int(n) for h, f, n in zip(self.hashes[keep], self.folders[keep], self.counts[keep])}
        return counts


def read_learn_partials(paths: Iterable[Location]) -> tuple[MergedCounts, "PassLog"]:
    """The counts of all shards, added up and checked: one partial per shard of the same run, none missing."""
    import numpy as np

    from .corpus import PassLog

    log = PassLog()
    paths = list(paths)
    seen: dict[int, str] = {}
    first_header: dict[str, Any] | None = None
    folder_files: dict[str, int] = {}
    files = 0
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]] = []
    for path in paths:
        try:
            with _open(path) as f:
                header = _header(str(path), f.readline(), LEARN_PARTIAL_FORMAT)
                index, n = header["shard"]
                if first_header is None:
                    first_header = header
                elif n != first_header["shard"][1]:
                    raise ScrubberError(str(path), f"is shard {index}/{n}, the others are of {first_header['shard'][1]} shards")
                elif header["fingerprint"] != first_header["fingerprint"]:
                    raise ScrubberError(str(path), "was made with other settings or inputs than the other partials")
                elif header["walked"] != first_header["walked"]:
                    raise ScrubberError(str(path), f"saw {header['walked']} file(s) in the corpus, the other partials {first_header['walked']}: the inputs changed between shards; rerun them")
                if index in seen:
                    raise ScrubberError(str(path), f"shard {index}/{n} is also in {seen[index]}")
                seen[index] = str(path)
                log.errors.extend(header["errors"])
                log.warnings.extend(header["warnings"])
                files += header["files"]
                local_names = [name for name, _ in header["folders"]]
                for name, count in header["folders"]:
                    folder_files[name] = folder_files.get(name, 0) + count
                try:
                    arrays = json.loads(f.readline())
                    hashes, folders, counts = _unarray(arrays["hash"]), _unarray(arrays["folder"]), _unarray(arrays["count"])
                    if not len(hashes) == len(folders) == len(counts) or (len(folders) and int(folders.max()) >= len(local_names)):
                        raise ValueError
                except (ValueError, KeyError, TypeError):
                    raise ScrubberError(f"{path}:2", "damaged partial result") from None
                parts.append((hashes, folders.astype(np.int64), counts.astype(np.int64), local_names))
        except OSError as exc:
            raise ScrubberError(str(path), f"cannot read: {exc.strerror or exc}") from None
    if first_header is None:
        raise ScrubberError("--merge", "no partial results given")
    count = first_header["shard"][1]
    missing = [i for i in range(1, count + 1) if i not in seen]
    if missing:
        raise ScrubberError("--merge", f"missing shard(s) {', '.join(f'{i}/{count}' for i in missing)}")
    folder_names = sorted(folder_files)
    folder_id = {name: i for i, name in enumerate(folder_names)}
    all_hashes = np.concatenate([p[0] for p in parts])
    all_folders = np.concatenate([np.array([folder_id[n] for n in p[3]] or [0], dtype=np.int64)[p[1]] for p in parts])  # shard's folder ids -> the merge's
    all_counts = np.concatenate([p[2] for p in parts])
    # Add up the (hash, folder) pairs that several shards hold (a folder split across shards).
    order = np.lexsort((all_folders, all_hashes))
    all_hashes, all_folders, all_counts = all_hashes[order], all_folders[order], all_counts[order]
    if len(all_hashes):
        starts = np.flatnonzero(np.r_[True, (all_hashes[1:] != all_hashes[:-1]) | (all_folders[1:] != all_folders[:-1])])
        all_counts = np.add.reduceat(all_counts, starts)
        all_hashes, all_folders = all_hashes[starts], all_folders[starts]
    merged = MergedCounts(
        files, folder_files, all_hashes, all_folders, all_counts, folder_names, {}, paths,
        first_header["input_format"], first_header["text_key"], first_header["reader"],
    )
    return merged, log


def _first_files(paths: list[Location], wanted: set[int]) -> tuple[dict[int, list[int]], dict[int, tuple[str, str]]]:
    """Per wanted line hash, the walk positions of its first two files over all shards; and those files."""
    import numpy as np

    first: dict[int, list[int]] = {}
    for path in paths:
        with _open(path) as f:
            f.readline()
            f.readline()
            try:
                ex = json.loads(f.readline())
                hashes, one, two = _unarray(ex["hash"]), _unarray(ex["first"]), _unarray(ex["second"])
            except (ValueError, KeyError, TypeError):
                raise ScrubberError(f"{path}:3", "damaged partial result") from None
        mask = np.isin(hashes, np.fromiter(wanted, dtype=np.uint64, count=len(wanted)))
        for h, a, b in zip(hashes[mask].tolist(), one[mask].tolist(), two[mask].tolist()):
            first[h] = sorted([*first.get(h, []), a, *([b] if b >= 0 else [])])[:2]
    needed = {p for positions in first.values() for p in positions}
    files: dict[int, tuple[str, str]] = {}
    for path in paths:
        with _open(path) as f:
            for lineno, line in enumerate(f, start=1):
                if lineno <= 3:
                    continue
                try:
                    position, rel, src = json.loads(line)
                except (ValueError, TypeError):
                    raise ScrubberError(f"{path}:{lineno}", "damaged partial result") from None
                if position in needed:
                    files[position] = (rel, src)
    return first, files


def merge_learn(
    paths: Iterable[Location], settings: "Settings", min_docs: int, min_share: float, workers: int, log: "PassLog", engine: "Engine | None" = None
) -> tuple[list["LearnedLine"], MergedCounts]:
    """Learn's reduce over the partials of every shard: the rules an unsharded run learns.

    Reads back the first file of each frequent line (for its text), at the
    source its shard recorded, with ``settings`` (which must be the shards').
    """
    from .batch import BatchOptions, Job, run_local
    from .corpus import learned_lines

    merged, shard_log = read_learn_partials(paths)
    log.errors.extend(shard_log.errors)
    log.warnings.extend(shard_log.warnings)
    if _reader_fingerprint(settings, merged.input_format, merged.text_key) != merged.reader:
        raise ScrubberError("--merge", "the partials were made with other settings (rules, quotes, configuration): give the merge the shards' settings")
    counts = merged.line_counts(min_docs)
    frequent = counts.frequent(min_docs, min_share)
    if not frequent:
        return [], merged
    first, files = _first_files(merged.paths, set(frequent))
    examples = {h: [files[p][0] for p in positions if p in files] for h, positions in first.items()}
    readers = sorted({positions[0] for positions in first.values() if positions and positions[0] in files})
    options = BatchOptions(mode="line-texts", input_format=merged.input_format, text_key=merged.text_key, wanted=frozenset(frequent))
    jobs = [Job(files[p][1], files[p][0]) for p in readers]
    workers = 1 if any(per_process(job.src) for job in jobs) else max(1, min(workers, len(jobs) // 8))  # a pool only pays for many
    texts: dict[int, str] = {}
    for outcome in (engine or run_local)(settings, options, jobs, workers):
        if log.note(outcome) and outcome.payload:
            for h, text in outcome.payload.items():
                texts.setdefault(h, text)
    return learned_lines(frequent, texts, examples), merged


def _reader_fingerprint(settings: "Settings", input_format: str, text_key: str) -> str:
    """What reading a file again needs to be the same: the settings and how inputs are read."""
    parts = repr((settings, input_format, text_key))
    return hashlib.blake2b(parts.encode("utf-8", "surrogateescape"), digest_size=12).hexdigest()
