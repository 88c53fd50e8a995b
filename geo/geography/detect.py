"""Tell which level (and vintage) a column of area codes belongs to.

Detection uses membership in the real code lists, not prefixes alone: E01 codes exist in both
the 2011 and 2021 LSOA lists (about 33,600 are shared), E06 codes are both districts and
upper-tier authorities.

Examples
--------
>>> detect_level(["E01000001", "E01033768"]).level
'lsoa21'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

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
        they are returned in :attr:`LevelMatch.unknown`.

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
