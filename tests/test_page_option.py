"""--page: whole-page scrapes lose their menus and footers; the default keeps every line."""

from __future__ import annotations

from pathlib import Path

from scrubber import Cleaner, Settings

from .conftest import SEED, SEED_EXPECTED, run_cli

MENU = ["Home", "News", "Sport", "Business", "Culture", "Weather", "Contact", "Login"]
BODY = [
    "The city council approved the new budget on Tuesday evening after a debate that lasted more than four hours.",
    "The plan sets aside money for the repair of the old bridge, which has been closed to lorries since the spring.",
    "Opposition members said the budget was too optimistic about tax income, and asked for a review in the autumn.",
    "The mayor said the city would publish a detailed report on the bridge repairs before the end of the month.",
]
FOOTER = ["Imprint", "Privacy", "Terms of use", "Cookie settings", "Follow us", "Newsletter", "Jobs", "Advertise"]


def page_text() -> str:
    return "\n".join(MENU + ["", "Council Approves Budget After Long Debate", ""] + sum(([p, ""] for p in BODY), []) + FOOTER) + "\n"


def test_page_mode_keeps_the_article_and_drops_the_page(tmp_path: Path) -> None:
    f = tmp_path / "page.txt"
    f.write_text(page_text())
    r = run_cli("clean", "--page", str(f))
    out = r.stdout.decode()
    for p in BODY:
        assert p in out
    for junk in ("Home", "Weather", "Privacy", "Terms of use", "Follow us"):
        assert junk not in out.split("\n")
    explained = run_cli("explain", "--page", "--format", "json", str(f)).stdout.decode()
    assert '"reason": "page:' in explained


def test_default_keeps_the_page_lines() -> None:
    out = Cleaner(Settings()).clean_text(page_text()).text
    assert "Privacy" in out.split("\n")


def test_page_mode_keeps_the_seed_and_stays_idempotent() -> None:
    cleaner = Cleaner(Settings(page=True))
    out = cleaner.clean_path(SEED).text
    assert out.encode() == SEED_EXPECTED.read_bytes()
    text = cleaner.clean_text(page_text()).text
    assert cleaner.clean_text(text).text == text


def test_page_setting_in_the_config(tmp_path: Path) -> None:
    (tmp_path / "scrubber.yaml").write_text("page: true\n")
    (tmp_path / "page.txt").write_text(page_text())
    out = run_cli("clean", "page.txt", cwd=tmp_path).stdout.decode()
    assert "Privacy" not in out.split("\n")
    out = run_cli("clean", "--keep-page", "page.txt", cwd=tmp_path).stdout.decode()
    assert "Privacy" in out.split("\n")
