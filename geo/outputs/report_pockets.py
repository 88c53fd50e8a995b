"""The pockets of one report as the page, the maps and the files show them: numbered 1..n
worst first, named, and the small areas in them with their national rank "of N".

With a pocket profile (:mod:`geo.statistics.pocket_profile`, names from wards, domains,
change since 2019) the profile's tables are used as they are; without one the pockets are
numbered here and named by their small areas.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import pandas as pd

from geo.geography import lookups
from geo.geography.detect import detect_level

#: Columns of the numbered pockets, in this order (a profile adds its own before ``pocket_id``).
FIRST = ["name", "small_areas", "n_areas", "population", "value", "parent_name", "hidden"]
LAST = ["pocket_id", "parent", "codes", "geometry"]


def _names(codes: pd.Index) -> pd.Series:
    """Names of small areas ("County Durham 025B"), the code where a name is not known."""
    if len(codes) == 0:
        return pd.Series(dtype="object")
    names = lookups.areas(detect_level(codes).level)["name"].reindex(codes)
    return names.fillna(pd.Series(codes, index=codes)).astype(str)


def _short(names: list[str], most: int = 3) -> str:
    """A pocket's name from its small areas: the first ``most``, then how many more.

    Examples
    --------
    >>> _short(["Durham 025A", "Durham 025B"]), _short(list("abcde"))
    ('Durham 025A; Durham 025B', 'a; b; c and 2 more')
    """
    return "; ".join(names) if len(names) <= most else f"{'; '.join(names[:most])} and {len(names) - most} more"


def numbered(local: gpd.GeoDataFrame, *, higher_is_better: bool, profile: Any = None) -> gpd.GeoDataFrame:
    """The pockets of a report indexed by ``number`` (1 = worst), names first and codes last.

    Parameters
    ----------
    local : GeoDataFrame
        Rows of :func:`geo.pockets` for the area (columns ``pocket``, ``codes``, ``n_areas``,
        ``population``, ``value``, ``parent``, ``parent_name``, ``hidden``, geometry). Not mutated.
    higher_is_better : bool
        Direction of ``value``: the worst pocket is numbered 1 (ties: more residents first).
    profile : PocketProfile, optional
        When given, its ``pockets`` table (already numbered) is returned.

    Returns
    -------
    GeoDataFrame
        Columns :data:`FIRST`, any profile columns, then :data:`LAST`.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> local = gpd.GeoDataFrame({"pocket": [5, 27], "codes": ["E01020752", "E01020602,E01020603"], "n_areas": [1, 2],
    ...     "population": [1500.0, 3100.0], "value": [80.2, 61.0], "parent": "E06000047", "parent_name": "County Durham",
    ...     "hidden": False}, geometry=[box(0, 0, 1, 1), box(2, 0, 3, 1)], crs=27700)
    >>> table = numbered(local, higher_is_better=False)
    >>> table[["name", "pocket_id", "codes"]].reset_index().values.tolist()
    [[1, 'County Durham 025B', 5, 'E01020752'], [2, 'County Durham 011E; County Durham 013D', 27, 'E01020602,E01020603']]
    """
    if profile is not None:
        return profile.pockets
    order = local.assign(_people=local["population"].fillna(0)).sort_values(
        ["value", "_people", "pocket"], ascending=[higher_is_better, False, True])
    table = gpd.GeoDataFrame(order.drop(columns="_people"), geometry=order.geometry.name, crs=local.crs)
    members = table["codes"].str.split(",")
    names = _names(pd.Index(members.explode().dropna().astype(str).unique()))
    table["small_areas"] = [("; ".join(names[c] for c in codes)) for codes in members]
    table["name"] = [_short([names[c] for c in codes]) for codes in members]
    table = table.rename(columns={"pocket": "pocket_id"})
    table.index = pd.RangeIndex(1, len(table) + 1, name="number")
    rest = [c for c in table.columns if c not in FIRST and c not in LAST]
    return table[[c for c in FIRST if c in table.columns] + rest + [c for c in LAST if c in table.columns]]


def members(frame: pd.DataFrame, value: str, pockets: gpd.GeoDataFrame, *, higher_is_better: bool, profile: Any = None) -> pd.DataFrame:
    """The small areas in the pockets, worst first: ``name``, pocket ``number``, ``value``,
    national ``rank`` (1 = worst) and ``of`` (how many areas are ranked); indexed by code.

    ``frame`` holds the indicator for every area (the ranks are national: among all areas
    with a value). With a profile, its ``members`` table gives the names (and wards).

    Examples
    --------
    >>> frame = pd.DataFrame({"v": [80.2, 61.0, 70.0, 5.0]}, index=["E01020752", "E01020602", "E01020603", "E01020604"])
    >>> pockets = pd.DataFrame({"codes": ["E01020752", "E01020602,E01020603"]}, index=pd.Index([1, 2], name="number"))
    >>> members(frame, "v", pockets, higher_is_better=False)[["number", "value", "rank", "of"]].reset_index().values.tolist()
    [['E01020752', 1, 80.2, 1, 4], ['E01020603', 2, 70.0, 2, 4], ['E01020602', 2, 61.0, 3, 4]]
    """
    number_of = {code: number for number, codes in pockets["codes"].items() for code in str(codes).split(",")}
    values = pd.to_numeric(frame[value], errors="coerce")
    ranks = values.rank(ascending=higher_is_better, method="min")
    codes = pd.Index([c for c in number_of if c in values.index], name="code")
    table = pd.DataFrame(index=codes)
    if profile is not None and len(profile.members):
        table["name"] = profile.members["name"].reindex(codes).astype("object")
        if "ward" in profile.members.columns:
            table["ward"] = profile.members["ward"].reindex(codes).astype("object")
        table["name"] = table["name"].fillna(_names(codes).reindex(codes))
    else:
        table["name"] = _names(codes).reindex(codes).to_numpy() if len(codes) else []
    table["number"] = [number_of[c] for c in codes]
    table["value"] = values.reindex(codes).to_numpy()
    table["rank"] = ranks.reindex(codes).astype("Int64").to_numpy()
    table["of"] = int(values.notna().sum())
    if profile is not None and "change" in profile.members.columns:
        table["change"] = profile.members["change"].reindex(codes).fillna("").to_numpy()
    return table.sort_values(["rank", "number"], ascending=True, na_position="last")
