#!/usr/bin/env python3
"""Score article extraction on the dev pages (/work/shared/dev-pages, issue 6).

    python bench/score_dev_pages.py [--engine clean|page|page+clean] [--style inscriptis|bs4|both]
                                    [--limit N] [--worst 10] [--dump DIR] [--pages ID,ID]
                                    [--half even|odd]

Engines:
  clean       the library as a user runs it with --page: Cleaner(Settings(page=True)).clean_bytes(data, source=path).text
  page        the prototype alone: normalize_text, then scrubber.page.find_article over the
              lines; the output is the kept lines
  page+clean  the prototype's kept lines, then the Cleaner over them

Measure (the dev-pages README): a page scores the share of its snippets that come out
right: each `with` snippet must be in the output, each `without` snippet must not.
Snippets get the same normalization as the text (scrubber.normalize.normalize_text, so
curly quotes are straightened), then both sides have every whitespace run collapsed to one
space before the substring test.  The style's score is the mean of the page scores; the
with-share and without-share are pooled over all snippets of that kind.

Language groups: each page's language is guessed from its own text by stop-word density
with the detector's own choice (scrubber.page.pick_language over jusText's lists for its
18 candidate languages), and grouped German / English / other.  (Before, seven lists were
used here, and Finnish, Hungarian and Russian pages were counted as English.)

Halves: --half even (odd) scores the pages at even (odd) positions of the sorted ids only.
Develop a signal on one half and confirm it on the other, against fitting single pages.

Throughput: CPU seconds (time.process_time) of the engine over the input bytes of the run
(1 MB = 10^6 bytes); reading files and scoring are not counted.  For the page engines the
share of that time spent in find_article is printed too.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from scrubber import Cleaner, ScrubberError, Settings
from scrubber.normalize import normalize_text
from scrubber.page import find_article, pick_language

DATA = Path("/work/shared/dev-pages")
MB = 1_000_000
_WS = re.compile(r"\s+")
_WORD = re.compile(r"\w+")


def collapse_ws(text: str) -> str:
    return _WS.sub(" ", text).strip()


def guess_language(text: str) -> str:
    """The page's language group, by the detector's own choice (scrubber.page.pick_language)."""
    words = Counter(w.lower() for w in _WORD.findall(text[:200_000]))
    best = pick_language(words)[0] if words else ""
    return best if best in ("German", "English") else "other"


class Engine:
    def __init__(self, name: str) -> None:
        self.name = name
        self.cleaner = Cleaner(Settings(page=True))
        self.page_cpu = 0.0

    def run(self, data: bytes, source: str) -> str:
        if self.name == "clean":
            try:
                return self.cleaner.clean_bytes(data, source=source).text
            except ScrubberError as exc:  # e.g. a dump with NUL bytes: counts as empty output
                print(f"  {source}: {exc}", file=sys.stderr)
                return ""
        text = normalize_text(data.decode("utf-8", "replace").replace("\0", "").replace("\r\n", "\n").replace("\r", "\n"))
        lines = text.split("\n")
        t0 = time.process_time()
        verdict = find_article(lines)
        self.page_cpu += time.process_time() - t0
        kept = "\n".join(line for line, keep in zip(lines, verdict.keep) if keep)
        if self.name == "page":
            return kept
        return self.cleaner.clean_text(kept, source=source).text


def score_page(out: str, snip: dict) -> tuple[int, int, int, int, list[str]]:
    """(with right, with total, without right, without total, misses)"""
    flat = collapse_ws(out)
    misses = []
    wr = wr_n = nr = nr_n = 0
    for s in snip.get("with", []):
        s2 = collapse_ws(normalize_text(s))
        wr_n += 1
        if s2 in flat:
            wr += 1
        else:
            misses.append("missing: " + s2[:70])
    for s in snip.get("without", []):
        s2 = collapse_ws(normalize_text(s))
        nr_n += 1
        if s2 and s2 in flat:
            misses.append("kept:    " + s2[:70])
        else:
            nr += 1
    return wr, wr_n, nr, nr_n, misses


def run_style(style: str, ids: list[str], snippets: dict, engine_name: str, worst: int, dump: Path | None) -> dict:
    engine = Engine(engine_name)
    cpu = 0.0
    nbytes = 0
    groups: dict[str, list] = defaultdict(list)
    rows = []
    for pid in ids:
        path = DATA / style / f"{pid}.txt"
        data = path.read_bytes()
        nbytes += len(data)
        t0 = time.process_time()
        out = engine.run(data, str(path))
        cpu += time.process_time() - t0
        if dump is not None:
            (dump / style).mkdir(parents=True, exist_ok=True)
            (dump / style / f"{pid}.txt").write_text(out, encoding="utf-8")
        wr, wr_n, nr, nr_n, misses = score_page(out, snippets[pid])
        total = wr_n + nr_n
        score = (wr + nr) / total if total else 1.0
        lang = guess_language(data.decode("utf-8", "replace"))
        row = (pid, score, wr, wr_n, nr, nr_n, misses, lang)
        rows.append(row)
        groups[lang].append(row)

    def summary(rs: list) -> str:
        if not rs:
            return "n=0"
        score = sum(r[1] for r in rs) / len(rs)
        w = sum(r[2] for r in rs) / max(1, sum(r[3] for r in rs))
        wo = sum(r[4] for r in rs) / max(1, sum(r[5] for r in rs))
        return f"n={len(rs):4d}  score {score:.3f}  with {w:.3f}  without {wo:.3f}"

    print(f"== {style} ({engine_name}) ==")
    print("  all      ", summary(rows))
    for lang in ("German", "English", "other"):
        print(f"  {lang:9s}", summary(groups.get(lang, [])))
    mbs = nbytes / MB / cpu if cpu else float("inf")
    extra = ""
    if engine.name != "clean" and cpu:
        extra = f"; find_article {engine.page_cpu:.2f} s = {nbytes / MB / max(engine.page_cpu, 1e-9):.1f} MB/s alone"
    print(f"  throughput {nbytes / MB:.1f} MB in {cpu:.2f} s CPU = {mbs:.2f} MB/s{extra}")
    print(f"  worst {worst}:")
    for r in sorted(rows, key=lambda r: (r[1], r[0]))[:worst]:
        print(f"    {r[0]} {r[1]:.2f} with {r[2]}/{r[3]} without {r[4]}/{r[5]} [{r[7]}] {snippets[r[0]].get('url', '')[:70]}")
        for m in r[6][:4]:
            print(f"        {m}")
    return {
        "score": sum(r[1] for r in rows) / max(1, len(rows)),
        "mbs": mbs,
    }


def main(argv: list[str] | None = None) -> int:
    global DATA
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--engine", choices=("clean", "page", "page+clean"), default="clean")
    ap.add_argument("--style", choices=("inscriptis", "bs4", "both"), default="both")
    ap.add_argument("--limit", type=int, default=None, help="first N pages (sorted by id)")
    ap.add_argument("--worst", type=int, default=10)
    ap.add_argument("--pages", default=None, help="comma-separated ids to score only")
    ap.add_argument("--half", choices=("even", "odd"), default=None, help="pages at even (odd) positions of the sorted ids only")
    ap.add_argument("--dump", type=Path, default=None, help="write each output to DIR/<style>/<id>.txt")
    ap.add_argument("--data", type=Path, default=None, help=f"dev-pages folder (default {DATA})")
    args = ap.parse_args(argv)
    if args.data is not None:
        DATA = args.data
    snippets = json.loads((DATA / "snippets.json").read_text(encoding="utf-8"))
    ids = sorted(snippets)
    if args.pages:
        wanted = set(args.pages.split(","))
        ids = [i for i in ids if i in wanted]
    if args.half is not None:
        ids = ids[args.half == "odd" :: 2]
    if args.limit is not None:
        ids = ids[: args.limit]
    styles = ("inscriptis", "bs4") if args.style == "both" else (args.style,)
    for style in styles:
        run_style(style, ids, snippets, args.engine, args.worst, args.dump)
    return 0


if __name__ == "__main__":
    sys.exit(main())
