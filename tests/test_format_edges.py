"""Edge cases of output: Markdown that must not render as structure or HTML, and word counts of CJK text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scrubber import Cleaner, Settings
from scrubber.formats import markdown
from scrubber.report import SafetyValve, result_stats, word_count

from .conftest import run_cli

# E: Markdown escaping

TRICKY = [
    "~~~ not a code fence",
    "```python",
    "1) not a list",
    "2. nor this",
    "2019.",
    "<div>not a block of HTML</div>",
    "A line with <span>inline</span> tags and <!-- a comment --> and <https://example.org>.",
    "AT&T &amp; &#169; &copy;",
    "___",
    "# not a heading",
    "- not a bullet",
]


def _record(paragraphs: list[str], title: str | None = "A title", captions: list[str] | None = None) -> dict:
    return {"id": "x", "source": "s", "title": title, "captions": captions or [], "paragraphs": paragraphs}


@pytest.mark.parametrize("line", TRICKY)
def test_markdown_paragraph_renders_as_its_literal_text(line: str) -> None:
    markdown_it = pytest.importorskip("markdown_it")
    html = markdown_it.MarkdownIt("commonmark").render(markdown(_record([line], title=None)))
    expected = markdown_it.MarkdownIt("commonmark").render("x").replace("x", _html_text(line))
    assert html == expected  # one paragraph holding exactly the text


def test_markdown_lines_inside_a_paragraph_caption_and_title() -> None:
    markdown_it = pytest.importorskip("markdown_it")
    rec = _record(["First line\n~~~\n1) second\n<div>x</div>"], title="Why C# matters #", captions=["*Star* <b>caption</b>", "1) numbered"])
    html = markdown_it.MarkdownIt("commonmark").render(markdown(rec))
    assert "<h1>Why C# matters #</h1>" in html
    assert "<em>*Star* &lt;b&gt;caption&lt;/b&gt;</em>" in html and "<em>1) numbered</em>" in html
    assert "<p>First line\n~~~\n1) second\n&lt;div&gt;x&lt;/div&gt;</p>" in html
    assert "<pre>" not in html and "<ol" not in html and "<div>" not in html


def test_markdown_escapes_in_the_written_text(tmp_path: Path) -> None:
    p = tmp_path / "a.txt"
    p.write_text("A title for the story\n\n~~~ fenced\n\n1) first point of the story\n\n<div>raw markup</div>\n")
    r = run_cli("clean", "--format", "markdown", str(p))
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode() == "# A title for the story\n\n\\~~~ fenced\n\n1\\) first point of the story\n\n\\<div>raw markup\\</div>\n"


def _html_text(line: str) -> str:
    return line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


# D: CJK text counts a word per character

CHINESE = (
    "北京市政府宣布新的交通计划\n\n"
    "北京市政府今天宣布，将于明年起在全市范围内实施新的公共交通计划，以缓解城市交通拥堵问题。\n\n"
    "市民对此普遍表示欢迎，认为这将大大方便日常出行。\n"
)
JAPANESE = (
    "東京都が新しい政策を発表\n\n"
    "東京都は今日、来年から都内全域で新しい公共交通政策を実施すると発表しました。\n\n"
    "多くの市民はこの発表を歓迎しています。\n"
)


def test_word_count() -> None:
    assert word_count("two words") == 2
    assert word_count("北京市政府") == 5  # ideographs
    assert word_count("ひらがなカタカナ") == 8  # kana
    assert word_count("서울시는 오늘") == 6  # Hangul syllables
    assert word_count("東京都は今日、新しい。") == 9  # CJK punctuation is no word
    assert word_count("中文 text 混合") == 5
    assert word_count("Caf\u00e9 \u00fcber\u00a0alles") == len("Caf\u00e9 \u00fcber\u00a0alles".split())


@pytest.mark.parametrize("text", [CHINESE, JAPANESE], ids=["zh", "ja"])
def test_cjk_article_is_not_flagged(text: str) -> None:
    stats = result_stats(Cleaner(Settings()).clean_text(text, source="cjk.txt"))
    assert all(n >= 10 for n in stats["body_words"]), stats["body_words"]
    assert SafetyValve().flags(stats) == []


def test_cjk_article_passes_strict(tmp_path: Path) -> None:
    p = tmp_path / "zh.txt"
    p.write_text(CHINESE, encoding="utf-8")
    report = tmp_path / "run.json"
    r = run_cli("clean", "--strict", str(p), "--report", str(report))
    assert r.returncode == 0, r.stderr
    assert b"flagged" not in r.stderr
    assert r.stdout.decode("utf-8") == CHINESE
    assert json.loads(report.read_text())["flagged"] == []


def test_short_cjk_body_is_still_flagged(tmp_path: Path) -> None:
    p = tmp_path / "short.txt"
    p.write_text("北京市政府宣布新的交通计划\n\n市民表示欢迎。\n", encoding="utf-8")
    r = run_cli("clean", "--strict", str(p))
    assert r.returncode == 1
    assert f"{p}: flagged: 1 article(s) with a body under 10 words" in r.stderr.decode()


# Any line of text, however much Markdown punctuation it holds, renders as itself.
_MD_ALPHABET = "ab 1.)*_`[]()!<>&#;~\\-+=|:'\"ü"


def test_markdown_inline_syntax_renders_as_its_literal_text() -> None:
    markdown_it = pytest.importorskip("markdown_it")
    for line in ["*not emphasis*", "_nor this_", "`not code`", "[not a link](http://x.org)", "![no image](a.png)", "a\\*b", "snake_case_name", "**bold?**", "~~gone?~~", "trailing \\"]:
        html = markdown_it.MarkdownIt("commonmark").render(markdown(_record([line], title=None)))
        assert html == "<p>" + _html_text(line) + "</p>\n", line


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_MD_ALPHABET, min_size=1, max_size=30).map(lambda s: " ".join(s.split())).filter(bool))
def test_markdown_any_line_renders_as_itself(line: str) -> None:
    markdown_it = pytest.importorskip("markdown_it")
    html = markdown_it.MarkdownIt("commonmark").render(markdown(_record([line], title=None)))
    assert html == "<p>" + _html_text(line) + "</p>\n"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=_MD_ALPHABET, min_size=1, max_size=30).map(lambda s: " ".join(s.split())).filter(bool))
def test_markdown_any_title_and_caption_render_as_themselves(line: str) -> None:
    markdown_it = pytest.importorskip("markdown_it")
    html = markdown_it.MarkdownIt("commonmark").render(markdown(_record(["Body."], title=line, captions=[line])))
    text = _html_text(line)
    assert html == f"<h1>{text}</h1>\n<p><em>{text}</em></p>\n<p>Body.</p>\n"
