"""
LSOA 2011 to LSOA 2021
======================

Many indicators are still published on the 2011 LSOAs, for example the Welsh Index of
Multiple Deprivation 2019. :func:`geo.convert` moves them to the 2021 LSOAs through the ONS
lookup's change indicator: unchanged LSOAs keep their value, a split LSOA's value goes to
each part, and a merged LSOA gets the mean of its parts weighted by their residents (Census
2021, shared out by area).

Run: ``python examples/lsoa_2011_to_2021.py`` (with ``LEVELUP_MIRROR`` set, or online).
"""

from __future__ import annotations

import pandas as pd

import geo
from geo.data import products


def main(area: str = "Cardiff") -> pd.DataFrame:
    # WIMD 2019: 1,909 Welsh LSOAs 2011, scores (higher = more deprived) and ranks.
    wimd = products.load("wimd2019")

    # LSOA 2011 -> 2021. kind="mean": the score is an average over residents, so merged areas
    # get the population-weighted mean. `routes` says how each 2021 LSOA was formed
    # (U unchanged, S split, M merged, X irregular); `coverage` the share of it the data reach.
    new = geo.convert(wimd, code="LSOA11CD", value="IMD_score", kind="mean")
    print(f"{len(wimd):,} LSOAs 2011 -> {len(new):,} LSOAs 2021; routes: {new.attrs['routes']}")

    # The table: the LSOAs 2021 of one council that were not unchanged.
    place = geo.area(area)
    names = geo.boundaries("lsoa21", within=place.code)["name"]
    changed = new[new.index.isin(names.index) & (new["routes"] != "U")].join(names)
    print(f"{place.name}: {len(names)} LSOAs 2021, {len(changed)} formed by a split or merge")
    print(changed[["name", "routes", "IMD_score", "coverage"]].to_string(formatters={"IMD_score": "{:.1f}".format}))

    # The map: the converted scores of the council's LSOAs 2021, changed ones hatched.
    shapes = geo.boundaries("lsoa21", within=place.code).loc[changed.index]
    fig = geo.plot(new, value="IMD_score", level="lsoa21", within=place.code, higher_is_better=False,
                   highlight=shapes, highlight_name="Split or merged since 2011",
                   title=f"WIMD 2019 score on LSOA 2021, {place.name}", figsize=(9.0, 8.0))
    assert fig.axes
    return changed


# %%
# Run it for Cardiff; ``main("Swansea")`` for another Welsh council.

if __name__ == "__main__":
    main()
