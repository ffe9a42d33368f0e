#!/usr/bin/env python3
"""Throughput benchmark for scrubber, run in ONE process over a corpus directory.

    python bench/bench_clean.py CORPUS_DIR [--limit-mb N] [--profile] [--skip-ftfy]

Stages (all over the same files, in sorted path order):
  (a) read      read each file's bytes and decode them as UTF-8
  (b) ftfy      ftfy.fix_text() on each file's decoded text (text already in memory)
  (c) scrubber  Cleaner(Settings()).clean_bytes(data, source=str(path)) on each
                file's bytes (bytes already in memory); result.text is kept for (d)
  (d) scrubber on clean input: (c)'s outputs cleaned again (what a pre-commit
                run over cleaned files does); MB/s of those outputs

For each stage it prints CPU seconds (time.process_time: CPU time of this process,
excluding sleep/I/O wait), wall seconds (time.perf_counter) and MB/s for both.
MB/s always divides the corpus *input* size (1 MB = 10^6 bytes) by the seconds.
Nothing is written to disk.

--profile runs stage (c) under cProfile and prints the top 25 functions by
cumulative time (timings of (c) are then inflated by the profiler).
Only the standard library and ftfy are used.
"""
from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import platform
import pstats
import sys
import time
from pathlib import Path

MB = 1_000_000


def collect(corpus: Path, limit_mb: float | None) -> list[Path]:
    paths = sorted(p for p in corpus.rglob("*.txt") if p.is_file())
    if limit_mb is None:
        return paths
    limit = limit_mb * MB
    out, total = [], 0
    for p in paths:
        if total >= limit:
            break
        out.append(p)
        total += p.stat().st_size
    return out


class Timer:
    def __enter__(self):
        self.c0 = time.process_time()
        self.w0 = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.cpu = time.process_time() - self.c0
        self.wall = time.perf_counter() - self.w0
        return False


def rate(nbytes: int, secs: float) -> str:
    return f"{nbytes / MB / secs:10.2f}" if secs > 0 else f"{'inf':>10}"


def row(label: str, nbytes: int, t: Timer, note: str = "") -> str:
    return (f"{label:<22} {t.cpu:9.2f} {t.wall:9.2f} {rate(nbytes, t.cpu)} {rate(nbytes, t.wall)}"
            f"{'  ' + note if note else ''}")


def import_scrubber():
    """Return (Cleaner, Settings, where) or (None, None, reason)."""
    try:
        from scrubber import Cleaner, Settings  # type: ignore
    except Exception as e:  # noqa: BLE001 - any import problem means "skip (c)"
        return None, None, f"{type(e).__name__}: {e}"
    import scrubber  # type: ignore
    return Cleaner, Settings, getattr(scrubber, "__file__", "?")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="scrubber throughput benchmark (one process)")
    ap.add_argument("corpus", type=Path, help="directory with *.txt files (searched recursively)")
    ap.add_argument("--limit-mb", type=float, default=None,
                    help="only use the first N MB of files (sorted path order)")
    ap.add_argument("--profile", action="store_true",
                    help="run stage (c) under cProfile and print the top 25 by cumulative time")
    ap.add_argument("--skip-ftfy", action="store_true", help="skip stage (b)")
    a = ap.parse_args(argv)

    if not a.corpus.is_dir():
        ap.error(f"{a.corpus} is not a directory")
    paths = collect(a.corpus, a.limit_mb)
    if not paths:
        ap.error(f"no *.txt files under {a.corpus}")

    print(f"python {platform.python_version()} ({sys.executable}) on {platform.machine()}, "
          f"{os.cpu_count()} CPU(s)")
    print(f"corpus {a.corpus}" + (f"  (limited to first {a.limit_mb:g} MB)" if a.limit_mb else ""))

    # ---- (a) read + decode ----------------------------------------------------
    datas: list[bytes] = []
    texts: list[str] = []
    bad_utf8 = 0
    with Timer() as ta:
        for p in paths:
            with open(p, "rb") as f:
                data = f.read()
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                bad_utf8 += 1
                text = data.decode("utf-8", "replace")
            datas.append(data)
            texts.append(text)
    nbytes = sum(map(len, datas))
    nfiles = len(paths)
    print(f"files {nfiles:,}  total {nbytes / MB:.2f} MB (1 MB = 10^6 bytes)"
          f"  avg {nbytes / nfiles / 1000:.2f} KB/file"
          + (f"  [{bad_utf8} file(s) not valid UTF-8, decoded with 'replace']" if bad_utf8 else ""))
    print()
    print(f"{'stage':<22} {'cpu s':>9} {'wall s':>9} {'MB/s cpu':>10} {'MB/s wall':>10}")
    print(row("(a) read+decode", nbytes, ta), flush=True)

    # ---- (b) ftfy.fix_text ----------------------------------------------------
    if a.skip_ftfy:
        print(f"{'(b) ftfy.fix_text':<22} skipped (--skip-ftfy)", flush=True)
    else:
        try:
            import ftfy
        except ImportError as e:
            print(f"{'(b) ftfy.fix_text':<22} skipped: {e}", flush=True)
        else:
            fix_text = ftfy.fix_text
            fix_text("warm\u00e2\u20ac\u2122up")  # first call builds ftfy's tables
            out_chars = 0
            gc.collect()
            with Timer() as tb:
                for text in texts:
                    out_chars += len(fix_text(text))
            print(row("(b) ftfy.fix_text", nbytes, tb,
                      f"ftfy {getattr(ftfy, '__version__', '?')}, {out_chars / 1e6:.2f} M chars out"),
                  flush=True)

    # ---- (c) scrubber -----------------------------------------------------------
    Cleaner, Settings, where = import_scrubber()
    if Cleaner is None:
        print(f"{'(c) scrubber':<22} skipped: cannot import scrubber's Cleaner/Settings ({where})")
        return 0
    with Timer() as tinit:
        cleaner = Cleaner(Settings())
    sources = [str(p) for p in paths]
    out_chars = 0
    errors = 0
    first_errors: list[str] = []
    outputs: list[bytes] = []

    def run_c() -> None:
        nonlocal out_chars, errors
        clean_bytes = cleaner.clean_bytes
        for data, src in zip(datas, sources):
            try:
                result = clean_bytes(data, source=src)
            except Exception as e:  # noqa: BLE001 - report, keep measuring
                errors += 1
                if len(first_errors) < 3:
                    first_errors.append(f"{src}: {type(e).__name__}: {e}")
                continue
            out_chars += len(result.text)
            outputs.append(result.text.encode("utf-8"))

    prof = cProfile.Profile() if a.profile else None
    gc.collect()
    with Timer() as tc:
        if prof is not None:
            prof.enable()
        run_c()
        if prof is not None:
            prof.disable()
    note = f"{out_chars / 1e6:.2f} M chars out; Cleaner() took {tinit.wall * 1000:.0f} ms"
    if errors:
        note += f"; {errors} file(s) raised"
    if prof is not None:
        note += "; UNDER cProfile (inflated)"
    print(row("(c) scrubber", nbytes, tc, note))
    print(f"    scrubber imported from {where}")
    for line in first_errors:
        print(f"    error: {line}")

    # ---- (d) scrubber on clean input (its own output: the pre-commit case) ------
    if not a.profile:
        gc.collect()
        with Timer() as td:
            for data in outputs:
                cleaner.clean_bytes(data)
        print(row("(d) scrubber, clean in", sum(map(len, outputs)), td, "(c)'s output cleaned again; MB/s of that output"))

    if prof is not None:
        buf = io.StringIO()
        stats = pstats.Stats(prof, stream=buf)
        stats.sort_stats("cumulative").print_stats(25)
        print()
        print("cProfile of stage (c), top 25 by cumulative time:")
        print(buf.getvalue())
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
