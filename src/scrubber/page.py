"""Find the article in a whole scraped page, from its text lines alone (issue 6).

A page saved as text holds the article among menus, share and comment counters,
teasers of related stories, cookie and newsletter boxes and footers.
:func:`find_article` decides, for every line, whether it belongs to the article.
It is pure (lines in, verdict out), linear in the page size, and uses only what
the text shows:

1. the language: the jusText stop-word list (shipped by the ``justext`` package)
   of the candidate language whose words are most frequent in the page;
2. paragraphs: lines split by inline links (BeautifulSoup dumps) are joined
   into one paragraph when a line runs on into the next (no sentence end, the
   next starts in lower case or with punctuation, or the line ends in a stop
   word); bullets of list dumps (``* Politik``) are noted and taken off;
3. each paragraph is classified jusText-style: *good* (long, stop-word rich),
   *near-good*, *short* or *bad* (counters, link-like bullets, runs of short
   lines, text without stop words);
4. the main content is the contiguous run of paragraphs with the highest score
   (good paragraphs count for, bad ones against: a maximum-sum subarray);
5. the run is extended to the headline (the last repeat of a short line shortly
   before it) and to short real content next to it (dateline, one-sentence
   paragraph, quote, list items with sentences).

Further signals: lists inside the article (numbered 1, 2, 3 in order, after
a lead-in sentence ending in ":", or lists of amounts with units such as
ingredients) are neutral, not menus (:func:`_mark_lists`,
:func:`_quantity_lists`); short date-and-time lines (one per comment or forum
post) weigh against the run they are in when a page has several, and are
dropped even inside the article ("page:timestamp"); script text and count
lists are bad ("page:symbols"); long prose with few stop words is neutral;
sentences of ten words or more right next to the article run, and a title
followed by two of them (the next article of a file of several), belong to
the article (:func:`_next_articles`); and a page without a clear article run
only loses the paragraphs that are boilerplate by themselves (:func:`_weak`).

An input that is already a clean article keeps every line: when the page has no
boilerplate signal (no menu runs, counters or link lists) and its paragraphs are
mostly good, nothing is dropped.
"""

from __future__ import annotations

import importlib.util
import itertools
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# Candidate languages, most common first; the page's language is the one whose
# stop words cover most of its words.
LANGUAGES: tuple[str, ...] = (
    "German",
    "English",
    "French",
    "Spanish",
    "Polish",
    "Italian",
    "Dutch",
    "Portuguese",
    "Czech",
    "Swedish",
    "Danish",
    "Norwegian_Bokmal",
    "Finnish",
    "Hungarian",
    "Turkish",
    "Russian",
    "Ukrainian",
    "Greek",
)

# jusText's defaults (chars and stop-word density).
LENGTH_LOW = 70
LENGTH_HIGH = 200
STOPWORDS_LOW = 0.30
STOPWORDS_HIGH = 0.32


@lru_cache(maxsize=None)
def load_stoplist(language: str) -> frozenset[str]:
    """jusText's stop-word list for ``language`` (e.g. "German"), lower-cased.

    Read from the installed ``justext`` package's data files without importing
    the package (its import needs lxml's HTML cleaner, which we do not use).
    """
    spec = importlib.util.find_spec("justext")
    if spec is None or not spec.submodule_search_locations:
        raise ValueError("the justext package is not installed")
    for folder in spec.submodule_search_locations:
        path = Path(folder) / "stoplists" / f"{language}.txt"
        if path.is_file():
            return frozenset(w.strip().lower() for w in path.read_text(encoding="utf-8").splitlines() if w.strip())
    raise ValueError(f"no jusText stop-word list for {language!r}")


@dataclass(frozen=True)
class PageVerdict:
    """What :func:`find_article` decided.

    keep[i]: line i belongs to the article (blank lines follow their neighbours).
    reasons[i]: why, e.g. "page:article", "page:headline", "page:menu-run",
        "page:before-headline", "page:after-article", "page:counter".
    headline: index of the line taken as the headline, if any.
    language: the stop-word list used ("" when none fitted).
    """

    keep: tuple[bool, ...]
    reasons: tuple[str, ...]
    headline: int | None
    language: str = ""

    @property
    def kept(self) -> tuple[int, ...]:
        return tuple(i for i, k in enumerate(self.keep) if k)


_WORD = re.compile(r"[^\W\d_]+")
_LETTER = re.compile(r"[^\W\d_]")
SAMPLE_CHARS = 40_000
_BULLET = re.compile(r"^(?:[*+\-•·○◦▪▸►»>]|\d{1,3}[.)])\s+|^[*+•·]$")
_SENTENCE_END = re.compile(r"""[.!?…:;]["'»«)\]]*$""")
_RUN_ON_END = re.compile(r"[,(\-–/&]$")
_NUMBER = re.compile(r"^(\d{1,2})[.)](?:\s|$)")
_RUN_ON_START = re.compile(r"^[,.;:)\]!?%]|^[^\W\d_]")
# What _BULLET can start with: lines starting otherwise skip the regex.
_BULLET_FIRST = frozenset("*+-•·○◦▪▸►»>")
_RUN_ON_ENDS = (",", "(", "-", "–", "/", "&")  # _RUN_ON_END without a regex
_SENTENCE_ENDS = (".", "!", "?", "…", ":", ";")
_CLOSERS = "\"'»«)]"


# A sentence followed by a credit in brackets ("... on Tuesday. (Photo:
# handout)", "(dpa)", "(AFP/Reuters)") still ends a sentence: captions and
# news leads end so.  A credit is short: at most CREDIT_CHARS characters from
# " (" to the end (longer brackets are text of their own).
CREDIT_CHARS = 40


def _ends_sentence(text: str) -> bool:
    """``_SENTENCE_END.search(text) is not None`` for text without newlines, in
    constant time (a search for an end-anchored pattern tries every position),
    or a sentence followed by a short credit in brackets."""
    if text.rstrip(_CLOSERS).endswith(_SENTENCE_ENDS):
        return True
    if text.endswith(")") and (cut := text.rfind(" (")) > 0 and len(text) - cut <= CREDIT_CHARS:
        return text[:cut].rstrip(_CLOSERS).endswith(_SENTENCE_ENDS)
    return False


@lru_cache(maxsize=1)
def _stop_index() -> dict[str, tuple[int, ...]]:
    """Each stop word of the candidate languages: the indexes of its languages in LANGUAGES."""
    index: dict[str, list[int]] = {}
    for li, lang in enumerate(LANGUAGES):
        for w in load_stoplist(lang):
            index.setdefault(w, []).append(li)
    return {w: tuple(v) for w, v in index.items()}


@lru_cache(maxsize=1)
def _stop_groups() -> tuple[dict[str, int], tuple[tuple[int, ...], ...]]:
    """Each stop word's group: the number of the set of candidate languages
    whose lists hold it (``groups[number]``), so that a page's stop words are
    counted per group in one pass at C speed.  Numbers start at 1 (``groups[0]``
    is empty): a word's ``group.get`` is true exactly when it is a stop word."""
    numbers: dict[tuple[int, ...], int] = {(): 0}
    group = {w: numbers.setdefault(langs, len(numbers)) for w, langs in _stop_index().items()}
    return group, tuple(numbers)


def pick_language(words: Counter[str]) -> tuple[str, frozenset[str]]:
    """The candidate language whose stop words are most frequent among ``words``.

    A word in several lists counts for each of them in part (1 / their
    number): jusText's larger lists hold common words of other languages too
    (its Finnish list has "and", "of", "the", "in"), and an English page must
    not be judged Finnish by them.
    """
    group = _stop_groups()[0]
    counts: Counter[int] = Counter()
    for w, c in words.items():
        if w in group:
            counts[group[w]] += c
    return _pick(counts, sum(words.values()))


def _page_language(lines: Sequence[str], words: Sequence[list[str]]) -> tuple[str, frozenset[str]]:
    """:func:`pick_language` over the words of a page's long lines (the first
    SAMPLE_CHARS characters of them): the same choice, counting only the stop
    words' groups instead of every word.  ``words[i]`` is ``lines[i].lower().split()``:
    unless the sample is cut (inside a word, maybe), its words are those lists
    one after another."""
    sample: list[int] = []
    size = -1  # characters of the joined sample so far
    for i, line in enumerate(lines):
        if len(line) >= LENGTH_LOW:
            sample.append(i)
            size += len(line) + 1
            if size >= SAMPLE_CHARS:
                break
    picked: Iterable[str]
    if size > SAMPLE_CHARS:
        cut = " ".join(lines[i] for i in sample)[:SAMPLE_CHARS].lower().split()
        picked, total = cut, len(cut)
    else:  # the sample lines' words, without copying them into one list
        picked = itertools.chain.from_iterable(map(words.__getitem__, sample))
        total = sum(map(len, map(words.__getitem__, sample)))
    group = _stop_groups()[0]
    return _pick(Counter(filter(None, map(group.get, picked))), total)  # one look-up per word


def _pick(counts: Mapping[int, int], total: int) -> tuple[str, frozenset[str]]:
    """The language of a text of ``total`` words with ``counts[g]`` stop words of group g."""
    groups = _stop_groups()[1]
    per_language = [0.0] * len(LANGUAGES)
    for g, c in counts.items():
        langs = groups[g]
        part = c / len(langs)
        for li in langs:
            per_language[li] += part
    best, best_n = "", 0.0
    for lang, n in zip(LANGUAGES, per_language):
        if n > best_n:
            best, best_n = lang, n
    if not best or best_n < 0.1 * total:
        return "", frozenset()
    return best, load_stoplist(best)


@dataclass(slots=True)
class _Para:
    first: int  # line indexes first..last (inclusive), all non-blank
    last: int
    text: str
    bullet: bool
    chars: int
    words: int
    stops: int
    sentence: bool  # ends like a sentence
    num: int = 0  # the item number of a numbered list item ("3. ...", "3)" or "3." alone), else 0
    kind: str = ""  # good / near / short / bad
    reason: str = ""


def _paragraphs(lines: Sequence[str], words: Sequence[list[str]], stop: frozenset[str], language: str) -> list[_Para]:
    """Paragraphs of ``lines``; ``words[i]`` is ``lines[i].lower().split()``; ``stop`` is the stop-word list of ``language``."""
    paras: list[_Para] = []
    cur: list[str] = []
    cur_words: list[str] = []
    first = -1
    bullet = False
    num = 0
    is_stop = stop.__contains__

    def flush(last: int) -> None:
        text = " ".join(cur) if len(cur) > 1 else cur[0]
        # a letter (most paragraphs start with one: no regex search needed)
        nwords = len(cur_words) if text[:1].isalpha() or _LETTER.search(text) else 0
        stops = sum(map(is_stop, cur_words)) if language else 0
        paras.append(_Para(first, last, text, bullet, len(text), nwords, stops, _ends_sentence(text), num))

    for i, line in enumerate(lines):
        if not line:
            if cur:
                flush(i - 1)
                cur = []
            continue
        digit = line[0].isdigit()
        m = _BULLET.match(line) if digit or line[0] in _BULLET_FIRST else None
        content = line[m.end() :] if m else line
        line_words = words[i] if m is None else content.lower().split()
        if cur:
            prev = cur[-1]
            run_on = not m and (
                prev.endswith(_RUN_ON_ENDS)
                or (
                    not _ends_sentence(prev)
                    and (
                        (_RUN_ON_START.match(content) is not None and not content[:1].isupper())
                        or (" " in prev and prev.rsplit(" ", 1)[-1].lower() in stop)
                    )
                )
            )
            if run_on:
                cur.append(content)
                cur_words = cur_words + line_words  # a new list: words[i] stays as it is
                continue
            flush(i - 1)
            cur = []
        cur.append(content)
        cur_words = line_words
        first = i
        bullet = m is not None
        n = _NUMBER.match(line) if digit else None
        num = int(n.group(1)) if n else 0
    if cur:
        flush(len(lines) - 1)
    return paras


# Script or style text saved with the page, and archive or tag lists with
# counts ("Juni (3) Mai (5) April (2)"): brackets, semicolons and operators
# make up more than 1 / CODE_SHARE of the characters.
_CODE_BYTES = b"{}();=<>&|[]"
CODE_SHARE = 12
# A long paragraph of sentences whose stop-word density is below jusText's
# low mark but at least PROSE_STOPWORDS (names and figures, informal words the
# list lacks, a language without a list) is neutral, not evidence against.
PROSE_CHARS = 150
PROSE_STOPWORDS = 0.15
PROSE_WEIGHT = 0.0


def _code_chars(text: str) -> int:
    """How many characters of ``text`` are in _CODE_BYTES.  In UTF-8 an ASCII
    byte is a whole character, and bytes.translate deletes them at C speed
    (a regex search for them is 2.5 times slower on prose)."""
    data = text.encode("utf-8", "surrogatepass")
    return len(data) - len(data.translate(None, _CODE_BYTES))


def _classify(p: _Para, has_stop: bool) -> None:
    if p.words == 0:
        p.kind, p.reason = "bad", "page:counter"
        return
    if p.bullet and p.chars < LENGTH_LOW and not p.sentence:
        p.kind, p.reason = "bad", "page:link-list"
        return
    if p.chars < LENGTH_LOW:
        p.kind, p.reason = "short", "page:short"
        return
    if _code_chars(p.text) * CODE_SHARE > p.chars:
        p.kind, p.reason = "bad", "page:symbols"
        return
    dens = p.stops / p.words if has_stop else 0.4  # stop-word density (p.words > 0 here)
    if dens >= STOPWORDS_HIGH:
        p.kind = "good" if p.chars >= LENGTH_HIGH else "near"
    elif dens >= STOPWORDS_LOW:
        p.kind = "near"
    elif p.sentence and p.chars >= PROSE_CHARS and dens >= PROSE_STOPWORDS:
        # a long paragraph of sentences with some stop words: prose in a
        # style the list knows less well (names, figures, informal words)
        p.kind, p.reason = "prose", "page:low-stopwords"
    else:
        p.kind, p.reason = "bad", "page:low-stopwords"


def _weight(p: _Para) -> float:
    """How much a paragraph speaks for (> 0) or against (< 0) the article around it."""
    if p.kind == "good":
        return min(p.chars, 1500) / 100.0
    if p.kind == "near":
        return min(p.chars, 1500) / (200.0 if p.sentence else 400.0)
    if p.kind == "prose":
        return PROSE_WEIGHT
    if p.kind == "short":
        if p.sentence and p.words >= 3 and p.stops:
            return 0.2
        if p.words >= 3 and p.stops:
            return -0.2
        return -0.5
    if p.reason == "page:counter":
        return -0.5
    if p.reason == "page:link-list":
        return -0.8
    return -1.0 - min(p.chars, 500) / LOW_STOP_DIV


def _best_run(weights: Sequence[float], lo: int = 0, hi: int | None = None) -> tuple[int, int, float]:
    """Maximum-sum contiguous run of weights[lo:hi] (Kadane): (start, end inclusive, sum)."""
    hi = len(weights) if hi is None else hi
    best = (lo, lo - 1, 0.0)
    start, acc = lo, 0.0
    for i in range(lo, hi):
        w = weights[i]
        if acc <= 0:
            start, acc = i, w
        else:
            acc += w
        if acc > best[2]:
            best = (start, i, acc)
    return best


def find_article(lines: Sequence[str]) -> PageVerdict:
    """Decide which of a page's normalized lines are the article.

    The decision is repeated on the kept lines until it keeps all of them (at
    most MAX_PASSES times), so that the result is a fixed point: the kept lines
    of a kept set are all kept again.

    It keeps nothing between calls: a caller that may hand in the same page
    again (the pipeline's proof pass) keeps the verdict itself.
    """
    words = [line.lower().split() for line in lines]  # split once for every pass
    keys: dict[str, str] = {}  # _key of a text, for every pass (the same short paragraphs recur)
    verdict = _one_pass(lines, words, keys)
    # a pass that keeps every line would only repeat itself (_one_pass is pure):
    # most pages are decided by one pass
    if all(verdict.keep):
        return verdict
    index = list(range(len(lines)))
    keep = list(verdict.keep)
    reasons = list(verdict.reasons)
    for _ in range(MAX_PASSES - 1):
        index = [i for i in index if keep[i]]
        again = _one_pass([lines[i] for i in index], [words[i] for i in index], keys)
        if all(again.keep):
            break
        for j, i in enumerate(index):
            if not again.keep[j]:
                keep[i] = False
                reasons[i] = again.reasons[j]
    headline = verdict.headline if verdict.headline is not None and keep[verdict.headline] else None
    return PageVerdict(tuple(keep), tuple(reasons), headline, verdict.language)


MAX_PASSES = 4
# A best run with a sum below MIN_ARTICLE and fewer than MIN_PARAS paragraphs
# of weight MIN_PARA or more is no clear article (a short text among widgets,
# a recipe of lists): then only paragraphs that are boilerplate by themselves
# (weight below FALLBACK_MIN: link lists, counters, symbols) are dropped.
MIN_ARTICLE = 3.0
MIN_PARA = 0.3
MIN_PARAS = 3
# A page where the article would leave out at most this many paragraphs is
# taken as clean already: everything stays.
CLEAN_MAX_DROPPED = 2


def _one_pass(lines: Sequence[str], words: Sequence[list[str]], keys: dict[str, str]) -> PageVerdict:
    """One decision over ``lines``; ``words[i]`` is ``lines[i].lower().split()``;
    ``keys`` holds :func:`_key` of texts seen so far (see :func:`_key`)."""
    n = len(lines)
    if n == 0:
        return PageVerdict((), (), None)
    language, stop = _page_language(lines, words)
    paras = _paragraphs(lines, words, stop, language)
    if not paras:
        return _keep_all(len(lines), "page:blank", language)
    for p in paras:
        _classify(p, bool(stop))

    weights = [_weight(p) for p in paras]
    _mark_stamps(paras, weights)
    _mark_lists(paras, weights)
    s, e, total = _choose_run(weights, paras, n)
    anchor = _anchor(paras, weights, keys)
    if anchor is not None and not (anchor < s <= anchor + ANCHOR_REACH):
        hs, he, htotal = _run_from(weights, anchor + 1)
        if he >= hs and htotal >= ANCHOR_RATIO * total:
            s, e, total = hs, he, htotal
    if e < s:  # nothing article-like: keep all (no basis to drop anything)
        return _keep_all(len(lines), "page:no-article", language)
    if total < MIN_ARTICLE and sum(1 for w in weights[s : e + 1] if w >= MIN_PARA) < MIN_PARAS:
        return _weak(lines, paras, weights, language)
    s0 = s
    s = _extend(weights, s, -1)
    s = _sentences_before(paras, s)
    # nothing before a headline that repeats the page title is article
    titled = _headline(paras, weights, s0, lines, keys, title_only=True)
    if titled is not None and titled > s:
        s = titled
    e = _extend(weights, e, +1)
    for _ in range(TAIL):
        if e + 1 < len(paras) and weights[e + 1] >= TAIL_MIN:
            e += 1
        else:
            break
    e = _next_articles(paras, e)
    head = titled if titled is not None and titled == s else _headline(paras, weights, s, lines, keys)

    top = head if head is not None else s
    # The paragraphs dropped: all before the headline and after the article,
    # and what is clearly boilerplate between the headline and the article.
    # Counted first: most pages are clean, and then no line needs a reason.
    between = [k for k in range(top, s) if not _lead(paras[k], weights[k], k == head)]
    if top + len(paras) - 1 - e + len(between) <= CLEAN_MAX_DROPPED:
        return _keep_all(n, "page:clean", language)
    keep = [False] * n
    reasons = ["page:outside"] * n
    for k, p in enumerate(paras):
        if top <= k <= e:
            inside = k >= s or _lead(p, weights[k], k == head)
            why = "page:article" if k >= s else ("page:headline" if k == head else "page:lead")
            if not inside:
                why = p.reason or "page:between"
        else:
            inside = False
            why = p.reason or ("page:before-headline" if k < top else "page:after-article")
        for i in range(p.first, p.last + 1):
            keep[i] = inside
            reasons[i] = why
    _drop_post_stamps(paras, weights, keep, reasons)  # after the clean test: a clean file keeps its stamps
    _blanks(lines, keep, reasons)
    return PageVerdict(tuple(keep), tuple(reasons), paras[head].first if head is not None else None, language)


def _lead(p: _Para, weight: float, head: bool) -> bool:
    """Does a paragraph between the headline and the article stay?  What is
    not clearly boilerplate, and sentences (a lead of names and figures)."""
    return weight > -0.3 or head or (p.sentence and p.words >= LEAD_WORDS)


def _keep_all(n: int, reason: str, language: str) -> PageVerdict:
    return PageVerdict((True,) * n, (reason,) * n, None, language)


def _weak(lines: Sequence[str], paras: Sequence[_Para], weights: Sequence[float], language: str) -> PageVerdict:
    """No run of the page is clearly the article: drop only what is boilerplate by itself."""
    n = len(lines)
    keep = [True] * n
    reasons = ["page:weak"] * n
    for p, w in zip(paras, weights):
        if w < FALLBACK_MIN:
            for i in range(p.first, p.last + 1):
                keep[i], reasons[i] = False, p.reason or "page:weak-drop"
    if sum(1 for p in paras if not keep[p.first]) <= CLEAN_MAX_DROPPED:
        return _keep_all(len(lines), "page:clean", language)
    _blanks(lines, keep, reasons)
    return PageVerdict(tuple(keep), tuple(reasons), None, language)


FALLBACK_MIN = -0.3


def _blanks(lines: Sequence[str], keep: list[bool], reasons: list[str]) -> None:
    """A blank line stays when the line before or after it does."""
    n = len(lines)
    prev_kept = False
    for i in range(n):
        if lines[i]:
            prev_kept = keep[i]
        elif prev_kept:
            keep[i], reasons[i] = True, "page:blank"
    next_kept = False
    for i in range(n - 1, -1, -1):
        if lines[i]:
            next_kept = keep[i]
        elif next_kept:
            keep[i], reasons[i] = True, "page:blank"


# The headline anchor: a short line that repeats the page title (the first
# line of a dump that has it) or, without one, a short line that the page
# repeats, followed by content.  The run after it is taken when it holds at
# least ANCHOR_RATIO of the best run's weight.
ANCHOR_RATIO = 0.5
ANCHOR_REACH = 12
_TITLE_SPLIT = re.compile(r"\s+[-|–—:·•»/]+\s+")


def _anchor(paras: Sequence[_Para], weights: Sequence[float], known: dict[str, str]) -> int | None:
    # the keys of the short paragraphs, the only ones that can be a headline
    keys = {k: _key(p.text, known) for k, p in enumerate(paras) if 2 <= p.words <= 25 and p.chars <= 250 and not p.bullet}
    title = ""
    if keys.get(0):
        parts = [_key(t, known) for t in _TITLE_SPLIT.split(paras[0].text)]
        title = max(parts, key=len)
        if len(title) < 12:
            title = ""
    # a candidate's key has 12 characters or more (in paragraph order)
    long = {k: key for k, key in keys.items() if len(key) >= 12}
    cands: list[int] = []
    if title:
        cands = [k for k, key in long.items() if k and (title in key or key in title)]
    if not cands:
        seen: dict[str, int] = {}
        for k, key in long.items():
            if key.count(" ") >= 2:
                if key in seen:
                    cands.append(k)
                seen.setdefault(key, k)
        # the first occurrence of a repeated line counts too
        cands = sorted(set(cands) | {seen[long[k]] for k in cands})
    best, best_mass = None, ANCHOR_MASS
    for k in cands:
        mass = sum(w for w in weights[k + 1 : k + 1 + ANCHOR_REACH] if w > 0)
        if mass >= best_mass:  # ties: the later occurrence
            best, best_mass = k, mass
    return best


ANCHOR_MASS = 1.0


def _run_from(weights: Sequence[float], start: int) -> tuple[int, int, float]:
    """The run starting at the first positive weight at or after ``start`` with the highest sum."""
    while start < len(weights) and weights[start] <= 0:
        start += 1
    best = (start, start - 1, 0.0)
    acc = 0.0
    for i in range(start, len(weights)):
        acc += weights[i]
        if acc > best[2]:
            best = (start, i, acc)
    return best


# Candidate runs: the best run, then the best runs left and right of it, and so
# on (at most MAX_RUNS, each with a sum of at least RUN_MIN).  Each is scored by
# its sum times a factor that favours runs early in the page (articles come
# before comments, related-story teasers and cookie dialogs):
# 1 - POSITION_PENALTY * (start line / line count).
MAX_RUNS = 12
RUN_MIN = 2.0
POSITION_PENALTY = 0.8


def _choose_run(weights: Sequence[float], paras: Sequence[_Para], n: int) -> tuple[int, int, float]:
    best = _best_run(weights)
    if best[1] < best[0]:
        return best
    runs = [best]
    todo = [(0, best[0]), (best[1] + 1, len(weights))]
    while todo and len(runs) < MAX_RUNS:
        lo, hi = todo.pop()
        if hi - lo <= 0:
            continue
        r = _best_run(weights, lo, hi)
        if r[1] >= r[0] and r[2] >= RUN_MIN:
            runs.append(r)
            todo.append((lo, r[0]))
            todo.append((r[1] + 1, hi))
    return max(runs, key=lambda r: r[2] * (1.0 - POSITION_PENALTY * paras[r[0]].first / n))


# How much evidence against (sum of negative weights) a gap may hold for the
# article to go on past it, and how far (in paragraphs) to look.
# After the article: up to TAIL paragraphs in a row of at least TAIL_MIN
# weight (sentences, short lines with stop words) are its last lines.
TAIL = 0
TAIL_MIN = -0.3
LOW_STOP_DIV = 1000.0
# Past the end of the best run, only paragraphs of at least this weight pull
# the article on.
FORWARD_MIN = 2.0
GAP_TOLERANCE = {-1: 10.0, +1: 0.0}
LOOK = {-1: 60, +1: 0}


def _extend(weights: Sequence[float], edge: int, step: int) -> int:
    """Move ``edge`` outwards over gaps of boilerplate to more content (weight > 0)."""
    gap = 0.0
    j = edge + step
    seen = 0
    while 0 <= j < len(weights) and seen < LOOK[step]:
        w = weights[j]
        if w > (0 if step < 0 else FORWARD_MIN):
            edge, gap, seen = j, 0.0, 0
        else:
            gap += w
            seen += 1
            if gap < -GAP_TOLERANCE[step]:
                break
        j += step
    return edge


HEAD_LOOK = 8


# Sentences right next to the article run belong to it, whatever their stop
# words: a paragraph of NEXT_WORDS words or more that ends a sentence (names
# and figures, a language the lists know badly, generated text).  Boilerplate
# next to an article is rarely one: "Teilen", "Tags: ...", bylines, dates,
# "Your email address will not be published." (eight words).  After the run
# the article goes on over such sentences, and over a title followed by
# NEXT_SENTENCES of them (the next article of a file of several articles;
# one sentence after a title is a teaser).
NEXT_WORDS = 10
NEXT_SENTENCES = 2


def _is_prose(p: _Para) -> bool:
    return p.sentence and p.words >= NEXT_WORDS and not p.bullet


def _title_like(p: _Para) -> bool:
    return 2 <= p.words <= 25 and p.chars <= 200 and not p.sentence and not p.bullet


def _sentences_before(paras: Sequence[_Para], s: int) -> int:
    """The article's first paragraph, moved back over the sentences right before it."""
    while s > 0 and _is_prose(paras[s - 1]):
        s -= 1
    return s


def _next_articles(paras: Sequence[_Para], e: int) -> int:
    """The article's last paragraph, moved on over the sentences right after
    it, and over each title followed by NEXT_SENTENCES or more sentences."""
    n = len(paras)
    while e + 1 < n:
        titled = _title_like(paras[e + 1])
        start = e + 2 if titled else e + 1
        j = start
        while j < n and _is_prose(paras[j]):
            j += 1
        if j - start < (NEXT_SENTENCES if titled else 1):
            break
        e = j - 1
    return e


def _headline(
    paras: Sequence[_Para], weights: Sequence[float], s: int, lines: Sequence[str], keys: dict[str, str], title_only: bool = False
) -> int | None:
    """The paragraph taken as the headline: among the few short paragraphs just
    before the article, the one repeated earlier in the page (the last repeat of
    the title), else the nearest title-like one."""
    cands = []
    for k in range(s - 1, max(-1, s - 1 - HEAD_LOOK), -1):
        p = paras[k]
        if p.bullet and p.reason == "page:link-list" and p.words < 2:
            continue
        if 2 <= p.words <= 25 and p.chars <= 200 and not p.text.endswith("."):
            cands.append(k)
    if not cands:
        return None
    earlier = {_key(p.text, keys) for p in paras[: cands[-1]]}
    first = _key(lines[0], keys) if lines else ""
    for k in cands:
        key = _key(paras[k].text, keys)
        if (key in earlier and not title_only) or (len(key) > 10 and first.startswith(key)):
            return k
    if title_only:
        return None
    # the first line of the input, just before the article: an article's own title
    if cands[-1] == 0:
        return 0
    return None


def _key(text: str, keys: dict[str, str]) -> str:
    """The words of ``text``, lower-cased, one space apart.  ``keys`` remembers
    them for one :func:`find_article` call: the anchor and the headline look
    at the same short paragraphs, in every pass."""
    key = keys.get(text)
    if key is None:
        if text.isascii():  # most: lower-cased and cut at all but letters by one bytes.translate
            key = b" ".join(text.encode("ascii").translate(_ASCII_KEY).split()).decode("ascii")
        else:
            key = " ".join(_WORD.findall(text.lower()))
        keys[text] = key
    return key


# ASCII letters to lower case, every other ASCII byte to a space: in ASCII
# text, _WORD's runs of letters are what bytes.split() gives after this.
_ASCII_KEY = bytes.maketrans(bytes(range(128)), bytes(ord(c.lower()) if c.isalpha() else 0x20 for c in map(chr, range(128))))


# A timestamp line: a short line with a date and a time of day, as comments
# and forum posts carry one each ("19. Juni 2019 / 6:16", "May 30, 2019 at
# 1:06 PM", "12.10.2015, 19:16 Uhr").  One such line is the article's dateline;
# when the page has at least STAMPS_MIN of them they mark posts after the
# article and weigh STAMP_WEIGHT against the run they are in.
_TIME = re.compile(r"(?<![\d.:])\d{1,2}:\d{2}(?::\d{2})?(?![\d.:]\d)")
_DATE = re.compile(r"\d{1,2}\.\s?\d{1,2}\.(?:\s?\d{2,4})?|\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}|(?<!\d)(?:1[89]|20)\d{2}(?!\d)|\d{1,2}\.?\s+[^\W\d_]{3,}\.?,?\s+\d{4}")
STAMP_CHARS = 80
STAMPS_MIN = 2
STAMP_WEIGHT = -3.0


def _is_stamp(p: _Para) -> bool:
    return p.chars <= STAMP_CHARS and _TIME.search(p.text) is not None and _DATE.search(p.text) is not None


def _drop_post_stamps(paras: Sequence[_Para], weights: Sequence[float], keep: list[bool], reasons: list[str]) -> None:
    """The timestamps of posts (a page with STAMPS_MIN or more) are no article
    text even inside the article run: the posts' text stays, their stamps go."""
    for p, w in zip(paras, weights):
        if w <= STAMP_WEIGHT and keep[p.first] and _is_stamp(p):
            for i in range(p.first, p.last + 1):
                keep[i], reasons[i] = False, "page:timestamp"


def _mark_stamps(paras: Sequence[_Para], weights: list[float]) -> None:
    stamps = [k for k, p in enumerate(paras) if p.chars <= STAMP_CHARS and _is_stamp(p)]  # most are longer
    if len(stamps) < STAMPS_MIN:
        return
    for k in stamps:
        weights[k] = min(weights[k], STAMP_WEIGHT)


# Lists inside the article (steps, points, ingredients, specifications) are
# runs of short items like menus, but they show it: their items are numbered
# 1, 2, 3, ... in order, or they follow a lead-in sentence ending in ":"
# ("Gehen Sie so vor:", "You will need:"; at least LEAD_WORDS words with a
# stop word, so not "Mehr zum Thema:") and read like content (a sentence,
# three words with a stop word, or a figure).  Their short items weigh at least
# LIST_WEIGHT (neutral) instead of counting against the article around them,
# so a list inside the article no longer cuts it off; a dropped item keeps its
# own reason.  Menus are not numbered and follow no lead-in sentence.
LIST_WEIGHT = 0.0
LIST_MIN = 3  # numbered items in order, at least
LIST_GAP = 3  # paragraphs from one numbered item to the next, at most
LIST_MAX = 40  # items after a lead-in, at most
LEAD_WORDS = 6
_DIGIT = re.compile(r"\d")
_TEASER_CUT = re.compile(r"(?:\.\.\.|…)$")


def _mark_lists(paras: Sequence[_Para], weights: list[float]) -> None:
    n = len(paras)
    items: set[int] = set()
    for k in [k for k, p in enumerate(paras) if p.num == 1]:
        chain = [k]
        j = k + 1
        while j < n and j - chain[-1] <= LIST_GAP:
            if paras[j].num == len(chain) + 1:
                chain.append(j)
            j += 1
        # comment sections and most-read lists are numbered too: their items
        # carry a timestamp or are cut short ("...")
        if len(chain) >= LIST_MIN and not any(_is_stamp(paras[j]) or _TEASER_CUT.search(paras[j].text) for j in chain):
            items.update(chain)
    for k in [k for k in range(n - 1) if paras[k].text.endswith(":")]:  # few: a quick test first
        p = paras[k]
        if p.words >= LEAD_WORDS and p.stops and not p.bullet:
            for j in range(k + 1, min(n, k + 1 + LIST_MAX)):
                q = paras[j]
                if q.chars >= LENGTH_LOW and not q.bullet:
                    break
                if q.sentence or (q.stops and q.words >= 3) or _DIGIT.search(q.text):
                    items.add(j)
    items.update(_quantity_lists(paras))
    for k in items:
        if weights[k] < LIST_WEIGHT and paras[k].reason not in ("page:symbols",):
            weights[k] = LIST_WEIGHT


# Ingredient lists, nutrition facts and specification tables have neither
# numbers in order nor a lead-in sentence, but their items carry amounts with
# a unit: a short line "125 g", "2 Pck.", "1/2 TL" or "125 g Mehl", or a bare
# number followed by a unit alone ("350" / "g").  A stretch of short
# paragraphs with at least QUANTITY_MIN amounts with a unit, at most
# QUANTITY_GAP paragraphs without an amount in a row (the unit, the name,
# "Salz", a note like "weich", "Für die Füllung:"), is a list of the article.  Ranked lists
# ("1 Idées", "2", "3": most-read, top ten) count up one by one and are no
# amounts; a dateline ("12.03.2024") is no amount either (a unit is a word).
QUANTITY_MIN = 3
QUANTITY_GAP = 3
_AMOUNT = r"(?:ca\.\s*)?(?:\d+(?:[.,/]\d+)?(?:\s*[-–]\s*\d+(?:[.,]\d+)?)?|[½¼¾⅓⅔⅛])\s*[½¼¾]?"
_UNIT = r"[^\W\d_]{1,8}\.?(?:/[^\W\d_]{1,3})?"
_BARE_AMOUNT = re.compile(_AMOUNT + "$")
_UNIT_AMOUNT = re.compile(_AMOUNT + r"\s*" + _UNIT + r"(?:\s|$)")
_UNIT_ALONE = re.compile(_UNIT + "$")
_LEAD_NUMBER = re.compile(r"\d+")
_AMOUNT_FIRST = frozenset("0123456789½¼¾⅓⅔⅛c")  # what an amount can start with ("ca. 200 g")


def _amount(paras: Sequence[_Para], k: int) -> str:
    """"unit" for an amount with a unit, "bare" for a number alone, else ""."""
    p = paras[k]
    if p.chars >= LENGTH_LOW or p.text[:1] not in _AMOUNT_FIRST:
        return ""
    if _BARE_AMOUNT.match(p.text) is not None:
        after = paras[k + 1] if k + 1 < len(paras) else None
        return "unit" if after is not None and _UNIT_ALONE.match(after.text) is not None else "bare"
    return "unit" if _UNIT_AMOUNT.match(p.text) is not None and not _is_stamp(p) else ""


def _ranked(paras: Sequence[_Para], amounts: Sequence[int]) -> bool:
    """The leading numbers count up by one for most of the items (a ranking, not amounts)."""
    nums = [int(m.group()) for k in amounts if (m := _LEAD_NUMBER.match(paras[k].text))]
    steps = sum(1 for a, b in zip(nums, nums[1:]) if b == a + 1)
    return steps * 2 >= len(nums) - 1 > 0


def _quantity_lists(paras: Sequence[_Para]) -> set[int]:
    """The paragraphs of lists of amounts (see above)."""
    kinds = {k: kind for k, p in enumerate(paras) if p.chars < LENGTH_LOW and p.text[:1] in _AMOUNT_FIRST and (kind := _amount(paras, k))}
    if sum(1 for kind in kinds.values() if kind == "unit") < QUANTITY_MIN:
        return set()  # most pages: no list of amounts at all
    items: set[int] = set()
    chain: list[int] = []
    amounts: list[int] = []
    gap = 0

    def close() -> None:
        if sum(1 for k in amounts if kinds[k] == "unit") >= QUANTITY_MIN and not _ranked(paras, amounts):
            # up to the unit and the name after the last amount
            items.update(k for k in chain if k <= amounts[-1] + 2)

    for k in range(min(kinds), min(len(paras), max(kinds) + QUANTITY_GAP + 1)):
        p = paras[k]
        if k in kinds:
            if not chain and k and paras[k - 1].chars < LENGTH_LOW and paras[k - 1].text.endswith(":"):
                chain.append(k - 1)  # the list's own heading ("Zutaten:")
            chain.append(k)
            amounts.append(k)
            gap = 0
        elif chain and gap < QUANTITY_GAP and p.words and p.chars < LENGTH_LOW:
            chain.append(k)
            gap += 1
        elif chain:
            close()
            chain, amounts, gap = [], [], 0
    if chain:
        close()
    return items
