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

__version__ = "0.1.0"

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
    "plot",
    "pockets",
    "population",
    "read_ess",
    "settings",
]
