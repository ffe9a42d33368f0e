"""The Dask engine (a real scheduler on loopback) and --shard.

Every Dask run is compared byte for byte with the local engine on the same
corpus: mirror outputs, the aggregated JSONL, learn's rules file and dedup's
clusters; one run loses a worker half way and must still finish the same.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from scrubber.batch import AGGREGATE_NAMES, BatchOptions, Job, outcome_json, run_local, walk
from scrubber.corpus import Corpus, PassLog, dedup_corpus, learn_corpus
from scrubber.errors import ScrubberError
from scrubber.learn import to_rules_yaml
from scrubber.settings import Settings
from scrubber.shard import Shard, in_shard, parse_shard, select, shard_of

from .conftest import CLEAN_FIXTURES

try:
    import distributed  # noqa: F401

    HAVE_DASK = True
except ImportError:
    HAVE_DASK = False
needs_dask = pytest.mark.skipif(not HAVE_DASK, reason="distributed is not installed (pip install 'scrubber[dask]')")
LOCAL_WORKERS = 2
BOILERPLATE = "Sign up for the Morning Briefing newsletter today"


# -- the corpus ------------------------------------------------------------------


def make_corpus(root: Path) -> Path:
    """A few hundred files from the clean fixtures, with small variations.

    Four sites; site0 holds exact copies (duplicates for dedup), site1 and
    site3 share a boilerplate line (for learn), site2 has a changed word and
    nested folders; plus a JSONL file and a binary file (skipped).
    """
    sources = sorted(CLEAN_FIXTURES.glob("*.txt"))
    assert len(sources) > 40
    for k in range(4):
        for i, src in enumerate(sources):
            data = src.read_bytes()  # some fixtures are cp1252, some UTF-8 with a BOM: keep their bytes
            folder = root / f"site{k}"
            if k == 1:
                data = BOILERPLATE.encode() + b"\n\n" + data + f"\n\nStory number {i} of site one.\n".encode()
            elif k == 2:
                data = data.replace(b" the ", b" a ", 1)
                folder = folder / f"part{i % 3}"
            elif k == 3:
                data = data + b"\n\n" + BOILERPLATE.encode() + b"\n"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{i:03d}_{src.name}").write_bytes(data)
    records = [{"id": f"r{i}", "text": src.read_bytes().decode("utf-8", "replace")} for i, src in enumerate(sources[:12])]
    (root / "feed.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    (root / "site0" / "logo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00binary")
    return root


@pytest.fixture(scope="module")
def corpus_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_corpus(tmp_path_factory.mktemp("dask") / "in")


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file() and not p.name.endswith(".scrubber-tmp")}


def consume(engine, settings: Settings, options: BatchOptions, jobs, workers: int) -> tuple[list[dict], bytes]:
    """What runner.run_batch does with outcomes: account for them, append fragments to articles.jsonl."""
    outcomes = []
    sink = bytearray()
    for outcome in engine(settings, options, jobs, workers):
        outcomes.append(outcome_json(outcome))
        if outcome.fragment:
            sink += outcome.fragment
    if options.mode == "aggregate":
        assert options.outdir is not None
        (options.outdir / AGGREGATE_NAMES[options.fmt]).write_bytes(bytes(sink))
    return outcomes, bytes(sink)


# -- the cluster -----------------------------------------------------------------


@pytest.fixture(scope="module")
def cluster():
    if not HAVE_DASK:
        pytest.skip("distributed is not installed")
    import logging

    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None, silence_logs=logging.ERROR) as c:
        yield c


@pytest.fixture(scope="module")
def engine(cluster):
    from scrubber.engine_dask import dask_engine

    with dask_engine(cluster.scheduler_address) as e:
        yield e


# -- byte for byte -----------------------------------------------------------------


@pytest.fixture(scope="module")
def local_mirror(corpus_root: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict], dict[str, bytes]]:
    out = tmp_path_factory.mktemp("local") / "out"
    options = BatchOptions(mode="mirror", fmt="text", outdir=out)
    outcomes, _ = consume(run_local, Settings(), options, walk([corpus_root]), LOCAL_WORKERS)
    return outcomes, tree(out)


@needs_dask
def test_mirror_matches_local(engine, corpus_root: Path, local_mirror, tmp_path: Path) -> None:
    outcomes, _ = consume(engine, Settings(), BatchOptions(mode="mirror", fmt="text", outdir=tmp_path / "out"), walk([corpus_root]), 2)
    want_outcomes, want_tree = local_mirror
    assert len(outcomes) > 200
    assert [o["status"] for o in outcomes].count("skipped") == 1
    assert outcomes == want_outcomes  # same order, statuses, stats, messages
    assert tree(tmp_path / "out") == want_tree


@needs_dask
def test_aggregate_jsonl_matches_local(engine, corpus_root: Path, tmp_path: Path) -> None:
    runs = {}
    for name, eng in (("local", run_local), ("dask", engine)):
        options = BatchOptions(mode="aggregate", fmt="jsonl", outdir=tmp_path / name)
        options.outdir.mkdir()  # type: ignore[union-attr]
        runs[name] = consume(eng, Settings(), options, walk([corpus_root]), LOCAL_WORKERS)
    assert runs["dask"] == runs["local"]
    assert (tmp_path / "dask" / "articles.jsonl").read_bytes() == (tmp_path / "local" / "articles.jsonl").read_bytes()
    assert len(runs["dask"][1].splitlines()) > 200


@needs_dask
def test_learn_matches_local(engine, corpus_root: Path) -> None:
    corpus = Corpus((corpus_root,), ("*.txt", "*.jsonl"))
    files = {}
    for name, eng in (("local", run_local), ("dask", engine)):
        log = PassLog()
        learned, counts = learn_corpus(Settings(), corpus, 3, 0.3, LOCAL_WORKERS, log, engine=eng)
        files[name] = (to_rules_yaml(learned, counts.files, len(counts.folder_files), 3, 0.3).encode("utf-8"), log.errors, log.warnings)
    assert files["dask"] == files["local"]
    assert BOILERPLATE.encode() in files["dask"][0]  # the learned rule is there
    assert len(files["dask"][2]) == 1  # the binary file, skipped


@needs_dask
def test_dedup_matches_local(engine, corpus_root: Path) -> None:
    corpus = Corpus((corpus_root,), ("*.txt", "*.jsonl"))
    reports = {}
    for name, eng in (("local", run_local), ("dask", engine)):
        result = dedup_corpus(Settings(), corpus, 0.8, LOCAL_WORKERS, PassLog(), engine=eng)
        reports[name] = json.dumps(result.to_dict(), ensure_ascii=False, indent=2).encode("utf-8")
    assert reports["dask"] == reports["local"]
    assert json.loads(reports["dask"])["clusters"]  # the copies were found


@needs_dask
def test_context_built_once_per_worker(engine, cluster, corpus_root: Path, tmp_path: Path) -> None:
    options = BatchOptions(mode="check", fmt="text")
    for _ in range(2):  # the same settings twice: the same context, not a second one
        list(engine(Settings(), options, walk([corpus_root / "site0"]), 2))
    list(engine(Settings(quotes="curly"), options, walk([corpus_root / "site0"]), 2))

    def count(dask_worker) -> int:
        return len(getattr(dask_worker, "_scrubber_contexts", {}))

    from scrubber.engine_dask import CONTEXTS_KEPT

    counts = engine.client.run(count)
    assert counts and all(1 <= n <= CONTEXTS_KEPT for n in counts.values())


@needs_dask
def test_bounded_window(engine, corpus_root: Path) -> None:
    """Jobs are pulled as outcomes go out: never the whole corpus at once."""
    pulled = 0

    def jobs() -> Iterator[Job]:
        nonlocal pulled
        for job in walk([corpus_root]):
            pulled += 1
            yield job

    run = engine(Settings(), BatchOptions(mode="check", fmt="text"), jobs(), 2)
    next(run)
    nthreads = sum(engine.client.nthreads().values())
    assert pulled <= (engine.window_per_thread * nthreads + 1) * engine.chunk
    rest = list(run)
    assert pulled == len(rest) + 1 > 200


@needs_dask
def test_killed_worker_is_retried(corpus_root: Path, local_mirror, tmp_path: Path) -> None:
    """SIGKILL one worker half way: Dask reruns its tasks, the outputs are the same."""
    import logging

    from distributed import LocalCluster

    from scrubber.engine_dask import dask_engine

    quiet = {"dashboard": False, "dashboard_address": "127.0.0.1:0"}  # the module's cluster holds the default port
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None, scheduler_kwargs=quiet, silence_logs=logging.CRITICAL) as c:
        with dask_engine(c.scheduler_address, chunk=2) as engine:
            options = BatchOptions(mode="mirror", fmt="text", outdir=tmp_path / "out")
            pids = engine.connect().run(os.getpid)
            outcomes = []
            killed = None
            for outcome in engine(Settings(), options, walk([corpus_root]), 2):
                outcomes.append(outcome_json(outcome))
                if killed is None and len(outcomes) == 20:
                    killed = sorted(pids.values())[0]
                    os.kill(killed, signal.SIGKILL)
            assert killed is not None
            assert killed not in engine.client.run(os.getpid).values()  # it really died (and the nanny restarted it)
    want_outcomes, want_tree = local_mirror
    assert outcomes == want_outcomes
    assert tree(tmp_path / "out") == want_tree


# -- failures ------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@needs_dask
def test_bad_address_fails_fast_with_one_line() -> None:
    from scrubber.engine_dask import dask_engine

    address = f"tcp://127.0.0.1:{_free_port()}"
    started = time.monotonic()
    with pytest.raises(ScrubberError) as info:
        with dask_engine(address, connect_timeout="2s") as engine:
            list(engine(Settings(), BatchOptions(mode="check"), [], 1))
    assert time.monotonic() - started < 15
    message = str(info.value)
    assert "\n" not in message and message.startswith(address) and "cannot connect to the dask scheduler" in message


@needs_dask
def test_address_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from scrubber.engine_dask import dask_engine, scheduler_address

    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", "tcp://10.1.2.3:8786")
    assert scheduler_address(None) == "tcp://10.1.2.3:8786"
    assert scheduler_address("tcp://127.0.0.1:1") == "tcp://127.0.0.1:1"  # the option wins
    assert dask_engine().address == "tcp://10.1.2.3:8786"
    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS")
    assert scheduler_address(None) is None  # a local cluster


def test_missing_extra_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    from scrubber import engine_dask

    monkeypatch.setitem(sys.modules, "distributed", None)  # import fails as if not installed
    with pytest.raises(ScrubberError) as info:
        engine_dask.dask_engine()
    assert str(info.value) == '--engine dask: needs the extra: pip install "scrubber[dask]"'
    with pytest.raises(ScrubberError):
        engine_dask.make_engine("dask")
    assert engine_dask.make_engine("local") is run_local


def test_make_engine_errors() -> None:
    from scrubber.engine_dask import make_engine

    with pytest.raises(ScrubberError, match="unknown engine 'spark'"):
        make_engine("spark")
    with pytest.raises(ScrubberError, match="--scheduler: needs --engine dask"):
        make_engine("local", "tcp://127.0.0.1:8786")


# -- shards ---------------------------------------------------------------------------


@pytest.mark.parametrize("text,want", [("1/1", Shard(1, 1)), ("1/4", Shard(1, 4)), ("4/4", Shard(4, 4)), (" 2 / 3 ", Shard(2, 3))])
def test_parse_shard(text: str, want: Shard) -> None:
    assert parse_shard(text) == want
    assert str(want) == text.replace(" ", "")


@pytest.mark.parametrize(
    "text,problem",
    [
        ("", "is not a shard"),
        ("3", "is not a shard"),
        ("a/b", "is not a shard"),
        ("-1/4", "is not a shard"),
        ("1/4/2", "is not a shard"),
        ("0/4", "between 1 and 4"),
        ("5/4", "between 1 and 4"),
        ("1/0", "at least 1"),
        ("1/99999999", "at most"),
    ],
)
def test_parse_shard_errors(text: str, problem: str) -> None:
    with pytest.raises(ScrubberError) as info:
        parse_shard(text)
    message = str(info.value)
    assert message.startswith("--shard: ") and problem in message and "\n" not in message


def test_shards_partition_the_corpus(corpus_root: Path) -> None:
    rels = [job.rel for job in walk([corpus_root])]
    for n in (1, 2, 3, 7):
        parts = [[r for r in rels if in_shard(r, i, n)] for i in range(1, n + 1)]
        assert sorted(r for part in parts for r in part) == sorted(rels)  # disjoint, complete
        if n > 1:
            assert all(part for part in parts)  # and roughly balanced
            assert max(map(len, parts)) < 2.5 * len(rels) / n


def test_shard_depends_on_the_path_only(corpus_root: Path) -> None:
    jobs = list(walk([corpus_root]))
    shard = Shard(2, 3)
    forward = [j.rel for j in select(jobs, shard)]
    backward = [j.rel for j in select(reversed(jobs), shard)]
    assert forward == backward[::-1]  # same files whatever the order, and the order is kept
    assert shard_of("site0/a.txt", 5) == shard_of("./site0//a.txt", 5)
    # Stable across runs, versions and machines: BLAKE2b of the path, not Python's salted hash().
    assert [shard_of(f"f{i}.txt", 4) for i in range(8)] == [2, 4, 4, 2, 1, 2, 3, 1]
    assert list(select(jobs, None)) == jobs and list(select(jobs, Shard(1, 1))) == jobs
    with pytest.raises(ValueError):
        in_shard("a.txt", 0, 3)


# -- paths and the local cluster -------------------------------------------------------


@needs_dask
def test_relative_paths(engine, corpus_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Relative inputs work while the workers share this folder; elsewhere the run stops with one line."""
    engine.connect()
    root = Path(os.path.relpath(corpus_root / "site1"))
    runs = {}
    for name, eng in (("local", run_local), ("dask", engine)):
        options = BatchOptions(mode="aggregate", fmt="jsonl", outdir=tmp_path / name)
        options.outdir.mkdir()  # type: ignore[union-attr]
        runs[name] = consume(eng, Settings(), options, walk([root]), LOCAL_WORKERS)
    assert runs["dask"] == runs["local"]
    assert runs["dask"][0][0]["src"] == str(root / runs["dask"][0][0]["rel"])  # the paths as given
    monkeypatch.chdir(corpus_root.parent)  # the workers stay where they were started
    with pytest.raises(ScrubberError, match="give the input as an absolute path"):
        list(engine(Settings(), BatchOptions(mode="check"), walk([Path("in/site1")]), 2))
    assert len(list(engine(Settings(), BatchOptions(mode="check"), walk([corpus_root / "site1"]), 2))) > 50


@needs_dask
def test_run_dask_starts_a_local_cluster(corpus_root: Path) -> None:
    from scrubber.engine_dask import run_dask

    options = BatchOptions(mode="signatures")
    want = [(o.rel, o.status, [s.digest for s in o.payload or []]) for o in run_local(Settings(), options, walk([corpus_root / "site2"]), 1)]
    got = [(o.rel, o.status, [s.digest for s in o.payload or []]) for o in run_dask(Settings(), options, walk([corpus_root / "site2"]), 2)]
    assert got == want and len(got) > 50


@needs_dask
def test_a_worker_address_is_not_a_scheduler(cluster) -> None:
    from scrubber.engine_dask import dask_engine

    worker = next(iter(cluster.scheduler_info["workers"]))
    with pytest.raises(ScrubberError, match="not a dask scheduler"):
        dask_engine(worker).connect()
    with pytest.raises(ScrubberError, match="not a dask scheduler address"):
        dask_engine("not an address::").connect()


# -- dedup across shards ---------------------------------------------------------------


def test_dedup_partials_merge_to_the_unsharded_report(corpus_root: Path, tmp_path: Path) -> None:
    from scrubber.shard import merge_dedup, shard_signatures, write_dedup_partial

    corpus = Corpus((corpus_root,), ("*.txt", "*.jsonl"))
    want = dedup_corpus(Settings(), corpus, 0.8, 1, PassLog())
    paths = []
    for i in (3, 1, 2):  # any order
        log = PassLog()
        sigs = shard_signatures(Settings(), corpus, Shard(i, 3), 1, log)
        path = tmp_path / f"part{i}.jsonl"
        write_dedup_partial(path, Shard(i, 3), Settings(), corpus, sigs, log)
        paths.append(path)
    got, log = merge_dedup(paths, 0.8)
    assert json.dumps(got.to_dict(), indent=2) == json.dumps(want.to_dict(), indent=2)
    assert got.clusters and len(log.warnings) == 1  # the binary file, from whichever shard had it


def test_dedup_partials_are_checked(corpus_root: Path, tmp_path: Path) -> None:
    from scrubber.shard import merge_dedup, write_dedup_partial

    corpus = Corpus((corpus_root,), ("*.txt",))
    for i in (1, 2):
        write_dedup_partial(tmp_path / f"p{i}", Shard(i, 3), Settings(), corpus, [], PassLog())
    write_dedup_partial(tmp_path / "other", Shard(3, 3), Settings(quotes="curly"), corpus, [], PassLog())
    write_dedup_partial(tmp_path / "four", Shard(3, 4), Settings(), corpus, [], PassLog())
    (tmp_path / "junk").write_text("hello\n")
    cases = [
        ([tmp_path / "p1", tmp_path / "p2"], "--merge: missing shard(s) 3/3"),
        ([tmp_path / "p1", tmp_path / "p1"], "shard 1/3 is also in"),
        ([tmp_path / "p1", tmp_path / "other"], "other settings"),
        ([tmp_path / "p1", tmp_path / "four"], "the others are of 3 shards"),
        ([tmp_path / "junk"], "is not a partial dedup result"),
        ([tmp_path / "nope"], "cannot read"),
        ([], "no partial results"),
    ]
    for paths, problem in cases:
        with pytest.raises(ScrubberError) as info:
            merge_dedup(paths, 0.8)
        assert problem in str(info.value) and "\n" not in str(info.value)


def test_dedup_partials_of_a_changed_tree_are_refused(tmp_path: Path) -> None:
    from scrubber.shard import merge_dedup, write_dedup_partial

    tree = tmp_path / "tree"
    tree.mkdir()
    for i in range(4):
        (tree / f"f{i}.txt").write_text(f"Headline number {i} here\n\nThe body of article {i}, long enough to count.\n")
    corpus = Corpus((tree,), ("*.txt",))
    write_dedup_partial(tmp_path / "p1", Shard(1, 2), Settings(), corpus, [], PassLog())
    (tree / "late.txt").write_text("A file added between the shards\n\nIts body.\n")
    write_dedup_partial(tmp_path / "p2", Shard(2, 2), Settings(), corpus, [], PassLog())
    with pytest.raises(ScrubberError, match="saw 5 file"):
        merge_dedup([tmp_path / "p1", tmp_path / "p2"], 0.8)
