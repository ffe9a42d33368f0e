"""Inputs and outputs as fsspec URLs: memory://, file:// (and the errors for the others).

memory:// lives in one process, so the memory:// runs go through the command
line in this process (typer's CliRunner); the local engine then runs them
in-process whatever --jobs says.  The Dask workers are other processes: the
Dask test uses file:// URLs (the workers resolve them themselves) and checks
that memory:// is refused with one line.
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import scrubber.cli_corpus  # noqa: F401  (registers learn and dedup on the app)
from scrubber.cli import app
from scrubber.errors import ScrubberError

from .conftest import CLEAN_FIXTURES, run_cli
from .test_dask import BOILERPLATE, HAVE_DASK, cluster, make_corpus, needs_dask  # noqa: F401  (cluster: the fixture)

fsspec = pytest.importorskip("fsspec")
MEMORY = fsspec.filesystem("memory")


def invoke(*args: str) -> tuple[int, str]:
    """The command line in this process (memory:// is per process): exit status and standard error."""
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    try:
        err = result.stderr
    except ValueError:  # older click mixes stderr into output
        err = result.output
    return result.exit_code, err


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def memory_files(prefix: str) -> dict[str, bytes]:
    base = "/" + prefix.strip("/")
    if not MEMORY.exists(base):
        return {}
    return {p[len(base) + 1 :]: bytes(MEMORY.cat_file(p)) for p in sorted(MEMORY.find(base))}


def upload(local: Path, prefix: str) -> None:
    for rel, data in files(local).items():
        MEMORY.pipe_file(f"/{prefix}/{rel}", data)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Dask tests' corpus: a few hundred files in four site folders (one binary, one JSONL)."""
    return make_corpus(tmp_path_factory.mktemp("fsspec") / "in")


@pytest.fixture
def mem() -> Iterator[str]:
    """A fresh memory:// area for one test, removed after it."""
    prefix = f"t{uuid.uuid4().hex[:10]}"
    yield prefix
    if MEMORY.exists(f"/{prefix}"):
        MEMORY.rm(f"/{prefix}", recursive=True)


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """Thirty fixture files in two folders, one nested."""
    root = tmp_path / "small"
    for i, src in enumerate(sorted(CLEAN_FIXTURES.glob("*.txt"))[:30]):
        folder = root / ("a" if i % 2 else "b/deep")
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, folder / src.name)
    return root


# -- memory:// ---------------------------------------------------------------------------


@pytest.mark.parametrize("jobs", ["1", "2"])  # 2: memory:// keeps the run in this process anyway
def test_memory_batch_mirror_matches_paths(small: Path, mem: str, tmp_path: Path, jobs: str) -> None:
    upload(small, f"{mem}/in")
    code, err = invoke("clean", f"memory://{mem}/in", "-o", f"memory://{mem}/out", "--no-cache", "-q", "-j", jobs)
    assert code == 0, err
    r = run_cli("clean", str(small), "-o", str(tmp_path / "out"), "--no-cache", "-q")
    assert r.returncode == 0, r.stderr
    want = files(tmp_path / "out")
    assert len(want) == 30 and memory_files(f"{mem}/out") == want


def test_memory_aggregate_jsonl(small: Path, mem: str, tmp_path: Path) -> None:
    upload(small, f"{mem}/in")
    code, err = invoke("clean", f"memory://{mem}/in", "-o", f"memory://{mem}/out", "-f", "jsonl", "--no-cache", "-q", "--report", f"memory://{mem}/run.json")
    assert code == 0, err
    got = memory_files(f"{mem}/out")
    assert list(got) == ["articles.jsonl"]
    r = run_cli("clean", str(small), "-o", str(tmp_path / "out"), "-f", "jsonl", "--no-cache", "-q")
    assert r.returncode == 0, r.stderr
    want = (tmp_path / "out" / "articles.jsonl").read_bytes()
    got_records = [json.loads(line) for line in got["articles.jsonl"].splitlines()]
    want_records = [json.loads(line) for line in want.splitlines()]
    # The sources are the URLs as given (and ids derive from them); everything else is the same.
    assert [rec["source"] for rec in got_records] == [rec["source"].replace(str(small), f"memory://{mem}/in") for rec in want_records]
    strip = lambda recs: [{k: v for k, v in rec.items() if k not in ("id", "source")} for rec in recs]  # noqa: E731
    assert strip(got_records) == strip(want_records) and len(got_records) >= 30
    assert json.loads(memory_files(mem)["run.json"])["files"] == 30


def test_memory_single_file(mem: str) -> None:
    MEMORY.pipe_file(f"/{mem}/page.txt", (CLEAN_FIXTURES / "00_seed.txt").read_bytes())
    code, err = invoke("clean", f"memory://{mem}/page.txt", "-o", f"memory://{mem}/clean/page.txt")
    assert code == 0, err
    want = run_cli("clean", str(CLEAN_FIXTURES / "00_seed.txt")).stdout
    assert memory_files(f"{mem}/clean") == {"page.txt": want}
    code, err = invoke("clean", f"memory://{mem}/page.txt", "-o", f"memory://{mem}/clean/page.txt.gz")
    assert code == 0, err
    import gzip

    assert gzip.decompress(memory_files(f"{mem}/clean")["page.txt.gz"]) == want


def test_memory_learn_and_dedup(corpus: Path, mem: str, tmp_path: Path) -> None:
    upload(corpus, f"{mem}/in")
    code, err = invoke("learn", f"memory://{mem}/in", "-o", f"memory://{mem}/learned.yaml", "--min-docs", "3", "--min-share", "0.3", "-j", "2")
    assert code == 0, err
    r = run_cli("learn", str(corpus), "-o", str(tmp_path / "learned.yaml"), "--min-docs", "3", "--min-share", "0.3", "-j", "1")
    assert r.returncode == 0, r.stderr
    rules = memory_files(mem)["learned.yaml"]
    assert rules == (tmp_path / "learned.yaml").read_bytes() and BOILERPLATE.encode() in rules

    code, err = invoke("dedup", f"memory://{mem}/in", "--report", f"memory://{mem}/dups.json", "-j", "2")
    assert code == 0, err
    r = run_cli("dedup", str(corpus), "--report", str(tmp_path / "dups.json"), "-j", "1")
    assert r.returncode == 0, r.stderr
    want = (tmp_path / "dups.json").read_text().replace(json.dumps(str(corpus))[1:-1], f"memory://{mem}/in")
    got = memory_files(mem)["dups.json"].decode()
    assert got == want and json.loads(got)["clusters"]


def test_memory_dedup_shards_and_merge(corpus: Path, mem: str, tmp_path: Path) -> None:
    """Partial results can live at URLs too, and --merge expands a URL glob (no shell does)."""
    upload(corpus / "site0", f"{mem}/in/a")
    upload(corpus / "site0", f"{mem}/in/b")  # exact copies: clusters to find
    for i in (1, 2):
        code, err = invoke("dedup", f"memory://{mem}/in", "--shard", f"{i}/2", "--partial", f"memory://{mem}/parts/{i}.jsonl")
        assert code == 0, err
    code, err = invoke("dedup", "--merge", f"memory://{mem}/parts/*.jsonl", "--report", f"memory://{mem}/merged.json")
    assert code == 0, err
    code, err = invoke("dedup", f"memory://{mem}/in", "--report", f"memory://{mem}/whole.json")
    assert code == 0, err
    out = memory_files(mem)
    assert out["merged.json"] == out["whole.json"] and json.loads(out["whole.json"])["clusters"]


# -- file:// -----------------------------------------------------------------------------


def test_file_urls_give_the_bytes_of_paths(small: Path, tmp_path: Path) -> None:
    r = run_cli("clean", small.as_uri(), "-o", (tmp_path / "url-out").as_uri(), "--no-cache", "-q")
    assert r.returncode == 0, r.stderr
    r = run_cli("clean", str(small), "-o", str(tmp_path / "path-out"), "--no-cache", "-q")
    assert r.returncode == 0, r.stderr
    assert files(tmp_path / "url-out") == files(tmp_path / "path-out") and len(files(tmp_path / "path-out")) == 30
    seed = CLEAN_FIXTURES / "00_seed.txt"
    r = run_cli("clean", seed.as_uri(), "-o", (tmp_path / "one.txt").as_uri())
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "one.txt").read_bytes() == run_cli("clean", str(seed)).stdout
    assert not list(tmp_path.rglob("*.scrubber-tmp"))  # written atomically, like paths


def test_file_url_learn_matches_paths(corpus: Path, tmp_path: Path) -> None:
    for name, root in (("url", corpus.as_uri()), ("path", str(corpus))):
        r = run_cli("learn", root, "-o", str(tmp_path / f"{name}.yaml"), "--min-docs", "3", "--min-share", "0.3", "-j", "1")
        assert r.returncode == 0, r.stderr
    assert (tmp_path / "url.yaml").read_bytes() == (tmp_path / "path.yaml").read_bytes()


# -- errors -------------------------------------------------------------------------------


def test_missing_url_input_is_one_line(mem: str) -> None:
    url = f"memory://{mem}/nope.txt"
    for args in (["clean", url], ["clean", url, "-o", f"memory://{mem}/out.txt"], ["learn", url, "-o", f"memory://{mem}/r.yaml"], ["dedup", url]):
        code, err = invoke(*args)
        lines = err.strip().splitlines()
        assert code == 2 and len(lines) == 1, (args, err)
        assert lines[0].startswith(f"scrubber: error: {url}: no such file"), lines
    r = run_cli("clean", (Path("/nonexistent") / "x.txt").as_uri())  # file://, from a real command line
    assert r.returncode == 2 and r.stderr.decode().strip() == "scrubber: error: file:///nonexistent/x.txt: no such file"


def test_local_only_features_refuse_urls(mem: str, small: Path) -> None:
    upload(small, f"{mem}/in")
    code, err = invoke("clean", "--in-place", f"memory://{mem}/in")
    assert code == 2 and "--in-place works on local files, not URLs" in err and len(err.strip().splitlines()) == 1
    code, err = invoke("clean", f"memory://{mem}/in", "-o", f"memory://{mem}/in/out")
    assert code == 2 and "is inside the input folder" in err


def test_missing_backend_is_a_hint() -> None:
    try:
        import s3fs  # noqa: F401

        pytest.skip("s3fs is installed")
    except ImportError:
        pass
    code, err = invoke("clean", "s3://some-bucket/in", "-o", "s3://some-bucket/out")
    assert code == 2 and err.strip() == "scrubber: error: s3://some-bucket/in: s3:// URLs need s3fs: pip install s3fs"
    code, err = invoke("clean", "nosuchscheme://x/y.txt")
    assert code == 2 and "unknown URL scheme nosuchscheme://" in err and len(err.strip().splitlines()) == 1


# -- the Dask engine -------------------------------------------------------------------------


@needs_dask
def test_dask_engine_with_file_urls(cluster, corpus: Path, tmp_path: Path) -> None:  # noqa: F811
    """The workers (other processes) read and write file:// URLs: the same bytes as the local engine on paths."""
    address = ["--engine", "dask", "--scheduler", cluster.scheduler_address]
    r = run_cli("clean", corpus.as_uri(), "-o", (tmp_path / "dask").as_uri(), "--no-cache", "-q", *address)
    assert r.returncode == 0, r.stderr
    r = run_cli("clean", str(corpus), "-o", str(tmp_path / "local"), "--no-cache", "-q", "-j", "1")
    assert r.returncode == 0, r.stderr
    assert files(tmp_path / "dask") == files(tmp_path / "local") and len(files(tmp_path / "local")) > 200

    for engine in (address, ["-j", "1"]):
        name = engine[1]
        r = run_cli("learn", corpus.as_uri(), "-o", (tmp_path / f"{name}.yaml").as_uri(), "--min-docs", "3", "--min-share", "0.3", *engine)
        assert r.returncode == 0, r.stderr
        r = run_cli("dedup", corpus.as_uri(), "--report", (tmp_path / f"{name}.json").as_uri(), *engine)
        assert r.returncode == 0, r.stderr
    r = run_cli("learn", str(corpus), "-o", str(tmp_path / "paths.yaml"), "--min-docs", "3", "--min-share", "0.3", "-j", "1")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "dask.yaml").read_bytes() == (tmp_path / "1.yaml").read_bytes() == (tmp_path / "paths.yaml").read_bytes()
    assert (tmp_path / "dask.json").read_bytes() == (tmp_path / "1.json").read_bytes()
    assert json.loads((tmp_path / "dask.json").read_text())["clusters"][0]["kept"]["source"].startswith(corpus.as_uri() + "/")


@needs_dask
def test_dask_engine_refuses_memory_urls(cluster, mem: str) -> None:  # noqa: F811
    from scrubber.batch import BatchOptions, Job
    from scrubber.engine_dask import dask_engine
    from scrubber.settings import Settings

    with dask_engine(cluster.scheduler_address) as engine:
        with pytest.raises(ScrubberError) as info:
            list(engine(Settings(), BatchOptions(mode="check"), [Job(f"memory://{mem}/a.txt", "a.txt")], 1))
        assert str(info.value).startswith(f"memory://{mem}/a.txt: a memory:// input lives in this process only")
        with pytest.raises(ScrubberError, match="memory:// output folder lives in this process only"):
            list(engine(Settings(), BatchOptions(mode="mirror", outdir=f"memory://{mem}/out"), [], 1))
    MEMORY.pipe_file(f"/{mem}/in/a.txt", b"Hello\n")
    code, err = invoke("clean", f"memory://{mem}/in", "-o", f"memory://{mem}/out", "--engine", "dask", "--scheduler", cluster.scheduler_address, "-q", "--no-cache")
    assert code == 2 and "lives in this process only" in err and len(err.strip().splitlines()) == 1


def test_plain_paths_do_not_import_fsspec(small: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from scrubber.cli import main\n"
        f"sys.argv = ['scrubber', 'clean', {str(small)!r}, '-o', {str(tmp_path / 'out')!r}, '--no-cache', '-q', '-j', '1']\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
        "print('fsspec' in sys.modules)\n"
    )
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode().strip() == "False" and len(files(tmp_path / "out")) == 30
