"""Tell which level (and vintage) a column of area codes belongs to.

Detection uses membership in the real code lists, not prefixes alone: E01 codes exist in both
the 2011 and 2021 LSOA lists (about 33,600 are shared), E06 codes are both districts and
upper-tier authorities.

The common case (every code belongs to one level) is answered from a sample: the levels whose
pattern and code list hold every sampled code are the only ones that can hold every code, so
only those are checked in full, each with one vectorised look-up in the level's memoised code
index (:func:`geo.geography.lookups.code_index`). Anything else (unknown codes, a mixture)
takes the full per-level count, which gives the same answer and the detailed errors.

Examples
--------
>>> detect_level(["E01000001", "E01033768"]).level
'lsoa21'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geo import catalogue
from geo.data import cache
from geo.errors import InputError, examples
from geo.geography import lookups, registry
from geo.geography.codes import isin


@dataclass(frozen=True)
class LevelMatch:
    """The outcome of :func:`detect_level`.

    Attributes
    ----------
    level : str
        The level containing the most codes (all of them unless ``errors="report"``).
    vintage : str
        That level's vintage.
    n_codes : int
        Number of distinct codes examined.
    matched : int
        Distinct codes found in ``level``'s code list.
    unknown : tuple of str
        Distinct codes found in no level (with ``errors="report"``).
    also : tuple of str
        Other levels that contain every code too (``lsoa11`` when all codes are shared by
        both LSOA vintages; ``utla23`` for unitary authorities only).

    Examples
    --------
    >>> detect_level(["E06000047", "E06000005"])  # two unitary authorities: districts, and upper tier too
    LevelMatch(level='lad24', vintage='2024', n_codes=2, matched=2, unknown=(), also=('utla23',))
    >>> detect_level(["E06000047", "X"], errors="report").unknown
    ('X',)
    """

    level: str
    vintage: str
    n_codes: int
    matched: int
    unknown: tuple[str, ...] = ()
    also: tuple[str, ...] = ()


#: How many codes, evenly spaced, :func:`one_level` checks against every level first.
SAMPLE = 64


def one_level(codes: np.ndarray | pa.Array, *, also: bool = True) -> tuple[LevelMatch, np.ndarray] | None:
    """The level holding every one of ``codes``, with their positions in its code index; or
    ``None`` when no level holds them all (the caller then counts level by level).

    The answer is the one :func:`detect_level` gives by counting every level: a level holding
    every code holds every sampled code, so only the levels holding the whole sample are
    checked in full, in catalogue order (the first that holds every code wins, as in
    :func:`detect_level`'s ties).

    Parameters
    ----------
    codes : ndarray or pyarrow.Array of str
        Trimmed, upper-case codes; duplicates are allowed (``n_codes`` then counts them).
    also : bool, default True
        Also find the other levels holding every code (:attr:`LevelMatch.also`); ``False``
        skips that check (``also`` is then empty).

    Returns
    -------
    tuple of (LevelMatch, ndarray) or None
        The match and the position of each code in :func:`geo.geography.lookups.code_index`
        of its level.

    Examples
    --------
    >>> match, positions = one_level(np.array(["E06000047", "E06000005"], dtype=object))
    >>> match.level, match.also, positions.tolist()
    ('lad24', ('utla23',), [44, 4])
    >>> one_level(np.array(["E06000047", "E01000001"], dtype=object)) is None  # two levels
    True
    """
    text = codes if isinstance(codes, pa.Array) else pa.array(np.asarray(codes, dtype=object), type=pa.string(), from_pandas=True)
    n = len(text)
    if n == 0 or text.null_count:
        return None
    sample = text.take(pa.array(np.unique(np.linspace(0, n - 1, min(n, SAMPLE)).astype(np.int64)))).to_pylist()
    found: list[str] = []
    positions: np.ndarray | None = None
    for item in registry.specs().values():
        pattern = item.regex
        if not all(pattern.fullmatch(c) for c in sample):
            continue
        if (lookups.code_index(item.id).get_indexer(sample) < 0).any():
            continue
        where = positions_in(text, item.id)
        if where is None:
            continue
        found.append(item.id)
        if positions is None:
            positions = where
            if not also:
                break
    if positions is None:
        return None
    best = found[0]
    return LevelMatch(best, registry.spec(best).vintage, n, n, (), tuple(found[1:])), positions


def positions_in(codes: pa.Array, level: str) -> np.ndarray | None:
    """Positions of ``codes`` in the level's code index, or ``None`` if any is not an area of it.

    One Arrow look-up against the level's memoised code array.

    Examples
    --------
    >>> positions_in(pa.array(["TLC", "TLI"]), "itl1").tolist()
    [0, 6]
    >>> positions_in(pa.array(["TLC", "X"]), "itl1") is None
    True
    """
    level = registry.resolve(level)
    found = pc.index_in(codes, value_set=_code_array(level, catalogue.version(), str(cache.entry_path(""))))
    if found.null_count:
        return None
    return found.to_numpy(zero_copy_only=False).astype(np.intp)


@lru_cache(maxsize=32)
def _code_array(level: str, version: str, where: str) -> pa.Array:
    """The level's code index as an Arrow string array (memoised per catalogue and cache)."""
    return pa.array(lookups.code_index(level).to_numpy(dtype=object), type=pa.string())


def _family(level: str) -> str:
    return re.sub(r"\d+$", "", level)


def detect_level(codes: Iterable[str] | pd.Series | pd.Index, *, errors: str = "raise") -> LevelMatch:
    """Detect the geography level of a collection of area codes.

    Parameters
    ----------
    codes : iterable of str
        Area codes (a column, an index or a list). Surrounding spaces are ignored.
    errors : {"raise", "report"}
        With ``"raise"`` (default), codes found in no level are an error; with ``"report"``
        they are returned in the ``unknown`` field of :class:`~geo.LevelMatch`.

    Returns
    -------
    LevelMatch

    Raises
    ------
    InputError
        For missing values, codes in no level (``errors="raise"``), a mixture of levels
        (LSOAs and districts) or of vintages (codes only in LSOA 2011 mixed with codes only in
        LSOA 2021), with counts and examples of each part.

    Examples
    --------
    >>> match = detect_level(["E01000001", "E01033768"])
    >>> match.level, match.matched, match.unknown
    ('lsoa21', 2, ())
    """
    if errors not in {"raise", "report"}:
        raise InputError(f"errors={errors!r}; expected 'raise' or 'report'")
    series = pd.Series(list(codes) if not isinstance(codes, (pd.Series, pd.Index)) else codes.to_numpy(), dtype="string")
    if series.isna().any():
        raise InputError(f"codes has {int(series.isna().sum()):,} missing values; drop or fill them before detecting the level")
    distinct = pd.Index(series.str.strip().str.upper().unique())
    if distinct.empty:
        raise InputError("codes is empty; expected area codes such as 'E01000001' or 'E06000047'")
    quick = one_level(distinct.to_numpy(dtype=object))
    if quick is not None:
        return quick[0]
    members: dict[str, pd.Index] = {}
    for item in registry.specs().values():
        candidates = distinct[distinct.str.fullmatch(item.pattern)]
        if len(candidates):
            inside = candidates[isin(candidates, lookups.areas(item.id).index)]
            if len(inside):
                members[item.id] = inside
    found = list(members.values())
    known = found[0].append(found[1:]).unique().sort_values() if found else pd.Index([], dtype="string")
    unknown = distinct.difference(known)
    if len(unknown) and errors == "raise":
        raise InputError(
            f"codes: {len(unknown):,} of {len(distinct):,} distinct codes are in no level's code list "
            f"({examples(unknown)}); check for typos, codes of another vintage or nation, or pass "
            "errors='report' to see the rest"
        )
    if not members:
        raise InputError(f"codes: none of {len(distinct):,} codes belongs to a known level ({examples(distinct)})")
    best = max(members, key=lambda name: len(members[name]))  # first in catalogue order wins ties
    rest = known.difference(members[best])
    if len(rest):
        parts = "; ".join(
            f"{len(members[name].difference(members[best])):,} only in {name} (e.g. {examples(members[name].difference(members[best]), 3)})"
            for name in members
            if name != best and len(members[name].difference(members[best]))
        )
        others = {name for name in members if name != best and len(members[name].difference(members[best]))}
        kind = "vintages" if all(_family(name) == _family(best) for name in others) else "levels"
        raise InputError(
            f"codes mixes {kind}: {len(members[best]):,} codes are {best}; {parts}. Convert or "
            f"separate them first (e.g. geo.convert for lsoa11 -> lsoa21)"
        )
    also = tuple(name for name in members if name != best and len(members[name]) == len(members[best]))
    item = registry.spec(best)
    return LevelMatch(best, item.vintage, len(distinct), len(members[best]), tuple(unknown), also)
