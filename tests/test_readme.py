"""README promises: the two commands exist, and CI runs the test command."""

from __future__ import annotations

import re

from .conftest import ROOT


def _commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```sh\n(python3 -m venv[^\n]*)\n```", readme)


def test_readme_has_install_and_test_commands() -> None:
    commands = _commands()
    assert any("pip install ." in c and "scrubber clean fixtures/" in c for c in commands)
    assert any('pip install ".[test]"' in c and "pytest" in c for c in commands)


def test_ci_runs_the_readme_test_command() -> None:
    test_command = next(c for c in _commands() if "pytest" in c)
    assert test_command in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()


def test_readme_fixture_exists() -> None:
    clean = next(c for c in _commands() if "scrubber clean" in c)
    path = clean.split("scrubber clean ", 1)[1].split()[0]
    assert (ROOT / path).is_file()
