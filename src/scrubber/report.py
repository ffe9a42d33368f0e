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

    def add(self, result: CleanResult) -> None:
        self.texts += 1
        self.articles += len(result.articles)
        self.bytes_in += result.bytes_in
        self.bytes_out += len(result.text.encode("utf-8", "surrogatepass"))
        self.lines_in += result.lines_in
        self.lines_out += result.lines_out
        for d in result.decisions:
            if d.action is Action.DROP:
                self.dropped[d.reason] = self.dropped.get(d.reason, 0) + 1
            elif d.action is Action.COLLAPSE:
                self.collapsed += 1
        self.warnings.extend(result.warnings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "scrubber": __version__,
            "files": self.files,
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
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"
