"""The Dask engine: the same per-file function, run on a Dask cluster.

``--engine dask`` maps :func:`scrubber.batch.process_file` over a Dask
cluster instead of a local process pool.  Nothing is reimplemented: each task
cleans a few files with ``process_file`` and returns their :class:`Outcome`\\ s,
so results are byte for byte those of the local engine.

* **Where.**  With a scheduler address (``--scheduler``, else the
  ``DASK_SCHEDULER_ADDRESS`` environment variable) the engine connects to a
  running cluster; without one it starts a ``LocalCluster`` of worker processes
  sized to the machine (or to ``--jobs``), and stops it at the end.
* **Streaming.**  Jobs are submitted in a bounded window (a few tasks per
  worker thread) and outcomes come back in the order of the jobs, like the
  local engine's: memory stays flat whatever the size of the corpus, and no
  step gathers the corpus into one process (outcomes carry only small
  payloads: stats, a fragment, a file's signatures or line hashes).
* **Once per worker.**  The run's settings and options travel once, as the
  result of a small task every file task depends on (if its holder dies the
  scheduler recomputes it); each worker builds the run's :class:`Context`
  once and keeps it, keyed by a hash of the settings and options.
* **Failures.**  A worker that dies mid-run has its tasks rerun elsewhere by
  Dask (and ``retries`` covers a task that raises); a scheduler that cannot be
  reached fails within seconds with one line.

Files are read and written by the workers: on a remote cluster, inputs,
outputs and the cache must be on a file system the workers see at the same
paths, or be URLs they can reach (``s3://``, ``gs://``, ``file://`` on a shared
file system; ``memory://`` is refused: it lives in one process).  Relative paths work when the workers run in this command's folder
(always so for the local cluster); otherwise the run stops with a line asking
for absolute paths.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import threading
import uuid
from collections import OrderedDict, deque
from contextlib import contextmanager
from collections.abc import Iterable, Iterator
from dataclasses import replace
from itertools import islice
from pathlib import Path
from typing import Any

from . import __version__
from .batch import BatchOptions, Context, Job, Outcome, process_file
from .errors import ScrubberError
from .settings import Settings
from .urls import is_absolute, is_url, per_process

INSTALL_HINT = 'needs the extra: pip install "scrubber[dask]"'
ENGINES = ("local", "dask")
CONNECT_TIMEOUT = "5s"  # a scheduler that does not answer fails the run within seconds
WORKERS_TIMEOUT = 30.0  # seconds to wait for a scheduler with no workers to get one
CHUNK = 4  # files per task: few enough to balance and retry cheaply
WINDOW_PER_THREAD = 4  # tasks in flight per worker thread
RETRIES = 2  # reruns of a task that raised (a dead worker's tasks are rerun by Dask anyway)
CONTEXTS_KEPT = 4  # per worker: the contexts of the last few runs


def require_dask() -> None:
    """Raise a one-line :class:`ScrubberError` when ``distributed`` is not installed."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise ScrubberError("--engine dask", INSTALL_HINT) from None


def scheduler_address(address: str | None = None) -> str | None:
    """The scheduler to connect to: ``address``, else ``DASK_SCHEDULER_ADDRESS``, else None (start a local cluster)."""
    address = (address or "").strip() or os.environ.get("DASK_SCHEDULER_ADDRESS", "").strip()
    return address or None


class DaskEngine:
    """An engine (``run_local``'s signature) running on a Dask cluster.

    Connects (or starts its local cluster) on first use, so several passes
    (learn's two, clean --dedup's signatures then the clean) share one
    cluster; :meth:`close` (or leaving the ``with`` block) disconnects and
    stops a cluster it started.
    """

    def __init__(
        self,
        address: str | None = None,
        *,
        n_workers: int | None = None,
        chunk: int = CHUNK,
        window_per_thread: int = WINDOW_PER_THREAD,
        retries: int = RETRIES,
        connect_timeout: str = CONNECT_TIMEOUT,
    ) -> None:
        require_dask()
        self.address = scheduler_address(address)
        self.n_workers = n_workers
        self.chunk = max(1, chunk)
        self.window_per_thread = max(1, window_per_thread)
        self.retries = retries
        self.connect_timeout = connect_timeout
        self.client: Any = None
        self._cluster: Any = None
        self._worker_cwds: set[str] = set()

    # -- connection ------------------------------------------------------------

    def connect(self, workers: int | None = None) -> Any:
        """The Dask client, connecting (or starting the local cluster) the first time."""
        if self.client is not None:
            return self.client
        from distributed import Client, LocalCluster

        if self.address is None:
            n = self.n_workers or workers or os.cpu_count() or 1
            self._cluster = LocalCluster(
                n_workers=max(1, n),
                threads_per_worker=1,  # the work holds the GIL: one process per core
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"},  # no fixed port to clash on
                silence_logs=logging.ERROR,
            )
            self.client = Client(self._cluster, set_as_default=False)
        else:
            # Ask the scheduler who it is before making a Client: a Client that
            # fails to connect lingers, and blocks the exit for its close timeout.
            _probe_scheduler(self.address, self.connect_timeout)
            try:
                self.client = Client(self.address, timeout=self.connect_timeout, set_as_default=False)
            except Exception as exc:
                raise ScrubberError(self.address, f"cannot connect to the dask scheduler ({_one_line(exc)})") from None
            try:
                self.client.wait_for_workers(1, timeout=WORKERS_TIMEOUT)
            except Exception:
                self.close()
                raise ScrubberError(self.address, f"the dask scheduler has no workers (waited {WORKERS_TIMEOUT:.0f} s)") from None
        self._probe_workers()
        return self.client

    def _probe_workers(self) -> None:
        """Check that the workers run this version of scrubber; note their working folders."""
        try:
            found = self.client.run(_worker_probe)
        except Exception as exc:
            self.close()
            raise ScrubberError(self.address or "dask", f"the dask workers cannot run scrubber ({type(exc).__name__}: {exc}); install it on them") from None
        versions = {v for v, _ in found.values()}
        if versions - {__version__}:
            self.close()
            raise ScrubberError(self.address or "dask", f"the dask workers run scrubber {', '.join(sorted(versions))}, this is {__version__}")
        self._worker_cwds = {cwd for _, cwd in found.values()}

    def close(self) -> None:
        client, cluster = self.client, self._cluster
        self.client = self._cluster = None
        if client is not None:
            try:
                client.close()
            except Exception:
                pass
        if cluster is not None:
            try:
                cluster.close()
            except Exception:
                pass

    def __enter__(self) -> "DaskEngine":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the engine ----------------------------------------------------------------

    def __call__(self, settings: Settings, options: BatchOptions, jobs: Iterable[Job], workers: int) -> Iterator[Outcome]:
        """Outcomes in the order of ``jobs`` (``workers`` sizes a local cluster started here)."""
        _check_shared("output folder", [options.outdir] if options.outdir is not None else [])
        client = self.connect(workers)
        options = _absolute_options(options)
        relative_ok = self._worker_cwds <= {os.getcwd()}
        if not relative_ok:
            _check_absolute("rules file", [str(p) for p in settings.rules])
        blob = pickle.dumps((settings, options), protocol=pickle.HIGHEST_PROTOCOL)
        token = hashlib.blake2b(blob, digest_size=16).hexdigest()
        run = uuid.uuid4().hex[:12]
        config = client.submit(_load_config, blob, key=f"scrubber-config-{run}", pure=False, retries=self.retries)
        nthreads = sum(client.nthreads().values()) or 1
        window = max(2, self.window_per_thread * nthreads)
        pending: deque[Any] = deque()
        chunks = _chunks(jobs, self.chunk)
        serial = 0
        try:
            while True:
                while len(pending) < window:
                    chunk = next(chunks, None)
                    if chunk is None:
                        break
                    _check_shared("input", [job.src for job in chunk])
                    if not relative_ok:
                        _check_absolute("input", [job.src for job in chunk])
                    pending.append(client.submit(_run_chunk, token, config, chunk, key=f"scrubber-{run}-{serial}", pure=False, retries=self.retries))
                    serial += 1
                if not pending:
                    return
                future = pending.popleft()
                try:
                    outcomes = future.result()
                except Exception as exc:  # process_file never raises: this is the cluster failing
                    raise _run_error(self.address, exc) from None
                del future
                yield from outcomes
        finally:
            try:
                client.cancel([*pending, config])
            except Exception:
                pass


def dask_engine(address: str | None = None, **kwargs: Any) -> DaskEngine:
    """An engine for the corpus passes and batch runs: ``engine(settings, options, jobs, workers)``.

    Raises :class:`ScrubberError` (one line) when the ``dask`` extra is not installed.
    """
    return DaskEngine(address, **kwargs)


def run_dask(settings: Settings, options: BatchOptions, jobs: Iterable[Job], workers: int, *, address: str | None = None) -> Iterator[Outcome]:
    """One run on its own cluster connection: ``run_local``'s signature and results."""
    with DaskEngine(address) as engine:
        yield from engine(settings, options, jobs, workers)


def make_engine(name: str, address: str | None = None, workers: int | None = None) -> Any:
    """The engine named by ``--engine``: ``run_local``, or a :class:`DaskEngine` (close it when done)."""
    if name == "local":
        if address:
            raise ScrubberError("--scheduler", "needs --engine dask")
        from .batch import run_local

        return run_local
    if name == "dask":
        return DaskEngine(address, n_workers=workers)
    raise ScrubberError("--engine", f"unknown engine {name!r} (choose from {', '.join(ENGINES)})")


@contextmanager
def open_engine(name: str, address: str | None = None, workers: int | None = None) -> Iterator[Any]:
    """The engine named by ``--engine``, ready: a Dask engine is connected (or its
    local cluster started) on entry, so a bad address fails before any work, and
    closed on exit.  Raises a one-line :class:`ScrubberError`.
    """
    engine = make_engine(name, address, workers)
    if not isinstance(engine, DaskEngine):
        yield engine
        return
    with engine:
        engine.connect(workers)
        yield engine


# -- helpers (client side) ---------------------------------------------------------


def _chunks(jobs: Iterable[Job], size: int) -> Iterator[list[Job]]:
    it = iter(jobs)
    while chunk := list(islice(it, size)):
        yield chunk


def _absolute_options(options: BatchOptions) -> BatchOptions:
    """Output and cache folders as absolute paths (they do not enter any output)."""
    changes: dict[str, Path] = {}
    if options.outdir is not None and not is_url(options.outdir):
        changes["outdir"] = Path(os.path.abspath(options.outdir))
    if options.cache_dir is not None:
        changes["cache_dir"] = Path(os.path.abspath(options.cache_dir))
    return replace(options, **changes) if changes else options  # type: ignore[arg-type]


def _check_shared(what: str, locations: list[Any]) -> None:
    """memory:// URLs live in this process: the workers cannot see them."""
    for loc in locations:
        if per_process(loc):
            raise ScrubberError(str(loc), f"a memory:// {what} lives in this process only; the dask workers cannot see it: use --engine local, or file://, s3://, gs:// URLs")


def _check_absolute(what: str, paths: list[str]) -> None:
    for p in paths:
        if not is_absolute(p):
            raise ScrubberError(p, f"the dask workers run in another folder than this command: give the {what} as an absolute path")


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _probe_scheduler(address: str, timeout: str) -> None:
    """Raise a one-line :class:`ScrubberError` unless a Dask scheduler answers at ``address`` within ``timeout``."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from dask.utils import parse_timedelta
    from distributed.core import rpc

    seconds = parse_timedelta(timeout)

    async def identity() -> Any:
        r = rpc(address, timeout=seconds)
        try:
            return await asyncio.wait_for(r.identity(), seconds + 1)
        finally:
            await r.close_rpc()

    # In a thread of its own: the caller may be running an event loop (a notebook).
    with ThreadPoolExecutor(1) as pool:
        try:
            reply = pool.submit(asyncio.run, identity()).result()
        except (OSError, asyncio.TimeoutError) as exc:
            raise ScrubberError(address, f"cannot connect to the dask scheduler ({_one_line(exc)})") from None
        except ValueError as exc:
            raise ScrubberError(address, f"not a dask scheduler address ({_one_line(exc)})") from None
        except Exception:
            raise ScrubberError(address, "cannot connect to the dask scheduler (what answers there does not speak Dask's protocol)") from None
    if not isinstance(reply, dict) or reply.get("type") != "Scheduler":
        kind = reply.get("type") if isinstance(reply, dict) else None
        raise ScrubberError(address, f"not a dask scheduler (it is a {kind})" if kind else "not a dask scheduler")


def _run_error(address: str | None, exc: Exception) -> ScrubberError:
    where = address or "dask"
    name = type(exc).__name__
    if name == "KilledWorker":
        return ScrubberError(where, "dask workers kept dying on the same files; the run stopped (see the workers' logs)")
    if name in ("CancelledError", "FutureCancelledError", "CommClosedError") or isinstance(exc, OSError):
        return ScrubberError(where, f"lost the dask scheduler mid-run ({name}); every output written so far is complete")
    return ScrubberError(where, f"a dask task failed ({name}: {_one_line(exc)})")


# -- on the workers ------------------------------------------------------------------

_CONTEXTS_LOCK = threading.Lock()


def _worker_probe() -> tuple[str, str]:
    return __version__, os.getcwd()


def _load_config(blob: bytes) -> tuple[Settings, BatchOptions]:
    settings, options = pickle.loads(blob)
    return settings, options


def _worker_context(token: str, settings: Settings, options: BatchOptions) -> Context:
    """This worker's Context for the run ``token``: built once, kept on the worker object."""
    from distributed import get_worker

    worker = get_worker()
    with _CONTEXTS_LOCK:
        contexts: OrderedDict[str, Context] | None = getattr(worker, "_scrubber_contexts", None)
        if contexts is None:
            contexts = OrderedDict()
            worker._scrubber_contexts = contexts  # type: ignore[attr-defined]
        ctx = contexts.get(token)
        if ctx is None:
            ctx = contexts[token] = Context.build(settings, options)
            while len(contexts) > CONTEXTS_KEPT:
                contexts.popitem(last=False)
        else:
            contexts.move_to_end(token)
        return ctx


def _run_chunk(token: str, config: tuple[Settings, BatchOptions], jobs: list[Job]) -> list[Outcome]:
    settings, options = config
    ctx = _worker_context(token, settings, options)
    return [process_file(ctx, job) for job in jobs]
