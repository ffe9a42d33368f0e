"""Near-duplicate articles: quality on the labelled set, determinism, and clean --dedup."""

from __future__ import annotations

import itertools
import json
import random
import shutil
from pathlib import Path

import pytest

from scrubber import Cleaner
from scrubber.dedup import Signer, find_duplicates

from .conftest import FIXTURES, SEED, SEED_EXPECTED, run_cli

DEDUP = FIXTURES / "dedup"


def labelled() -> tuple[list[dict], list[list[str]]]:  # type: ignore[type-arg]
    arts = [json.loads(line) for line in (DEDUP / "articles.jsonl").read_text().splitlines()]
    return arts, json.loads((DEDUP / "labels.json").read_text())["clusters"]


def pairs(clusters: list[list[str]]) -> set[tuple[str, str]]:
    return {tuple(sorted(p)) for c in clusters for p in itertools.combinations(c, 2)}  # type: ignore[misc]


@pytest.mark.skipif(not (DEDUP / "articles.jsonl").exists(), reason="labelled set not generated")
def test_precision_and_recall_on_the_labelled_set(capsys: pytest.CaptureFixture[str]) -> None:
    arts, truth_clusters = labelled()
    assert len(arts) >= 300
    cleaner = Cleaner()
    signer = Signer()
    sigs = []
    for a in arts:
        result = cleaner.clean_text(a["text"], source=a["id"])
        sigs.extend(signer.sign(a["id"], art) for art in result.articles)
    found = find_duplicates(sigs, 0.8)
    got = pairs([[c.kept.source, *(m.source for m in c.members)] for c in found.clusters])
    truth = pairs(truth_clusters)
    tp = len(got & truth)
    precision = tp / len(got) if got else 1.0
    recall = tp / len(truth)
    with capsys.disabled():
        print(f"\ndedup on {len(arts)} labelled articles: precision {precision:.3f}, recall {recall:.3f} ({len(truth)} true pairs, {len(got)} found)")
    assert precision >= 0.98
    assert recall >= 0.95


def test_clusters_do_not_depend_on_order() -> None:
    cleaner = Cleaner()
    signer = Signer()
    result = cleaner.clean_path(SEED)
    sigs = [signer.sign(src, a) for src in ("b.txt", "a.txt", "c.txt") for a in result.articles]
    first = find_duplicates(sigs).to_dict()
    random.Random(1).shuffle(sigs)
    assert find_duplicates(sigs).to_dict() == first
    assert first["clusters"][0]["kept"]["source"] == "a.txt"  # ties go to the first path


def test_kept_article_is_the_longest(tmp_path: Path) -> None:
    text = SEED_EXPECTED.read_text().split("\n\n\n")[0]
    longer = text + "\n\nOne more paragraph that only this copy carries, with its own words."
    (tmp_path / "a.txt").write_text(text + "\n")
    (tmp_path / "b.txt").write_text(longer + "\n")
    r = run_cli("dedup", str(tmp_path))
    doc = json.loads(r.stdout)
    (cluster,) = doc["clusters"]
    assert cluster["kept"]["source"].endswith("b.txt")
    assert 0.8 <= cluster["members"][0]["similarity"] < 1.0


def test_dedup_command_and_clean_dedup(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for name in ("one.txt", "two.txt"):
        shutil.copy(SEED, src / name)
    report = tmp_path / "dups.json"
    r = run_cli("dedup", str(src), "--report", str(report))
    assert r.returncode == 0, r.stderr
    doc = json.loads(report.read_text())
    assert doc["summary"]["duplicates"] == 2 and doc["summary"]["exact_duplicates"] == 2
    assert "2 duplicate(s)" in r.stderr.decode()
    out = tmp_path / "out"
    r = run_cli("clean", "--dedup", str(src), "-o", str(out), "--format", "jsonl", "--report", str(tmp_path / "r.json"), "--jobs", "2")
    assert r.returncode == 0, r.stderr
    recs = [json.loads(line) for line in (out / "articles.jsonl").read_text().splitlines()]
    assert len(recs) == 2 and all(rec["source"].endswith("one.txt") for rec in recs)
    assert json.loads((tmp_path / "r.json").read_text())["dedup"]["summary"]["duplicates"] == 2
    assert (src / "two.txt").read_bytes() == SEED.read_bytes()  # inputs never changed


def test_clean_dedup_on_files_to_stdout(tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    shutil.copy(SEED, a)
    shutil.copy(SEED, b)
    r = run_cli("clean", "--dedup", str(b), str(a))
    assert r.stdout == SEED_EXPECTED.read_bytes()
