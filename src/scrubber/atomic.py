"""Atomic file writes: a temporary file in the same folder, fsync, rename.

A reader (or a crash) sees the old file or the new one, never a half-written one.
"""

from __future__ import annotations

import os
import re
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


TEMP_SUFFIX = ".scrubber-tmp"
# .NAME.PID.RANDOM.scrubber-tmp: the process that writes it, and mkstemp's 8 random characters.
_TEMP_NAME = re.compile(r"\..+\.(\d+)\.[A-Za-z0-9_]{8}" + re.escape(TEMP_SUFFIX))


def write_atomic(path: Path, data: bytes, mode: int | None = None) -> None:
    """Replace ``path`` with ``data``.  ``mode`` defaults to the existing file's mode.

    SIGINT and SIGTERM wait until the write is over: a stop then finds either
    the old file or the new one, and no temporary file (a signal between
    creating the temporary file and the ``try`` that removes it would leave one).
    """
    blocked = {signal.SIGINT, signal.SIGTERM}
    old = signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
    try:
        with atomic_writer(path, mode) as f:
            f.write(data)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


@contextmanager
def atomic_writer(path: Path, mode: int | None = None) -> Iterator[BinaryIO]:
    """A file to write that replaces ``path`` only when the block ends without error."""
    path = Path(path)
    folder = path.parent
    if mode is None:
        try:
            mode = path.stat().st_mode & 0o7777
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=TEMP_SUFFIX, dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_folder(folder)


def _fsync_folder(folder: Path) -> None:
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def sweep_temporaries(folder: Path) -> int:
    """Remove the temporary files that killed runs left under ``folder``; return how many.

    A SIGKILL (or a power cut) can leave ``.NAME.PID.XXXXXXXX.scrubber-tmp``
    beside an output: the output itself is whole or absent, the temporary
    file is garbage.  One is removed when the process that wrote it is no
    longer running on this machine, so a run sweeping a folder another run
    on this machine is writing to leaves that run alone.  Hidden folders
    (.git, the cache) are not entered.
    """
    removed = 0
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            m = _TEMP_NAME.fullmatch(name) if name.endswith(TEMP_SUFFIX) else None
            if m is None or _alive(int(m.group(1))):
                continue
            try:
                os.unlink(os.path.join(dirpath, name))
                removed += 1
            except OSError:
                pass
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # someone else's process (or an odd number): leave it
    return True
