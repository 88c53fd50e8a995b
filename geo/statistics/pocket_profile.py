r"""Profiles of one area's pockets: place names, what drives each pocket, change since an earlier edition.

:func:`profile_pockets` turns the rows of :func:`geo.pockets` for one area into tables a
committee can read (data, not HTML); :func:`earlier_deciles` puts an earlier edition's
published decile on the current small areas. The rules:

Numbers and names
    Pockets are numbered 1..n within the area in the order of their national ids, which
    :func:`geo.pockets` gives worst first. A pocket is named by the wards its small areas lie
    in (LSOA 2021 → electoral ward, May 2024; Scottish data zone → intermediate zone; Northern
    Irish super data zone → District Electoral Area), the ward holding most of the pocket's
    weight (residents; small areas when unweighted) first, then by number of small areas,
    then alphabetically; at most three names, then "and N more wards"; two pockets with the
    same name get their first small area's name added in brackets. Small areas keep their
    published names (``LSOA21NM``, data zone and super data zone names).
Domain profile
    For a pocket's small areas :math:`i` with weights :math:`w_i` (``weight``; 1 each when
    None), a domain's national rank :math:`r_i` (1 = most deprived) and published decile
    :math:`d_i`: ``rank_<D>`` :math:`= \sum w_i r_i / \sum w_i` and ``decile_<D>``
    :math:`= \sum_{d_i = 1} w_i / \sum w_i` (the share of residents in the domain's most
    deprived national decile). A domain puts the pocket in the worst 10 % (``worst_domains``)
    when that share is above one half: most of its residents live in small areas in that
    domain's most deprived national decile.
Change
    With the earlier edition's decile :math:`e_i` on the same small areas, a pocket member is
    "persistent" when :math:`e_i = 1`, "new" when :math:`e_i` is known and not 1, "" when
    unknown. A pocket is "persistent" when all its members with a known :math:`e_i` are,
    "new" when none is, "partly new" otherwise. ``left`` lists the area's small areas
    (``area_codes``) with :math:`e_i = 1` whose current published decile is known and not 1.
    National ranks are relative: this compares positions, not absolute deprivation.
Conversion (:func:`earlier_deciles`)
    An edition published on LSOA 2011 is carried to LSOA 2021 by :func:`geo.convert`
    (population-weighted, ``kind="mean"``) of one indicator per decile: each LSOA 2021 gets
    the share of its estimated residents whose LSOA 2011 had each decile, and takes the
    decile with the largest share (ties: the more deprived). Unchanged and split LSOAs keep
    their LSOA 2011's decile; merged (and irregular) ones take the decile of the LSOAs 2011
    holding most of their residents, estimated as :func:`geo.convert` does (by area).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from geo import catalogue
from geo.data import cache, products
from geo.errors import InputError, examples
from geo.geography import lookups, registry
from geo.geography.codes import codes_of
from geo.geography.population import population
from geo.moving.conversion import convert
from geo.moving.values import positive_weights

logger = logging.getLogger(__name__)

#: Where the "ward" of a small area comes from: level -> (lookup product, its field of the
#: level, its field of the ward name, how the notes name the wards, their plural noun).
WARDS = {
    "lsoa21": ("lsoa21_wd24_lad24", "lsoa21", "wd24_name", "the electoral wards (May 2024)", "wards"),
    "dz11": ("dz11_iz11_lad20", "dz11", "iz11_name", "the intermediate zones (2011)", "intermediate zones"),
    "sdz21": ("dz21_sdz21_lgd14", "sdz21", "dea14_name", "the District Electoral Areas (2014)", "District Electoral Areas"),
}
LOCAL = ("pocket", "codes", "n_areas", "population", "value", "parent", "parent_name", "hidden")
MAJORITY = 0.5  #: a domain drives a pocket when more than this share of its residents are in the domain's decile 1
SHOWN = 3  #: ward names shown before "and N more"
SHOWN_AREAS = 5  #: small-area names shown before "and N more"


@dataclass(frozen=True, eq=False)
class PocketProfile:
    """The pockets of one area as a committee reads them (see the module docstring for the rules).

    Attributes
    ----------
    pockets : GeoDataFrame
        One row per pocket, worst first, indexed by ``number`` (1..n).
    members : DataFrame
        One row per small area in a pocket, indexed by code.
    left : DataFrame
        Small areas of the area in the earlier edition's most deprived decile but not now.
    domains : tuple of str
        Domain labels in page order; ``()`` without domains.
    earlier : str or None
        Name of the earlier edition compared, or None.
    notes : tuple of str
        Sentences the method note must include.
    national_count : int or None
        Number of small areas the national ranks are out of.

    Examples
    --------
    >>> empty = pd.DataFrame()
    >>> PocketProfile(gpd.GeoDataFrame(), empty, empty, (), None, ("No pocket.",)).notes
    ('No pocket.',)
    """

    pockets: gpd.GeoDataFrame
    members: pd.DataFrame
    left: pd.DataFrame
    domains: tuple[str, ...]
    earlier: str | None
    notes: tuple[str, ...]
    national_count: int | None = None


def words(items: Sequence[str]) -> str:
    """Join items in plain English: "a", "a and b", "a, b and c".

    Examples
    --------
    >>> words(["income", "employment", "health"])
    'income, employment and health'
    >>> words([])
    ''
    """
    items = list(items)
    return items[0] if len(items) == 1 else (", ".join(items[:-1]) + " and " + items[-1] if items else "")


def _listed(names: Sequence[str], limit: int, noun: str) -> str:
    """At most ``limit`` names joined by "; ", then "and N more <noun>"."""
    names = [n for n in names if n]
    more = len(names) - limit
    return "; ".join(names[:limit]) + (f" and {more} more {noun if more > 1 else noun[:-1]}" if more > 0 else "")


def _numeric(data: pd.DataFrame, column: str, argument: str) -> pd.Series:
    if column not in data.columns:
        raise InputError(f"{argument}: {column!r} is not a column of data; columns are {examples(data.columns, 12)}")
    values = pd.to_numeric(data[column], errors="coerce").astype("float64")
    bad = data.index[values.isna().to_numpy() & data[column].notna().to_numpy()]
    if len(bad):
        raise InputError(f"{argument}: column {column!r} holds values that are not numbers at {examples(bad)}; expected ranks or deciles")
    return values


def _places(codes: pd.Index, level: str, names: pd.DataFrame | None) -> tuple[pd.DataFrame, str, str]:
    """Name and ward of each code, the phrase naming the wards' source, and their noun."""
    if names is not None:
        if not isinstance(names, pd.DataFrame) or not {"name", "ward"} <= set(names.columns):
            raise InputError("names= must be a DataFrame indexed by code with columns 'name' and 'ward'")
        table = names.reindex(codes)[["name", "ward"]]
        return table.astype(object).where(table.notna(), ""), "the wards given (names=)", "wards"
    table = pd.DataFrame({"name": lookups.areas(level)["name"].reindex(codes).to_numpy(dtype=object)}, index=codes)
    if level not in WARDS:
        table["ward"] = ""
        return table.fillna(""), "", "wards"
    product, child, field, source, noun = WARDS[level]
    item = catalogue.product(product)
    raw = products.load(product)
    ward = pd.Series(raw[item.field(field)].to_numpy(dtype=object), index=raw[item.field(child)].astype(str).to_numpy())
    table["ward"] = ward[~ward.index.duplicated()].reindex(codes).to_numpy()
    return table.fillna(""), source, noun


def _worst(shares: Mapping[str, float]) -> str:
    return words([label.lower() for label, share in shares.items() if share > MAJORITY])


def _change(states: pd.Series) -> str:
    known = states[states != ""]
    if known.empty:
        return ""
    persistent = int((known == "persistent").sum())
    return "persistent" if persistent == len(known) else ("new" if persistent == 0 else "partly new")


def profile_pockets(
    local: gpd.GeoDataFrame,
    *,
    level: str,
    data: pd.DataFrame,
    value: str,
    domains: Mapping[str, str] | None = None,
    decile_of: Mapping[str, str] | None = None,
    national_count: int | None = None,
    earlier: pd.Series | None = None,
    earlier_name: str | None = None,
    area_codes: pd.Index | None = None,
    weight: pd.Series | str | None = None,
    code: str | None = None,
    rank: str | None = None,
    names: pd.DataFrame | None = None,
) -> PocketProfile:
    """Name, profile and date the pockets of one area (rules in the module docstring).

    Parameters
    ----------
    local : GeoDataFrame
        The rows of :func:`geo.pockets` for the area (``pocket``, ``codes``, ``n_areas``,
        ``population``, ``value``, ``parent``, ``parent_name``, ``hidden``, geometry). Not mutated.
    level : str
        Level of the small areas (``"lsoa21"``, ``"dz11"``, ``"sdz21"`` ...).
    data : DataFrame
        The index table, one row per small area (codes in the index or in ``code``).
    value : str
        The column the pockets were found on.
    domains : mapping of str to str, optional
        Domain label -> national rank column (1 = most deprived), in page order.
    decile_of : mapping of str to str, optional
        Label -> published decile column (1 = most deprived) for every domain, and
        ``"Overall"`` -> the index's own decile (needed for ``members["decile"]`` and ``left``).
    national_count : int, optional
        Number of small areas the ranks are out of (default: the rows of ``data``).
    earlier : Series, optional
        The earlier edition's published decile on ``level`` (e.g. :func:`earlier_deciles`).
    earlier_name : str, optional
        How the page names the earlier edition (``"IoD2019"``).
    area_codes : Index, optional
        Every small area of the area, for ``left``.
    weight : Series, "population" or None
        Weights of the small areas (residents); ``"population"`` for Census 2021 residents;
        None counts every small area once.
    code : str, optional
        Column of ``data`` holding the codes (default: the index).
    rank : str, optional
        The index's own national rank column (``members["rank"]``).
    names : DataFrame, optional
        Columns ``name`` and ``ward`` indexed by code, instead of the lookups of ``level``.

    Returns
    -------
    PocketProfile
        ``pockets`` (``name``, ``wards``, ``small_areas``, ``n_areas``, ``population``,
        ``value``, ``parent_name``, ``hidden``, ``rank_<D>`` and ``decile_<D>`` per domain,
        ``worst_domains``, ``change``, ``n_persistent``, ``n_new`` (Int64, missing without
        ``earlier``), ``pocket_id``, ``parent``, ``parent_value``, ``codes``, geometry),
        ``members`` (``name``, ``ward``, ``number``, ``value``, ``rank``, ``decile``,
        ``decile_<D>``, ``change``) and ``left`` (``name``, ``ward``, ``decile_earlier``,
        ``decile_now``).

    Examples
    --------
    >>> local = gpd.GeoDataFrame({"pocket": [7, 3], "codes": ["E01020592", "E01020739"], "n_areas": [1, 1],
    ...     "population": [1500.0, 1700.0], "value": [60.0, 70.0], "parent": "E06000047",
    ...     "parent_name": "County Durham", "hidden": False}, geometry=[None, None])
    >>> data = pd.DataFrame({"score": [70.0, 60.0], "Income_rank": [10, 300], "Income_decile": [1, 1]},
    ...     index=["E01020739", "E01020592"])
    >>> p = profile_pockets(local, level="lsoa21", data=data, value="score", domains={"Income": "Income_rank"},
    ...     decile_of={"Income": "Income_decile"}, national_count=33755)
    >>> p.pockets[["pocket_id", "name", "rank_Income", "worst_domains"]].to_dict("records")[0]
    {'pocket_id': 3, 'name': 'Blackhalls', 'rank_Income': 10.0, 'worst_domains': 'income'}
    """
    child = registry.resolve(level)
    missing = [c for c in LOCAL if not isinstance(local, pd.DataFrame) or c not in local.columns]
    if missing:
        raise InputError(f"local= lacks the columns {examples(missing)}; pass the rows of geo.pockets(...) for the area")
    codes = codes_of(data, code)
    if codes.isna().any() or codes.duplicated().any():
        raise InputError(f"data: codes must be present and unique; repeated or missing: {examples(codes[codes.duplicated() | codes.isna()].unique())}")
    table = data.set_axis(pd.Index(codes.to_numpy(dtype=object)), axis=0)
    domains = dict(domains or {})
    decile_of = dict(decile_of or {})
    lacking = [label for label in domains if label not in decile_of]
    if lacking:
        raise InputError(f"decile_of lacks the domains {examples(lacking)}; pass decile_of= with a published decile column for every domain")
    count = int(national_count) if national_count is not None else len(table)
    ordered = local.sort_values("pocket", kind="mergesort")
    split = [str(c).split(",") for c in ordered["codes"]]
    member_codes = pd.Index([c.strip() for group in split for c in group], dtype=object, name="code")
    if member_codes.duplicated().any():
        raise InputError(f"local=: small areas in more than one pocket: {examples(member_codes[member_codes.duplicated()].unique())}")
    unknown = member_codes[~member_codes.isin(table.index)]
    if len(unknown):
        raise InputError(f"local= and data= disagree: pocket members missing from data: {examples(unknown)}; pass the data the pockets were found on")
    number = np.repeat(np.arange(1, len(ordered) + 1), [len(g) for g in split])
    if isinstance(weight, str) and weight == "population":
        w, weighting = population(child).reindex(member_codes), "Census 2021 usual residents"
    elif weight is None:
        w, weighting = pd.Series(1.0, index=member_codes), ""
    elif isinstance(weight, pd.Series):
        w, weighting = pd.to_numeric(weight, errors="coerce").reindex(member_codes), "the weights given (weight=)"
    else:
        raise InputError(f"weight={weight!r}; expected a Series of residents per small area, 'population' or None")
    positive_weights(w.astype("float64"), argument="weight", hint="; pass weight=None to count every small area once")
    places, source, noun = _places(member_codes, child, names)
    at = table.index.get_indexer(member_codes)  # every member is in data (checked above): positions, looked up once
    members = places.assign(number=number, value=_numeric(table, value, "value").to_numpy()[at])
    members["rank"] = _numeric(table, rank, "rank").to_numpy()[at] if rank else np.nan
    overall = decile_of.get("Overall")
    members["decile"] = _numeric(table, overall, "decile_of").to_numpy()[at] if overall else np.nan
    first = pd.DataFrame({"number": number, "w": w.to_numpy(dtype="float64")}, index=member_codes)
    for label, column in domains.items():
        first[f"rank_{label}"] = _numeric(table, column, "domains").to_numpy()[at]
        members[f"decile_{label}"] = _numeric(table, decile_of[label], "decile_of").to_numpy()[at]
        gaps = member_codes[(first[f"rank_{label}"].isna() | members[f"decile_{label}"].isna()).to_numpy()]
        if len(gaps):
            raise InputError(f"domains: the {label} rank or decile is missing for pocket members {examples(gaps)}; "
                             "a domain profile needs both for every small area of a pocket")
    before: pd.Series | None = None
    if earlier is not None:
        if not isinstance(earlier, pd.Series):
            raise InputError(f"earlier= must be a Series of deciles indexed by code, got {type(earlier).__name__}")
        before = pd.to_numeric(earlier, errors="coerce")
        before.index = before.index.astype(str)
        before = before[~before.index.duplicated()]
        was = before.reindex(member_codes).to_numpy()
        members["change"] = np.where(np.isnan(was), "", np.where(was == 1, "persistent", "new"))
    else:
        members["change"] = ""
    pockets = _pocket_rows(ordered, members, first, domains, noun, earlier is not None)
    members = members.sort_values(["number", "rank"], kind="mergesort", na_position="last")
    left = _left(before, area_codes, table, overall, child, names)
    name = earlier_name or ("the earlier edition" if earlier is not None else None)
    notes = _notes(source, noun, weighting, count, bool(domains), name, earlier, len(members) - int((members["change"] != "").sum()))
    logger.info("profile_pockets: %d pockets, %d members, %d left", len(pockets), len(members), len(left))
    return PocketProfile(pockets, members, left, tuple(domains), name, notes, count)


def _pocket_rows(ordered: gpd.GeoDataFrame, members: pd.DataFrame, first: pd.DataFrame, domains: Mapping[str, str],
                 noun: str, has_earlier: bool) -> gpd.GeoDataFrame:
    """One row per pocket: names, the domain profile and the change, in the interface's column order."""
    rows, listed = [], []
    # the wards of every pocket at once (weights summed per pocket and ward in member order), most weight first
    wards = pd.DataFrame({"number": members["number"].to_numpy(), "ward": members["ward"].to_numpy(), "w": first["w"].to_numpy()})
    by_ward = wards[wards["ward"] != ""].groupby(["number", "ward"], sort=False)["w"].agg(["sum", "size"]).reset_index()
    by_ward = by_ward.sort_values(["number", "sum", "size", "ward"], ascending=[True, False, False, True], kind="mergesort")
    ward_lists = by_ward.groupby("number", sort=False)["ward"].agg(list).to_dict()
    numbers = members["number"].to_numpy()
    codes = members.index.to_numpy()
    names = members["name"].to_numpy()
    changes = members["change"].to_numpy()
    w = first["w"].to_numpy(dtype="float64")
    ranks = {label: first[f"rank_{label}"].to_numpy() for label in domains}
    deciles = {label: members[f"decile_{label}"].to_numpy() for label in domains}
    for number in sorted(set(numbers.tolist())):
        at = np.flatnonzero(numbers == number)  # the pocket's members, in member order
        weights = w[at]
        ward_text = _listed(ward_lists.get(number, []), SHOWN, noun)
        area_names = sorted(names[at].tolist())
        listed.append(area_names)
        row: dict[str, object] = {
            "number": number, "name": ward_text or _listed(area_names, SHOWN, "small areas") or ", ".join(sorted(codes[at].tolist())),
            "wards": ward_text, "small_areas": _listed(area_names, SHOWN_AREAS, "small areas"),
        }
        shares = {}
        for label in domains:
            row[f"rank_{label}"] = float(np.average(ranks[label][at], weights=weights))
            shares[label] = row[f"decile_{label}"] = float(weights[deciles[label][at] == 1].sum() / weights.sum())
        row["worst_domains"] = _worst(shares)
        state = pd.Series(changes[at])
        row["change"] = _change(state)
        row["n_persistent"] = int((state == "persistent").sum()) if has_earlier else pd.NA
        row["n_new"] = int((state == "new").sum()) if has_earlier else pd.NA
        rows.append(row)
    named = [row["name"] for row in rows]
    for row, areas in zip(rows, listed, strict=True):  # pockets in the same wards: the first small area tells them apart
        if named.count(row["name"]) > 1 and row["wards"]:
            row["name"] = f"{row['name']} ({_listed(areas, 1, 'small areas')})"
    profile = pd.DataFrame(rows, columns=["number", "name", "wards", "small_areas",
                                          *[f"{k}_{label}" for label in domains for k in ("rank", "decile")],
                                          "worst_domains", "change", "n_persistent", "n_new"])
    profile = profile.astype({"number": "int64", "n_persistent": "Int64", "n_new": "Int64"})
    base = ordered.reset_index(drop=True)
    extra = base.get("parent_value", pd.Series(np.nan, index=base.index))
    result = pd.DataFrame({
        "name": profile["name"], "wards": profile["wards"], "small_areas": profile["small_areas"],
        "n_areas": base["n_areas"], "population": base["population"], "value": base["value"],
        "parent_name": base["parent_name"], "hidden": base["hidden"],
        **{c: profile[c] for c in profile.columns[4:]},
        "pocket_id": base["pocket"], "parent": base["parent"], "parent_value": extra, "codes": base["codes"],
    })
    result.index = pd.Index(np.arange(1, len(result) + 1), name="number")
    geometry = base.geometry.to_numpy() if isinstance(base, gpd.GeoDataFrame) and base.geometry is not None else None
    crs = base.crs if isinstance(base, gpd.GeoDataFrame) else None
    return gpd.GeoDataFrame(result, geometry=geometry if geometry is not None else [None] * len(result), crs=crs)


def _left(before: pd.Series | None, area_codes: pd.Index | None, table: pd.DataFrame, overall: str | None,
          level: str, names: pd.DataFrame | None) -> pd.DataFrame:
    """Small areas of the area in the earlier decile 1 and not in the current decile 1."""
    empty = pd.DataFrame({"name": pd.Series(dtype=object), "ward": pd.Series(dtype=object),
                          "decile_earlier": pd.Series(dtype="float64"), "decile_now": pd.Series(dtype="float64")},
                         index=pd.Index([], dtype=object, name="code"))
    if before is None or area_codes is None:
        return empty
    if overall is None:
        raise InputError("left needs the current decile: pass decile_of= with an 'Overall' entry (e.g. {'Overall': 'IMD_decile'})")
    codes = pd.Index(pd.Index(area_codes).astype(str).unique(), name="code")
    now = _numeric(table, overall, "decile_of").reindex(codes)
    was = before.reindex(codes)
    chosen = codes[((was == 1) & now.notna() & (now != 1)).to_numpy()]
    if not len(chosen):
        return empty
    places, _, _ = _places(chosen, level, names)
    return places.assign(decile_earlier=was[chosen].to_numpy(dtype="float64"), decile_now=now[chosen].to_numpy(dtype="float64")).sort_index()


def _notes(source: str, noun: str, weighting: str, count: int, has_domains: bool, name: str | None,
           earlier: pd.Series | None, unknown: int) -> tuple[str, ...]:
    """The sentences the method note must include."""
    whom = "residents" if weighting else "small areas"
    notes = [f"Pockets are named by {source} they lie in, the one holding most of the pocket's {whom} first "
             f"(at most three, then how many more {noun}; pockets in the same {noun} are told apart by their first "
             "small area's name); small areas keep their published names."
             if source else "Pockets are named by their small areas' published names (no ward lookup for this level).",
             "Pockets are numbered 1 to n within the area, worst first (the order of their national ids)."]
    notes.append(f"Averages over a pocket's small areas are weighted by {weighting}." if weighting else
                 "Averages over a pocket's small areas count every small area once (equal weights: no population was given).")
    if has_domains:
        notes.append(f"A pocket's domain rank is the weighted mean of its small areas' national ranks (out of {count:,}, "
                     f"1 = most deprived); its decile share is the share of its {whom} in that domain's most deprived national "
                     f"decile. A domain is said to put a pocket in the worst 10 % when more than half of its {whom} are in "
                     "that domain's most deprived 10 % nationally.")
    if earlier is not None:
        notes.append(f"Change since {name}: a small area is persistent when it was in the most deprived 10 % nationally in "
                     f"{name} as it is now, new when it was not; a pocket is persistent when all its small areas are, new when "
                     f"none is, partly new otherwise; 'left' lists the area's small areas in the most deprived 10 % in {name} but not now.")
        notes.append("National ranks are relative, so the comparison is of position, not of absolute deprivation: "
                     "an area can leave the most deprived 10 % because others became more deprived.")
        if earlier.attrs.get("note"):
            notes.append(str(earlier.attrs["note"]))
        if unknown:
            notes.append(f"{unknown:,} pocket small areas have no {name} decile and are left out of the change counts.")
    return tuple(notes)


def earlier_deciles(product: str = "iod2019", *, column: str = "IMD_decile", to: str = "lsoa21") -> pd.Series:
    """Put an earlier edition's published decile (1 = most deprived) on ``to`` (rule in the module docstring).

    Parameters
    ----------
    product : str, default "iod2019"
        A catalogue indicator published on LSOA 2011 (converted) or on ``to`` itself (as is).
    column : str, default "IMD_decile"
        Its decile column.
    to : str, default "lsoa21"
        The level of the current edition.

    Returns
    -------
    Series
        The decile per ``to`` code; ``attrs["note"]`` says how it was converted and
        ``attrs["mixed"]`` counts the areas drawn from LSOAs 2011 of different deciles.

    Examples
    --------
    >>> old = earlier_deciles("iod2019")
    >>> len(old), int((old == 1).sum()), old.attrs["mixed"]
    (33755, 3341, 70)
    """
    item = catalogue.product(product)
    target = registry.resolve(to, argument="to")
    level = item.levels[0]
    raw = products.load(product)
    if column not in raw.columns:
        raise InputError(f"column={column!r} is not a column of {product}; columns are {examples(raw.columns, 12)}")
    decile = pd.Series(pd.to_numeric(raw[column], errors="coerce").to_numpy(), index=raw[item.field(level)].astype(str).to_numpy())
    if level == target:
        out = decile.rename(column).rename_axis(target)
        out.attrs.update({"note": f"{item.title}: published on {target}, used as published.", "mixed": 0})
        return out
    if (level, target) != ("lsoa11", "lsoa21"):
        raise InputError(f"to={to!r}: {product} is published on {level}; it can be put on lsoa21 (from lsoa11) or used on {level} as is")
    key, version = f"earlier_deciles/{product}/{column}/{target}", catalogue.version()
    cached = cache.read(key, version=version)  # national and the same for every report: converted once per catalogue
    if cached is not None:
        out = pd.Series(cached["decile"].to_numpy(dtype="float64"), index=pd.Index(cached.index, dtype="string", name=target), name=column)
        mixed = int(cached["mixed"].sum())
    else:
        values = sorted(decile.dropna().unique())
        shares = pd.DataFrame({f"d{int(d)}": (decile == d).astype("float64").where(decile.notna()) for d in values})
        converted = convert(shares, value=list(shares.columns), kind="mean")[list(shares.columns)]
        known = converted.notna().any(axis=1)
        top = converted[known].fillna(0.0)
        out = pd.Series(np.asarray(values, dtype="float64")[np.argmax(top.to_numpy(), axis=1)], index=top.index, name=column)
        out = out.reindex(converted.index).rename_axis(target)
        drew = (top.max(axis=1) < 1 - 1e-9).reindex(out.index, fill_value=False)  # LSOAs 2021 drawn from LSOAs 2011 of different deciles
        mixed = int(drew.sum())
        cache.write(key, pd.DataFrame({"decile": out.to_numpy(), "mixed": drew.to_numpy(dtype=bool)}, index=out.index),
                    source=f"{product} {column} converted to {target} (geo.convert)", version=version)
    out.attrs.update({"mixed": mixed, "note": (
        f"The earlier deciles ({product}, published on LSOA 2011) were put on LSOA 2021 with the package's conversion "
        "(geo.convert): an unchanged or split LSOA keeps its LSOA 2011's decile; an LSOA 2021 formed from several LSOAs 2011 "
        "takes the decile held by most of its residents (shares estimated by area, as geo.convert does; "
        f"{mixed:,} LSOAs 2021 nationally drew on LSOAs 2011 of different deciles).")})
    return out
