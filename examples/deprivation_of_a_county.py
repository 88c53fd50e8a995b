"""
A county's deprivation, summarised the MHCLG way
================================================

Summarise IoD2025 deprivation for upper-tier authorities the way MHCLG does (average score,
rank of average rank, share of LSOAs in England's most deprived 10 %, extent), list the most
deprived LSOAs of one county and map its LSOAs by national decile.

Run: ``python examples/deprivation_of_a_county.py`` (with LEVELUP_MIRROR set, or online).
"""

from __future__ import annotations

import pandas as pd

import geo
from geo.data import products


def main(area: str = "County Durham") -> pd.DataFrame:
    iod = products.load("iod2025")
    summary = geo.deprivation_summary(iod, code="LSOA21CD", to="utla23", score="IMD_score", rank="IMD_rank")
    place = geo.area(area)
    row = summary.loc[place.code]
    print(f"{place.name}: average score {row['average_score']:.1f} (rank {row['rank_of_average_score']} of {len(summary)}), "
          f"{row['proportion_most_deprived_10']:.0%} of LSOAs in England's most deprived 10%")
    inside = geo.boundaries("lsoa21", within=place.code).index
    worst = iod[iod["LSOA21CD"].isin(inside)].nsmallest(5, "IMD_rank")[["LSOA21CD", "IMD_rank", "IMD_decile"]]
    print(worst.to_string(index=False))
    # the map: the county's LSOAs by national decile (1 = England's most deprived 10%)
    fig = geo.plot(iod, code="LSOA21CD", value="IMD_decile", within=place.code, scheme="equal_interval", k=10,
                   title=f"IMD 2025 national decile, {place.name} (1 = most deprived)")
    assert fig.axes
    return summary


# %%
# Run it for County Durham; ``main("Lancashire")`` for another county.

if __name__ == "__main__":
    main()
