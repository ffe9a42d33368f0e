"""Learn a site's boilerplate from its files, as ordinary rules.

Two passes over the files, both through the per-file batch function:

1. every file is cleaned with the current rules, and the hashes of its
   content lines (kept, or collapsed as repeats) are counted, once per file,
   per folder (a :class:`LineCounts` per file, merged).  Lines the pipeline
   took for titles are counted apart and need a share of at least
   ``TITLE_MIN_SHARE``: a site name saved as every page's first line is
   boilerplate, but the title of an article syndicated to a few files is not;
2. the lines whose counts pass the thresholds are read again, for their text
   and two example files (the first two in path order).

A line becomes a rule when it is in at least ``min_docs`` files and in at
least ``min_share`` of the files of one folder (a site's files usually share
a folder): recurring across the site, not one story's repeated quote.  Dates,
bylines and bare numbers are never rules, whatever their counts: they recur
because many articles have one, not because they are the same text.  A rule
for a line that reads like a sentence (8 or more words ending in . ! ? or a
quote) keeps its first occurrence in each text (recurring content, such as a
standard disclaimer); a shorter line (menus, buttons, notices) is dropped
everywhere.

Memory is bounded by the number of distinct lines: one dict entry per
distinct (folder, line hash), about 150 bytes each with Python's dicts, so
roughly 150 MB per million distinct lines.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

import yaml

from .inputs import InputOutcome
from .model import Action, Role

DEFAULT_MIN_DOCS = 5
DEFAULT_MIN_SHARE = 0.1
TITLE_MIN_SHARE = 0.5
_TITLE_SALT = 0x5F3759DF5F3759DF
SENTENCE_WORDS = 8
MAX_RULE_WORDS = 80

_MONTHS = (
    "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august|september|october|november|december|"
    "januar|februar|märz|mai|juni|juli|oktober|dezember|janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre|"
    "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre"
)
_DATE = re.compile(rf"\b\d{{1,2}}[./-]\d{{1,2}}[./-]\d{{2,4}}\b|\b\d{{4}}-\d{{2}}-\d{{2}}\b|\b(?:{_MONTHS})\.?\s+\d{{1,2}}\b|\b\d{{1,2}}\.?\s+(?:{_MONTHS})\b", re.IGNORECASE)
_BYLINE = re.compile(r"^(?:by|von|par|por|di|door|av|af|przez)\s+\S", re.IGNORECASE)
_NUMBERS = re.compile(r"^[\W\d_]+$")


def line_hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")


def candidate_lines(cleaned: InputOutcome) -> Iterable[tuple[int, str]]:
    """(hash, text) of the content lines of a cleaned file; titles hash apart."""
    for c in cleaned.cleaned:
        for d in c.result.decisions:
            if d.action in (Action.KEEP, Action.COLLAPSE) and d.role in (Role.BODY, Role.CAPTION, Role.TITLE):
                h = line_hash(d.text)
                yield (h ^ _TITLE_SALT if d.role is Role.TITLE else h), d.text


def is_title_hash(h: int, text: str) -> bool:
    return h != line_hash(text)


@dataclass(frozen=True)
class FileLines:
    """Pass 1's result for one file: its folder and its distinct candidate line hashes."""

    folder: str
    hashes: tuple[int, ...]


def file_lines(rel: str, cleaned: InputOutcome) -> FileLines:
    return FileLines(str(PurePosixPath(rel).parent), tuple(sorted({h for h, _ in candidate_lines(cleaned)})))


def file_texts(cleaned: InputOutcome, wanted: frozenset[int]) -> dict[int, str]:
    """Pass 2's result for one file: the text of the wanted line hashes it holds."""
    found: dict[int, str] = {}
    for h, text in candidate_lines(cleaned):
        if h in wanted:
            found.setdefault(h, text)
    return found


@dataclass
class LineCounts:
    """Pass 1, merged: per line hash, in how many files, and per folder."""

    files: int = 0
    folder_files: dict[str, int] = field(default_factory=dict)
    docs: dict[int, int] = field(default_factory=dict)
    per_folder: dict[tuple[str, int], int] = field(default_factory=dict)

    def add(self, fl: FileLines) -> None:
        self.files += 1
        self.folder_files[fl.folder] = self.folder_files.get(fl.folder, 0) + 1
        for h in fl.hashes:
            self.docs[h] = self.docs.get(h, 0) + 1
            key = (fl.folder, h)
            self.per_folder[key] = self.per_folder.get(key, 0) + 1

    def merge(self, other: "LineCounts") -> None:
        self.files += other.files
        for k, v in other.folder_files.items():
            self.folder_files[k] = self.folder_files.get(k, 0) + v
        for h, v in other.docs.items():
            self.docs[h] = self.docs.get(h, 0) + v
        for key, v in other.per_folder.items():
            self.per_folder[key] = self.per_folder.get(key, 0) + v

    def frequent(self, min_docs: int, min_share: float) -> dict[int, tuple[int, float]]:
        """Line hash -> (files, best share in one folder) for lines that pass both thresholds."""
        best: dict[int, float] = {}
        for (folder, h), n in self.per_folder.items():
            if self.docs[h] < min_docs:
                continue
            share = n / self.folder_files[folder]
            if share >= min_share and share > best.get(h, 0.0):
                best[h] = share
        return {h: (self.docs[h], share) for h, share in best.items()}


@dataclass(frozen=True)
class LearnedLine:
    text: str
    files: int
    share: float
    examples: tuple[str, ...]

    @property
    def keep_first(self) -> bool:
        words = self.text.count(" ") + 1
        return words >= SENTENCE_WORDS and self.text.rstrip("\"')»”’").endswith((".", "!", "?"))


def is_excluded(text: str) -> bool:
    """Recurring by kind, not by sameness: dates, bylines, bare numbers, long texts."""
    return bool(_DATE.search(text) or _BYLINE.match(text) or _NUMBERS.match(text)) or text.count(" ") + 1 > MAX_RULE_WORDS


def to_rules_yaml(lines: Iterable[LearnedLine], files: int, folders: int, min_docs: int, min_share: float) -> str:
    ordered = sorted(lines, key=lambda ln: (-ln.files, ln.text))
    rules: list[dict[str, Any]] = []
    for i, ln in enumerate(ordered, 1):
        what = "recurring content, first occurrence kept" if ln.keep_first else "recurring boilerplate, dropped everywhere"
        rules.append(
            {
                "id": f"learned-{i:04d}",
                "description": f"Learned: in {ln.files} files, {ln.share:.0%} of its folder ({what}).",
                "exact": [ln.text],
                "keep_first": ln.keep_first,
                "count": ln.files,
                "share": round(ln.share, 4),
                "examples": list(ln.examples),
            }
        )
    header = (
        f"# Learned by scrubber learn from {files} file(s) in {folders} folder(s)\n"
        f"# (--min-docs {min_docs}, --min-share {min_share:g}). Read and edit before use:\n"
        "# delete rules for lines that are real content, then pass this file to\n"
        "# `scrubber clean --rules`. count: files holding the line; share: its\n"
        "# largest share of one folder's files; examples: the first two such files.\n"
    )
    return header + yaml.safe_dump({"version": 1, "rules": rules}, allow_unicode=True, sort_keys=False, width=1000)
