"""Geography levels: canonical ids, friendly aliases and the ``levels()`` table.

The levels are declared in the catalogue (``lookups/levels.toml``); this module only reads
them. Canonical ids carry their vintage (``lsoa21``, ``lad24``); aliases (``lsoa``,
``district``, ``county``, ``region``, ``nation``) resolve to the current vintage.

Examples
--------
>>> resolve("LSOA")
'lsoa21'
>>> resolve("county")
'utla23'
>>> spec("itl1").areas
12
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pandas as pd

from geo import catalogue
from geo.errors import UnknownLevelError


@dataclass(frozen=True)
class LevelSpec:
    """One geography level as declared in the catalogue.

    Examples
    --------
    >>> lad = spec("lad24")
    >>> lad.title, lad.coverage, lad.boundaries
    ('Local Authority Districts (May 2024)', ('E', 'W', 'S', 'N'), 'lad24_buc')
    >>> lad.prefixes
    ('E06', 'E07', 'E08', 'E09', 'W06', 'S12', 'N09')
    """

    id: str
    title: str
    vintage: str
    coverage: tuple[str, ...]
    areas: int
    pattern: str
    aliases: tuple[str, ...]
    nests_in: tuple[str, ...]
    codes: str | None = None
    boundaries: str | None = None
    dissolve: tuple[str, ...] = ()

    @property
    def regex(self) -> re.Pattern[str]:
        """The compiled code pattern."""
        return re.compile(self.pattern)

    @property
    def prefixes(self) -> tuple[str, ...]:
        """GSS entity codes (``E01``, ``W01``) or literal prefixes named by the pattern."""
        body = self.pattern.strip("^$")
        group = re.match(r"\(([^)]*)\)", body)
        if group:
            return tuple(group.group(1).split("|"))
        return (re.split(r"[\[(]", body)[0],)


@cache
def specs() -> dict[str, LevelSpec]:
    """Return every level, keyed by canonical id, in the catalogue's order (finest first).

    Examples
    --------
    >>> list(specs())[:3]
    ['lsoa21', 'lsoa11', 'msoa21']
    """
    found = {}
    for level_id, raw in catalogue.graph()["level"].items():
        found[level_id] = LevelSpec(
            id=level_id,
            title=raw["title"],
            vintage=str(raw["vintage"]),
            coverage=tuple(raw["coverage"]),
            areas=int(raw["areas"]),
            pattern=raw["pattern"],
            aliases=tuple(raw.get("aliases", ())),
            nests_in=tuple(raw.get("nests_in", ())),
            codes=raw.get("codes"),
            boundaries=raw.get("boundaries"),
            dissolve=tuple(raw.get("dissolve", ())),
        )
    return found


@cache
def _names() -> dict[str, str]:
    names = {}
    for level_id, item in specs().items():
        names[level_id] = level_id
        for alias in item.aliases:
            names[alias] = level_id
    return names


def resolve(level: str, *, argument: str = "level") -> str:
    """Return the canonical id of a level id or alias (case-insensitive).

    Raises
    ------
    UnknownLevelError
        Naming ``argument`` and listing the known ids and aliases.

    Examples
    --------
    >>> resolve(" District "), resolve("PFA")
    ('lad24', 'pfa24')
    >>> resolve("ward", argument="to")
    Traceback (most recent call last):
    ...
    geo.errors.UnknownLevelError: to='ward' is not a known geography level; expected one of: lsoa21, ...
    """
    if not isinstance(level, str):
        raise UnknownLevelError(f"{argument}={level!r} must be a level id such as 'lsoa21' or 'lad24'")
    key = level.strip().lower()
    try:
        return _names()[key]
    except KeyError:
        known = ", ".join(f"{name} ({target})" if name != target else name for name, target in _names().items())
        raise UnknownLevelError(f"{argument}={level!r} is not a known geography level; expected one of: {known}") from None


def spec(level: str, *, argument: str = "level") -> LevelSpec:
    """Return the declaration of a level given by id or alias.

    Examples
    --------
    >>> spec("region").id, spec("region").areas
    ('rgn24', 9)
    """
    return specs()[resolve(level, argument=argument)]


def levels() -> pd.DataFrame:
    """Return the table of geography levels.

    Returns
    -------
    DataFrame
        Indexed by level id, with ``title``, ``vintage``, ``coverage`` (nations), ``areas``
        (number of areas), ``code_pattern`` (GSS entity codes), ``aliases``, ``nests_in`` and
        ``shapes`` (the boundary product, or how the layer is derived).

    Examples
    --------
    >>> table = levels()
    >>> int(table.loc["lsoa21", "areas"])
    35672
    >>> table.loc["lad24", "code_pattern"]
    'E06/E07/E08/E09/W06/S12/N09'
    """
    nations = {"E": "England", "W": "Wales", "S": "Scotland", "N": "Northern Ireland"}
    rows = []
    for item in specs().values():
        rows.append(
            {
                "id": item.id,
                "title": item.title,
                "vintage": item.vintage,
                "coverage": ", ".join(nations[n] for n in item.coverage),
                "areas": item.areas,
                "code_pattern": "/".join(item.prefixes),
                "aliases": ", ".join(item.aliases),
                "nests_in": ", ".join(item.nests_in),
                "shapes": item.boundaries or "dissolved from " + " + ".join(item.dissolve),
            }
        )
    return pd.DataFrame(rows).set_index("id")
