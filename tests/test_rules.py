"""Rules files: validation with file and line, protection of real text, context."""

from __future__ import annotations

from pathlib import Path

import pytest

from scrubber import Cleaner, RulesError, Settings, load_ruleset
from scrubber.rules import default_rules_text, parse_rules


def write(tmp_path: Path, text: str, name: str = "site.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_default_rules_load_and_every_rule_is_described() -> None:
    rules, _ = parse_rules(default_rules_text(), "default.yaml")
    assert {"tt-widget", "share-buttons", "share-counter", "advertisement", "read-more", "related", "newsletter", "cookie-notice", "photo-credit"} <= {r.id for r in rules}
    assert all(r.description for r in rules)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("rules:\n  - id: x\n    exact: [a]\n", 2, "'description' is required"),
        ("rules:\n  - id: Bad Id\n    description: d\n    exact: [a]\n", 2, "'id' is required"),
        ("rules:\n  - id: a\n    description: d\n", 2, "needs 'exact' strings or 'regex'"),
        ("rules:\n  - id: a\n    description: d\n    regex: ['a(']\n", 2, "does not compile"),
        ("rules:\n  - id: a\n    description: d\n    exact: [a]\n    scope: page\n", 2, "'scope' must be"),
        ("rules:\n  - id: a\n    description: d\n    exact: [a]\n    colour: red\n", 2, "unknown key(s): colour"),
        ("rules:\n  - id: a\n    description: d\n    exact: [a b c]\n    max_words: 2\n", 2, "smaller than its longest exact string"),
        ("rules:\n- id: a\n  description: d\n  exact: [a]\n- id: a\n  description: e\n  exact: [b]\n", 5, "already defined at"),
        ("rules: [\n", 2, "not valid YAML"),
        ("version: 2\nrules: []\n", 1, "unsupported rules format version"),
        ("- just a list\n", None, "must be a mapping"),
    ],
)
def test_invalid_rules_name_file_line_and_problem(tmp_path: Path, text: str, line: int | None, message: str) -> None:
    p = write(tmp_path, text)
    with pytest.raises(RulesError) as info:
        load_ruleset([p])
    where = f"{p}:{line}" if line is not None else str(p)
    assert str(info.value).startswith(where + ":") or str(info.value).startswith(where + " ")
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_python_object_tags_are_refused(tmp_path: Path) -> None:
    p = write(tmp_path, "rules: !!python/object/apply:os.system ['echo hacked']\n")
    with pytest.raises(RulesError, match="not valid YAML"):
        load_ruleset([p])


def test_user_rule_drops_its_marker_and_protects_longer_lines(tmp_path: Path) -> None:
    p = write(tmp_path, "rules:\n  - id: site-menu\n    description: The site's menu line.\n    exact: ['Home | World | Sport']\n")
    cleaner = Cleaner(Settings(rules=(p,)))
    text = "Title of the story here\n\nHome | World | Sport\n\nHome | World | Sport was the menu of the old site, said the editor.\n"
    out = cleaner.clean_text(text).text
    assert out == "Title of the story here\n\nHome | World | Sport was the menu of the old site, said the editor.\n"
    dropped = [d for d in cleaner.clean_text(text).decisions if d.reason == "site-menu"]
    assert [d.no for d in dropped] == [3]


def test_max_words_protects_a_paragraph_that_matches_a_regex(tmp_path: Path) -> None:
    p = write(tmp_path, "rules:\n  - id: promo\n    description: Promo lines.\n    regex: ['promo .*']\n    max_words: 4\n")
    cleaner = Cleaner(Settings(rules=(p,)))
    out = cleaner.clean_text("Promo code inside\n\nPromo codes were handed out to every reader who came to the launch.\n").text
    assert out == "Promo codes were handed out to every reader who came to the launch.\n"


def test_counter_is_a_marker_only_after_a_marker(cleaner: Cleaner) -> None:
    text = "Headline about the vote count\n\nShare\n20\n\nThe council voted.\n\n20\n\nMore text follows here.\n"
    result = cleaner.clean_text(text)
    assert result.text == "Headline about the vote count\n\nThe council voted.\n\n20\n\nMore text follows here.\n"
    reasons = {d.no: d.reason for d in result.decisions}
    assert reasons[3] == "share-buttons" and reasons[4] == "share-counter" and reasons[8] == "body"


def test_no_default_rules_keeps_markers() -> None:
    out = Cleaner(Settings(default_rules=False)).clean_text("Some headline here\n\nTT\n\nBody text of the story.\n").text
    assert "TT" in out


def test_disable_turns_a_default_rule_off(tmp_path: Path) -> None:
    p = write(tmp_path, "disable: [tt-widget]\nrules: []\n")
    out = Cleaner(Settings(rules=(p,))).clean_text("Some headline here\n\nTT\n\nBody text of the story.\n").text
    assert "TT" in out


def test_disable_of_an_unknown_rule_is_an_error(tmp_path: Path) -> None:
    p = write(tmp_path, "disable: [nope]\nrules: []\n")
    with pytest.raises(RulesError, match="no earlier rule has the id 'nope'"):
        load_ruleset([p])


def test_exact_strings_are_normalized_like_text(tmp_path: Path) -> None:
    p = write(tmp_path, "rules:\n  - id: quote\n    description: d\n    exact: ['\u201cSubscribe\u201d']\n")
    out = Cleaner(Settings(rules=(p,))).clean_text("A headline for the story\n\n\u201cSubscribe\u201d\n\nBody text.\n").text
    assert "Subscribe" not in out


def test_block_rule_drops_a_cookie_paragraph(cleaner: Cleaner) -> None:
    text = "We use cookies to improve your experience.\nBy continuing you agree.\n\n\nHeadline of the day\n\nBody of the story, which uses no cookies at all.\n"
    assert cleaner.clean_text(text).text == "Headline of the day\n\nBody of the story, which uses no cookies at all.\n"


def test_missing_rules_file(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match="cannot read rules file"):
        load_ruleset([tmp_path / "nope.yaml"])


def test_keep_first_spares_the_first_match(tmp_path: Path) -> None:
    p = write(tmp_path, "rules:\n  - id: disclaimer\n    description: A standard paragraph.\n    exact: ['This story was produced with support from the fund.']\n    keep_first: true\n    count: 120\n    share: 0.4\n    examples: [a.txt, b.txt]\n")
    cleaner = Cleaner(Settings(rules=(p,)))
    d = "This story was produced with support from the fund."
    text = f"A headline for the story\n\nFirst paragraph of the story.\n\n{d}\n\nSecond paragraph of the story.\n\n{d}\n"
    out = cleaner.clean_text(text).text
    assert out.count(d) == 1
    assert cleaner.clean_text(out).text == out
