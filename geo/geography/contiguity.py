"""Contiguity between the areas of a level, as libpysal builds it from the boundary polygons.

Queen (shared edge or corner) or rook (shared edge) contiguity is computed once per level by
``libpysal.weights.Queen/Rook.from_dataframe`` on the level's layer and cached as a table of
neighbour pairs. Repair for generalised boundaries: an area with no neighbour (an island such
as the Isles of Scilly, or an area cut off by generalisation) is joined to its nearest area
(``libpysal.weights.attach_islands`` with one nearest neighbour by centroid), so every area
takes part; ``attrs``/``islands`` on the returned weights name them.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd

from geo import catalogue
from geo.data import cache
from geo.errors import InputError, examples
from geo.geography import registry
from geo.geography.codes import codes_of, isin
from geo.geography.layers import boundaries

if TYPE_CHECKING:
    from libpysal import weights as lw  # imported where used: libpysal takes a second to load

KINDS = ("queen", "rook")


def check_kind(kind: object, *, argument: str) -> str:
    """Return ``kind`` if it is a contiguity rule (:data:`KINDS`), else refuse naming ``argument``.

    Examples
    --------
    >>> check_kind("rook", argument="kind")
    'rook'
    >>> check_kind("king", argument="contiguity")
    Traceback (most recent call last):
    ...
    geo.errors.InputError: contiguity='king'; expected one of ('queen', 'rook')
    """
    if not isinstance(kind, str) or kind not in KINDS:
        raise InputError(f"{argument}={kind!r}; expected one of {KINDS}")
    return kind


def neighbour_pairs(level: str, *, kind: str = "queen") -> pd.DataFrame:
    """Return the contiguity of a whole level as pairs (``focal``, ``neighbor``), both ways,
    islands already joined to their nearest area. Cached.

    Parameters
    ----------
    level : str
        A level id or alias (``"lad24"``, ``"lsoa21"``).
    kind : {"queen", "rook"}
        Queen (a shared point is enough) or rook (a shared edge) contiguity.

    Returns
    -------
    DataFrame
        Columns ``focal`` and ``neighbor`` (strings); ``attrs["islands"]`` lists the areas
        that had no neighbour and were joined to their nearest.

    Raises
    ------
    InputError
        For an unknown ``kind`` or level.

    Examples
    --------
    >>> pairs = neighbour_pairs("lad24")
    >>> sorted(pairs.loc[pairs["focal"] == "E06000047", "neighbor"])  # County Durham's neighbours
    ['E06000001', 'E06000004', 'E06000005', 'E06000057', 'E06000064', 'E06000065', 'E08000024', 'E08000037']
    >>> pairs.attrs["islands"]  # Wight, Scilly, Na h-Eileanan Siar, Orkney, Shetland, Anglesey
    ['E06000046', 'E06000053', 'S12000013', 'S12000023', 'S12000027', 'W06000001']
    """
    check_kind(kind, argument="kind")
    level = registry.resolve(level)
    key, version = f"contiguity/{level}-{kind}", catalogue.version()
    cached = cache.read(key, version=version)
    if cached is not None:
        return cached
    from libpysal import weights as lw

    layer = boundaries(level)
    builder = lw.Queen if kind == "queen" else lw.Rook
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = builder.from_dataframe(layer, use_index=True, silence_warnings=True)
        islands = list(w.islands)
        if islands:
            nearest = lw.KNN.from_dataframe(layer.set_geometry(layer.centroid), k=1, use_index=True)
            w = lw.attach_islands(w, nearest)
    pairs = w.to_adjlist(remove_symmetric=False, drop_islands=True)[["focal", "neighbor"]].astype("string")
    table = pd.DataFrame({"focal": pairs["focal"].to_numpy(), "neighbor": pairs["neighbor"].to_numpy()})
    table.attrs["islands"] = islands
    cache.write(key, table, source=f"libpysal {builder.__name__} on {level} boundaries; islands joined to nearest: {islands}", version=version)
    return table


def contiguity(level: str, codes: pd.Index | None = None, *, kind: str = "queen") -> lw.W:
    """Return libpysal weights among ``codes`` (default: every area of the level).

    Areas left without a neighbour inside the subset are joined to their nearest member of
    the subset, so the weights have no islands.

    Parameters
    ----------
    level : str
        The level of the areas (any level with boundaries).
    codes : Index, optional
        The areas (default: every area of the level), in the order of the weights; surrounding
        spaces and case are ignored (the weights use the upper-case codes).
    kind : {"queen", "rook"}
        Shared edge or corner (queen) or shared edge only (rook).

    Returns
    -------
    libpysal.weights.W
        Binary weights on ``codes``; ``w.attrs["joined_to_nearest"]`` lists the areas
        joined to their nearest neighbour.

    Examples
    --------
    >>> w = contiguity("lad24", pd.Index(["E06000001", "E06000004", "E06000003"]))
    >>> sorted(w.neighbors["E06000004"])
    ['E06000001', 'E06000003']
    """
    level = registry.resolve(level)
    check_kind(kind, argument="kind")
    pairs = neighbour_pairs(level, kind=kind)
    layer = boundaries(level)
    if codes is not None:  # trimmed and upper-cased, as every indicator table's codes
        codes = pd.Index(codes_of(pd.DataFrame(index=pd.Index(codes, dtype=object)), None))
    codes = pd.Index(layer.index if codes is None else codes, dtype="string")
    if len(codes) == 0:
        raise InputError("codes: no area given; pass at least one code (or None for every area of the level)")
    if codes.has_duplicates:
        raise InputError(f"codes: duplicated ({examples(codes[codes.duplicated()].unique())}); pass each area once")
    unknown = codes[~isin(codes, layer.index)]
    if len(unknown):
        raise InputError(f"codes: {len(unknown):,} are not {level} areas ({examples(unknown)})")
    inside = pairs[isin(pairs["focal"], codes) & isin(pairs["neighbor"], codes)]
    focal = inside["focal"].to_numpy(dtype=object)
    neighbor = inside["neighbor"].to_numpy(dtype=object)
    lonely = codes[~isin(codes, inside["focal"])]
    if len(lonely) and len(codes) > 1:
        focal, neighbor = _join_to_nearest(layer.geometry.loc[codes], lonely, focal, neighbor)
    adjacency = pd.DataFrame({"focal": focal, "neighbor": neighbor}).drop_duplicates()
    adjacency = adjacency.sort_values(["focal", "neighbor"], kind="mergesort")
    heads, starts = np.unique(adjacency["focal"].to_numpy(dtype=object), return_index=True)
    lists = np.split(adjacency["neighbor"].to_numpy(dtype=object), starts[1:])
    neighbors: dict[str, list[str]] = {code: [] for code in codes.to_numpy(dtype=object).tolist()}
    neighbors.update(zip(heads.tolist(), (part.tolist() for part in lists), strict=True))
    from libpysal import weights as lw

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = lw.W(neighbors, id_order=list(neighbors), silence_warnings=True)
    w.attrs = {"joined_to_nearest": [str(c) for c in lonely] if len(codes) > 1 else []}  # type: ignore[attr-defined]
    return w


def _join_to_nearest(
    shapes: gpd.GeoSeries, lonely: pd.Index, focal: np.ndarray, neighbor: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Add a pair both ways between each area in ``lonely`` and the nearest other area of
    ``shapes`` (by centroid), to the pair arrays ``focal``/``neighbor``."""
    from scipy.spatial import cKDTree

    centroids = shapes.centroid
    xy = np.column_stack([centroids.x.to_numpy(), centroids.y.to_numpy()])
    position = pd.Index(shapes.index, dtype="string").get_indexer(lonely)
    _, found = cKDTree(xy).query(xy[position], k=2)
    nearest = np.where(found[:, 0] == position, found[:, 1], found[:, 0])
    near_codes = shapes.index.to_numpy(dtype=object)[nearest]
    alone = lonely.to_numpy(dtype=object)
    return np.concatenate([focal, alone, near_codes]), np.concatenate([neighbor, near_codes, alone])
