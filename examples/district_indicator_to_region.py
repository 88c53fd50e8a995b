"""
Counts from LSOAs to regions and back
=====================================

Library use from other analysis code: move indicators between levels with the right maths.
Counts add up on the way up (with a coverage report); on the way down a district's count is
shared out in proportion to population, and adding it back up gives the same totals.

Run: ``python examples/district_indicator_to_region.py`` (with LEVELUP_MIRROR set, or online).
"""

from __future__ import annotations

import pandas as pd

import geo


def main() -> pd.DataFrame:
    # IoD2025 income-deprived people per LSOA (a count) -> every region, with coverage
    lsoa = geo.population("lsoa21").rename("people").to_frame()
    regions = geo.aggregate(lsoa, to="itl1", value="people", kind="count")
    print(regions[["name", "people", "children_expected", "children_present"]].to_string())

    # a district-level count pushed down to LSOAs in proportion to population, and back
    districts = geo.lookup("lad24", "itl1").query("itl1 == 'TLC'")[["lad24"]].assign(jobs=1000.0)
    lsoas = geo.disaggregate(districts, code="lad24", to="lsoa21", value="jobs", kind="count")
    back = geo.aggregate(lsoas, to="lad24", value="jobs", kind="count")
    assert (back["jobs"].round(6) == 1000.0).all()
    print(f"{len(lsoas):,} North East LSOAs; totals conserved: {back['jobs'].sum():,.0f}")

    # the map: residents per region and nation (ITL1), in five classes
    millions = regions.assign(millions=regions["people"] / 1e6)
    fig = geo.plot(millions, value="millions", level="itl1", outlines=(), title="Usual residents, Census 2021 (millions)")
    assert fig.axes
    return regions


# %%
# Run it: residents by region, and the North East's districts shared out and added up again.

if __name__ == "__main__":
    main()
