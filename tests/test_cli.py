"""The command line, run as a user runs it."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from scrubber import InputError
from scrubber.read import read_path

from .conftest import SEED, SEED_EXPECTED, run_cli


def test_clean_file_to_stdout() -> None:
    r = run_cli("clean", str(SEED))
    assert r.returncode == 0, r.stderr
    assert r.stdout == SEED_EXPECTED.read_bytes()
    assert r.stderr == b""


def test_clean_stdin_with_dash_and_without_path() -> None:
    for args in (("clean", "-"), ("clean",)):
        r = run_cli(*args, input=SEED.read_bytes())
        assert r.returncode == 0, r.stderr
        assert r.stdout == SEED_EXPECTED.read_bytes()


def test_output_file(tmp_path: Path) -> None:
    out = tmp_path / "clean.txt"
    r = run_cli("clean", str(SEED), "-o", str(out))
    assert r.returncode == 0 and r.stdout == b""
    assert out.read_bytes() == SEED_EXPECTED.read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["clean.txt"]  # no temporary file left


def test_several_files_are_separated_like_articles(tmp_path: Path) -> None:
    a = tmp_path / "a.txt"
    b = tmp_path / "b.txt"
    a.write_text("First headline of the day\n\nFirst body.\n")
    b.write_text("Second headline of the day\n\nSecond body.\n")
    r = run_cli("clean", str(a), str(b))
    assert r.stdout == b"First headline of the day\n\nFirst body.\n\n\nSecond headline of the day\n\nSecond body.\n"


def _write(p: Path, data: bytes) -> Path:
    p.write_bytes(data)
    return p


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda d: d / "missing.txt", "no such file"),
        (lambda d: _write(d / "bin.txt", b"\x7fELF\x00\x01\x02"), "is binary"),
    ],
    ids=["missing", "binary"],
)
def test_bad_input_is_one_line_exit_2_nothing_written(tmp_path: Path, make, problem: str) -> None:  # type: ignore[no-untyped-def]
    bad = make(tmp_path)
    out = tmp_path / "out.txt"
    r = run_cli("clean", str(SEED), str(bad), "-o", str(out))
    assert r.returncode == 2
    lines = r.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and str(bad) in lines[0] and problem in lines[0]
    assert not out.exists()
    assert r.stdout == b""


def test_a_folder_without_an_output_folder_is_refused(tmp_path: Path) -> None:
    r = run_cli("clean", str(tmp_path))
    assert r.returncode == 2
    (line,) = r.stderr.decode().strip().splitlines()
    assert str(tmp_path) in line and "is a folder" in line


@pytest.mark.parametrize("option", ["--rules", "--config"])
def test_a_directory_where_a_file_is_expected(tmp_path: Path, option: str) -> None:
    r = run_cli("clean", option, str(tmp_path), str(SEED))
    assert r.returncode == 2
    (line,) = r.stderr.decode().strip().splitlines()
    assert str(tmp_path) in line
    assert r.stdout == b""


def test_unreadable_file_is_reported(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    p = tmp_path / "secret.txt"
    p.write_text("x")

    def deny(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", deny)
    with pytest.raises(InputError, match="secret.txt: permission denied"):
        read_path(p)


def test_invalid_rules_file_fails_at_start(tmp_path: Path) -> None:
    rules = tmp_path / "bad.yaml"
    rules.write_text("rules:\n  - id: x\n    description: a rule\n    regex: ['(']\n")
    r = run_cli("clean", "--rules", str(rules), str(SEED))
    assert r.returncode == 2
    err = r.stderr.decode()
    assert f"{rules}:2" in err and "does not compile" in err
    assert r.stdout == b""


def test_encoding_warning_names_the_file(tmp_path: Path) -> None:
    p = tmp_path / "old.txt"
    p.write_bytes("Le caf\u00e9 de la gare \u00e9tait ferm\u00e9 depuis des ann\u00e9es, dit le maire.\n".encode("cp1252") * 3)
    r = run_cli("clean", str(p))
    assert r.returncode == 0
    assert str(p) in r.stderr.decode() and "decoded as" in r.stderr.decode()
    assert "caf\u00e9" in r.stdout.decode("utf-8")


def test_quotes_keep_and_threshold_options() -> None:
    r = run_cli("clean", "--quotes", "keep", str(SEED))
    assert "\u2019" in r.stdout.decode()
    r = run_cli("clean", "--quotes", "curly", str(SEED))
    assert r.returncode == 2
    r = run_cli("clean", "--threshold", "101", str(SEED))
    assert r.returncode == 2


def test_version() -> None:
    r = run_cli("--version")
    assert r.returncode == 0 and r.stdout.decode().startswith("scrubber ")


def test_every_option_has_help() -> None:
    r = run_cli("clean", "--help")
    text = r.stdout.decode()
    for opt in ("--output", "--rules", "--no-default-rules", "--quotes", "--threshold"):
        assert opt in text


def test_unknown_option_is_a_usage_error() -> None:
    assert run_cli("clean", "--bogus").returncode == 2


def test_no_path_on_a_terminal_prints_usage_instead_of_waiting() -> None:
    master, slave = pty.openpty()
    try:
        r = subprocess.run([sys.executable, "-m", "scrubber", "clean"], stdin=slave, capture_output=True, timeout=60, env=dict(os.environ, COLUMNS="120"))
    finally:
        os.close(master)
        os.close(slave)
    assert r.returncode == 2
    assert b"Usage" in r.stderr


@pytest.mark.parametrize(
    "args, says",
    [
        (["clean", "x.txt", "--threshold", "20"], "--threshold"),
        (["clean", "--bogus"], "No such option: --bogus"),
        (["clean", "--jobs", "0", "x.txt"], "--jobs"),
        (["nosuchcommand"], "nosuchcommand"),
        (["rules", "show"], "Missing argument"),
    ],
)
def test_usage_errors_are_one_line_with_status_2(args: list[str], says: str) -> None:
    r = run_cli(*args)
    assert r.returncode == 2
    err = r.stderr.decode()
    assert err.startswith("scrubber: error: ") and err.count("\n") == 1 and says in err, err


def test_front_matter_without_markdown_is_a_usage_error() -> None:
    r = run_cli("clean", "--front-matter", str(SEED))
    assert r.returncode == 2 and r.stderr.decode() == "scrubber: error: --front-matter works with --format markdown (YAML front matter is a Markdown convention)\n"
    assert r.stdout == b""


# main() recognises click's errors by their shape: typer 0.29 raises its own
# copy of click's classes, older typer versions raise click's.  Both must give
# one line and click's exit status; an Abort (Ctrl-C) exits 130.


def _main_raising(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], exc: BaseException) -> tuple[int, str]:
    from scrubber import cli, cli_corpus, cli_review, cli_rules  # noqa: F401  (registered before app is replaced)

    def app(**kwargs: object) -> None:
        raise exc

    monkeypatch.setattr(cli, "app", app)
    with pytest.raises(SystemExit) as stop:
        cli.main()
    return int(stop.value.code), capsys.readouterr().err  # type: ignore[arg-type]


def test_main_gives_clicks_usage_errors_one_line(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    click = pytest.importorskip("click")
    code, err = _main_raising(monkeypatch, capsys, click.exceptions.UsageError("No such option: --bogus"))
    assert code == 2 and err == "scrubber: error: No such option: --bogus\n"


def test_main_turns_clicks_abort_into_status_130(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    click = pytest.importorskip("click")
    code, err = _main_raising(monkeypatch, capsys, click.exceptions.Abort())
    assert code == 130 and err == "scrubber: interrupted; nothing was written\n"


def test_main_lets_other_errors_through(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from scrubber import cli, cli_corpus, cli_review, cli_rules  # noqa: F401  (registered before app is replaced)

    monkeypatch.setattr(cli, "app", lambda **kwargs: (_ for _ in ()).throw(ValueError("a bug")))
    with pytest.raises(ValueError, match="a bug"):
        cli.main()
