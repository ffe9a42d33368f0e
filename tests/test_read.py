"""Reading: encodings, line ends, binary input."""

from __future__ import annotations

import codecs

import pytest

from scrubber import InputError
from scrubber.read import decode

TEXT = "Caf\u00e9 \u201cM\u00fcller\u201d \u2013 na\u00efve r\u00e9sum\u00e9 for the Stra\u00dfe\nSecond line of the article, with more words to look at."


def test_utf8_plain_and_bom() -> None:
    assert decode(TEXT.encode("utf-8")).text == TEXT
    d = decode(codecs.BOM_UTF8 + TEXT.encode("utf-8"))
    assert d.text == TEXT and d.encoding == "utf-8-sig" and d.warnings == ()


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_utf16_32_with_bom(encoding: str) -> None:
    assert decode(TEXT.encode(encoding)).text == TEXT


def test_crlf_and_cr_become_lf() -> None:
    assert decode(b"a\r\nb\rc\n").text == "a\nb\nc\n"


def test_cp1252_is_detected_with_a_warning() -> None:
    text = "Der Bundesrat hat am Mittwoch \u201eweitere Ma\u00dfnahmen\u201c beschlossen, sagte der Sprecher.\n" * 3
    d = decode(text.encode("cp1252"), "f.txt")
    assert d.text == text
    assert d.warnings and "f.txt" in d.warnings[0] and "decoded as" in d.warnings[0]


def test_a_few_invalid_utf8_bytes_are_replaced_with_a_warning() -> None:
    data = ("\u00fcber " * 200).encode("utf-8") + b"\xff" + b" end"
    d = decode(data, "x.txt")
    assert "\ufffd" in d.text and d.encoding == "utf-8"
    assert "x.txt" in d.warnings[0] and "replaced" in d.warnings[0]


def test_nul_bytes_are_binary() -> None:
    with pytest.raises(InputError, match="bin.dat: is binary"):
        decode(b"abc\x00def", "bin.dat")


def test_control_heavy_bytes_are_binary() -> None:
    with pytest.raises(InputError, match="is binary"):
        decode(bytes(range(1, 32)) * 50, "b")


def test_empty_input() -> None:
    assert decode(b"").text == ""
