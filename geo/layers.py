"""Boundary layers for every level, in British National Grid, from the catalogue.

Levels with a boundary product are read from it (the cache holds them already projected and
repaired); levels without one (``utla23``, ``rgn24``, ``itl1``, ``ctry``) are dissolved from
finer layers through the lookups — in England and Wales from the LSOA layer, so their edges
follow LSOA edges and maps show no slivers, and in Scotland and Northern Ireland from the LAD
layer. The December 2021 counties file predates the April 2023 reorganisation and is never
used for ``utla23``.
"""

from __future__ import annotations

import logging

import geopandas as gpd
import pandas as pd

from geo import cache, catalogue, lookups, products, registry
from geo.codes import isin
from geo.errors import DataError, InputError, NestingError, examples
from geo.places import levels_of

log = logging.getLogger(__name__)

#: British National Grid, the CRS of every layer returned.
CRS = "EPSG:27700"


def boundaries(level: str, *, within: str | None = None, dissolve_from: str | None = None) -> gpd.GeoDataFrame:
    """Return the areas of a level as a GeoDataFrame indexed by code.

    Parameters
    ----------
    level : str
        A level id or alias (``"lsoa21"``, ``"utla"``, ``"region"``).
    within : str, optional
        An area code at a coarser level (``"TLC"``, ``"E06000047"``, ``"E23000001"``): only
        the areas inside it are returned, selected through the lookups (not geometry).
    dissolve_from : str, optional
        Build the layer by dissolving this finer level through the lookups instead of
        reading the level's own boundary product; ``boundaries("lad24",
        dissolve_from="lsoa21")`` gives district outlines that follow LSOA edges exactly
        (areas the finer level does not cover, such as Scottish councils, keep their
        published shapes).

    Returns
    -------
    GeoDataFrame
        Index ``code``, columns ``name`` and ``geometry``, CRS EPSG:27700, valid geometries,
        sorted by code.

    Examples
    --------
    >>> lads = boundaries("lad24")
    >>> len(lads), lads.crs.to_epsg()
    (361, 27700)
    >>> boundaries("lad24", within="TLC").shape[0]
    12
    """
    item = registry.spec(level)
    base = registry.resolve(dissolve_from, argument="dissolve_from") if dissolve_from else None
    if base == item.id:
        base = None
    layer = _layer(item, base)
    if within is None:
        return layer
    return layer.loc[_codes_within(item.id, within)]


def _layer(item: registry.LevelSpec, base: str | None) -> gpd.GeoDataFrame:
    key = f"boundaries/{item.id}" + (f"-from-{base}" if base else "")
    version = catalogue.version()
    cached = cache.read(key, version=version)
    if cached is not None:
        return cached
    if base is None and item.boundaries:
        layer = _from_product(item)
        source = item.boundaries
    else:
        bases = (base, *[b for b in item.dissolve if b != base]) if base else item.dissolve
        layer = _dissolved(item, bases)
        source = "dissolved from " + " + ".join(bases)
    cache.write(key, layer, source=source, version=version)
    return layer


def _finish(item: registry.LevelSpec, codes: pd.Series, geometry: gpd.GeoSeries) -> gpd.GeoDataFrame:
    names = lookups.areas(item.id)["name"]
    extra = codes[~isin(codes, names.index)]
    if len(extra):
        raise DataError(f"{item.id} boundaries: {len(extra):,} codes are not in the {item.id} area list: {examples(extra)}")
    layer = gpd.GeoDataFrame(
        {"name": names.reindex(codes).to_numpy()},
        geometry=geometry.make_valid().to_numpy(),
        index=pd.Index(codes.to_numpy(), name="code", dtype="string"),
        crs=CRS,
    ).sort_index()
    missing = names.index.difference(layer.index)
    if len(missing):
        raise DataError(f"{item.id} boundaries: {len(missing):,} areas have no shape: {examples(missing)}")
    return layer


def _from_product(item: registry.LevelSpec) -> gpd.GeoDataFrame:
    assert item.boundaries is not None
    source = catalogue.product(item.boundaries)
    frame = products.load(source.id)
    if frame.crs is None:
        raise DataError(f"product {source.id!r} has no CRS; the catalogue says {source.crs}")
    projected = frame.geometry.to_crs(CRS)
    return _finish(item, frame[source.field(item.id)].astype("string"), projected)


def _dissolved(item: registry.LevelSpec, bases: tuple[str, ...]) -> gpd.GeoDataFrame:
    pieces: list[gpd.GeoDataFrame] = []
    done: set[str] = set()
    for base in bases:
        shapes = boundaries(base)
        parents = lookups.lookup(base, item.id, best_fit=True).set_index(base)[item.id]
        shapes = shapes.loc[isin(shapes.index, parents.index)]
        grouped = gpd.GeoDataFrame(
            {"parent": parents.reindex(shapes.index).to_numpy()}, geometry=shapes.geometry.to_numpy(), crs=CRS
        )
        grouped = grouped[~grouped["parent"].isin(done)]
        if grouped.empty:
            continue
        log.info("dissolving %d %s areas into %s", len(grouped), base, item.id)
        merged = grouped.dissolve("parent")
        pieces.append(merged)
        done.update(merged.index)
    if item.boundaries:  # areas the bases do not cover (Scotland, NI) keep the published shapes
        own = _from_product(item)
        own = own[~own.index.isin(done)]
        pieces.append(own[["geometry"]])
    if not pieces:
        raise DataError(f"{item.id}: nothing to dissolve from {bases}")
    merged = pd.concat(pieces)
    return _finish(item, merged.index.to_series().astype("string"), merged.geometry)


def _codes_within(level: str, within: str) -> pd.Index:
    code = str(within).strip().upper()
    holders = [h for h in levels_of(code) if h in registry.spec(level).nests_in]
    if not holders:
        found = levels_of(code)
        if not found:
            raise InputError(f"within={within!r} is not a known area code at any level; expected e.g. 'TLC' or 'E06000047'")
        raise NestingError(
            f"within={within!r} is a {'/'.join(found)} code, and {level} does not nest in "
            f"{'/'.join(found)}; {level} nests in: {', '.join(registry.spec(level).nests_in) or 'nothing'}"
        )
    table = lookups.lookup(level, holders[0])
    return pd.Index(table.loc[table[holders[0]] == code, level], name="code")
