"""Edge cases of reading inputs: line separators inside JSONL strings, JSON error texts, stray bytes in UTF-8."""

from __future__ import annotations

import json
from pathlib import Path

from scrubber.read import decode

from .conftest import run_cli

BODY = "The council met on Monday and agreed to keep the library open for another year, the mayor said."


def write_jsonl(path: Path, lines: list[str], newline: str = "\n") -> Path:
    path.write_bytes("".join(line + newline for line in lines).encode("utf-8"))
    return path


def records_of(stdout: bytes) -> list[dict]:
    return [json.loads(line) for line in stdout.decode("utf-8").splitlines()]


# A: JSONL records split on LF only


def test_jsonl_string_holding_line_separators_is_read(tmp_path: Path) -> None:
    lines = [
        json.dumps({"text": f"First part\u2028second part\n\n{BODY}"}, ensure_ascii=False),
        json.dumps({"text": f"A title\n\nParagraph\u2029one. {BODY}"}, ensure_ascii=False),
        json.dumps({"text": f"Next\x85line\n\n{BODY}", "id": 3}, ensure_ascii=False),
    ]
    p = write_jsonl(tmp_path / "r.jsonl", lines)
    assert "\u2028" in p.read_text(encoding="utf-8")  # raw, not escaped: the case that broke
    r = run_cli("clean", str(p))
    assert r.returncode == 0, r.stderr
    assert b"not valid JSON" not in r.stderr and b"skipped" not in r.stderr
    recs = records_of(r.stdout)
    assert [rec["metadata"]["record"] for rec in recs] == [1, 2, 3]
    assert [rec["source"] for rec in recs] == [f"{p}:1", f"{p}:2", f"{p}:3"]
    assert recs[2]["metadata"]["fields"] == {"id": 3}
    # Inside the text, the separators are line ends like in a text file.
    assert recs[0]["text"].startswith("First part\nsecond part\n")
    assert recs[2]["text"].startswith("Next\nline\n")


def test_jsonl_error_line_numbers_after_line_separators(tmp_path: Path) -> None:
    lines = [
        json.dumps({"text": f"A\u2028B\u2029C\x85D\n\n{BODY}"}, ensure_ascii=False),
        "{not json",
        json.dumps({"body": "no text key"}),
        json.dumps({"text": BODY}),
    ]
    p = write_jsonl(tmp_path / "r.jsonl", lines)
    r = run_cli("clean", str(p))
    assert r.returncode == 1
    err = r.stderr.decode()
    assert f"{p}:2: not valid JSON" in err and f"{p}:3: no 'text' key" in err
    assert "2 record(s) skipped" in err
    assert [rec["metadata"]["record"] for rec in records_of(r.stdout)] == [1, 4]


def test_jsonl_with_crlf_line_ends(tmp_path: Path) -> None:
    lines = [json.dumps({"text": BODY}), "[1]", json.dumps({"text": f"Line\u2028split. {BODY}"}, ensure_ascii=False)]
    p = write_jsonl(tmp_path / "r.jsonl", lines, newline="\r\n")
    r = run_cli("clean", str(p))
    assert r.returncode == 1
    assert f"{p}:2: not a JSON object; record skipped" in r.stderr.decode()
    assert [rec["metadata"]["record"] for rec in records_of(r.stdout)] == [1, 3]


def test_jsonl_not_utf8_is_decoded_with_a_warning(tmp_path: Path) -> None:
    p = tmp_path / "latin.jsonl"
    text = "Der Bundesrat hat am Mittwoch weitere Ma\u00dfnahmen beschlossen, sagte der Sprecher der Regierung in Berlin."
    p.write_bytes((json.dumps({"text": text}, ensure_ascii=False) + "\n").encode("cp1252") * 2)
    r = run_cli("clean", str(p))
    assert r.returncode == 0, r.stderr
    err = r.stderr.decode()
    assert err.count(f"{p}: not UTF-8; decoded as") == 1  # once per file, not per record
    recs = records_of(r.stdout)
    assert len(recs) == 2 and all(rec["metadata"]["encoding"] != "utf-8" for rec in recs)


# B: the JSON error reads naturally


def test_json_error_text_reads_naturally(tmp_path: Path) -> None:
    p = write_jsonl(tmp_path / "bad.jsonl", ['{"text": "unterminated', '{"text": 1,}', "nope"])
    r = run_cli("clean", str(p))
    assert r.returncode == 1
    err = r.stderr.decode()
    assert f"{p}:1: not valid JSON (Unterminated string starting at column 10); record skipped" in err
    assert f"{p}:3: not valid JSON (Expecting value at column 1); record skipped" in err
    assert "at at" not in err


# C: a few stray bytes in a short UTF-8 file

GERMAN = (
    b"B\xc3\xbcrgermeister \xc3\xa4u\xc3\x9fert sich zur Lage\n\nDer B\xc3\xbcrgermeister sagte am Montag, er sei "
    b"\x93sehr besorgt\x94 \xc3\xbcber die Entwicklung in der Stadt und werde handeln.\n"
)


def test_short_utf8_file_with_two_stray_cp1252_bytes_stays_utf8(tmp_path: Path) -> None:
    p = tmp_path / "de.txt"
    p.write_bytes(GERMAN)
    r = run_cli("clean", str(p))
    assert r.returncode == 0, r.stderr
    out = r.stdout.decode("utf-8")
    assert out == (
        "B\u00fcrgermeister \u00e4u\u00dfert sich zur Lage\n\nDer B\u00fcrgermeister sagte am Montag, er sei "
        "\ufffdsehr besorgt\ufffd \u00fcber die Entwicklung in der Stadt und werde handeln.\n"
    )
    assert f"{p}: 2 invalid UTF-8 byte sequence(s) (first at byte 82) replaced with U+FFFD" in r.stderr.decode()


def test_short_cp1252_file_is_still_detected() -> None:
    text = "Der B\u00fcrgermeister \u00e4u\u00dfert sich: \u201eGro\u00df\u201c, sagte er \u00fcber die Lage in K\u00f6ln.\n"
    data = text.encode("cp1252")
    assert b"\xdf\x93" in data  # "ß“" is also a valid UTF-8 pair: one accidental multi-byte sequence
    d = decode(data, "cp.txt")
    assert d.encoding != "utf-8" and "\ufffd" not in d.text
    assert d.warnings == (f"cp.txt: not UTF-8; decoded as {d.encoding} (guessed)",)
    assert "B\u00fcrgermeister" in d.text and "K\u00f6ln" in d.text


def test_latin1_without_multibyte_sequences_is_detected() -> None:
    # Which single-byte encoding the detector picks for so short a text is its own business.
    d = decode("Caf\u00e9 cr\u00e8me, na\u00efve fa\u00e7ade.\n".encode("latin-1"), "l.txt")
    assert d.encoding != "utf-8" and "guessed" in d.warnings[0] and "\ufffd" not in d.text


def test_many_invalid_bytes_go_to_the_detector() -> None:
    # Three valid UTF-8 letters, six invalid bytes: not "a few" among valid UTF-8.
    data = "\u00fc\u00e4\u00f6 ".encode("utf-8") + "Gr\u00fc\u00dfe aus M\u00fcnchen, sch\u00f6ne Gr\u00fc\u00dfe.\n".encode("cp1252")
    d = decode(data, "mixed.txt")
    assert d.encoding != "utf-8" and "guessed" in d.warnings[0]


def test_a_genuine_replacement_character_is_no_invalid_byte() -> None:
    d = decode("\ufffd \u00fc\u00fc ".encode("utf-8") + b"\xff" + b" end", "x.txt")
    assert d.encoding == "utf-8" and "1 invalid UTF-8 byte sequence(s)" in d.warnings[0]


def test_output_naming_an_input_is_refused_and_the_input_kept(tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_bytes(b"Head A\n\nBody of a.\nTT\n20\n")
    b.write_bytes(b"Head B\n\nBody of b.\n")
    (tmp_path / "link.txt").symlink_to(a)
    before = a.read_bytes()
    for out in ("a.txt", "./a.txt", "link.txt"):
        r = run_cli("clean", "a.txt", "b.txt", "-o", out, cwd=tmp_path)
        assert r.returncode == 2
        assert r.stderr.decode().count("\n") == 1 and "a.txt" in r.stderr.decode() and "--in-place" in r.stderr.decode()
        assert a.read_bytes() == before
    assert run_cli("clean", "a.txt", "-o", "c.txt", cwd=tmp_path).returncode == 0  # a new file is fine
