"""The regex prefix index (prefixes.py) may only ever let too many texts through, never too few."""

from __future__ import annotations

import re

import regex as rx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scrubber.prefixes import pattern_prefixes, prefix_index
from scrubber.rules import load_ruleset

DEFAULT_PATTERNS = sorted({p for rule in load_ruleset().rules for p in rule.regex})


def _matches(pattern: str, text: str) -> bool:
    return rx.compile(pattern, rx.IGNORECASE).fullmatch(text) is not None


@given(data=st.data(), pattern=st.sampled_from(DEFAULT_PATTERNS))
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_every_full_match_of_a_default_rule_passes_its_index(data: st.DataObject, pattern: str) -> None:
    index = prefix_index([pattern])
    text = data.draw(st.from_regex(re.compile(pattern, re.IGNORECASE), fullmatch=True))
    if index is not None and _matches(pattern, text):
        assert index.may_match(text), (pattern, text)


@given(text=st.text(alphabet=st.sampled_from("abcKkSsIi \u212a\u017f\u0131\u0130"), max_size=6))
def test_case_forms_beyond_ascii_are_let_through(text: str) -> None:
    pattern = "(kiss|ski)s?"
    index = prefix_index([pattern])
    assert index is not None
    if _matches(pattern, text):
        assert index.may_match(text)


def test_the_index_answers_for_ordinary_lines() -> None:
    ruleset = load_ruleset()
    for matcher, marker in ((ruleset._line, "Read more"), (ruleset._block, "We use cookies to improve your experience.")):
        assert matcher.starts is not None
        assert not matcher.starts.may_match("The council voted on Tuesday to close the bridge.")
        assert matcher.starts.may_match(marker)


def test_literal_alternatives_give_their_starts() -> None:
    assert pattern_prefixes("(Share|teilen)\\s*:?") == {"sha", "tei"}
    assert pattern_prefixes("ad") == {"ad"}  # a match shorter than the depth
    assert pattern_prefixes("(?:x|y)+z") == {"xxx", "xxy", "xxz", "xyx", "xyy", "xyz", "xz", "yxx", "yxy", "yxz", "yyx", "yyy", "yyz", "yz"}
    assert pattern_prefixes("\\bfoto\\b.*") == {"fot"}  # zero-width assertions are skipped


def test_patterns_that_can_start_with_anything_get_no_index() -> None:
    for pattern in ("\\d+", ".*cookies", "[^x]y", "(a|\\w)b", "a?", "(?:)", "\\p{L}+"):
        assert pattern_prefixes(pattern) is None, pattern
    assert pattern_prefixes("[[:alpha:]]+") is None  # a POSIX class in the regex module, literals to Python's parser
    assert pattern_prefixes("(?:foo){e<=1}") is None  # a fuzzy match in the regex module
    assert pattern_prefixes("(a)\\1") == {"a"}  # a backreference ends the prefix; what comes before it still counts
    assert prefix_index(["share", "\\d+"]) is None  # one unindexable pattern turns the index off


def test_non_ascii_text_is_always_let_through() -> None:
    index = prefix_index(["(à lire aussi|related)"])
    assert index is not None
    assert index.may_match("à lire aussi")
    assert index.may_match("\u212aelvin")  # not ASCII: the regex decides
    assert not index.may_match("unrelated")
