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

from dataclasses import dataclass, field

from .classify import Content
from .model import Action, Article, Decision, Line, Role
from .segment import Segment, _Keys
from .settings import Settings
from .similarity import Key, similarity

# Paragraphs shorter than this (folded) are never collapsed as repeats:
# "* * *" or a one-word subheading may legitimately come twice.
MIN_REPEATED_PARAGRAPH_CHARS = 20
# Body lines much longer than every head line cannot be a copy of one.
_LENGTH_SLACK = 1.25


@dataclass
class _Group:
    role: Role
    members: list[int] = field(default_factory=list)  # content indices, in order

    def rep(self, keys: _Keys) -> int:
        for m in self.members:
            if not keys[m].truncated:
                return m
        return self.members[0]


def collapse(content: tuple[Content, ...], seg: Segment, index: int, keys: _Keys, settings: Settings) -> tuple[Article, list[Decision]]:
    threshold = settings.threshold
    groups: list[_Group] = []
    group_of: dict[int, _Group] = {}

    def join(i: int, role: Role) -> None:
        k = keys[i]
        for g in groups:
            if similarity(k, keys[g.members[0]], threshold) is not None or similarity(k, keys[g.rep(keys)], threshold) is not None:
                g.members.append(i)
                group_of[i] = g
                return
        g = _Group(role, [i])
        groups.append(g)
        group_of[i] = g

    if seg.title is not None:
        join(seg.title, Role.TITLE)
    for i in range(seg.title + 1 if seg.title is not None else seg.start, seg.head_end):
        join(i, Role.CAPTION)

    body = range(max(seg.head_end, seg.start), seg.end)
    head_len = max((len(content[m].line.text) for g in groups for m in g.members), default=0)
    limit = head_len * _LENGTH_SLACK + 8
    paragraphs: list[list[int]] = []
    for i in body:
        c = content[i]
        if groups and len(c.line.text) <= limit:
            k = keys[i]
            for g in groups:
                if similarity(k, keys[g.rep(keys)], threshold) is not None:
                    g.members.append(i)
                    group_of[i] = g
                    break
            if i in group_of:
                continue
        if c.block_start or not paragraphs or content[paragraphs[-1][-1]].block != c.block:
            paragraphs.append([i])
        else:
            paragraphs[-1].append(i)

    decisions: dict[int, Decision] = {}
    reps: dict[int, int] = {}
    for g in groups:
        r = g.rep(keys)
        reps[id(g)] = r
        line = content[r].line
        reason = (seg.title_reason or "title") if g.role is Role.TITLE else "head"
        decisions[r] = Decision(line.no, line.text, g.role, Action.KEEP, reason, article=index)
        for m in g.members:
            if m == r:
                continue
            ml = content[m].line
            score = similarity(keys[m], keys[r], threshold)
            why = "truncated-copy" if keys[m].truncated and len(keys[m].folded) < len(keys[r].folded) else "near-duplicate" if score != 100.0 else "repeat"
            decisions[m] = Decision(ml.no, ml.text, g.role, Action.COLLAPSE, why, ref=line.no, score=score, article=index)

    kept_paragraphs: list[tuple[Line, ...]] = []
    seen: dict[str, int] = {}
    for para in paragraphs:
        lines = [content[i].line for i in para]
        folded = " ".join(keys[i].folded for i in para) if len(para) > 1 else keys[para[0]].folded
        first = seen.get(folded) if len(folded) >= MIN_REPEATED_PARAGRAPH_CHARS else None
        if first is not None:
            for i in para:
                line = content[i].line
                decisions[i] = Decision(line.no, line.text, Role.BODY, Action.COLLAPSE, "repeated-paragraph", ref=first, score=100.0, article=index)
            continue
        seen.setdefault(folded, lines[0].no)
        for i in para:
            decisions[i] = Decision(content[i].line.no, content[i].line.text, Role.BODY, Action.KEEP, "body", article=index)
        kept_paragraphs.append(tuple(lines))

    title_group = next((g for g in groups if g.role is Role.TITLE), None)
    title = content[reps[id(title_group)]].line if title_group is not None else None
    captions = tuple(content[reps[id(g)]].line for g in groups if g.role is Role.CAPTION)
    article = Article(index, title, captions, tuple(kept_paragraphs))
    return article, [d for _, d in sorted(decisions.items())]
