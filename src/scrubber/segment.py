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

from dataclasses import dataclass

from .classify import Content, ends_like_sentence, title_shaped
from .settings import Settings
from .similarity import Key, could_match, key, similarity

# Lines longer than this are body text, never captions: the head ends there.
CAPTION_MAX_WORDS = 60
# A caption saved again after the headline's copy has its own copy this close.
CAPTION_COPY_WINDOW = 3
# A headline needs some substance to be recognised by its repeat.
MIN_TITLE_WORDS = 2
MIN_TITLE_CHARS = 8


@dataclass(frozen=True, slots=True)
class Segment:
    """One article's share of the content lines: indices into the content list."""

    start: int
    end: int  # exclusive
    title: int | None
    head_end: int  # head lines are title+1 .. head_end-1 (captions and copies)
    reason: str  # why an article starts here
    title_reason: str | None


class _Keys(dict[int, Key]):
    """Folded keys of content lines by index, computed once and only when asked for."""

    def __init__(self, content: tuple[Content, ...]) -> None:
        super().__init__()
        self._content = content

    def __missing__(self, i: int) -> Key:
        k = self[i] = key(self._content[i].line.text)
        return k


def segment(content: tuple[Content, ...], settings: Settings) -> tuple[tuple[Segment, ...], _Keys]:
    keys = _Keys(content)
    n = len(content)
    starts: list[tuple[int, str, int | None, int, str | None]] = []  # start, reason, title, head_end, title_reason
    k = 0
    while k < n:
        c = content[k]
        if c.block_start:
            head_end = _find_head(content, keys, k, settings)
            if head_end is not None:
                if starts and _keeps_going(content, keys, starts[-1], k, settings):
                    # A lone headline, then this one: its head joins the headline's article.
                    first, reason, title, _, title_reason = starts[-1]
                    starts[-1] = (first, reason, title, head_end, title_reason)
                else:
                    starts.append((k, "title-repeat", k, head_end, "title-repeat"))
                k = head_end
                continue
            if not starts or (c.gap >= 2 and not _keeps_going(content, keys, starts[-1], k, settings)):
                title = k if _single_line_block(content, k) and title_shaped(c) else None
                starts.append((k, "input-start" if not starts else "blank-gap", title, k + 1 if title is not None else k, "title-shape" if title is not None else None))
        k += 1
    segments = []
    for i, (start, reason, title, head_end, title_reason) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else n
        segments.append(Segment(start, end, title, head_end, reason, title_reason))
    return tuple(segments), keys


def _keeps_going(content: tuple[Content, ...], keys: _Keys, start: tuple[int, str, int | None, int, str | None], k: int, settings: Settings) -> bool:
    """Does the article begun at ``start`` go on at ``k`` despite blank lines or a new headline?

    Yes when that article so far is only a title-shaped headline (and its copies) and
    the line at ``k`` is not title-shaped: a headline saved with blank lines before
    its text.  The test looks only at the shape of lines, so cleaning the output
    again (where the headline stands alone, once) decides the same.
    """
    first = start[0]
    if not title_shaped(content[first]) or title_shaped(content[k]):
        return False
    return all(similarity(keys[first], keys[i], settings.threshold) is not None for i in range(first + 1, k))


def _single_line_block(content: tuple[Content, ...], k: int) -> bool:
    return k + 1 >= len(content) or content[k + 1].block_start


def _find_head(content: tuple[Content, ...], keys: _Keys, k: int, settings: Settings) -> int | None:
    """If content[k] is a headline that repeats, return the end of its head."""
    c = content[k]
    if not (MIN_TITLE_WORDS <= c.words <= settings.title_max_words) or ends_like_sentence(c.line.text):
        return None
    title = keys[k]
    if len(title.folded) < MIN_TITLE_CHARS:
        return None
    n = len(content)
    copy = None
    for j in range(k + 1, min(n, k + 1 + settings.head_window)):
        d = content[j]
        if (d.block_start and d.gap >= 2) or d.words > CAPTION_MAX_WORDS:
            break
        if could_match(c.line.text, d.line.text) and similarity(title, keys[j], settings.threshold) is not None:
            copy = j
            break
    if copy is None:
        return None
    head = list(range(k, copy + 1))
    end = copy + 1
    while end < n:
        d = content[end]
        if (d.block_start and d.gap >= 2) or d.words > CAPTION_MAX_WORDS:
            break
        here = d.line.text
        if any(could_match(here, content[h].line.text) and similarity(keys[end], keys[h], settings.threshold) is not None for h in head) or _repeats_soon(content, keys, end, settings):
            head.append(end)
            end += 1
        else:
            break
    return end


def _repeats_soon(content: tuple[Content, ...], keys: _Keys, i: int, settings: Settings) -> bool:
    here = content[i].line.text
    for j in range(i + 1, min(len(content), i + 1 + CAPTION_COPY_WINDOW)):
        d = content[j]
        if (d.block_start and d.gap >= 2) or d.words > CAPTION_MAX_WORDS:
            return False
        if could_match(here, d.line.text) and similarity(keys[i], keys[j], settings.threshold) is not None:
            return True
    return False
