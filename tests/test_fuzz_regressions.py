"""Inputs that fuzzing once broke (tests/fuzz/regressions): they must hold the fuzz properties."""

from __future__ import annotations

from pathlib import Path

import pytest

from scrubber import Cleaner, InputError, Settings
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


def test_a_second_look_keeps_one_decision_per_input_line() -> None:
    """When cleaning the first pass's output changes it, the decisions still cover every input line."""
    data = (Path(__file__).parent / "fuzz" / "regressions" / "head-window-shrinks-after-collapse.bin").read_bytes()
    cleaner = Cleaner(Settings(page=False))  # without page detection this input needs a second look
    result = cleaner.clean_bytes(data)
    assert cleaner.clean_text(result.text).text == result.text
    lines = normalize_text(decode(data).text).split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    assert [d.no for d in result.decisions] == list(range(1, len(lines) + 1))
    assert any("(second look)" in d.reason for d in result.decisions)
    kept = [d.text for d in result.decisions if d.action.value == "keep"]
    assert sorted(kept) == sorted(line for line in result.text.split("\n") if line)
