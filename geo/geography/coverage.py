"""National coverage: may a national threshold, rank or comparison be computed from these data?

A figure defined nationally (a national decile, "hidden" pockets compared with the national
average, the England row of a report) is only true when the data hold the whole nation. The
rule used throughout the package: for every nation that has at least one area in the data,
the data must hold at least :data:`NATIONAL_COVERAGE` (99 %) of that nation's areas of the
level. Otherwise the figure is refused with a :class:`~geo.errors.CoverageError` that says
what the data cover and how to proceed.

Examples
--------
>>> import pandas as pd
>>> table = national_coverage(pd.Index(["E06000047", "E06000001"]), "lad24")
>>> england = table.loc["E92000001"]
>>> str(england["name"]), int(england["areas"]), int(england["in_data"])
('England', 296, 2)
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from geo import catalogue
from geo.data import cache
from geo.errors import CoverageError
from geo.geography import lookups, registry

#: Share of a nation's areas the data must hold for a national figure.
NATIONAL_COVERAGE = 0.99


def national_coverage(codes: pd.Index | pd.Series, level: str) -> pd.DataFrame:
    """Count, for each nation, its areas of ``level`` and how many of them are in ``codes``.

    Parameters
    ----------
    codes : Index or Series
        Area codes of ``level`` present in the data (codes of other levels are ignored).
    level : str
        Level of the codes.

    Returns
    -------
    DataFrame
        Indexed by nation code: ``name``, ``areas`` (the nation's areas of the level),
        ``in_data`` and ``share`` (``in_data / areas``). Nations with no area of the level
        are not listed.

    Examples
    --------
    >>> int(national_coverage(pd.Index(["W01000003"]), "lsoa21").loc["W92000004", "in_data"])
    1
    """
    level = registry.resolve(level, argument="level")
    codes_, nation_of, nations, names = _nations(level, catalogue.version(), str(cache.entry_path("")))
    given = pd.Series(codes, dtype=object).dropna().to_numpy(dtype=object)
    where = codes_.get_indexer(given)
    present = np.zeros(len(codes_), dtype=bool)
    present[where[where >= 0]] = True
    in_data = np.bincount(nation_of[present], minlength=len(nations))
    result = pd.DataFrame({"name": names, "areas": np.bincount(nation_of, minlength=len(nations)), "in_data": in_data.astype(int)},
                          index=pd.Index(nations, name="ctry"))
    result["share"] = result["in_data"] / result["areas"]
    return result


@lru_cache(maxsize=32)
def _nations(level: str, version: str, where: str) -> tuple[pd.Index, np.ndarray, np.ndarray, pd.Series]:
    """The level's areas (object index), the position of each one's nation, the nations
    (sorted) and their names, memoised per catalogue and cache."""
    if level == "ctry":
        nations = lookups.areas("ctry")
        table = pd.DataFrame({"ctry": nations.index.to_numpy(dtype=object), "ctry_name": nations["name"].to_numpy(dtype=object)})
        table["code"] = table["ctry"]
    else:
        table = lookups.lookup(level, "ctry").rename(columns={level: "code"})
    nation_of, found = pd.factorize(table["ctry"].to_numpy(dtype=object), sort=True)
    names = pd.Series(table["ctry_name"].to_numpy(dtype=object)).groupby(nation_of).first()
    return pd.Index(table["code"].to_numpy(dtype=object), dtype=object), nation_of, np.asarray(found, dtype=object), names.to_numpy(dtype=object)


def require_national(codes: pd.Index | pd.Series, level: str, *, what: str, how: str) -> list[str]:
    """Return the nations the data cover nationally, or raise :class:`~geo.CoverageError`.

    Every nation with at least one area in ``codes`` must have at least
    ``NATIONAL_COVERAGE`` of its areas present.

    Parameters
    ----------
    codes : Index or Series
        Area codes with a value.
    level : str
        Their level.
    what : str
        The figure that needs national data, for the message (``"threshold='national_decile_1'"``).
    how : str
        How to proceed, for the message (``"pass a numeric threshold= or the full national file"``).

    Returns
    -------
    list of str
        Names of the nations covered (``['England']``).

    Raises
    ------
    CoverageError
        When no nation, or not every nation present, is covered.

    Examples
    --------
    >>> import geo
    >>> iod = geo.data.products.load("iod2025")
    >>> require_national(pd.Index(iod["LSOA21CD"]), "lsoa21", what="national deciles", how="use the full file")
    ['England']
    >>> require_national(pd.Index(iod["LSOA21CD"][:500]), "lsoa21", what="national deciles", how="use the full file")
    Traceback (most recent call last):
    ...
    geo.errors.CoverageError: national deciles needs data for a whole nation, but the data hold 500 of England's 33,755 lsoa21 areas (1.5 %); at least 99 % of a nation's areas are needed: use the full file
    """
    table = national_coverage(codes, level)
    present = table[table["in_data"] > 0]
    short = present[present["share"] < NATIONAL_COVERAGE]
    if present.empty or len(short):
        rows = short if len(short) else table
        held = "; ".join(f"{int(r.in_data):,} of {r.name}'s {int(r.areas):,} {level} areas ({100 * r.share:.1f} %)" for r in rows.itertuples())
        raise CoverageError(
            f"{what} needs data for a whole nation, but the data hold {held or 'no area of the level'}; "
            f"at least {100 * NATIONAL_COVERAGE:.0f} % of a nation's areas are needed: {how}"
        )
    return present["name"].tolist()


def covers_nation(codes: pd.Index | pd.Series, level: str) -> bool:
    """Return whether :func:`require_national` would accept ``codes`` (no error raised).

    Examples
    --------
    >>> covers_nation(pd.Index(["E06000047"]), "lad24")
    False
    """
    table = national_coverage(codes, level)
    present = table[table["in_data"] > 0]
    return bool(len(present)) and bool(np.all(present["share"] >= NATIONAL_COVERAGE))
