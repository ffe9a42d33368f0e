"""Which few characters can a regex's full match start with?

Rule regexes are matched with ``fullmatch`` against every short line and every
block of up to 80 words; most lines match none of them.  A regex such as
``(we use cookies|wir verwenden cookies)\\b.*`` can only match a text that
starts with "we " or "wir": looking up the text's first characters in a set
answers for most lines at the cost of one slice and one hash, where the regex
engine costs microseconds per call.

:func:`prefix_index` reads a pattern with Python's own regex parser and lists
the lower-cased ASCII strings (up to ``DEPTH`` characters) a match can start
with.  The list is sound, never complete: wherever the parser's tree is not
plain literals, alternatives, groups and repeats (a character category, a
backreference, a non-ASCII letter whose case rules are subtle, syntax only the
``regex`` module reads), the prefix stops there, and a pattern that can start
with anything gets no index at all.  Zero-width assertions (``\\b``, ``^``,
lookarounds) are skipped, which can only let more texts through.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

try:  # Python 3.11+
    import re._constants as _c
    import re._parser as _parser
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _parser  # type: ignore[no-redef]

DEPTH = 3  # characters looked at
_BUDGET = 5000  # expansion steps per pattern before giving up
_MAX_CLASS = 40  # a character class with more members than this ends the prefix
_ZERO_WIDTH = {_c.AT, _c.ASSERT, _c.ASSERT_NOT}
_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", _c.MAX_REPEAT)}


# Syntax that Python's parser reads differently from the regex module (which
# runs the rules): POSIX classes "[[:alpha:]]" and fuzzy constraints "{e<=1}"
# parse as literal characters here.  Such patterns get no index.
_OTHER_DIALECT = __import__("re").compile(r"\[:\^?[a-z]+:\]|\{(?!\d*,?\d*\})|\(\?V1")


class _GiveUp(Exception):
    pass


class PrefixIndex:
    """A set of possible starts per length: ``may_match(text)`` is False only
    when no pattern of the index can fully match ``text``."""

    __slots__ = ("by_length",)

    def __init__(self, prefixes: Iterable[str]) -> None:
        by_length: dict[int, set[str]] = {}
        for p in prefixes:
            by_length.setdefault(len(p), set()).add(p)
        self.by_length = tuple((n, frozenset(s)) for n, s in sorted(by_length.items()))

    def may_match(self, text: str) -> bool:
        for n, starts in self.by_length:
            head = text[:n]
            if not head.isascii() or head.lower() in starts:
                return True
        return False


def prefix_index(patterns: Sequence[str]) -> PrefixIndex | None:
    """The index of ``patterns`` (matched case-insensitively or not), or None
    when some pattern can start with anything we cannot list."""
    found: set[str] = set()
    for pattern in patterns:
        starts = pattern_prefixes(pattern)
        if starts is None:
            return None
        found |= starts
    return PrefixIndex(found)


def pattern_prefixes(pattern: str) -> set[str] | None:
    """Lower-cased ASCII starts (at most DEPTH characters) of every full match of ``pattern``, or None."""
    if _OTHER_DIALECT.search(pattern):
        return None
    try:
        tree = _parser.parse(pattern)
    except Exception:  # syntax only the regex module reads, or a Python version difference
        return None
    if tree.state.flags & (_c.SRE_FLAG_VERBOSE | _c.SRE_FLAG_LOCALE):
        return None  # inline flags that change what a literal means
    try:
        starts = _expand(list(tree), "", [_BUDGET])
    except (_GiveUp, RecursionError):
        return None
    if "" in starts:
        return None  # some match may start with anything
    return starts


def _expand(items: list[Any], prefix: str, budget: list[int]) -> set[str]:
    """The starts of every match of ``items`` (a parsed sequence) after ``prefix``."""
    budget[0] -= 1
    if budget[0] < 0:
        raise _GiveUp
    if len(prefix) >= DEPTH or not items:
        return {prefix}
    (op, av), rest = items[0], items[1:]
    if op is _c.LITERAL or op is _c.IN:
        chars = _ascii_forms(chr(av)) if op is _c.LITERAL else _class_members(av)
        if chars is None:
            return {prefix}
        out: set[str] = set()
        for ch in chars:
            out |= _expand(rest, prefix + ch, budget)
        return out
    if op is _c.BRANCH:
        out = set()
        for alternative in av[1]:
            out |= _expand(list(alternative) + rest, prefix, budget)
        return out
    if op is _c.SUBPATTERN:
        _group, add_flags, del_flags, sub = av
        if add_flags or del_flags:
            return {prefix}  # scoped flags: stop here, soundly
        return _expand(list(sub) + rest, prefix, budget)
    if op in _REPEATS:
        low, high, sub = av
        if high == 0:
            return _expand(rest, prefix, budget)
        again = (op, (max(low - 1, 0), high - 1 if high != _c.MAXREPEAT else high, sub))
        out = _expand(list(sub) + [again] + rest, prefix, budget)
        if low == 0:
            out |= _expand(rest, prefix, budget)
        return out
    if op in _ZERO_WIDTH:
        return _expand(rest, prefix, budget)
    return {prefix}  # ANY, categories, backreferences...: the prefix ends here


def _ascii_forms(ch: str) -> list[str]:
    """The lower-cased ASCII characters that ``ch`` may match, ignoring case.

    An ASCII letter matches itself; a non-ASCII one matches no ASCII text
    character, except the few whose case forms are ASCII (the Kelvin sign
    and "k", the long s and "s", the dotless i and "i"...).  A text whose
    first characters are not all ASCII is always let through (see
    PrefixIndex.may_match), so listing only ASCII forms is enough.
    """
    if ch.isascii():
        return [ch.lower()]
    forms = {ch.lower(), ch.upper(), ch.casefold(), ch.lower().upper(), ch.upper().lower()}
    return sorted({f[0].lower() for f in forms if f and f[0].isascii()})


def _class_members(av: list[Any]) -> list[str] | None:
    """The lower-cased ASCII forms of a character class's members, or None when it is not a small set."""
    members: set[str] = set()
    for op, value in av:
        if op is _c.LITERAL:
            members.add(chr(value))
        elif op is _c.RANGE:
            lo, hi = value
            if hi - lo > _MAX_CLASS:
                return None
            members.update(chr(c) for c in range(lo, hi + 1))
        else:  # NEGATE, CATEGORY, ...
            return None
        if len(members) > _MAX_CLASS:
            return None
    return sorted({form for m in members for form in _ascii_forms(m)})
