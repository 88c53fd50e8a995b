"""Resolve a place given by code or name, at any level, to ``(level, code, name)``.

Examples
--------
>>> area("TLC")
Area(level='itl1', code='TLC', name='North East (England)')
>>> area("county durham")
Area(level='lad24', code='E06000047', name='County Durham')
"""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from geo.data import products
from geo.errors import InputError, examples
from geo.geography import lookups, registry

#: Levels searched by name, finest-first; small areas are searched by code only.
_NAMED_LEVELS = ("lad24", "utla23", "pfa24", "rgn24", "itl1", "ctry")


class Area(NamedTuple):
    """A resolved area: its level id, GSS/ITL code and name.

    Examples
    --------
    >>> rutland = area("Rutland")
    >>> rutland.code, rutland.level
    ('E06000017', 'lad24')
    >>> level, code, name = area("E12000001")
    >>> level, name
    ('rgn24', 'North East')
    """

    level: str
    code: str
    name: str


def levels_of(code: str) -> list[str]:
    """Return the levels whose area lists contain ``code`` (finest first).

    Only levels whose code pattern matches are loaded, so this is cheap.

    Parameters
    ----------
    code : str
        An area code, exactly (upper case, no spaces).

    Returns
    -------
    list of str
        Level ids, empty when no level has the code.

    Examples
    --------
    >>> levels_of("E06000047")  # a unitary authority: a district and an upper-tier authority
    ['lad24', 'utla23']
    >>> levels_of("E01000001")  # in both LSOA vintages
    ['lsoa21', 'lsoa11']
    >>> levels_of("E99999999")
    []
    """
    found = []
    for item in registry.specs().values():
        if item.regex.fullmatch(code) and code in lookups.areas(item.id).index:
            found.append(item.id)
    return found


def _same_place(candidates: list[Area]) -> list[Area]:
    """Collapse candidates that are one territory: shared codes, ITL1 = region or nation."""
    table = products.load("itl1_codes")
    equal = table["RGN24CD"].fillna(table["CTRY24CD"])
    itl = dict(zip(equal, table["ITL125CD"], strict=True))
    kept: list[Area] = []
    for candidate in candidates:
        key = itl.get(candidate.code, candidate.code)
        if all(itl.get(k.code, k.code) != key for k in kept):
            kept.append(candidate)
    return kept


def area(query: str) -> Area:
    """Resolve a code or a case-insensitive name at any level.

    Parameters
    ----------
    query : str
        A GSS or ITL code (``"E06000047"``, ``"TLC"``) or a name (``"County Durham"``,
        ``"north east"``). Codes shared by two levels (a unitary authority is both a district
        and an upper-tier authority) resolve to the finer level; a region and its ITL1 area
        resolve to the region.

    Raises
    ------
    InputError
        When nothing matches (with close names), or when a name is ambiguous (listing the
        candidates with their levels and codes).

    Examples
    --------
    >>> area("county durham")
    Area(level='lad24', code='E06000047', name='County Durham')
    >>> area("TLC").name
    'North East (England)'
    """
    if not isinstance(query, str) or not query.strip():
        raise InputError(f"query={query!r} must be a non-empty area code or name")
    text = query.strip()
    code = text.upper()
    found = levels_of(code)
    if found:
        return Area(found[0], code, str(lookups.areas(found[0]).loc[code, "name"]))
    wanted = text.casefold()
    candidates: list[Area] = []
    for level in _NAMED_LEVELS:
        table = lookups.areas(level)
        hits = table[table["name"].str.casefold().str.replace(r"\s*\((england)\)$", "", regex=True) == wanted]
        candidates += [Area(level, str(c), str(n)) for c, n in zip(hits.index, hits["name"], strict=True)]
    seen: dict[str, Area] = {}
    for candidate in candidates:
        seen.setdefault(candidate.code, candidate)
    unique = _same_place(list(seen.values()))
    if len(unique) == 1:
        return unique[0]
    if len(unique) > 1:
        listed = "; ".join(f"{a.name} ({a.level} {a.code})" for a in unique)
        raise InputError(f"query={query!r} is ambiguous: it names {listed}. Pass the code instead.")
    names = pd.concat([lookups.areas(level)["name"] for level in _NAMED_LEVELS])
    close = names[names.str.casefold().str.contains(wanted[:5], regex=False)].unique()
    hint = f" Close names: {examples(close)}." if len(close) else ""
    raise InputError(f"query={query!r} matches no area code or name at levels {', '.join(_NAMED_LEVELS)}.{hint}")
