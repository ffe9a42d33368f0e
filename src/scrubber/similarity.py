"""When are two lines "the same line"?  Exact repeats by hash, near ones by rapidfuzz.

Lines are compared by a folded key: case-folded, every run of punctuation and
spacing turned into one space.  That makes case, spacing, punctuation and
quote style irrelevant; rapidfuzz's ``ratio`` (with ``score_cutoff``, so a
hopeless pair costs almost nothing) then accepts a few changed characters.  A
copy that ends in "..." or "…" is a truncated copy when its key is (nearly)
the start of the other line's key.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from rapidfuzz.distance import Indel

_NONWORD = re.compile(r"[\W_]+")
# For ASCII text, fold is: lower-case, every byte but [a-z0-9] a space, single
# spaces; all done at C speed by bytes.translate and split (a test checks
# that this gives what the regex gives).
_ASCII_FOLD = bytes.maketrans(bytes(range(0x80)), bytes(b if chr(b).isalnum() else 0x20 for b in range(0x80)).lower())
ELLIPSES = ("...", "\u2026")
# A truncated copy must keep at least this much of the line it copies.
MIN_TRUNCATED_CHARS = 12


class Key(NamedTuple):
    folded: str
    truncated: bool


# Other text is folded the same way in its UTF-8 bytes (an ASCII byte is a
# whole character), and only its runs of non-ASCII characters go through
# casefold and the regex (both per character, so a run folds on its own).
_NON_ASCII_RUN = re.compile(b"[\x80-\xff]+")


def _fold_run(m: re.Match[bytes]) -> bytes:
    return _NONWORD.sub(" ", m.group().decode("utf-8", "surrogatepass").casefold()).encode("utf-8", "surrogatepass")


def fold(text: str) -> str:
    """Case-folded, every run of non-word characters (and ``_``) one space, stripped."""
    if text.isascii():
        return " ".join(text.encode("ascii").translate(_ASCII_FOLD).decode("ascii").split())
    data = _NON_ASCII_RUN.sub(_fold_run, text.encode("utf-8", "surrogatepass").translate(_ASCII_FOLD))
    return " ".join(data.decode("utf-8", "surrogatepass").split())


_ASCII_NONALNUM = bytes(b for b in range(0x80) if not chr(b).isalnum())


def _signature_run(m: re.Match[bytes]) -> bytes:
    return _NONWORD.sub("", m.group().decode("utf-8", "surrogatepass").casefold()).encode("utf-8", "surrogatepass")


def signature(text: str) -> str:
    """``fold(text)`` without its spaces: texts with equal folds have equal
    signatures.  Much cheaper than fold (one bytes.translate that also deletes;
    non-ASCII runs as in fold)."""
    data = text.encode("utf-8", "surrogatepass").translate(_ASCII_FOLD, _ASCII_NONALNUM)
    if not text.isascii():
        data = _NON_ASCII_RUN.sub(_signature_run, data)
    return data.decode("utf-8", "surrogatepass")


# A bucket is the first BUCKET_CHARS characters of a text's signature, read
# from its first BUCKET_READ characters when they hold that many (a
# signature is built character by character, so the signature of a prefix
# is a prefix of the signature).  Long paragraphs are bucketed without
# translating all of their text.
BUCKET_CHARS = 24
BUCKET_READ = 64


def bucket(text: str) -> str:
    """A cheap stand-in for ``signature(text)``: texts with equal folds have equal buckets."""
    head = signature(text[:BUCKET_READ])
    if len(head) >= BUCKET_CHARS or len(text) <= BUCKET_READ:
        return head[:BUCKET_CHARS]
    return signature(text)[:BUCKET_CHARS]


def key(text: str) -> Key:
    # Stripping the ellipsis first would change nothing: fold drops trailing
    # punctuation and spaces anyway.
    return Key(fold(text), text.endswith(ELLIPSES))


def could_match(a: str, b: str) -> bool:
    """Cheap pre-check on raw lines before their keys are computed.

    Lines whose lengths differ by more than half (and where the shorter is not
    a truncated copy) are never the same line at any threshold this tool
    accepts (50 or more): folding only drops punctuation and spacing.
    """
    la, lb = len(a), len(b)
    if la > lb:
        a, b, la, lb = b, a, lb, la
    return 2 * la >= lb or a.endswith(ELLIPSES)


def similarity(a: Key, b: Key, threshold: float) -> float | None:
    """Score (0-100) at which ``a`` and ``b`` are the same line, or None."""
    if a.folded == b.folded:
        return 100.0 if a.folded else None
    short, full = (a, b) if len(a.folded) <= len(b.folded) else (b, a)
    if short.truncated and len(short.folded) >= MIN_TRUNCATED_CHARS:
        score = _ratio(short.folded, full.folded[: len(short.folded)], threshold)
        if score is not None:
            return score
    la, lb = len(a.folded), len(b.folded)
    if 200.0 * min(la, lb) < threshold * (la + lb):
        return None  # the length difference alone keeps the ratio below threshold
    return _ratio(a.folded, b.folded, threshold)


def _ratio(a: str, b: str, threshold: float) -> float | None:
    score = Indel.normalized_similarity(a, b, score_cutoff=threshold / 100.0) * 100.0
    return round(score, 1) if score >= threshold else None
