"""Errors scrubber reports to users.  Each renders as one line naming the file."""

from __future__ import annotations


# Control characters (a file name may hold a newline) shown as escapes, so
# that every message stays one line.
_ONE_LINE = {c: f"\\x{c:02x}" for c in (*range(0x20), 0x7F)} | {ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"}


def one_line(message: str) -> str:
    """``message`` with its control characters escaped: one line on a terminal or in a log."""
    return message.translate(_ONE_LINE) if not message.isprintable() else message


class ScrubberError(Exception):
    """Base class: an error with a one-line message for the user."""

    exit_code = 2

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


class InputError(ScrubberError):
    """An input cannot be read or is not text (missing, a directory, binary...)."""


class SkippedInputError(InputError):
    """An input found in a folder that a batch run skips with a warning (named on the command line, it is an error)."""


class BinaryInputError(SkippedInputError):
    """An input is not text."""


class RulesError(ScrubberError):
    """A rules file is not valid.  ``path`` carries the file and line."""


class ConfigError(ScrubberError):
    """A setting or configuration file is not valid."""


class WorkerDiedError(ScrubberError):
    """A worker process of a batch died (killed, out of memory, or it could not start)."""

    exit_code = 3

    def __init__(self, done: int) -> None:
        super().__init__(
            "a worker process", f"died (killed, out of memory, or it could not start) after {done} file(s); every output written so far is complete, inputs are untouched"
        )


def yaml_error(exc: Exception) -> tuple[int | None, str]:
    """A YAML error as (1-based line or None, one-line problem)."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    problem = " ".join(str(problem).split())
    return (mark.line + 1 if mark is not None else None), problem


def read_small_text(path: str, kind: str, limit: int, error: type[ScrubberError]) -> str:
    """A small UTF-8 file (rules, configuration), or ``error`` naming the file and the problem."""
    try:
        with open(path, "rb") as f:
            data = f.read(limit + 1)
    except OSError as exc:
        raise error(str(path), f"cannot read {kind}: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise error(str(path), f"{kind} is larger than {limit} bytes")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise error(str(path), f"{kind} is not UTF-8") from None
