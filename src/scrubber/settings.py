"""Settings: one immutable record, built once (by the CLI or a caller) and passed down.

Every tunable lives here and only here; stages read what they need from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

QuoteStyle = Literal["straight", "keep"]


@dataclass(frozen=True)
class Settings:
    """How to clean.

    quotes: "straight" turns curly quotes into ASCII ones; "keep" leaves them.
    threshold: similarity (0-100, rapidfuzz ratio over a case- and
        punctuation-folded key) at or above which two headline or caption lines
        count as the same line.  92 collapses case, spacing, punctuation and
        a few changed characters; distinct captions of one photo set score
        lower (see tests/test_collapse.py for the cases that pin it).
    rules: extra rules files, read after the defaults.
    default_rules: read the rules shipped with scrubber (rules/default.yaml).
    page: look for the article in a whole-page scrape and drop the page around
        it (menus, counters, footers).  Off by default (see README: it costs
        about 3x the throughput and can drop short articles of a multi-article
        file); --page turns it on.
    fast: take the fast normalization path (same output as the slow one;
        the switch exists so tests can prove that).
    title_max_words: longest line that can be a headline.
    head_window: how many non-blank lines after a headline its copy may come.
    """

    quotes: QuoteStyle = "straight"
    threshold: float = 92.0
    rules: tuple[Path, ...] = ()
    default_rules: bool = True
    fast: bool = True
    page: bool = False
    title_max_words: int = 30
    head_window: int = 12
