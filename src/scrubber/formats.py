"""Output formats: text, markdown, jsonl, json.

Every format is built from the same article records, and every record's
``text`` is the article exactly as the text writer renders it, so cleaning a
record's text again gives the same text.

Record ids are derived from the source and the article's index within it
(``sha256("<source>\\0<index>")``, first 16 hex digits): stable across runs
and different for two copies of one article in different files.  For JSONL
input the source is ``path:line`` of the input record.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any, Literal, Protocol

import yaml

from .model import Action, CleanResult
from .write import article_text

Format = Literal["text", "markdown", "jsonl", "json"]
FORMATS: tuple[str, ...] = ("text", "markdown", "jsonl", "json")


def article_id(source: str, index: int) -> str:
    return hashlib.sha256(f"{source}\0{index}".encode("utf-8", "surrogatepass")).hexdigest()[:16]


def article_stats(result: CleanResult) -> dict[int, dict[str, Any]]:
    """Lines in, lines out and lines dropped per reason, for each article number of ``result``'s decisions.

    Lines before the first article (markers at the top of a file) count for
    the first article.  One pass over the decisions, however many articles.
    """
    stats: dict[int, dict[str, Any]] = {}
    for d in result.decisions:
        article = d.article if d.article is not None else 0
        st = stats.get(article)
        if st is None:
            st = stats[article] = _no_lines()
        st["lines_in"] += 1
        if d.action is Action.KEEP:
            st["lines_out"] += 1
        elif d.action in (Action.DROP, Action.COLLAPSE):
            st["dropped"][d.reason] = st["dropped"].get(d.reason, 0) + 1
    for st in stats.values():
        st["dropped"] = dict(sorted(st["dropped"].items()))
    return stats


def _no_lines() -> dict[str, Any]:
    return {"lines_in": 0, "lines_out": 0, "dropped": {}}


class CleanedText(Protocol):
    """A cleaned text with what its records need (as :class:`scrubber.inputs.Cleaned` has it)."""

    @property
    def result(self) -> CleanResult: ...

    @property
    def source(self) -> str: ...

    @property
    def extra(self) -> Mapping[str, Any] | None: ...


def with_records(fmt: str, cleaned: Iterable[CleanedText]) -> list[tuple[CleanResult, list[dict[str, Any]]]]:
    """Each cleaned text's result with its records, as :func:`render` takes them.

    Text is written from the results alone: records (and the per-article
    statistics they carry) are built only for the structured formats.
    """
    return [(c.result, records(c.result, c.source, c.extra) if fmt != "text" else []) for c in cleaned]


def records(result: CleanResult, source: str | None = None, extra: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """One JSON-ready record per article of ``result``."""
    source = result.source if source is None else source
    out = []
    stats = article_stats(result) if result.articles else {}
    for article in result.articles:
        paragraphs = ["\n".join(line.text for line in para) for para in article.paragraphs]
        metadata: dict[str, Any] = {"encoding": result.encoding, **stats.get(article.index, _no_lines())}
        if extra is not None:
            metadata.update(extra)
        out.append(
            {
                "id": article_id(source, article.index),
                "source": source,
                "index": article.index,
                "title": article.title.text if article.title is not None else None,
                "captions": [line.text for line in article.captions],
                "paragraphs": paragraphs,
                "body": "\n\n".join(paragraphs),
                "text": article_text(article),
                "metadata": metadata,
            }
        )
    return out


def render(fmt: str, results: Iterable[tuple[CleanResult, list[dict[str, Any]]]], front_matter: bool = False) -> str:
    """Render cleaned inputs (each with its records) in one format, as one stream."""
    results = list(results)
    if fmt == "text":
        return "\n\n".join(r.text for r, _ in results if r.text)
    recs = [rec for _, rs in results for rec in rs]
    if fmt == "jsonl":
        return "".join(json.dumps(rec, ensure_ascii=False) + "\n" for rec in recs)
    if fmt == "json":
        return json.dumps(recs, ensure_ascii=False, indent=2) + "\n"
    if fmt == "markdown":
        return "\n\n".join(markdown(rec, front_matter) for rec in recs) + ("\n" if recs else "")
    raise ValueError(f"unknown format {fmt!r}")


def markdown(rec: Mapping[str, Any], front_matter: bool = False) -> str:
    parts = []
    if front_matter:
        meta = yaml.safe_dump({"id": rec["id"], "source": rec["source"]}, allow_unicode=True, sort_keys=False)
        parts.append(f"---\n{meta}---")
    if rec["title"] is not None:
        # A closing "#" sequence (a run of "#" after a space) would be taken off the heading.
        parts.append("# " + _CLOSING_HASHES.sub(r"\1\\\2", _escape(rec["title"])))
    if rec["captions"]:
        parts.append("\n".join("*" + _escape(c) + "*" for c in rec["captions"]))
    parts.extend("\n".join(_escape(line) for line in p.split("\n")) for p in rec["paragraphs"])
    return "\n\n".join(parts)


# Inline syntax, escaped wherever it stands: a backslash (it would escape
# the next character), emphasis ("*", "_"), code spans ("`") and links,
# images and link reference definitions (all of which need a "[").
_INLINE = str.maketrans({"\\": "\\\\", "*": "\\*", "_": "\\_", "`": "\\`", "[": "\\["})
_CLOSING_HASHES = re.compile(r"(^|[ \t])(#+)$")
_BLOCK_STARTS = ("#", ">", "-", "+", "*", "=", "|", "```", "~~~", "_")
# An ordered-list marker: digits, then "." or ")", then a space or the end.
_ORDERED = re.compile(r"([0-9]+)([.)])(?=[ \t]|$)")
# Raw HTML (CommonMark renders it, as a block or inline): a tag, closing tag,
# comment, declaration or processing instruction, and autolinks (<https://...>).
_HTML = re.compile(r"<(?=[A-Za-z/!?])")
# A character or entity reference (&amp; &#169; &#xA9;) renders as the character.
_ENTITY = re.compile(r"&(?=#[0-9]{1,7};|#[xX][0-9A-Fa-f]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)")


def _escape(line: str) -> str:
    """Keep a line of text from being read as Markdown structure or raw HTML.

    Escaped: a line starting a heading, quote, bullet list, thematic break,
    setext underline, table, code fence (``` or ~~~) or ordered list (``1.``
    or ``1)``), and anywhere in the line: emphasis, code span, link and image
    syntax (``*``, ``_``, the backquote, ``[`` and the backslash), a ``<`` that would
    open an HTML tag, comment or autolink, and an ``&`` that would start an
    entity reference.
    A backslash before ASCII punctuation renders as the punctuation itself.
    """
    line = line.translate(_INLINE)
    if "<" in line:
        line = _HTML.sub(r"\\<", line)
    if "&" in line:
        line = _ENTITY.sub(r"\\&", line)
    if line.startswith(_BLOCK_STARTS):
        return "\\" + line
    m = _ORDERED.match(line)
    if m is not None:
        return m.group(1) + "\\" + line[m.end(1) :]
    return line
