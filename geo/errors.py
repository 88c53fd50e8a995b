"""The package's short error hierarchy (the pyogrio model).

Every error derives from :class:`LevelupError`, so callers can catch one class. Messages
name the argument, show a few offending values, and say what was expected and how to fix it.
"""

from __future__ import annotations

from collections.abc import Iterable


class LevelupError(Exception):
    """Base class of every error raised by levelup-geo."""


class InputError(LevelupError, ValueError):
    """An argument or input table is not what the function expects."""


class UnknownLevelError(InputError, KeyError):
    """A geography level id or alias that is not in the catalogue."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class CoverageError(InputError):
    """The data do not cover what a figure needs (a national decile from one council's areas)."""


class NestingError(InputError):
    """Two levels do not nest (a child area would have several parents or none)."""


class DataError(LevelupError):
    """A data product is inconsistent: wrong row count, orphans, duplicate parents, ..."""


class DataUnavailableError(LevelupError):
    """A product could not be obtained from the cache, a mirror or its publisher."""


class DownloadError(DataUnavailableError):
    """A download failed: HTTP errors after retries, a time-out, a truncated response."""


def examples(values: Iterable[object], limit: int = 5) -> str:
    """Format a few offending values for an error message.

    Examples
    --------
    >>> examples(["E01000001", "X", "Y"], limit=2)
    "'E01000001', 'X' (and 1 more)"
    """
    values = list(values)
    shown = ", ".join(repr(v) for v in values[:limit])
    more = len(values) - limit
    return f"{shown} (and {more} more)" if more > 0 else shown
