"""Stage 4, classify: find the marker lines, and describe the shape of the rest.

Marker rules decide first (``rules.RuleSet``); what is left is content, which
the segment stage sorts into titles, captions and body.  The result is the
content lines as parallel lists (:class:`Content`: the i-th content line is
``texts[i]``, input line ``nos[i]`` ...), each knowing its block and the
blank lines before it, plus the marker drops with their rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .rules import Rule, RuleSet
from .tokenize import Span

# A title-shaped line: few words and no sentence-ending punctuation.
TITLE_SHAPE_MAX_WORDS = 20
_NOT_TITLE_ENDINGS = (".", ",", ";", ":")


@dataclass(slots=True)
class Content:
    """The lines that no marker rule dropped, in order, as parallel lists."""

    texts: list[str] = field(default_factory=list)
    nos: list[int] = field(default_factory=list)  # input line numbers (1-based)
    blocks: list[int] = field(default_factory=list)  # index of the line's block
    # Blank lines before the line's block when the line is the first content
    # line of its block; -1 for the other lines.  So ``gaps[i] >= 0`` means
    # "starts a block" and ``gaps[i] >= 2`` "starts a block after 2+ blank lines".
    gaps: list[int] = field(default_factory=list)
    words: list[int] = field(default_factory=list)  # text.count(" ") + 1


@dataclass(slots=True)
class Classified:
    content: Content
    markers: dict[int, Rule]  # line number -> the rule that dropped it


def ends_like_sentence(text: str) -> bool:
    """Ends with . , ; or : (a truncation mark "..." or "…" does not count)."""
    return text.endswith(_NOT_TITLE_ENDINGS) and not text.endswith(("...", "\u2026"))


def title_shaped(content: Content, i: int) -> bool:
    """Could content line ``i`` stand alone as a headline (without being repeated)?"""
    return 1 <= content.words[i] <= TITLE_SHAPE_MAX_WORDS and not ends_like_sentence(content.texts[i])


# Scrapers that put every element on its own line split a sentence at each
# inline link: "Kathrin Göbel (" / "Twitter" / ") ist Astrophysikerin".  A
# line right after an opening bracket, or right before a closing bracket or
# punctuation, is part of a sentence, whatever a line rule says of it alone.
# (Quotes are no evidence: straightened, an opening and a closing quote are
# one character; "..." may start a teaser.)
_OPENS = ("(", "[", "\u201e", "\u201a", "\u00ab")
_CLOSES = (")", "]", ",", ";", ":", "!", "?", ". ", "\u00bb")


def inside_sentence(before: str, after: str) -> bool:
    """Is a line between these two (in one block) a piece of a sentence split at a link?"""
    return before.endswith(_OPENS) or after.startswith(_CLOSES) or after == "."


@dataclass(slots=True)
class Answers:
    """Which rule (if any) matches a text, remembered for one input.

    Scrapes repeat captions, and cleaning again (see fixpoint.py) sees the
    same texts.  ``line``: the line rule matching a text that follows a kept
    line; ``block``: the block rule matching a block's text.  Both depend on
    the text alone, so sharing them between passes over one input changes
    nothing; they are never shared between inputs.
    """

    line: dict[str, Rule | None] = field(default_factory=dict)
    block: dict[str, Rule | None] = field(default_factory=dict)


def classify(lines: list[str], blocks: list[Span], rules: RuleSet, answers: Answers | None = None) -> Classified:
    """Find the markers among ``lines``; the rest is content."""
    if answers is None:
        answers = Answers()
    line_answers, block_answers = answers.line, answers.block
    markers: dict[int, Rule] = {}
    content = Content()
    texts, nos, block_ids, gaps, counts = content.texts, content.nos, content.blocks, content.gaps, content.words
    match_line, match_block = rules.match_line, rules.match_block
    # ``previous``: the rule that dropped the previous non-blank line, with at
    # most one blank line between (lone counters go only after a marker).
    previous: Rule | None = None
    # keep_first rules (learned recurring content) spare their first match.
    spared: set[str] = set()
    line_chars, line_words = rules.line_max_chars, rules.line_max_words
    block_chars, block_words = rules.block_max_chars, rules.block_max_words
    for bi, (start, end, gap) in enumerate(blocks):
        kept: list[tuple[int, int]] = []  # (index into lines, words)
        if gap > 1:
            previous = None
        for i in range(start, end):
            text = lines[i]
            n = text.count(" ") + 1
            if previous is None and n > line_words and len(text) > line_chars:
                kept.append((i, n))  # no line rule can match: the common case, a paragraph
                continue
            if previous is None:
                if text in line_answers:
                    rule = line_answers[text]
                else:
                    rule = line_answers[text] = match_line(text, None, n)
            else:
                rule = match_line(text, previous, n)
            if rule is not None and rule.keep_first and rule.id not in spared:
                spared.add(rule.id)
                rule = None
            if rule is not None and start < i < end - 1 and inside_sentence(lines[i - 1], lines[i + 1]):
                rule = None
            previous = rule
            if rule is not None:
                markers[i + 1] = rule
            else:
                kept.append((i, n))
        if not kept:
            continue
        # Block rules see the block as it is once the line rules are done,
        # so cleaning the output again finds nothing new.
        if len(kept) == 1:
            i, n = kept[0]
            text = lines[i]
            if n > block_words and len(text) > block_chars:
                rule = None
            elif text in block_answers:
                rule = block_answers[text]
            else:
                rule = block_answers[text] = match_block(text, n)
        else:
            text = " ".join([lines[i] for i, _ in kept])
            if text in block_answers:
                rule = block_answers[text]
            else:
                rule = block_answers[text] = match_block(text)
        if rule is not None and rule.keep_first and rule.id not in spared:
            spared.add(rule.id)
            rule = None
        if rule is not None:
            for i, _ in kept:
                markers[i + 1] = rule
            previous = rule
            continue
        g = gap
        for i, n in kept:
            texts.append(lines[i])
            nos.append(i + 1)
            block_ids.append(bi)
            gaps.append(g)
            counts.append(n)
            g = -1
    return Classified(content, markers)
