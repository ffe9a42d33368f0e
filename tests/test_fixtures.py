"""Golden fixtures: every input in fixtures/clean cleans to its expected output,
the expected output is stable when cleaned again, and nothing is invented."""

from __future__ import annotations

from pathlib import Path

import pytest

from scrubber import Cleaner
from scrubber.normalize import normalize_line
from scrubber.read import decode

from .conftest import SEED, SEED_EXPECTED, fixture_pairs

PAIRS = fixture_pairs()
IDS = [src.stem for src, _ in PAIRS]


def test_there_are_enough_fixtures() -> None:
    assert len(PAIRS) >= 25


def test_seed_cleans_byte_for_byte(cleaner: Cleaner) -> None:
    assert cleaner.clean_path(SEED).text.encode("utf-8") == SEED_EXPECTED.read_bytes()


@pytest.mark.parametrize(("src", "expected"), PAIRS, ids=IDS)
def test_fixture_cleans_to_expected(cleaner: Cleaner, src: Path, expected: Path) -> None:
    got = cleaner.clean_path(src).text.encode("utf-8")
    assert got.decode() == expected.read_bytes().decode()


@pytest.mark.parametrize(("src", "expected"), PAIRS, ids=IDS)
def test_fixture_is_idempotent(cleaner: Cleaner, src: Path, expected: Path) -> None:
    once = cleaner.clean_path(src).text
    twice = cleaner.clean_bytes(once.encode("utf-8")).text
    assert twice == once
    assert cleaner.clean_path(expected).text.encode("utf-8") == expected.read_bytes()


@pytest.mark.parametrize(("src", "expected"), PAIRS, ids=IDS)
def test_fixture_invents_nothing(cleaner: Cleaner, src: Path, expected: Path) -> None:
    decoded = decode(src.read_bytes(), str(src)).text
    inputs = {normalize_line(line) for line in decoded.split("\n")}
    out = cleaner.clean_path(src).text
    invented = [line for line in out.split("\n") if line and line not in inputs]
    assert invented == []


@pytest.mark.parametrize(("src", "expected"), PAIRS, ids=IDS)
def test_fixture_keeps_every_body_word_in_order(cleaner: Cleaner, src: Path, expected: Path) -> None:
    """Never lose an article: the words of each expected paragraph appear in the output, in order."""
    out_words = cleaner.clean_path(src).text.split()
    for para in expected.read_text(encoding="utf-8").split("\n\n"):
        words = para.split()
        if not words:
            continue
        assert _contains_in_order(out_words, words), para[:80]


def _contains_in_order(haystack: list[str], needle: list[str]) -> bool:
    n = len(needle)
    return any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))
