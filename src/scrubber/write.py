"""Stage 7, write: articles to text.

Text layout: the title, a blank line, each caption once (consecutive lines),
a blank line, the body paragraphs separated by one blank line; articles
separated by two blank lines; one final newline.  No articles: empty output.
"""

from __future__ import annotations

from collections.abc import Iterable

from .model import Article


def article_text(article: Article) -> str:
    """One article as the text writer lays it out (no trailing newline)."""
    parts: list[str] = []
    if article.title is not None:
        parts.append(article.title.text)
    if article.captions:
        parts.append("\n".join(line.text for line in article.captions))
    parts.extend("\n".join(line.text for line in para) for para in article.paragraphs)
    return "\n\n".join(parts)


def render_text(articles: Iterable[Article]) -> str:
    texts = [t for t in (article_text(a) for a in articles) if t]
    return "\n\n\n".join(texts) + "\n" if texts else ""


def layout(articles: Iterable[Article]) -> list[int | None]:
    """For each line of ``render_text(articles)``, the input line it came from (None: a blank)."""
    out: list[int | None] = []
    for article in articles:
        parts: list[list[int | None]] = []
        if article.title is not None:
            parts.append([article.title.no])
        if article.captions:
            parts.append([line.no for line in article.captions])
        parts.extend([line.no for line in para] for para in article.paragraphs)
        if not parts:
            continue
        if out:
            out.extend([None, None])
        for i, part in enumerate(parts):
            if i:
                out.append(None)
            out.extend(part)
    return out
