"""The fast paths give exactly what the plain definitions give."""

from __future__ import annotations

import re
import string

from hypothesis import given, settings
from hypothesis import strategies as st

from scrubber.normalize import maybe_bad
from scrubber.similarity import fold, signature

_NONWORD = re.compile(r"[\W_]+")


def reference_fold(text: str) -> str:
    return _NONWORD.sub(" ", text.casefold()).strip()


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=80))
def test_ascii_fold_equals_the_regex(text: str) -> None:
    assert fold(text) == reference_fold(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(string.printable + "\u00e9\u00df\u2019\u2026\u00a0\u0130_"), max_size=80))
def test_fold_equals_the_regex(text: str) -> None:
    assert fold(text) == reference_fold(text)


def test_fold_examples() -> None:
    assert fold("  Hello,  World_42!... ") == "hello world 42"
    assert fold("Stra\u00dfe \u2013 Caf\u00e9") == "strasse caf\u00e9"
    assert fold("...") == ""


def reference_maybe_bad(text: str) -> bool:
    """maybe_bad spelled out: the conditions every ftfy repair needs."""
    if re.search("[\u0080-\U0010ffff]{2}|[\x80-\x9f\ud800-\udfff]|[\u00c2\u00c3] ", text):
        return True
    return re.search("[\u0152\u0153][^A-Za-z]", text) is not None


_BAD_ALPHABET = "a \n\u00c2\u00c3\u0152\u0153\u0085\u009f\u00a0\u00bf\u00e9\u2019\u20ac\ud800\udfff\U0001f600\u0100"


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=st.sampled_from(_BAD_ALPHABET), max_size=8))
def test_maybe_bad_equals_its_definition(text: str) -> None:
    assert maybe_bad(text) == reference_maybe_bad(text)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(string.printable + "\u00e9\u00df\u2019\u2026\u00a0\u0130_"), max_size=40))
def test_signature_is_the_fold_without_spaces(text: str) -> None:
    assert signature(text) == reference_fold(text).replace(" ", "")

