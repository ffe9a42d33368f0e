"""Stage 3, tokenize: normalized text to lines and blocks.

A block is a run of non-empty lines; it remembers how many blank lines came
before it (a long run of blank lines hints at an article boundary).  Lines are
kept as plain strings, numbered by their index (line number - 1): records
(:class:`~scrubber.model.Line`) are built later, only for the lines an
article keeps.
"""

from __future__ import annotations

from typing import NamedTuple


class Span(NamedTuple):
    """One block: lines[start:end], after ``gap`` blank lines."""

    start: int
    end: int  # exclusive
    gap: int


def tokenize(text: str) -> tuple[list[str], list[Span]]:
    """Split ``text`` into lines and blocks.  ``len(lines)`` is the input line count."""
    if not text:
        return [], []
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()  # the final newline ends the last line; it starts no line
    blocks: list[Span] = []
    start = -1  # first line of the current block, -1 between blocks
    gap = 0
    for i, s in enumerate(lines):
        if s:
            if start < 0:
                start = i
        elif start >= 0:
            blocks.append(Span(start, i, gap))
            start = -1
            gap = 1
        else:
            gap += 1
    if start >= 0:
        blocks.append(Span(start, len(lines), gap))
    return lines, blocks
