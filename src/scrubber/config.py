"""Configuration files: ``[tool.scrubber]`` in pyproject.toml, or scrubber.yaml.

Discovery, like ruff's: from the working directory upwards, the first folder
that holds a ``scrubber.yaml``, or a ``pyproject.toml`` with a
``[tool.scrubber]`` table, gives the configuration (scrubber.yaml wins in the
same folder).  ``--config FILE`` names one instead.  Keys::

    rules = ["rules/site.yaml"]      # paths relative to the config file
    default_rules = true
    quotes = "straight"              # or "keep"
    threshold = 92
    page = false                     # true: files are whole-page scrapes
    include = ["*.txt"]              # globs over file names or relative paths
    exclude = ["drafts/*"]

Command-line flags win over the file.  An unknown key or a wrong type is an
error naming the file and the key.
"""

from __future__ import annotations

import fnmatch
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePath
from typing import Any

import yaml

from .errors import ConfigError, read_small_text, yaml_error
from .settings import Settings
from .urls import local_of, location

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

MAX_CONFIG_BYTES = 1 << 20
KEYS = {"rules", "default_rules", "quotes", "threshold", "include", "exclude", "page"}


@dataclass(frozen=True)
class FileConfig:
    """What a configuration file says (None: not set there)."""

    path: Path | None = None
    rules: tuple[Path, ...] = ()
    default_rules: bool | None = None
    quotes: str | None = None
    threshold: float | None = None
    page: bool | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = field(default_factory=tuple)

    def selects(self, path: str, folder: bool = False) -> bool:
        """Is ``path`` (as given on the command line) taken by include/exclude?

        ``include`` globs name files: a folder (``folder``) is taken whatever
        they say, and its files are matched against them as it is walked.
        ``exclude`` globs apply to both.
        """
        if path == "-":
            return True
        names = _match_names(path, self.path.parent if self.path is not None else None)
        if self.include and not folder and not any(fnmatch.fnmatch(n, g) for n in names for g in self.include):
            return False
        return not any(fnmatch.fnmatch(n, g) for n in names for g in self.exclude)

    def walk_globs(
        self, include: Sequence[str] | None, exclude: Sequence[str] | None, default: tuple[str, ...]
    ) -> tuple[tuple[str, ...], tuple[str, ...], Callable[[str], bool] | None]:
        """A folder walk's include and exclude globs, and the test for each file it finds.

        Command-line globs are relative to the folder walked; this file's are
        relative to this file, so :meth:`selects` decides on each file found
        (its exclude globs also prune the walk, which can only take less).  A
        command-line include replaces this file's.
        """
        conf = replace(self, include=()) if include else self
        walk_include = tuple(include) if include else ("*",) if self.include else default
        select = conf.selects if conf.path is not None and (conf.include or conf.exclude) else None
        return walk_include, tuple(exclude or ()) + self.exclude, select


def _match_names(path: str, root: Path | None) -> list[str]:
    p = PurePath(path)
    names = [p.name, p.as_posix()]
    local = local_of(location(path))  # a file:// URL names a local path too
    if root is not None and local is not None:
        try:
            names.append(local.resolve().relative_to(root.resolve()).as_posix())
        except ValueError:
            pass
    return names


def discover(start: Path) -> Path | None:
    start = start.resolve()
    for folder in (start, *start.parents):
        yaml_file = folder / "scrubber.yaml"
        if yaml_file.is_file():
            return yaml_file
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and _has_tool_table(pyproject):
            return pyproject
    return None


# A [tool.scrubber] table (or [tool.scrubber.x]) as written in a pyproject.toml.
_TOOL_TABLE = re.compile(r"^\s*\[\s*tool\s*\.\s*\"?scrubber\"?\s*[\].]", re.MULTILINE)


def _has_tool_table(pyproject: Path) -> bool:
    try:
        text = pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        # Another tool's broken file is not ours to judge; a broken file that
        # has our table is (loading it reports the error: a hook must not pass
        # files silently without its settings).
        return _TOOL_TABLE.search(text) is not None
    return isinstance(data.get("tool"), dict) and "scrubber" in data["tool"]


def load_config(path: Path) -> FileConfig:
    """Read and validate one configuration file."""
    text = read_small_text(str(path), "config file", MAX_CONFIG_BYTES, ConfigError)
    if path.name == "pyproject.toml":
        try:
            table = tomllib.loads(text).get("tool", {}).get("scrubber", {})
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(str(path), f"not valid TOML: {' '.join(str(exc).split())}") from None
        except RecursionError:
            raise ConfigError(str(path), "nested too deeply to be a configuration file") from None
    else:
        try:
            table = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            line, problem = yaml_error(exc)
            raise ConfigError(f"{path}:{line}" if line else str(path), f"not valid YAML: {problem}") from None
        except RecursionError:
            raise ConfigError(str(path), "nested too deeply to be a configuration file") from None
        table = {} if table is None else table
    if not isinstance(table, dict):
        raise ConfigError(str(path), "the configuration must be a table of keys")
    return _validate(table, path)


def _validate(table: dict[str, Any], path: Path) -> FileConfig:
    def bad(key: str, problem: str) -> ConfigError:
        return ConfigError(str(path), f"key {key!r}: {problem}")

    unknown = set(table) - KEYS
    if unknown:
        key = sorted(map(str, unknown))[0]
        raise bad(key, f"unknown key (known: {', '.join(sorted(KEYS))})")
    rules = table.get("rules", [])
    if isinstance(rules, str):
        rules = [rules]
    if not isinstance(rules, list) or not all(isinstance(r, str) for r in rules):
        raise bad("rules", "must be a list of paths")
    default_rules = table.get("default_rules")
    if default_rules is not None and not isinstance(default_rules, bool):
        raise bad("default_rules", "must be true or false")
    page = table.get("page")
    if page is not None and not isinstance(page, bool):
        raise bad("page", "must be true or false")
    quotes = table.get("quotes")
    if quotes is not None and quotes not in ("straight", "keep"):
        raise bad("quotes", "must be 'straight' or 'keep'")
    threshold = table.get("threshold")
    if threshold is not None and (isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 50 <= threshold <= 100):
        raise bad("threshold", "must be a number from 50 to 100")
    globs = {}
    for key in ("include", "exclude"):
        value = table.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(g, str) for g in value):
            raise bad(key, "must be a list of glob patterns")
        globs[key] = tuple(value)
    return FileConfig(
        path=path,
        rules=tuple(path.parent / r for r in rules),
        default_rules=default_rules,
        quotes=quotes,
        threshold=float(threshold) if threshold is not None else None,
        page=page,
        include=globs["include"],
        exclude=globs["exclude"],
    )


def find_config(explicit: Path | None, start: Path) -> FileConfig:
    """The configuration in force: ``explicit``, else the discovered file, else none."""
    path = explicit if explicit is not None else discover(start)
    return load_config(path) if path is not None else FileConfig()


def make_settings(
    config: FileConfig,
    *,
    quotes: str | None = None,
    threshold: float | None = None,
    rules: tuple[Path, ...] = (),
    no_default_rules: bool = False,
    page: bool | None = None,
) -> Settings:
    """Settings from a config file, with command-line values (not None) winning.

    Defaults live in :class:`Settings` alone.
    """
    base = Settings()
    return Settings(
        quotes=(quotes or config.quotes or base.quotes),  # type: ignore[arg-type]
        threshold=threshold if threshold is not None else config.threshold if config.threshold is not None else base.threshold,
        rules=config.rules + tuple(rules),
        default_rules=False if no_default_rules else (config.default_rules if config.default_rules is not None else base.default_rules),
        page=page if page is not None else config.page if config.page is not None else base.page,
    )
