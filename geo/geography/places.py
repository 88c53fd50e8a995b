"""Resolve a place given by code or name, at any level, to ``(level, code, name)``.

Names are matched as people write them, in four tiers; the first tier with a match decides:

0. the few true nicknames of ``lookups/aliases.toml`` ("Hull");
1. the ONS name, ignoring case, spaces, punctuation, hyphens, ``&``/``and``,
   ``St``/``St.``/``Saint`` and a trailing ``(England)``;
2. forms derived from it: ``", City of"``/``", County of"`` moved in front or dropped
   ("Bristol", "City of Bristol"), ``"City of X"`` and ``"X City"`` without the word
   ("Edinburgh", "Glasgow"), ``"County X"`` without it;
3. the leading words of exactly one name ("Brighton" for "Brighton and Hove").

Within a tier, one code at two levels is one area (the finer level is kept); a local authority
(district, then county or unitary authority) is preferred to other levels sharing the name;
levels that cover the same districts (a region or a nation and its ITL1 area) are one territory,
named at the region's or nation's level. Anything
else is ambiguous and raises, listing the candidates and how to choose.

Examples
--------
>>> area("TLC")
Area(level='itl1', code='TLC', name='North East (England)')
>>> area("county durham")
Area(level='lad24', code='E06000047', name='County Durham')
>>> area("Bristol").name, area("Hull").name, area("Southend").name
('Bristol, City of', 'Kingston upon Hull, City of', 'Southend-on-Sea')
>>> describe(area("Greater Manchester"))
'Greater Manchester (police force area)'
"""

from __future__ import annotations

import difflib
import logging
import re
import tomllib
import unicodedata
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

from geo import catalogue
from geo.errors import InputError, examples
from geo.geography import lookups, registry

log = logging.getLogger(__name__)

#: Levels searched by name, finest-first; small areas are searched by code only.
_NAMED_LEVELS = ("lad24", "utla23", "pfa24", "rgn24", "itl1", "ctry")
#: Which level stands for a territory several levels cover (a nation before its ITL1 area).
_TERRITORY_ORDER = ("lad24", "utla23", "pfa24", "rgn24", "ctry", "itl1")
#: Local authorities, preferred (in this order) to other levels that share a name.
LOCAL_AUTHORITIES = ("lad24", "utla23")
#: How a report names each level in words.
LEVEL_WORDS = {
    "lad24": "district",
    "utla23": "county or unitary authority",
    "pfa24": "police force area",
    "rgn24": "region",
    "itl1": "ITL1 area",
    "ctry": "nation",
}
#: How messages name the two arguments of :func:`resolve` (the command line has its own).
ARGUMENTS = ("query", "level")
#: The tiers of a match, in the order they are tried.
TIERS = ("alias", "name", "derived form", "leading words")


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


def level_word(level: str) -> str:
    """The level of an area in words, as a report says it.

    Examples
    --------
    >>> level_word("pfa24"), level_word("utla23"), level_word("lsoa21")
    ('police force area', 'county or unitary authority', 'Lower layer Super Output Areas (2021)')
    """
    return LEVEL_WORDS.get(level) or registry.spec(level).title


def describe(place: Area) -> str:
    """An area's name with its level in words, e.g. for a report's headline.

    Examples
    --------
    >>> describe(area("Merseyside"))
    'Merseyside (police force area)'
    >>> describe(area("Lancashire"))
    'Lancashire (county or unitary authority)'
    """
    return f"{place.name} ({level_word(place.level)})"


def normalise(name: str) -> str:
    """A name as compared: lower case ASCII words, ``&`` as ``and``, ``St``/``St.`` as
    ``saint``, apostrophes dropped, hyphens and other punctuation as spaces, no leading "the".

    Examples
    --------
    >>> normalise("  St. Helens "), normalise("Brighton & Hove"), normalise("King's Lynn")
    ('saint helens', 'brighton and hove', 'kings lynn')
    >>> normalise("Stockton-on-Tees") == normalise("stockton on tees")
    True
    """
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").casefold()
    text = re.sub(r"['`]", "", text.replace("&", " and "))
    words = ["saint" if word == "st" else word for word in re.sub(r"[^a-z0-9]+", " ", text).split()]
    return " ".join(words[1:] if words[:1] == ["the"] and len(words) > 1 else words)


def _derived(key: str) -> set[str]:
    """Forms of a normalised name with its "city"/"county" designation moved or dropped."""
    found: set[str] = set()
    for pattern in (r"(?P<base>.+) (?P<kind>city|county) of", r"(?P<kind>city|county) of (?P<base>.+)"):
        match = re.fullmatch(pattern, key)
        if match:
            base, kind = match["base"], match["kind"]
            found |= {base, f"{kind} of {base}", f"{base} {kind} of", f"{base} {kind}"}
    for pattern in (r"(?P<base>.+) city", r"county (?P<base>.+)"):
        match = re.fullmatch(pattern, key)
        if match:
            found.add(match["base"])
    return found - {key}


class _Entry(NamedTuple):
    key: str
    tier: int
    level: str
    code: str
    name: str


@lru_cache(maxsize=4)
def _index(version: str) -> tuple[_Entry, ...]:
    """Every way of naming an area of the named levels (tiers 0 to 2), for a catalogue version."""
    entries = []
    for level in _NAMED_LEVELS:
        for code, name in lookups.areas(level)["name"].items():
            exact = {normalise(name), normalise(re.sub(r"\s*\([^)]*\)$", "", name))}
            entries += [_Entry(key, 1, level, str(code), str(name)) for key in sorted(exact)]
            derived = set().union(*(_derived(key) for key in exact)) - exact
            entries += [_Entry(key, 2, level, str(code), str(name)) for key in sorted(derived)]
    for alias, code in aliases().items():
        for level in levels_of(code):
            if level in _NAMED_LEVELS:
                entries.append(_Entry(normalise(alias), 0, level, code, str(lookups.areas(level).loc[code, "name"])))
    return tuple(entries)


def aliases() -> dict[str, str]:
    """The names people use that no rule derives: alias -> GSS code (``lookups/aliases.toml``).

    Examples
    --------
    >>> aliases()["Hull"]
    'E06000010'
    """
    raw = resources.files("geo.catalogue.lookups").joinpath("aliases.toml").read_bytes()
    return dict(tomllib.loads(raw.decode("utf-8")).get("alias", {}))


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


def _territory(place: Area) -> frozenset[str]:
    """The districts (lad24) an area covers: two areas covering the same ones are one territory."""
    if place.level == "lad24":
        return frozenset({place.code})
    table = lookups.lookup("lad24", place.level)
    return frozenset(table.loc[table[place.level] == place.code, "lad24"])


def _choose(candidates: list[Area]) -> list[Area]:
    """The areas a tier's matches stand for: one per code (finest level), local authorities
    before other levels, one per territory (the first level of :data:`_TERRITORY_ORDER`)."""
    by_code: dict[str, Area] = {}
    for candidate in candidates:
        by_code.setdefault(candidate.code, candidate)
    unique = list(by_code.values())
    local = [c for c in unique if c.level in LOCAL_AUTHORITIES]
    unique = local or unique
    if len(unique) == 1:
        return unique
    kept: dict[frozenset[str], Area] = {}
    for candidate in sorted(unique, key=lambda c: _TERRITORY_ORDER.index(c.level)):
        kept.setdefault(_territory(candidate), candidate)
    return list(kept.values())


def _listed(found: list[Area], limit: int = 8) -> str:
    shown = "; ".join(f"{a.name} ({level_word(a.level)}, {a.level} {a.code})" for a in found[:limit])
    return shown + (f" (and {len(found) - limit} more)" if len(found) > limit else "")


def area(query: str | Area, *, level: str | None = None) -> Area:
    """Resolve a code or a name people use, at any level.

    Parameters
    ----------
    query : str
        A GSS or ITL code (``"E06000047"``, ``"TLC"``) or a name as people write it
        (``"County Durham"``, ``"north east"``, ``"Hull"``, ``"Bristol"``, ``"St Helens"``,
        ``"Brighton"``; see the module's description for the rules). Codes shared by two levels
        (a unitary authority is both a district and an upper-tier authority) resolve to the
        finer level; a region and its ITL1 area resolve to the region. An :class:`Area` is
        returned as it is.
    level : str, optional
        Only areas of this level (id or alias: ``"pfa24"``, ``"county"``): settles a name that
        several levels share ("Lancashire" is a county and a police force area).

    Returns
    -------
    Area
        Its level, code and ONS name; :func:`~geo.geography.places.describe` says it in words.

    Raises
    ------
    InputError
        When nothing matches (with close names), when a name is ambiguous (listing the
        candidates with their levels and codes), or when the code is not of ``level``.
    UnknownLevelError
        When ``level`` is not a level.

    Examples
    --------
    >>> area("county durham")
    Area(level='lad24', code='E06000047', name='County Durham')
    >>> area("TLC").name
    'North East (England)'
    >>> area("Lancashire").level, area("Lancashire", level="pfa24").level
    ('utla23', 'pfa24')
    """
    return resolve(query, level=level)


def resolve(query: str | Area, *, level: str | None = None, arguments: tuple[str, str] = ARGUMENTS) -> Area:
    """:func:`area`, with messages naming the caller's arguments (``arguments``: the query's and
    the level's; the command line passes its own, ``("query", "area_level")``).

    Examples
    --------
    >>> resolve("West Midlands", arguments=("query", "area_level"))
    Traceback (most recent call last):
    ...
    geo.errors.InputError: query='West Midlands' names 2 areas: West Midlands (police force area, pfa24 E23000014); ... or its level (area_level='rgn24'), or its full name.
    """
    asked, named = arguments
    wanted = None if level is None else registry.resolve(level, argument=named)
    if isinstance(query, Area):
        if wanted in (None, query.level):
            return query
        query = query.code  # the same area at another level, if it has one
    if not isinstance(query, str) or not query.strip():
        raise InputError(f"{asked}={query!r} must be a non-empty area code or name")
    code = query.strip().upper()
    found = levels_of(code)
    if found and wanted is None:
        return Area(found[0], code, str(lookups.areas(found[0]).loc[code, "name"]))
    if found and wanted is not None:
        if wanted not in found:
            raise InputError(f"{asked}={query!r} is a {', '.join(map(level_word, found))} ({', '.join(found)}) code, "
                             f"not a {level_word(wanted)} ({wanted}); drop {named}= or pass a {wanted} code or name")
        return Area(wanted, code, str(lookups.areas(wanted).loc[code, "name"]))
    if wanted is not None and wanted not in _NAMED_LEVELS:
        raise InputError(f"{asked}={query!r} is not a {wanted} code, and {wanted} areas are found by code only; "
                         f"names are found at levels {', '.join(_NAMED_LEVELS)}")
    key = normalise(query)
    entries = [e for e in _index(catalogue.version()) if wanted in (None, e.level)]
    for tier in range(len(TIERS)):
        if tier < 3:
            hits = [e for e in entries if e.tier == tier and e.key == key]
        else:
            hits = [e for e in entries if e.tier in (1, 2) and key and e.key.startswith(key + " ")]
        candidates = [Area(e.level, e.code, e.name) for e in hits]
        if not candidates:
            continue
        chosen = _choose(candidates)
        if len(chosen) == 1:
            log.debug("%s=%r is %s (by %s)", asked, query, describe(chosen[0]), TIERS[tier])
            return chosen[0]
        last = chosen[-1]
        by_level = f" or its level ({named}={last.level!r})" if len({c.level for c in chosen}) == len(chosen) else ""
        raise InputError(
            f"{asked}={query!r} names {len(chosen)} areas: {_listed(chosen)}. To choose one, pass its code "
            f"({asked}={last.code!r}){by_level}, or its full name."
        )
    close = _close(key, entries)
    hint = f" Close names: {examples(close, limit=6)}." if close else ""
    levels = ", ".join(_NAMED_LEVELS) if wanted is None else wanted
    raise InputError(f"{asked}={query!r} matches no area code or name at levels {levels}.{hint}")


def _close(key: str, entries: list[_Entry]) -> list[str]:
    """ONS names of the areas whose names (any tier) are closest to ``key``, closest first."""
    keys = sorted({e.key for e in entries})
    matches = difflib.get_close_matches(key, keys, n=6, cutoff=0.6)
    matches += [k for k in keys if key and k.startswith(key[:5]) and k not in matches]
    names: list[str] = []
    for match in matches:
        for e in entries:
            if e.key == match and e.name not in names:
                names.append(e.name)
    return names
