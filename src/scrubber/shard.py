"""Shards: split a corpus across machines without any cluster.

``--shard i/N`` runs only the files of shard ``i`` of ``N`` (``i`` from 1 to
``N``).  A file's shard is a hash (BLAKE2b) of its path relative to the input
root, so it depends neither on the order the files are found or processed in,
nor on the machine, nor on the other files: the N shards of a corpus are
disjoint and together hold every file, and adding a file moves no other.

For dedup, each shard's signatures can be written to a partial file
(:func:`write_dedup_partial`) and the partials merged anywhere
(:func:`merge_dedup`) into the report an unsharded run would give.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from . import __version__
from .batch import Job
from .errors import ScrubberError

if TYPE_CHECKING:
    from .corpus import Corpus, Engine, PassLog
    from .dedup import ArticleSig, DedupResult
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


def write_dedup_partial(path: "Path", shard: Shard, settings: "Settings", corpus: "Corpus", sigs: list["ArticleSig"], log: "PassLog") -> None:
    """Write one shard's signatures (and its problems) atomically to ``path``."""
    from .atomic import write_atomic

    header = {
        "format": PARTIAL_FORMAT,
        "version": PARTIAL_VERSION,
        "scrubber": __version__,
        "shard": [shard.index, shard.count],
        "fingerprint": _fingerprint(settings, corpus),
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
    try:
        write_atomic(path, ("\n".join(lines) + "\n").encode("utf-8", "surrogateescape"))
    except OSError as exc:
        raise ScrubberError(str(path), f"cannot write: {exc.strerror or exc}") from None


def read_dedup_partials(paths: Iterable["Path"]) -> tuple[list["ArticleSig"], "PassLog"]:
    """The signatures of all shards, checked: one partial per shard of the same run, none missing."""
    from .corpus import PassLog
    from .dedup import ArticleSig

    sigs: list[ArticleSig] = []
    log = PassLog()
    seen: dict[int, str] = {}
    count = fingerprint = None
    for path in paths:
        try:
            with open(path, encoding="utf-8", errors="surrogateescape") as f:
                header = _header(str(path), f.readline())
                index, n = header["shard"]
                if count is None:
                    count, fingerprint = n, header["fingerprint"]
                elif n != count:
                    raise ScrubberError(str(path), f"is shard {index}/{n}, the others are of {count} shards")
                elif header["fingerprint"] != fingerprint:
                    raise ScrubberError(str(path), "was made with other settings or inputs than the other partials")
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


def merge_dedup(paths: Iterable["Path"], threshold: float) -> tuple["DedupResult", "PassLog"]:
    """Dedup's reduce over the partials of every shard."""
    from .dedup import find_duplicates

    sigs, log = read_dedup_partials(paths)
    return find_duplicates(sigs, threshold), log


def _header(path: str, line: str) -> dict[str, Any]:
    try:
        header = json.loads(line)
        ok = isinstance(header, dict) and header.get("format") == PARTIAL_FORMAT
    except ValueError:
        ok = False
    if not ok:
        raise ScrubberError(path, "is not a partial dedup result (made by dedup --shard I/N --partial FILE)")
    if header.get("version") != PARTIAL_VERSION or header.get("scrubber") != __version__:
        raise ScrubberError(path, f"was made by scrubber {header.get('scrubber')}; this is {__version__}: rerun its shard")
    return header


def _fingerprint(settings: "Settings", corpus: "Corpus") -> str:
    parts = repr((settings, corpus.input_format, corpus.text_key, corpus.include, corpus.exclude, corpus.follow_symlinks))
    return hashlib.blake2b(parts.encode("utf-8", "surrogateescape"), digest_size=12).hexdigest()


def _array(a: "np.ndarray") -> dict[str, str]:
    a = np.asarray(a)
    return {"dtype": a.dtype.newbyteorder("<").str, "data": base64.b64encode(a.astype(a.dtype.newbyteorder("<")).tobytes()).decode("ascii")}


def _unarray(d: dict[str, str]) -> "np.ndarray":
    dtype = np.dtype(d["dtype"])
    return np.frombuffer(base64.b64decode(d["data"]), dtype=dtype).astype(dtype.newbyteorder("="))
