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
from collections.abc import Iterable

import ftfy
from ftfy.badness import is_bad

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
# controls and surrogates: text without any of the three is left alone by it.
_FTFY_ALSO = re.compile("[\x80-\x9f\ud800-\udfff]")

SPACES = "\t\x0b\x0c\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
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

_SPACE_RUN = re.compile(" {2,}")
_EDGE_SPACES = re.compile(r"^ +| +$", re.MULTILINE)


def normalize_text(text: str, quotes: QuoteStyle = "straight", fast: bool = True) -> str:
    """Normalize every line of ``text`` (LF line ends).  Keeps the line count."""
    if fast:
        text = _repair_fast(text)
    else:
        text = "\n".join(ftfy.fix_text(line, FTFY_CONFIG) for line in text.split("\n"))
    text = text.translate(TABLES[quotes])
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if "  " in text:
        text = _SPACE_RUN.sub(" ", text)
    if " \n" in text or "\n " in text or text[:1] == " " or text[-1:] == " ":
        text = _EDGE_SPACES.sub("", text)
    return text


def normalize_line(line: str, quotes: QuoteStyle = "straight", fast: bool = True) -> str:
    """Normalize a single line (no newline in it)."""
    return normalize_text(line, quotes, fast)


def _needs_ftfy(text: str) -> bool:
    return not text.isascii() and (is_bad(text) or _FTFY_ALSO.search(text) is not None)


def _repair_fast(text: str) -> str:
    # A badness match inside a line is a match inside the whole text, so a
    # text that passes as a whole needs no line-by-line look.
    if not _needs_ftfy(text):
        return text
    return "\n".join(_repair_lines(text.split("\n")))


def _repair_lines(lines: Iterable[str]) -> Iterable[str]:
    for line in lines:
        yield ftfy.fix_text(line, FTFY_CONFIG) if _needs_ftfy(line) else line
