"""Does cost grow linearly with input size on pathological inputs?  (issue 8)

Four kinds of hostile input, each at three sizes, cleaned in one process
(and, for many small articles, written as JSONL records too: the per-article
statistics once scanned every line per article); prints CPU seconds and MB/s
per size.  A linear pipeline shows about the same
MB/s at every size; an all-pairs comparison would show MB/s falling as size grows.

    python bench/bench_scaling.py            # sizes 1x, 2x, 4x of the base
    python bench/bench_scaling.py --scale 4  # base sizes times 4 (the issue's 50 MB line at --scale 10)
"""

from __future__ import annotations

import argparse
import random
import time

from scrubber import Cleaner
from scrubber.formats import records, render


def one_long_line(mb: float) -> bytes:
    words = "the council said on monday that the river market would reopen after repairs".split()
    rng = random.Random(1)
    out = []
    size = 0
    while size < mb * 1e6:
        w = rng.choice(words)
        out.append(w)
        size += len(w) + 1
    return " ".join(out).encode()


def short_lines(n: int) -> bytes:
    rng = random.Random(2)
    return "\n".join(f"Line {rng.randint(0, 10**6)} ok" if i % 7 else "" for i in range(n)).encode()


def near_identical_blocks(n: int) -> bytes:
    rng = random.Random(3)
    base = "Police closed the coastal road near the harbour after the storm on {d} and said it would reopen soon"
    blocks = []
    for i in range(n):
        line = base.format(d=rng.choice(["Monday", "Tuesday", "Friday"]))
        if i % 3 == 0:
            line = line.replace("o", "0", 1)
        blocks.append(f"Headline of the storm story number {i % 50}\n{line}")
    return "\n\n".join(blocks).encode()


def many_articles(n: int) -> bytes:
    return "".join(f"Headline number {i}\n\nBody text of article {i} with a few more words.\n\n\n" for i in range(n)).encode()


KINDS = {
    "one long line (MB)": (one_long_line, 5.0),
    "short lines (count)": (short_lines, 100_000),
    "near-identical blocks (count)": (near_identical_blocks, 20_000),
    "articles, as JSONL (count)": (many_articles, 4_000),
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=1.0, help="multiply the base sizes")
    args = ap.parse_args()
    cleaner = Cleaner()
    print(f"{'input':32s} {'size':>10s} {'MB':>8s} {'CPU s':>8s} {'MB/s':>8s}")
    for name, (make, base) in KINDS.items():
        for factor in (1, 2, 4):
            size = base * factor * args.scale
            data = make(size if isinstance(base, float) else int(size))
            t0 = time.process_time()
            result = cleaner.clean_bytes(data, source=name)
            if name.startswith("articles"):
                render("jsonl", [(result, records(result))])
            cpu = time.process_time() - t0
            mb = len(data) / 1e6
            print(f"{name:32s} {size:>10g} {mb:8.2f} {cpu:8.2f} {mb / cpu if cpu else float('inf'):8.2f}")


if __name__ == "__main__":
    main()
