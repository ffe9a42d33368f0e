"""The pre-commit hooks, run by the real pre-commit on a temporary repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, SEED, SEED_EXPECTED

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

IGNORE = shutil.ignore_patterns(".git", ".venv", "venv", "__pycache__", "*.egg-info", ".pytest_cache", ".hypothesis", "build", "dist")


def git(cwd: Path, *args: str) -> str:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org", GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.org")
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True, env=env).stdout.strip()


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """This project's working tree as a git repository pre-commit can install from."""
    project = tmp_path_factory.mktemp("hook-project") / "scrubber"
    shutil.copytree(ROOT, project, ignore=IGNORE)
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "snapshot")
    return project, git(project, "rev-parse", "HEAD")


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def make_repo(tmp_path: Path, hook_repo: tuple[Path, str], hook: str) -> Path:
    project, rev = hook_repo
    repo = tmp_path / "scraped"
    (repo / "pages").mkdir(parents=True)
    shutil.copy(SEED, repo / "pages" / "page.txt")
    (repo / "pages" / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")  # types: [text] keeps it out
    (repo / ".pre-commit-config.yaml").write_text(f"repos:\n  - repo: {project}\n    rev: {rev}\n    hooks:\n      - id: {hook}\n        files: ^pages/\n")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    return repo


def pre_commit(repo: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PRE_COMMIT_HOME=str(home))
    return subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files"], cwd=repo, capture_output=True, text=True, env=env, timeout=900)


def test_fix_hook_fixes_then_passes(tmp_path: Path, hook_repo: tuple[Path, str], pre_commit_home: Path) -> None:
    repo = make_repo(tmp_path, hook_repo, "scrubber")
    first = pre_commit(repo, pre_commit_home)
    assert first.returncode == 1, first.stdout + first.stderr
    assert "files were modified by this hook" in first.stdout
    assert (repo / "pages" / "page.txt").read_bytes() == SEED_EXPECTED.read_bytes()
    assert (repo / "pages" / "photo.png").read_bytes().startswith(b"\x89PNG")  # binaries are not taken
    second = pre_commit(repo, pre_commit_home)
    assert second.returncode == 0, second.stdout + second.stderr


def test_check_hook_fails_on_dirty_file_and_changes_nothing(tmp_path: Path, hook_repo: tuple[Path, str], pre_commit_home: Path) -> None:
    repo = make_repo(tmp_path, hook_repo, "scrubber-check")
    result = pre_commit(repo, pre_commit_home)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "-TT" in result.stdout  # the diff is shown
    assert (repo / "pages" / "page.txt").read_bytes() == SEED.read_bytes()
    shutil.copy(SEED_EXPECTED, repo / "pages" / "page.txt")
    assert pre_commit(repo, pre_commit_home).returncode == 0
