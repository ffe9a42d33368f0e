"""scrubber learn: recurring boilerplate becomes rules; real recurring content does not."""

from __future__ import annotations

import random
from pathlib import Path

import yaml

from scrubber.learn import is_excluded

from .conftest import run_cli

WORDS = "council market river bridge budget school harbour museum station festival library hospital".split()


def site(root: Path, name: str, n: int, seed: int) -> Path:
    rng = random.Random(seed)
    folder = root / name
    folder.mkdir(parents=True)
    for i in range(n):
        topic = rng.choice(WORDS)
        body = [f"The {topic} committee met on day {i} and talked about the {rng.choice(WORDS)} for {rng.randint(2, 90)} minutes." for _ in range(3)]
        if i % 3 == 0:  # a line that is the article's own title elsewhere, and a shared quote in a few files
            body.append('"We will keep working on it," the mayor said.')
        lines = [
            f"{name.title()} Daily | News | Sport | Weather",
            "",
            f"The {topic} story number {i} of the week",
            "",
            f"By Reporter {rng.randint(1, 40)}",
            "",
            f"Published March {rng.randint(1, 28)}, 2024",
            "",
            *sum(([p, ""] for p in body), []),
            "This article is part of our local coverage, supported by readers like you.",
            "",
            "Cookie preferences",
            "",
            f"© 2024 {name.title()} Media Group",
        ]
        (folder / f"{i:03d}.txt").write_text("\n".join(lines) + "\n")
    return folder


def learned_rules(path: Path) -> dict[str, dict]:  # type: ignore[type-arg]
    doc = yaml.safe_load(path.read_text())
    return {r["exact"][0]: r for r in doc["rules"]}


def test_learn_finds_site_boilerplate_and_not_content(tmp_path: Path) -> None:
    site(tmp_path / "corpus", "alpha", 30, 1)
    site(tmp_path / "corpus", "beta", 20, 2)
    out = tmp_path / "learned.yaml"
    r = run_cli("learn", str(tmp_path / "corpus"), "-o", str(out))
    assert r.returncode == 0, r.stderr
    rules = learned_rules(out)
    assert "Alpha Daily | News | Sport | Weather" in rules  # the site's menu, saved as every page's first line
    assert "Cookie preferences" in rules and rules["Cookie preferences"]["count"] == 50
    assert "© 2024 Alpha Media Group" in rules
    assert rules["Cookie preferences"]["keep_first"] is False
    standard = "This article is part of our local coverage, supported by readers like you."
    assert rules[standard]["keep_first"] is True  # a recurring sentence: content, kept once
    assert rules["Cookie preferences"]["examples"] == ["alpha/000.txt", "alpha/001.txt"]
    for text in rules:
        assert not text.startswith("By Reporter") and not text.startswith("Published")  # bylines, dates
        assert "story number" not in text  # titles of the articles themselves


def test_learned_rules_clean_the_site(tmp_path: Path) -> None:
    folder = site(tmp_path / "corpus", "alpha", 12, 3)
    out = tmp_path / "learned.yaml"
    assert run_cli("learn", str(folder), "-o", str(out)).returncode == 0
    r = run_cli("clean", "--rules", str(out), str(folder / "005.txt"))
    assert r.returncode == 0, r.stderr
    text = r.stdout.decode()
    assert "Cookie preferences" not in text and "Media Group" not in text and "Daily | News" not in text
    assert "story number 5" in text and "committee met on day 5" in text


def test_learn_is_deterministic(tmp_path: Path) -> None:
    site(tmp_path / "corpus", "alpha", 15, 4)
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    run_cli("learn", str(tmp_path / "corpus"), "-o", str(a), "--jobs", "1")
    run_cli("learn", str(tmp_path / "corpus"), "-o", str(b), "--jobs", "2")
    assert a.read_bytes() == b.read_bytes()


def test_recurring_by_kind_is_excluded() -> None:
    assert is_excluded("Published March 3, 2024")
    assert is_excluded("12.03.2024")
    assert is_excluded("By Jane Doe")
    assert is_excluded("Von Hans Meier")
    assert is_excluded("1 / 20")
    assert not is_excluded("Cookie preferences")
