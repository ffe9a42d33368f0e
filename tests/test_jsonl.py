"""JSONL input: extra fields carried, malformed lines and missing keys skipped, gzip."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from .conftest import SEED, SEED_EXPECTED, run_cli

ARTICLE = "A headline for the record\n\nTT\n20\n\nA HEADLINE FOR THE RECORD\n\nThe body of the record\u2019s article.\n"


def make_jsonl(tmp_path: Path, lines: list[str], name: str = "in.jsonl") -> Path:
    p = tmp_path / name
    data = ("\n".join(lines) + "\n").encode("utf-8")
    p.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    return p


def test_jsonl_records_keep_their_fields(tmp_path: Path) -> None:
    p = make_jsonl(tmp_path, [json.dumps({"url": "https://example.org/a", "text": ARTICLE, "lang": "en"})])
    r = run_cli("clean", str(p))
    assert r.returncode == 0, r.stderr
    (rec,) = [json.loads(line) for line in r.stdout.decode().splitlines()]
    assert rec["title"] == "A headline for the record"
    assert rec["paragraphs"] == ["The body of the record's article."]
    assert rec["source"] == f"{p}:1"
    assert rec["metadata"]["fields"] == {"url": "https://example.org/a", "lang": "en"}
    assert rec["metadata"]["record"] == 1


def test_bad_lines_are_reported_with_line_numbers_and_skipped(tmp_path: Path) -> None:
    p = make_jsonl(
        tmp_path,
        [
            json.dumps({"text": ARTICLE}),
            "{not json",
            json.dumps({"body": "no text key"}),
            json.dumps(["a list"]),
            json.dumps({"text": SEED.read_text()}),
        ],
    )
    r = run_cli("clean", str(p))
    assert r.returncode == 1
    err = r.stderr.decode()
    assert f"{p}:2: not valid JSON" in err
    assert f"{p}:3: no 'text' key" in err
    assert f"{p}:4: not a JSON object" in err
    assert "3 record(s) skipped" in err
    recs = [json.loads(line) for line in r.stdout.decode().splitlines()]
    assert [rec["metadata"]["record"] for rec in recs] == [1, 5, 5]
    assert "\n\n\n".join(rec["text"] for rec in recs[1:]) + "\n" == SEED_EXPECTED.read_text()


def test_text_key_and_gzip_in_and_out(tmp_path: Path) -> None:
    p = make_jsonl(tmp_path, [json.dumps({"content": ARTICLE, "id": 7})], name="in.jsonl.gz")
    out = tmp_path / "out.jsonl.gz"
    r = run_cli("clean", "--text-key", "content", str(p), "-o", str(out))
    assert r.returncode == 0, r.stderr
    (rec,) = [json.loads(line) for line in gzip.decompress(out.read_bytes()).decode().splitlines()]
    assert rec["metadata"]["fields"] == {"id": 7}


def test_jsonl_to_text(tmp_path: Path) -> None:
    p = make_jsonl(tmp_path, [json.dumps({"text": ARTICLE})])
    r = run_cli("clean", "--format", "text", str(p))
    assert r.stdout.decode() == "A headline for the record\n\nThe body of the record's article.\n"


def test_input_format_forced_on_stdin() -> None:
    r = run_cli("clean", "--input-format", "jsonl", "-", input=(json.dumps({"text": ARTICLE}) + "\n").encode())
    assert r.returncode == 0
    assert json.loads(r.stdout)["title"] == "A headline for the record"


def test_bad_gzip_is_an_input_error(tmp_path: Path) -> None:
    p = tmp_path / "broken.jsonl.gz"
    p.write_bytes(b"not gzip at all")
    r = run_cli("clean", str(p))
    assert r.returncode == 2 and "broken.jsonl.gz: not valid gzip" in r.stderr.decode()
