r"""Summaries of small-area deprivation for larger areas, as the English Indices of
Deprivation define them (IoD technical report, "summary measures for higher-level areas").

For a parent area :math:`A` with LSOAs :math:`i` of population :math:`p_i`, score
:math:`s_i` and national rank :math:`r_i` (1 = most deprived of :math:`N` LSOAs nationally),
let the reversed rank be :math:`\tilde r_i = N + 1 - r_i` (higher = more deprived) and the
national percentile :math:`c_i = \lceil 100\, r_i / N \rceil` (1 = most deprived 1%).

- average score: :math:`\sum p_i s_i / \sum p_i`
- average rank: :math:`\sum p_i \tilde r_i / \sum p_i`
- proportion of LSOAs in the most deprived 10% nationally:
  :math:`\#\{i: \lceil 10\, r_i / N \rceil = 1\} / \#\{i\}` (national decile 1)
- extent: :math:`\sum p_i w_i / \sum p_i` with :math:`w_i = 1` for :math:`c_i \le 10`,
  :math:`w_i = 0.95 - 0.05\,(c_i - 11)` for :math:`11 \le c_i \le 30` and 0 otherwise
- local concentration: sort the LSOAs of :math:`A` from most to least deprived and take
  them until they hold exactly 10% of :math:`A`'s population (the last one only in part,
  :math:`q_i \le p_i`): :math:`\sum q_i \tilde r_i / \sum q_i`

Each measure is also ranked among the parent areas (``rank_of_<measure>``, 1 = most
deprived; ties share the lowest rank). National means national: for a level (``to="lad24"``
...) these ranks place an area among all the nation's areas, so they are given only when the
data hold at least 99 % of the LSOAs of every nation present (:func:`geo.geography.coverage.require_national`);
otherwise they are missing (``<NA>``) and ``attrs["rank_reason"]`` says why — one council's
LSOAs would make it "1st". For a grouping column of your own they rank the groups given.
The five measures themselves use the national ranks of the data's rank column and are
correct for any subset of LSOAs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.errors import InputError, examples
from geo.geography import lookups, registry
from geo.geography.coverage import covers_nation
from geo.geography.population import population
from geo.moving.inputs import prepare
from geo.moving.values import integer, positive_weights

MEASURES = ("average_score", "average_rank", "proportion_most_deprived_10", "extent", "local_concentration")


def extent_weight(percentile: np.ndarray) -> np.ndarray:
    """Weight of an LSOA in the extent measure, from its national percentile (1 = most deprived).

    Examples
    --------
    >>> extent_weight(np.array([1, 10, 11, 20, 30, 31])).round(2).tolist()
    [1.0, 1.0, 0.95, 0.5, 0.0, 0.0]
    """
    percentile = np.asarray(percentile, dtype="float64")
    sliding = 0.95 - 0.05 * (percentile - 11)
    return np.where(percentile <= 10, 1.0, np.where(percentile <= 30, np.clip(sliding, 0.0, None), 0.0))


def _local_concentration(frame: pd.DataFrame) -> pd.Series:
    ordered = frame.sort_values(["group", "rank"])
    cumulative = ordered.groupby("group")["pop"].cumsum()
    before = cumulative - ordered["pop"]
    limit = ordered.groupby("group")["pop"].transform("sum") * 0.10
    taken = np.clip(limit - before, 0.0, ordered["pop"])
    weighted = (taken * ordered["reversed"]).groupby(ordered["group"]).sum()
    return weighted / taken.groupby(ordered["group"]).sum()


def deprivation_summary(
    data: pd.DataFrame,
    *,
    to: str,
    score: str,
    rank: str,
    weight: str = "population",
    level: str | None = None,
    code: str | None = None,
    national_count: int | None = None,
) -> pd.DataFrame:
    """Summarise LSOA deprivation scores and national ranks for larger areas.

    Parameters
    ----------
    data : DataFrame
        One row per LSOA with a score column and a national rank column (1 = most deprived),
        e.g. the IoD2025 file's ``IMD_score`` and ``IMD_rank`` (or any domain's).
    to : str
        A level the LSOAs nest in (``"lad24"``, ``"utla23"``, ``"pfa24"``, ``"itl1"``), or the
        name of a column of ``data`` holding a grouping of your own.
    score, rank : str
        Columns of scores and national ranks.
    weight : str, default "population"
        ``"population"`` (Census 2021 usual residents) or a column of population weights.
    level, code : str, optional
        Level of the codes (detected when omitted) and their column (default index).
    national_count : int, optional
        Number of LSOAs ranked nationally (:math:`N`, a whole number >= 1). Default: every area
        of the level in the nations the data cover (33,755 English LSOAs for the IoD2025), so a
        subset of LSOAs is still placed nationally.

    Returns
    -------
    DataFrame
        Indexed by parent (named after ``to``): ``name`` (for levels), ``n_lsoas`` (and, for
        levels, ``lsoas_expected`` and ``lsoas_missing``: the measures of an area with missing
        LSOAs describe only those present), ``population``, the five measures and
        ``rank_of_<measure>`` (missing without national data; module docstring). Formulae:
        module docstring.

    Examples
    --------
    >>> import geo
    >>> iod = geo.data.products.load("iod2025")
    >>> lads = deprivation_summary(iod, code="LSOA21CD", score="IMD_score", rank="IMD_rank", to="lad24")
    >>> print(*lads.loc["E06000009", ["name", "n_lsoas", "rank_of_average_score", "rank_of_average_rank"]])
    Blackpool 94 1 1
    >>> round(float(lads.loc["E06000009", "proportion_most_deprived_10"]), 3)  # 38 of 94 LSOAs
    0.404
    """
    if national_count is not None:
        national_count = integer(national_count, argument="national_count", minimum=1)
    if not isinstance(to, str):
        raise InputError(f"to={to!r}; expected a level id (e.g. 'lad24') or the name of a grouping column of data")
    grouping = to if to in data.columns and code != to else None
    weight_columns = [] if weight == "population" else [weight]
    prepared = prepare(data, columns=[score, rank, *weight_columns], level=level, code=code)
    frame, child = prepared.frame, prepared.level
    missing = frame.index[frame[[score, rank]].isna().any(axis=1)]
    if len(missing):
        raise InputError(f"score/rank are missing for {len(missing):,} areas ({examples(missing)}); deprivation summaries need every LSOA of an area")
    if grouping:
        codes = data[code].astype("string").str.strip() if code else pd.Series(data.index, index=data.index, dtype="string")
        groups = pd.Series(data[grouping].to_numpy(), index=codes.to_numpy()).reindex(frame.index)
        if groups.isna().any():
            raise InputError(f"grouping column {grouping!r} is missing for {examples(frame.index[groups.isna()])}")
        target = grouping
    else:
        target = registry.resolve(to, argument="to")
        groups = lookups.lookup(child, target).set_index(child)[target].reindex(frame.index)
        if groups.isna().any():
            raise InputError(f"{int(groups.isna().sum()):,} {child} areas are outside {target}'s coverage ({examples(frame.index[groups.isna()])})")
    nations = sorted(set(frame.index.str[0]))
    n = national_count if national_count is not None else int(lookups.areas(child).index.str[0].isin(nations).sum())
    if frame[rank].max() > n or frame[rank].min() < 1:
        raise InputError(f"rank column {rank!r} runs from {frame[rank].min():g} to {frame[rank].max():g}; national ranks must lie in 1..{n} (national_count)")
    pop = population(child).reindex(frame.index) if weight == "population" else frame[weight]
    positive_weights(pd.Series(pop.to_numpy(dtype="float64"), index=frame.index), argument=f"weight {weight!r}")
    work = pd.DataFrame(
        {
            "group": groups.to_numpy(),
            "score": frame[score].to_numpy(),
            "rank": frame[rank].to_numpy(),
            "reversed": n + 1 - frame[rank].to_numpy(),
            "pop": pop.to_numpy(dtype="float64"),
        }
    )
    work["decile1"] = np.ceil(10 * work["rank"] / n) == 1
    work["extent_w"] = extent_weight(np.ceil(100 * work["rank"] / n))
    by = work.groupby("group")
    total = by["pop"].sum()
    result = pd.DataFrame(
        {
            "n_lsoas": by.size(),
            "population": total,
            "average_score": (work["pop"] * work["score"]).groupby(work["group"]).sum() / total,
            "average_rank": (work["pop"] * work["reversed"]).groupby(work["group"]).sum() / total,
            "proportion_most_deprived_10": by["decile1"].mean(),
            "extent": (work["pop"] * work["extent_w"]).groupby(work["group"]).sum() / total,
            "local_concentration": _local_concentration(work),
        }
    )
    national = bool(grouping) or covers_nation(frame.index, child)
    for measure in MEASURES:
        ranks = result[measure].rank(ascending=False, method="min").astype("Int64")
        result[f"rank_of_{measure}"] = ranks if national else pd.array([pd.NA] * len(result), dtype="Int64")
    reason = "" if national else (
        f"rank_of_* place an area among all the nation's areas, so they need data for at least 99 % of a nation's "
        f"{child} areas; these data hold {len(frame):,} — pass the full national file for national ranks")
    result.index = pd.Index(result.index, name=target, dtype="string")
    if not grouping:  # coverage: every LSOA of an area should be there
        expected = lookups.hierarchy(child, target)
        sizes = pd.Series(expected.sizes, index=pd.Index(expected.parents, dtype="string"))
        result.insert(1, "lsoas_expected", sizes.reindex(result.index).to_numpy())
        result.insert(2, "lsoas_missing", result["lsoas_expected"] - result["n_lsoas"])
        result.insert(0, "name", lookups.areas(target)["name"].reindex(result.index).to_numpy())
    result.attrs.update({"level": child, "to": target, "national_count": n, "weight": weight, "rank_reason": reason})
    return result.sort_index()
