"""The batch cache: results by input content, and a stat index that skips unchanged files.

Two layers, both under ``<cache dir>/<version>/<settings key>/`` (the settings
key hashes the effective settings, every field of every rule and the output
options, so any change starts a fresh cache):

* :class:`Cache`, by content (like ruff's): an input's stats and its output
  bytes (zlib), keyed by the hash of the input bytes (and of its path, for
  formats whose record ids use the path).  A file that was moved, copied or
  touched is still found here, after reading and hashing it.
* :class:`StatIndex`, by path (like git's index): for each input path the
  stamp (size, mtime, inode, ctime) it had when it was last cleaned, its
  content key, and the stamp of the output written for it.  A rerun whose
  input and output stamps are both unchanged takes the outcome from the index
  without reading either file, and without starting worker processes when
  every file is answered.  It is one SQLite file: lookups cost microseconds
  and memory does not grow with the number of files.

Stamps follow git's rule for racy files: an input modified less than
``RACY_SECONDS`` before it was read is not stamped (it could change again
within the same clock tick with the same size), so it is hashed next time.
Everything here is a cache: a damaged or locked file costs time, never
results.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
import zlib
from pathlib import Path
from typing import Any, NamedTuple

RACY_SECONDS = 2.0

Stamp = tuple[int, int, int, int]  # size, mtime_ns, inode, ctime_ns


def stamp_of(st: os.stat_result) -> Stamp:
    return (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)


def input_stamp(path: str) -> Stamp | None:
    """The stamp of an input about to be read, or None when it is too fresh to trust (or gone)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    if time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) < RACY_SECONDS * 1e9:
        return None
    return stamp_of(st)


def path_stamp(path: str | Path) -> Stamp | None:
    try:
        return stamp_of(os.stat(path))
    except OSError:
        return None


def _write_quietly(path: Path, data: bytes) -> None:
    """Temporary file and rename, without fsync: a cache entry lost in a crash is recomputed."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:
        try:
            tmp.unlink()
        except OSError:
            pass


def _ensure_root(root: Path) -> None:
    if not root.exists():
        root.mkdir(parents=True)
        (root / ".gitignore").write_text("# created by scrubber\n*\n")


class Cache:
    """Outputs by input content.  Entries are ``<key[:2]>/<key>``: a JSON line of stats, then zlib output."""

    def __init__(self, root: Path, folder: Path) -> None:
        self.root = root
        self.dir = folder
        self._made: set[Path] = set()  # entry folders known to exist: one mkdir each per run, not one per file

    def _path(self, key: str) -> Path:
        return self.dir / key[:2] / key

    def get(self, key: str) -> tuple[dict[str, Any], bytes] | None:
        try:
            raw = self._path(key).read_bytes()
            head, _, body = raw.partition(b"\n")
            return json.loads(head), zlib.decompress(body)
        except (OSError, ValueError, zlib.error):
            return None  # missing or damaged: recompute

    def put(self, key: str, meta: dict[str, Any], output: bytes) -> None:
        path = self._path(key)
        if path.parent not in self._made:
            try:
                _ensure_root(self.root)
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError:
                return  # a cache that cannot be written only costs time
            self._made.add(path.parent)
        _write_quietly(path, json.dumps(meta, ensure_ascii=False).encode("utf-8") + b"\n" + zlib.compress(output, 1))


class Entry(NamedTuple):
    """What the index knows of one input path."""

    stamp: Stamp
    key: str
    mode: str  # the batch mode that wrote it: mirror, in-place, check
    status: str
    target: str | None  # mirror: the output file
    target_stamp: Stamp | None
    meta: dict[str, Any]  # stats and skipped_records


_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY, size INTEGER, mtime INTEGER, ino INTEGER, ctime INTEGER,
    key TEXT, mode TEXT, status TEXT, target TEXT,
    tsize INTEGER, tmtime INTEGER, tino INTEGER, tctime INTEGER, meta TEXT
)
"""
_BATCH = 256  # entries per transaction


def _storable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class StatIndex:
    """Input path -> :class:`Entry`, in one SQLite file.  Used from one thread."""

    def __init__(self, root: Path, folder: Path) -> None:
        self._pending: list[tuple[Any, ...]] = []
        self._db: sqlite3.Connection | None = None
        try:
            _ensure_root(root)
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return  # no index: every file takes the content path
        path = folder / "files.sqlite"
        for attempt in range(2):
            try:
                db = sqlite3.connect(path, timeout=5.0, isolation_level=None)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=OFF")
                db.execute(_SCHEMA)
                self._db = db
                return
            except sqlite3.DatabaseError:
                if attempt == 0:  # damaged: start it again
                    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                        try:
                            p.unlink()
                        except OSError:
                            pass
            except (OSError, sqlite3.Error):
                return

    def lookup(self, path: str) -> Entry | None:
        if self._db is None:
            return None
        try:
            row = self._db.execute("SELECT * FROM files WHERE path = ?", (path,)).fetchone()
            if row is None:
                return None
            _, size, mtime, ino, ctime, key, mode, status, target, tsize, tmtime, tino, tctime, meta = row
            target_stamp = (tsize, tmtime, tino, tctime) if target is not None else None
            return Entry((size, mtime, ino, ctime), key, mode, status, target, target_stamp, json.loads(meta))
        except (sqlite3.Error, ValueError):  # (UnicodeEncodeError: a file name that is not UTF-8)
            return None

    def record(self, path: str, entry: Entry) -> None:
        if not _storable(path) or (entry.target is not None and not _storable(entry.target)):
            return  # a file name that is not UTF-8: SQLite stores text as UTF-8 (such a file is just not indexed)
        t = entry.target_stamp or (None, None, None, None)
        self._pending.append((path, *entry.stamp, entry.key, entry.mode, entry.status, entry.target, *t, json.dumps(entry.meta)))
        if len(self._pending) >= _BATCH:
            self.flush()

    def flush(self) -> None:
        if self._db is None or not self._pending:
            self._pending.clear()
            return
        try:
            with self._db:  # one transaction
                self._db.execute("BEGIN")
                self._db.executemany("INSERT OR REPLACE INTO files VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", self._pending)
        except sqlite3.Error:
            pass  # locked by another run, or damaged: only costs time
        self._pending.clear()

    def close(self) -> None:
        self.flush()
        if self._db is not None:
            self._db.close()
            self._db = None
