"""Stage 5, segment: content lines to articles.

An article starts

* at a headline that comes again a few lines later with only short lines
  (captions, markers) between, as scrapes save it (``title-repeat``);
* after two or more blank lines (``blank-gap``), the separator the writer puts
  between articles; except that a lone title-shaped headline followed by blank
  lines and a line that is not title-shaped keeps its text;
* at the start of the input (``input-start``).

The head of an article is its headline, the lines up to the headline's copy
(captions), and the lines right after it that repeat a head line or repeat
each other (captions saved again after the headline's copy).  Without a
repeated headline, an article's first block is its title when it is a single
title-shaped line (``title-shape``).  Everything else is body.
"""

from __future__ import annotations

from typing import NamedTuple

from .classify import Content, ends_like_sentence, title_shaped
from .settings import Settings
from .similarity import Key, could_match, key, similarity

# Lines longer than this are body text, never captions: the head ends there,
# as it does at a block after two or more blank lines.
CAPTION_MAX_WORDS = 60
# A caption saved again after the headline's copy has its own copy this close.
CAPTION_COPY_WINDOW = 3
# A headline needs some substance to be recognised by its repeat.
MIN_TITLE_WORDS = 2
MIN_TITLE_CHARS = 8


class Segment(NamedTuple):
    """One article's share of the content lines: indices into the content lists."""

    start: int
    end: int  # exclusive
    title: int | None
    head_end: int  # head lines are title+1 .. head_end-1 (captions and copies)
    reason: str  # why an article starts here
    title_reason: str | None


class Keys(dict[int, Key]):
    """Folded keys of content lines by index, computed once and only when asked for.

    Lines with the same text (scrapes repeat captions) share one computation.
    """

    def __init__(self, texts: list[str], by_text: dict[str, Key] | None = None) -> None:
        super().__init__()
        self._texts = texts
        self._by_text: dict[str, Key] = {} if by_text is None else by_text

    def __missing__(self, i: int) -> Key:
        text = self._texts[i]
        k = self._by_text.get(text)
        if k is None:
            k = self._by_text[text] = key(text)
        self[i] = k
        return k


def segment(content: Content, settings: Settings, by_text: dict[str, Key] | None = None) -> tuple[list[Segment], Keys]:
    """Split the content into articles.  ``by_text`` may hold keys already folded for this input."""
    keys = Keys(content.texts, by_text)
    gaps, words = content.gaps, content.words
    title_max_words = settings.title_max_words
    n = len(gaps)
    starts: list[tuple[int, str, int | None, int, str | None]] = []  # start, reason, title, head_end, title_reason
    k = 0
    while k < n:
        gap = gaps[k]
        if gap >= 0:  # k starts a block
            # (_find_head's first test, made here to spare most paragraphs the call)
            head_end = _find_head(content, keys, k, settings) if MIN_TITLE_WORDS <= words[k] <= title_max_words else None
            if head_end is not None:
                if starts and _keeps_going(content, keys, starts[-1], k, settings):
                    # A lone headline, then this one: its head joins the headline's article.
                    first, reason, title, _, title_reason = starts[-1]
                    starts[-1] = (first, reason, title, head_end, title_reason)
                else:
                    starts.append((k, "title-repeat", k, head_end, "title-repeat"))
                k = head_end
                continue
            if not starts or (gap >= 2 and not _keeps_going(content, keys, starts[-1], k, settings)):
                title = k if _single_line_block(content, k) and title_shaped(content, k) else None
                starts.append((k, "input-start" if not starts else "blank-gap", title, k + 1 if title is not None else k, "title-shape" if title is not None else None))
        k += 1
    segments = []
    for i, (start, reason, title, head_end, title_reason) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else n
        segments.append(Segment(start, end, title, head_end, reason, title_reason))
    return segments, keys


def _keeps_going(content: Content, keys: Keys, start: tuple[int, str, int | None, int, str | None], k: int, settings: Settings) -> bool:
    """Does the article begun at ``start`` go on at ``k`` despite blank lines or a new headline?

    Yes when that article so far is only a title-shaped headline (and its copies) and
    the line at ``k`` is not title-shaped: a headline saved with blank lines before
    its text.  The test looks only at the shape of lines, so cleaning the output
    again (where the headline stands alone, once) decides the same.
    """
    first = start[0]
    if not title_shaped(content, first) or title_shaped(content, k):
        return False
    return all(similarity(keys[first], keys[i], settings.threshold) is not None for i in range(first + 1, k))


def _single_line_block(content: Content, k: int) -> bool:
    return k + 1 >= len(content.gaps) or content.gaps[k + 1] >= 0


def _find_head(content: Content, keys: Keys, k: int, settings: Settings) -> int | None:
    """If content[k] is a headline that repeats, return the end of its head."""
    texts = content.texts
    text = texts[k]
    if not (MIN_TITLE_WORDS <= content.words[k] <= settings.title_max_words) or ends_like_sentence(text):
        return None
    title = keys[k]
    if len(title.folded) < MIN_TITLE_CHARS or title.truncated:
        # A truncated line is only ever a copy: which full line it stands for
        # (and so the shape of the title written) is decided by collapse.
        return None
    threshold = settings.threshold
    n = len(texts)
    copy = None
    gaps, words = content.gaps, content.words
    for j in range(k + 1, min(n, k + 1 + settings.head_window)):
        if gaps[j] >= 2 or words[j] > CAPTION_MAX_WORDS:  # a new article or body text: no head line
            break
        # An equal text is a copy (the title's key is not empty).
        if texts[j] == text or (could_match(text, texts[j]) and similarity(title, keys[j], threshold) is not None):
            copy = j
            break
    if copy is None:
        return None
    # The head so far, one line per distinct text (lines with equal texts
    # have equal keys: one of them answers for all).
    head: dict[str, int] = {}
    for h in range(k, copy + 1):
        head.setdefault(texts[h], h)
    end = copy + 1
    while end < n and not (gaps[end] >= 2 or words[end] > CAPTION_MAX_WORDS):
        if _like_a_head_line(content, keys, end, head, threshold) or _repeats_soon(content, keys, end, settings):
            head.setdefault(texts[end], end)
            end += 1
        else:
            break
    return end


def _like_a_head_line(content: Content, keys: Keys, i: int, head: dict[str, int], threshold: float) -> bool:
    """Is line ``i`` the same line as one of ``head`` (text -> content index)?"""
    here = content.texts[i]
    if here in head and keys[i].folded:
        return True  # its own copy: the same line when its key is not empty
    for other, h in head.items():
        if could_match(here, other) and similarity(keys[i], keys[h], threshold) is not None:
            return True
    return False


def _repeats_soon(content: Content, keys: Keys, i: int, settings: Settings) -> bool:
    texts, gaps, words = content.texts, content.gaps, content.words
    here = texts[i]
    for j in range(i + 1, min(len(texts), i + 1 + CAPTION_COPY_WINDOW)):
        if gaps[j] >= 2 or words[j] > CAPTION_MAX_WORDS:  # a new article or body text: no head line
            return False
        if (texts[j] == here and keys[i].folded) or (could_match(here, texts[j]) and similarity(keys[i], keys[j], settings.threshold) is not None):
            return True
    return False
