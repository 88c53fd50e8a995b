r"""Summaries of small-area deprivation for larger areas, as the English Indices of
Deprivation define them (IoD technical report, "summary measures for higher-level areas").

For a parent area :math:`A` with LSOAs :math:`i` of population :math:`p_i`, score
:math:`s_i` and national rank :math:`r_i` (1 = most deprived of :math:`N` LSOAs nationally),
let the reversed rank be :math:`\tilde r_i = N + 1 - r_i` (higher = more deprived) and the
national percentile :math:`c_i = \lceil 100\, r_i / N \rceil` (1 = most deprived 1%).

- average score: :math:`\sum p_i s_i / \sum p_i`
- average rank: :math:`\sum p_i \tilde r_i / \sum p_i`
- proportion of LSOAs in the most deprived 10% nationally:
  :math:`\#\{i: d_i = 1\} / \#\{i\}` with :math:`d_i` the *published* national decile when a
  decile column is given (``decile=``), else :math:`d_i = \lceil 10\, r_i / N \rceil`. Published
  deciles are what the publishers count: they differ from the formula for 9 Welsh LSOAs and 8
  Scottish data zones (ties and rounding of the decile cut-offs), so pass ``decile=`` for them.
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

Small areas of any nation: LSOAs 2021 (IoD2025), LSOAs 2011 (IoD2019, WIMD 2019; their parents
through the ONS LSOA 2011 → 2021 lookup, each 2011 LSOA lying in one district) and Scottish Data
Zones 2011 (SIMD 2020). Without scores (``score=None``, the SIMD) the average score is absent,
not invented. Weights :math:`p_i`: Census 2021 residents (``weight="population"``; England and
Wales only; for LSOAs 2011 the residents of their 2021 parts, :func:`geo.moving.conversion.lsoa11_population`),
a column of populations, or ``weight=None`` where no population is known (Scotland): the
average rank and extent are then plain means over the small areas (every one counts once),
and the population and local concentration, which need residents, are left blank, with the
reason in ``attrs["weight_reason"]``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geo.data import products
from geo.errors import InputError, examples
from geo.geography import lookups, registry
from geo.geography.coverage import NATIONAL_COVERAGE, covers_nation
from geo.geography.population import population
from geo.moving.conversion import lsoa11_population
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


def _lsoa11_parents(target: str) -> pd.Series:
    """The ``target`` area of every LSOA 2011 through its 2021 parts (missing where they lie in several)."""
    raw = products.load("lsoa11_lsoa21_lad22")
    pairs = pd.DataFrame({"lsoa11": raw["LSOA11CD"].astype("string"), "lsoa21": raw["LSOA21CD"].astype("string")})
    up = lookups.lookup("lsoa21", target).set_index("lsoa21")[target]
    pairs["parent"] = up.reindex(pairs["lsoa21"]).to_numpy()
    found = pairs.dropna(subset=["parent"]).groupby("lsoa11")["parent"].agg(lambda p: p.iloc[0] if p.nunique() == 1 else pd.NA)
    return found.reindex(lookups.areas("lsoa11").index).astype("string")


def _parents(child: str, target: str) -> pd.Series:
    """Parent in ``target`` of every area of ``child`` (missing outside its coverage)."""
    if child == "lsoa11":
        return _lsoa11_parents(target)
    table = lookups.lookup(child, target).set_index(child)[target]
    return table.reindex(lookups.areas(child).index).astype("string")


def _weights(frame: pd.DataFrame, child: str, weight: str | None) -> tuple[np.ndarray, str]:
    """The weights p_i and what they are."""
    if weight is None:
        return np.ones(len(frame)), "none: every small area counts once (no population given)"
    if weight != "population":
        positive_weights(pd.Series(frame[weight].to_numpy(dtype="float64"), index=frame.index), argument=f"weight {weight!r}")
        return frame[weight].to_numpy(dtype="float64"), f"column {weight!r}"
    if child == "lsoa11":
        people, what = lsoa11_population().reindex(frame.index), "Census 2021 residents of each LSOA 2011's 2021 parts (ONS LSOA 2011 → 2021 lookup)"
    elif child == "lsoa21":
        people, what = population(child).reindex(frame.index), "Census 2021 usual residents"
    else:
        raise InputError(
            f"weight='population': Census 2021 population covers LSOAs of England and Wales only, not {child} areas "
            f"({examples(frame.index)}); pass weight=None (every small area counts once) or weight= with a column of populations"
        )
    positive_weights(pd.Series(people.to_numpy(dtype="float64"), index=frame.index), argument="weight 'population'")
    return people.to_numpy(dtype="float64"), what


def _national(codes: pd.Index, child: str) -> bool:
    """The package's national rule (>= 99 % of each present nation's areas) for any small-area level;
    LSOAs 2011 have no lookup to nations, so their nation is the first letter of the code."""
    if child != "lsoa11":
        return covers_nation(codes, child)
    every = lookups.areas(child).index.str[0].value_counts()
    present = pd.Series(codes.str[0]).value_counts()
    return bool(len(present)) and bool((present / every.reindex(present.index) >= NATIONAL_COVERAGE).all())


def _local_concentration(frame: pd.DataFrame) -> pd.Series:
    ordered = frame.sort_values(["group", "rank"])
    cumulative = ordered.groupby("group")["pop"].cumsum()
    before = cumulative - ordered["pop"]
    limit = ordered.groupby("group")["pop"].transform("sum") * 0.10
    taken = np.clip(limit - before, 0.0, ordered["pop"])
    weighted = (taken * ordered["reversed"]).groupby(ordered["group"]).sum()
    return weighted / taken.groupby(ordered["group"]).sum()


def _first_letters(codes: pd.Index | pd.Series) -> np.ndarray:
    """The first letter of every code (its nation), as a numpy array of str, without a Python loop."""
    array = pa.array(np.asarray(codes, dtype=object), type=pa.string(), from_pandas=True)
    return np.asarray(pc.utf8_slice_codeunits(array, 0, 1).to_numpy(zero_copy_only=False), dtype=object)


def deprivation_summary(
    data: pd.DataFrame,
    *,
    to: str,
    rank: str,
    score: str | None = None,
    decile: str | None = None,
    weight: str | None = "population",
    level: str | None = None,
    code: str | None = None,
    national_count: int | None = None,
) -> pd.DataFrame:
    r"""Summarise small-area deprivation scores and national ranks for larger areas.

    Parameters
    ----------
    data : DataFrame
        One row per small area (LSOA 2021 or 2011, Data Zone 2011) with a national rank
        column (1 = most deprived) and optionally a score and a published decile column, e.g.
        the IoD2025 file's ``IMD_score``, ``IMD_rank`` and ``IMD_decile`` (or any domain's).
    to : str
        A level the small areas nest in (``"lad24"``, ``"utla23"``, ``"pfa24"``, ``"itl1"``), or
        the name of a column of ``data`` holding a grouping of your own.
    rank : str
        Column of national ranks.
    score : str, optional
        Column of scores; without it (the SIMD publishes none) ``average_score`` is absent.
    decile : str, optional
        Column of published national deciles (1 = most deprived 10 %): the proportion in the
        most deprived 10 % counts them; without it, deciles are :math:`\lceil 10 r / N \rceil`.
    weight : str or None, default "population"
        ``"population"`` (Census 2021 usual residents; England and Wales), a column of
        population weights, or ``None`` (no population known: module docstring).
    level, code : str, optional
        Level of the codes (detected when omitted) and their column (default index).
    national_count : int, optional
        Number of small areas ranked nationally (:math:`N`, a whole number >= 1). Default:
        every area of the level in the nations the data cover (33,755 English LSOAs for the
        IoD2025, 1,909 Welsh LSOAs 2011, 6,976 Scottish data zones), so a subset is still
        placed nationally.

    Returns
    -------
    DataFrame
        Indexed by parent (named after ``to``): ``name`` (for levels), ``n_lsoas`` (small areas;
        and, for levels, ``lsoas_expected`` and ``lsoas_missing``: the measures of an area with
        missing small areas describe only those present), ``population``, the measures and
        ``rank_of_<measure>`` (missing without national data; module docstring). ``attrs``:
        ``level``, ``to``, ``national_count``, ``weight``, ``weight_reason``, ``measures``,
        ``rank_reason``. Formulae: module docstring.

    Examples
    --------
    >>> import geo
    >>> iod = geo.data.products.load("iod2025")
    >>> lads = deprivation_summary(iod, code="LSOA21CD", score="IMD_score", rank="IMD_rank", to="lad24")
    >>> print(*lads.loc["E06000009", ["name", "n_lsoas", "rank_of_average_score", "rank_of_average_rank"]])
    Blackpool 94 1 1
    >>> round(float(lads.loc["E06000009", "proportion_most_deprived_10"]), 3)  # 38 of 94 LSOAs
    0.404
    >>> simd = geo.data.products.load("simd2020")  # ranks and deciles, no scores, no population
    >>> councils = deprivation_summary(simd, code="DZ11CD", rank="IMD_rank", decile="IMD_decile", to="lad24", weight=None)
    >>> print(*councils.loc["S12000018", ["name", "n_lsoas", "rank_of_proportion_most_deprived_10"]])  # 1st of 32
    Inverclyde 114 1
    >>> "average_score" in councils.columns
    False
    """
    if not isinstance(to, str):
        raise InputError(f"to={to!r}; expected a level id (e.g. 'lad24') or the name of a grouping column of data")
    return deprivation_summaries(data, to=[to], rank=rank, score=score, decile=decile, weight=weight, level=level, code=code,
                                 national_count=national_count)[to]


def deprivation_summaries(
    data: pd.DataFrame,
    *,
    to: list[str],
    rank: str,
    score: str | None = None,
    decile: str | None = None,
    weight: str | None = "population",
    level: str | None = None,
    code: str | None = None,
    national_count: int | None = None,
) -> dict[str, pd.DataFrame]:
    """:func:`deprivation_summary` for several ``to`` at once: the small areas are checked,
    weighted and placed nationally once, then summarised for each (same parameters, ``to`` a
    list; a dict from each ``to`` to its table, equal to :func:`deprivation_summary`'s).

    Examples
    --------
    >>> import geo
    >>> iod = geo.data.products.load("iod2025")
    >>> both = deprivation_summaries(iod, code="LSOA21CD", score="IMD_score", rank="IMD_rank", to=["lad24", "rgn24"])
    >>> len(both["lad24"]), len(both["rgn24"])
    (296, 9)
    >>> both["rgn24"].equals(deprivation_summary(iod, code="LSOA21CD", score="IMD_score", rank="IMD_rank", to="rgn24"))
    True
    """
    if national_count is not None:
        national_count = integer(national_count, argument="national_count", minimum=1)
    bad_to = [t for t in to if not isinstance(t, str)]
    if isinstance(to, str) or bad_to:
        raise InputError(f"to={to!r}; expected a list of level ids (e.g. ['lad24', 'rgn24']) or names of grouping columns of data")
    named = [c for c in (score, rank, decile) if c is not None]
    weight_columns = [] if weight in ("population", None) else [weight]
    prepared = prepare(data, columns=[*named, *weight_columns], level=level, code=code)
    frame, child = prepared.frame, prepared.level
    missing = frame.index[frame[named].isna().any(axis=1)]
    if len(missing):
        raise InputError(f"{'/'.join(named)} are missing for {len(missing):,} areas ({examples(missing)}); deprivation summaries need every small area of an area")
    if decile is not None:
        bad = frame.index[~frame[decile].isin(range(1, 11))]
        if len(bad):
            raise InputError(f"decile column {decile!r} holds values other than the whole numbers 1..10 for {len(bad):,} areas ({examples(bad)})")
    nations = sorted(set(_first_letters(frame.index)))
    n = national_count if national_count is not None else int(np.isin(_first_letters(lookups.areas(child).index), nations).sum())
    if frame[rank].max() > n or frame[rank].min() < 1:
        raise InputError(f"rank column {rank!r} runs from {frame[rank].min():g} to {frame[rank].max():g}; national ranks must lie in 1..{n} (national_count)")
    pop, weighted_by = _weights(frame, child, weight)
    shared = pd.DataFrame({"rank": frame[rank].to_numpy(), "reversed": n + 1 - frame[rank].to_numpy(), "pop": pop})
    shared["decile1"] = (frame[decile].to_numpy() == 1) if decile is not None else np.ceil(10 * shared["rank"] / n) == 1
    shared["extent_w"] = extent_weight(np.ceil(100 * shared["rank"] / n))
    national_data: list[bool] = []  # the national rule, checked once and only if a level needs it
    found = {}
    for target in to:
        grouping = target if target in data.columns and code != target else None
        if not grouping and not national_data:
            national_data.append(_national(frame.index, child))
        found[target] = _summary(data, frame, child, shared, target=target, grouping=grouping, code=code, score=score, weight=weight,
                                 n=n, weighted_by=weighted_by, decile=decile, national=bool(grouping) or national_data[0])
    return found


def _summary(data: pd.DataFrame, frame: pd.DataFrame, child: str, shared: pd.DataFrame, *, target: str, grouping: str | None,
             code: str | None, score: str | None, weight: str | None, n: int, weighted_by: str, decile: str | None,
             national: bool) -> pd.DataFrame:
    """The summary of the prepared small areas (``shared``: rank, reversed, pop, decile1, extent_w) for one ``to``."""
    if grouping:
        codes = data[code].astype("string").str.strip() if code else pd.Series(data.index, index=data.index, dtype="string")
        groups = pd.Series(data[grouping].to_numpy(), index=codes.to_numpy()).reindex(frame.index)
        if groups.isna().any():
            raise InputError(f"grouping column {grouping!r} is missing for {examples(frame.index[groups.isna()])}")
    else:
        target = registry.resolve(target, argument="to")
        parents = _parents(child, target)
        groups = parents.reindex(frame.index)
        if groups.isna().any():
            raise InputError(f"{int(groups.isna().sum()):,} {child} areas are outside {target}'s coverage ({examples(frame.index[groups.isna()])})")
    # groups as integers in the order of their sorted labels: the same groups, rows and sums as
    # grouping by the labels themselves, without hashing and sorting strings at every step
    group_of, labels = pd.factorize(groups.to_numpy(), sort=True)
    work = shared.assign(group=group_of)[["group", "rank", "reversed", "pop", "decile1", "extent_w"]]
    by = work.groupby("group")
    total = by["pop"].sum()
    result = pd.DataFrame({"n_lsoas": by.size(), "population": total if weight is not None else np.nan})
    if score is not None:
        result["average_score"] = (work["pop"] * frame[score].to_numpy()).groupby(work["group"]).sum() / total
    result["average_rank"] = (work["pop"] * work["reversed"]).groupby(work["group"]).sum() / total
    result["proportion_most_deprived_10"] = by["decile1"].mean()
    result["extent"] = (work["pop"] * work["extent_w"]).groupby(work["group"]).sum() / total
    result["local_concentration"] = _local_concentration(work) if weight is not None else np.nan
    measures = [m for m in MEASURES if m in result.columns]
    for measure in measures:
        ranks = result[measure].rank(ascending=False, method="min").astype("Int64")
        result[f"rank_of_{measure}"] = ranks if national else pd.array([pd.NA] * len(result), dtype="Int64")
    reason = "" if national else (
        f"rank_of_* place an area among all the nation's areas, so they need data for at least 99 % of a nation's "
        f"{child} areas; these data hold {len(frame):,} — pass the full national file for national ranks")
    weight_reason = "" if weight is not None else (
        "no population weights (weight=None): average_rank and extent are plain means over the small areas; "
        "population and local_concentration need residents and are left blank")
    if score is None:
        weight_reason = (weight_reason + "; " if weight_reason else "") + "no score column: average_score is absent"
    result.index = pd.Index(np.asarray(labels, dtype=object)[result.index.to_numpy()], name=target, dtype="string")
    if not grouping:  # coverage: every small area of an area should be there
        sizes = parents.dropna().value_counts()
        result.insert(1, "lsoas_expected", sizes.reindex(result.index).to_numpy())
        result.insert(2, "lsoas_missing", result["lsoas_expected"] - result["n_lsoas"])
        result.insert(0, "name", lookups.areas(target)["name"].reindex(result.index).to_numpy())
    result.attrs.update({"level": child, "to": target, "national_count": n, "weight": weight, "weighted_by": weighted_by,
                         "weight_reason": weight_reason, "measures": measures, "decile": decile, "rank_reason": reason})
    return result.sort_index()
