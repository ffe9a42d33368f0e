"""scrubber explain: the same decisions as clean, for people and machines."""

from __future__ import annotations

import json

from scrubber import Action, Cleaner

from .conftest import SEED, run_cli


def seed_rows() -> list[dict]:  # type: ignore[type-arg]
    r = run_cli("explain", "--format", "json", str(SEED))
    assert r.returncode == 0, r.stderr
    (doc,) = json.loads(r.stdout)
    return doc["lines"]  # type: ignore[no-any-return]


def test_explain_names_the_tt_rule_and_collapses() -> None:
    rows = {row["line"]: row for row in seed_rows()}
    for no in (5, 6, 45, 46):
        assert rows[no]["action"] == "drop" and rows[no]["reason"] == "tt-widget"
        assert rows[no]["description"]
    assert rows[8]["action"] == "collapse" and rows[8]["ref"] == 1
    assert "collapsed into line 1" in rows[8]["fate"]
    assert rows[1]["starts_article"] and rows[41]["starts_article"]
    assert rows[1]["role"] == "title" and rows[3]["role"] == "caption" and rows[13]["role"] == "body"


def test_explain_uses_the_decisions_of_clean(cleaner: Cleaner) -> None:
    result = cleaner.clean_path(SEED)
    rows = seed_rows()
    assert len(rows) == len(result.decisions)
    kept = [row["text"] for row in rows if row["action"] == "keep"]
    assert kept == [d.text for d in result.decisions if d.action is Action.KEEP]


def test_explain_text_when_piped_is_plain() -> None:
    r = run_cli("explain", str(SEED))
    out = r.stdout.decode()
    assert "\x1b[" not in out
    assert "dropped by tt-widget" in out
    assert "collapsed into line 1" in out
    assert "article 2 starts here" in out
    lines = out.splitlines()
    assert any(line.strip().startswith("5 ") and "tt-widget" in line for line in lines)
