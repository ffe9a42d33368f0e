"""--engine, --scheduler and --shard on the command line."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from .conftest import CLEAN_FIXTURES, run_cli


def files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def test_shards_split_the_files_without_overlap(tmp_path: Path) -> None:
    outs = []
    for i in (1, 2):
        out = tmp_path / f"s{i}"
        r = run_cli("clean", str(CLEAN_FIXTURES), "-o", str(out), "--shard", f"{i}/2", "--no-cache", "-q")
        assert r.returncode == 0, r.stderr
        outs.append(files(out))
    whole = tmp_path / "all"
    run_cli("clean", str(CLEAN_FIXTURES), "-o", str(whole), "--no-cache", "-q")
    assert outs[0] and outs[1] and not (outs[0] & outs[1])
    assert outs[0] | outs[1] == files(whole)


@pytest.mark.parametrize(("args", "message"), [(["--shard", "3/2"], "between 1 and 2"), (["--engine", "spark"], "--engine must be one of")])
def test_bad_engine_options(tmp_path: Path, args: list[str], message: str) -> None:
    r = run_cli("clean", str(CLEAN_FIXTURES), "-o", str(tmp_path / "o"), *args)
    assert r.returncode == 2 and message in r.stderr.decode()


def test_engine_options_need_folders() -> None:
    r = run_cli("clean", "--shard", "1/2", str(CLEAN_FIXTURES / "00_seed.txt"))
    assert r.returncode == 2 and "work on folders" in r.stderr.decode()


def test_bad_scheduler_address_fails_fast_with_one_line(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    started = time.monotonic()
    r = run_cli("clean", str(CLEAN_FIXTURES), "-o", str(tmp_path / "o"), "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9", "-q")
    assert time.monotonic() - started < 30
    assert r.returncode == 2
    (line,) = [ln for ln in r.stderr.decode().splitlines() if "error" in ln]
    assert "tcp://127.0.0.1:9" in line and "cannot connect" in line
