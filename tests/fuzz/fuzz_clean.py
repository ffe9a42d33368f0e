"""Coverage-guided fuzzing of the whole pipeline with atheris (not part of the normal test run).

    pip install atheris
    python tests/fuzz/fuzz_clean.py -max_total_time=1800 -rss_limit_mb=4096 tests/fuzz/corpus

Each input is cleaned as bytes.  It must either be refused with an InputError
or give a text that: cleans to itself again (idempotence), holds no line that
is not the normalized form of an input line (nothing invented), and ends in
one newline (or is empty).  Any other exception, or a broken property, is a
crash that atheris reports with the input that caused it.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from scrubber import Cleaner, InputError
    from scrubber.normalize import normalize_text
    from scrubber.read import decode

CLEANER = Cleaner()
# With SCRUBBER_FUZZ_FINDINGS=DIR, a broken property is saved to DIR (named by
# the property and the input's hash) and fuzzing goes on; exceptions still stop it.
FINDINGS = os.environ.get("SCRUBBER_FUZZ_FINDINGS")


def broken(name: str, data: bytes) -> None:
    if FINDINGS is None:
        raise AssertionError(name)
    folder = Path(FINDINGS)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}-{hashlib.sha1(data).hexdigest()[:12]}").write_bytes(data)


def test_one_input(data: bytes) -> None:
    try:
        result = CLEANER.clean_bytes(data, source="fuzz")
    except InputError:
        return
    text = result.text
    if not (text == "" or (text.endswith("\n") and not text.endswith("\n\n\n\n"))):
        broken("bad-ending", data)
    if CLEANER.clean_text(text, source="fuzz").text != text:
        broken("not-idempotent", data)
    inputs = set(normalize_text(decode(data).text).split("\n"))
    if any(line and line not in inputs for line in text.split("\n")):
        broken("invented", data)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
