"""The run report (``--report PATH``): a JSON summary of one run.

It is built from the same CleanResult records that the writers use.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

from . import __version__
from .model import Action, CleanResult


@dataclass
class RunReport:
    started: float = field(default_factory=time.perf_counter)
    files: int = 0
    cached: int = 0
    texts: int = 0
    articles: int = 0
    bytes_in: int = 0
    bytes_out: int = 0
    lines_in: int = 0
    lines_out: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    collapsed: int = 0
    warnings: list[str] = field(default_factory=list)
    skipped_records: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dedup: dict[str, Any] | None = None  # clean --dedup: the clusters, and which articles were left out
    flagged: list[dict[str, Any]] = field(default_factory=list)  # the safety valve: {"source", "flags"}

    def add(self, result: CleanResult) -> None:
        self.add_stats(result_stats(result))

    def add_stats(self, stats: dict[str, Any]) -> None:
        """Add the counts of one cleaned text (see :func:`result_stats`)."""
        self.texts += 1
        self.articles += stats["articles"]
        self.bytes_in += stats["bytes_in"]
        self.lines_in += stats["lines_in"]
        self.lines_out += stats["lines_out"]
        for reason, n in stats["dropped"].items():
            self.dropped[reason] = self.dropped.get(reason, 0) + n
        self.collapsed += stats["collapsed"]
        self.warnings.extend(stats["warnings"])

    def to_dict(self) -> dict[str, Any]:
        return {
            "scrubber": __version__,
            "files": self.files,
            "files_from_cache": self.cached,
            "texts": self.texts,
            "articles": self.articles,
            "bytes_in": self.bytes_in,
            "bytes_out": self.bytes_out,
            "lines_in": self.lines_in,
            "lines_out": self.lines_out,
            "dropped_per_rule": dict(sorted(self.dropped.items())),
            "lines_collapsed": self.collapsed,
            "warnings": self.warnings,
            "skipped_records": self.skipped_records,
            "errors": self.errors,
            "flagged": self.flagged,
            "duration_seconds": round(time.perf_counter() - self.started, 3),
            **({"dedup": self.dedup} if self.dedup is not None else {}),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"


# Scripts written without spaces between words: each character of these ranges
# counts as one word.  Han ideographs (CJK Unified Ideographs U+4E00-9FFF,
# Extension A U+3400-4DBF, Compatibility Ideographs U+F900-FAFF, Extensions
# B-H and the Compatibility Supplement U+20000-323AF), Hiragana U+3040-309F,
# Katakana U+30A0-30FF and U+31F0-31FF, halfwidth Katakana U+FF66-FF9D, and
# Hangul syllables U+AC00-D7A3.
_CJK = "\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\uf900-\ufaff\uff66-\uff9d\U00020000-\U000323af"
# CJK punctuation separates words like a space and is no word itself: CJK
# Symbols and Punctuation U+3000-303F (、。「」), fullwidth punctuation
# (，！？：；（）) and halfwidth CJK punctuation U+FF61-FF65.  Other text is
# counted in whitespace-separated tokens (str.split).
_CJK_PUNCT = "\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
_HAS_CJK = re.compile(f"[{_CJK}{_CJK_PUNCT}]")
_CJK_RUN = re.compile(f"[{_CJK}]+")
_NON_CJK_WORD = re.compile(f"[^\\s{_CJK}{_CJK_PUNCT}]+")


def word_count(text: str) -> int:
    """Words in ``text``: whitespace-separated tokens, and each CJK ideograph, kana or Hangul syllable.

    ASCII text (most lines) is counted by ``str.split`` alone; other text is
    first searched for CJK characters, and only text holding some is counted
    by two regex scans (no Python loop over characters).
    """
    if text.isascii() or _HAS_CJK.search(text) is None:
        return len(text.split())
    return sum(map(len, _CJK_RUN.findall(text))) + len(_NON_CJK_WORD.findall(text))


def result_stats(result: CleanResult) -> dict[str, Any]:
    """The counts of one cleaned text, as plain JSON data (batch caches them)."""
    dropped: dict[str, int] = {}
    collapsed = words_in = words_out = 0
    memo: dict[str, int] = {}  # non-ASCII lines: body lines are counted twice

    def count(text: str) -> int:
        if text.isascii():
            return len(text.split())
        n = memo.get(text)
        if n is None:
            n = memo[text] = word_count(text)
        return n

    for d in result.decisions:
        n = count(d.text)
        words_in += n
        if d.action is Action.DROP:
            dropped[d.reason] = dropped.get(d.reason, 0) + 1
        elif d.action is Action.COLLAPSE:
            collapsed += 1
        elif d.action is Action.KEEP:
            words_out += n
    return {
        "articles": len(result.articles),
        "bytes_in": result.bytes_in,
        "lines_in": result.lines_in,
        "lines_out": result.lines_out,
        "words_in": words_in,
        "words_out": words_out,
        "body_words": [sum(count(line.text) for para in a.paragraphs for line in para) for a in result.articles],
        "dropped": dict(sorted(dropped.items())),
        "collapsed": collapsed,
        "warnings": list(result.warnings),
    }


@dataclass(frozen=True)
class SafetyValve:
    """When a cleaning result looks suspicious (the safety valve of issue 9).

    min_body: an article whose body has fewer words is flagged.
    max_removed: a text that lost more than this share of its words is flagged.
    A text that yields no article at all is always flagged.
    """

    min_body: int = 10
    max_removed: float = 0.97

    def flags(self, stats: dict[str, Any]) -> list[str]:
        out = []
        if stats["articles"] == 0 and stats["words_in"] > 0:
            out.append("no article")
        short = [w for w in stats["body_words"] if w < self.min_body]
        if short:
            out.append(f"{len(short)} article(s) with a body under {self.min_body} words")
        if stats["words_in"] and 1 - stats["words_out"] / stats["words_in"] > self.max_removed:
            out.append(f"lost {1 - stats['words_out'] / stats['words_in']:.0%} of its words (more than {self.max_removed:.0%})")
        return out
