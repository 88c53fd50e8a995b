"""
Crime points to LSOAs
=====================

police.uk publishes street-level crimes as points (longitude and latitude, moved to a
nearby street point for anonymity). This script assigns two years of City of London Police
crimes to LSOA 2021 with :func:`geo.assign`, counts them per LSOA and per district, and maps
the counts.

police.uk's own ``LSOA code`` column is LSOA **2011**: assigning the points again gives
codes of the 2021 boundaries the rest of the package uses.

Run: ``python examples/crime_points_to_lsoas.py`` (with ``LEVELUP_MIRROR`` set; or pass the
folder of your own police.uk download).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import geo


def main(folder: str | Path | None = None) -> pd.DataFrame:
    # One CSV per month as downloaded from police.uk; the data mirror holds 24 months.
    folder = Path(folder or Path(geo.settings.get_mirror() or ".") / "points" / "police_uk_city_of_london")
    crimes = pd.concat([pd.read_csv(path) for path in sorted(folder.glob("*-street.csv"))], ignore_index=True)

    # Some crimes have no location (e.g. reported without a place): geo.assign refuses
    # missing coordinates, so count them and set them aside.
    located = crimes.dropna(subset=["Longitude", "Latitude"])
    print(f"{len(crimes):,} crimes, {len(crimes) - len(located):,} without a location")

    # Points -> LSOA 2021. Points in no LSOA keep a missing code (attrs["report"] counts them).
    assigned = geo.assign(located, x="Longitude", y="Latitude", crs="EPSG:4326")
    found = assigned[assigned["lsoa21"].notna()]
    print(f"{len(found):,} assigned to {found['lsoa21'].nunique()} LSOAs, {len(assigned) - len(found):,} in none; "
          f"{(found['lsoa21'] != found['LSOA code']).sum():,} differ from police.uk's LSOA 2011 code")

    # Counts per LSOA, then up to districts with geo.aggregate (counts add).
    per_lsoa = assigned.groupby("lsoa21").size().rename("crimes").to_frame()
    per_district = geo.aggregate(per_lsoa, to="lad24", value="crimes", kind="count")
    table = per_district.loc[per_district["crimes"] > 0, ["name", "crimes", "children_present", "children_expected"]]
    table = table.sort_values("crimes", ascending=False)
    print(table.head(8).to_string(formatters={"crimes": "{:,.0f}".format}))

    # The map: crimes per LSOA of the City of London (its six LSOAs 2021), in three classes.
    fig = geo.plot(per_lsoa, value="crimes", level="lsoa21", within=geo.area("City of London").code, k=3, outlines=(),
                   higher_is_better=False, title="Street-level crimes 2017-2018, City of London")
    assert fig.axes
    return table


# %%
# Run it on the mirror's police.uk files; ``main("path/to/your/download")`` for your own.

if __name__ == "__main__":
    main()
