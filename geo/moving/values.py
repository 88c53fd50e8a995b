"""Checks that the numbers given to a function can be trusted: finite values, exact counts,
positive weights and parameters in range.

:func:`geo.moving.inputs.prepare` makes value columns numeric (``float64``); the functions here
refuse what float64 cannot carry honestly: ``inf``/``-inf`` (refused like text: a value is a
number or missing), counts beyond :data:`EXACT_LIMIT` (2**53, where float64 stops holding
every integer) and weights that are missing, infinite, zero or negative. Every error names the
argument or column and shows a few offending areas.

Examples
--------
>>> import pandas as pd
>>> finite(pd.DataFrame({"x": [1.0, float("inf")]}, index=["a", "b"]), ["x"])
Traceback (most recent call last):
...
geo.errors.InputError: value column 'x' has 1 infinite values (at 'b'); values must be finite numbers or missing (NaN) — replace inf with NaN or a real value
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from numbers import Integral, Real

import numpy as np
import pandas as pd

from geo.errors import InputError, examples

#: Largest magnitude below which float64 holds every integer exactly (2**53).
EXACT_LIMIT = 2**53


def finite(frame: pd.DataFrame, columns: Iterable[str], *, what: str = "value") -> None:
    """Refuse ``inf``/``-inf`` in ``columns`` of ``frame`` (missing values are allowed).

    Raises
    ------
    InputError
        Naming the column, the count and a few codes (the frame's index).

    Examples
    --------
    >>> finite(pd.DataFrame({"x": [1.0, None]}), ["x"])  # NaN is missing, not infinite
    """
    for column in columns:
        x = frame[column].to_numpy(dtype="float64")
        bad = np.isinf(x)
        if bad.any():
            raise InputError(
                f"{what} column {column!r} has {int(bad.sum()):,} infinite values (at {examples(frame.index[bad])}); "
                "values must be finite numbers or missing (NaN) — replace inf with NaN or a real value"
            )


def exact_counts(frame: pd.DataFrame, columns: Iterable[str], *, what: str = "count") -> None:
    """Refuse counts whose magnitude reaches 2**53: float64 no longer holds them exactly,
    so sums would be silently rounded.

    Examples
    --------
    >>> exact_counts(pd.DataFrame({"n": [2.0**53]}, index=["E06000047"]), ["n"])
    Traceback (most recent call last):
    ...
    geo.errors.InputError: count column 'n' has 1 values of 2**53 (9,007,199,254,740,992) or more (at 'E06000047'); float64 cannot hold such counts exactly, so sums would be rounded — scale them down (e.g. thousands) first
    """
    for column in columns:
        x = np.abs(frame[column].to_numpy(dtype="float64"))
        bad = x >= EXACT_LIMIT
        if bad.any():
            raise InputError(
                f"{what} column {column!r} has {int(bad.sum()):,} values of 2**53 ({EXACT_LIMIT:,}) or more "
                f"(at {examples(frame.index[bad])}); float64 cannot hold such counts exactly, so sums would be "
                "rounded — scale them down (e.g. thousands) first"
            )
        total = float(np.nansum(x))
        if total >= EXACT_LIMIT:
            raise InputError(
                f"{what} column {column!r} sums to {total:.6g}, beyond 2**53 ({EXACT_LIMIT:,}); float64 cannot hold "
                "the totals exactly — scale the counts down (e.g. thousands) first"
            )


def non_negative(frame: pd.DataFrame, columns: Iterable[str], *, what: str = "count") -> None:
    """Refuse negative values in ``columns`` of ``frame`` (counts, numerators: missing is allowed).

    Raises
    ------
    InputError
        Naming the column, the count and a few codes (the frame's index).

    Examples
    --------
    >>> non_negative(pd.DataFrame({"jobs": [3.0, -4.0]}, index=["E06000047", "E06000001"]), ["jobs"])
    Traceback (most recent call last):
    ...
    geo.errors.InputError: count column 'jobs' has 1 negative values (at 'E06000001'); counts cannot be negative
    """
    for column in columns:
        bad = frame.index[(frame[column] < 0).to_numpy()]
        if len(bad):
            raise InputError(f"{what} column {column!r} has {len(bad):,} negative values (at {examples(bad)}); {what}s cannot be negative")


def positive_weights(weights: pd.Series, *, argument: str, hint: str = "") -> None:
    """Refuse weights that are missing, infinite, zero or negative (``weights`` indexed by code).

    Examples
    --------
    >>> positive_weights(pd.Series([1.0, 0.0], index=["a", "b"]), argument="weight='w'")
    Traceback (most recent call last):
    ...
    geo.errors.InputError: weight='w' is missing, infinite, zero or negative for 1 areas ('b'); weights must be finite and positive
    """
    w = weights.to_numpy(dtype="float64")
    bad = ~np.isfinite(w) | (w <= 0)
    if bad.any():
        raise InputError(
            f"{argument} is missing, infinite, zero or negative for {int(bad.sum()):,} areas "
            f"({examples(weights.index[bad])}); weights must be finite and positive{hint}"
        )


def integer(value: object, *, argument: str, minimum: int) -> int:
    """Return ``value`` as an int if it is a whole number >= ``minimum`` (not a bool), else refuse.

    Examples
    --------
    >>> integer(99, argument="permutations", minimum=1)
    99
    >>> integer(9.5, argument="permutations", minimum=1)
    Traceback (most recent call last):
    ...
    geo.errors.InputError: permutations=9.5; expected a whole number >= 1
    """
    if isinstance(value, bool) or not isinstance(value, Integral):
        if isinstance(value, float) and value.is_integer() and value >= minimum:
            return int(value)
        raise InputError(f"{argument}={value!r}; expected a whole number >= {minimum}")
    if value < minimum:
        raise InputError(f"{argument}={value!r}; expected a whole number >= {minimum}")
    return int(value)


def number(value: object, *, argument: str, low: float, high: float, closed: str = "both") -> float:
    """Return ``value`` as a float if it is a finite real number in the interval, else refuse.

    ``closed`` says which ends belong to the interval: ``"both"``, ``"neither"``, ``"left"``
    or ``"right"``.

    Examples
    --------
    >>> number(0.05, argument="significance", low=0, high=1, closed="neither")
    0.05
    >>> number(1.5, argument="min_coverage", low=0, high=1)
    Traceback (most recent call last):
    ...
    geo.errors.InputError: min_coverage=1.5; expected a number in [0, 1]
    """
    left = "[" if closed in ("both", "left") else "("
    right = "]" if closed in ("both", "right") else ")"
    message = f"{argument}={value!r}; expected a number in {left}{low:g}, {high:g}{right}"
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(float(value)):
        raise InputError(message)
    x = float(value)
    above = x >= low if left == "[" else x > low
    below = x <= high if right == "]" else x < high
    if not (above and below):
        raise InputError(message)
    return x
