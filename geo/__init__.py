"""levelup-geo: boundary and lookup layers to measure inequality within UK regions.

Move indicators between LSOA, local authority district, upper-tier authority, police force
area, region, ITL1 and nation; find the deprived pockets that regional averages hide.

Examples
--------
>>> import geo
>>> geo.levels().loc["itl1", "areas"]
12
>>> geo.lookup("lsoa21", "itl1").head(1)
      lsoa21 itl1 itl1_name
0  E01000001  TLI    London
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from geo import settings
from geo.errors import (
    CoverageError,
    DataError,
    DataUnavailableError,
    DownloadError,
    InputError,
    LevelupError,
    NestingError,
    UnknownLevelError,
)

if TYPE_CHECKING:  # the same names, for type checkers and IDEs; at run time see __getattr__
    from geo.catalogue.missions import missions
    from geo.geography.contiguity import contiguity
    from geo.geography.detect import LevelMatch, detect_level
    from geo.geography.layers import boundaries
    from geo.geography.lookups import areas, lookup
    from geo.geography.places import Area, area
    from geo.geography.population import population
    from geo.geography.registry import levels
    from geo.moving.aggregation import aggregate
    from geo.moving.assignment import assign
    from geo.moving.conversion import convert
    from geo.moving.disaggregation import disaggregate
    from geo.moving.ess import read_ess
    from geo.outputs.export import export
    from geo.outputs.maps import map  # noqa: A004 - the package's name for it
    from geo.outputs.plotting import plot
    from geo.statistics.comparison import compare
    from geo.statistics.deprivation import deprivation_summary
    from geo.statistics.hotspots import hotspots
    from geo.statistics.indices import DeprivationIndex, deprivation_index
    from geo.statistics.inequality import decompose, inequality
    from geo.statistics.pockets import pockets
    from geo.statistics.scorecard import scorecard

#: Where each public function lives: it is imported on first use (PEP 562), so that
#: ``import geo`` and ``levelup --help`` load no geopandas, libpysal, esda, matplotlib or folium.
_LAZY = {
    "missions": "geo.catalogue.missions",
    "contiguity": "geo.geography.contiguity",
    "LevelMatch": "geo.geography.detect",
    "detect_level": "geo.geography.detect",
    "boundaries": "geo.geography.layers",
    "areas": "geo.geography.lookups",
    "lookup": "geo.geography.lookups",
    "Area": "geo.geography.places",
    "area": "geo.geography.places",
    "population": "geo.geography.population",
    "levels": "geo.geography.registry",
    "aggregate": "geo.moving.aggregation",
    "assign": "geo.moving.assignment",
    "convert": "geo.moving.conversion",
    "disaggregate": "geo.moving.disaggregation",
    "read_ess": "geo.moving.ess",
    "export": "geo.outputs.export",
    "map": "geo.outputs.maps",
    "plot": "geo.outputs.plotting",
    "compare": "geo.statistics.comparison",
    "deprivation_summary": "geo.statistics.deprivation",
    "hotspots": "geo.statistics.hotspots",
    "DeprivationIndex": "geo.statistics.indices",
    "deprivation_index": "geo.statistics.indices",
    "decompose": "geo.statistics.inequality",
    "inequality": "geo.statistics.inequality",
    "pockets": "geo.statistics.pockets",
    "scorecard": "geo.statistics.scorecard",
}


def __getattr__(name: str) -> Any:
    """Import a public function's module on first use and keep the function (PEP 562); a
    module of the package (``geo.outputs``, ``geo.cli``) is imported on first use too."""
    from importlib import import_module, util

    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value  # later lookups skip this function
        return value
    if not name.startswith("__") and util.find_spec(f"geo.{name}") is not None:
        return import_module(f"geo.{name}")
    raise AttributeError(f"module 'geo' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__version__ = "0.1.0"  # the one place: setup.cfg reads it (attr:); tests check CITATION.cff and CHANGELOG.md

__all__ = [
    "Area",
    "CoverageError",
    "DataError",
    "DataUnavailableError",
    "DeprivationIndex",
    "DownloadError",
    "InputError",
    "LevelMatch",
    "LevelupError",
    "NestingError",
    "UnknownLevelError",
    "aggregate",
    "area",
    "areas",
    "assign",
    "boundaries",
    "compare",
    "contiguity",
    "convert",
    "decompose",
    "deprivation_index",
    "deprivation_summary",
    "detect_level",
    "disaggregate",
    "export",
    "hotspots",
    "inequality",
    "levels",
    "lookup",
    "map",
    "missions",
    "plot",
    "pockets",
    "population",
    "read_ess",
    "scorecard",
    "settings",
]
