"""Compare each area with the areas that contain it and with the nation.

The parents' values come from rows of the same table (an ONS Explore Local Statistics file
holds districts, counties, regions and nations together): a district is compared with its
upper-tier authority, police force area, region, ITL1 area and nation, as far as the table
has them. With 95% confidence intervals, a difference is *statistically clear* when the
area's interval and the parent's interval do not overlap (or, when the parent has no
interval, when the area's interval excludes the parent's value) — the rule ONS uses in
Explore Local Statistics.

The parents' and the nation's values are read from the table's own rows (published figures),
never computed from the areas present, so a table that holds one council and its region and
nation is compared correctly; a parent level with no row in the table gets no columns.
Values must be numbers or missing: text and ``inf`` are refused. There is no default
direction: ``rank_in_<parent>`` needs ``higher_is_better`` and is missing without it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.errors import InputError, examples
from geo.geography import lookups, registry
from geo.geography.codes import codes_of, isin

_UK = "K02000001"


def compare(
    data: pd.DataFrame,
    *,
    value: str,
    level: str | None = None,
    higher_is_better: bool | None = None,
    code: str | None = None,
    lci: str = "lci_95",
    uci: str = "uci_95",
) -> pd.DataFrame:
    """Compare every area of ``level`` with its parents and the nation.

    Parameters
    ----------
    data : DataFrame
        Values for the areas and, in the same table, for their parents (one period and
        indicator), codes in ``code`` or the index; optional ``lci``/``uci`` columns.
    value : str
        The indicator column (``"observation"`` for ESS files).
    level : str, optional
        The level compared (default: the level holding most of the codes).
    higher_is_better : bool, optional
        Orients ``rank_in_<parent>`` (1 = best); without it those ranks are missing.
    code : str, optional
        Column of codes (default: the index).
    lci, uci : str
        Columns of the 95% confidence limits, if the table has them.

    Returns
    -------
    DataFrame
        Indexed by the areas' codes: ``name``, ``value``; for each parent level ``p`` in the
        table: ``p`` (code), ``p_value``, ``diff_p`` (area minus parent), ``rank_in_p`` (1 =
        best among the table's areas sharing that parent; missing without ``higher_is_better``) and ``clear_p`` (statistically clear, or
        missing without intervals); ``uk_value``/``diff_uk`` when the UK row is present.

    Examples
    --------
    >>> import geo
    >>> hle = geo.read_ess("healthy-life-expectancy")
    >>> one = hle[(hle["indicator"] == "Female healthy life expectancy") & (hle["period"] == "2021-01-01/P3Y")]
    >>> table = compare(one.drop_duplicates("areacd"), code="areacd", value="observation", level="lad24", higher_is_better=True)
    >>> print(*table.loc["E06000001", ["name", "value", "rgn24_value", "ctry_value", "clear_ctry"]])
    Hartlepool 53.3 57.5 61.9 True
    """
    codes = codes_of(data, code)
    if codes.duplicated().any():
        raise InputError(f"data has duplicated codes ({examples(codes[codes.duplicated()].unique())}); keep one period and indicator")
    if value not in data.columns:
        raise InputError(f"value={value!r} is not a column of data; columns are {list(data.columns)[:12]}")
    if higher_is_better is not None and not isinstance(higher_is_better, (bool, np.bool_)):
        raise InputError(f"higher_is_better={higher_is_better!r}; expected True, False or None (no ranks)")
    index = pd.Index(codes.to_numpy(dtype=object), dtype="string")
    table = pd.DataFrame(
        {
            "value": _numbers(data[value], value, index),
            "lci": _numbers(data[lci], lci, index) if lci in data else np.nan,
            "uci": _numbers(data[uci], uci, index) if uci in data else np.nan,
        },
        index=index,
    )
    candidates = ("lsoa21", "msoa21", "lad24", "utla23", "pfa24", "rgn24", "itl1", "ctry")
    if level is None:
        counts = {lv: int(isin(table.index, lookups.areas(lv).index).sum()) for lv in candidates}
        level = max(counts, key=lambda lv: counts[lv])
        if counts[level] == 0:
            raise InputError(f"codes: none belongs to a known level ({examples(table.index)})")
    level = registry.resolve(level)
    areas = table[isin(table.index, lookups.areas(level).index)]
    if areas["value"].isna().all():
        raise InputError(f"value {value!r} is missing for every {level} area")
    result = pd.DataFrame({"name": lookups.areas(level)["name"].reindex(areas.index).to_numpy(), "value": areas["value"]})
    result.index.name = level
    sign = 1 if higher_is_better else -1
    for parent in registry.spec(level).nests_in:
        if parent in ("msoa21",):
            continue
        link = lookups.lookup(level, parent).set_index(level)[parent].reindex(areas.index)
        theirs = table.reindex(link.to_numpy())
        if theirs["value"].notna().sum() == 0:
            continue
        result[parent] = link.to_numpy()
        result[f"{parent}_value"] = theirs["value"].to_numpy()
        result[f"diff_{parent}"] = result["value"] - result[f"{parent}_value"]
        ranks = (sign * -result["value"]).groupby(link.to_numpy()).rank(method="min").astype("Int64")
        result[f"rank_in_{parent}"] = ranks if higher_is_better is not None else pd.array([pd.NA] * len(result), dtype="Int64")
        result[f"clear_{parent}"] = _clear(areas, theirs)
    if _UK in table.index:
        result["uk_value"] = table.loc[_UK, "value"]
        result["diff_uk"] = result["value"] - result["uk_value"]
    result.attrs.update({"level": level, "higher_is_better": higher_is_better})
    return result


def _numbers(column: pd.Series, name: str, index: pd.Index) -> np.ndarray:
    """``column`` as float64; text (other than blanks) and ``inf`` are refused, naming the column."""
    converted = pd.to_numeric(column, errors="coerce").to_numpy(dtype="float64")
    text = column.notna().to_numpy() & np.isnan(converted) & (column.astype("string").str.strip().fillna("") != "").to_numpy()
    if text.any():
        raise InputError(f"column {name!r} has non-numeric values ({examples(column[text].unique())}) at {examples(index[text])}; "
                         "values must be numbers or missing")
    infinite = np.isinf(converted)
    if infinite.any():
        raise InputError(f"column {name!r} has {int(infinite.sum()):,} infinite values (at {examples(index[infinite])}); "
                         "values must be finite numbers or missing (NaN)")
    return converted


def _clear(areas: pd.DataFrame, parents: pd.DataFrame) -> pd.array:
    lo, hi = areas["lci"].to_numpy(), areas["uci"].to_numpy()
    plo, phi, pv = parents["lci"].to_numpy(), parents["uci"].to_numpy(), parents["value"].to_numpy()
    has_parent_ci = ~np.isnan(plo) & ~np.isnan(phi)
    apart = np.where(has_parent_ci, (hi < plo) | (lo > phi), (pv < lo) | (pv > hi))
    known = ~np.isnan(lo) & ~np.isnan(hi) & ~np.isnan(pv)
    return pd.array(np.where(known, apart, None), dtype="boolean")
