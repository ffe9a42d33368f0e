"""Stage 2, normalize: repair and canonicalize text, line by line.

Each step is small, pure and idempotent (the idea of ftfy's ``fixes.py``):

1. ftfy repairs mojibake (``â€™`` -> ``’``), C1 controls and surrogates;
2. odd spaces (NBSP, thin spaces, tabs...) become a space; zero-width
   characters, soft hyphens and control characters are removed; curly quotes
   are straightened when ``quotes == "straight"`` (one ``str.translate``);
3. Unicode NFC;
4. runs of spaces collapse to one; leading and trailing spaces go.

Every step works within a line, so the whole text can be processed at once.
The fast path (the default) skips ftfy for text that cannot need it, using
ftfy's own badness check, and skips NFC for text already in NFC; the slow
path runs ftfy on every line.  Both give the same text (a test checks it).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right

import ftfy
from ftfy.badness import BADNESS_RE

from .settings import QuoteStyle

# ftfy does the encoding repair only; the other steps are ours, so that the
# fast path can skip ftfy entirely and still match the slow path byte for byte.
FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=False,
    fix_encoding=True,
    restore_byte_a0=True,
    replace_lossy_sequences=True,
    decode_inconsistent_utf8=True,
    fix_c1_controls=True,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_surrogates=True,
    remove_control_chars=False,
    normalization=None,
    explain=False,
)

# Besides mojibake (found by is_bad), ftfy's remaining steps act only on C1
# controls and surrogates (see _c1_or_surrogate): text without any of the
# three is left alone by it.
# ftfy's is_bad is a large regex (a few MB/s).  Every one of its alternatives
# needs two adjacent non-ASCII characters, a C1 control, "Â " / "Ã ", or "œ"
# before a non-letter (see ftfy.badness.BADNESS_RE; a test checks the claim on
# generated text), so text where none of these is found is not bad.
# All of that is looked for in the UTF-8 bytes, with single-byte ``in``
# (memchr) first, so that the rest runs only when a rare lead byte is there.
# Two adjacent non-ASCII characters are a continuation byte followed by a lead
# byte: mapping every continuation byte (80-BF) to "c" and every lead byte
# (C0-FF) to "L" (bytes.translate runs at memory speed) turns that into one
# search for "cL".  "Â " / "Ã " are C3 82/83 20, "Œ" / "œ" C5 92/93, a C1
# control U+0080-U+009F is C2 80-9F and a surrogate (surrogatepass) ED A0-BF.
_BYTE_CLASSES = bytes.maketrans(bytes(range(0x100)), b"." * 0x80 + b"c" * 0x40 + b"L" * 0x40)
_A_SPACE_BYTES = re.compile(b"\xc3[\x82\x83] ")
_C1_BYTES = re.compile(b"\xc2[\x80-\x9f]")
_SURROGATE_BYTES = re.compile(b"\xed[\xa0-\xbf]")
_OE_BAD = re.compile("[\u0152\u0153][^A-Za-z]")


def maybe_bad(text: str) -> bool:
    """False when ftfy has surely nothing to do: is_bad(text) is False and there
    is no C1 control or surrogate.  Cheap: no regex alternation."""
    if text.isascii():
        return False
    data = text.encode("utf-8", "surrogatepass")
    if b"\xc3" in data and _A_SPACE_BYTES.search(data) is not None:
        return True
    if b"\xc5" in data and _OE_BAD.search(text) is not None:
        return True
    if b"cL" in data.translate(_BYTE_CLASSES):
        return True
    return _c1_or_surrogate(data)


def _c1_or_surrogate(data: bytes) -> bool:
    """Does this UTF-8 (surrogatepass) text hold a C1 control or a surrogate?"""
    if b"\xc2" in data and _C1_BYTES.search(data) is not None:
        return True
    return b"\xed" in data and _SURROGATE_BYTES.search(data) is not None


SPACES = "\t\x0b\x0c\u2028\u2029\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
# Zero-width space, word joiner, BOM, soft hyphen, Mongolian vowel separator.
# ZWJ and ZWNJ stay: they carry meaning in Persian, Indic scripts and emoji.
INVISIBLE = "\u200b\u2060\ufeff\u00ad\u180e"
CONTROLS = "".join(chr(c) for c in (*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F, *range(0x80, 0xA0)))
SINGLE_QUOTES = "\u2018\u2019\u201a\u201b"
DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f"

_BASE_TABLE: dict[int, str | None] = {ord(c): " " for c in SPACES}
_BASE_TABLE.update({ord(c): None for c in INVISIBLE + CONTROLS})
_STRAIGHT_TABLE = dict(_BASE_TABLE)
_STRAIGHT_TABLE.update({ord(c): "'" for c in SINGLE_QUOTES})
_STRAIGHT_TABLE.update({ord(c): '"' for c in DOUBLE_QUOTES})
TABLES: dict[str, dict[int, str | None]] = {"straight": _STRAIGHT_TABLE, "keep": _BASE_TABLE}

# The characters of the tables that are common in real text go by str.replace
# (a fast scan); the table is used only when a rarer one is present.
_COMMON = {
    "straight": (("\u2019", "'"), ("\u2018", "'"), ("\u201c", '"'), ("\u201d", '"'), ("\u00a0", " "), ("\t", " ")),
    "keep": (("\u00a0", " "), ("\t", " ")),
}
_RARE = {name: re.compile("[" + re.escape("".join(chr(c) for c in table if chr(c) not in dict(_COMMON[name]))) + "]") for name, table in TABLES.items()}
# Printable ASCII and LF are in no table.  Deleted from the UTF-8 bytes, they
# leave the other characters, still valid UTF-8 (an ASCII byte is a whole
# character), for _RARE to look through: much faster than a regex over the text.
_PLAIN_ASCII = bytes(range(0x20, 0x7F)) + b"\n"
_SPACE_RUN = re.compile(" {2,}")
_EDGE_SPACES = re.compile(r"^ +| +$", re.MULTILINE)


# Removing a control character can put two characters side by side that look
# like mojibake again; passes repeat until nothing changes (bounded).
MAX_PASSES = 4


def normalize_text(text: str, quotes: QuoteStyle = "straight", fast: bool = True) -> str:
    """Normalize every line of ``text`` (LF line ends).  Keeps the line count.

    The result is a fixed point: normalizing it again changes nothing.
    """
    new, settled = _pass(text, quotes, fast)
    # Without anything for ftfy to do, the other steps are idempotent,
    # so ``new`` is already a fixed point.
    if new == text or settled or not maybe_bad(new):
        return new
    # Every step works within a line, so a line that a pass leaves alone is
    # a fixed point, and so is one where ftfy has nothing to do: the next
    # passes need only the changed lines that may be bad.
    before, lines = text.split("\n"), new.split("\n")
    if len(before) != len(lines):
        return _whole_passes(new, quotes, fast)
    changed = [i for i, line in enumerate(lines) if line != before[i]]
    for _ in range(MAX_PASSES - 1):
        again = []
        for i in changed:
            line = lines[i]
            if maybe_bad(line):
                fixed = _one_pass(line, quotes, fast)
                if "\n" in fixed:
                    return _whole_passes(new, quotes, fast)
                if fixed != line:
                    lines[i] = fixed
                    again.append(i)
        if not again:
            break
        changed = again
    return "\n".join(lines)


def _whole_passes(text: str, quotes: QuoteStyle, fast: bool) -> str:
    """The passes after the first, over the whole text (``text`` has had one)."""
    for _ in range(MAX_PASSES - 1):
        new = _one_pass(text, quotes, fast)
        if new == text or not maybe_bad(new):
            return new
        text = new
    return text


def _one_pass(text: str, quotes: QuoteStyle, fast: bool) -> str:
    return _pass(text, quotes, fast)[0]


def _pass(text: str, quotes: QuoteStyle, fast: bool) -> tuple[str, bool]:
    """One pass, and whether its result surely gives ftfy nothing to do.

    That is sure when the input gave it nothing (maybe_bad False) and the
    pass deleted no character and composed none (NFC): replacing quotes and
    odd spaces by ASCII, collapsing spaces and stripping them cannot put two
    non-ASCII characters side by side or make "Â " (see maybe_bad).
    """
    settled = False
    if fast:
        settled = not maybe_bad(text)
        if not settled:
            text = _repair_lines_with_triggers(text)
    else:
        text = "\n".join(ftfy.fix_text(line, FTFY_CONFIG) for line in text.split("\n"))
    text, deleted = _translate(text, quotes)
    settled = settled and not deleted
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
        settled = False
    if "  " in text:
        text = _SPACE_RUN.sub(" ", text)
    if " \n" in text or "\n " in text:
        text = _EDGE_SPACES.sub("", text)
    return text.strip(" "), settled


def normalize_line(line: str, quotes: QuoteStyle = "straight", fast: bool = True) -> str:
    """Normalize a single line (no newline in it)."""
    return normalize_text(line, quotes, fast)


def _translate(text: str, quotes: QuoteStyle) -> tuple[str, bool]:
    """``text.translate(TABLES[quotes])``, without its per-character cost where
    possible; and whether a rarer character of the table (which may be one the
    table deletes) was there."""
    for old, new in _COMMON[quotes]:
        if old in text:
            text = text.replace(old, new)
    others = text.encode("utf-8", "surrogatepass").translate(None, _PLAIN_ASCII)
    if others and _RARE[quotes].search(others.decode("utf-8", "surrogatepass")) is not None:
        return text.translate(TABLES[quotes]), True
    return text, False


# is_bad searches its regex at every character of a line, which is slow on
# long paragraphs that merely hold a name like "Ibáñez".  A match of BADNESS_RE
# is a short local pattern (at most 7 characters, no lookaround) and, by the
# claim maybe_bad rests on, holds a trigger: two adjacent non-ASCII characters,
# a C1 control or surrogate, "Â " / "Ã ", or "œ" before a non-letter.  So the
# regex needs searching only near the triggers (``pos`` keeps "^" from matching
# inside the text).  A test compares this with is_bad.
_TRIGGERS = re.compile("[\x80-\U0010ffff]{2,}|[\x80-\x9f\ud800-\udfff]|[\u00c2\u00c3] |[\u0152\u0153][^A-Za-z]")
_TRIGGER_REACH = 16  # characters searched on each side of a trigger


def is_bad_near_triggers(text: str) -> bool:
    """``ftfy.badness.is_bad(text)``, searched only around the triggers."""
    search = BADNESS_RE.search
    for m in _TRIGGERS.finditer(text):
        if search(text, max(0, m.start() - _TRIGGER_REACH), m.end() + _TRIGGER_REACH) is not None:
            return True
    return False


def _needs_ftfy(text: str) -> bool:
    """Would ftfy (with FTFY_CONFIG) change this line?  False means surely not."""
    return maybe_bad(text) and (is_bad_near_triggers(text) or _c1_or_surrogate(text.encode("utf-8", "surrogatepass")))


def _repair_fast(text: str) -> str:
    # What maybe_bad finds within a line it finds within the whole text, so a
    # text that passes as a whole needs no line-by-line look.
    return _repair_lines_with_triggers(text) if maybe_bad(text) else text


def _repair_lines_with_triggers(text: str) -> str:
    # The lines where maybe_bad's triggers are, and only those, are looked at
    # (a text with a few mojibake lines is mostly clean lines).
    lines = text.split("\n")
    for i in _suspect_lines(text.encode("utf-8", "surrogatepass")):
        line = lines[i]
        if _needs_ftfy(line):
            lines[i] = ftfy.fix_text(line, FTFY_CONFIG)
    return "\n".join(lines)


# Everything maybe_bad looks for, as byte patterns over UTF-8 (a superset:
# "Œ"/"œ" at any place).  "cL" is searched in the byte classes (see maybe_bad).
_TRIGGER_BYTES = (_A_SPACE_BYTES, re.compile(b"\xc5[\x92\x93]"), _C1_BYTES, _SURROGATE_BYTES)
_CL = re.compile(b"cL")


def _suspect_lines(data: bytes) -> list[int]:
    """The indices of the lines of ``data`` where maybe_bad may be true, in order.

    Lines without any trigger have maybe_bad False, so ftfy would leave them
    alone.  Each search skips to the next line after a hit, so a line full of
    triggers (Cyrillic, Greek, CJK) costs one hit, not one per character.
    """
    newlines = [m.start() for m in _NEWLINE.finditer(data)]
    found: set[int] = set()
    classes = data.translate(_BYTE_CLASSES)
    for pattern, haystack in ((_CL, classes), *((p, data) for p in _TRIGGER_BYTES)):
        pos = 0
        while (m := pattern.search(haystack, pos)) is not None:
            line = bisect_right(newlines, m.start())
            found.add(line)
            if line >= len(newlines):
                break
            pos = newlines[line] + 1
    return sorted(found)


_NEWLINE = re.compile(b"\n")
