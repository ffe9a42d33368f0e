"""Stage 6, collapse: keep each headline and caption once, and each paragraph once.

Inside one article, every head line (headline, captions) starts a group unless
it is the same line (``similarity``) as an earlier group's line; a body line
that is the same line as a head group joins that group too, wherever it
stands (copies need not be adjacent).  A group keeps one member: the first,
unless that one is a truncated copy ("...") and a full member exists.  The
others are collapsed into it, with the similarity score.  A body paragraph
that repeats an earlier paragraph of the article (same folded text) is
collapsed into it; paragraphs that merely share words stay.
"""

from __future__ import annotations

from dataclasses import dataclass

from .classify import Content
from .model import Action, Article, Line, Role
from .segment import Segment, _Keys
from .settings import Settings
from .similarity import signature, similarity

# Paragraphs shorter than this (folded) are never collapsed as repeats:
# "* * *" or a one-word subheading may legitimately come twice.
MIN_REPEATED_PARAGRAPH_CHARS = 20
# Body lines much longer than every head line cannot be a copy of one.
_LENGTH_SLACK = 1.25


# One line's decision as the tuple of Decision's fields, in order (built into
# a Decision only when someone reads CleanResult.decisions).
Row = tuple[int, str, Role, Action, str, int | None, float | None, int | None, bool]

_TITLE, _CAPTION, _BODY = Role.TITLE, Role.CAPTION, Role.BODY
_KEEP, _COLLAPSE = Action.KEEP, Action.COLLAPSE


@dataclass
class _Group:
    role: Role
    members: list[int]  # content indices, in order
    rep: int  # the member kept: the first that is not a truncated copy, else the first

    def add(self, i: int, keys: _Keys) -> None:
        self.members.append(i)
        if keys[self.rep].truncated and not keys[i].truncated:
            self.rep = i


def collapse(content: tuple[Content, ...], seg: Segment, index: int, keys: _Keys, settings: Settings, rows: list[Row | str | None]) -> Article:
    """Collapse one segment into an article; ``rows[line no]`` gets each line's decision (a :data:`Row`)."""
    threshold = settings.threshold
    groups: list[_Group] = []

    def join(i: int, role: Role) -> None:
        k = keys[i]
        for g in groups:
            if similarity(k, keys[g.members[0]], threshold) is not None or similarity(k, keys[g.rep], threshold) is not None:
                g.add(i, keys)
                return
        groups.append(_Group(role, [i], i))

    if seg.title is not None:
        join(seg.title, _TITLE)
    for i in range(seg.title + 1 if seg.title is not None else seg.start, seg.head_end):
        join(i, _CAPTION)

    body = range(max(seg.head_end, seg.start), seg.end)
    head_len = max((len(content[m].line.text) for g in groups for m in g.members), default=0)
    limit = head_len * _LENGTH_SLACK + 8
    paragraphs: list[list[int]] = []
    last_block = -1
    for i in body:
        c = content[i]
        if groups and len(c.line.text) <= limit:
            k = keys[i]
            joined = False
            for g in groups:
                if similarity(k, keys[g.rep], threshold) is not None:
                    g.add(i, keys)
                    joined = True
                    break
            if joined:
                continue
        if c.block_start or c.block != last_block:
            paragraphs.append([i])
            last_block = c.block
        else:
            paragraphs[-1].append(i)

    for g in groups:
        r = g.rep
        line = content[r].line
        reason = (seg.title_reason or "title") if g.role is _TITLE else "head"
        rows[line.no] = (line.no, line.text, g.role, _KEEP, reason, None, None, index, False)
        for m in g.members:
            if m == r:
                continue
            ml = content[m].line
            score = similarity(keys[m], keys[r], threshold)
            why = "truncated-copy" if keys[m].truncated and len(keys[m].folded) < len(keys[r].folded) else "near-duplicate" if score != 100.0 else "repeat"
            rows[ml.no] = (ml.no, ml.text, g.role, _COLLAPSE, why, line.no, score, index, False)

    # A paragraph repeats an earlier one when their folded texts are equal.
    # Paragraphs are first told apart by signature (equal folded texts have
    # equal signatures, and a signature is much cheaper than a fold): folded
    # texts are built only for paragraphs whose signature came before.
    def folded(para: list[int]) -> str:
        return " ".join(keys[i].folded for i in para)

    kept_paragraphs: list[tuple[Line, ...]] = []
    by_signature: dict[str, list[tuple[int, list[int]]]] = {}  # kept paragraphs: (first line no, paragraph)
    for para in paragraphs:
        lines = tuple(content[i].line for i in para)
        sig = "".join(signature(line.text) for line in lines) if len(lines) > 1 else signature(lines[0].text)
        same = by_signature.get(sig)
        first = None
        if same is not None:
            text = folded(para)
            if len(text) >= MIN_REPEATED_PARAGRAPH_CHARS:
                first = next((no for no, other in same if folded(other) == text), None)
        if first is not None:
            for line in lines:
                rows[line.no] = (line.no, line.text, _BODY, _COLLAPSE, "repeated-paragraph", first, 100.0, index, False)
            continue
        by_signature.setdefault(sig, []).append((lines[0].no, para))
        for line in lines:
            rows[line.no] = (line.no, line.text, _BODY, _KEEP, "body", None, None, index, False)
        kept_paragraphs.append(lines)

    title_group = next((g for g in groups if g.role is _TITLE), None)
    title = content[title_group.rep].line if title_group is not None else None
    captions = tuple(content[g.rep].line for g in groups if g.role is _CAPTION)
    return Article(index, title, captions, tuple(kept_paragraphs))
