"""Hardening: encodings, hostile configuration, file safety."""

from __future__ import annotations

import errno
import os
import shutil
import stat
import time
from pathlib import Path

import pytest

from scrubber import RulesError, load_ruleset
from scrubber.atomic import atomic_writer
from scrubber.batch import BatchOptions, Context, Job, output_path, process_file
from scrubber.errors import ScrubberError
from scrubber.read import decode
from scrubber.settings import Settings

from .conftest import SEED, SEED_EXPECTED, run_cli

SAMPLES = {
    "shift_jis": "日本の首相は月曜日、東京で記者会見を開き、新しい経済対策を発表した。政府は来年度の予算案に関連費用を盛り込む方針だ。",
    "cp1256": "قال رئيس الوزراء يوم الاثنين إن الحكومة ستعلن عن خطة اقتصادية جديدة في الأسبوع المقبل لدعم الأسر.",
    "latin-1": "Der Bürgermeister sagte am Montag, die Straße werde im Frühjahr für drei Wochen gesperrt. Die Anwohner seien informiert.",
    "cp1252": "Le maire a déclaré lundi que la rue serait fermée pendant trois semaines au printemps. «Nous avons informé les riverains», a-t-il dit.",
    "utf-16": "Zürich: «Ça va?» — “quoted” text with ünïcödé.",
    "utf-8-sig": "Zürich: «Ça va?» — “quoted” text with ünïcödé.",
}


@pytest.mark.parametrize("encoding", sorted(SAMPLES))
def test_encodings_decode_to_the_right_text(encoding: str) -> None:
    text = SAMPLES[encoding] + "\n"
    d = decode(text.encode(encoding), "sample.txt")
    assert d.text == text
    if encoding not in ("utf-16", "utf-8-sig"):
        assert d.warnings and "sample.txt" in d.warnings[0]


def test_invalid_utf8_bytes_are_replaced_with_a_warning() -> None:
    data = ("Straße und Brücke, " * 50).encode() + b"\xc3\x28 broken" + ("über alles " * 50).encode()
    d = decode(data, "bad.txt")
    assert "\ufffd" in d.text and "Straße" in d.text
    assert "bad.txt" in d.warnings[0]


def test_deeply_nested_rules_yaml_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "deep.yaml"
    p.write_text("rules: " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(RulesError) as info:
        load_ruleset([p])
    assert str(p) in str(info.value)


def test_huge_rules_file_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "huge.yaml"
    p.write_text("# " + "x" * (2 << 20) + "\nrules: []\n")
    with pytest.raises(RulesError, match="larger than"):
        load_ruleset([p])


def test_yaml_aliases_cannot_blow_up(tmp_path: Path) -> None:
    bomb = "a: &a ['x','x','x','x','x','x','x','x','x']\n" + "".join(f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n" for p, c in zip("abcdefgh", "bcdefghi"))
    p = tmp_path / "bomb.yaml"
    p.write_text(bomb + "rules: []\n")
    with pytest.raises(RulesError):
        load_ruleset([p])


def test_read_only_file_is_reported_not_changed(tmp_path: Path) -> None:
    f = tmp_path / "ro.txt"
    shutil.copy(SEED, f)
    os.chmod(f, 0o444)
    r = run_cli("clean", "--in-place", str(f), "--no-cache")
    assert r.returncode == 2
    assert "ro.txt: is read-only; not changed" in r.stderr.decode()
    assert f.read_bytes() == SEED.read_bytes()
    assert stat.S_IMODE(f.stat().st_mode) == 0o444


def test_output_paths_cannot_leave_the_output_folder(tmp_path: Path) -> None:
    options = BatchOptions(mode="mirror", outdir=tmp_path / "out")
    assert output_path(options, "a/b.txt") == tmp_path / "out" / "a" / "b.txt"
    for rel in ("../escape.txt", "a/../../escape.txt"):
        with pytest.raises(ScrubberError, match="would leave the output folder"):
            output_path(options, rel)


def test_a_symlinked_output_folder_is_refused(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SEED, src / "a.txt")
    os.symlink(src, tmp_path / "link")
    r = run_cli("clean", str(src), "-o", str(tmp_path / "link" / "out"))
    assert r.returncode == 2 and "inside the input folder" in r.stderr.decode()


def test_disk_full_during_a_write_leaves_the_original_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / "page.txt"
    shutil.copy(SEED, f)
    real_fsync = os.fsync

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    ctx = Context.build(Settings(), BatchOptions(mode="in-place"))
    outcome = process_file(ctx, Job(str(f), "page.txt", explicit=True))
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert outcome.status == "error" and "No space left on device" in (outcome.message or "")
    assert f.read_bytes() == SEED.read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["page.txt"]  # no temporary file left


def test_write_failing_part_way_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_bytes(b"old")
    with pytest.raises(OSError):
        with atomic_writer(target) as f:
            f.write(SEED_EXPECTED.read_bytes())  # part of the output is written...
            raise OSError(errno.ENOSPC, "No space left on device")  # ...then the disk is full
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


@pytest.mark.parametrize("pattern", ["(a+)+$", "(a|aa)+$"])
def test_a_catastrophic_user_regex_cannot_hang_a_run(tmp_path: Path, pattern: str) -> None:
    """(a+)+$ is harmless to the regex module; (a|aa)+$ still backtracks and hits the time limit."""
    rules = tmp_path / "evil.yaml"
    rules.write_text(f"rules:\n  - id: evil\n    description: Catastrophic backtracking.\n    regex: ['{pattern}']\n    max_words: 5\n")
    page = tmp_path / "page.txt"
    page.write_text("A headline about the day\n\n" + "a" * 40 + "!\n\nThe body of the story, which is long enough to count.\n")
    started = time.monotonic()
    r = run_cli("clean", "--rules", str(rules), str(page), timeout=60)
    assert time.monotonic() - started < 30
    if r.returncode != 0:
        assert r.returncode == 2
        err = r.stderr.decode()
        assert f"{rules}:2" in err and "rule 'evil'" in err and "catastrophic backtracking" in err
    else:
        assert "a" * 40 + "!" in r.stdout.decode()
