"""Census 2021 usual-resident population at any level LSOAs nest in.

Examples
--------
>>> int(population("lsoa21").sum())
59597576
"""

from __future__ import annotations

import pandas as pd

from geo import catalogue
from geo.data import cache, products
from geo.errors import InputError
from geo.geography import lookups, registry

PRODUCT = "census21_population"


def population(level: str = "lsoa21") -> pd.Series:
    """Return usual residents (Census 2021) per area, indexed by code.

    LSOA counts come from the catalogue's Census 2021 product; other levels sum their
    LSOAs (England and Wales only: Scotland and Northern Ireland are not covered).

    Raises
    ------
    InputError
        For a level that LSOAs 2021 do not nest in.

    Examples
    --------
    >>> float(population("lad24").loc["E06000047"])  # County Durham, Census 2021
    522063.0
    """
    level = registry.resolve(level)
    key, version = f"population/{level}", catalogue.version()
    cached = cache.read(key, version=version)
    if cached is not None:
        return cached["population"]
    source = catalogue.product(PRODUCT)
    frame = products.load(PRODUCT)
    base = pd.Series(
        pd.to_numeric(frame[source.field("population")]).to_numpy(dtype="float64"),
        index=pd.Index(frame[source.field("lsoa21")].astype("string"), name="lsoa21"),
        name="population",
    )
    if level == "lsoa21":
        cache.write(key, base.to_frame(), source=PRODUCT, version=version)
        return base
    if level not in registry.spec("lsoa21").nests_in:
        raise InputError(
            f"level={level!r}: Census 2021 population is available for LSOA 2021 and the levels they nest in "
            f"({', '.join(registry.spec('lsoa21').nests_in)}); for {level}, use weights of your own (a weight column, where the function takes weight=)"
        )
    parents = lookups.lookup("lsoa21", level).set_index("lsoa21")[level]
    summed = base.groupby(parents.reindex(base.index).to_numpy()).sum()
    summed.index = pd.Index(summed.index, name=level, dtype="string")
    summed = summed.rename("population")
    cache.write(key, summed.to_frame(), source=f"{PRODUCT} summed over lsoa21", version=version)
    return summed
