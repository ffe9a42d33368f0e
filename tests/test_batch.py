"""Batch runs over folders: layout, selection, safety, parallel determinism, cache."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import CLEAN_FIXTURES, SEED, SEED_EXPECTED, fixture_pairs, run_cli


def tree(root: Path) -> dict[str, bytes]:
    """The files under root; hidden temporary files a SIGKILL can leave behind are not outputs."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".scrubber_cache" not in p.parts and not p.name.endswith(".scrubber-tmp")
    }


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    src = tmp_path / "in"
    (src / "a" / "b").mkdir(parents=True)
    (src / ".hidden").mkdir()
    (src / ".git").mkdir()
    shutil.copy(SEED, src / "seed.txt")
    shutil.copy(SEED, src / "a" / "b" / "deep.txt")
    shutil.copy(SEED, src / ".hidden" / "secret.txt")
    shutil.copy(SEED, src / ".git" / "x.txt")
    (src / "a" / "notes.md").write_text("A short headline here\n\nShare\n\nThe body of the notes.\n")
    (src / "a" / "image.png").write_bytes(b"\x89PNG\r\n")
    (src / "a" / "data.csv").write_text("a,b\n")
    return src


def test_mirror_layout(tmp_path: Path, corpus: Path) -> None:
    out = tmp_path / "out"
    r = run_cli("clean", str(corpus), "-o", str(out), "--no-cache")
    assert r.returncode == 0, r.stderr
    got = tree(out)
    assert sorted(got) == ["a/b/deep.txt", "a/notes.md", "seed.txt"]
    assert got["seed.txt"] == SEED_EXPECTED.read_bytes() == got["a/b/deep.txt"]
    assert got["a/notes.md"] == b"A short headline here\n\nThe body of the notes.\n"
    assert "3 file(s)" in r.stderr.decode()


def test_include_exclude(tmp_path: Path, corpus: Path) -> None:
    out = tmp_path / "out"
    r = run_cli("clean", str(corpus), "-o", str(out), "--include", "*.txt", "--exclude", "b", "--no-cache")
    assert r.returncode == 0, r.stderr
    assert sorted(tree(out)) == ["seed.txt"]


def test_outdir_inside_input_and_the_reverse_are_refused(tmp_path: Path, corpus: Path) -> None:
    r = run_cli("clean", str(corpus), "-o", str(corpus / "out"))
    assert r.returncode == 2 and "is inside the input folder" in r.stderr.decode()
    assert not (corpus / "out").exists()
    r = run_cli("clean", str(corpus / "a"), "-o", str(corpus))
    assert r.returncode == 2 and "is inside the output folder" in r.stderr.decode()


def test_input_tree_is_never_written(tmp_path: Path, corpus: Path) -> None:
    before = tree(corpus)
    run_cli("clean", str(corpus), "-o", str(tmp_path / "out"))
    assert tree(corpus) == before


def test_symlink_loop_never_hangs(tmp_path: Path, corpus: Path) -> None:
    os.symlink(corpus, corpus / "a" / "loop")
    out = tmp_path / "out"
    r = run_cli("clean", str(corpus), "-o", str(out), "--follow-symlinks", "--no-cache")
    assert r.returncode == 0, r.stderr
    assert "seed.txt" in tree(out)
    r = run_cli("clean", str(corpus), "-o", str(tmp_path / "out2"), "--no-cache")  # links not followed by default
    assert not any("loop" in k for k in tree(tmp_path / "out2"))


def test_binary_and_unreadable_files_in_a_tree(tmp_path: Path, corpus: Path) -> None:
    (corpus / "a" / "binary.txt").write_bytes(b"\x00\x01\x02binary")
    os.symlink(corpus / "gone.txt", corpus / "a" / "dangling.txt")  # unreadable: its target is missing
    out = tmp_path / "out"
    report = tmp_path / "report.json"
    r = run_cli("clean", str(corpus), "-o", str(out), "--follow-symlinks", "--report", str(report), "--no-cache")
    assert r.returncode == 1
    err = r.stderr.decode()
    assert "binary.txt: is binary" in err and "skipped" in err
    assert "dangling.txt" in err
    assert sorted(tree(out)) == ["a/b/deep.txt", "a/notes.md", "seed.txt"]  # the others are done
    doc = json.loads(report.read_text())
    assert any("dangling.txt" in e for e in doc["errors"])
    assert any("binary.txt" in w for w in doc["warnings"])


@pytest.mark.parametrize("fmt", ["text", "jsonl"])
def test_output_is_identical_for_any_number_of_jobs(tmp_path: Path, fmt: str) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for i, (inp, _) in enumerate(fixture_pairs() * 2):
        shutil.copy(inp, src / f"{i:03d}_{inp.name}")
    outs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        r = run_cli("clean", str(src), "-o", str(out), "--jobs", jobs, "--format", fmt, "--no-cache")
        assert r.returncode == 0, r.stderr
        outs.append(tree(out))
    assert outs[0] == outs[1]
    if fmt == "jsonl":
        assert list(outs[0]) == ["articles.jsonl"]
        recs = [json.loads(line) for line in outs[0]["articles.jsonl"].decode().splitlines()]
        assert [r["source"] for r in recs] == sorted(r["source"] for r in recs)


def test_split_jsonl(tmp_path: Path, corpus: Path) -> None:
    out = tmp_path / "out"
    r = run_cli("clean", str(corpus), "-o", str(out), "--format", "jsonl", "--split", "--no-cache")
    assert r.returncode == 0, r.stderr
    assert sorted(tree(out)) == ["a/b/deep.jsonl", "a/notes.jsonl", "seed.jsonl"]


def test_cache_skips_work_and_reruns_finish_what_is_missing(tmp_path: Path, corpus: Path) -> None:
    out = tmp_path / "out"
    cache = tmp_path / "cache"
    report = tmp_path / "r.json"
    args = ("clean", str(corpus), "-o", str(out), "--cache-dir", str(cache), "--report", str(report))
    assert run_cli(*args).returncode == 0
    first = tree(out)
    # deep.txt has the same bytes as seed.txt: the cache is by content, so it is a hit already
    assert json.loads(report.read_text())["files_from_cache"] == 1
    (out / "seed.txt").unlink()  # as if a run had been interrupted before this output
    assert run_cli(*args).returncode == 0
    assert tree(out) == first
    assert json.loads(report.read_text())["files_from_cache"] == 3
    (corpus / "seed.txt").write_text("A changed headline here\n\nNew body.\n")
    assert run_cli(*args).returncode == 0
    assert json.loads(report.read_text())["files_from_cache"] == 2
    assert (out / "seed.txt").read_text() == "A changed headline here\n\nNew body.\n"


def test_in_place_on_a_folder(tmp_path: Path, corpus: Path) -> None:
    r = run_cli("clean", "--in-place", str(corpus), "--no-cache")
    assert r.returncode == 1
    assert (corpus / "seed.txt").read_bytes() == SEED_EXPECTED.read_bytes()
    assert (corpus / ".hidden" / "secret.txt").read_bytes() == SEED.read_bytes()
    r = run_cli("clean", "--check", str(corpus), "--no-cache")
    assert r.returncode == 0


def _big_tree(root: Path, n: int) -> None:
    root.mkdir()
    data = SEED.read_bytes()
    for i in range(n):
        (root / f"{i:05d}.txt").write_bytes(data.replace(b"ISIS", f"ISIS {i}".encode()))


def test_sigkill_mid_run_leaves_each_file_whole_and_a_rerun_completes(tmp_path: Path) -> None:
    src = tmp_path / "in"
    _big_tree(src, 1500)
    originals = tree(src)
    cmd = [sys.executable, "-m", "scrubber", "clean", "--in-place", str(src), "--jobs", "2", "--no-cache", "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        done = sum(1 for name, data in tree(src).items() if data != originals[name])
        if done >= 20 or proc.poll() is not None:
            break
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    after = tree(src)
    assert sorted(after) == sorted(originals)  # no file lost, no temporary file left visible
    changed = [name for name in after if after[name] != originals[name]]
    assert 0 < len(changed) < len(originals)
    expected_one = run_cli("clean", "-", input=originals[changed[0]]).stdout
    assert after[changed[0]] == expected_one
    for name in changed:
        assert after[name].endswith(b"\n") and b"\nTT\n" not in after[name]  # complete, cleaned outputs
    for name in set(after) - set(changed):
        assert after[name] == originals[name]
    r = run_cli("clean", "--in-place", str(src), "--no-cache", "--quiet")
    assert r.returncode == 1
    final = tree(src)
    assert all(b"\nTT\n" not in data for data in final.values())
    assert run_cli("clean", "--check", str(src), "--no-cache", "--quiet").returncode == 0


def test_ctrl_c_exits_130_with_a_line(tmp_path: Path) -> None:
    src = tmp_path / "in"
    _big_tree(src, 1500)
    cmd = [sys.executable, "-m", "scrubber", "clean", str(src), "-o", str(tmp_path / "out"), "--jobs", "2", "--no-cache", "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = tmp_path / "out"
    deadline = time.time() + 60
    while time.time() < deadline and not (out.exists() and any(out.iterdir())):
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    if proc.returncode == 0:
        pytest.skip("the run finished before the signal arrived")
    assert proc.returncode == 130
    assert b"interrupted after" in err
    assert not [p for p in out.rglob("*") if p.name.endswith(".scrubber-tmp")]


def test_aggregated_json_is_one_valid_list_for_any_jobs(tmp_path: Path, corpus: Path) -> None:
    docs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        r = run_cli("clean", str(corpus), "-o", str(out), "--format", "json", "--jobs", jobs, "--no-cache")
        assert r.returncode == 0, r.stderr
        docs.append(json.loads((out / "articles.json").read_text()))
    assert docs[0] == docs[1]
    assert [rec["source"].rsplit("/", 1)[-1] for rec in docs[0]] == ["deep.txt", "deep.txt", "notes.md", "seed.txt", "seed.txt"]
