"""The records that flow through the pipeline.

read -> normalize -> tokenize -> classify -> segment -> collapse -> write

Every stage takes and returns these small immutable records.  The one record
that matters for users is :class:`Decision`: one per input line, saying what
happened to the line and why.  ``clean`` writes the kept lines, ``explain``
prints the decisions, reports count them: all read the same record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any


class Role(str, Enum):
    """What a line is, as far as the article is concerned."""

    TITLE = "title"
    CAPTION = "caption"
    BODY = "body"
    MARKER = "marker"
    BLANK = "blank"


class Action(str, Enum):
    """What happened to a line."""

    KEEP = "keep"
    DROP = "drop"  # removed by a rule or a heuristic (reason says which)
    COLLAPSE = "collapse"  # a repeat of another line (``ref`` says which)
    LAYOUT = "layout"  # blank lines: the writer lays out its own spacing


@dataclass(frozen=True, slots=True)
class Line:
    """One input line after normalization.  ``no`` is 1-based."""

    no: int
    text: str


@dataclass(frozen=True, slots=True)
class Block:
    """A run of non-empty lines.  ``gap`` is the number of blank lines before it."""

    lines: tuple[Line, ...]
    gap: int

    @property
    def first(self) -> int:
        return self.lines[0].no

    @property
    def last(self) -> int:
        return self.lines[-1].no


@dataclass(frozen=True, slots=True)
class Decision:
    """The fate of one input line, with its reason.

    ``reason`` is a rule id (for drops by a rule) or the name of the heuristic
    that decided (``title-repeat``, ``title-shape``, ``near-duplicate`` ...).
    ``ref`` is the line number a collapsed line repeats, ``score`` the
    similarity (0-100) that decided it.  ``article`` is the 0-based article
    the line belongs to (None before the first article); ``starts_article``
    marks the line where an article begins.
    """

    no: int
    text: str
    role: Role
    action: Action
    reason: str
    ref: int | None = None
    score: float | None = None
    article: int | None = None
    starts_article: bool = False


@dataclass(frozen=True, slots=True)
class Article:
    """A clean article: every field holds normalized input lines."""

    index: int
    title: Line | None
    captions: tuple[Line, ...]
    paragraphs: tuple[tuple[Line, ...], ...]

    @property
    def is_empty(self) -> bool:
        return self.title is None and not self.captions and not self.paragraphs


@dataclass(frozen=True, slots=True)
class Decoded:
    """The read stage's result: text with LF line ends, and how it was decoded."""

    text: str
    encoding: str
    warnings: tuple[str, ...] = ()


class Deferred:
    """A value computed on first access (see :class:`_DeferredField`)."""

    __slots__ = ("build",)

    def __init__(self, build: Callable[[], Any]) -> None:
        self.build = build


class _DeferredField:
    """A dataclass field that may be given as a :class:`Deferred` and is built on first read.

    The pipeline hands ``CleanResult.decisions`` over this way: one Decision
    per input line costs about as much as the rest of the cleaning, and
    ``clean`` never reads them.  Readers see an ordinary attribute holding the
    built value (equality, repr, pickling and ``dataclasses.replace`` included).
    """

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: object, owner: type | None = None) -> Any:
        if obj is None:
            raise AttributeError(self.name)  # tells dataclass: no default
        value = obj.__dict__[self.name]
        if isinstance(value, Deferred):
            value = obj.__dict__[self.name] = value.build()
        return value

    def __set__(self, obj: object, value: Any) -> None:
        obj.__dict__[self.name] = value


@dataclass(frozen=True)
class CleanResult:
    """Everything one cleaning run over one input produced."""

    source: str
    encoding: str
    articles: tuple[Article, ...]
    decisions: tuple[Decision, ...] = _DeferredField()  # type: ignore[assignment]
    text: str
    warnings: tuple[str, ...] = ()
    bytes_in: int = 0

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["decisions"] = self.decisions  # built, so that it can be pickled
        return state

    @property
    def lines_in(self) -> int:
        return len(self.decisions)

    @property
    def lines_out(self) -> int:
        return sum(1 for d in self.decisions if d.action is Action.KEEP)

