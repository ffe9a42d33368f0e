"""scrubber: turn scraped news pages into clean, normalized articles.

Library use::

    from scrubber import Cleaner, Settings
    result = Cleaner(Settings()).clean_bytes(data, source="page.txt")
    print(result.text)          # the clean articles
    result.decisions            # one Decision per input line: what happened and why
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from .errors import ConfigError, InputError, RulesError, ScrubberError
from .model import Action, Article, CleanResult, Decision, Role
from .pipeline import Cleaner
from .rules import RuleSet, load_ruleset
from .settings import Settings

try:
    __version__ = version("scrubber")
except PackageNotFoundError:  # running from a source tree
    __version__ = "0.0.0+unknown"

__all__ = [
    "Action",
    "Article",
    "CleanResult",
    "Cleaner",
    "ConfigError",
    "Decision",
    "InputError",
    "Role",
    "RuleSet",
    "RulesError",
    "ScrubberError",
    "Settings",
    "__version__",
    "load_ruleset",
]
