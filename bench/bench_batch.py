#!/usr/bin/env python3
"""Batch benchmark: time the real `scrubber clean CORPUS -o OUTDIR` command.

    python bench/bench_batch.py                       # 20,000 + 5,000 files, everything
    python bench/bench_batch.py --json /tmp/scrubber-bench/batch.json
    python bench/bench_batch.py --files 2000 --small 500 --skip-jobs1   # quick run

What it does:

1. Makes (or reuses) two corpora with bench/make_corpus.py --seed S --files N:
   the main one (--files, default 20,000 files, ~100 MB) and a small one
   (--small, default 5,000) for the memory comparison.  They live under
   /tmp/scrubber-bench/ unless --corpus/--small-corpus name a folder; an
   existing folder is reused when its corpus-info.json matches (generator
   version, seed, file count) and refused otherwise.  Corpora are never deleted.
2. Runs the CLI as a subprocess, each run with a fresh -o OUTDIR and a fresh
   --cache-dir, the working folder set to an empty folder (so no project
   configuration is picked up):

     jobs1        --jobs 1 --no-cache                (not with --skip-jobs1)
     jobs2        --jobs 2 --no-cache
     cache-fill   --jobs 2, empty cache              (the first run)
     cache-rerun  the same command again: same cache, same OUTDIR
     cache-newout --jobs 2, the filled cache, an empty OUTDIR
     startup      --jobs 2 over an empty folder: the fixed cost of a run
     small-jobs1 / small-jobs2   the small corpus, --no-cache

   --repeat N runs each measurement N times and keeps the fastest; --wait-idle S
   waits (up to S s) for other processes to leave the CPUs idle before each run;
   --rev REV measures a commit (git archive into /tmp/scrubber-bench/src-SHA,
   put first on PYTHONPATH) instead of the working tree, which may be edited
   while the benchmark runs.

3. For each run: wall seconds; CPU seconds (user + system) of the whole process
   tree from os.wait4 (the pool's workers are reaped by the parent, so their
   time is included); MB/s = corpus MB (10^6 bytes) / wall seconds; memory:
   * ru_maxrss from os.wait4: the largest *single* process of the tree (the
     parent or one worker, whichever peaked higher; workers are separate
     processes, each with its own interpreter);
   * the parent's own peak (VmHWM of the `scrubber` process, and of the
     largest worker), read from /proc every 50 ms;
   * the peak of the summed RSS (and PSS) of every process in the tree,
     sampled from /proc every 50 ms: the total the machine had to give.
   Also the CPU seconds that *other* processes used during the run
   (/proc/stat busy time minus this tree's), because a busy machine spoils the
   --jobs 2 figure.
4. Checks the exit status and the --report of each run, and that every run on a
   corpus wrote byte-identical outputs.  Prints a table and the targets of
   issue 5; --json PATH writes everything as JSON.

Outputs go to a tmpfs (/dev/shm) when it has room, so wall time measures
scrubber rather than the disk (every output is written atomically with an
fsync); otherwise they go under /tmp/scrubber-bench/runs/ and the table says
that wall time includes disk writes.  tmpfs outputs are removed at the end
(--keep-outputs keeps them); outputs on disk are never removed by this script.
Only the standard library is used; Linux only (/proc, os.wait4).
"""
from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

MB = 1_000_000
HERE = Path(__file__).resolve().parent
REPO = HERE.parent
BENCH_ROOT = Path("/tmp/scrubber-bench")
SHM = Path("/dev/shm")
PAGE = os.sysconf("SC_PAGE_SIZE")
CLK_TCK = os.sysconf("SC_CLK_TCK")


def _load_make_corpus():
    spec = importlib.util.spec_from_file_location("make_corpus", HERE / "make_corpus.py")
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(mod)
    return mod


make_corpus = _load_make_corpus()


# -- corpora -------------------------------------------------------------------


@dataclass
class Corpus:
    path: Path
    files: int
    bytes: int
    reused: bool
    generate_s: float | None = None

    @property
    def mb(self) -> float:
        return self.bytes / MB


def _scan(path: Path) -> tuple[int, int]:
    """(number of *.txt files, total bytes) under path; also pulls them into the page cache."""
    n = size = 0
    for dirpath, dirnames, filenames in os.walk(path):
        dirnames.sort()
        for name in sorted(filenames):
            if name.endswith(".txt"):
                with open(os.path.join(dirpath, name), "rb") as f:
                    size += len(f.read())
                n += 1
    return n, size


def ensure_corpus(path: Path, files: int, seed: int) -> Corpus:
    info_path = path / make_corpus.INFO_NAME
    want = {"generator_version": make_corpus.GENERATOR_VERSION, "seed": seed, "files": files}
    if info_path.exists():
        info = json.loads(info_path.read_text(encoding="utf-8"))
        got = {k: info.get(k) for k in want}
        if got != want:
            sys.exit(f"error: {path} holds a different corpus ({got}, wanted {want}); "
                     f"name another folder, or replace it with make_corpus.py --force")
        n, size = _scan(path)
        if n != files or size != info["bytes"]:
            sys.exit(f"error: {path}: corpus-info.json says {files} files / {info['bytes']} bytes, "
                     f"found {n} / {size}; regenerate it with make_corpus.py --force")
        print(f"corpus {path}: reusing {n:,} files, {size / MB:.2f} MB")
        return Corpus(path, n, size, reused=True)
    if path.exists() and any(path.iterdir()):
        sys.exit(f"error: {path} is not empty and has no {make_corpus.INFO_NAME}; refusing to use it")
    print(f"corpus {path}: generating {files:,} files (seed {seed}) ...", flush=True)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, str(HERE / "make_corpus.py"), str(path), "--files", str(files),
                    "--seed", str(seed)], check=True)
    dt = time.perf_counter() - t0
    info = json.loads(info_path.read_text(encoding="utf-8"))
    n, size = _scan(path)
    assert n == files == info["files"] and size == info["bytes"], (n, size, info)
    return Corpus(path, n, size, reused=False, generate_s=round(dt, 2))


# -- /proc sampling ----------------------------------------------------------------


def _read(path: str) -> str | None:
    try:
        with open(path, "rb") as f:
            return f.read().decode("ascii", "replace")
    except OSError:
        return None


def _ppid_map() -> dict[int, int]:
    out = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        s = _read(f"/proc/{name}/stat")
        if s is None:
            continue
        try:
            out[int(name)] = int(s[s.rfind(")") + 2:].split(None, 2)[1])
        except (ValueError, IndexError):
            pass
    return out


def _status_kb(text: str, key: str) -> int:
    i = text.find(key + ":")
    if i < 0:
        return 0
    return int(text[i + len(key) + 1:].split(None, 1)[0])


def cpu_busy_s() -> float:
    """Machine-wide busy CPU seconds so far (user+nice+system+irq+softirq), from /proc/stat."""
    line = _read("/proc/stat").split("\n", 1)[0].split()
    user, nice, system, _idle, _iowait, irq, softirq = (int(x) for x in line[1:8])
    return (user + nice + system + irq + softirq) / CLK_TCK


def wait_idle(max_wait: float, threshold: float = 0.3) -> tuple[float, float]:
    """Wait up to max_wait s for the machine to be quiet: under `threshold` CPUs busy over 1 s.

    Returns (seconds waited, CPUs busy in the last second).  Other people's jobs
    on a shared machine otherwise end up in the --jobs 2 figure.
    """
    t0 = time.perf_counter()
    while True:
        b0, w0 = cpu_busy_s(), time.perf_counter()
        time.sleep(1.0)
        busy = (cpu_busy_s() - b0) / (time.perf_counter() - w0)
        waited = time.perf_counter() - t0
        if busy < threshold or waited >= max_wait:
            return waited, busy


class TreeSampler(threading.Thread):
    """Every `interval` s: the process tree under `root`, its summed RSS/PSS, each process's VmHWM."""

    def __init__(self, root: int, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.interval = interval
        self.stop_event = threading.Event()
        self.samples = 0
        self.peak_rss_sum = 0  # bytes
        self.peak_pss_sum = 0
        self.peak_procs = 0
        self.hwm: dict[int, int] = {}  # pid -> VmHWM bytes (monotonic in the kernel)
        self.cmd: dict[int, str] = {}
        self.cpu: dict[int, float] = {}  # pid -> utime + stime (s) at its last sample
        self.thread_cpu = 0.0
        self.started = time.perf_counter()
        self.pids: list[int] = [root]
        self.last_scan = self.last_pss = -1.0

    def tree(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for pid, ppid in _ppid_map().items():
            children.setdefault(ppid, []).append(pid)
        out, todo = [], [self.root]
        while todo:
            pid = todo.pop()
            out.append(pid)
            todo.extend(children.get(pid, ()))
        return out

    def sample(self) -> None:
        # Kept cheap, so the sampler does not slow what it measures: a full /proc scan
        # (~2.5 ms) finds new processes every sample for the first 0.5 s (the pool
        # starts its workers), then every 1 s; PSS (smaps_rollup walks the page
        # tables: ~1 ms per 100 MB process) every 1 s; RSS and VmHWM every sample.
        elapsed = time.perf_counter() - self.started
        if elapsed < 0.5 or elapsed - self.last_scan >= 1.0:
            self.pids = self.tree()
            self.last_scan = elapsed
        with_pss = elapsed - self.last_pss >= 1.0
        if with_pss:
            self.last_pss = elapsed
        rss_sum = pss_sum = nprocs = 0
        for pid in self.pids:
            status = _read(f"/proc/{pid}/status")
            if status is None or "State:\tZ" in status:
                continue
            nprocs += 1
            rss_sum += _status_kb(status, "VmRSS") * 1024
            self.hwm[pid] = max(self.hwm.get(pid, 0), _status_kb(status, "VmHWM") * 1024)
            stat = _read(f"/proc/{pid}/stat")
            if stat is not None:
                fields = stat[stat.rfind(")") + 2:].split()
                self.cpu[pid] = (int(fields[11]) + int(fields[12])) / CLK_TCK
            if with_pss:
                rollup = _read(f"/proc/{pid}/smaps_rollup")
                if rollup is not None:
                    pss_sum += _status_kb(rollup, "Pss") * 1024
            if pid not in self.cmd:
                cmd = _read(f"/proc/{pid}/cmdline")
                self.cmd[pid] = (cmd or "").replace("\0", " ").strip()
        self.samples += 1
        self.peak_rss_sum = max(self.peak_rss_sum, rss_sum)
        self.peak_pss_sum = max(self.peak_pss_sum, pss_sum)
        self.peak_procs = max(self.peak_procs, nprocs)

    def run(self) -> None:
        t0 = time.thread_time()
        while not self.stop_event.is_set():
            self.sample()
            self.stop_event.wait(self.interval)
        self.thread_cpu = time.thread_time() - t0

    def finish(self) -> None:
        self.stop_event.set()
        self.join()

    def is_worker(self, pid: int) -> bool:
        cmd = self.cmd.get(pid, "")
        return pid != self.root and "multiprocessing" in cmd and "resource_tracker" not in cmd

    def worker_hwm(self) -> int:
        return max((v for pid, v in self.hwm.items() if self.is_worker(pid)), default=0)

    def workers_cpu(self) -> float:
        return sum(v for pid, v in self.cpu.items() if self.is_worker(pid))


# -- one run ------------------------------------------------------------------------


@dataclass
class RunResult:
    name: str
    corpus_files: int
    corpus_mb: float
    jobs: int
    cache: str  # "off", "empty", "filled"
    outdir: str
    cache_dir: str
    command: list[str]
    wall_s: float = 0.0
    cpu_s: float = 0.0
    user_s: float = 0.0
    sys_s: float = 0.0
    mb_per_s_wall: float = 0.0
    mb_per_s_cpu: float = 0.0
    max_single_rss_mb: float = 0.0  # wait4 ru_maxrss: the largest single process of the tree
    parent_peak_mb: float = 0.0  # VmHWM of the scrubber process itself (sampled)
    worker_peak_mb: float = 0.0  # the largest worker's VmHWM (sampled); 0 for --jobs 1
    tree_peak_rss_mb: float = 0.0  # peak of the summed RSS of the tree (sampled)
    tree_peak_pss_mb: float = 0.0  # peak of the summed PSS of the tree (sampled)
    parent_cpu_s: float = 0.0  # CPU s of the scrubber process itself (total minus its workers' last samples)
    workers_cpu_s: float = 0.0  # CPU s of the pool's workers (each at its last sample, within 50 ms of its end)
    processes: int = 0
    samples: int = 0
    sampler_cpu_s: float = 0.0
    others_cpu_s: float = 0.0  # CPU seconds used by other processes on the machine during the run
    loadavg_before: float = 0.0
    idle_wait_s: float = 0.0  # waited this long for a quiet machine before the run
    busy_cpus_before: float = 0.0  # CPUs busy (others) in the last second before the run
    exit_status: int = 0
    report: dict = field(default_factory=dict)
    output_files: int = 0
    output_bytes: int = 0
    output_digest: str = ""
    source_digest: str = ""  # src/scrubber/**/*.py and rules/*.yaml just before the run
    walls_s: list = field(default_factory=list)  # with --repeat: every repetition's wall s (the row is the fastest)


SOURCE_ROOT = REPO  # holds src/scrubber and rules; a snapshot folder with --rev


def source_digest() -> str:
    """A hash of the code the runs import, to notice edits made during the benchmark."""
    h = hashlib.sha256()
    files = sorted((SOURCE_ROOT / "src" / "scrubber").rglob("*.py")) + sorted((SOURCE_ROOT / "rules").glob("*.yaml"))
    for p in files:
        try:
            h.update(str(p.relative_to(SOURCE_ROOT)).encode() + b"\0" + p.read_bytes())
        except OSError:
            pass
    return h.hexdigest()[:16]


def snapshot(rev: str) -> Path:
    """src/ and rules/ of a committed revision, extracted with `git archive` (read-only on the repo).

    The runs import scrubber from there (PYTHONPATH comes before the editable
    install's finder), so edits to the working tree during the benchmark do not
    change what is measured.  The rules go in as the package `scrubber.rulefiles`,
    where the wheel puts them.
    """
    sha = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--verify", rev + "^{commit}"],
                         capture_output=True, text=True)
    if sha.returncode != 0:
        sys.exit(f"error: --rev {rev}: not a commit: {sha.stderr.strip()}")
    dest = BENCH_ROOT / f"src-{sha.stdout.strip()[:12]}"
    if not (dest / "src" / "scrubber" / "rulefiles" / "__init__.py").exists():
        tmp = Path(str(dest) + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        archive = subprocess.run(["git", "-C", str(REPO), "archive", sha.stdout.strip(), "src", "rules"],
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(tmp)], input=archive, check=True)
        shutil.copytree(tmp / "rules", tmp / "src" / "scrubber" / "rulefiles", dirs_exist_ok=True)
        (tmp / "src" / "scrubber" / "rulefiles" / "__init__.py").touch()
        shutil.rmtree(dest, ignore_errors=True)
        tmp.rename(dest)
    return dest


def child_env(pycache: Path, src: Path | None = None) -> dict[str, str]:
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src / "src") + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    # Compiled bytecode is cached as for a normal install, but outside the repository.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    for k in ("SCRUBBER_CACHE_DIR",):
        env.pop(k, None)
    return env


def tree_digest(outdir: Path) -> tuple[int, int, str]:
    """(files, bytes, sha256 over sorted relative paths and contents) of an output tree."""
    h = hashlib.sha256()
    n = size = 0
    for dirpath, dirnames, filenames in os.walk(outdir):
        dirnames.sort()
        for name in sorted(filenames):
            p = os.path.join(dirpath, name)
            with open(p, "rb") as f:
                data = f.read()
            h.update(os.path.relpath(p, outdir).encode() + b"\0" + len(data).to_bytes(8, "little") + data)
            n += 1
            size += len(data)
    return n, size, h.hexdigest()


def run_cli(scrubber: str, name: str, corpus: Corpus, jobs: int, cache: str, outdir: Path, cache_dir: Path,
            cwd: Path, env: dict[str, str], logdir: Path, max_idle_wait: float) -> RunResult:
    report_path = logdir / f"{name}.report.json"
    cmd = [scrubber, "clean", str(corpus.path), "-o", str(outdir), "--jobs", str(jobs), "--quiet",
           "--cache-dir", str(cache_dir), "--report", str(report_path)]
    if cache == "off":
        cmd.append("--no-cache")
    r = RunResult(name, corpus.files, round(corpus.mb, 3), jobs, cache, str(outdir), str(cache_dir), cmd)
    _scan(corpus.path)  # the inputs are in the page cache for every run
    if max_idle_wait > 0:
        r.idle_wait_s, r.busy_cpus_before = wait_idle(max_idle_wait)
    r.loadavg_before = os.getloadavg()[0]
    r.source_digest = source_digest()
    with open(logdir / f"{name}.stdout", "wb") as out, open(logdir / f"{name}.stderr", "wb") as err:
        busy0 = cpu_busy_s()
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        try:
            _, status, ru = os.wait4(proc.pid, 0)
        except BaseException:  # Ctrl-C: stop the run we started (scrubber stops its own workers)
            proc.terminate()
            proc.wait()
            sampler.finish()
            raise
        r.wall_s = time.perf_counter() - t0
        busy1 = cpu_busy_s()
        sampler.finish()
        proc.returncode = os.waitstatus_to_exitcode(status)
    r.exit_status = proc.returncode
    r.user_s, r.sys_s = ru.ru_utime, ru.ru_stime
    r.cpu_s = ru.ru_utime + ru.ru_stime
    r.mb_per_s_wall = corpus.mb / r.wall_s if corpus.bytes else 0.0
    r.mb_per_s_cpu = corpus.mb / r.cpu_s if r.cpu_s and corpus.bytes else 0.0
    r.max_single_rss_mb = ru.ru_maxrss * 1024 / MB  # Linux: KiB
    r.parent_peak_mb = sampler.hwm.get(proc.pid, 0) / MB
    r.worker_peak_mb = sampler.worker_hwm() / MB
    r.tree_peak_rss_mb = sampler.peak_rss_sum / MB
    r.tree_peak_pss_mb = sampler.peak_pss_sum / MB
    r.workers_cpu_s = sampler.workers_cpu()
    r.parent_cpu_s = max(0.0, r.cpu_s - r.workers_cpu_s)
    r.processes = sampler.peak_procs
    r.samples = sampler.samples
    r.sampler_cpu_s = sampler.thread_cpu
    r.others_cpu_s = max(0.0, (busy1 - busy0) - r.cpu_s - sampler.thread_cpu)
    stderr = (logdir / f"{name}.stderr").read_text(errors="replace")
    if r.exit_status != 0:
        sys.exit(f"error: run {name} exited with {r.exit_status}: {' '.join(cmd)}\n{stderr[-2000:]}")
    if stderr.strip():
        print(f"  note: {name} wrote to stderr: {stderr.strip()[:300]}")
    try:
        rep = json.loads(report_path.read_text(encoding="utf-8"))
        r.report = {k: rep.get(k) for k in ("files", "files_from_cache", "articles", "bytes_in", "bytes_out", "errors", "warnings")}
        r.report["errors"] = len(rep.get("errors") or [])
        r.report["warnings"] = len(rep.get("warnings") or [])
    except (OSError, ValueError) as exc:
        r.report = {"unreadable": str(exc)}
    r.output_files, r.output_bytes, r.output_digest = tree_digest(outdir)
    for k, v in asdict(r).items():
        if isinstance(v, float):
            setattr(r, k, round(v, 3))
    print(f"  {name:<13} {r.wall_s:8.2f} s wall {r.cpu_s:8.2f} s CPU {r.mb_per_s_wall:7.2f} MB/s  "
          f"parent {r.parent_peak_mb:6.1f} MB  tree {r.tree_peak_rss_mb:6.1f} MB  others {r.others_cpu_s:6.1f} CPU s"
          f"  (waited {r.idle_wait_s:.0f} s for idle)",
          flush=True)
    return r


# -- the whole benchmark ------------------------------------------------------------------


def pick_workdir(explicit: Path | None, need_bytes: int) -> tuple[Path, bool]:
    """(folder for outputs and caches, is it a tmpfs)."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    if explicit is not None:
        return explicit / f"run-{stamp}", _is_tmpfs(explicit)
    if SHM.is_dir():
        st = os.statvfs(SHM)
        free = st.f_bavail * st.f_frsize
        if free >= need_bytes:
            return SHM / "scrubber-bench" / f"run-{stamp}", True
        print(f"/dev/shm has {free / MB:.0f} MB free, {need_bytes / MB:.0f} MB needed: writing outputs to disk")
    return BENCH_ROOT / "runs" / f"run-{stamp}", False


def _is_tmpfs(path: Path) -> bool:
    path = path.resolve()
    best, fstype = "", ""
    for line in (_read("/proc/mounts") or "").splitlines():
        parts = line.split()
        if len(parts) >= 3 and (str(path) == parts[1] or str(path).startswith(parts[1].rstrip("/") + "/")) and len(parts[1]) >= len(best):
            best, fstype = parts[1], parts[2]
    return fstype == "tmpfs"


def machine_info(scrubber: str, env: dict[str, str]) -> dict:
    model = ""
    for line in (_read("/proc/cpuinfo") or "").splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    def out(cmd: list[str], **kw) -> str:
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=30, **kw).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""
    git_env = dict(os.environ, GIT_OPTIONAL_LOCKS="0")  # read-only: never touch the index
    dirty = out(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"], env=git_env)
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "kernel": platform.release(),
        "python": out([str(Path(scrubber).parent / "python"), "-c", "import sys; print(sys.version.split()[0])"]) or platform.python_version(),
        "scrubber": out([scrubber, "--version"], env=env),
        "scrubber_path": scrubber,
        "scrubber_imported_from": out([str(Path(scrubber).parent / "python"), "-c", "import scrubber; print(scrubber.__file__)"], env=env, cwd="/"),
        "rev": None,
        "git_head": out(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"]),
        "git_dirty": bool(dirty),
        "source_digest": source_digest(),
        "loadavg_start": list(os.getloadavg()),
    }


def fmt_table(runs: list[RunResult]) -> str:
    w = max(13, max(len(r.name) for r in runs))
    cols = f"{'run':<{w}} {'files':>6} {'MB':>7} {'jobs':>4} {'cache':>6}"
    t1 = [cols + f" {'wall s':>7} {'CPU s':>7} {'parent':>7} {'workers':>7} {'MB/s':>7} {'MB/s':>7} {'others':>7}",
          f"{'':<{w}} {'':>6} {'':>7} {'':>4} {'':>6} {'':>7} {'':>7} {'CPU s':>7} {'CPU s':>7} {'wall':>7} {'CPU':>7} {'CPU s':>7}"]
    t2 = [cols + f" {'parent':>7} {'max1':>7} {'worker':>7} {'tree':>7} {'treePSS':>7} {'procs':>5}",
          f"{'':<{w}} {'':>6} {'':>7} {'':>4} {'':>6} {'MB':>7} {'MB':>7} {'MB':>7} {'MB':>7} {'MB':>7} {'':>5}"]
    t1.append("-" * len(t1[0]))
    t2.append("-" * len(t2[0]))
    for r in runs:
        head = f"{r.name:<{w}} {r.corpus_files:>6} {r.corpus_mb:>7.2f} {r.jobs:>4} {r.cache:>6}"
        t1.append(head + f" {r.wall_s:>7.2f} {r.cpu_s:>7.2f} {r.parent_cpu_s:>7.2f} {r.workers_cpu_s:>7.2f} "
                         f"{r.mb_per_s_wall:>7.2f} {r.mb_per_s_cpu:>7.2f} {r.others_cpu_s:>7.1f}")
        t2.append(head + f" {r.parent_peak_mb:>7.1f} {r.max_single_rss_mb:>7.1f} {r.worker_peak_mb:>7.1f} "
                         f"{r.tree_peak_rss_mb:>7.1f} {r.tree_peak_pss_mb:>7.1f} {r.processes:>5}")
    return "Time\n" + "\n".join(t1) + "\n\nMemory\n" + "\n".join(t2)


LEGEND = """\
CPU s   = user + system of the whole tree (os.wait4; the reaped workers included);
          parent / workers: the scrubber process itself / its pool workers (from /proc/PID/stat)
MB/s    = input MB / wall s and / CPU s
others  = CPU seconds used by other processes on the machine during the run (/proc/stat)
parent  = peak RSS (VmHWM) of the `scrubber` process itself (sampled every 50 ms)
max1    = ru_maxrss from os.wait4: the largest single process of the tree (parent or a worker)
worker  = the largest worker's peak RSS; workers are separate processes (spawn), not counted in `parent`
tree    = peak of the summed RSS of every process in the tree (sampled every 50 ms);
          treePSS the same with PSS (shared pages split between processes)
procs   = most processes alive at once (parent, workers, multiprocessing's resource tracker)"""


def checks(by: dict[str, RunResult], small_by: dict[str, RunResult]) -> dict:
    c: dict = {}
    if "jobs1" in by and "jobs2" in by:
        s = by["jobs1"].wall_s / by["jobs2"].wall_s
        c["jobs2_speedup"] = {"value": round(s, 2), "target": 1.8, "ok": s >= 1.8,
                              "how": "wall(jobs1) / wall(jobs2), --no-cache, main corpus",
                              "cpu_ratio": round(by["jobs2"].cpu_s / by["jobs1"].cpu_s, 3),
                              # the best --jobs 2 could do on 2 cores with the CPU it spent: 2 * CPU(jobs1) / CPU(jobs2)
                              "cpu_bound_ceiling": round(2 * by["jobs1"].cpu_s / by["jobs2"].cpu_s, 2),
                              "others_cpus": {n: round(by[n].others_cpu_s / by[n].wall_s, 2) for n in ("jobs1", "jobs2")}}
    if "cache-fill" in by and "cache-rerun" in by:
        s = by["cache-fill"].wall_s / by["cache-rerun"].wall_s
        c["cached_rerun_speedup"] = {"value": round(s, 1), "target": 10, "ok": s >= 10,
                                     "how": "wall(cache-fill) / wall(cache-rerun): the same command run twice",
                                     "vs_jobs2_no_cache": round(by["jobs2"].wall_s / by["cache-rerun"].wall_s, 1) if "jobs2" in by else None,
                                     "startup_s": by["startup"].wall_s if "startup" in by else None}
    mem = {}
    for jobs_name in ("jobs1", "jobs2"):
        big, small = by.get(jobs_name), small_by.get(jobs_name)
        if big is None or small is None:
            continue
        row = {}
        for key in ("parent_peak_mb", "max_single_rss_mb", "worker_peak_mb", "tree_peak_rss_mb"):
            a, b = getattr(small, key), getattr(big, key)
            row[key] = {"small": a, "large": b, "ratio": round(b / a, 3) if a else None}
        mem[jobs_name] = row
    if mem:
        ratios = [v["ratio"] for row in mem.values() for k, v in row.items() if k in ("parent_peak_mb", "tree_peak_rss_mb") and v["ratio"]]
        worst = max(ratios)
        c["memory_independent_of_files"] = {"value": worst, "ok": worst <= 1.10,
                                            "how": f"largest ratio large/small ({by[next(iter(mem))].corpus_files} vs "
                                                   f"{small_by[next(iter(mem))].corpus_files} files) of parent and tree peaks; ok when <= 1.10",
                                            "detail": mem}
    return c


_SPIN = "import time\nt=time.process_time()\ns=0\nfor i in range(15_000_000): s+=i*i%7\nprint(time.process_time()-t)"


def parallel_ceiling() -> dict:
    """What two cores give to two CPU-bound processes: a pure-Python loop timed alone, then two copies at once.

    On a machine whose two vCPUs share a physical core (or whose host is busy)
    each copy runs slower when both run; ``ceiling`` (2 x alone / together) is
    then the most any 2-process run can gain, our pool or any other.
    """
    def spin(n: int) -> list[float]:
        procs = [subprocess.Popen([sys.executable, "-c", _SPIN], stdout=subprocess.PIPE, text=True) for _ in range(n)]
        return [float(p.communicate()[0]) for p in procs]

    alone = min(spin(1)[0] for _ in range(2))
    together = min(max(spin(2)) for _ in range(2))
    return {"alone_cpu_s": round(alone, 2), "together_cpu_s": round(together, 2), "ceiling": round(2 * alone / together, 2)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n\n", 2)[2])
    ap.add_argument("--files", type=int, default=20000, help="files in the main corpus (default 20000, ~100 MB)")
    ap.add_argument("--small", type=int, default=5000, help="files in the second corpus, for the memory comparison (default 5000; 0 = none)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--corpus", type=Path, help="main corpus folder (reused when its corpus-info.json matches; "
                                                   "default /tmp/scrubber-bench/corpus-seedS-Nfiles)")
    ap.add_argument("--small-corpus", type=Path, help="small corpus folder (same rules)")
    ap.add_argument("--skip-jobs1", action="store_true", help="skip the --jobs 1 runs (quick runs; no speedup figure)")
    ap.add_argument("--json", type=Path, help="write the results as JSON to this file")
    ap.add_argument("--scrubber", default=str(REPO / ".venv" / "bin" / "scrubber"), help="the scrubber executable (default: the repo venv's)")
    ap.add_argument("--workdir", type=Path, help="where outputs and caches go (default: /dev/shm if it has room, else /tmp/scrubber-bench/runs)")
    ap.add_argument("--wait-idle", type=float, default=60, metavar="S",
                    help="before each run, wait up to S seconds for other processes to leave the CPUs idle "
                         "(< 0.3 CPU busy over 1 s); 0 = don't wait (default 60)")
    ap.add_argument("--rev", help="benchmark this committed revision (e.g. HEAD), extracted with git archive to "
                                   "/tmp/scrubber-bench/src-SHA, instead of the working tree")
    ap.add_argument("--repeat", type=int, default=1, metavar="N",
                    help="run every measurement N times and report the fastest (for a shared, noisy machine)")
    ap.add_argument("--keep-outputs", action="store_true", help="keep the outputs and caches written to a tmpfs")
    a = ap.parse_args(argv)
    if a.files < 1 or a.small < 0 or a.repeat < 1:
        ap.error("--files and --repeat must be >= 1, --small >= 0")

    BENCH_ROOT.mkdir(parents=True, exist_ok=True)
    if a.rev:
        global SOURCE_ROOT
        SOURCE_ROOT = snapshot(a.rev)
    big = ensure_corpus(a.corpus or BENCH_ROOT / f"corpus-seed{a.seed}-{a.files}files", a.files, a.seed)
    small = None
    if a.small:
        small = ensure_corpus(a.small_corpus or BENCH_ROOT / f"corpus-seed{a.seed}-{a.small}files", a.small, a.seed)

    # Room for every run's outputs and caches, kept until the end (tmpfs pages are 4 KiB per file).
    def footprint(c: Corpus) -> int:
        return c.bytes + c.files * 4 * 1024
    n_big_runs = 5 - a.skip_jobs1
    need = int(1.5 * (n_big_runs * footprint(big) + 2 * footprint(big)  # outputs, caches
                      + (2 * footprint(small) if small else 0)) * (a.repeat if a.keep_outputs else 1))
    workdir, on_tmpfs = pick_workdir(a.workdir, need)
    workdir.mkdir(parents=True)
    try:
        return bench(a, big, small, workdir, on_tmpfs)
    finally:
        if on_tmpfs and not a.keep_outputs:
            shutil.rmtree(workdir, ignore_errors=True)
            print(f"removed {workdir} (tmpfs; --keep-outputs keeps it)")
        else:
            print(f"outputs, caches and logs kept in {workdir}")


def bench(a: argparse.Namespace, big: Corpus, small: Corpus | None, workdir: Path, on_tmpfs: bool) -> int:
    logdir = workdir / "logs"
    logdir.mkdir()
    cwd = workdir / "cwd"  # empty: no scrubber.yaml / pyproject.toml is found from here
    cwd.mkdir()
    env = child_env(BENCH_ROOT / "pycache", SOURCE_ROOT if a.rev else None)

    info = machine_info(a.scrubber, env)
    if a.rev:
        info["rev"] = {"asked": a.rev, "snapshot": str(SOURCE_ROOT)}
        what = f"revision {a.rev} ({SOURCE_ROOT.name})"
    else:
        what = f"working tree at {info['git_head']}{' + uncommitted changes' if info['git_dirty'] else ''}"
    print(f"scrubber {info['scrubber']} ({a.scrubber}), python {info['python']}, {info['cpus']} CPU(s) {info['cpu_model']}")
    print(f"code: {what}; imported from {info['scrubber_imported_from']}")
    print(f"outputs and caches: {workdir} ({'tmpfs' if on_tmpfs else 'DISK: wall time includes disk writes'})")
    # Warm up: bytecode for the CLI and its imports is compiled once, before any timed run.
    warm = subprocess.run([a.scrubber, "clean", str(next(big.path.glob("*/*.txt")))], cwd=cwd, env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if warm.returncode != 0:
        sys.exit(f"error: the warm-up run `scrubber clean FILE` failed ({warm.returncode}):\n{warm.stderr[-1500:]}")

    def run(name: str, corpus: Corpus, jobs: int, cache: str, out: str, cache_dir: str) -> RunResult:
        return run_cli(a.scrubber, name, corpus, jobs, cache, workdir / out, workdir / cache_dir, cwd, env, logdir, a.wait_idle)

    tidy = on_tmpfs and not a.keep_outputs
    all_digests: dict[str, set[str]] = {}

    def measure(steps: list[tuple[str, Corpus, int, str, str, str]]) -> list[RunResult]:
        """Run the steps (name, corpus, jobs, cache, outdir, cache dir) in order, --repeat times,
        each repetition with its own folders; per step, keep the run with the least wall time."""
        tries: list[list[RunResult]] = [[] for _ in steps]
        for k in range(a.repeat):
            sfx = f"-{k + 1}" if a.repeat > 1 else ""
            for n, (name, corpus, jobs, cache, out, cache_dir) in enumerate(steps):
                r = run(name, corpus, jobs, cache, out + sfx, cache_dir + sfx)
                tries[n].append(r)
                all_digests.setdefault(str(corpus.path), set()).add(r.output_digest)
            if tidy:  # tmpfs only: outputs on disk are never deleted (slow disk after large deletes)
                for _, _, _, _, out, cache_dir in steps:
                    shutil.rmtree(workdir / (out + sfx), ignore_errors=True)
                    shutil.rmtree(workdir / (cache_dir + sfx), ignore_errors=True)
        best = []
        for t in tries:
            b = min(t, key=lambda r: r.wall_s)
            b.walls_s = [r.wall_s for r in t]
            best.append(b)
        return best

    t_start = time.perf_counter()
    runs: list[RunResult] = []
    print(f"main corpus: {big.files:,} files, {big.mb:.2f} MB")
    if not a.skip_jobs1:
        runs += measure([("jobs1", big, 1, "off", "out-jobs1", "cache-jobs1")])
    runs += measure([("jobs2", big, 2, "off", "out-jobs2", "cache-jobs2")])
    runs += measure([("cache-fill", big, 2, "empty", "out-cache", "cache-main"),
                     ("cache-rerun", big, 2, "filled", "out-cache", "cache-main"),
                     ("cache-newout", big, 2, "filled", "out-cache-new", "cache-main")])
    empty = Corpus(workdir / "empty-corpus", 0, 0, reused=False)
    empty.path.mkdir()
    print("start-up: an empty folder")
    fixed = measure([("startup", empty, 2, "off", "out-startup", "cache-startup")])
    small_runs: list[RunResult] = []
    if small is not None:
        print(f"small corpus: {small.files:,} files, {small.mb:.2f} MB")
        if not a.skip_jobs1:
            small_runs += measure([("small-jobs1", small, 1, "off", "out-small-jobs1", "cache-small-jobs1")])
        small_runs += measure([("small-jobs2", small, 2, "off", "out-small-jobs2", "cache-small-jobs2")])
    total_s = time.perf_counter() - t_start

    # Every run on a corpus must have written the same bytes, and all of its files from the cache when filled.
    problems = []
    for corpus_path, digests in all_digests.items():
        if len(digests) > 1:
            problems.append(f"outputs differ between runs on {corpus_path}: {sorted(d[:12] for d in digests)}")
    for r in runs + small_runs + fixed:
        if r.output_files != r.corpus_files:
            problems.append(f"{r.name}: {r.output_files} output files for {r.corpus_files} inputs")
        if r.report.get("files") != r.corpus_files or r.report.get("errors"):
            problems.append(f"{r.name}: report says {r.report}")
        want_cached = r.corpus_files if r.cache == "filled" else 0
        if r.report.get("files_from_cache") != want_cached:
            problems.append(f"{r.name}: {r.report.get('files_from_cache')} files from cache, expected {want_cached}")

    sources = {r.source_digest for r in runs + small_runs + fixed} | {source_digest()}
    if len(sources) > 1:
        problems.append("the source (src/scrubber, rules) changed during the benchmark: the runs measured different code: "
                        + ", ".join(f"{r.name}={r.source_digest[:8]}" for r in runs + small_runs + fixed) + f", end={source_digest()[:8]}")
    by = {r.name: r for r in runs + fixed}
    small_by = {r.name.removeprefix("small-"): r for r in small_runs}
    result_checks = checks(by, small_by)

    print()
    print(f"scrubber clean CORPUS -o OUTDIR --jobs N --quiet  (outputs on {'tmpfs' if on_tmpfs else 'disk; wall includes disk writes'}; "
          f"1 MB = 10^6 bytes; MB/s = input MB / wall s)"
          + (f"; each row the fastest of {a.repeat} repetitions" if a.repeat > 1 else ""))
    print(fmt_table(runs + small_runs + fixed))
    print(LEGEND)
    print()
    for key, c in result_checks.items():
        target = f" (target {'>= ' + str(c['target']) if 'target' in c else '<= 1.10'})"
        print(f"{key}: {c['value']}{target} -> {'OK' if c['ok'] else 'MISSED'}   [{c['how']}]")
    if "jobs2_speedup" in result_checks:
        c = result_checks["jobs2_speedup"]
        print(f"  CPU(jobs2) / CPU(jobs1) = {c['cpu_ratio']}: with that CPU, 2 cores give at most {c['cpu_bound_ceiling']}x")
        o1, o2 = c["others_cpus"]["jobs1"], c["others_cpus"]["jobs2"]
        if max(o1, o2) > 0.2:
            print(f"  note: other processes kept {o1:.2f} CPU(s) busy during jobs1 and {o2:.2f} during jobs2; "
                  f"load during jobs2 understates the speedup, load during jobs1 (beyond the idle core) overstates it")
    if "jobs2_speedup" in result_checks:
        ceiling = parallel_ceiling()
        result_checks["jobs2_speedup"]["machine"] = ceiling
        print(f"  this machine: a CPU-bound loop takes {ceiling['alone_cpu_s']} CPU s alone and {ceiling['together_cpu_s']} with a second copy "
              f"running: any 2-process run gains at most {ceiling['ceiling']}x here")
    if "cached_rerun_speedup" in result_checks and "startup" in by:
        print(f"  a run over an empty folder (start-up, --jobs 2) takes {by['startup'].wall_s:.2f} s wall")
    print(f"outputs identical across runs of each corpus: {'yes' if not any('differ' in p for p in problems) else 'NO'}")
    for p in problems:
        print(f"PROBLEM: {p}")
    print(f"benchmark runs took {total_s:.0f} s")

    doc = {
        "benchmark": "bench/bench_batch.py",
        "argv": sys.argv[1:],
        "machine": info,
        "outputs_on": "tmpfs" if on_tmpfs else "disk (wall time includes disk writes)",
        "workdir": str(workdir),
        "corpora": {"main": asdict(big) | {"path": str(big.path)},
                    "small": (asdict(small) | {"path": str(small.path)}) if small else None},
        "runs": [asdict(r) for r in runs + small_runs + fixed],
        "checks": result_checks,
        "problems": problems,
        "total_s": round(total_s, 1),
        "loadavg_end": list(os.getloadavg()),
    }
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps(doc, indent=2, default=str) + "\n", encoding="utf-8")
        print(f"wrote {a.json}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
