"""
A region's pockets, exported for GIS colleagues
===============================================

Map the most-deprived-decile pockets of a region and export them for GIS colleagues: an
interactive map (HTML, opens in any browser) and a GeoPackage (QGIS, ArcGIS), plus a static
map for a slide.

Run: ``python examples/map_pockets_for_a_region.py`` (with LEVELUP_MIRROR set, or online).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import geopandas as gpd

import geo
from geo.data import products


def main(region: str = "North East", out: Path | None = None) -> gpd.GeoDataFrame:
    out = out or Path(tempfile.mkdtemp())
    iod = products.load("iod2025")
    place = geo.area(region)
    found = geo.pockets(iod, code="LSOA21CD", value="IMD_score", worse="high", within="lad24")  # national deciles
    itl1 = geo.lookup(place.level, "itl1").set_index(place.level).loc[place.code, "itl1"]
    mine = found[found["itl1"].str.contains(itl1)]  # pockets may straddle borders: "TLC,TLD"
    print(f"{place.name}: {len(mine)} pockets of England's most deprived 10% of LSOAs, "
          f"{int(mine['population'].sum()):,} residents; {int(mine['hidden'].sum())} hidden in better-off districts")
    m = geo.map(iod, code="LSOA21CD", value="IMD_score", within=place.code, highlight=mine, higher_is_better=False)
    geo.export(m, out / "pockets.html", overwrite=True)
    geo.export({"pockets": mine}, out / "pockets.gpkg", overwrite=True)
    print(f"wrote {out / 'pockets.html'} and {out / 'pockets.gpkg'}")
    print(mine[["pocket", "parent_name", "n_areas", "population", "value"]].head(8).to_string(index=False))
    # the same map, static, for a slide (geo.export(fig, "pockets.png") writes it)
    fig = geo.plot(iod, code="LSOA21CD", value="IMD_score", within=place.code, highlight=mine, higher_is_better=False,
                   highlight_name="Pocket (most deprived 10%)", title=f"IMD 2025 score, {place.name}")
    assert fig.axes
    return mine


# %%
# Run it for the North East; the files go to a temporary folder (pass ``out=``).

if __name__ == "__main__":
    main()
