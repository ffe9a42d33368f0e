"""Stage 4, classify: find the marker lines, and describe the shape of the rest.

Marker rules decide first (``rules.RuleSet``); what is left is content, which
the segment stage sorts into titles, captions and body.  The result is a flat
list of :class:`Content` lines, each knowing its block and the blank lines
before it, plus the marker drops with their rule.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Block, Line
from .rules import Rule, RuleSet

# A title-shaped line: few words and no sentence-ending punctuation.
TITLE_SHAPE_MAX_WORDS = 20
_NOT_TITLE_ENDINGS = (".", ",", ";", ":")


@dataclass(frozen=True, slots=True)
class Content:
    """A line that no marker rule dropped."""

    line: Line
    block: int  # index of its block
    block_start: bool  # first content line of its block
    gap: int  # blank lines before its block (only meaningful at block_start)
    words: int


@dataclass(frozen=True, slots=True)
class Classified:
    content: tuple[Content, ...]
    markers: dict[int, Rule]  # line number -> the rule that dropped it


def words(text: str) -> int:
    return text.count(" ") + 1 if text else 0


def ends_like_sentence(text: str) -> bool:
    """Ends with . , ; or : (a truncation mark "..." or "…" does not count)."""
    return text.endswith(_NOT_TITLE_ENDINGS) and not text.endswith(("...", "\u2026"))


def title_shaped(c: Content) -> bool:
    """Could this line stand alone as a headline (without being repeated)?"""
    return 1 <= c.words <= TITLE_SHAPE_MAX_WORDS and not ends_like_sentence(c.line.text)


def classify(blocks: tuple[Block, ...], rules: RuleSet) -> Classified:
    markers: dict[int, Rule] = {}
    content: list[Content] = []
    # ``previous``: the rule that dropped the previous non-blank line, with at
    # most one blank line between (lone counters go only after a marker).
    previous: Rule | None = None
    # keep_first rules (learned recurring content) spare their first match.
    spared: set[str] = set()
    for bi, block in enumerate(blocks):
        kept: list[Line] = []
        if block.gap > 1:
            previous = None
        for line in block.lines:
            rule = rules.match_line(line.text, previous)
            if rule is not None and rule.keep_first and rule.id not in spared:
                spared.add(rule.id)
                rule = None
            previous = rule
            if rule is not None:
                markers[line.no] = rule
            else:
                kept.append(line)
        if kept:
            # Block rules see the block as it is once the line rules are done,
            # so cleaning the output again finds nothing new.
            rule = rules.match_block(" ".join(line.text for line in kept))
            if rule is not None and rule.keep_first and rule.id not in spared:
                spared.add(rule.id)
                rule = None
            if rule is not None:
                for line in kept:
                    markers[line.no] = rule
                previous = rule
                continue
        for i, line in enumerate(kept):
            content.append(Content(line, bi, i == 0, block.gap, words(line.text)))
    return Classified(tuple(content), markers)
