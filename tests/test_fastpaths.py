"""The fast paths give exactly what the plain definitions give."""

from __future__ import annotations

import re
import string

from hypothesis import given, settings
from hypothesis import strategies as st

from scrubber.normalize import maybe_bad
from scrubber.similarity import fold, signature

_NONWORD = re.compile(r"[\W_]+")


def reference_fold(text: str) -> str:
    return _NONWORD.sub(" ", text.casefold()).strip()


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=80))
def test_ascii_fold_equals_the_regex(text: str) -> None:
    assert fold(text) == reference_fold(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(string.printable + "\u00e9\u00df\u2019\u2026\u00a0\u0130_"), max_size=80))
def test_fold_equals_the_regex(text: str) -> None:
    assert fold(text) == reference_fold(text)


def test_fold_examples() -> None:
    assert fold("  Hello,  World_42!... ") == "hello world 42"
    assert fold("Stra\u00dfe \u2013 Caf\u00e9") == "strasse caf\u00e9"
    assert fold("...") == ""


def reference_maybe_bad(text: str) -> bool:
    """maybe_bad spelled out: the conditions every ftfy repair needs."""
    if re.search("[\u0080-\U0010ffff]{2}|[\x80-\x9f\ud800-\udfff]|[\u00c2\u00c3] ", text):
        return True
    return re.search("[\u0152\u0153][^A-Za-z]", text) is not None


_BAD_ALPHABET = "a \n\u00c2\u00c3\u0152\u0153\u0085\u009f\u00a0\u00bf\u00e9\u2019\u20ac\ud800\udfff\U0001f600\u0100"


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=st.sampled_from(_BAD_ALPHABET), max_size=8))
def test_maybe_bad_equals_its_definition(text: str) -> None:
    assert maybe_bad(text) == reference_maybe_bad(text)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(string.printable + "\u00e9\u00df\u2019\u2026\u00a0\u0130_"), max_size=40))
def test_signature_is_the_fold_without_spaces(text: str) -> None:
    assert signature(text) == reference_fold(text).replace(" ", "")



from ftfy.badness import MOJIBAKE_CATEGORIES, is_bad  # noqa: E402

from scrubber.normalize import is_bad_near_triggers  # noqa: E402
from scrubber.similarity import ELLIPSES, key  # noqa: E402

_MOJIBAKE_ALPHABET = sorted(set("".join(MOJIBAKE_CATEGORIES.values())) | set("ab .\n\u00c2\u00c3\u0152\u0153\u00e9\u00fc\u00e1\u00f1"))


@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet=st.sampled_from(_MOJIBAKE_ALPHABET), max_size=30), st.text(alphabet=st.sampled_from("ab .,"), max_size=40))
def test_is_bad_near_triggers_equals_is_bad(text: str, padding: str) -> None:
    for line in (text, padding + text, text + padding, padding + text + padding):
        assert is_bad_near_triggers(line) == is_bad(line)


def test_is_bad_near_triggers_examples() -> None:
    for line in ["it\u00e2\u20ac\u2122s fine", "Ib\u00e1\u00f1ez said", "caf\u00c3\u00a9", "\u00c3 la", "x \u00c3 la", "plain"]:
        assert is_bad_near_triggers(line) == is_bad(line)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(string.printable + "\u00e9\u2026\u0130_"), max_size=40))
def test_key_folds_like_the_stripped_text(text: str) -> None:
    """key() folds the whole line: fold drops a trailing ellipsis anyway."""
    k = key(text)
    assert k.truncated == text.endswith(ELLIPSES)
    assert k.folded == reference_fold(text.rstrip(".\u2026 ") if k.truncated else text)


from scrubber.normalize import _c1_or_surrogate  # noqa: E402
from scrubber.rules import _alternation, load_ruleset  # noqa: E402


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from("a \u00e9\u0085\u009f\u00a0\ud800\udfff\u2019"), max_size=10))
def test_c1_or_surrogate_equals_the_regex(text: str) -> None:
    expected = re.search("[\x80-\x9f\ud800-\udfff]", text) is not None
    assert _c1_or_surrogate(text.encode("utf-8", "surrogatepass")) == expected


_DEFAULT_PATTERNS = [(p, r.case_sensitive) for r in load_ruleset().rules for p in r.regex]
_COMBINED = _alternation(_DEFAULT_PATTERNS)
_SINGLE = [re.compile(p, 0 if cs else re.IGNORECASE) for p, cs in _DEFAULT_PATTERNS]


@settings(max_examples=1000, deadline=None)
@given(
    st.lists(st.sampled_from(["share", "Share", ":", " ", "12", ".", ",", "k", "photo", "Read more", "\u00bb", "we use cookies", "newsletter", "sign up for our", "x", "\u00e0 lire aussi"]), max_size=6).map("".join)
)
def test_combined_regex_fullmatches_when_one_pattern_does(text: str) -> None:
    assert _COMBINED is not None
    assert (_COMBINED.fullmatch(text) is not None) == any(p.fullmatch(text) for p in _SINGLE)


def test_patterns_that_cannot_be_combined_are_tried_alone() -> None:
    assert _alternation([(r"(a)\1", False), ("b", False)]) is None
    assert _alternation([("(?i)a", True)]) is None
    assert _alternation([("(?P<x>a)", False), ("(?P<x>b)", False)]) is None  # duplicate group name
    assert _alternation([]) is None
    combined = _alternation([("ab", True), ("cd", False)])
    assert combined is not None and combined.fullmatch("CD") and not combined.fullmatch("AB")


_CODE_POINTS = [chr(c) for c in (*range(0x80, 0x3000), *range(0x3000, 0x110000, 97))]


def test_fold_and_signature_equal_the_regex_for_every_character() -> None:
    """The byte-level folds treat each non-ASCII character as the regex does
    (casefold may give several characters, some of them not word characters)."""
    for ch in _CODE_POINTS:
        for text in (ch, "A" + ch + "b", "x " + ch + ch + "_Z", ch + "." + ch):
            expected = reference_fold(text)
            assert fold(text) == expected, repr(text)
            assert signature(text) == expected.replace(" ", ""), repr(text)


from scrubber.normalize import MAX_PASSES, _one_pass, normalize_text  # noqa: E402


def reference_normalize(text: str, quotes: str, fast: bool) -> str:
    """normalize_text's plain definition: whole-text passes until nothing changes."""
    for _ in range(MAX_PASSES):
        new = _one_pass(text, quotes, fast)  # type: ignore[arg-type]
        if new == text or not maybe_bad(new):
            return new
        text = new
    return text


_NORMALIZE_ALPHABET = sorted(set(_MOJIBAKE_ALPHABET) | set("\u2019\u201c\u00a0\t\x01\u00ad \n\u00e1\u00f1\u0301"))


@settings(max_examples=500, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(_NORMALIZE_ALPHABET), max_size=12), max_size=5).map("\n".join), st.sampled_from(["straight", "keep"]), st.booleans())
def test_normalize_text_equals_whole_text_passes(text: str, quotes: str, fast: bool) -> None:
    assert normalize_text(text, quotes, fast) == reference_normalize(text, quotes, fast)  # type: ignore[arg-type]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(_BAD_ALPHABET.replace("\n", "") + "\u00e2\u20ac\u2122\u0416\u00c5\u0153\u0152."), max_size=10), max_size=8))
def test_only_lines_with_triggers_are_looked_at(lines: list[str]) -> None:
    import ftfy

    from scrubber.normalize import FTFY_CONFIG, _needs_ftfy, _repair_fast

    text = "\n".join(lines)
    assert _repair_fast(text) == "\n".join(ftfy.fix_text(line, FTFY_CONFIG) if _needs_ftfy(line) else line for line in lines)


@settings(max_examples=1000, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("aeA \n\u00c2\u00c3\u0153\u00e9\u2019\u201c\u00a0\u200b\u00ad\u0301\u0302\u0085\x07\u2003\u0416"), max_size=10),
    st.sampled_from(["straight", "keep"]),
)
def test_a_pass_called_settled_leaves_nothing_for_ftfy(text: str, quotes: str) -> None:
    from scrubber.normalize import _pass

    new, settled = _pass(text, quotes, True)  # type: ignore[arg-type]
    if settled:
        assert not maybe_bad(new)


from scrubber.similarity import BUCKET_READ, bucket  # noqa: E402

# Texts with equal folds: the same words with other case, punctuation and spacing.
_WORDS = st.lists(st.text(alphabet="abcXYZäöÜßİ0159", min_size=1, max_size=9), min_size=1, max_size=30)
_SEPARATORS = st.sampled_from([" ", "  ", ", ", " - ", "'", "...", " (", ") ", "_", "\u201c"])


@settings(max_examples=500, deadline=None)
@given(_WORDS, st.data())
def test_texts_with_equal_folds_have_equal_buckets(words: list[str], data: st.DataObject) -> None:
    """Collapse finds repeated paragraphs through buckets: a repeat must land in its original's bucket."""

    def variant() -> str:
        seps = data.draw(st.lists(_SEPARATORS, min_size=len(words) + 1, max_size=len(words) + 1))
        cased = [w.upper() if data.draw(st.booleans()) else w for w in words]
        return seps[0] + "".join(w + s for w, s in zip(cased, seps[1:]))

    a, b = variant(), variant()
    assert fold(a) == fold(b)
    assert bucket(a) == bucket(b)


def test_buckets_read_only_the_start_of_long_texts() -> None:
    long = "word " * 100
    assert bucket(long + "A") == bucket(long + "B")  # (they differ after the bucket: collapse compares folds)
    assert bucket("x" * (BUCKET_READ + 5)) == bucket("X" * (BUCKET_READ + 9))
    assert bucket("Eine kurze Zeile") != bucket("Eine andere Zeile")


import pytest  # noqa: E402

from scrubber.pipeline import Cleaner  # noqa: E402


def test_clean_input_is_cleaned_in_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    """Input that is clean already (a pre-commit run over cleaned files) needs no proof pass:
    the second pass would clean the same text again."""
    dirty = "Headline of the day\n\nA caption here.\nA caption here.\nHeadline of the day\nTT\n20\n\nThe body of the article, long enough to be a paragraph of text.\n"
    calls: list[str] = []
    one_pass = Cleaner._one_pass

    def counting(self, text, *args):  # type: ignore[no-untyped-def]
        calls.append(text)
        return one_pass(self, text, *args)

    monkeypatch.setattr(Cleaner, "_one_pass", counting)
    cleaner = Cleaner()
    clean = cleaner.clean_text(dirty).text
    assert clean != dirty and len(calls) == 2  # dirty input: a pass, then the proof
    calls.clear()
    again = cleaner.clean_text(clean)
    assert again.text == clean and len(calls) == 1
