"""--check, --diff and --in-place, and configuration files."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from .conftest import SEED, SEED_EXPECTED, run_cli


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copy(SEED, tmp_path / "dirty.txt")
    shutil.copy(SEED_EXPECTED, tmp_path / "clean.txt")
    return tmp_path


def test_check_lists_dirty_files_and_writes_nothing(folder: Path) -> None:
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    r = run_cli("clean", "--check", str(folder / "dirty.txt"), str(folder / "clean.txt"))
    assert r.returncode == 1
    err = r.stderr.decode()
    assert f"would fix {folder / 'dirty.txt'}" in err and "clean.txt" not in err.replace("1 unchanged", "")
    assert r.stdout == b""
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_check_passes_on_clean_files(folder: Path) -> None:
    r = run_cli("clean", "--check", str(folder / "clean.txt"))
    assert r.returncode == 0
    assert "1 file(s)" in r.stderr.decode() and "0 would be fixed" in r.stderr.decode()


def test_diff_shows_what_would_change(folder: Path) -> None:
    r = run_cli("clean", "--diff", str(folder / "dirty.txt"))
    assert r.returncode == 1
    out = r.stdout.decode()
    assert out.startswith(f"--- {folder / 'dirty.txt'} (original)\n+++ {folder / 'dirty.txt'} (cleaned)\n")
    assert "\n-TT\n" in out and "\n-20\n" in out
    assert (folder / "dirty.txt").read_bytes() == SEED.read_bytes()


def test_in_place_fixes_atomically_and_keeps_mode(folder: Path) -> None:
    dirty = folder / "dirty.txt"
    os.chmod(dirty, 0o640)
    r = run_cli("clean", "--in-place", str(dirty))
    assert r.returncode == 1
    assert f"fixed {dirty}" in r.stderr.decode()
    assert dirty.read_bytes() == SEED_EXPECTED.read_bytes()
    assert stat.S_IMODE(dirty.stat().st_mode) == 0o640
    assert sorted(p.name for p in folder.iterdir()) == ["clean.txt", "dirty.txt"]  # no temp files
    r = run_cli("clean", "--check", str(dirty))  # a fixed file passes the check at once
    assert r.returncode == 0


def test_in_place_does_not_touch_clean_files(folder: Path) -> None:
    clean = folder / "clean.txt"
    os.utime(clean, (1_000_000_000, 1_000_000_000))
    r = run_cli("clean", "-i", str(clean))
    assert r.returncode == 0
    assert clean.stat().st_mtime == 1_000_000_000


@pytest.mark.parametrize("flag", ["--check", "--in-place", "--diff"])
def test_bad_files_are_reported_and_others_still_done(folder: Path, flag: str) -> None:
    (folder / "bin.txt").write_bytes(b"\x00\x01binary")
    r = run_cli("clean", flag, str(folder / "bin.txt"), str(folder / "missing.txt"), str(folder / "dirty.txt"))
    assert r.returncode == 2
    err = r.stderr.decode()
    assert f"{folder / 'bin.txt'}: is binary" in err
    assert f"{folder / 'missing.txt'}: no such file" in err
    assert (folder / "bin.txt").read_bytes() == b"\x00\x01binary"
    fixed = (folder / "dirty.txt").read_bytes() == SEED_EXPECTED.read_bytes()
    assert fixed == (flag == "--in-place")


@pytest.mark.parametrize("args", [["--format", "jsonl"], ["-o", "x.txt"]])
def test_in_place_refuses_other_formats_and_outputs(folder: Path, args: list[str]) -> None:
    r = run_cli("clean", "--in-place", *args, str(folder / "dirty.txt"))
    assert r.returncode == 2 and "take no --format or --output" in r.stderr.decode()
    assert (folder / "dirty.txt").read_bytes() == SEED.read_bytes()


def test_in_place_refuses_stdin() -> None:
    r = run_cli("clean", "--in-place", "-", input=b"x\n")
    assert r.returncode == 2


def test_pyproject_config_is_found_and_flags_win(folder: Path) -> None:
    (folder / "pyproject.toml").write_text('[tool.scrubber]\nquotes = "keep"\n')
    sub = folder / "sub"
    sub.mkdir()
    r = run_cli("clean", str(folder / "dirty.txt"), cwd=sub)
    assert "\u2019" in r.stdout.decode()  # curly quotes kept, as configured
    r = run_cli("clean", "--quotes", "straight", str(folder / "dirty.txt"), cwd=sub)
    assert r.stdout == SEED_EXPECTED.read_bytes()


def test_scrubber_yaml_rules_and_exclude(folder: Path) -> None:
    (folder / "site.yaml").write_text("rules:\n  - id: site-cta\n    description: Call to action.\n    exact: ['Subscribe now']\n")
    (folder / "scrubber.yaml").write_text("rules: [site.yaml]\nexclude: ['skip-*']\n")
    page = folder / "page.txt"
    page.write_text("A headline for the page\n\nSubscribe now\n\nThe body text of the page.\n")
    shutil.copy(page, folder / "skip-me.txt")
    r = run_cli("clean", "--in-place", "page.txt", "skip-me.txt", cwd=folder)
    assert r.returncode == 1
    assert page.read_text() == "A headline for the page\n\nThe body text of the page.\n"
    assert "Subscribe now" in (folder / "skip-me.txt").read_text()


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("scrubber.yaml", "colour: red\n", "key 'colour': unknown key"),
        ("scrubber.yaml", "threshold: 200\n", "key 'threshold': must be a number from 50 to 100"),
        ("scrubber.yaml", "quotes: curly\n", "key 'quotes'"),
        ("pyproject.toml", "[tool.scrubber]\ninclude = 3\n", "key 'include'"),
        ("scrubber.yaml", "rules: [missing.yaml]\n", "cannot read rules file"),
        ("scrubber.yaml", "!!python/object/apply:os.system ['true']\n", "not valid YAML"),
    ],
)
def test_config_errors_name_file_and_key(folder: Path, name: str, text: str, message: str) -> None:
    (folder / name).write_text(text)
    r = run_cli("clean", "--check", "dirty.txt", cwd=folder)
    assert r.returncode == 2
    err = r.stderr.decode()
    assert message in err and ("missing.yaml" in err or name in err)
    assert len(err.strip().splitlines()) == 1


def test_config_include_names_files_not_the_folders_given(folder: Path, tmp_path: Path) -> None:
    (folder / "pyproject.toml").write_text('[tool.scrubber]\ninclude = ["*.txt"]\nexclude = ["skip-*"]\n')
    scraped = folder / "scraped"
    scraped.mkdir()
    shutil.copy(SEED, scraped / "a.txt")
    (scraped / "notes.md").write_text("A headline for the notes\n\nThe notes.\n")
    r = run_cli("clean", "scraped", "-o", "out", cwd=folder)
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in (folder / "out").iterdir()) == ["a.txt"]  # the folder is walked, its *.md left out
    assert (folder / "out" / "a.txt").read_bytes() == SEED_EXPECTED.read_bytes()
    # Every path given excluded: nothing is read (not even standard input) and nothing written.
    shutil.copy(SEED, folder / "skip-me.txt")
    r = run_cli("clean", "skip-me.txt", "-o", "single.txt", cwd=folder)
    assert r.returncode == 0 and "nothing to clean" in r.stderr.decode()
    assert not (folder / "single.txt").exists()
