#!/usr/bin/env python3
"""Generate a deterministic, seed-like corpus of scraped news pages for benchmarks.

    python bench/make_corpus.py OUTDIR --mb 100 --seed 1
    python bench/make_corpus.py OUTDIR --files 5000 --seed 1

Every file mimics /work/shared/seeds/000_*.txt: 1-5 articles separated by three
blank lines; each article is

    HEADLINE
    <blank>
    CAPTION            (each caption twice in a row)
    CAPTION
    TT                 (marker + counter line, sometimes followed by "Share")
    20
    <blank>
    HEADLINE           (second copy; sometimes a near-duplicate: other case,
    <blank>             or truncated and ending in "...")
    CAPTION
    CAPTION
    <blank>
    body paragraph     (paragraphs separated by one blank line; an
    <blank>             "Advertisement" or "Share" paragraph now and then)
    body paragraph

All text is invented from the word lists below (no real article text).  About
half of the paragraphs use curly quotes/apostrophes, some contain accented
words (é, ü, ñ, ...), and about 2 % of the files are mojibake (UTF-8 text
decoded as cp1252, e.g. "â€™", "Ã©"), either whole-file or a few lines.

Determinism: file i is generated from random.Random(f"{seed}/{i}") only, so the
output does not depend on --jobs, timing or the platform.  With --mb the corpus
is files 0..N-1 where N is the smallest count whose total size is >= the target
(1 MB = 1,000,000 bytes).  Only the standard library is used.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import re
import shutil
import sys
import time
from pathlib import Path

GENERATOR_VERSION = 1
FILES_PER_DIR = 1000
MB = 1_000_000
INFO_NAME = "corpus-info.json"
DIR_RE = re.compile(r"^\d{3,}$")

# --------------------------------------------------------------------------
# Word lists (generic vocabulary + invented names; no real article text)
# --------------------------------------------------------------------------
NOUNS = """
government ministry council committee agency court official officials minister
spokesman spokeswoman report statement plan proposal budget deal agreement talks
meeting summit election vote campaign party coalition opposition parliament
region province city town village border port coast river valley district
market price prices trade exports imports wheat oil fuel power grid supply
company firm bank investors shares project contract factory workers union
police army forces troops convoy patrol residents families children students
school hospital clinic road bridge airport station harbor network system
weather storm flood drought harvest season rainfall water dam reservoir
policy law rule measure tax tariff subsidy loan fund aid program network
researchers study data survey results figures estimate forecast growth
season match team coach players league final stadium fans record title
""".split()

VERBS_PAST = """
said announced confirmed reported denied rejected approved signed delayed
launched opened closed expanded reduced raised cut increased extended blocked
suspended resumed reached agreed warned promised urged welcomed criticized
proposed introduced completed started ended delivered received shipped built
""".split()

VERBS_BASE = """
improve reduce support expand protect restore secure finance review monitor
deliver build repair replace negotiate discuss consider delay approve block
strengthen develop increase lower stabilize complete resume continue
""".split()

ADJECTIVES = """
new former local regional national major minor final early late recent annual
key senior public private joint strong weak sharp steady small large rural
urban northern southern eastern western central coastal critical temporary
""".split()

FUNCTION = """
the the the the a a an of of of in in on to to for with by from at after before
during over under about than while since and and but or as that which this its
their its more most some several many few two three
""".split()

FIRST_NAMES = """
Anna Marek Lena Tomas Rafael Ines Oskar Nadia Pavel Selma Victor Irina Kemal
Laila Jonas Mira Andrei Talia Hugo Esra Milan Dora Felix Yara Ruben Alma
""".split()

SURNAMES = """
Varga Holm Darrow Keswin Marlow Brandt Okafor Lindqvist Carvell Rostan Tiller
Ferrand Halloway Nadir Quill Sorensen Vance Albright Drummond Petrak Kessler
""".split()

PLACES = """
Valdoria Keswick Port-Amsel Tarnvale Ostrava-Nord Belmira Corrin Haldane
Lusk Maren Bay Eastfield Karsa Drevno Solmere Vintara Greyhaven Ardent Cove
""".split()

ORG_WORDS = """
Authority Council Agency Commission Bureau Institute Union Board Office Service
""".split()

ORG_PREFIX = """
National Regional Northern Southern Central Federal Joint Independent United
""".split()

ORG_TOPIC = """
Grain Energy Transport Health Water Trade Ports Borders Statistics Weather
Finance Labor Housing Fisheries Aviation
""".split()

ACCENTED = """
café résumé naïve élite Québec José Zürich Müller Jürgen Göteborg señor señora
niño Muñoz Peña Ibáñez façade Brontë Dvořák Şahin München Mañana Renée Chloé
Éric Ñandú Düsseldorf Ålesund Ménard Sánchez Björn Citroën
""".split()

CREDITS = [
    "(Staff photo)", "(File photo)", "(Agency photo)", "(Photo: handout)",
    "(Wire photo)", "(NWA)", "(PRS)", "(Press pool)", "(Courtesy photo)",
]

SAY_VERBS = ["said", "told reporters", "said on Tuesday", "added", "said in a statement",
             "told the agency", "wrote on social media", "said on Sunday", "noted"]

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December"]

# Weighted mix for "filler" words in sentences: mostly function words/nouns.
FILLER = FUNCTION * 3 + NOUNS * 2 + ADJECTIVES + VERBS_PAST

# cp1252 mojibake: text.encode("utf-8") read as (sloppy) windows-1252.
# Bytes undefined in cp1252 (0x81 0x8d 0x8f 0x90 0x9d) stay as C1 controls,
# which is what browsers/ftfy's "sloppy-windows-1252" do.
_CP1252_FIX = {}
for _b in range(0x80, 0xA0):
    try:
        _CP1252_FIX[_b] = bytes([_b]).decode("cp1252")
    except UnicodeDecodeError:
        pass


def mojibake(s: str) -> str:
    return s.encode("utf-8").decode("latin-1").translate(_CP1252_FIX)


# --------------------------------------------------------------------------
# Text generation
# --------------------------------------------------------------------------
class Gen:
    """Generates one file.  All randomness comes from self.r."""

    def __init__(self, r: random.Random):
        self.r = r
        rnd = r.random
        # faster than r.choice (no _randbelow); still fully determined by the seed
        self.pick = lambda seq: seq[int(rnd() * len(seq))]
        self.stats = {"articles": 0, "paragraphs": 0, "curly_paragraphs": 0,
                      "accented_paragraphs": 0, "headline_upper": 0,
                      "headline_case": 0, "headline_truncated": 0,
                      "captions": 0, "advertisement": 0, "share": 0,
                      "mojibake_file": 0, "mojibake_partial": 0}

    # -- small pieces ------------------------------------------------------
    def person(self) -> str:
        r = self.r
        return f"{self.pick(FIRST_NAMES)} {self.pick(SURNAMES)}"

    def org(self) -> str:
        r = self.r
        return f"{self.pick(ORG_PREFIX)} {self.pick(ORG_TOPIC)} {self.pick(ORG_WORDS)}"

    def number(self) -> str:
        r = self.r
        x = r.random()
        if x < 0.4:
            return str(r.randint(2, 99))
        if x < 0.7:
            return f"{r.randint(1, 99)},{r.randint(0, 999):03d}"
        if x < 0.85:
            return str(r.randint(1990, 2025))
        return f"{r.randint(1, 99)}.{r.randint(0, 9)} percent"

    def subject(self) -> str:
        r = self.r
        x = r.random()
        if x < 0.3:
            return self.person()
        if x < 0.5:
            return "The " + self.org()
        if x < 0.65:
            return self.pick(PLACES) + " " + self.pick(NOUNS)
        return f"The {self.pick(ADJECTIVES)} {self.pick(NOUNS)}"

    def sentence(self, accented: bool, apos: str) -> str:
        """One invented sentence (ends with '.')."""
        r = self.r
        n = 6 + int(r.random() * 16)
        words = r.choices(FILLER, k=n)
        # sprinkle content: numbers, places, names, possessives, accents
        x = r.random()
        if x < 0.35:
            words[int(r.random() * n)] = self.number()
        elif x < 0.6:
            words[int(r.random() * n)] = self.pick(PLACES)
        if r.random() < 0.25:
            words[int(r.random() * n)] = self.pick(PLACES) + apos + "s"
        if accented:
            words[int(r.random() * n)] = self.pick(ACCENTED)
        if n > 10 and r.random() < 0.5:
            k = 4 + int(r.random() * (n - 8))
            words[k] = words[k] + ","
        head = f"{self.subject()} {self.pick(VERBS_PAST)}"
        tail = ""
        if r.random() < 0.3:
            tail = f", {self.pick(['officials', 'residents', 'analysts', 'the ministry', self.person()])} {self.pick(SAY_VERBS)}"
        elif r.random() < 0.15:
            tail = f" on {self.pick(WEEKDAYS)}"
        elif r.random() < 0.1:
            tail = f" in {self.pick(MONTHS)}"
        return f"{head} {' '.join(words)}{tail}."

    # -- paragraphs --------------------------------------------------------
    def paragraph(self) -> str:
        r = self.r
        curly = r.random() < 0.5
        accented = r.random() < 0.12
        self.stats["paragraphs"] += 1
        if accented:
            self.stats["accented_paragraphs"] += 1
        if curly:
            self.stats["curly_paragraphs"] += 1
            lq, rq, apos = "\u201c", "\u201d", "\u2019"
            if r.random() < 0.1:  # mixed quotes, as in the seed file
                lq = '"'
        else:
            lq, rq, apos = '"', '"', "'"
        nsent = 1 + int(r.random() * 4)
        sents = [self.sentence(accented and i == 0, apos) for i in range(nsent)]
        kind = r.random()
        if kind < 0.3:
            # quoted speech
            q = sents[0][:-1]
            sents[0] = f"{lq}{q},{rq} {self.person()} {self.pick(SAY_VERBS)}."
        elif kind < 0.45:
            q = sents[-1]
            sents[-1] = f"{self.person()} said: {lq}{q}{rq}"
        elif kind < 0.55:
            w = self.pick(NOUNS)
            sents[0] = sents[0][:-1] + f", calling it a {lq}{self.pick(ADJECTIVES)} {w}{rq}."
        if curly and kind >= 0.55:
            # make sure a "curly" paragraph actually contains a curly character
            s = sents[-1]
            sents[-1] = s[:-1] + f", the {self.pick(NOUNS)}{apos}s {self.pick(NOUNS)} said."
        return " ".join(sents)

    def headline(self, apos: str) -> str:
        r = self.r
        n = 5 + int(r.random() * 7)
        words = [w.capitalize() if len(w) > 3 else w for w in r.choices(FILLER, k=n)]
        words[0] = words[0].capitalize()
        words.insert(int(r.random() * n), self.pick(PLACES) + (apos + "s" if r.random() < 0.3 else ""))
        if r.random() < 0.3:
            words.append(self.number())
        return " ".join(words)

    def caption(self, apos: str) -> str:
        r = self.r
        s = self.sentence(r.random() < 0.05, apos)
        if r.random() < 0.4:
            s = s[:-1] + f", {self.pick(PLACES)}, {self.pick(MONTHS)} {r.randint(1, 28)}, {r.randint(2015, 2025)}."
        return f"{s} {self.pick(CREDITS)}"

    def near_duplicate(self, h: str) -> str:
        r = self.r
        x = r.random()
        if x < 0.08:
            self.stats["headline_upper"] += 1
            return h.upper()
        if x < 0.12:
            self.stats["headline_case"] += 1
            return h.lower() if r.random() < 0.5 else h.title()
        if x < 0.20:
            words = h.split(" ")
            if len(words) >= 4:
                self.stats["headline_truncated"] += 1
                k = max(2, int(len(words) * (0.4 + 0.4 * r.random())))
                return " ".join(words[:k]) + "..."
        return h

    # -- article / file ----------------------------------------------------
    def article(self, budget: int) -> str:
        r = self.r
        self.stats["articles"] += 1
        apos = "\u2019" if r.random() < 0.5 else "'"
        h = self.headline(apos)
        h1, h2 = h, h
        alt = self.near_duplicate(h)
        if alt is not h:
            if r.random() < 0.7:
                h2 = alt
            else:
                h1 = alt
        ncap = 1 if r.random() < 0.88 else 2
        caps = [self.caption(apos) for _ in range(ncap)]
        self.stats["captions"] += ncap
        capblock = []
        for c in caps:
            capblock += [c, c]
        marker = ["TT", str(r.randint(1, 99) if r.random() < 0.9 else r.randint(100, 999))]
        if r.random() < 0.1:
            marker.append("Share")
            self.stats["share"] += 1
        top = [h1, ""] + capblock + marker + ["", h2, ""] + capblock
        out = "\n".join(top)
        budget -= len(out)
        body = []
        size = 0
        # stop about half a paragraph early so files land near their target size
        while size < budget - 200 or not body:
            p = self.paragraph()
            body.append(p)
            size += len(p) + 2
            if r.random() < 0.04:
                body.append("Advertisement")
                self.stats["advertisement"] += 1
        if r.random() < 0.05:
            body.append("Share")
            self.stats["share"] += 1
        return out + "\n\n" + "\n\n".join(body)

    def file_text(self) -> str:
        r = self.r
        target = 4000 + int(r.random() * 2000)
        x = r.random()
        narts = 1 if x < 0.2 else 2 if x < 0.6 else 3 if x < 0.85 else 4 if x < 0.95 else 5
        budget = target // narts  # per article, header included
        arts = [self.article(budget) for _ in range(narts)]
        text = "\n\n\n\n".join(arts)
        if r.random() < 0.3:
            text += "\n"  # the seed has no final newline; some files do
        if r.random() < 0.02:
            if r.random() < 0.6:
                text = mojibake(text)
                self.stats["mojibake_file"] += 1
            else:
                lines = text.split("\n")
                for _ in range(1 + int(r.random() * 4)):
                    i = int(r.random() * len(lines))
                    lines[i] = mojibake(lines[i])
                text = "\n".join(lines)
                self.stats["mojibake_partial"] += 1
        return text


def file_name(seed: int, index: int) -> tuple[str, bytes, dict]:
    r = random.Random(f"{seed}/{index}")
    g = Gen(r)
    name = f"{index:06d}_{r.getrandbits(64):016x}.txt"
    data = g.file_text().encode("utf-8")
    return name, data, g.stats


def write_dir(args: tuple) -> tuple[int, list[int], dict]:
    """Worker: write files [start, stop) into OUTDIR/<dir>; return sizes + stats."""
    outdir, seed, d, start, stop = args
    sub = Path(outdir) / f"{d:03d}"
    sub.mkdir(parents=True, exist_ok=True)
    sizes = []
    total = {}
    for i in range(start, stop):
        name, data, stats = file_name(seed, i)
        with open(sub / name, "wb") as f:
            f.write(data)
        sizes.append(len(data))
        for k, v in stats.items():
            total[k] = total.get(k, 0) + v
    return d, sizes, total


# --------------------------------------------------------------------------
def prepare_outdir(out: Path, force: bool) -> None:
    out.mkdir(parents=True, exist_ok=True)
    entries = list(out.iterdir())
    if not entries:
        return
    ours = [e for e in entries if (e.is_dir() and DIR_RE.match(e.name)) or e.name == INFO_NAME]
    if not force:
        sys.exit(f"error: {out} is not empty; use --force to replace a previous corpus")
    others = [e.name for e in entries if e not in ours]
    if others:
        sys.exit(f"error: {out} contains files not made by this script ({others[:3]}); refusing")
    for e in ours:
        if e.is_dir():
            shutil.rmtree(e)
        else:
            e.unlink()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir", type=Path)
    size = ap.add_mutually_exclusive_group()
    size.add_argument("--mb", type=float, help="generate at least this many MB (10^6 bytes); default 100")
    size.add_argument("--files", type=int, help="generate exactly this many files")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                    help="worker processes (output is identical for any value)")
    ap.add_argument("--force", action="store_true", help="replace an existing corpus in OUTDIR")
    a = ap.parse_args(argv)
    if a.files is None and a.mb is None:
        a.mb = 100.0
    if (a.files is not None and a.files < 1) or (a.mb is not None and a.mb <= 0):
        ap.error("size must be positive")

    t0 = time.perf_counter()
    out = a.outdir
    prepare_outdir(out, a.force)

    target_bytes = None if a.files is not None else int(a.mb * MB)
    if a.files is not None:
        ndirs = (a.files + FILES_PER_DIR - 1) // FILES_PER_DIR
        tasks = [(str(out), a.seed, d, d * FILES_PER_DIR, min(a.files, (d + 1) * FILES_PER_DIR))
                 for d in range(ndirs)]
        task_iter = iter(tasks)
    else:
        # open-ended: directories are produced in order until the size target is met
        def gen_tasks():
            d = 0
            while True:
                yield (str(out), a.seed, d, d * FILES_PER_DIR, (d + 1) * FILES_PER_DIR)
                d += 1
        task_iter = gen_tasks()

    nfiles = 0
    nbytes = 0
    stats: dict = {}
    last_dir = None
    done = False

    def consume(result):
        nonlocal nfiles, nbytes, last_dir, done
        d, sizes, st = result
        for k, v in st.items():
            stats[k] = stats.get(k, 0) + v
        for s in sizes:
            nfiles += 1
            nbytes += s
            if target_bytes is not None and nbytes >= target_bytes:
                done = True
                break
        last_dir = d

    if a.jobs <= 1:
        for t in task_iter:
            consume(write_dir(t))
            if done:
                break
    else:
        with mp.Pool(a.jobs) as pool:
            for res in pool.imap(write_dir, task_iter, chunksize=1):
                consume(res)
                if done:
                    break
            pool.terminate()
            pool.join()

    if target_bytes is not None:
        # Trim to exactly files 0..nfiles-1 (workers may have run ahead).
        # Stats of the trimmed tail are recomputed so corpus-info.json is exact.
        for e in out.iterdir():
            if e.is_dir() and DIR_RE.match(e.name) and int(e.name) > last_dir:
                shutil.rmtree(e)
        sub = out / f"{last_dir:03d}"
        for i in range(nfiles, (last_dir + 1) * FILES_PER_DIR):
            name, _, st = file_name(a.seed, i)
            p = sub / name
            if p.exists():
                p.unlink()
            for k, v in st.items():
                stats[k] -= v

    info = {
        "generator": "bench/make_corpus.py",
        "generator_version": GENERATOR_VERSION,
        "seed": a.seed,
        "files": nfiles,
        "bytes": nbytes,
        "mb": round(nbytes / MB, 3),
        "files_per_dir": FILES_PER_DIR,
        "stats": stats,
    }
    (out / INFO_NAME).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    dt = time.perf_counter() - t0
    print(f"wrote {nfiles:,} files, {nbytes / MB:.2f} MB "
          f"(avg {nbytes / max(nfiles, 1) / 1000:.2f} KB) to {out} in {dt:.2f} s "
          f"[seed {a.seed}, {a.jobs} job(s)]")
    print(f"mojibake files: {stats.get('mojibake_file', 0) + stats.get('mojibake_partial', 0):,}"
          f"  articles: {stats.get('articles', 0):,}"
          f"  paragraphs: {stats.get('paragraphs', 0):,}"
          f" (curly {stats.get('curly_paragraphs', 0) / max(stats.get('paragraphs', 1), 1):.0%},"
          f" accented {stats.get('accented_paragraphs', 0) / max(stats.get('paragraphs', 1), 1):.0%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
