"""The run report (``--report PATH``): a JSON summary of one run.

It is built from the same CleanResult records that the writers use.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from . import __version__
from .model import Action, CleanResult


@dataclass
class RunReport:
    started: float = field(default_factory=time.perf_counter)
    files: int = 0
    cached: int = 0
    texts: int = 0
    articles: int = 0
    bytes_in: int = 0
    bytes_out: int = 0
    lines_in: int = 0
    lines_out: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    collapsed: int = 0
    warnings: list[str] = field(default_factory=list)
    skipped_records: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dedup: dict[str, Any] | None = None  # clean --dedup: the clusters, and which articles were left out

    def add(self, result: CleanResult) -> None:
        self.add_stats(result_stats(result))

    def add_stats(self, stats: dict[str, Any]) -> None:
        """Add the counts of one cleaned text (see :func:`result_stats`)."""
        self.texts += 1
        self.articles += stats["articles"]
        self.bytes_in += stats["bytes_in"]
        self.lines_in += stats["lines_in"]
        self.lines_out += stats["lines_out"]
        for reason, n in stats["dropped"].items():
            self.dropped[reason] = self.dropped.get(reason, 0) + n
        self.collapsed += stats["collapsed"]
        self.warnings.extend(stats["warnings"])

    def to_dict(self) -> dict[str, Any]:
        return {
            "scrubber": __version__,
            "files": self.files,
            "files_from_cache": self.cached,
            "texts": self.texts,
            "articles": self.articles,
            "bytes_in": self.bytes_in,
            "bytes_out": self.bytes_out,
            "lines_in": self.lines_in,
            "lines_out": self.lines_out,
            "dropped_per_rule": dict(sorted(self.dropped.items())),
            "lines_collapsed": self.collapsed,
            "warnings": self.warnings,
            "skipped_records": self.skipped_records,
            "errors": self.errors,
            "duration_seconds": round(time.perf_counter() - self.started, 3),
            **({"dedup": self.dedup} if self.dedup is not None else {}),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"


def result_stats(result: CleanResult) -> dict[str, Any]:
    """The counts of one cleaned text, as plain JSON data (batch caches them)."""
    dropped: dict[str, int] = {}
    collapsed = 0
    for d in result.decisions:
        if d.action is Action.DROP:
            dropped[d.reason] = dropped.get(d.reason, 0) + 1
        elif d.action is Action.COLLAPSE:
            collapsed += 1
    return {
        "articles": len(result.articles),
        "bytes_in": result.bytes_in,
        "lines_in": result.lines_in,
        "lines_out": result.lines_out,
        "dropped": dict(sorted(dropped.items())),
        "collapsed": collapsed,
        "warnings": list(result.warnings),
    }
