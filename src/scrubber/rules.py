"""Marker rules: loading, validation and matching.

A rules file is YAML (read with ``safe_load`` semantics only)::

    version: 1
    disable: [share-buttons]        # optional: ids of earlier rules to turn off
    rules:
      - id: tt-widget
        description: The "TT" text-size widget saved as a lone line.
        exact: ["TT"]               # the whole line equals one of these
        regex: ['^\\d+$']           # or the whole line matches one of these
        scope: line                 # line (default) or block
        max_words: 3                # never drop a line/block with more words
        context: after_marker       # any (default) or after_marker
        keep_first: false           # true: the first match in a text stays
                                    # (recurring content: keep one copy)
        followed_by: ['\\d{1,4}']    # the line right after a match, if it fully
                                    # matches, goes too (same rule): "TT" + "20"
        case_sensitive: true        # default false

Learned rules (``scrubber learn``) also carry ``count``, ``share`` and
``examples``: information for the person who reviews them, ignored here.
``exact`` strings are normalized like text, so a rule written with curly
quotes matches the straightened line.  ``max_words`` protects real text: a
rule for "Share" never drops a paragraph that merely contains the word.
``after_marker`` rules (lone counters) apply only right after a line that a
rule dropped (at most one blank line between); ``followed_by`` patterns
likewise apply to the line right after the rule's own match.
"""

from __future__ import annotations

import re

import regex as rx
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml

from .errors import RulesError, read_small_text, yaml_error
from .normalize import normalize_line
from .prefixes import prefix_index

Scope = Literal["line", "block"]
Context = Literal["any", "after_marker"]

DEFAULT_MAX_WORDS = {"line": 8, "block": 80}
MAX_RULES_FILE_BYTES = 1 << 20
_ID = re.compile(r"[a-z0-9][a-z0-9._-]*\Z")
_KEYS = {"id", "description", "exact", "regex", "scope", "max_words", "context", "case_sensitive", "followed_by", "keep_first", "count", "share", "examples"}
_LINE_KEY = "__line__"


@dataclass(frozen=True)
class Rule:
    """One validated rule.  ``source`` is ``file:line`` where it is defined."""

    id: str
    description: str
    exact: tuple[str, ...]
    regex: tuple[str, ...]
    scope: Scope
    max_words: int
    context: Context
    case_sensitive: bool
    source: str
    followed_by: tuple[str, ...] = ()
    keep_first: bool = False


class _Matcher:
    """Rules of one scope and context, indexed for speed.

    Exact strings go into a dict (one lookup per line); regexes are tried only
    on text short enough for some regex rule (``max_words`` is the prefilter:
    body paragraphs are longer than any marker).  All regexes are first tried
    at once, as one alternation (see :func:`_alternation`): most short lines
    match none, and then one fullmatch answers for all of them.
    """

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.exact: dict[str, list[Rule]] = {}
        self.exact_max_len = 0
        for rule in rules:
            for s in rule.exact:
                k = s.casefold()
                self.exact.setdefault(k, []).append(rule)
                self.exact_max_len = max(self.exact_max_len, len(s))
        self.regex_rules = [(rule, [_compile(p, rule.case_sensitive) for p in rule.regex]) for rule in rules if rule.regex]
        self.regex_max_words = max((r.max_words for r, _ in self.regex_rules), default=0)
        self.any_regex = _alternation([(p, r.case_sensitive) for r in rules for p in r.regex])
        # The possible starts of every regex match (see prefixes.py): most
        # short lines are ruled out by their first characters.
        self.starts = prefix_index([p for r in rules for p in r.regex])

    def match(self, text: str, words: int) -> Rule | None:
        if len(text) <= self.exact_max_len:
            candidates = self.exact.get(text.casefold())
            if candidates:
                for rule in candidates:
                    if words <= rule.max_words and (not rule.case_sensitive or text in rule.exact):
                        return rule
        if words <= self.regex_max_words and (self.starts is None or self.starts.may_match(text)) and (self.any_regex is None or _any_match(self.any_regex, text)):
            for rule, patterns in self.regex_rules:
                if words <= rule.max_words and any(_fullmatch(p, text, rule) for p in patterns):
                    return rule
        return None


# A rule's regex gets this long per line: a catastrophic pattern such as
# (a+)+$ fails with a clear error naming the rule instead of hanging the run.
REGEX_TIMEOUT = 0.25


def _compile(pattern: str, case_sensitive: bool) -> rx.Pattern[str]:
    return rx.compile(pattern, 0 if case_sensitive else rx.IGNORECASE)


def _fullmatch(pattern: rx.Pattern[str], text: str, rule: Rule) -> bool:
    try:
        return pattern.fullmatch(text, timeout=REGEX_TIMEOUT) is not None
    except TimeoutError:
        raise RulesError(
            rule.source, f"rule {rule.id!r}: regex {pattern.pattern!r} took over {REGEX_TIMEOUT:g} s on a line of {len(text)} characters (catastrophic backtracking?); simplify it"
        ) from None


def _any_match(pattern: rx.Pattern[str], text: str) -> bool:
    """The combined prefilter; on a timeout, let the rules be tried one by one (which names the culprit)."""
    try:
        return pattern.fullmatch(text, timeout=REGEX_TIMEOUT) is not None
    except TimeoutError:
        return True


# Backreferences and conditionals name groups by number, which an alternation
# renumbers; inline global flags must start the whole pattern.  Patterns that
# might use either are tried one by one (textual test: it may refuse too often,
# never too seldom).
_NOT_COMBINABLE = re.compile(r"\\[1-9g]|\(\?P[=<]|\(\?\(|\(\?[aiLmsux-]+\)")


def _alternation(patterns: Sequence[tuple[str, bool]]) -> rx.Pattern[str] | None:
    """One regex that fully matches a text exactly when one of ``patterns`` does.

    Each pattern is a (regex, case_sensitive) pair.  None when there are no
    patterns, or when they cannot be combined safely (see _NOT_COMBINABLE).
    """
    if not patterns or any(_NOT_COMBINABLE.search(p) for p, _ in patterns):
        return None
    try:
        return rx.compile("|".join(f"(?:{p})" if case_sensitive else f"(?i:{p})" for p, case_sensitive in patterns))
    except rx.error:
        return None


class RuleSet:
    """The compiled rules of one run: immutable once built."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules: tuple[Rule, ...] = tuple(rules)
        self.by_id = {r.id: r for r in self.rules}

        def pick(scope: Scope, context: Context) -> _Matcher:
            return _Matcher([r for r in self.rules if r.scope == scope and r.context == context])

        self._line = pick("line", "any")
        self._line_after_marker = pick("line", "after_marker")
        self._block = pick("block", "any")
        # Prefilters for callers with many lines: after a kept line (previous
        # is None), a line longer than line_max_chars with more than
        # line_max_words words matches no line rule; likewise for blocks.
        self.line_max_chars, self.line_max_words = self._line.exact_max_len, self._line.regex_max_words
        self.block_max_chars, self.block_max_words = self._block.exact_max_len, self._block.regex_max_words
        self._followers = {r.id: [_compile(p, r.case_sensitive) for p in r.followed_by] for r in self.rules if r.followed_by}

    def match_line(self, text: str, previous: Rule | None, words: int | None = None) -> Rule | None:
        """The rule that drops this line, if any.

        ``previous`` is the rule that dropped the line before (None when that
        line was kept, or when more than one blank line lies between).
        ``words`` is the line's word count, ``text.count(" ") + 1``, when the
        caller already has it.
        """
        if words is None:
            words = text.count(" ") + 1
        if previous is not None:
            followers = self._followers.get(previous.id)
            if followers and words <= previous.max_words and any(_fullmatch(p, text, previous) for p in followers):
                return previous
        rule = self._line.match(text, words)
        if rule is None and previous is not None:
            rule = self._line_after_marker.match(text, words)
        return rule

    def match_block(self, text: str, words: int | None = None) -> Rule | None:
        return self._block.match(text, text.count(" ") + 1 if words is None else words)


def default_rules_text() -> str:
    return resources.files("scrubber.rulefiles").joinpath("default.yaml").read_text(encoding="utf-8")


def load_ruleset(paths: Iterable[Path] = (), default: bool = True) -> RuleSet:
    """Read the default rules (unless ``default`` is False) and then ``paths``."""
    rules: list[Rule] = []
    if default:
        _merge(rules, parse_rules(default_rules_text(), "rules/default.yaml"))
    for path in paths:
        text = read_small_text(str(path), "rules file", MAX_RULES_FILE_BYTES, RulesError)
        _merge(rules, parse_rules(text, str(path)))
    return RuleSet(rules)


def _merge(rules: list[Rule], parsed: tuple[list[Rule], list[tuple[str, str]]]) -> None:
    new, disable = parsed
    for rule_id, where in disable:
        before = len(rules)
        rules[:] = [r for r in rules if r.id != rule_id]
        if len(rules) == before:
            raise RulesError(where, f"disable: no earlier rule has the id {rule_id!r}")
    seen = {r.id: r for r in rules}
    for rule in new:
        if rule.id in seen:
            raise RulesError(rule.source, f"rule id {rule.id!r} is already defined at {seen[rule.id].source}")
        seen[rule.id] = rule
        rules.append(rule)


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that records the line of every mapping, for error messages."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping = super().construct_mapping(node, deep=deep)
        mapping[_LINE_KEY] = node.start_mark.line + 1
        return mapping


def parse_rules(text: str, name: str) -> tuple[list[Rule], list[tuple[str, str]]]:
    """Parse and validate one rules file.  Returns its rules and its ``disable`` list."""
    try:
        doc = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        line, problem = yaml_error(exc)
        raise RulesError(f"{name}:{line}" if line else name, f"not valid YAML: {problem}") from None
    except RecursionError:
        raise RulesError(name, "nested too deeply to be a rules file") from None
    if not isinstance(doc, dict):
        raise RulesError(name, "a rules file must be a mapping with a 'rules' list")
    top_line = doc.pop(_LINE_KEY, 1)
    unknown = set(doc) - {"version", "rules", "disable"}
    if unknown:
        raise RulesError(f"{name}:{top_line}", f"unknown top-level key(s): {', '.join(sorted(map(str, unknown)))}")
    if doc.get("version", 1) != 1:
        raise RulesError(f"{name}:{top_line}", f"unsupported rules format version {doc.get('version')!r} (this scrubber reads version 1)")
    raw_rules = doc.get("rules", [])
    if not isinstance(raw_rules, list):
        raise RulesError(f"{name}:{top_line}", "'rules' must be a list")
    disable = doc.get("disable", [])
    if not isinstance(disable, list) or not all(isinstance(d, str) for d in disable):
        raise RulesError(f"{name}:{top_line}", "'disable' must be a list of rule ids")
    rules = [_parse_rule(item, name, top_line) for item in raw_rules]
    ids: dict[str, str] = {}
    for rule in rules:
        if rule.id in ids:
            raise RulesError(rule.source, f"rule id {rule.id!r} is already defined at {ids[rule.id]}")
        ids[rule.id] = rule.source
    return rules, [(d, f"{name}:{top_line}") for d in disable]


def _parse_rule(item: Any, name: str, top_line: int) -> Rule:
    if not isinstance(item, dict):
        raise RulesError(f"{name}:{top_line}", "every entry of 'rules' must be a mapping")
    line = item.pop(_LINE_KEY, top_line)
    where = f"{name}:{line}"
    rid = item.get("id")
    label = f"rule {rid!r}" if isinstance(rid, str) else "rule"

    def fail(problem: str) -> RulesError:
        return RulesError(where, f"{label}: {problem}")

    unknown = set(item) - _KEYS
    if unknown:
        raise fail(f"unknown key(s): {', '.join(sorted(map(str, unknown)))} (known: {', '.join(sorted(_KEYS))})")
    if not isinstance(rid, str) or not _ID.match(rid):
        raise fail("'id' is required: lower-case letters, digits, '.', '_' or '-'")
    description = item.get("description")
    if not isinstance(description, str) or not description.strip():
        raise fail("'description' is required (say what the rule removes)")
    scope = item.get("scope", "line")
    if scope not in ("line", "block"):
        raise fail(f"'scope' must be 'line' or 'block', not {scope!r}")
    context = item.get("context", "any")
    if context not in ("any", "after_marker"):
        raise fail(f"'context' must be 'any' or 'after_marker', not {context!r}")
    case_sensitive = item.get("case_sensitive", False)
    if not isinstance(case_sensitive, bool):
        raise fail("'case_sensitive' must be true or false")
    keep_first = item.get("keep_first", False)
    if not isinstance(keep_first, bool):
        raise fail("'keep_first' must be true or false")
    exact = _strings(item.get("exact", []), "exact", fail)
    regex = _strings(item.get("regex", []), "regex", fail)
    if not exact and not regex:
        raise fail("needs 'exact' strings or 'regex' patterns to match")
    followed_by = _strings(item.get("followed_by", []), "followed_by", fail)
    if followed_by and scope != "line":
        raise fail("'followed_by' works with scope: line only")
    for pattern in regex + followed_by:
        try:
            rx.compile(pattern)
        except (rx.error, re.error) as exc:
            raise fail(f"regex {pattern!r} does not compile: {exc}") from None
    exact = tuple(normalize_line(s) for s in exact)
    if any(not s for s in exact):
        raise fail("'exact' strings must not be empty")
    longest = max((s.count(" ") + 1 for s in exact), default=0)
    max_words = item.get("max_words", max(longest, DEFAULT_MAX_WORDS[scope]) if regex else longest)
    if isinstance(max_words, bool) or not isinstance(max_words, int) or max_words < 1:
        raise fail("'max_words' must be a whole number of at least 1")
    if max_words < longest:
        raise fail(f"'max_words' ({max_words}) is smaller than its longest exact string ({longest} words)")
    return Rule(
        id=rid,
        description=" ".join(description.split()),
        exact=exact,
        regex=regex,
        scope=scope,
        max_words=max_words,
        context=context,
        case_sensitive=case_sensitive,
        source=where,
        followed_by=followed_by,
        keep_first=keep_first,
    )


def _strings(value: Any, key: str, fail: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise fail(f"'{key}' must be a string or a list of strings")
    return tuple(value)
