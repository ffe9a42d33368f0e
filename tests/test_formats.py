"""Structured output: every format on the seed, the schema, and idempotence of record text."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import jsonschema
import pytest

from scrubber import Cleaner
from scrubber.formats import records

from .conftest import ROOT, SEED, SEED_EXPECTED, fixture_pairs, run_cli

SCHEMA = json.loads((ROOT / "src" / "scrubber" / "schemas" / "article.schema.json").read_text())
EXPECTED_JSON = json.loads((ROOT / "fixtures" / "seeds" / "expected" / "000_0b09d74a2fa6fe40.json").read_text())


def seed_records(fmt: str) -> list[dict]:  # type: ignore[type-arg]
    r = run_cli("clean", "--format", fmt, str(SEED))
    assert r.returncode == 0, r.stderr
    if fmt == "jsonl":
        return [json.loads(line) for line in r.stdout.decode().splitlines()]
    return json.loads(r.stdout)  # type: ignore[no-any-return]


@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_seed_records(fmt: str) -> None:
    recs = seed_records(fmt)
    assert len(recs) == 2
    for rec, exp in zip(recs, EXPECTED_JSON):
        jsonschema.validate(rec, SCHEMA)
        assert rec["title"] == exp["title"]
        assert rec["captions"] == exp["captions"]
        assert rec["paragraphs"] == exp["paragraphs"]
        assert rec["body"] == "\n\n".join(exp["paragraphs"])
        assert "TT" not in rec["text"].split("\n") and "20" not in rec["text"].split("\n")
    assert "\n\n\n".join(rec["text"] for rec in recs) + "\n" == SEED_EXPECTED.read_text()
    assert [rec["index"] for rec in recs] == [0, 1]
    assert recs[0]["metadata"]["dropped"] == {"repeat": 4, "tt-widget": 2}


def test_ids_are_stable_and_distinct() -> None:
    a, b = seed_records("jsonl"), seed_records("jsonl")
    assert [r["id"] for r in a] == [r["id"] for r in b]
    assert len({r["id"] for r in a}) == 2


def test_markdown_with_front_matter() -> None:
    r = run_cli("clean", "--format", "markdown", "--front-matter", str(SEED))
    md = r.stdout.decode()
    assert md.startswith("---\nid: ")
    assert f"source: {SEED}" in md
    assert "\n# ISIS Militants Escape After Russian Raid on Idlib\n" in md
    assert "\n*Around 3,000 ISIS fighters have surrendered from the group's last holdout in Syria. (Reuters photo)*\n" in md
    assert md.count("\n# ") == 2


def test_unknown_format_is_a_usage_error() -> None:
    assert run_cli("clean", "--format", "xml", str(SEED)).returncode == 2


@pytest.mark.parametrize(("src", "expected"), fixture_pairs(), ids=[s.stem for s, _ in fixture_pairs()])
def test_record_text_is_idempotent(cleaner: Cleaner, src: Path, expected: Path) -> None:
    result = cleaner.clean_path(src)
    for rec in records(result):
        again = records(cleaner.clean_text(rec["text"]))
        assert [r["text"] for r in again] == [rec["text"]]


def test_report(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    r = run_cli("clean", str(SEED), "--report", str(report))
    assert r.returncode == 0
    doc = json.loads(report.read_text())
    assert doc["files"] == 1 and doc["articles"] == 2
    assert doc["bytes_in"] == SEED.stat().st_size
    assert doc["bytes_out"] == SEED_EXPECTED.stat().st_size
    assert doc["dropped_per_rule"] == {"tt-widget": 4}
    assert doc["lines_collapsed"] == 8
    assert doc["warnings"] == [] and doc["errors"] == []
    assert doc["duration_seconds"] >= 0


def test_gzip_output(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl.gz"
    assert run_cli("clean", "-f", "jsonl", str(SEED), "-o", str(out)).returncode == 0
    assert len(gzip.decompress(out.read_bytes()).decode().splitlines()) == 2
    first = out.read_bytes()
    run_cli("clean", "-f", "jsonl", str(SEED), "-o", str(out))
    assert out.read_bytes() == first  # deterministic bytes, no timestamp
