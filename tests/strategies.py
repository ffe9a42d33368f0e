"""Hypothesis strategies for scrape-like pages: articles with repeated
headlines and captions, widget markers, odd spacing, curly quotes, mojibake
and mixed line ends."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

WORDS = (
    "the minister said on Monday that talks would resume after a long pause in the capital "
    "officials rebels market prices wheat shipment port river council mayor police report "
    "Zürich café naïve señor Müller Straße élan Łódź année über"
).split()
MARKERS = ["TT", "Share", "Tweet", "Advertisement", "Read more", "Anzeige", "Teilen"]


@dataclass(frozen=True)
class Page:
    raw: str
    titles: tuple[str, ...]
    paragraphs: tuple[str, ...]


def _sentence(draw: st.DrawFn, lo: int, hi: int) -> str:
    words = draw(st.lists(st.sampled_from(WORDS), min_size=lo, max_size=hi))
    s = " ".join(words)
    return s[:1].upper() + s[1:]


def _decorate(draw: st.DrawFn, s: str) -> str:
    if draw(st.booleans()):
        s = f"\u201c{s}\u201d"
    if draw(st.integers(0, 9)) == 0:
        s = s.replace(" ", "\u00a0", 1)
    if draw(st.integers(0, 9)) == 0:
        s = "  " + s.replace(" ", "   ", 1) + "\t"
    return s


@st.composite
def pages(draw: st.DrawFn) -> Page:
    lines: list[str] = []
    titles: list[str] = []
    paragraphs: list[str] = []
    for a in range(draw(st.integers(1, 4))):
        if a:
            lines.extend([""] * draw(st.integers(1, 4)))
        title = _sentence(draw, 3, 9) + f" {a}"
        captions = [_sentence(draw, 6, 14) + " (Reuters)" for _ in range(draw(st.integers(0, 2)))]
        titles.append(title)
        lines.append(title)
        lines.append("")
        for c in captions:
            lines.extend([c] * draw(st.integers(1, 2)))
        if draw(st.booleans()):
            lines.extend(["TT", str(draw(st.integers(1, 99)))])
        if draw(st.booleans()):
            # the copy follows after one blank line, as in real scrapes
            lines.extend(([] if lines[-1] == "" else [""]) + [title if draw(st.booleans()) else title.upper(), ""])
            for c in captions:
                lines.extend([c] * draw(st.integers(0, 2)))
        for _ in range(draw(st.integers(0, 5))):
            lines.append("")
            para = _sentence(draw, 12, 40) + "."
            paragraphs.append(para)
            lines.append(_decorate(draw, para))
            if draw(st.integers(0, 5)) == 0:
                lines.extend(["", draw(st.sampled_from(MARKERS))])
    raw = "\n".join(lines) + draw(st.sampled_from(["", "\n", "\n\n"]))
    if draw(st.integers(0, 4)) == 0:
        raw = raw.replace("\n", "\r\n")
    return Page(raw, tuple(titles), tuple(paragraphs))


def raw_bytes(page: Page, mojibake: bool) -> bytes:
    text = page.raw.encode("utf-8").decode("cp1252", errors="replace") if mojibake else page.raw
    return text.encode("utf-8")
