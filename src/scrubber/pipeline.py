"""The pipeline, stage by stage: read -> normalize -> tokenize -> classify -> segment -> collapse -> write.

:class:`Cleaner` holds what a run decides once (settings, compiled rules) and
cleans one input at a time; it keeps no state between inputs, so results never
depend on what was cleaned before or in which order.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from .classify import Answers, classify
from .page import PageVerdict, find_article
from .fixpoint import settle
from .collapse import Row, collapse
from .model import Action, Article, CleanResult, Decision, Deferred, Role
from .normalize import normalize_text
from .read import decode, normalize_newlines, read_path
from .rules import RuleSet, load_ruleset
from .segment import segment
from .settings import Settings
from .similarity import Key
from .tokenize import tokenize
from .write import layout, render_text


class Cleaner:
    """Cleans inputs with one set of settings and rules."""

    def __init__(self, settings: Settings | None = None, rules: RuleSet | None = None) -> None:
        self.settings = settings or Settings()
        self.rules = rules if rules is not None else load_ruleset(self.settings.rules, self.settings.default_rules)

    def clean_path(self, path: Path) -> CleanResult:
        return self.clean_bytes(read_path(path), source=str(path))

    def clean_bytes(self, data: bytes, source: str = "-") -> CleanResult:
        decoded = decode(data, source)
        return self._clean(decoded.text, source, decoded.encoding, decoded.warnings, len(data))

    def clean_text(self, text: str, source: str = "-") -> CleanResult:
        """Clean text that is already decoded (line ends are still normalized)."""
        return self._clean(normalize_newlines(text), source, "utf-8", (), len(text.encode("utf-8", "surrogatepass")))

    def _clean(self, text: str, source: str, encoding: str, warnings: tuple[str, ...], bytes_in: int) -> CleanResult:
        memo = _Memo()

        def again(t: str) -> CleanResult:
            # A pass's output is made of normalized input lines (and blank
            # lines), and normalizing is idempotent: no need to do it again.
            return self._one_pass(t, source, encoding, warnings, bytes_in, memo)

        s = self.settings
        normalized = normalize_text(text, s.quotes, s.fast)
        return settle(self._one_pass(normalized, source, encoding, warnings, bytes_in, memo), again, normalized)

    def _one_pass(self, text: str, source: str, encoding: str, warnings: tuple[str, ...], bytes_in: int, memo: _Memo) -> CleanResult:
        """One pass over normalized text."""
        s = self.settings
        lines, blocks = tokenize(text)
        classified = classify(lines, blocks, self.rules, memo.rules)
        content = classified.content
        segments, keys = segment(content, s, memo.keys)

        # rows[line no]: the line's decision as a Row, a marker's rule id, or None (blank).
        rows: list[Row | str | None] = [None] * (len(lines) + 1)
        for no, rule in classified.markers.items():
            rows[no] = rule.id
        articles: list[Article] = []
        for seg in segments:
            article = collapse(content, seg, len(articles), keys, s, rows)
            start = rows[content.nos[seg.start]]
            assert isinstance(start, tuple)
            rows[start[0]] = (*start[:8], True)
            if not article.is_empty:
                articles.append(article)

        result = CleanResult(
            source=source,
            encoding=encoding,
            articles=tuple(articles),
            decisions=Deferred(lambda: _decisions(rows, text)),  # type: ignore[arg-type]
            text=render_text(articles),
            warnings=warnings,
            bytes_in=bytes_in,
        )
        return keep_article_of_page(result, memo.pages) if s.page else result


@dataclass(slots=True)
class _Memo:
    """What the passes over one input can share: answers that depend on a line's text alone.

    It lives for one input only (never across inputs), so results cannot
    depend on what was cleaned before.
    """

    rules: Answers = field(default_factory=Answers)
    keys: dict[str, Key] = field(default_factory=dict)  # text -> its folded key
    # page text -> its find_article verdict: the proof pass usually hands in
    # the very page of the first pass (about half the page work on clean inputs)
    pages: dict[str, PageVerdict] = field(default_factory=dict)


def keep_article_of_page(result: CleanResult, verdicts: dict[str, PageVerdict] | None = None) -> CleanResult:
    """Whole-page scrapes: drop the page around the article (menus, counters, footers).

    Page detection (:mod:`scrubber.page`) looks at the pass's clean output as
    one page, where repeats and markers are already gone; the lines it drops
    get its reason ("page:menu-run", ...).  A file of clean articles keeps
    every line (page.py keeps everything when it would drop two paragraphs
    or fewer).  The same view on input and output keeps cleaning idempotent.
    ``verdicts`` (page text -> verdict, for the passes over one input) saves
    deciding the same page twice.
    """
    if not result.text:
        return result
    verdict = verdicts.get(result.text) if verdicts is not None else None
    if verdict is None:
        verdict = find_article(result.text.split("\n")[:-1])
        if verdicts is not None:
            verdicts[result.text] = verdict
    if all(verdict.keep):
        return result
    where = layout(result.articles)
    drops = {no: verdict.reasons[i] for i, keep in enumerate(verdict.keep) if not keep and (no := where[i]) is not None}
    if not drops:
        return result
    articles = [a for a in (_without(a, drops) for a in result.articles) if not a.is_empty]
    articles = [Article(i, a.title, a.captions, a.paragraphs) for i, a in enumerate(articles)]
    before = result

    def decisions() -> tuple[Decision, ...]:
        return tuple(
            Decision(d.no, d.text, d.role, Action.DROP, drops[d.no], article=d.article) if d.no in drops else d for d in before.decisions
        )

    return replace(result, articles=tuple(articles), text=render_text(articles), decisions=Deferred(decisions))  # type: ignore[arg-type]


def _without(article: Article, drops: dict[int, str]) -> Article:
    title = article.title if article.title is not None and article.title.no not in drops else None
    captions = tuple(line for line in article.captions if line.no not in drops)
    paragraphs = tuple(p for p in (tuple(line for line in para if line.no not in drops) for para in article.paragraphs) if p)
    return Article(article.index, title, captions, paragraphs)


def _decisions(rows: list[Row | str | None], text: str) -> tuple[Decision, ...]:
    """One Decision per input line.  Markers and blank lines belong to the article of the line before."""
    lines = text.split("\n")
    full: list[Decision] = []
    article_no: int | None = None
    for no in range(1, len(rows)):
        row = rows[no]
        if row is None:
            d = Decision(no, "", Role.BLANK, Action.LAYOUT, "blank", article=article_no)
        elif isinstance(row, str):
            d = Decision(no, lines[no - 1], Role.MARKER, Action.DROP, row, article=article_no)
        else:
            d = Decision(*row)
        article_no = d.article
        full.append(d)
    return tuple(full)
