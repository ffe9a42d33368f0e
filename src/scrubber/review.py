"""The review page: one self-contained HTML file showing what a run cut and why.

It holds totals, a bar chart of lines removed per reason (inline SVG), a
table of files with the riskiest first (largest share of words removed,
flagged files on top), and per-file views where kept lines are plain,
dropped lines struck through and coloured by reason, and collapsed repeats
link to the line they repeat.  No network: inline CSS, no scripts or fonts.

To stay small on big runs, the table lists the ``TABLE_ROWS`` riskiest files
and per-file views are kept for the ``RISKY_VIEWS`` riskiest files plus a
sample of ``SAMPLE_VIEWS`` others (chosen by a hash of the path, so the same
run gives the same page); the views are closed ``<details>`` elements, so
opening one costs nothing.  All page text is escaped: scraped text may hold
HTML and scripts.
"""

from __future__ import annotations

import hashlib
import heapq
import html
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .model import Action, CleanResult
from .report import RunReport, word_count

TABLE_ROWS = 1000
RISKY_VIEWS = 100
SAMPLE_VIEWS = 50
SAMPLE_MODULUS = 20  # about one file in twenty is a sampling candidate


@dataclass(frozen=True)
class FileReview:
    """What the page needs of one file: counts, flags, and (maybe) its lines."""

    source: str
    words_in: int
    words_out: int
    lines_removed: int
    flags: tuple[str, ...]
    rows: tuple[tuple[int, str, str, str, int | None], ...]  # (line, text, action, reason, ref)

    @property
    def removed_share(self) -> float:
        return 1 - self.words_out / self.words_in if self.words_in else 0.0

    @property
    def risk(self) -> tuple[int, float, str]:
        return (1 if self.flags else 0, self.removed_share, self.source)


def file_review(source: str, results: Iterable[CleanResult], flags: Iterable[str]) -> FileReview:
    rows = []
    words_in = words_out = removed = 0
    for result in results:
        for d in result.decisions:
            n = word_count(d.text)  # as the safety valve counts (CJK characters are words)
            words_in += n
            if d.action is Action.KEEP:
                words_out += n
            elif d.action in (Action.DROP, Action.COLLAPSE):
                removed += 1
            rows.append((d.no, d.text, d.action.value, d.reason if d.action is not Action.KEEP else d.role.value, d.ref))
    return FileReview(source, words_in, words_out, removed, tuple(flags), tuple(rows))


def _sampled(source: str) -> bool:
    return hashlib.blake2b(source.encode("utf-8", "surrogatepass"), digest_size=4).digest()[0] % SAMPLE_MODULUS == 0


@dataclass
class ReviewBuilder:
    """Collects FileReviews in bounded memory (rows only for the files that get a view)."""

    files: int = 0
    flagged: int = 0
    table: list[tuple[tuple[int, float, str], FileReview]] = field(default_factory=list)  # min-heap of the riskiest
    risky: list[tuple[tuple[int, float, str], FileReview]] = field(default_factory=list)
    sample: list[FileReview] = field(default_factory=list)

    def add(self, fr: FileReview) -> None:
        self.files += 1
        self.flagged += bool(fr.flags)
        light = FileReview(fr.source, fr.words_in, fr.words_out, fr.lines_removed, fr.flags, ())
        _push(self.table, (fr.risk, light), TABLE_ROWS)
        _push(self.risky, (fr.risk, fr), RISKY_VIEWS)
        if _sampled(fr.source) and len(self.sample) < SAMPLE_VIEWS:
            self.sample.append(fr)

    def render(self, report: RunReport, title: str = "scrubber review") -> str:
        table = [fr for _, fr in sorted(self.table, key=lambda t: t[0], reverse=True)]
        views = {fr.source: fr for _, fr in sorted(self.risky, key=lambda t: t[0], reverse=True)}
        for fr in self.sample:
            views.setdefault(fr.source, fr)
        return _page(title, report, self.files, self.flagged, table, list(views.values()))


def _push(heap: list[Any], item: tuple[tuple[int, float, str], FileReview], limit: int) -> None:
    if len(heap) < limit:
        heapq.heappush(heap, item)
    elif item[0] > heap[0][0]:
        heapq.heapreplace(heap, item)


def _colour(reason: str) -> str:
    hue = int(hashlib.blake2b(reason.encode(), digest_size=2).hexdigest(), 16) % 360
    return f"hsl({hue},65%,42%)"


CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em;max-width:70em;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em}
table{border-collapse:collapse}td,th{padding:.2em .6em;border-bottom:1px solid #ddd;text-align:left}
td.num,th.num{text-align:right}.flag{color:#b00;font-weight:600}
.lines{font-family:ui-monospace,monospace;font-size:13px;white-space:pre-wrap;word-break:break-word}
.line{display:block}.no{color:#888;display:inline-block;width:4em;text-align:right;margin-right:1em}
del{text-decoration:line-through;opacity:.8}.why{font-size:11px;margin-left:1em}
details{margin:.4em 0}summary{cursor:pointer}
"""


def _page(title: str, report: RunReport, files: int, flagged: int, table: list[FileReview], views: list[FileReview]) -> str:
    e = html.escape
    removed = dict(report.dropped)
    removed_total = sum(removed.values()) + report.collapsed
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{e(title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{e(title)}</h1>",
        '<table class="totals">',
        *(
            f'<tr><th>{e(k)}</th><td class="num">{v}</td></tr>'
            for k, v in [
                ("files", files),
                ("articles", report.articles),
                ("lines in", report.lines_in),
                ("lines out", report.lines_out),
                ("lines removed", removed_total),
                ("flagged files", flagged),
                ("errors", len(report.errors)),
            ]
        ),
        "</table>",
        "<h2>Lines removed per rule and reason</h2>",
        _bar_chart(report),
        f"<h2>Files, riskiest first</h2><p>The {len(table)} files with the largest share of words removed (flagged files first)"
        + (f", of {files}." if files > len(table) else ".")
        + " Files with a view below are linked.</p>",
        '<table class="files"><tr><th>file</th><th class="num">words in</th><th class="num">removed</th><th>flags</th></tr>',
    ]
    with_view = {fr.source for fr in views}
    for i, fr in enumerate(table):
        name = e(fr.source)
        link = f'<a href="#{_anchor(fr.source)}">{name}</a>' if fr.source in with_view else name
        parts.append(
            f'<tr><td>{link}</td><td class="num">{fr.words_in}</td><td class="num">{fr.removed_share:.0%}</td>'
            f'<td class="flag">{e("; ".join(fr.flags))}</td></tr>'
        )
    parts.append("</table>")
    parts.append(
        f"<h2>Files</h2><p>Views of the {min(RISKY_VIEWS, len(views))} riskiest files and a sample of others "
        "(struck through: removed, coloured by reason; a collapsed line links to the line it repeats).</p>"
    )
    for i, fr in enumerate(views):
        parts.append(_file_view(fr, open_=i == 0))
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _anchor(source: str) -> str:
    return "f-" + hashlib.blake2b(source.encode("utf-8", "surrogatepass"), digest_size=6).hexdigest()


def _file_view(fr: FileReview, open_: bool = False) -> str:
    e = html.escape
    a = _anchor(fr.source)
    out = [f'<details id="{a}"{" open" if open_ else ""}><summary>{e(fr.source)} — {fr.removed_share:.0%} of words removed' + (f' <span class="flag">{e("; ".join(fr.flags))}</span>' if fr.flags else "") + '</summary><div class="lines">']
    for no, text, action, reason, ref in fr.rows:
        line_id = f"{a}-L{no}"
        body = e(text)
        if action in ("drop", "collapse"):
            colour = _colour(reason)
            why = e(reason)
            if action == "collapse" and ref is not None:
                why += f' → <a href="#{a}-L{ref}">line {ref}</a>'
            out.append(f'<span class="line" id="{line_id}"><span class="no">{no}</span><del style="color:{colour}" title="{e(reason)}">{body}</del><span class="why" style="color:{colour}">{why}</span></span>')
        else:
            out.append(f'<span class="line" id="{line_id}"><span class="no">{no}</span>{body}</span>')
    out.append("</div></details>")
    return "".join(out)


def _bar_chart(report: RunReport) -> str:
    data = sorted(report.dropped.items(), key=lambda kv: (-kv[1], kv[0]))
    if report.collapsed:
        data.append(("collapsed repeats", report.collapsed))
    if not data:
        return "<p>Nothing was removed.</p>"
    top = max(n for _, n in data)
    bar_h, gap, label_w, width = 18, 6, 220, 420
    height = len(data) * (bar_h + gap)
    rows = []
    for i, (reason, n) in enumerate(data):
        y = i * (bar_h + gap)
        w = max(1, round(width * n / top))
        rows.append(
            f'<text x="{label_w - 8}" y="{y + 13}" text-anchor="end" font-size="12">{html.escape(reason)}</text>'
            f'<rect class="bar" x="{label_w}" y="{y}" width="{w}" height="{bar_h}" fill="{_colour(reason)}"><title>{html.escape(reason)}: {n}</title></rect>'
            f'<text x="{label_w + w + 6}" y="{y + 13}" font-size="12">{n}</text>'
        )
    return f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="lines removed per reason" width="{label_w + width + 60}" height="{height}">{"".join(rows)}</svg>'
