"""Stage 1, read: bytes to text with LF line ends.

UTF-8 (with or without BOM) is taken as it is.  UTF-16/32 with a BOM are
decoded by the BOM.  Anything else is detected with charset-normalizer and
decoded, with a warning naming the file and the encoding.  Binary input is
refused with an :class:`InputError`.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from charset_normalizer import from_bytes

from .errors import BinaryInputError, InputError
from .model import Decoded

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Control characters that do not occur in text files (tab, LF, VT, FF, CR and
# ESC are left out: they do).  A file with many of them is binary.
_BINARY_CONTROLS = bytes((*range(0x00, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20)))
# Every other byte: deleting these leaves the controls, counted at memory speed.
_NOT_BINARY_CONTROLS = bytes(b for b in range(0x100) if b not in _BINARY_CONTROLS)
_BINARY_SHARE = 0.05
_NEWLINES = re.compile("\r\n?|[\u2028\u2029\x85]")
# Share of bytes that may be invalid in an otherwise UTF-8 file before we stop
# calling it UTF-8 and ask the detector.
_INVALID_UTF8_SHARE = 0.01
# Or: at least this many valid multi-byte UTF-8 characters per invalid
# sequence.  A short UTF-8 file with a couple of stray cp1252 bytes (curly
# quotes) passes; a cp1252 file almost never does, since each of its accented
# letters is an invalid sequence and valid pairs occur only by accident.
_VALID_PER_INVALID = 2


def read_path(path: Path) -> bytes:
    """Read a file's bytes, turning OS errors into one-line InputErrors."""
    try:
        if path.is_dir():
            raise InputError(str(path), "is a directory, not a file")
        return path.read_bytes()
    except InputError:
        raise
    except FileNotFoundError:
        raise InputError(str(path), "no such file") from None
    except PermissionError:
        raise InputError(str(path), "permission denied") from None
    except OSError as exc:
        raise InputError(str(path), exc.strerror or str(exc)) from None


def decode(data: bytes, source: str = "-", newlines: bool = True) -> Decoded:
    """Decode ``data`` to text with LF line ends.

    With ``newlines=False`` line ends are left as they are (JSONL: records
    are split on LF only, and a U+2028 inside a JSON string is data).
    """
    text, encoding, warnings = _decode(data, source)
    return Decoded(text=normalize_newlines(text) if newlines else text, encoding=encoding, warnings=tuple(warnings))


def normalize_newlines(text: str) -> str:
    """CRLF, CR and the Unicode line separators to LF."""
    if "\r" in text or "\u2028" in text or "\u2029" in text or "\x85" in text:
        text = _NEWLINES.sub("\n", text)
    return text


def _decode(data: bytes, source: str) -> tuple[str, str, list[str]]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding, []
            except UnicodeDecodeError:
                raise InputError(source, f"starts with a {encoding} byte order mark but is not valid {encoding}") from None
    _refuse_binary(data, source)
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    text = data.decode("utf-8", errors="replace")
    bad, good = _count_utf8(data, text)
    if good and (bad <= max(1, len(data) * _INVALID_UTF8_SHARE) or bad * _VALID_PER_INVALID <= good):
        return (
            text,
            "utf-8",
            [f"{source}: {bad} invalid UTF-8 byte sequence(s) (first at byte {first_bad}) replaced with U+FFFD"],
        )
    best = from_bytes(data).best()
    if best is None:
        raise BinaryInputError(source, "is not text (no text encoding fits it)")
    encoding = best.encoding
    text = str(best)
    return text, encoding, [f"{source}: not UTF-8; decoded as {encoding} (guessed)"]


def _refuse_binary(data: bytes, source: str) -> None:
    if b"\x00" in data:
        raise BinaryInputError(source, "is binary (contains NUL bytes)")
    if data:
        sample = data[:65536]
        controls = len(sample.translate(None, _NOT_BINARY_CONTROLS))
        if controls > len(sample) * _BINARY_SHARE:
            raise BinaryInputError(source, "is binary (mostly non-text bytes)")


def _count_utf8(data: bytes, replaced: str) -> tuple[int, int]:
    """Invalid UTF-8 sequences and valid multi-byte characters in ``data``.

    ``replaced`` is ``data`` decoded as UTF-8 with U+FFFD for each invalid
    sequence; a U+FFFD that was in the file (EF BF BD) counts as valid.
    """
    genuine = data.count(b"\xef\xbf\xbd")
    bad = replaced.count("\ufffd") - genuine
    non_ascii = len(replaced) - len(replaced.encode("ascii", "ignore"))
    return bad, non_ascii - bad
