"""
A region's hidden pockets
=========================

A *hidden* pocket lies in a district whose average looks better than England's: the
district's own figure conceals it. This script finds the North East's pockets of England's
most deprived 10 % of LSOAs and picks out the hidden ones.

Run: ``python examples/hidden_pockets_of_a_region.py`` (with ``LEVELUP_MIRROR`` set, or online).
"""

from __future__ import annotations

import pandas as pd

import geo
from geo.data import products


def main(region: str = "North East") -> pd.DataFrame:
    iod = products.load("iod2025")
    place = geo.area(region)  # Area(level='rgn24', code='E12000001', name='North East')

    # The districts of the region: pockets are found inside each of them.
    districts = geo.lookup("lad24", place.level)
    districts = districts.loc[districts[place.level] == place.code, "lad24"].tolist()

    # hidden = the district's population-weighted average IMD score is better (lower) than
    # England's. National deciles and "hidden" need the whole of England: pass the whole file.
    found = geo.pockets(iod, code="LSOA21CD", value="IMD_score", worse="high", within="lad24", only=districts)
    hidden = found[found["hidden"].astype(bool)]
    print(f"{place.name}: {len(found)} pockets in {len(districts)} districts; {len(hidden)} hidden "
          f"({int(hidden['population'].sum()):,} residents). England's average score: {found.attrs['national_value']:.1f}")

    # The table: hidden pockets with their district's average next to their own.
    table = hidden[["pocket", "parent_name", "parent_value", "value", "n_areas", "population"]]
    print(table.to_string(index=False, formatters={"parent_value": "{:.1f}".format, "value": "{:.1f}".format,
                                                   "population": "{:,.0f}".format}))

    # The maps: the region's LSOAs by IMD score with district outlines and the hidden pockets
    # numbered, then a closer look at the district holding the most of them.
    region_map = geo.plot(iod, code="LSOA21CD", value="IMD_score", within=place.code, higher_is_better=False,
                          highlight=hidden, highlight_name="Hidden pocket", highlight_labels="pocket", outlines=("lad24",),
                          title=f"IMD 2025 score, {place.name}: hidden pockets")
    if len(hidden):
        district = hidden["parent"].mode().iloc[0]
        district_map = geo.plot(iod, code="LSOA21CD", value="IMD_score", within=district, higher_is_better=False,
                                highlight=hidden, highlight_name="Hidden pocket", highlight_labels="pocket",
                                title=f"IMD 2025 score, {geo.area(district).name}")
        assert district_map.axes
    assert region_map.axes
    return table


# %%
# Run it for the North East; ``main("North West")`` for another region.

if __name__ == "__main__":
    main()
