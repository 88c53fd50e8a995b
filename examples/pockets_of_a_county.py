"""
A county's pockets of deprivation
=================================

Which neighbourhoods of County Durham are among England's most deprived 10 %, and how do
they group into *pockets*: neighbouring LSOAs that are all in the worst decile? This is what
``levelup report --area "County Durham"`` maps; here it is step by step, to adapt.

Run: ``python examples/pockets_of_a_county.py`` (with ``LEVELUP_MIRROR`` set, or online).
"""

from __future__ import annotations

import pandas as pd

import geo
from geo.data import products


def main(area: str = "County Durham") -> pd.DataFrame:
    # The English Indices of Deprivation 2025: one row per LSOA 2021, with the IMD score
    # (higher = more deprived), its national rank (1 = most deprived) and decile.
    iod = products.load("iod2025")

    # A name people use -> level, code and ONS name (Area(level='lad24', code='E06000047', ...)).
    place = geo.area(area)

    # Pockets: contiguous LSOAs in England's most deprived decile, inside one district.
    # The deciles are national (the whole file is used); only= keeps this area's pockets.
    found = geo.pockets(iod, code="LSOA21CD", value="IMD_score", worse="high", within="lad24", only=place.code)
    print(f"{place.name}: {len(found)} pockets, {int(found['population'].sum()):,} residents "
          f"(Census 2021), in {found['n_areas'].sum()} of England's most deprived 10% of LSOAs")

    # The table: pockets worst first, named by their LSOAs (ONS names such as "County Durham 015A").
    names = geo.boundaries("lsoa21", within=place.code)["name"]
    def named(codes: str) -> str:
        lsoas = [names[c] for c in codes.split(",")]
        return ", ".join(lsoas[:2]) + (f" and {len(lsoas) - 2} more" if len(lsoas) > 2 else "")

    table = found[["pocket", "n_areas", "population", "value"]].assign(lsoas=found["codes"].map(named))
    print(table.head(10).to_string(index=False, formatters={"value": "{:.1f}".format, "population": "{:,.0f}".format}))

    # The map: IMD score in quintiles of the county's LSOAs, darkest = most deprived,
    # pockets hatched in blue and numbered worst first. Save it with fig.savefig("pockets.png").
    fig = geo.plot(iod, code="LSOA21CD", value="IMD_score", within=place.code, higher_is_better=False,
                   highlight=found, highlight_name="Pocket (most deprived 10%)", highlight_labels="pocket",
                   title=f"IMD 2025 score, {place.name}")
    assert fig.axes  # a map was drawn
    return table


# %%
# Run it for County Durham; ``main("Northumberland")`` does the same for another area.
# It prints the pockets and draws the map below.

if __name__ == "__main__":
    main()
