"""Rule tools: ``scrubber rules list``, ``scrubber rules show ID`` and ``scrubber test DIR``.

``scrubber test`` runs a user's own fixture pairs against the configured
rules, like a unit test for site rules: DIR/NAME.txt with DIR/expected/NAME.txt,
or single files NAME.test holding the input, a line ``# output``, then the
expected output (black's test-case style).  Each case must clean to its
expected output, and the expected output must clean to itself.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Optional

import typer

from .cli import ConfigOpt, NoDefaultRulesOpt, QuotesOpt, RulesOpt, ThresholdOpt, app, build_cleaner, fail
from .pipeline import Cleaner
from .rules import Rule

rules_app = typer.Typer(help="List and show the rules in force.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")

OUTPUT_MARKER = "# output"


def _matched_counts(report: Path | None) -> dict[str, int]:
    if report is None:
        return {}
    text = _read(report, "file")
    try:
        doc = json.loads(text)
        return {str(k): int(v) for k, v in doc["dropped_per_rule"].items()}
    except (ValueError, KeyError, TypeError, AttributeError):
        raise fail(f"{report}: not a scrubber run report (--report of clean)") from None


def _read(path: Path, what: str = "file") -> str:
    """A UTF-8 text file's content; a problem is one line naming the file (exit 2)."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise fail(f"{path}: no such {what}") from None
    except IsADirectoryError:
        raise fail(f"{path}: is a directory, not a file") from None
    except PermissionError:
        raise fail(f"{path}: permission denied") from None
    except UnicodeDecodeError as exc:
        raise fail(f"{path}: not UTF-8 text (invalid byte at {exc.start})") from None
    except OSError as exc:
        raise fail(f"{path}: {exc.strerror or exc}") from None


@rules_app.command("list")
def rules_list(
    report: Annotated[Optional[Path], typer.Option("--report", help="A run report (clean --report): show how many lines each rule dropped in that run.", show_default=False)] = None,
    rules: RulesOpt = None,
    no_default_rules: NoDefaultRulesOpt = False,
    config: ConfigOpt = None,
) -> None:
    """List the rules in force: id, file and line, description (and lines matched in a run)."""
    cleaner, _ = build_cleaner(config, rules, no_default_rules, None, None)
    counts = _matched_counts(report)
    width = max((len(r.id) for r in cleaner.rules.rules), default=2)
    for r in cleaner.rules.rules:
        matched = f"{counts.get(r.id, 0):>7}  " if report is not None else ""
        typer.echo(f"{r.id:<{width}}  {matched}{r.source:<28}  {r.description}")


@rules_app.command("show")
def rules_show(
    rule_id: Annotated[str, typer.Argument(help="The rule's id.", show_default=False)],
    rules: RulesOpt = None,
    no_default_rules: NoDefaultRulesOpt = False,
    config: ConfigOpt = None,
) -> None:
    """Show one rule: where it is defined, what it matches, and what it protects."""
    cleaner, _ = build_cleaner(config, rules, no_default_rules, None, None)
    rule = cleaner.rules.by_id.get(rule_id)
    if rule is None:
        raise fail(f"no rule with the id {rule_id!r} (see: scrubber rules list)")
    typer.echo(describe_rule(rule))


def describe_rule(rule: Rule) -> str:
    lines = [f"{rule.id}  ({rule.source})", f"  {rule.description}", f"  scope: {rule.scope}, context: {rule.context}, max_words: {rule.max_words}, case_sensitive: {str(rule.case_sensitive).lower()}"]
    if rule.keep_first:
        lines.append("  keep_first: the first match in each text stays")
    if rule.exact:
        lines.append("  matches lines equal to: " + ", ".join(repr(s) for s in rule.exact[:10]) + (" ..." if len(rule.exact) > 10 else ""))
    for p in rule.regex:
        lines.append(f"  matches lines that fully match: {p}")
    for p in rule.followed_by:
        lines.append(f"  and the line right after a match if it fully matches: {p}")
    if rule.context == "after_marker":
        lines.append("  only right after a line that a rule dropped (at most one blank line between)")
    example = rule.exact[0] if rule.exact else "…"
    protected = f"{example} " + " ".join(["word"] * rule.max_words)
    lines.append(f"  protects: any {rule.scope} of more than {rule.max_words} word(s), e.g. {protected!r}, and any line where the match is only part of the text")
    return "\n".join(lines)


@dataclass(frozen=True)
class Case:
    name: str
    given: str
    expected: str | None  # None: NAME.txt has no expected/NAME.txt (a failure, not a skip)


def find_cases(folder: Path) -> list[Case]:
    cases = []
    for src in sorted(folder.glob("*.txt")):
        exp = folder / "expected" / src.name
        cases.append(Case(src.name, _read(src), _read(exp) if exp.is_file() else None))
    for single in sorted(folder.glob("*.test")):
        text = _read(single)
        head, marker, tail = text.partition("\n" + OUTPUT_MARKER + "\n")
        if not marker:
            raise fail(f"{single}: no '{OUTPUT_MARKER}' line between the input and the expected output")
        cases.append(Case(single.name, head + "\n", tail))
    return cases


def run_case(cleaner: Cleaner, case: Case) -> str | None:
    """None when the case passes, else what went wrong (with a diff)."""
    if case.expected is None:
        return f"no expected output (expected/{case.name})"
    got = cleaner.clean_text(case.given, source=case.name).text
    if got != case.expected:
        diff = difflib.unified_diff(case.expected.splitlines(keepends=True), got.splitlines(keepends=True), "expected", "got")
        return "cleans differently:\n" + "".join(diff)
    again = cleaner.clean_text(case.expected, source=case.name).text
    if again != case.expected:
        diff = difflib.unified_diff(case.expected.splitlines(keepends=True), again.splitlines(keepends=True), "expected", "expected cleaned again")
        return "expected output is not stable when cleaned again:\n" + "".join(diff)
    return None


@app.command("test")
def test_cases(
    folder: Annotated[Path, typer.Argument(help="A folder of cases: NAME.txt with expected/NAME.txt, or NAME.test files with a '# output' line.", show_default=False)],
    rules: RulesOpt = None,
    no_default_rules: NoDefaultRulesOpt = False,
    quotes: QuotesOpt = None,
    threshold: ThresholdOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Run your own fixture cases against the configured rules; a diff for each failure, exit 1 on any."""
    if not folder.exists():
        raise fail(f"{folder}: no such folder")
    if not folder.is_dir():
        raise fail(f"{folder}: not a folder")
    cleaner, _ = build_cleaner(config, rules, no_default_rules, quotes, threshold)
    cases = find_cases(folder)
    if not cases:
        raise fail(f"{folder}: no cases (NAME.txt with expected/NAME.txt, or NAME.test)")
    failed = 0
    for case in cases:
        problem = run_case(cleaner, case)
        if problem is None:
            typer.echo(f"ok      {case.name}")
        else:
            failed += 1
            typer.echo(f"FAILED  {case.name}: {problem}")
    typer.echo(f"{len(cases) - failed} case(s) passed, {failed} case(s) failed")
    raise typer.Exit(1 if failed else 0)
