"""Properties over generated scrape-like pages and arbitrary bytes."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scrubber import Action, Cleaner, InputError, Settings
from scrubber.normalize import normalize_text
from scrubber.read import decode
from scrubber.similarity import fold

from .strategies import Page, pages, raw_bytes

CLEANER = Cleaner(Settings())
SLOW = Cleaner(Settings(fast=False))
FAST_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST_SETTINGS
@given(pages(), st.booleans())
def test_cleaning_is_idempotent(page: Page, mojibake: bool) -> None:
    once = CLEANER.clean_bytes(raw_bytes(page, mojibake)).text
    assert CLEANER.clean_text(once).text == once


@FAST_SETTINGS
@given(pages(), st.booleans())
def test_nothing_is_invented(page: Page, mojibake: bool) -> None:
    data = raw_bytes(page, mojibake)
    inputs = set(normalize_text(decode(data).text).split("\n"))
    out = CLEANER.clean_bytes(data).text
    assert [line for line in out.split("\n") if line and line not in inputs] == []


@FAST_SETTINGS
@given(pages())
def test_every_paragraph_is_kept_or_reported(page: Page) -> None:
    result = CLEANER.clean_bytes(page.raw.encode("utf-8"))
    kept = {fold(line) for line in result.text.split("\n")}
    reported = {fold(d.text) for d in result.decisions if d.action in (Action.DROP, Action.COLLAPSE) and d.reason}
    for para in page.paragraphs:
        assert fold(para) in kept or fold(para) in reported


@FAST_SETTINGS
@given(pages())
def test_each_title_appears_once(page: Page) -> None:
    out = CLEANER.clean_bytes(page.raw.encode("utf-8")).text
    for title in page.titles:
        assert out.split("\n").count(title) <= 1


@FAST_SETTINGS
@given(pages(), st.booleans())
def test_fast_path_equals_slow_path(page: Page, mojibake: bool) -> None:
    data = raw_bytes(page, mojibake)
    assert CLEANER.clean_bytes(data).text == SLOW.clean_bytes(data).text


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_clean_or_are_refused_cleanly(data: bytes) -> None:
    try:
        once = CLEANER.clean_bytes(data).text
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    assert CLEANER.clean_text(once).text == once


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_idempotent(text: str) -> None:
    once = CLEANER.clean_text(text).text
    assert CLEANER.clean_text(once).text == once


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(pages(), st.integers(200, 2000), st.integers(0, 200_000), st.sampled_from(["\n", "\r\n", "\r"]))
def test_big_pages_long_lines_and_mixed_line_ends(page: Page, copies: int, long_line: int, newline: str) -> None:
    """Thousands of blocks, a very long line and mixed line ends: no exception, idempotent, nothing invented."""
    raw = (page.raw.replace("\n", newline) + "\n") * (copies // 10) + "word " * (long_line // 5) + "\n" + page.raw
    data = raw.encode("utf-8")
    out = CLEANER.clean_bytes(data).text
    assert CLEANER.clean_text(out).text == out
    inputs = set(normalize_text(decode(data).text).split("\n"))
    assert [line for line in out.split("\n") if line and line not in inputs] == []
