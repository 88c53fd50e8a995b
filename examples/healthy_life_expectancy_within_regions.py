"""
Healthy life expectancy within regions
======================================

Regional averages of healthy life expectancy hide wide gaps between the councils inside
each region. This script reads the ONS Explore Local Statistics file, takes female healthy
life expectancy for upper-tier authorities, and measures the spread within each ITL1 region.

Run: ``python examples/healthy_life_expectancy_within_regions.py`` (with ``LEVELUP_MIRROR`` set, or online).
"""

from __future__ import annotations

import pandas as pd

import geo
from geo.moving.ess import at_level


def main(indicator: str = "Female healthy life expectancy", period: str = "2021-01-01/P3Y") -> pd.DataFrame:
    # The ESS file in its published tidy form: one row per area, indicator and period.
    hle = geo.read_ess("healthy-life-expectancy")

    # One row per current upper-tier authority; rows published under older council codes
    # are carried over to today's councils (attrs["recoded"] lists them).
    councils = at_level(hle, "utla23", kind="mean", indicator=indicator, period=period)
    print(f"{indicator}, {period}: {len(councils)} councils")

    # Spread within each region: lowest and highest council, the gap between the top and
    # bottom tenth, and who is worst. Councils count once each (weight=None): the ESS file
    # gives each council's own figure, not the people behind it.
    spread = geo.inequality(councils, value="observation", within="itl1", weight=None, higher_is_better=True)
    table = spread[["name", "n", "min", "min_name", "max", "max_name"]].assign(gap=spread["max"] - spread["min"])
    table = table.sort_values("gap", ascending=False)
    print(table.to_string(formatters={"min": "{:.1f}".format, "max": "{:.1f}".format, "gap": "{:.1f}".format}))

    # The map: councils in quintiles (darkest = shortest healthy life), regions outlined.
    fig = geo.plot(councils, value="observation", level="utla23", outlines=("itl1",), higher_is_better=True,
                   title=f"{indicator} (years), {period[:4]}-{int(period[:4]) + 2}")
    assert fig.axes
    return table


# %%
# Run it: the regions with the widest gap between councils come first.

if __name__ == "__main__":
    main()
