"""Stage 3, tokenize: normalized text to blocks.

A block is a run of non-empty lines; each line keeps its 1-based input line
number, and each block remembers how many blank lines came before it (a long
run of blank lines hints at an article boundary).
"""

from __future__ import annotations

from .model import Block, Line


def tokenize(text: str) -> tuple[tuple[Block, ...], int]:
    """Split ``text`` into blocks.  Returns the blocks and the input line count."""
    if not text:
        return (), 0
    raw = text.split("\n")
    if raw[-1] == "":
        raw.pop()  # the final newline ends the last line; it starts no line
    blocks: list[Block] = []
    current: list[Line] = []
    gap = 0
    for no, s in enumerate(raw, 1):
        if s:
            if not current:
                current_gap = gap
            current.append(Line(no, s))
            gap = 0
        else:
            if current:
                blocks.append(Block(tuple(current), current_gap))
                current = []
            gap += 1
    if current:
        blocks.append(Block(tuple(current), current_gap))
    return tuple(blocks), len(raw)
