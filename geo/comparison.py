"""Compare each area with the areas that contain it and with the nation.

The parents' values come from rows of the same table (an ONS Explore Local Statistics file
holds districts, counties, regions and nations together): a district is compared with its
upper-tier authority, police force area, region, ITL1 area and nation, as far as the table
has them. With 95% confidence intervals, a difference is *statistically clear* when the
area's interval and the parent's interval do not overlap (or, when the parent has no
interval, when the area's interval excludes the parent's value) — the rule ONS uses in
Explore Local Statistics.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo import lookups, registry
from geo.codes import isin
from geo.errors import InputError, examples
from geo.inputs import codes_of

_UK = "K02000001"


def compare(
    data: pd.DataFrame,
    *,
    value: str,
    level: str | None = None,
    higher_is_better: bool = True,
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

    Returns
    -------
    DataFrame
        Indexed by the areas' codes: ``name``, ``value``; for each parent level ``p`` in the
        table: ``p`` (code), ``p_value``, ``diff_p`` (area minus parent), ``rank_in_p`` (1 =
        best among the areas sharing that parent) and ``clear_p`` (statistically clear, or
        missing without intervals); ``uk_value``/``diff_uk`` when the UK row is present.

    Examples
    --------
    >>> import geo
    >>> hle = geo.read_ess("healthy-life-expectancy")
    >>> one = hle[(hle["indicator"] == "Female healthy life expectancy") & (hle["period"] == "2021-01-01/P3Y")]
    >>> table = compare(one.drop_duplicates("areacd"), code="areacd", value="observation", level="lad24")
    >>> print(*table.loc["E06000001", ["name", "value", "rgn24_value", "ctry_value", "clear_ctry"]])
    Hartlepool 53.3 57.5 61.9 True
    """
    codes = codes_of(data, code)
    if codes.duplicated().any():
        raise InputError(f"data has duplicated codes ({examples(codes[codes.duplicated()].unique())}); keep one period and indicator")
    if value not in data.columns:
        raise InputError(f"value={value!r} is not a column of data; columns are {list(data.columns)[:12]}")
    table = pd.DataFrame(
        {
            "value": pd.to_numeric(data[value], errors="coerce").to_numpy(dtype="float64"),
            "lci": pd.to_numeric(data[lci], errors="coerce").to_numpy(dtype="float64") if lci in data else np.nan,
            "uci": pd.to_numeric(data[uci], errors="coerce").to_numpy(dtype="float64") if uci in data else np.nan,
        },
        index=pd.Index(codes.to_numpy(dtype=object), dtype="string"),
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
        result[f"rank_in_{parent}"] = (sign * -result["value"]).groupby(link.to_numpy()).rank(method="min").astype("Int64")
        result[f"clear_{parent}"] = _clear(areas, theirs)
    if _UK in table.index:
        result["uk_value"] = table.loc[_UK, "value"]
        result["diff_uk"] = result["value"] - result["uk_value"]
    result.attrs.update({"level": level, "higher_is_better": higher_is_better})
    return result


def _clear(areas: pd.DataFrame, parents: pd.DataFrame) -> pd.array:
    lo, hi = areas["lci"].to_numpy(), areas["uci"].to_numpy()
    plo, phi, pv = parents["lci"].to_numpy(), parents["uci"].to_numpy(), parents["value"].to_numpy()
    has_parent_ci = ~np.isnan(plo) & ~np.isnan(phi)
    apart = np.where(has_parent_ci, (hi < plo) | (lo > phi), (pv < lo) | (pv > hi))
    known = ~np.isnan(lo) & ~np.isnan(hi) & ~np.isnan(pv)
    return pd.array(np.where(known, apart, None), dtype="boolean")
