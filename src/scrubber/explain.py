"""``scrubber explain``: every input line with its fate.

It prints the very Decision records that ``clean`` writes from, so what
explain shows is what clean does.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.text import Text

from .model import Action, CleanResult, Decision
from .rules import RuleSet

STYLES = {"title": "bold green", "caption": "green", "body": "default", "drop": "red", "collapse": "yellow", "blank": "dim"}
FATE_WIDTH = 36


def fate(d: Decision, rules: RuleSet, describe: bool = True) -> str:
    """What happened to the line, in words."""
    if d.action is Action.KEEP:
        return f"kept as {d.role.value}"
    if d.action is Action.COLLAPSE:
        score = f"{d.score:g}%" if d.score is not None else "?"
        return f"collapsed into line {d.ref} ({d.reason}, {score})"
    if d.action is Action.DROP:
        rule = rules.by_id.get(d.reason)
        return f"dropped by {d.reason}" + (f": {rule.description}" if rule is not None and describe else "")
    return ""


def rows(result: CleanResult, rules: RuleSet) -> list[dict[str, Any]]:
    """The decisions as JSON-ready rows (``explain --format json``)."""
    out = []
    for d in result.decisions:
        rule = rules.by_id.get(d.reason) if d.action is Action.DROP else None
        out.append(
            {
                "line": d.no,
                "text": d.text,
                "role": d.role.value,
                "action": d.action.value,
                "reason": d.reason,
                "description": rule.description if rule is not None else None,
                "ref": d.ref,
                "score": d.score,
                "article": d.article,
                "starts_article": d.starts_article,
                "fate": fate(d, rules),
            }
        )
    return out


def print_explanation(result: CleanResult, rules: RuleSet, console: Console) -> None:
    width = len(str(len(result.decisions)))
    for d in result.decisions:
        if d.starts_article and d.article is not None:
            why = d.reason if d.role.value == "title" else "new article"
            console.print(Text(f"{'':>{width}}  ── article {d.article + 1} starts here ({why}) ──", style="bold cyan"))
        if d.action is Action.LAYOUT:
            console.print(Text(f"{d.no:>{width}}", style=STYLES["blank"]))
            continue
        key = d.action.value if d.action in (Action.DROP, Action.COLLAPSE) else d.role.value
        line = Text(f"{d.no:>{width}}  ")
        line.append(f"{fate(d, rules, describe=False):<{FATE_WIDTH}}", style=STYLES[key])
        line.append("  │ ")
        line.append(d.text, style=STYLES[key] + (" strike" if d.action in (Action.DROP, Action.COLLAPSE) else ""))
        rule = rules.by_id.get(d.reason) if d.action is Action.DROP else None
        if rule is not None:
            line.append(f"   ← {rule.description}", style="dim")
        console.print(line, soft_wrap=True, highlight=False)

