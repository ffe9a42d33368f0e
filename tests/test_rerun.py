"""Reruns: the stat index answers for unchanged files without reading them (and never wrongly); leftovers of killed runs are swept."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scrubber import batch, cache
from scrubber.batch import BatchOptions, Outcome, run_local, walk
from scrubber.inputs import read_bytes as real_read_bytes
from scrubber.settings import Settings

from .conftest import SEED, SEED_EXPECTED, run_cli


@pytest.fixture
def trusting(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files written by the test are fresh; trust their stamps at once (no 2-second racy window)."""
    monkeypatch.setattr(cache, "RACY_SECONDS", 0.0)


def make_tree(root: Path, n: int = 6) -> Path:
    for i in range(n):
        (root / f"d{i % 2}").mkdir(parents=True, exist_ok=True)
        shutil.copy(SEED, root / f"d{i % 2}" / f"f{i}.txt")
    (root / "d0" / "other.txt").write_text("A headline of a short note\n\nShare\n\nThe note's only paragraph, kept.\n")
    return root


def run(src: Path, out: Path | None, cache_dir: Path, workers: int = 1, mode: str = "mirror") -> list[Outcome]:
    options = BatchOptions(mode=mode, outdir=out, cache_dir=cache_dir)  # type: ignore[arg-type]
    return list(run_local(Settings(), options, walk([src]), workers))


def outputs(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*.txt"))}


def no_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(path: str) -> bytes:
        raise AssertionError(f"{path} was read")

    monkeypatch.setattr(batch, "read_bytes", refuse)


@pytest.mark.parametrize("workers", [1, 2])
def test_an_unchanged_tree_is_answered_without_reading_a_file(tmp_path: Path, trusting: None, monkeypatch: pytest.MonkeyPatch, workers: int) -> None:
    src, out, cache_dir = make_tree(tmp_path / "in"), tmp_path / "out", tmp_path / "cache"
    first = run(src, out, cache_dir)  # in this process, where the racy window is off
    before = outputs(out)
    assert before["d0/f0.txt"] == SEED_EXPECTED.read_bytes()
    no_reading(monkeypatch)
    if workers > 1:  # every file is answered: no worker process is started
        monkeypatch.setattr(batch, "_run_chunk", None)
    second = run(src, out, cache_dir, workers)
    assert [o.status for o in second] == ["cached"] * len(first)
    assert [(o.rel, o.stats, o.bytes_in, o.bytes_out) for o in second] == [(o.rel, o.stats, o.bytes_in, o.bytes_out) for o in first]
    assert outputs(out) == before


def test_a_changed_input_is_cleaned_again(tmp_path: Path, trusting: None) -> None:
    src, out, cache_dir = make_tree(tmp_path / "in"), tmp_path / "out", tmp_path / "cache"
    run(src, out, cache_dir)
    target = src / "d1" / "f1.txt"
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("Idlib", "Idlub"), encoding="utf-8")  # same size, new content
    outcomes = {o.rel: o for o in run(src, out, cache_dir)}
    assert outcomes["d1/f1.txt"].status == "cleaned"
    assert b"Idlub" in (out / "d1" / "f1.txt").read_bytes()
    assert outcomes["d0/f0.txt"].status == "cached"


def test_an_edited_or_deleted_output_is_written_again(tmp_path: Path, trusting: None) -> None:
    src, out, cache_dir = make_tree(tmp_path / "in"), tmp_path / "out", tmp_path / "cache"
    run(src, out, cache_dir)
    (out / "d0" / "f0.txt").write_text("someone edited this\n")
    (out / "d1" / "f1.txt").unlink()
    run(src, out, cache_dir)
    assert (out / "d0" / "f0.txt").read_bytes() == SEED_EXPECTED.read_bytes()
    assert (out / "d1" / "f1.txt").read_bytes() == SEED_EXPECTED.read_bytes()


def test_another_output_folder_is_not_answered_from_the_first(tmp_path: Path, trusting: None) -> None:
    src, cache_dir = make_tree(tmp_path / "in"), tmp_path / "cache"
    run(src, tmp_path / "out1", cache_dir)
    run(src, tmp_path / "out2", cache_dir)
    assert outputs(tmp_path / "out2") == outputs(tmp_path / "out1")


def test_fresh_files_are_not_trusted_by_their_stamp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Without the test's "trusting" fixture: files written less than RACY_SECONDS
    # ago could change again within one clock tick, so a rerun reads them.
    src, out, cache_dir = make_tree(tmp_path / "in"), tmp_path / "out", tmp_path / "cache"
    run(src, out, cache_dir)
    calls: list[str] = []
    real = batch.read_bytes
    monkeypatch.setattr(batch, "read_bytes", lambda p: calls.append(p) or real(p))
    second = run(src, out, cache_dir)
    assert len(calls) == len(second)
    assert {o.status for o in second} == {"cached"}  # still a hit, by content


def test_in_place_clean_files_are_answered_as_unchanged(tmp_path: Path, trusting: None, monkeypatch: pytest.MonkeyPatch) -> None:
    src, cache_dir = tmp_path / "in", tmp_path / "cache"
    src.mkdir()
    for i in range(3):
        shutil.copy(SEED_EXPECTED, src / f"clean{i}.txt")
    shutil.copy(SEED, src / "dirty.txt")
    first = {o.rel: o.status for o in run(src, None, cache_dir, mode="in-place")}
    assert first == {"clean0.txt": "unchanged", "clean1.txt": "unchanged", "clean2.txt": "unchanged", "dirty.txt": "fixed"}
    no_reading(monkeypatch)  # (process_file turns the refusal into an error outcome)
    second = {o.rel: (o.status, o.message) for o in run(src, None, cache_dir, mode="in-place")}
    assert second["clean0.txt"] == ("unchanged", None)
    status, message = second["dirty.txt"]  # a fixed file is read once more: cleaning it again gives other stats
    assert status == "error" and "dirty.txt was read" in str(message)
    monkeypatch.setattr(batch, "read_bytes", real_read_bytes)
    run(src, None, cache_dir, mode="in-place")
    no_reading(monkeypatch)
    assert {o.status for o in run(src, None, cache_dir, mode="in-place")} == {"unchanged"}


def test_a_damaged_index_costs_time_not_results(tmp_path: Path, trusting: None) -> None:
    src, out, cache_dir = make_tree(tmp_path / "in"), tmp_path / "out", tmp_path / "cache"
    run(src, out, cache_dir)
    (index,) = cache_dir.rglob("files.sqlite")
    for p in index.parent.glob("files.sqlite*"):
        p.write_bytes(b"not a database" * 100)
    outcomes = run(src, out, cache_dir)
    assert {o.status for o in outcomes} == {"cached"}
    assert outputs(out)["d0/f0.txt"] == SEED_EXPECTED.read_bytes()
    assert os.path.getsize(index) > 1400  # started again, and filled


def test_a_run_removes_temporary_files_that_killed_runs_left(tmp_path: Path) -> None:
    src, out = make_tree(tmp_path / "in"), tmp_path / "out"
    (out / "d0").mkdir(parents=True)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    leftover = out / "d0" / f".f0.txt.{dead.stdout.strip()}.a1b2c3d4.scrubber-tmp"
    leftover.write_text("half an output")
    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"]) as live:
        busy = out / "d0" / f".f2.txt.{live.pid}.zz99yy88.scrubber-tmp"  # another run's write in progress
        busy.write_text("being written")
        mine = out / "d0" / "notes.scrubber-tmp"  # not ours: never touched
        mine.write_text("a user's file")
        in_place_leftover = src / "d1" / f".f1.txt.{dead.stdout.strip()}.q1w2e3r4.scrubber-tmp"
        in_place_leftover.write_text("half a cleaned input")
        try:
            assert run_cli("clean", str(src), "-o", str(out), "--no-cache").returncode == 0
            assert not leftover.exists() and busy.exists() and mine.exists()
            assert in_place_leftover.exists()  # a mirror run does not touch its inputs
            assert run_cli("clean", "--in-place", str(src), "--no-cache").returncode in (0, 1)
            assert not in_place_leftover.exists()
        finally:
            live.kill()
