"""Idempotence as a contract: cleaning is repeated until the text stops changing.

One pass of the pipeline decides with windows and shapes (a headline's copy
within twelve lines, a title-shaped first line); removing repeats can bring
lines closer or change what comes first, so cleaning a pass's output can
decide more.  :func:`settle` cleans the output again and, in the rare case
where it changes, composes the second pass's decisions onto the first pass's
input lines (through the writer's layout), so every input line still has one
decision with its reason, and the text returned cleans to itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from .model import Action, Article, CleanResult, Decision, Line
from .write import layout

MAX_PASSES = 4


def settle(first: CleanResult, again: Callable[[str], CleanResult], cleaned: str | None = None) -> CleanResult:
    """Clean ``first.text`` again until it is stable (at most MAX_PASSES passes in all).

    ``cleaned`` is the text ``first`` came from, when ``again`` of it gives
    ``first`` (a pass is a pure function of its text).  Input that was clean
    already (a pre-commit run over cleaned files) then needs no second pass:
    cleaning ``first.text`` again is the very pass that gave ``first``.
    """
    current = first
    if cleaned is not None and first.text == cleaned:
        return current
    for _ in range(MAX_PASSES - 1):
        if not current.text:
            return current
        nxt = again(current.text)
        if nxt.text == current.text:
            return current
        current = compose(current, nxt)
    return current


def compose(first: CleanResult, second: CleanResult) -> CleanResult:
    """The result of cleaning ``first``'s input with ``second`` applied to ``first``'s output."""
    where = layout(first.articles)  # output line (0-based) -> input line number
    decisions = {d.no: d for d in first.decisions}
    for d in second.decisions:
        if d.action is Action.LAYOUT:
            continue
        no = where[d.no - 1]
        if no is None:
            continue
        ref = where[d.ref - 1] if d.ref is not None else None
        reason = d.reason if d.action is Action.KEEP else f"{d.reason} (second look)"
        decisions[no] = Decision(no, d.text, d.role, d.action, reason, ref, d.score, d.article, d.starts_article)
    for no, d in decisions.items():  # lines the first pass removed: to the article of the line after them
        if d.action is not Action.KEEP and d.article is not None and d.no not in where:
            decisions[no] = d
    articles = tuple(_renumber(a, where) for a in second.articles)
    return replace(first, articles=articles, text=second.text, decisions=tuple(decisions[no] for no in sorted(decisions)))


def _renumber(article: Article, where: list[int | None]) -> Article:
    def line(x: Line) -> Line:
        no = where[x.no - 1]
        return Line(no if no is not None else x.no, x.text)

    return Article(
        article.index,
        line(article.title) if article.title is not None else None,
        tuple(line(x) for x in article.captions),
        tuple(tuple(line(x) for x in para) for para in article.paragraphs),
    )
