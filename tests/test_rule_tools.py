"""scrubber rules list / show, and scrubber test: site rules tested like code."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from .conftest import SEED, SEED_EXPECTED, run_cli

SITE_RULE = "rules:\n  - id: site-cta\n    description: The site's call to action.\n    exact: ['Subscribe for 1 euro']\n"


def test_rules_list_names_id_file_line_and_description(tmp_path: Path) -> None:
    site = tmp_path / "site.yaml"
    site.write_text(SITE_RULE)
    r = run_cli("rules", "list", "--rules", str(site))
    assert r.returncode == 0
    lines = r.stdout.decode().splitlines()
    tt = next(line for line in lines if line.startswith("tt-widget"))
    assert "rules/default.yaml:" in tt and "TT" in tt
    cta = next(line for line in lines if line.startswith("site-cta"))
    assert f"{site}:2" in cta and "call to action" in cta


def test_rules_list_with_a_run_report(tmp_path: Path) -> None:
    report = tmp_path / "run.json"
    run_cli("clean", str(SEED), "--report", str(report))
    r = run_cli("rules", "list", "--report", str(report))
    tt = next(line for line in r.stdout.decode().splitlines() if line.startswith("tt-widget"))
    assert tt.split()[1] == "4"
    assert json.loads(report.read_text())["dropped_per_rule"]["tt-widget"] == 4


def test_rules_show(tmp_path: Path) -> None:
    r = run_cli("rules", "show", "tt-widget")
    out = r.stdout.decode()
    assert r.returncode == 0
    assert "rules/default.yaml:" in out and "'TT'" in out and "protects" in out and "right after a match" in out
    r = run_cli("rules", "show", "nope")
    assert r.returncode == 2 and "no rule with the id 'nope'" in r.stderr.decode()


def make_cases(folder: Path) -> None:
    (folder / "expected").mkdir(parents=True)
    shutil.copy(SEED, folder / "seed.txt")
    shutil.copy(SEED_EXPECTED, folder / "expected" / "seed.txt")
    (folder / "cta.test").write_text("A headline about the site\n\nSubscribe for 1 euro\n\nThe body.\n# output\nA headline about the site\n\nThe body.\n")


def test_test_command_passes_with_the_site_rule(tmp_path: Path) -> None:
    cases = tmp_path / "cases"
    make_cases(cases)
    site = tmp_path / "site.yaml"
    site.write_text(SITE_RULE)
    r = run_cli("test", str(cases), "--rules", str(site))
    assert r.returncode == 0, r.stdout
    assert "2 case(s) passed, 0 case(s) failed" in r.stdout.decode()


def test_test_command_fails_with_a_diff_without_the_rule(tmp_path: Path) -> None:
    cases = tmp_path / "cases"
    make_cases(cases)
    r = run_cli("test", str(cases))
    assert r.returncode == 1
    out = r.stdout.decode()
    assert "FAILED  cta.test" in out and "+Subscribe for 1 euro" in out
    assert "ok      seed.txt" in out


def test_test_command_catches_unstable_expectations(tmp_path: Path) -> None:
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "x.test").write_text("A headline here today\n\nBody.\n# output\nA headline here today\n\nBody.\n")
    (cases / "y.test").write_text("no marker here\n")
    r = run_cli("test", str(cases))
    assert r.returncode == 2 and "y.test: no '# output' line" in r.stderr.decode()


def test_rules_list_with_a_missing_report_says_so(tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    r = run_cli("rules", "list", "--report", str(missing))
    assert r.returncode == 2
    assert r.stderr.decode() == f"scrubber: error: {missing}: no such file\n"
    assert r.stdout == b""


def test_rules_list_report_errors_name_the_file(tmp_path: Path) -> None:
    r = run_cli("rules", "list", "--report", str(tmp_path))
    assert r.returncode == 2 and r.stderr.decode() == f"scrubber: error: {tmp_path}: is a directory, not a file\n"
    binary = tmp_path / "run.json"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    r = run_cli("rules", "list", "--report", str(binary))
    assert r.returncode == 2 and r.stderr.decode().startswith(f"scrubber: error: {binary}: not UTF-8 text")
    binary.write_text('{"files": 1}')
    r = run_cli("rules", "list", "--report", str(binary))
    assert r.returncode == 2 and r.stderr.decode() == f"scrubber: error: {binary}: not a scrubber run report (--report of clean)\n"


def test_test_command_errors_name_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    r = run_cli("test", str(missing))
    assert r.returncode == 2 and r.stderr.decode() == f"scrubber: error: {missing}: no such folder\n"
    cases = tmp_path / "cases"
    (cases / "expected").mkdir(parents=True)
    (cases / "a.txt").write_bytes(b"caf\xe9\n")
    (cases / "expected" / "a.txt").write_text("café\n")
    r = run_cli("test", str(cases))
    assert r.returncode == 2 and r.stderr.decode().startswith(f"scrubber: error: {cases / 'a.txt'}: not UTF-8 text")
    assert len(r.stderr.decode().splitlines()) == 1


def test_test_command_fails_a_case_without_its_expected_output(tmp_path: Path) -> None:
    cases = tmp_path / "cases"
    make_cases(cases)
    (cases / "orphan.txt").write_text("A headline here today\n\nBody.\n")
    site = tmp_path / "site.yaml"
    site.write_text(SITE_RULE)
    r = run_cli("test", str(cases), "--rules", str(site))
    assert r.returncode == 1
    out = r.stdout.decode()
    assert "FAILED  orphan.txt: no expected output (expected/orphan.txt)" in out
    assert "2 case(s) passed, 1 case(s) failed" in out
