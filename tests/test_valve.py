"""The safety valve: suspicious results are flagged; --strict does not use them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from .conftest import SEED, SEED_EXPECTED, run_cli

ONLY_MARKERS = "Share\n\nTweet\n\nAdvertisement\n"
SHORT = "A headline for a short story\n\nToo short to be an article.\n"


def folder(tmp_path: Path) -> Path:
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SEED, src / "good.txt")
    (src / "markers.txt").write_text(ONLY_MARKERS)
    (src / "short.txt").write_text(SHORT)
    return src


def test_flags_are_reported_and_results_still_used(tmp_path: Path) -> None:
    src = folder(tmp_path)
    report = tmp_path / "r.json"
    r = run_cli("clean", str(src), "-o", str(tmp_path / "out"), "--report", str(report), "--no-cache")
    assert r.returncode == 0, r.stderr
    err = r.stderr.decode()
    assert "markers.txt: flagged: no article" in err
    assert "short.txt: flagged: 1 article(s) with a body under 10 words" in err
    assert "2 flagged" in err
    flagged = {Path(f["source"]).name: f["flags"] for f in json.loads(report.read_text())["flagged"]}
    assert set(flagged) == {"markers.txt", "short.txt"}
    assert (tmp_path / "out" / "markers.txt").read_text() == ""


def test_strict_writes_the_normalized_input_and_exits_1(tmp_path: Path) -> None:
    src = folder(tmp_path)
    out = tmp_path / "out"
    r = run_cli("clean", str(src), "-o", str(out), "--strict", "--no-cache")
    assert r.returncode == 1
    assert (out / "markers.txt").read_text() == ONLY_MARKERS
    assert (out / "short.txt").read_text() == SHORT
    assert (out / "good.txt").read_bytes() == SEED_EXPECTED.read_bytes()


def test_strict_in_place_leaves_flagged_files_alone(tmp_path: Path) -> None:
    src = folder(tmp_path)
    r = run_cli("clean", "--in-place", "--strict", str(src), "--no-cache")
    assert r.returncode == 1
    assert (src / "markers.txt").read_text() == ONLY_MARKERS
    assert (src / "good.txt").read_bytes() == SEED_EXPECTED.read_bytes()
    assert "left as it is" in r.stderr.decode()


def test_max_removed(tmp_path: Path) -> None:
    r = run_cli("clean", "--max-removed", "0.1", str(SEED))
    assert "flagged: lost" in r.stderr.decode()
    assert r.stdout == SEED_EXPECTED.read_bytes()
    r = run_cli("clean", "--max-removed", "0.1", "--strict", str(SEED))
    assert r.returncode == 1
    assert r.stdout.decode().startswith("ISIS Militants Escape After Russian Raid on Idlib\n\nAround 3,000")
    assert "\nTT\n" in r.stdout.decode()  # the normalized input, not the cleaned text
