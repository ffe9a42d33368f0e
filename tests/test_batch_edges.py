"""Batch runs at the edges a reviewer found: links, compressed files, name clashes,
file names that are not UTF-8, special files, configuration globs, signals."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scrubber import batch
from scrubber.batch import BatchOptions, Context, Job, process_file
from scrubber.settings import Settings

from .conftest import SEED, SEED_EXPECTED, run_cli

DIRTY = SEED.read_bytes()
CLEAN = SEED_EXPECTED.read_bytes()


def test_in_place_writes_through_a_symbolic_link(tmp_path: Path) -> None:
    real = tmp_path / "real.txt"
    real.write_bytes(DIRTY)
    link = tmp_path / "link.txt"
    link.symlink_to("real.txt")
    r = run_cli("clean", "--in-place", str(link), "--no-cache")
    assert r.returncode == 1, r.stderr  # fixed
    assert link.is_symlink() and os.readlink(link) == "real.txt"
    assert real.read_bytes() == CLEAN


def test_in_place_keeps_a_gzip_file_gzip(tmp_path: Path) -> None:
    gz = tmp_path / "page.txt.gz"
    gz.write_bytes(gzip.compress(DIRTY))
    r = run_cli("clean", "--in-place", str(gz), "--no-cache")
    assert r.returncode == 1, r.stderr
    assert gzip.decompress(gz.read_bytes()) == CLEAN
    assert run_cli("clean", "--check", str(gz), "--no-cache").returncode == 0


def test_sigterm_stops_a_one_process_run_with_143(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for i in range(1500):
        (src / f"{i:05d}.txt").write_bytes(DIRTY.replace(b"ISIS", f"ISIS {i}".encode()))
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "scrubber", "clean", str(src), "-o", str(out), "--jobs", "1", "--no-cache", "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while time.time() < deadline and not (out.exists() and len(os.listdir(out)) >= 5):
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    if proc.returncode == 0:
        pytest.skip("the run finished before the signal arrived")
    assert proc.returncode == 143, err
    assert b"terminated after" in err and b"internal error" not in err
    assert len(list(out.glob("*.txt"))) < 1500


def test_file_names_that_are_not_utf8(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    name = os.fsdecode(b"bad\xffname.txt")
    (src / name).write_bytes(DIRTY)
    out, report = tmp_path / "out", tmp_path / "report.json"
    for _ in range(2):  # the second run answers from the cache
        r = run_cli("clean", str(src), "-o", str(out), "--report", str(report))
        assert r.returncode == 0, r.stderr
        assert (out / name).read_bytes() == CLEAN
        data = json.loads(report.read_bytes().decode("utf-8"))  # valid UTF-8 JSON
        assert data["files"] == 1
    r = run_cli("dedup", str(src))
    assert r.returncode == 0, r.stderr
    json.loads(r.stdout.decode("utf-8"))


def test_two_inputs_with_one_output_name_are_not_both_written(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.jsonl").write_text(json.dumps({"text": "Record title here\n\nThe record's body, long enough to be a paragraph of text."}) + "\n")
    (src / "a.txt").write_bytes(DIRTY)
    out = tmp_path / "out"
    r = run_cli("clean", str(src), "-o", str(out), "--no-cache")
    assert r.returncode == 1
    err = r.stderr.decode()
    assert "a.txt" in err and "output of another input" in err
    assert b"record's body" in (out / "a.txt").read_bytes()  # the first in walk order keeps it
    assert sorted(p.name for p in out.iterdir()) == ["a.txt"]


def test_two_input_folders_of_one_name_are_refused(tmp_path: Path) -> None:
    for side in ("x", "y"):
        (tmp_path / side / "in").mkdir(parents=True)
        (tmp_path / side / "in" / "a.txt").write_bytes(DIRTY)
    out = tmp_path / "out"
    r = run_cli("clean", str(tmp_path / "x" / "in"), str(tmp_path / "y" / "in"), "-o", str(out), "--no-cache")
    assert r.returncode == 2
    assert r.stderr.decode().count("\n") == 1 and "both named 'in'" in r.stderr.decode()
    assert not out.exists() or not any(out.iterdir())


def test_a_file_named_with_a_folder_goes_to_the_top_of_the_output(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_bytes(DIRTY)
    (tmp_path / "single.txt").write_bytes(DIRTY)
    out = tmp_path / "out"
    r = run_cli("clean", str(tmp_path / "in"), str(tmp_path / "single.txt"), "-o", str(out), "--no-cache")
    assert r.returncode == 0, r.stderr
    assert (out / "single.txt").read_bytes() == CLEAN and (out / "in" / "a.txt").read_bytes() == CLEAN


def test_the_cache_tells_inputs_with_the_same_bytes_apart(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    line = json.dumps({"text": "Title of the record\n\nA body paragraph that is long enough to stay in the article."}) + "\n"
    (src / "a.jsonl").write_text(line)
    (src / "b.txt").write_text(line)  # the same bytes, read as text
    cp1252 = "Caf\xe9 au lait\n\nLe caf\xe9 est servi \xe0 la terrasse, avec des croissants et du pain.\n".encode("cp1252")
    (src / "c.txt").write_bytes(cp1252)
    (src / "d.txt").write_bytes(cp1252)
    fresh = run_cli("clean", str(src), "-o", str(tmp_path / "fresh"), "--no-cache", "--jobs", "1")
    cached = run_cli("clean", str(src), "-o", str(tmp_path / "cached"), "--cache-dir", str(tmp_path / "cache"), "--jobs", "1")
    assert fresh.returncode == cached.returncode == 0
    for name in ("a.txt", "b.txt", "c.txt", "d.txt"):
        assert (tmp_path / "cached" / name).read_bytes() == (tmp_path / "fresh" / name).read_bytes()
    assert (tmp_path / "cached" / "b.txt").read_text() == line  # not the record's text
    for name in ("c.txt", "d.txt"):  # each warning names its own file
        assert f"{name}: not UTF-8" in cached.stderr.decode()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_in_a_folder_is_skipped_not_waited_for(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_bytes(CLEAN)
    os.mkfifo(src / "f.txt")
    r = run_cli("clean", "--check", str(src), "--no-cache", "--jobs", "1", timeout=60)
    assert r.returncode == 0, r.stderr


def _config_tree(tmp_path: Path) -> Path:
    scraped = tmp_path / "scraped"
    (scraped / "drafts").mkdir(parents=True)
    (scraped / "a.txt").write_bytes(DIRTY.replace(b"ISIS", b"ISIS A"))
    (scraped / "drafts" / "b.txt").write_bytes(DIRTY)
    return scraped


def test_config_globs_are_relative_to_the_config_file_in_folder_walks(tmp_path: Path) -> None:
    _config_tree(tmp_path)
    (tmp_path / "scrubber.yaml").write_text('exclude:\n  - "scraped/drafts/*"\n')
    r = run_cli("clean", "--check", "scraped", "--no-cache", cwd=tmp_path)
    assert r.returncode == 1
    err = r.stderr.decode()
    assert "a.txt" in err and "b.txt" not in err


def test_learn_and_dedup_take_the_files_clean_takes(tmp_path: Path) -> None:
    _config_tree(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.scrubber]\nexclude = ["scraped/drafts/*"]\n')
    r = run_cli("dedup", "scraped", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "drafts" not in r.stdout.decode()
    assert "scrubber: 2 article(s)" in r.stderr.decode()  # the seed's two, from a.txt alone
    r = run_cli("learn", "scraped", "-o", "learned.yaml", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "scrubber: 1 file(s)" in r.stderr.decode()
    (tmp_path / "pyproject.toml").unlink()
    assert "scrubber: 4 article(s)" in run_cli("dedup", "scraped", cwd=tmp_path).stderr.decode()


def test_a_broken_pyproject_with_our_table_stops_the_run(tmp_path: Path) -> None:
    (tmp_path / "page.txt").write_bytes(DIRTY)
    (tmp_path / "pyproject.toml").write_text('[tool.scrubber]\nrules = ["site.yaml"]\n\n[tool.black]\nline-length = 88,\n')
    r = run_cli("clean", "page.txt", cwd=tmp_path)
    assert r.returncode == 2
    assert "pyproject.toml" in r.stderr.decode() and "TOML" in r.stderr.decode()
    # Another tool's broken file without our table is not ours to judge.
    (tmp_path / "pyproject.toml").write_text("[tool.black]\nline-length = 88,\n")
    assert run_cli("clean", "page.txt", cwd=tmp_path).returncode == 0


def test_check_on_a_folder_skips_jsonl_files_it_finds(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_bytes(CLEAN)
    (src / "r.jsonl").write_text(json.dumps({"text": "x"}) + "\n")
    r = run_cli("clean", "--check", str(src), "--no-cache")
    assert r.returncode == 0, r.stderr
    assert "r.jsonl" in r.stderr.decode() and "skipped" in r.stderr.decode()
    named = run_cli("clean", "--check", str(src / "r.jsonl"), "--no-cache")
    assert named.returncode == 2  # named on the command line, it is an error


def test_closed_standard_input_is_one_line() -> None:
    r = subprocess.run([sys.executable, "-m", "scrubber", "clean"], stdin=subprocess.DEVNULL, capture_output=True, close_fds=True)
    assert r.returncode == 0  # /dev/null is empty input: nothing to clean, empty output
    closed = subprocess.run(f"{sys.executable} -m scrubber clean <&-", shell=True, capture_output=True)
    assert closed.returncode == 2
    assert closed.stderr.decode().strip().count("\n") == 0 and "standard input is closed" in closed.stderr.decode()


def test_an_empty_output_path_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "page.txt").write_bytes(DIRTY)
    r = run_cli("clean", "page.txt", "-o", "", cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr.decode().strip() == "scrubber: error: -o/--output: the path is empty"


def test_in_place_leaves_a_file_edited_while_it_was_cleaned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / "page.txt"
    f.write_bytes(DIRTY)
    read = batch.read_bytes

    def read_then_edit(path: str) -> bytes:
        data = read(path)
        f.write_bytes(DIRTY + b"\nA line the user just typed into the file, in an editor.\n")  # saved meanwhile
        return data

    monkeypatch.setattr(batch, "read_bytes", read_then_edit)
    outcome = process_file(Context.build(Settings(), BatchOptions(mode="in-place")), Job(str(f), "page.txt", explicit=True))
    assert outcome.status == "error" and "changed while it was being cleaned" in (outcome.message or "")
    assert f.read_bytes().endswith(b"in an editor.\n")


def test_a_file_name_with_a_newline_keeps_messages_one_line(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "two\nlines.txt").write_bytes(DIRTY)
    (src / "bin\nary.txt").write_bytes(b"\x00\x01binary")
    r = run_cli("clean", "--check", str(src), "--no-cache")
    assert r.returncode == 1
    lines = r.stderr.decode().splitlines()
    assert any(line.startswith("scrubber: would fix") and line.endswith("two\\nlines.txt") for line in lines), lines
    assert any("bin\\nary.txt" in line and "skipped" in line for line in lines), lines


def test_an_input_named_twice_is_cleaned_once(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_bytes(DIRTY)
    (tmp_path / "b.txt").write_bytes(DIRTY)
    out = tmp_path / "out"
    r = run_cli("clean", "in", "b.txt", "in", "./b.txt", "-o", str(out), "--no-cache", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (out / "b.txt").read_bytes() == CLEAN and (out / "in" / "a.txt").read_bytes() == CLEAN


def test_config_globs_decide_on_files_under_a_url_root(tmp_path: Path) -> None:
    src = tmp_path / "scraped"
    src.mkdir()
    (src / "a.txt").write_bytes(DIRTY)
    (src / "b.md").write_bytes(DIRTY)
    (tmp_path / "scrubber.yaml").write_text('include:\n  - "*.txt"\n')
    out = tmp_path / "out"
    r = run_cli("clean", src.as_uri(), "-o", str(out), "--no-cache", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in out.rglob("*") if p.is_file()) == ["a.txt"]


def test_config_path_globs_match_files_under_a_file_url_root(tmp_path: Path) -> None:
    # Globs with a folder part are relative to the configuration file, for a
    # file:// root as for the same folder given as a path.
    src = tmp_path / "scraped"
    (src / "drafts").mkdir(parents=True)
    (src / "a.txt").write_bytes(DIRTY)
    (src / "drafts" / "b.txt").write_bytes(DIRTY)
    (tmp_path / "scrubber.yaml").write_text('exclude:\n  - "scraped/drafts/*"\n')
    for root in (str(src), src.as_uri()):
        out = tmp_path / "out"
        r = run_cli("clean", root, "-o", str(out), "--no-cache", cwd=tmp_path)
        assert r.returncode == 0, r.stderr
        assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == ["a.txt"], root
        shutil.rmtree(out)


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(x) for x in out.split()]


def test_a_worker_killed_mid_run_stops_the_run_with_status_3(tmp_path: Path) -> None:
    # multiprocessing.Pool replaced a dead worker and waited forever for its chunk.
    src = tmp_path / "in"
    src.mkdir()
    for i in range(3000):
        (src / f"{i:05d}.txt").write_bytes(DIRTY)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "scrubber", "clean", str(src), "-o", str(out), "--jobs", "2", "--no-cache", "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while time.time() < deadline and not (out.exists() and any(out.iterdir())) and proc.poll() is None:
        time.sleep(0.05)
    workers = [pid for pid in _children(proc.pid) if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()]
    if proc.poll() is not None or not workers:
        proc.communicate()
        pytest.skip("the run finished before a worker could be killed")
    os.kill(workers[0], signal.SIGKILL)
    try:
        _, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("the run hung after a worker died")
    if proc.returncode == 0:
        pytest.skip("the killed worker had no work left")
    assert proc.returncode == 3
    assert err.decode().count("\n") == 1 and "worker process" in err.decode() and "died" in err.decode()
    # the killed worker may leave the temporary file of its write (as any SIGKILL), the other one none
    assert len([p for p in out.rglob("*") if p.name.endswith(".scrubber-tmp")]) <= 1
    assert run_cli("clean", str(src), "-o", str(out), "--no-cache", "--quiet").returncode == 0  # a rerun completes
    assert not [p for p in out.rglob("*") if p.name.endswith(".scrubber-tmp")]
