from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from scrubber import Cleaner, Settings

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
CLEAN_FIXTURES = FIXTURES / "clean"
SEED = FIXTURES / "clean" / "00_seed.txt"
SEED_EXPECTED = FIXTURES / "clean" / "expected" / "00_seed.txt"


def fixture_pairs() -> list[tuple[Path, Path]]:
    pairs = []
    for src in sorted(CLEAN_FIXTURES.glob("*.txt")):
        exp = CLEAN_FIXTURES / "expected" / src.name
        if exp.exists():
            pairs.append((src, exp))
    return pairs


@pytest.fixture(scope="session")
def cleaner() -> Cleaner:
    return Cleaner(Settings())


def run_cli(*args: str, input: bytes | None = None, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess[bytes]:
    """Run the installed command line as a user would."""
    env = dict(os.environ, COLUMNS="200", NO_COLOR="1")
    return subprocess.run(
        [sys.executable, "-m", "scrubber", *args],
        input=input if input is not None else b"",
        capture_output=True,
        cwd=cwd,
        env=env,
        timeout=timeout,
    )
