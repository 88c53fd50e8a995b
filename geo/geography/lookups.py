"""The lookup graph: area lists per level and validated child-to-parent lookups.

Direct relations (``[[edge]]`` in ``lookups/levels.toml``) come from ONS lookup products or
from two documented rules; :func:`lookup` composes them along every path of the graph, so
partial relations combine (LSOA → LAD → region → ITL1 in England, LSOA → LAD → country → ITL1
in Wales). Relations with no path (UTLA → region, PFA → ITL1) are derived through the
coarsest level both contain (LAD) and accepted only when every area has one parent.
Everything is validated on load: one parent per child, codes matching their level's pattern,
no orphans, expected area counts.

Examples
--------
>>> table = lookup("lsoa21", "itl1")
>>> table.set_index("lsoa21").loc["E01000001", "itl1"]
'TLI'
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import pandas as pd

from geo import catalogue
from geo.data import cache, products
from geo.errors import DataError, NestingError, examples
from geo.geography import registry
from geo.geography.codes import isin

log = logging.getLogger(__name__)

#: How :func:`lookup`'s messages name the two levels; callers with other parameter names
#: (``aggregate``'s ``level=`` and ``to=``) pass their own to :func:`hierarchy`.
ARGUMENTS = ("from_level", "to_level")


def areas(level: str) -> pd.DataFrame:
    """Return the areas of a level: a DataFrame indexed by ``code`` with a ``name`` column.

    The list comes from the level's code product, or, for levels published only as the
    parents of a lookup (``utla23``, ``rgn24``), from the lookups leading into it. It is
    checked: unique codes, codes matching the level's pattern, the expected number of areas.

    Examples
    --------
    >>> areas("itl1").loc["TLI", "name"]
    'London'
    """
    item = registry.spec(level)
    key, version = f"areas/{item.id}", catalogue.version()
    cached = cache.read(key, version=version)
    if cached is not None:
        return cached
    if item.codes:
        source = catalogue.product(item.codes)
        frame = products.load(item.codes)
        table = pd.DataFrame(
            {"code": frame[source.field(item.id)], "name": frame[source.field(f"{item.id}_name")]}
        ).dropna(subset=["code"])
        table = table.drop_duplicates()
    else:
        parts = [
            _edge_table(edge)[["parent", "parent_name"]].rename(columns={"parent": "code", "parent_name": "name"})
            for edge in _edges()
            if edge["parent"] == item.id
        ]
        table = pd.concat(parts).drop_duplicates()
    table = table.astype({"code": "string", "name": "string"})
    _check_codes(item, table["code"], where=f"the area list of {item.id}")
    duplicated = table["code"][table["code"].duplicated()]
    if len(duplicated):
        raise DataError(f"{item.id}: codes listed twice with different names: {examples(duplicated.unique())}")
    if len(table) != item.areas:
        raise DataError(f"{item.id}: found {len(table):,} areas, the catalogue expects {item.areas:,}")
    table = table.set_index("code").sort_index()
    cache.write(key, table, source=f"area list of {item.id}", version=version)
    return table


def _check_codes(item: registry.LevelSpec, codes: pd.Series, *, where: str) -> None:
    bad = codes[~codes.str.fullmatch(item.pattern).fillna(False).astype(bool)]
    if len(bad):
        raise DataError(f"{where}: {len(bad):,} codes do not match the {item.id} pattern {item.pattern}: {examples(bad.unique())}")


def _edges() -> list[dict[str, object]]:
    return list(catalogue.graph()["edge"])


def _edge_table(edge: dict[str, object]) -> pd.DataFrame:
    """Return one direct relation as columns ``child``, ``parent``, ``parent_name``, validated."""
    child, parent = str(edge["child"]), str(edge["parent"])
    if "product" in edge:
        source = catalogue.product(str(edge["product"]))
        frame = products.load(source.id)
        table = pd.DataFrame(
            {
                "child": frame[source.field(child)],
                "parent": frame[source.field(parent)],
                "parent_name": frame[source.field(f"{parent}_name")] if f"{parent}_name" in source.fields else pd.NA,
            }
        ).dropna(subset=["child", "parent"])
        if f"{parent}_name" not in source.fields:
            table["parent_name"] = areas(parent)["name"].reindex(table["parent"]).to_numpy()
        where = f"lookup {source.id}"
    elif edge.get("rule") == "name_stem":
        children = areas(child).reset_index()
        parents = areas(parent).reset_index()
        stems = children["name"].str[:-1]
        by_name = pd.Series(parents["code"].to_numpy(), index=parents["name"].to_numpy())
        table = pd.DataFrame({"child": children["code"], "parent": by_name.reindex(stems).to_numpy()})
        table["parent_name"] = stems.to_numpy()
        where = f"{child} names less their final letter matched to {parent} names"
    elif edge.get("rule") == "nation":
        children = areas(child).index.to_series()
        countries = products.load("countries")
        by_nation = countries.set_index("NATION")
        table = pd.DataFrame(
            {
                "child": children.to_numpy(),
                "parent": by_nation["CTRY24CD"].reindex(children.str[0]).to_numpy(),
                "parent_name": by_nation["CTRY24NM"].reindex(children.str[0]).to_numpy(),
            }
        )
        where = "the nation letter of each code"
    else:
        raise DataError(f"lookups/levels.toml: edge {child}->{parent} needs `product` or a known `rule`")
    identity: tuple[str, ...] = tuple(edge.get("identity", ()))  # type: ignore[arg-type]
    if identity:
        own = areas(child)
        own = own[own.index.str[0].isin(identity)]
        table = pd.concat(
            [table, pd.DataFrame({"child": own.index, "parent": own.index, "parent_name": own["name"].to_numpy()})]
        )
    table = table.astype("string").drop_duplicates(subset=["child", "parent"])
    orphans = table[table["parent"].isna()]
    if len(orphans):
        raise DataError(f"{where}: {len(orphans):,} {child} areas have no {parent}: {examples(orphans['child'])}")
    _check_one_parent(table, child, parent, where=where)
    _check_codes(registry.spec(child), table["child"], where=where)
    _check_codes(registry.spec(parent), table["parent"], where=where)
    unknown = table.loc[~isin(table["child"], areas(child).index), "child"]
    if len(unknown):
        raise DataError(f"{where}: {len(unknown):,} {child} codes are not in the {child} area list: {examples(unknown)}")
    return table.reset_index(drop=True)


def _check_one_parent(table: pd.DataFrame, child: str, parent: str, *, where: str) -> None:
    counts = table.groupby("child")["parent"].nunique()
    several = counts[counts > 1]
    if len(several):
        shown = table[table["child"].isin(several.index[:3])]
        pairs = ", ".join(f"{c}->{p}" for c, p in zip(shown["child"], shown["parent"], strict=True))
        raise DataError(
            f"{where}: {len(several):,} {child} areas map to more than one {parent} ({pairs}); "
            "a lookup must give each child exactly one parent"
        )


def _paths(start: str, goal: str, seen: tuple[str, ...] = ()) -> Iterator[list[dict[str, object]]]:
    for edge in _edges():
        if edge["child"] != start or edge["parent"] in seen:
            continue
        if edge["parent"] == goal:
            yield [edge]
        else:
            for rest in _paths(str(edge["parent"]), goal, (*seen, start)):
                yield [edge, *rest]


def _compose(path: list[dict[str, object]]) -> pd.DataFrame:
    table = _edge_table(path[0])[["child", "parent"]]
    for edge in path[1:]:
        step = _edge_table(edge)[["child", "parent"]].rename(columns={"child": "parent", "parent": "next"})
        table = table.merge(step, on="parent", how="inner")[["child", "next"]].rename(columns={"next": "parent"})
    return table


def _nation(codes: pd.Series) -> pd.Series:
    """First letter of a GSS code; ITL1 codes map through the ITL1 table."""
    nation = codes.str[0]
    itl = products.load("itl1_codes")
    itl_nation = itl["RGN24CD"].fillna(itl["CTRY24CD"]).str[0]
    by_itl = pd.Series(itl_nation.to_numpy(), index=itl["ITL125CD"].to_numpy())
    is_itl = codes.str.startswith("TL")
    nation[is_itl] = by_itl.reindex(codes[is_itl]).to_numpy()
    return nation


def _pairs(child: str, parent: str) -> pd.DataFrame:
    paths = list(_paths(child, parent))
    if paths:
        return pd.concat([_compose(path) for path in paths]).drop_duplicates()
    for base in sorted(registry.specs(), key=lambda name: registry.specs()[name].areas):
        if base not in (child, parent) and list(_paths(base, child)) and list(_paths(base, parent)):
            down = _pairs(base, child).rename(columns={"parent": "child", "child": "base"})
            up = _pairs(base, parent).rename(columns={"child": "base"})
            # duplicates kept on purpose: their count is the number of base areas shared
            return down.merge(up, on="base")[["child", "parent"]]
    return pd.DataFrame({"child": pd.Series(dtype="string"), "parent": pd.Series(dtype="string")})


def lookup(from_level: str, to_level: str, *, best_fit: bool = False) -> pd.DataFrame:
    """Return the lookup from a level to a coarser level it nests in.

    Parameters
    ----------
    from_level, to_level : str
        Level ids or aliases (see :func:`geo.levels`), ``from_level`` the finer.
    best_fit : bool, default False
        Assign an area that straddles several parents to the one holding most of its
        constituent areas (ONS "best fit"), logging each such area, instead of raising.

    Returns
    -------
    DataFrame
        One row per ``from_level`` area within ``to_level``'s coverage, sorted by code, with
        columns named after the levels: ``<from>``, ``<to>``, ``<to>_name``.

    Raises
    ------
    NestingError
        When ``from_level`` does not nest in ``to_level`` (an area would have several
        parents, or ``to_level`` is the finer level): the message names both arguments, says
        why and points to :func:`geo.disaggregate` (:func:`geo.convert` for LSOA 2011 -> 2021).

    Examples
    --------
    >>> table = lookup("lad24", "itl1")
    >>> table.columns.tolist()
    ['lad24', 'itl1', 'itl1_name']
    """
    return _lookup(from_level, to_level, best_fit=best_fit, arguments=ARGUMENTS)


def _lookup(from_level: str, to_level: str, *, best_fit: bool, arguments: tuple[str, str]) -> pd.DataFrame:
    """:func:`lookup`, with errors naming the caller's parameters ``arguments`` (child, parent)."""
    child = registry.resolve(from_level, argument=arguments[0])
    parent = registry.resolve(to_level, argument=arguments[1])
    named = f"{arguments[0]}={child!r} does not nest in {arguments[1]}={parent!r}"
    if child == parent:
        raise NestingError(f"{arguments[0]} and {arguments[1]} are both {child!r}; a lookup needs two different levels")
    key = f"lookups/{child}-{parent}" + ("-best-fit" if best_fit else "")
    version = catalogue.version()
    cached = cache.read(key, version=version)
    if cached is not None:
        return cached
    if {child, parent} == {"lsoa11", "lsoa21"}:
        hint = "LSOA 2011 values move onto LSOA 2021 with geo.convert(data, value=..., kind=...)."
    else:
        hint = (
            f"To express {child} values at {parent}, disaggregate them to a level that nests in both "
            f"(geo.disaggregate(..., to='lsoa21')) and aggregate from there."
        )
    if child in registry.spec(parent).nests_in:
        if {child, parent} != {"lsoa11", "lsoa21"}:
            swap = f"For the lookup the other way round, swap the levels (geo.lookup({parent!r}, {child!r})); t" if arguments == ARGUMENTS else "T"
            hint = f"{swap}o spread {child} values over {parent} areas, use geo.disaggregate(..., to={parent!r})."
        raise NestingError(
            f"{named}: {parent} is the finer level (each {child} area contains many {parent} areas), "
            f"and a lookup goes from finer to coarser. {hint}"
        )
    pairs = _pairs(child, parent)
    if pairs.empty:
        raise NestingError(f"{named}: the two levels have no lookup path in the catalogue. {hint}")
    shares = pairs.groupby(["child", "parent"]).size().rename("n").reset_index()
    counts = shares.groupby("child")["parent"].size()
    split = counts[counts > 1]
    if len(split) and best_fit:
        log.warning("best fit: %d %s areas straddle several %s areas (%s); each goes to the one holding most of it",
                    len(split), child, parent, examples(split.index))
        shares = shares.sort_values(["child", "n", "parent"], ascending=[True, False, True])
        pairs = shares.drop_duplicates("child")[["child", "parent"]]
    elif len(split):
        first = shares.loc[shares["child"] == split.index[0], "parent"].tolist()
        raise NestingError(
            f"{named}: {len(split):,} {child} areas straddle several "
            f"{parent} areas (e.g. {split.index[0]} is split between {examples(first)}). "
            f"geo.lookup({child!r}, {parent!r}, best_fit=True) assigns each to the parent holding most of it. {hint}"
        )
    else:
        pairs = shares[["child", "parent"]]
    expected = areas(child).index.to_series()
    expected = expected[_nation(expected).isin(registry.spec(parent).coverage)]
    orphans = expected[~isin(expected, pairs["child"])]
    if len(orphans):
        error = DataError if parent in registry.spec(child).nests_in else NestingError
        raise error(f"{named}: {len(orphans):,} {child} areas have no {parent} parent ({examples(orphans)}). {hint}")
    names = areas(parent)["name"]
    table = pd.DataFrame(
        {
            child: pairs["child"].to_numpy(),
            parent: pairs["parent"].to_numpy(),
            f"{parent}_name": names.reindex(pairs["parent"]).to_numpy(),
        }
    ).astype("string")
    table = table[isin(table[child], expected)].sort_values(child, ignore_index=True)
    cache.write(key, table, source="composed from the catalogue lookups", version=version)
    return table


class Hierarchy(NamedTuple):
    """A lookup as positions, for vectorised aggregation (``np.bincount`` over parents).

    ``children`` and ``parents`` are object-dtype indexes (fast hashing), ``names`` the
    parents' names; ``parent_of[i]``
    is the position in ``parents`` of ``children[i]``'s parent; ``sizes[j]`` counts the
    children of ``parents[j]``; ``by_code[k]`` is the position in ``children`` of the k-th
    code of :func:`code_index` (``-1`` outside the parent level's coverage).

    Examples
    --------
    >>> tree = hierarchy("lad24", "itl1")
    >>> len(tree.children), len(tree.parents), int(tree.sizes.sum())
    (361, 12, 361)
    >>> tree.parents[tree.parent_of[tree.children.get_loc("E06000047")]]
    'TLC'
    """

    children: pd.Index
    parents: pd.Index
    parent_of: np.ndarray
    sizes: np.ndarray
    by_code: np.ndarray
    names: np.ndarray


def hierarchy(child: str, parent: str, *, best_fit: bool = False, arguments: tuple[str, str] = ARGUMENTS) -> Hierarchy:
    """Return :func:`lookup` as a :class:`Hierarchy`, memoised per catalogue and cache.

    ``arguments`` names the caller's parameters for ``child`` and ``parent`` in errors
    (default ``("from_level", "to_level")``, as :func:`lookup`; ``aggregate`` passes
    ``("level", "to")``).

    Examples
    --------
    >>> tree = hierarchy("lsoa21", "region")
    >>> dict(zip(tree.parents[:2], tree.sizes[:2].tolist()))
    {'E12000001': 1682, 'E12000002': 4567}
    """
    child, parent = registry.resolve(child, argument=arguments[0]), registry.resolve(parent, argument=arguments[1])
    return _hierarchy(child, parent, best_fit, catalogue.version(), str(cache.entry_path("")), arguments)


@lru_cache(maxsize=64)
def _hierarchy(child: str, parent: str, best_fit: bool, version: str, where: str, arguments: tuple[str, str]) -> Hierarchy:
    table = _lookup(child, parent, best_fit=best_fit, arguments=arguments)
    children = pd.Index(table[child].to_numpy(dtype=object), dtype=object)
    codes, parents = pd.factorize(table[parent].to_numpy(dtype=object), sort=True)
    by_code = children.get_indexer(code_index(child))
    names = pd.Series(table[f"{parent}_name"].to_numpy(dtype=object)).groupby(codes).first().to_numpy(dtype=object)
    return Hierarchy(children, pd.Index(parents, dtype=object), codes, np.bincount(codes, minlength=len(parents)), by_code, names)


def code_index(level: str) -> pd.Index:
    """Return the codes of a level as an object-dtype index (memoised), for fast membership.

    Examples
    --------
    >>> codes = code_index("itl1")
    >>> len(codes), codes[0], "TLC" in codes
    (12, 'TLC', True)
    """
    level = registry.resolve(level)
    return _code_index(level, catalogue.version(), str(cache.entry_path("")))


@lru_cache(maxsize=32)
def _code_index(level: str, version: str, where: str) -> pd.Index:
    return pd.Index(areas(level).index.to_numpy(dtype=object), dtype=object)
