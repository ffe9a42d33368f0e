"""The similarity threshold and what collapses: the cases that justify the default (92)."""

from __future__ import annotations

import pytest

from scrubber import Action, Cleaner, Settings
from scrubber.similarity import key, similarity

DEFAULT = Settings().threshold
TITLE = "Mayor Unveils Plan to Rebuild Riverside Market"


@pytest.mark.parametrize(
    "variant",
    [
        "MAYOR UNVEILS PLAN TO REBUILD RIVERSIDE MARKET",  # case
        "Mayor  Unveils Plan to Rebuild  Riverside Market",  # spacing
        "Mayor Unveils Plan to Rebuild Riverside Market.",  # punctuation
        "Mayor unveils plan to rebuild \u2018Riverside\u2019 market",  # quotes
        "Mayor Unveils Plan to Rebuild Riverside Markt",  # one typo
        "Mayor Unvails Plan to Rebuild Riverside Markt",  # two typos
        "Mayor Unveils Plan to Rebuild...",  # truncated
        "Mayor Unveils Plan to Rebuild Riversi\u2026",  # truncated mid-word
    ],
)
def test_variants_of_one_headline_are_the_same_line(variant: str) -> None:
    assert similarity(key(TITLE), key(variant), DEFAULT) is not None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # Two captions of one photo set differ in one word: not the same caption.
        ("A farmer shows wheat plants at a field in Giza", "A farmer shows wheat seeds at a field in Giza"),
        # Two headlines on one story.
        ("Mayor unveils plan to rebuild riverside market", "Mayor drops plan to rebuild riverside market"),
        ("Storm closes coastal road", "Storm closes coastal rail"),
        # A short prefix is not a truncated copy.
        ("Mayor...", TITLE),
        # A line that merely starts like the title but goes on is not a copy.
        (TITLE, TITLE + " after fire destroyed the old hall in March"),
    ],
)
def test_different_lines_stay_different(a: str, b: str) -> None:
    assert similarity(key(a), key(b), DEFAULT) is None


def test_interleaved_copies_collapse(cleaner: Cleaner) -> None:
    cap = "Traders set up stalls at the temporary market site on Saturday. (Photo: AP)"
    text = f"{TITLE}\n{cap}\n{TITLE}\n{cap}\n\nThe mayor presented the plan on Friday.\n"
    result = cleaner.clean_text(text)
    assert result.text == f"{TITLE}\n\n{cap}\n\nThe mayor presented the plan on Friday.\n"
    collapsed = {d.no: d.ref for d in result.decisions if d.action is Action.COLLAPSE}
    assert collapsed == {3: 1, 4: 2}


def test_a_body_paragraph_like_a_caption_but_longer_stays(cleaner: Cleaner) -> None:
    cap = "Traders set up stalls at the market on Saturday."
    body = "Traders set up stalls at the market on Saturday, and by noon most of them had sold out of bread."
    text = f"{TITLE}\n{cap}\n{TITLE}\n\n{body}\n\n{cap}\n"
    out = cleaner.clean_text(text).text
    assert out == f"{TITLE}\n\n{cap}\n\n{body}\n"


def test_paragraphs_sharing_many_words_both_stay(cleaner: Cleaner) -> None:
    a = "The council voted on Tuesday to approve the new budget for the riverside market after a long debate."
    b = "The council voted on Thursday to reject the new budget for the riverside market after a short debate."
    out = cleaner.clean_text(f"{TITLE}\n\n{a}\n\n{b}\n").text
    assert a in out and b in out


def test_a_lower_threshold_collapses_more() -> None:
    a = "A farmer shows wheat plants at a field in Giza"
    b = "A farmer shows wheat seeds at a field in Giza"
    text = f"{TITLE}\n{a}\n{TITLE}\n{b}\n\nBody text of the article.\n"
    assert a in Cleaner(Settings()).clean_text(text).text and b in Cleaner(Settings()).clean_text(text).text
    assert b not in Cleaner(Settings(threshold=85)).clean_text(text).text


def test_decisions_carry_reason_ref_and_score(cleaner: Cleaner) -> None:
    text = f"{TITLE}\n\nTT\n20\n\n{TITLE.upper()}\n\nBody of the story.\n"
    result = cleaner.clean_text(text)
    by_no = {d.no: d for d in result.decisions}
    assert by_no[1].starts_article and by_no[1].action is Action.KEEP and by_no[1].reason == "title-repeat"
    assert (by_no[3].reason, by_no[4].reason) == ("tt-widget", "tt-widget")  # the widget with its counter
    assert by_no[6].action is Action.COLLAPSE and by_no[6].ref == 1 and by_no[6].score == 100.0
    assert by_no[8].reason == "body"
    assert len(result.decisions) == 8
