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
from .segment import Keys, Segment
from .settings import Settings
from .similarity import bucket, similarity

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


@dataclass(slots=True)
class _Group:
    role: Role
    members: list[int]  # content indices, in order
    rep: int  # the member kept: the first that is not a truncated copy, else the first

    def add(self, i: int, keys: Keys) -> None:
        self.members.append(i)
        if keys[self.rep].truncated and not keys[i].truncated:
            self.rep = i


def collapse(content: Content, seg: Segment, index: int, keys: Keys, settings: Settings, rows: list[Row | str | None]) -> Article:
    """Collapse one segment into an article; ``rows[line no]`` gets each line's decision (a :data:`Row`)."""
    threshold = settings.threshold
    texts, nos, blocks, gaps = content.texts, content.nos, content.blocks, content.gaps
    groups: list[_Group] = []

    def join(i: int, role: Role) -> None:
        k = keys[i]
        f = k.folded
        for g in groups:
            first, rep = keys[g.members[0]], keys[g.rep]
            # Equal non-empty folds are the same line (score 100) with no
            # comparison; a group whose first member is its kept one needs one.
            if (f and (f == first.folded or f == rep.folded)) or similarity(k, first, threshold) is not None or (rep is not first and similarity(k, rep, threshold) is not None):
                g.add(i, keys)
                return
        groups.append(_Group(role, [i], i))

    if seg.title is not None:
        join(seg.title, _TITLE)
    for i in range(seg.title + 1 if seg.title is not None else seg.start, seg.head_end):
        join(i, _CAPTION)

    head_len = max((len(texts[m]) for g in groups for m in g.members), default=0)
    limit = head_len * _LENGTH_SLACK + 8
    if any(keys[g.rep].truncated for g in groups):
        limit = float("inf")  # the full line a truncated headline or caption copies is longer
    paragraphs: list[list[int]] = []
    last_block = -1
    for i in range(max(seg.head_end, seg.start), seg.end):
        if groups and len(texts[i]) <= limit:
            k = keys[i]
            f = k.folded
            joined = False
            for g in groups:
                rep = keys[g.rep]
                if (f and f == rep.folded) or similarity(k, rep, threshold) is not None:
                    g.add(i, keys)
                    joined = True
                    break
            if joined:
                continue
        if gaps[i] >= 0 or blocks[i] != last_block:
            paragraphs.append([i])
            last_block = blocks[i]
        else:
            paragraphs[-1].append(i)

    for g in groups:
        r = g.rep
        no = nos[r]
        reason = (seg.title_reason or "title") if g.role is _TITLE else "head"
        rows[no] = (no, texts[r], g.role, _KEEP, reason, None, None, index, False)
        for m in g.members:
            if m == r:
                continue
            km, kr = keys[m], keys[r]
            score = 100.0 if km.folded and km.folded == kr.folded else similarity(km, kr, threshold)
            why = "truncated-copy" if km.truncated and len(km.folded) < len(kr.folded) else "near-duplicate" if score != 100.0 else "repeat"
            rows[nos[m]] = (nos[m], texts[m], g.role, _COLLAPSE, why, no, score, index, False)

    # A paragraph repeats an earlier one when their folded texts are equal.
    # Paragraphs are first told apart by bucket (equal folded texts have
    # equal buckets, and a bucket is much cheaper than a fold): folded
    # texts are built only for paragraphs whose bucket came before.
    def folded(para: list[int]) -> str:
        return " ".join([keys[i].folded for i in para])

    kept_paragraphs: list[tuple[Line, ...]] = []
    by_bucket: dict[str, list[tuple[int, list[int]]]] = {}  # kept paragraphs: (first line no, paragraph)
    for para in paragraphs:
        b = bucket(" ".join([texts[i] for i in para]) if len(para) > 1 else texts[para[0]])
        same = by_bucket.get(b)
        first = None
        if same is not None:
            text = folded(para)
            if len(text) >= MIN_REPEATED_PARAGRAPH_CHARS:
                first = next((no for no, other in same if folded(other) == text), None)
        if first is not None:
            for i in para:
                rows[nos[i]] = (nos[i], texts[i], _BODY, _COLLAPSE, "repeated-paragraph", first, 100.0, index, False)
            continue
        by_bucket.setdefault(b, []).append((nos[para[0]], para))
        for i in para:
            rows[nos[i]] = (nos[i], texts[i], _BODY, _KEEP, "body", None, None, index, False)
        kept_paragraphs.append(tuple([Line(nos[i], texts[i]) for i in para]))

    title_group = next((g for g in groups if g.role is _TITLE), None)
    title = Line(nos[title_group.rep], texts[title_group.rep]) if title_group is not None else None
    captions = tuple([Line(nos[g.rep], texts[g.rep]) for g in groups if g.role is _CAPTION])
    return Article(index, title, captions, tuple(kept_paragraphs))
