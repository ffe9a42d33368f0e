"""Inputs and outputs given as fsspec URLs: ``file://``, ``memory://``, ``s3://``, ``gs://``...

Plain paths never come here: a location is a URL only when it starts with
``scheme://``, and :mod:`fsspec` is imported only then, so runs on plain paths
keep their code path and speed.

* ``file://`` URLs are local paths: they are read, walked (hidden files,
  symbolic links and ``--follow-symlinks`` as for plain paths) and written
  atomically exactly like them; only the spelling of the sources differs.
* Other URLs go through fsspec (``s3://`` needs s3fs, ``gs://`` gcsfs).  Each
  output is written in one put (a mirrored file, a report, a rules file, a
  partial result); the aggregated ``OUTDIR/articles.jsonl`` is spooled to a
  local temporary file and uploaded in one open-write-close at the end.  An
  object store publishes an object when its upload completes, so a reader sees
  the whole output or none; an interrupted run leaves no half object (an
  unfinished multipart upload is the store's to expire).  These outputs are
  always rewritten (a path or ``file://`` output with the same bytes is left
  untouched).
* ``memory://`` lives in one process: runs on it stay in this process (the
  local engine with one worker); the Dask engine refuses it.

Errors are :class:`ScrubberError`\\ s: one line naming the URL and the problem.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import IO, Any, BinaryIO, Union

from .errors import InputError, ScrubberError

Location = Union[Path, str]  # a local path, or a URL (kept as a string: Path would fold its "//")

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]+)://")  # two letters at least: C:// is no scheme
_BACKENDS = {"s3": "s3fs", "s3a": "s3fs", "gs": "gcsfs", "gcs": "gcsfs", "az": "adlfs", "abfs": "adlfs", "abfss": "adlfs"}
SPOOL_BYTES = 32 * 1024 * 1024  # the aggregated output is held in memory up to this, then on local disk


def is_url(location: object) -> bool:
    """Whether ``location`` is a URL (a string starting with ``scheme://``)."""
    return isinstance(location, str) and _SCHEME.match(location) is not None


def scheme(url: str) -> str:
    m = _SCHEME.match(url)
    return m.group(1).lower() if m else ""


def location(text: str) -> Location:
    """A command-line path as a location: URLs stay strings, anything else is a Path."""
    return text if is_url(text) else Path(text)


def per_process(location: object) -> bool:
    """Whether ``location`` exists only in this process (``memory://``)."""
    return is_url(location) and scheme(location) == "memory"  # type: ignore[arg-type]


def is_local(location: object) -> bool:
    """A plain path or a ``file://`` URL."""
    return not is_url(location) or scheme(location) == "file"  # type: ignore[arg-type]


def is_absolute(location: str) -> bool:
    """Whether workers in another folder would find ``location`` (URLs but relative ``file://`` do)."""
    if not is_url(location):
        return os.path.isabs(location)
    return scheme(location) != "file" or location[len("file://") :].startswith(("/", "localhost/"))


def local_path(url: str) -> Path:
    """The local path of a ``file://`` URL."""
    rest = url[len(url.split("://", 1)[0]) + 3 :]
    if rest.startswith("localhost/"):
        rest = rest[len("localhost") :]
    return Path(rest.split("?", 1)[0].split("#", 1)[0] or "/")


def local_of(location: Location) -> Path | None:
    """The local path of a plain path or ``file://`` URL; None for other URLs."""
    if not is_url(location):
        return Path(location)
    return local_path(location) if scheme(location) == "file" else None  # type: ignore[arg-type]


def join(base: Location, *parts: str) -> Location:
    """``base`` with ``parts`` appended (``/`` for URLs)."""
    if not is_url(base):
        return Path(base).joinpath(*parts)
    if any(p in ("", ".", "..") or "/" in p for p in parts):
        raise ScrubberError(str(base), f"cannot append {'/'.join(parts)!r} to a URL")
    return "/".join([str(base).rstrip("/"), *parts])


def name_of(location: Location) -> str:
    if not is_url(location):
        return Path(location).name
    return str(location).split("://", 1)[1].rstrip("/").rsplit("/", 1)[-1]


def filesystem(url: str) -> tuple[Any, str]:
    """The fsspec file system of ``url`` and the path within it (fsspec imported here, lazily)."""
    try:
        from fsspec.core import url_to_fs
    except ImportError:
        raise ScrubberError(url, 'URLs need fsspec: pip install "fsspec>=2023.1"') from None
    try:
        return url_to_fs(url)
    except ImportError:
        backend = _BACKENDS.get(scheme(url))
        hint = f"pip install {backend}" if backend else "install the fsspec backend for it"
        raise ScrubberError(url, f"{scheme(url)}:// URLs need {backend or 'a backend'}: {hint}") from None
    except ValueError as exc:
        raise ScrubberError(url, f"unknown URL scheme {scheme(url)}:// ({_one_line(exc)})") from None
    except Exception as exc:  # a backend failing to start (credentials, configuration)
        raise ScrubberError(url, f"cannot open ({_problem(exc)})") from None


# -- reading -----------------------------------------------------------------------


def read_url(url: str) -> bytes:
    """The bytes at ``url``, or an :class:`InputError` naming it (missing, a folder, unreadable)."""
    if scheme(url) == "file":
        from .read import read_path

        try:
            return read_path(local_path(url))
        except InputError as exc:
            raise InputError(url, exc.problem) from None
    fs, path = filesystem(url)
    try:
        return bytes(fs.cat_file(path))
    except FileNotFoundError:
        if _quietly(fs.isdir, path):
            raise InputError(url, "is a directory, not a file") from None
        raise InputError(url, "no such file") from None
    except IsADirectoryError:
        raise InputError(url, "is a directory, not a file") from None
    except PermissionError:
        raise InputError(url, "permission denied") from None
    except Exception as exc:
        raise InputError(url, f"cannot read ({_problem(exc)})") from None


@contextmanager
def open_text(location: Location) -> Iterator[IO[str]]:
    """``location`` opened for reading text (UTF-8, surrogateescape); OSError when it cannot be."""
    local = local_of(location)
    if local is not None:
        with open(local, encoding="utf-8", errors="surrogateescape") as f:
            yield f
        return
    import io

    fs, path = filesystem(str(location))
    try:
        raw = fs.open(path, "rb")
    except OSError:
        raise
    except Exception as exc:  # a backend's own errors (credentials...): OSError, as for files
        raise OSError(_problem(exc)) from None
    with raw, io.TextIOWrapper(raw, encoding="utf-8", errors="surrogateescape") as f:
        yield f


def exists(location: Location) -> bool:
    local = local_of(location)
    if local is not None:
        return local.exists()
    fs, path = filesystem(str(location))
    return _checked(str(location), fs.exists, path)


def is_dir(location: Location) -> bool:
    local = local_of(location)
    if local is not None:
        return local.is_dir()
    fs, path = filesystem(str(location))
    return _checked(str(location), fs.isdir, path)


def expand(pattern: str) -> list[str]:
    """A URL with ``*``, ``?`` or ``[`` expanded to the matching URLs, sorted (the shell does it for paths)."""
    if not is_url(pattern) or not any(c in pattern for c in "*?["):
        return [pattern]
    head = pattern.split("://", 1)[0] + "://"
    if scheme(pattern) == "file":
        import glob

        return sorted(head + os.path.abspath(p) for p in glob.glob(str(local_path(pattern))))
    fs, path = filesystem(pattern)
    return sorted(head + p.lstrip("/") for p in _checked(pattern, fs.glob, path))


# -- writing -------------------------------------------------------------------------


def make_dirs(location: Location) -> None:
    """Create the folder ``location`` (object stores have no folders: nothing to do)."""
    local = local_of(location)
    if local is not None:
        local.mkdir(parents=True, exist_ok=True)
    # memory://, s3://, gs://: a key's "folders" exist as soon as the key does.


def write_url(url: str, data: bytes) -> None:
    """Write ``data`` to ``url`` whole: atomically for ``file://``, in one put elsewhere."""
    local = local_of(url)
    if local is not None:
        from .atomic import write_atomic

        try:
            if _same_content(local, data):
                return  # as for paths: an output with the same bytes is left untouched
            local.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(local, data)
        except OSError as exc:
            raise ScrubberError(url, f"cannot write: {exc.strerror or exc}") from None
        return
    fs, path = filesystem(url)
    try:
        fs.pipe_file(path, data)
    except Exception as exc:
        raise ScrubberError(url, f"cannot write ({_problem(exc)})") from None


def write(location: Location, data: bytes) -> None:
    """Write ``data`` to a path (atomically) or a URL (whole); OSError or ScrubberError when it cannot be."""
    if is_url(location):
        write_url(str(location), data)
        return
    from .atomic import write_atomic

    write_atomic(Path(location), data)


@contextmanager
def writer(location: Location) -> Iterator[BinaryIO]:
    """A file to write whose content replaces ``location`` only when the block ends without error.

    Paths and ``file://``: :func:`scrubber.atomic.atomic_writer`.  Other URLs:
    the bytes are spooled locally, then uploaded in one open-write-close.
    """
    from .atomic import atomic_writer

    local = local_of(location)
    if local is not None:
        with atomic_writer(local) as f:
            yield f
        return
    url = str(location)
    fs, path = filesystem(url)
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
        yield spool  # type: ignore[misc]
        spool.seek(0)
        try:
            with fs.open(path, "wb") as out:
                shutil.copyfileobj(spool, out, 1 << 20)
        except Exception as exc:
            raise ScrubberError(url, f"cannot write ({_problem(exc)})") from None


# -- walking -------------------------------------------------------------------------


def check_outdir(roots: Iterable[Location], outdir: Location) -> str | None:
    """A problem with writing to ``outdir`` given these inputs (one of them a URL), or None."""
    out = _key(outdir)
    for root in roots:
        r = _key(root)
        if r[0] != out[0] or not is_dir(root):
            continue
        if out[1] == r[1] or out[1].startswith(r[1].rstrip("/") + "/"):
            return f"the output folder {outdir} is inside the input folder {root}"
        if r[1].startswith(out[1].rstrip("/") + "/"):
            return f"the input folder {root} is inside the output folder {outdir}"
    return None


def _key(location: Location) -> tuple[str, str]:
    local = local_of(location)
    if local is not None:
        return "file", os.path.realpath(local)
    fs, path = filesystem(str(location))
    return scheme(str(location)), "/" + path.strip("/")


def walk_url(
    root: str,
    prefixed: bool,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    follow_symlinks: bool,
    skip: Iterable[object],
    selected: Callable[[PurePosixPath, tuple[str, ...], tuple[str, ...]], bool],
    excluded: Callable[[PurePosixPath, tuple[str, ...]], bool],
) -> Iterator[tuple[str, str, bool]]:
    """(src URL, relative path, explicit) of the files under the URL ``root``, in the local walk's order.

    The same rules as for folders: sorted by name, depth first, hidden names
    skipped, ``include``/``exclude`` on the name and the relative path.  A
    ``file://`` root is walked by the local walker (symbolic links included);
    on other file systems there are no links to follow.
    """
    prefix = PurePosixPath(name_of(root)) if prefixed else PurePosixPath()
    if scheme(root) == "file":
        from .batch import walk as local_walk

        local = local_path(root)
        if not local.is_dir():
            yield root, str(prefix / name_of(root)), True
            return
        base = root.rstrip("/")
        for job in local_walk([local], include, exclude, follow_symlinks, [local_of(s) for s in skip if is_local(s)]):  # type: ignore[misc]
            rel = PurePosixPath(job.rel)
            yield base + "/" + rel.as_posix(), str(prefix / rel), False
        return
    if not is_dir(root):
        yield root, str(prefix / name_of(root)), True
        return
    fs, path = filesystem(root)
    skip_keys = {_key(s) for s in skip if is_url(s) and not is_local(s)}
    yield from _walk_fs(fs, root, root.rstrip("/"), path.rstrip("/"), prefix, include, exclude, skip_keys, selected, excluded)


def _walk_fs(
    fs: Any,
    root: str,
    url: str,
    path: str,
    rel: PurePosixPath,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    skip: set[tuple[str, str]],
    selected: Callable[[PurePosixPath, tuple[str, ...], tuple[str, ...]], bool],
    excluded: Callable[[PurePosixPath, tuple[str, ...]], bool],
) -> Iterator[tuple[str, str, bool]]:
    if (scheme(root), "/" + path.strip("/")) in skip:
        return
    try:
        entries = fs.ls(path, detail=True)
    except FileNotFoundError:
        return
    except Exception as exc:
        raise ScrubberError(url, f"cannot list ({_problem(exc)})") from None
    named = sorted(((e["name"].rstrip("/").rsplit("/", 1)[-1], e) for e in entries), key=lambda ne: ne[0])
    for name, entry in named:
        if not name or name.startswith(".") or entry["name"].rstrip("/") == path:
            continue
        child_rel = rel / name
        if entry.get("type") == "directory":
            if not excluded(child_rel, exclude):
                yield from _walk_fs(fs, root, f"{url}/{name}", f"{path}/{name}", child_rel, include, exclude, skip, selected, excluded)
            continue
        if selected(child_rel, include, exclude):
            yield f"{url}/{name}", str(child_rel), False


# -- helpers -------------------------------------------------------------------------


def _checked(url: str, fn: Callable[..., Any], *args: Any) -> Any:
    try:
        return fn(*args)
    except Exception as exc:
        raise ScrubberError(url, f"cannot reach ({_problem(exc)})") from None


def _same_content(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def _quietly(fn: Callable[..., Any], *args: Any) -> Any:
    try:
        return fn(*args)
    except Exception:
        return False


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _problem(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return f"{type(exc).__name__}: {_one_line(exc)}"
