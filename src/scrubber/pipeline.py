"""The pipeline, stage by stage: read -> normalize -> tokenize -> classify -> segment -> collapse -> write.

:class:`Cleaner` holds what a run decides once (settings, compiled rules) and
cleans one input at a time; it keeps no state between inputs, so results never
depend on what was cleaned before or in which order.
"""

from __future__ import annotations

from pathlib import Path

from .classify import classify
from .fixpoint import settle
from .collapse import Row, collapse
from .model import Action, Article, CleanResult, Decision, Deferred, Role
from .normalize import normalize_text
from .read import decode, normalize_newlines, read_path
from .rules import RuleSet, load_ruleset
from .segment import segment
from .settings import Settings
from .tokenize import tokenize
from .write import render_text


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
        first = self._one_pass(text, source, encoding, warnings, bytes_in)
        return settle(first, lambda again: self._one_pass(again, source, encoding, warnings, bytes_in))

    def _one_pass(self, text: str, source: str, encoding: str, warnings: tuple[str, ...], bytes_in: int) -> CleanResult:
        s = self.settings
        text = normalize_text(text, s.quotes, s.fast)
        lines, blocks = tokenize(text)
        classified = classify(lines, blocks, self.rules)
        content = classified.content
        segments, keys = segment(content, s)

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

        return CleanResult(
            source=source,
            encoding=encoding,
            articles=tuple(articles),
            decisions=Deferred(lambda: _decisions(rows, text)),  # type: ignore[arg-type]
            text=render_text(articles),
            warnings=warnings,
            bytes_in=bytes_in,
        )


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
