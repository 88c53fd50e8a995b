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
from geo.aggregation import aggregate
from geo.assignment import assign
from geo.comparison import compare
from geo.contiguity import contiguity
from geo.conversion import convert
from geo.deprivation import deprivation_summary
from geo.detect import LevelMatch, detect_level
from geo.disaggregation import disaggregate
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
from geo.ess import read_ess
from geo.export import export
from geo.hotspots import hotspots
from geo.inequality import decompose, inequality
from geo.layers import boundaries
from geo.lookups import areas, lookup
from geo.maps import map  # noqa: A004 - the package's name for it
from geo.places import Area, area
from geo.plotting import plot
from geo.pockets import pockets
from geo.population import population
from geo.registry import levels

__version__ = "0.1.0"

__all__ = [
    "Area",
    "CoverageError",
    "DataError",
    "DataUnavailableError",
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
