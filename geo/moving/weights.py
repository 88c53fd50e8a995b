"""Attach the weight of each area to an indicator table: equal, Census 2021 residents or a column.

:func:`geo.statistics.inequality.inequality` and :func:`geo.statistics.pockets.pockets`
weigh areas this way.

Examples
--------
>>> data = pd.DataFrame({"code": ["E06000047", "E06000017"], "score": [30.0, 10.0]})
>>> values_and_weights(data, "score", None, None, "code")[0]["__w"].tolist()
[1.0, 1.0]
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from geo import catalogue
from geo.data import cache
from geo.errors import InputError
from geo.geography import lookups
from geo.geography.population import population
from geo.moving.inputs import prepare
from geo.moving.values import positive_weights


def values_and_weights(
    data: pd.DataFrame, value: str, weight: str | None, level: str | None, code: str | None
) -> tuple[pd.DataFrame, str]:
    """Validate ``data`` and attach the weight of each area as column ``__w``.

    ``weight``: ``None`` (every area counts once), ``"population"`` (Census 2021 residents)
    or a column of ``data``. Returns the frame indexed by code and the level; raises when a
    value or weight is infinite, a weight is missing, zero or negative, or ``value`` is
    entirely missing.

    Parameters
    ----------
    data : DataFrame
        One row per area.
    value : str
        The value column.
    weight : str or None
        See above.
    level, code
        As for :func:`geo.moving.inputs.prepare`.

    Returns
    -------
    tuple of (DataFrame, str)
        ``value`` (and the weight column) plus ``__w``, indexed by code; the level.

    Raises
    ------
    InputError
        For an unknown ``weight``, bad codes, or weights that are not finite and positive.

    Examples
    --------
    >>> data = pd.DataFrame({"code": ["E06000047", "E06000017"], "score": [30.0, 10.0]})
    >>> frame, level = values_and_weights(data, "score", "population", None, "code")
    >>> level, frame["__w"].to_dict()  # Census 2021 residents of County Durham and Rutland
    ('lad24', {'E06000047': 522063.0, 'E06000017': 41059.0})
    >>> scottish = pd.DataFrame({"code": ["E06000047", "S12000036"], "score": [30.0, 20.0]})
    >>> values_and_weights(scottish, "score", "population", None, "code")
    Traceback (most recent call last):
    ...
    geo.errors.InputError: weight 'population' is missing, infinite, zero or negative for 1 areas ('S12000036'); weights must be finite and positive (Census 2021 covers England and Wales only: pass weight=None to weigh areas equally)
    >>> values_and_weights(scottish, "score", None, None, "code")[0]["__w"].tolist()
    [1.0, 1.0]
    """
    if isinstance(data, pd.DataFrame) and weight is not None and (not isinstance(weight, str) or (weight != "population" and weight not in data.columns)):
        raise InputError(f"weight={weight!r}; expected 'population' (Census 2021 residents), None (areas count equally) "
                         f"or a column of data; columns are {list(data.columns)[:12]}")
    columns = [value] + ([weight] if weight not in (None, "population") else [])
    prepared = prepare(data, columns=columns, level=level, code=code, kind={c: "count" if c == weight else "mean" for c in columns})
    frame = prepared.frame.copy()
    frame.index = pd.Index(frame.index, dtype="string", name=prepared.level)
    if frame[value].isna().all():
        raise InputError(f"value column {value!r} is entirely missing (NaN); nothing to measure")
    if weight is None:
        frame["__w"] = 1.0
    elif weight == "population":
        frame["__w"] = _population_of(prepared.level, catalogue.version(), str(cache.entry_path("")))[prepared.positions]
    else:
        frame["__w"] = frame[weight]
    hint = (" (Census 2021 covers England and Wales only: pass weight=None to weigh areas equally)"
            if weight == "population" else "")
    positive_weights(frame["__w"], argument=f"weight {weight!r}", hint=hint)
    return frame, prepared.level


@lru_cache(maxsize=32)
def _population_of(level: str, version: str, where: str) -> np.ndarray:
    """Census 2021 residents of each area of :func:`geo.geography.lookups.code_index` of
    ``level`` (NaN where unknown), memoised per catalogue and cache."""
    people = population(level)
    aligned = pd.Series(people.to_numpy(dtype="float64"), index=people.index.to_numpy(dtype=object)).reindex(lookups.code_index(level))
    return aligned.to_numpy(dtype="float64")
