"""Near-duplicate articles: exact by content hash, near by MinHash LSH, then verified.

1. Every article's text is folded (case, punctuation, spacing) and split into
   words; its shingles are the runs of ``SHINGLE`` words, hashed to 64 bits
   (vectorized with numpy over crc32 word hashes).
2. Exact duplicates share the hash of the folded text: they collapse first.
3. One representative per exact group gets a datasketch MinHash signature
   (of the 32-bit shingle hashes) and goes into datasketch's MinHashLSH at
   the threshold less ``LSH_MARGIN`` (banding misses some pairs just above
   its threshold); candidate pairs are those that share a band.
4. A candidate pair counts only if the exact Jaccard similarity of its
   shingle sets reaches the threshold.  Pairs join into clusters.
5. Each cluster keeps the article with the longest body; ties go to the
   first by (source, index).  Nothing here depends on the order the inputs
   came in or on the number of workers.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy is imported where it is used: a CLI start-up that never dedups does not pay for it
    import numpy as np

from .model import Article
from .similarity import fold
from .write import article_text

SHINGLE = 5
NUM_PERM = 128
SEED = 1
SCHEME = "affine32"
LSH_MARGIN = 0.15
_MAX32 = (1 << 32) - 1
_P = 1099511628211  # FNV prime: mixes word hashes into shingle hashes


@dataclass(frozen=True)
class ArticleSig:
    """What dedup needs of one article; small, picklable, no full text."""

    source: str
    index: int
    title: str | None
    body_chars: int
    digest: str  # hash of the folded text: exact duplicates share it
    shingles: np.ndarray  # sorted unique uint64 shingle hashes
    signature: np.ndarray  # MinHash hash values (NUM_PERM of them)

    @property
    def order(self) -> tuple[str, int]:
        return (self.source, self.index)


def shingle_hashes(text: str, k: int = SHINGLE) -> np.ndarray:
    import numpy as np

    words = fold(text).split()
    if not words:
        return np.zeros(0, dtype=np.uint64)
    h = np.fromiter((zlib.crc32(w.encode("utf-8", "surrogatepass")) for w in words), dtype=np.uint64, count=len(words))
    if len(words) < k:
        k = len(words)
    acc = np.zeros(len(words) - k + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            acc = acc * np.uint64(_P) + h[j : len(words) - k + 1 + j]
    return np.unique(acc)


class Signer:
    """Makes ArticleSigs with datasketch's MinHash (its "affine32" scheme).

    Holds only constants: the permutations, built once.
    """

    def __init__(self) -> None:
        from datasketch import MinHash  # imported here: datasketch pulls in scipy (over a second)

        self._minhash = MinHash
        self._perm = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations

    def minhash(self, hashvalues: np.ndarray | None = None) -> Any:
        return self._minhash(num_perm=NUM_PERM, seed=SEED, hashfunc=int, permutations=self._perm, hashvalues=hashvalues, scheme=SCHEME)

    def sign(self, source: str, article: Article) -> ArticleSig:
        import numpy as np

        text = article_text(article)
        shingles = shingle_hashes(text)
        m = self.minhash()
        m.update_batch((shingles & np.uint64(_MAX32)).tolist())
        body = sum(len(line.text) for para in article.paragraphs for line in para)
        digest = hashlib.blake2b(fold(text).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
        return ArticleSig(source, article.index, article.title.text if article.title else None, body, digest, shingles, np.array(m.hashvalues))


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    import numpy as np

    if len(a) == 0 and len(b) == 0:
        return 1.0
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / (len(a) + len(b) - inter)


@dataclass(frozen=True)
class Member:
    source: str
    index: int
    title: str | None
    similarity: float  # to the kept article (1.0 for the kept one and exact copies)


@dataclass(frozen=True)
class Cluster:
    kept: Member
    members: tuple[Member, ...]  # the others


@dataclass(frozen=True)
class DedupResult:
    threshold: float
    articles: int
    clusters: tuple[Cluster, ...]
    exact_duplicates: int
    candidate_pairs: int
    verified_pairs: int

    @property
    def duplicates(self) -> int:
        return sum(len(c.members) for c in self.clusters)

    def dropped(self) -> frozenset[tuple[str, int]]:
        """(source, index) of every article that is not its cluster's kept one."""
        return frozenset((m.source, m.index) for c in self.clusters for m in c.members)

    def to_dict(self) -> dict[str, Any]:
        return {
            "threshold": self.threshold,
            "articles": self.articles,
            "clusters": [
                {"kept": _member_dict(c.kept), "members": [_member_dict(m) for m in c.members]} for c in self.clusters
            ],
            "summary": {
                "clusters": len(self.clusters),
                "duplicates": self.duplicates,
                "exact_duplicates": self.exact_duplicates,
                "candidate_pairs": self.candidate_pairs,
                "verified_pairs": self.verified_pairs,
            },
        }

    def summary_line(self) -> str:
        return (
            f"{self.articles} article(s), {len(self.clusters)} cluster(s) of duplicates, "
            f"{self.duplicates} duplicate(s) ({self.exact_duplicates} exact), threshold {self.threshold:g}"
        )


def _member_dict(m: Member) -> dict[str, Any]:
    return {"source": m.source, "index": m.index, "title": m.title, "similarity": round(m.similarity, 4)}


def find_duplicates(sigs: Iterable[ArticleSig], threshold: float = 0.8) -> DedupResult:
    """Cluster near-duplicate articles.  The result depends only on the set of articles."""
    if not 0.0 < threshold <= 1.0:
        raise ValueError("threshold must be in (0, 1]")
    items = sorted(sigs, key=lambda s: s.order)
    n = len(items)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)

    first_of: dict[str, int] = {}
    exact = 0
    reps: list[int] = []
    for i, s in enumerate(items):
        j = first_of.setdefault(s.digest, i)
        if j != i:
            union(j, i)
            exact += 1
        else:
            reps.append(i)

    # Candidates come from a lower LSH threshold than the one verified: banding
    # misses some pairs just above its threshold, and verification is exact.
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=max(0.05, threshold - LSH_MARGIN), num_perm=NUM_PERM)
    signer = Signer()
    minhashes = {}
    for i in reps:
        m = signer.minhash(items[i].signature)
        minhashes[i] = m
        lsh.insert(i, m, check_duplication=False)
    candidates = 0
    verified = 0
    for i in reps:
        for j in sorted(lsh.query(minhashes[i])):
            if j <= i:
                continue
            candidates += 1
            if jaccard(items[i].shingles, items[j].shingles) >= threshold:
                verified += 1
                union(i, j)

    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    clusters = []
    for members in groups.values():
        if len(members) < 2:
            continue
        kept = min(members, key=lambda i: (-items[i].body_chars, items[i].order))
        k = items[kept]
        others = sorted((i for i in members if i != kept), key=lambda i: items[i].order)
        clusters.append(
            Cluster(
                Member(k.source, k.index, k.title, 1.0),
                tuple(
                    Member(items[i].source, items[i].index, items[i].title, 1.0 if items[i].digest == k.digest else jaccard(items[i].shingles, k.shingles))
                    for i in others
                ),
            )
        )
    clusters.sort(key=lambda c: (c.kept.source, c.kept.index))
    return DedupResult(threshold, n, tuple(clusters), exact, candidates, verified)
