"""The pipeline, stage by stage: read -> normalize -> tokenize -> classify -> segment -> collapse -> write.

:class:`Cleaner` holds what a run decides once (settings, compiled rules) and
cleans one input at a time; it keeps no state between inputs, so results never
depend on what was cleaned before or in which order.
"""

from __future__ import annotations

from pathlib import Path

from .classify import classify
from .collapse import collapse
from .model import Action, Article, CleanResult, Decision, Role
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
        s = self.settings
        text = normalize_text(text, s.quotes, s.fast)
        blocks, line_count = tokenize(text)
        classified = classify(blocks, self.rules)
        segments, keys = segment(classified.content, s)

        decisions: dict[int, Decision] = {}
        for no, rule in classified.markers.items():
            decisions[no] = Decision(no, "", Role.MARKER, Action.DROP, rule.id)
        articles: list[Article] = []
        for seg in segments:
            article, seg_decisions = collapse(classified.content, seg, len(articles), keys, s)
            start_no = classified.content[seg.start].line.no
            for d in seg_decisions:
                decisions[d.no] = d if d.no != start_no else _starting(d, seg.reason)
            if not article.is_empty:
                articles.append(article)

        lines = text.split("\n")
        full: list[Decision] = []
        article_no: int | None = None
        for no in range(1, line_count + 1):
            d = decisions.get(no)
            if d is None:
                d = Decision(no, "", Role.BLANK, Action.LAYOUT, "blank", article=article_no)
            elif d.role is Role.MARKER:
                d = Decision(no, lines[no - 1], Role.MARKER, Action.DROP, d.reason, article=article_no)
            article_no = d.article
            full.append(d)
        return CleanResult(
            source=source,
            encoding=encoding,
            articles=tuple(articles),
            decisions=tuple(full),
            text=render_text(articles),
            warnings=warnings,
            bytes_in=bytes_in,
        )


def _starting(d: Decision, reason: str) -> Decision:
    return Decision(d.no, d.text, d.role, d.action, d.reason, d.ref, d.score, d.article, starts_article=True)
