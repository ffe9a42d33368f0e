"""Normalization: each step, and the fast path against the slow path."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scrubber import Cleaner, Settings
from ftfy.badness import MOJIBAKE_CATEGORIES, is_bad

from scrubber.normalize import TABLES, _translate, maybe_bad, normalize_text

from .conftest import fixture_pairs


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("it\u00e2\u20ac\u2122s", "it's"),  # mojibake of a curly apostrophe
        ("caf\u00c3\u00a9", "caf\u00e9"),  # mojibake of e-acute
        ("\u201cquoted\u201d and \u2018single\u2019", "\"quoted\" and 'single'"),
        ("\u201ebitte\u201c sagte er", "\"bitte\" sagte er"),
        ("\u00abguillemets\u00bb stay", "\u00abguillemets\u00bb stay"),
        ("a\u00a0b\u2009c\td", "a b c d"),
        ("zero\u200bwidth\u00adsoft\ufeff", "zerowidthsoft"),
        ("ctrl\x07chars\x1b", "ctrlchars"),
        ("  many    spaces   ", "many spaces"),
        ("e\u0301", "\u00e9"),  # NFC
        ("dash \u2014 and ellipsis \u2026 stay", "dash \u2014 and ellipsis \u2026 stay"),
    ],
)
def test_normalize_steps(raw: str, clean: str) -> None:
    assert normalize_text(raw) == clean
    assert normalize_text(clean) == clean  # every step is idempotent


def test_quotes_keep() -> None:
    assert normalize_text("\u201cHi\u201d", quotes="keep") == "\u201cHi\u201d"


def test_line_count_is_kept() -> None:
    text = "a\n\u00e2\u20ac\u2122\n\n  \nb"
    assert normalize_text(text).count("\n") == text.count("\n")


MOJIBAKE_SAMPLES = [
    "Russia\u2019s defense ministry said \u201cno\u201d.",
    "Caf\u00e9 M\u00fcller in Z\u00fcrich, se\u00f1or",
    "Plain ASCII line with nothing to fix.",
    "\u00a0Non-breaking\u00a0spaces\u00a0here",
    "Euro \u20ac and pound \u00a3 signs",
    "\u0420\u0443\u0441\u0441\u043a\u0438\u0439 \u0442\u0435\u043a\u0441\u0442",
    "\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8",
]


def _corpus(seed: int, lines: int) -> str:
    rng = random.Random(seed)
    out = []
    for _ in range(lines):
        s = rng.choice(MOJIBAKE_SAMPLES)
        if rng.random() < 0.3:
            s = s.encode("utf-8").decode("cp1252", errors="replace")  # mojibake
        out.append(s)
    return "\n".join(out)


@pytest.mark.parametrize("seed", range(5))
def test_fast_path_equals_slow_path_on_generated_text(seed: int) -> None:
    text = _corpus(seed, 400)
    assert normalize_text(text, fast=True) == normalize_text(text, fast=False)


@pytest.mark.parametrize(("src", "expected"), fixture_pairs(), ids=[s.stem for s, _ in fixture_pairs()])
def test_fast_path_equals_slow_path_on_fixtures(src, expected) -> None:  # type: ignore[no-untyped-def]
    fast = Cleaner(Settings(fast=True)).clean_path(src)
    slow = Cleaner(Settings(fast=False)).clean_path(src)
    assert fast.text == slow.text
    assert fast.decisions == slow.decisions


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=200))
def test_fast_path_equals_slow_path_on_any_text(text: str) -> None:
    assert normalize_text(text, fast=True) == normalize_text(text, fast=False)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once



_MOJIBAKE_ALPHABET = sorted(set("".join(MOJIBAKE_CATEGORIES.values())) | set("ab .\n\u00c2\u00c3\u0152\u0153\u00e9\u00fc"))


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(_MOJIBAKE_ALPHABET), max_size=12))
def test_prefilter_finds_everything_ftfy_calls_bad(text: str) -> None:
    """The fast path's cheap search must match wherever ftfy's is_bad does."""
    for line in text.split("\n"):
        if is_bad(line):
            assert maybe_bad(line)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(sorted({chr(c) for c in TABLES["straight"]} | set("ab \u00e9"))), max_size=30), st.sampled_from(["straight", "keep"]))
def test_translate_shortcut_equals_the_table(text: str, quotes: str) -> None:
    assert _translate(text, quotes)[0] == text.translate(TABLES[quotes])  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["close clinic", "caf\u00e9 \u201cquoted\u201d", "na\u00efve"])
def test_prefilter_passes_clean_text(text: str) -> None:
    assert not maybe_bad(text)


@pytest.mark.parametrize("text", ["it\u00e2\u20ac\u2122s", "caf\u00c3\u00a9", "x\u0085y", "\u00c3 la"])
def test_prefilter_flags_mojibake(text: str) -> None:
    assert maybe_bad(text)
