"""Dedup benchmark (issue 7): signatures and whole dedup on N articles, against datasketch used plainly.

    python bench/bench_dedup.py --articles 100000

Articles are generated (seeded) news-like texts of 150-400 words, a fifth of
them near-duplicates of another (a cut last paragraph, a changed headline, a
few typos).  Reported, in CPU seconds and articles per second:

* scrubber: `Signer.sign` (crc32 word hashes, numpy shingles, datasketch
  MinHash with an integer hash function) and `find_duplicates` (exact groups,
  MinHashLSH at threshold - 0.15, exact-Jaccard verification);
* datasketch plainly: `MinHash.update_batch` over the UTF-8 shingle strings
  (its default SHA-1 hashing) and `MinHashLSH` at the threshold, no verification.

Peak memory is the process's maximum RSS (resource.getrusage), printed at the end.
"""

from __future__ import annotations

import argparse
import random
import resource
import time

from datasketch import MinHash, MinHashLSH

from scrubber.dedup import NUM_PERM, SHINGLE, Signer, find_duplicates
from scrubber.model import Article, Line
from scrubber.similarity import fold

WORDS = (
    "council budget bridge river market school harbour museum station festival library hospital police minister "
    "report vote plan repair workers union strike court ruling flood rain storm city town village region people "
    "said on monday tuesday friday that would could after before during while because although the a an of in to"
).split()


def make_articles(n: int, seed: int) -> list[Article]:
    rng = random.Random(seed)
    out: list[Article] = []
    for i in range(n):
        if i % 5 == 4 and out:
            src = out[rng.randrange(len(out))]
            paras = [" ".join(line.text for line in p) for p in src.paragraphs]
            kind = rng.randrange(3)
            if kind == 0 and len(paras) > 3:
                paras = paras[:-1]
            elif kind == 1:
                paras = [p.replace("the", "teh", 1) for p in paras]
            title = f"Updated: {src.title.text}" if src.title and kind == 2 else (src.title.text if src.title else "x")
        else:
            paras = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(25, 60))) + "." for _ in range(rng.randint(5, 8))]
            title = " ".join(rng.choice(WORDS) for _ in range(8))
        out.append(Article(i, Line(1, title), (), tuple((Line(3 + j, p),) for j, p in enumerate(paras))))
    return out


def plain_datasketch(articles: list[Article], threshold: float) -> tuple[float, float, int]:
    t0 = time.process_time()
    sigs = []
    for a in articles:
        words = fold(" ".join([a.title.text if a.title else ""] + [line.text for p in a.paragraphs for line in p])).split()
        m = MinHash(num_perm=NUM_PERM)
        m.update_batch([" ".join(words[i : i + SHINGLE]).encode() for i in range(max(1, len(words) - SHINGLE + 1))])
        sigs.append(m)
    t1 = time.process_time()
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    for i, m in enumerate(sigs):
        lsh.insert(i, m)
    pairs = sum(len(lsh.query(m)) - 1 for m in sigs) // 2
    return t1 - t0, time.process_time() - t0, pairs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--threshold", type=float, default=0.8)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    articles = make_articles(args.articles, args.seed)
    n = len(articles)
    t0 = time.process_time()
    signer = Signer()
    sigs = [signer.sign(f"a{a.index:07d}", a) for a in articles]
    t1 = time.process_time()
    result = find_duplicates(sigs, args.threshold)
    t2 = time.process_time()
    print(f"{n} articles")
    print(f"scrubber    signatures {t1 - t0:7.1f} s CPU = {n / (t1 - t0):8.0f} articles/s; whole dedup {t2 - t0:7.1f} s CPU = {n / (t2 - t0):8.0f} articles/s; {result.duplicates} duplicates in {len(result.clusters)} clusters")
    del sigs
    sig_s, all_s, pairs = plain_datasketch(articles, args.threshold)
    print(f"datasketch  signatures {sig_s:7.1f} s CPU = {n / sig_s:8.0f} articles/s; whole dedup {all_s:7.1f} s CPU = {n / all_s:8.0f} articles/s; {pairs} candidate pairs (unverified)")
    print(f"peak memory (max RSS of this process): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
