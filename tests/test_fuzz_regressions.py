"""Inputs that fuzzing once broke (tests/fuzz/regressions): they must hold the fuzz properties."""

from __future__ import annotations

from pathlib import Path

import pytest

from scrubber import Cleaner, InputError
from scrubber.normalize import normalize_text
from scrubber.read import decode

REGRESSIONS = sorted((Path(__file__).parent / "fuzz" / "regressions").glob("*"))


@pytest.mark.parametrize("path", REGRESSIONS, ids=[p.name for p in REGRESSIONS])
def test_fuzz_regression(cleaner: Cleaner, path: Path) -> None:
    data = path.read_bytes()
    try:
        text = cleaner.clean_bytes(data).text
    except InputError:
        return
    assert cleaner.clean_text(text).text == text
    inputs = set(normalize_text(decode(data).text).split("\n"))
    assert [line for line in text.split("\n") if line and line not in inputs] == []
