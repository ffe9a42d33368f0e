"""The HTML review page: self-contained, escaped, and checked in a real browser when one is installed."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import SEED, run_cli

HOSTILE = "A headline with <b>markup</b> in it\n\nShare\n\n<script>alert('x')</script> is what the page said.\n"


def make_review(tmp_path: Path) -> str:
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SEED, src / "seed.txt")
    (src / "hostile.txt").write_text(HOSTILE)
    (src / "empty.txt").write_text("Share\n\nTweet\n")
    out = tmp_path / "review.html"
    r = run_cli("review", str(src), "-o", str(out))
    assert r.returncode == 0, r.stderr
    return out.read_text()


def test_page_is_self_contained_and_shows_what_was_cut(tmp_path: Path) -> None:
    page = make_review(tmp_path)
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"<(script|link|img|iframe)\b", page)  # no scripts, no external resources
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in page
    assert "<svg" in page and 'class="bar"' in page  # the bar chart
    assert ">tt-widget<" in page and ">collapsed repeats<" in page
    assert "<del" in page  # dropped lines are struck through
    assert re.search(r'→ <a href="#f-[0-9a-f]+-L3">line 3</a>', page)  # a collapsed repeat links to its line
    # the riskiest file (no article at all, flagged) comes first in the table
    first_row = page.split('<table class="files">', 1)[1].split("</tr>", 2)[1]
    assert "empty.txt" in first_row and "no article" in first_row


def test_scraped_html_is_shown_as_text(tmp_path: Path) -> None:
    page = make_review(tmp_path)
    assert "<script>alert" not in page and "<b>markup</b>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "&lt;b&gt;markup&lt;/b&gt;" in page


def test_clean_review_option(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    r = run_cli("clean", str(SEED), "--review", str(out))
    assert r.returncode == 0
    assert "<svg" in out.read_text()


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(_chromium() is None, reason="Chromium is not installed")
def test_page_renders_in_headless_chromium(tmp_path: Path) -> None:
    make_review(tmp_path)
    page = tmp_path / "review.html"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([_chromium(), *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120).stdout
    assert "<svg" in dom and 'class="bar"' in dom
    assert "<del" in dom
    assert "&lt;script&gt;" in dom
    shot = tmp_path / "review.png"
    subprocess.run([_chromium(), *flags, f"--screenshot={shot}", "--window-size=1200,1600", page.as_uri()], capture_output=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 10_000
    kept = Path(__file__).resolve().parent.parent / "build" / "review.png"
    kept.parent.mkdir(exist_ok=True)
    shutil.copy(shot, kept)  # for a person to look at


def test_binary_file_in_a_folder_is_skipped_with_a_warning(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SEED, src / "seed.txt")
    (src / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    out = tmp_path / "review.html"
    r = run_cli("review", str(src), "-o", str(out))
    assert r.returncode == 0, r.stderr  # as clean, learn and dedup
    err = r.stderr.decode()
    assert f"scrubber: warning: {src / 'image.txt'}: is binary (contains NUL bytes); skipped" in err
    assert "review of 1 file(s)" in err and out.exists()


def test_binary_file_named_on_the_command_line_is_an_input_error(tmp_path: Path) -> None:
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    r = run_cli("review", str(binary), str(SEED), "-o", str(tmp_path / "review.html"))
    assert r.returncode == 2
    assert f"scrubber: error: {binary}: is binary (contains NUL bytes)" in r.stderr.decode()
