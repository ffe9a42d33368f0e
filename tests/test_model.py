"""CleanResult.decisions is built on first read; readers cannot tell."""

from __future__ import annotations

import copy
import dataclasses
import pickle

from scrubber import Cleaner, CleanResult, Decision

TEXT = "Storm closes coastal road\n\nTT\n12\n\nStorm closes coastal road\n\nThe road stays closed until the water goes down, the council said.\n"


def test_decisions_are_a_tuple_of_decisions(cleaner: Cleaner) -> None:
    result = cleaner.clean_text(TEXT)
    assert isinstance(result.decisions, tuple)
    assert all(isinstance(d, Decision) for d in result.decisions)
    assert result.decisions is result.decisions  # built once
    assert len(result.decisions) == TEXT.count("\n")


def test_results_compare_copy_and_pickle_as_before(cleaner: Cleaner) -> None:
    a, b = cleaner.clean_text(TEXT), cleaner.clean_text(TEXT)
    assert a == b
    assert pickle.loads(pickle.dumps(b)) == a
    assert copy.deepcopy(cleaner.clean_text(TEXT)) == a
    assert dataclasses.replace(cleaner.clean_text(TEXT), source="x").decisions == a.decisions
    assert "decisions=(Decision(" in repr(cleaner.clean_text(TEXT))


def test_decisions_can_still_be_given() -> None:
    r = CleanResult(source="-", encoding="utf-8", articles=(), decisions=(), text="")
    assert r.decisions == () and r.lines_in == 0
