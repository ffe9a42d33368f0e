"""Inputs: a text file (or standard input), or a JSONL file of records.

A JSONL input (``*.jsonl``, ``*.jsonl.gz``, or ``--input-format jsonl``)
holds one JSON object per line; the field named by ``text_key`` is cleaned,
and every other field is carried unchanged into the output records'
``metadata.fields``.  A line that is not valid JSON, not an object, or
lacks the key is reported with its line number and skipped.  ``.gz`` inputs
are decompressed by name.
"""

from __future__ import annotations

import gzip
import json
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from .errors import InputError
from .model import CleanResult
from .pipeline import Cleaner
from .read import decode, read_path
from .urls import is_url

InputFormat = Literal["auto", "text", "jsonl"]


@dataclass(frozen=True)
class Cleaned:
    """One cleaned text: a file, or one record of a JSONL file."""

    result: CleanResult
    source: str  # what record ids derive from: the path, or path:line
    extra: dict[str, Any] | None = None  # metadata to add (JSONL record number and fields)


@dataclass
class InputOutcome:
    cleaned: list[Cleaned] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # one line per skipped record


def input_format_of(path: str, requested: InputFormat) -> Literal["text", "jsonl"]:
    if requested != "auto":
        return requested
    name = path.lower()
    return "jsonl" if name.endswith((".jsonl", ".jsonl.gz")) else "text"


def read_bytes(path: str) -> bytes:
    """The bytes of ``path`` (``-`` is standard input, ``scheme://`` an fsspec URL), gunzipped when it ends in .gz."""
    if path == "-":
        data = sys.stdin.buffer.read()
    elif is_url(path):
        from .urls import read_url  # fsspec, imported only for URLs

        data = read_url(path)
    else:
        data = read_path(Path(path))
    if path.lower().endswith(".gz"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise InputError(path, f"not valid gzip: {exc}") from None
    return data


def clean_input(cleaner: Cleaner, path: str, input_format: InputFormat = "auto", text_key: str = "text") -> InputOutcome:
    return clean_data(cleaner, path, read_bytes(path), input_format, text_key)


def clean_data(cleaner: Cleaner, path: str, data: bytes, input_format: InputFormat = "auto", text_key: str = "text") -> InputOutcome:
    """Clean the (already read, already gunzipped) bytes of the input ``path``."""
    if input_format_of(path, input_format) == "text":
        result = cleaner.clean_bytes(data, source=path)
        return InputOutcome([Cleaned(result, path)])
    return _clean_jsonl(cleaner, path, data, text_key)


def _clean_jsonl(cleaner: Cleaner, path: str, data: bytes, text_key: str) -> InputOutcome:
    # Records are split on LF only (a CR before it is JSON whitespace): a raw
    # U+2028, U+2029 or U+0085 inside a JSON string is data, not a line end,
    # so line ends are not normalized before the split.
    decoded = decode(data, path, newlines=False)
    warnings = decoded.warnings
    outcome = InputOutcome()
    for no, rec, problem in _records(decoded.text, text_key):
        where = f"{path}:{no}"
        if problem is not None:
            outcome.skipped.append(f"{where}: {problem}; record skipped")
            continue
        assert rec is not None
        fields = {k: v for k, v in rec.items() if k != text_key}
        result = cleaner.clean_text(rec[text_key], source=where)
        if decoded.encoding != "utf-8" or warnings:
            # The file's encoding in every record; its decoding warning once.
            result = replace(result, encoding=decoded.encoding, warnings=warnings + result.warnings)
            warnings = ()
        outcome.cleaned.append(Cleaned(result, where, {"record": no, "fields": fields}))
    return outcome


def _records(text: str, text_key: str) -> Iterator[tuple[int, dict[str, Any] | None, str | None]]:
    for no, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            yield no, None, f"not valid JSON ({_json_problem(exc)})"
            continue
        if not isinstance(rec, dict):
            yield no, None, "not a JSON object"
        elif text_key not in rec:
            yield no, None, f"no {text_key!r} key"
        elif not isinstance(rec[text_key], str):
            yield no, None, f"{text_key!r} is not a string"
        else:
            yield no, rec, None


def _json_problem(exc: json.JSONDecodeError) -> str:
    """The decoder's message with the column, reading naturally.

    json's messages may end in "at" ("Unterminated string starting at"):
    the column completes them instead of a second "at".
    """
    msg = exc.msg
    if msg.endswith(" at"):
        return f"{msg} column {exc.colno}"
    return f"{msg} at column {exc.colno}"
