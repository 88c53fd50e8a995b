r"""Inequality within parent areas: distribution summaries, the decile gap, Gini and Theil.

For areas :math:`i` of a group with values :math:`x_i \ge 0` and weights :math:`w_i > 0`
(population, or 1 each), :math:`W = \sum w_i`, :math:`\mu = \sum w_i x_i / W`:

- Gini: :math:`G = \sum_i \sum_j w_i w_j |x_i - x_j| / (2 W^2 \mu)`, computed after sorting as
  :math:`\sum_i w_i x_i (2 C_i - w_i - W) / (W \sum_i w_i x_i)` with :math:`C_i` the cumulative
  weight up to and including :math:`i`.
- Theil T: :math:`T = \frac{1}{W} \sum_i w_i \frac{x_i}{\mu} \ln \frac{x_i}{\mu}` (a zero value
  contributes nothing). It splits exactly into groups :math:`g` (see :func:`decompose`):
  :math:`T = \sum_g \frac{W_g \mu_g}{W \mu} T_g + \sum_g \frac{W_g}{W} \frac{\mu_g}{\mu} \ln \frac{\mu_g}{\mu}`.
- Weighted quantiles: the smallest value whose cumulative weight share reaches :math:`q`;
  unweighted, numpy's linear interpolation.
- Decile gap (as the healthy life expectancy mission defines it): rank the :math:`n` areas by
  value; the top and bottom deciles are the :math:`k = \max(1, \operatorname{round}(n/10))`
  areas with the highest and the lowest values, plus any area tied with the :math:`k`-th
  (so ties never split arbitrarily); the gap is the median of the top decile's values minus
  the median of the bottom decile's (unweighted medians of areas, not of people).

Edge cases (documented results, not errors): constant values give Gini 0 and Theil 0; all
values zero count as constant (everyone equal): Gini 0 and Theil 0 (and a decomposition of
zeros); a single area gives Gini 0, Theil 0 and a decile gap of 0. Refused with
:class:`~geo.errors.InputError`: negative values (Gini and Theil need values >= 0; in
:func:`inequality` such a group's ``gini``/``theil`` are NaN instead), no values, missing or
infinite values, and weights that are not finite and positive.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from geo.errors import InputError, NestingError, examples
from geo.geography import lookups, registry
from geo.moving.values import number
from geo.moving.weights import values_and_weights

log = logging.getLogger(__name__)


def _arrays(values: np.ndarray, weights: np.ndarray | None, what: str) -> tuple[np.ndarray, np.ndarray]:
    """Check values (finite, >= 0, at least one) and weights (finite, positive, same length)."""
    x = np.asarray(values, dtype="float64").ravel()
    if x.size == 0:
        raise InputError(f"values: the {what} of no values is undefined; pass at least one value")
    if not np.isfinite(x).all():
        raise InputError(f"values: the {what} needs finite values; found {examples(x[~np.isfinite(x)].tolist())}")
    if (x < 0).any():
        raise InputError(f"values: the {what} needs values >= 0; found {examples(x[x < 0].tolist())}")
    if weights is None:
        return x, np.ones_like(x)
    w = np.asarray(weights, dtype="float64").ravel()
    if w.shape != x.shape:
        raise InputError(f"weights: {w.size} weights for {x.size} values; pass one weight per value")
    if not (np.isfinite(w) & (w > 0)).all():
        raise InputError(f"weights: must be finite and positive; found {examples(w[~(np.isfinite(w) & (w > 0))].tolist())}")
    return x, w


def _constant(x: np.ndarray) -> bool:
    return bool(np.isclose(x.min(), x.max(), rtol=1e-12, atol=0.0))


def gini(values: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Weighted Gini coefficient (formula and edge cases in the module docstring).

    Values must be finite and >= 0; weights finite and positive. Constant values (all
    zeros included) give 0.

    Examples
    --------
    >>> round(gini(np.array([1.0, 1.0, 1.0, 5.0])), 4)
    0.375
    >>> round(gini(np.array([1.0, 5.0]), np.array([3.0, 1.0])), 4)
    0.375
    >>> gini(np.zeros(3)), gini(np.array([7.0]))
    (0.0, 0.0)
    """
    x, w = _arrays(values, weights, "Gini")
    if _constant(x):
        return 0.0
    order = np.argsort(x, kind="mergesort")
    x, w = x[order], w[order]
    total_w, total = w.sum(), (w * x).sum()
    cumulative = np.cumsum(w)
    return float((w * x * (2 * cumulative - w - total_w)).sum() / (total_w * total))


def theil(values: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Weighted Theil T index (formula and edge cases in the module docstring).

    Values must be finite and >= 0; weights finite and positive. Constant values (all
    zeros included) give 0.

    Examples
    --------
    >>> theil(np.array([1.0, 1.0])), theil(np.zeros(2))
    (0.0, 0.0)
    >>> round(theil(np.array([1.0, 3.0])), 4)  # 0.5 * (0.5 ln 0.5 + 1.5 ln 1.5)
    0.1308
    """
    x, w = _arrays(values, weights, "Theil index")
    if _constant(x):
        return 0.0
    mean = (w * x).sum() / w.sum()
    ratio = x / mean
    terms = np.where(ratio > 0, ratio * np.log(np.where(ratio > 0, ratio, 1.0)), 0.0)
    return float((w * terms).sum() / w.sum())


def weighted_quantile(values: np.ndarray, q: float, weights: np.ndarray | None = None) -> float:
    """Quantile ``q`` (in [0, 1]) of ``values``: numpy's linear rule, or with weights the
    smallest value whose cumulative weight share reaches ``q``.

    Examples
    --------
    >>> weighted_quantile(np.array([1.0, 2.0, 10.0]), 0.5, np.array([1.0, 1.0, 5.0]))
    10.0
    """
    q = number(q, argument="q", low=0, high=1)
    x = np.asarray(values, dtype="float64")
    if x.size == 0:
        raise InputError("values: a quantile of no values is undefined; pass at least one value")
    if weights is None:
        return float(np.quantile(x, q))
    _, w = _arrays(np.zeros_like(x), weights, "weighted quantile")
    order = np.argsort(x, kind="mergesort")
    share = np.cumsum(w[order]) / np.sum(w)
    return float(x[order][min(int(np.searchsorted(share, q - 1e-12)), len(x) - 1)])


def decile_groups(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Return the top-decile and bottom-decile values (rule in the module docstring).

    Examples
    --------
    >>> top, bottom = decile_groups(pd.Series([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 12]))
    >>> top.tolist(), bottom.tolist()
    ([12.0, 12.0], [1.0])
    """
    values = values.dropna()
    if len(values) == 0:
        raise InputError("values: the decile groups of no values are undefined; pass at least one value")
    n = len(values)
    k = max(1, round(n / 10))
    ordered = values.sort_values(kind="mergesort")
    low_cut, high_cut = ordered.iloc[k - 1], ordered.iloc[n - k]
    return values[values >= high_cut], values[values <= low_cut]


def _parents(prepared_index: pd.Index, child: str, within: str | None, *, outside: str = "raise") -> tuple[pd.Series, str | None]:
    """Each area's parent at ``within`` (``"all"`` when ``None``) and the parent level.

    Areas outside the parent level's coverage (Welsh districts within English regions):
    ``outside="raise"`` refuses them; ``"drop"`` leaves them out of the returned Series (the
    caller reports them), but refuses data with no area inside the coverage.
    """
    if within is None:
        return pd.Series("all", index=prepared_index), None
    target = registry.resolve(within, argument="within")
    if target not in registry.spec(child).nests_in:
        raise NestingError(
            f"within={within!r}: {child} does not nest in {target}; {child} nests in "
            f"{', '.join(registry.spec(child).nests_in) or 'nothing'}"
        )
    table = lookups.lookup(child, target).set_index(child)[target]
    parents = table.reindex(prepared_index)
    lost = prepared_index[parents.isna().to_numpy()]
    if len(lost) and (outside == "raise" or len(lost) == len(prepared_index)):
        wider = [level for level in registry.spec(child).nests_in
                 if set(registry.spec(level).coverage) >= set(registry.spec(child).coverage)]
        raise InputError(
            f"within={within!r}: {len(lost):,} of the {len(prepared_index):,} {child} areas are outside {target}'s coverage "
            f"({'/'.join(registry.spec(target).coverage)} codes; {examples(lost)}); keep only areas it covers, or pass within= "
            f"a level covering them all ({', '.join(repr(level) for level in wider) or 'none'})"
        )
    return parents.dropna(), target


def inequality(
    data: pd.DataFrame,
    *,
    value: str,
    within: str | None,
    level: str | None = None,
    weight: str | None = None,
    higher_is_better: bool | None = None,
    code: str | None = None,
) -> pd.DataFrame:
    """Summarise how unequal areas are within each parent area.

    Parameters
    ----------
    data : DataFrame
        One row per area (codes in ``code`` or the index).
    value : str
        The indicator column.
    within : str or None
        The parent level (``"itl1"`` for districts, ``"lad24"`` for LSOAs); ``None`` treats all
        areas as one group (index ``"all"``).
    weight : str, optional
        ``"population"`` (Census 2021) or a weight column; ``None`` weighs areas equally.
    higher_is_better : bool, optional
        Orients ``best_code``/``worst_code``. No default direction: when it is not given,
        ``best_code`` and ``worst_code`` are missing (the other columns do not depend on it).

    Returns
    -------
    DataFrame
        One row per parent: ``n``, ``mean``, ``median``, ``p10``, ``p90``, ``p90_p10_ratio``,
        ``min``/``min_code``/``min_name``, ``max``/``max_code``/``max_name``, ``best_code``,
        ``worst_code``, ``decile_gap``, ``gini``, ``theil`` (definitions in the module docstring;
        Gini and Theil need non-negative values and are NaN otherwise; constant or all-zero
        values give 0). Areas with a missing value are left out and counted in ``n_missing``
        (a parent whose areas all miss a value has ``n`` 0 and missing statistics); ``inf`` is
        refused. Areas outside ``within``'s coverage (Welsh districts within English regions)
        are left out, listed in ``attrs["outside"]`` and logged; data with no area inside it
        are refused.

    Examples
    --------
    >>> import geo
    >>> iod = geo.data.products.load("iod2025")
    >>> lads = inequality(iod, code="LSOA21CD", value="IMD_score", within="lad24", higher_is_better=False)
    >>> durham = lads.loc["E06000047"]
    >>> int(durham["n"]), round(float(durham["decile_gap"]), 1), round(float(durham["gini"]), 3)
    (330, 56.2, 0.316)
    """
    if higher_is_better is not None and not isinstance(higher_is_better, (bool, np.bool_)):
        raise InputError(f"higher_is_better={higher_is_better!r}; expected True, False or None (no direction)")
    frame, child = values_and_weights(data, value, weight, level, code)
    recoded = frame.attrs.get("recoded", [])  # codes of other vintages mapped on the way in
    parents, target = _parents(frame.index, child, within, outside="drop")
    outside = frame.index.difference(parents.index, sort=False)
    if len(outside):
        log.warning("inequality within %s: %d %s areas outside its coverage left out (%s)", target, len(outside), child, examples(outside))
        frame = frame.loc[parents.index]
    names = lookups.areas(child)["name"]
    rows = []
    for parent, members in frame.groupby(parents.to_numpy()):
        present = members.dropna(subset=[value])
        x, w = present[value].to_numpy(), present["__w"].to_numpy()
        if len(present) == 0:  # the parent is listed: its areas are counted in n_missing
            rows.append({target or "group": parent, "n": 0, "n_missing": len(members)})
            continue
        top, bottom = decile_groups(present[value])
        weights = None if weight is None else w
        p10, p90 = weighted_quantile(x, 0.1, weights), weighted_quantile(x, 0.9, weights)
        low, high = present[value].idxmin(), present[value].idxmax()
        non_negative = bool((x >= 0).all())
        rows.append(
            {
                target or "group": parent,
                "n": len(present),
                "n_missing": len(members) - len(present),
                "mean": float((w * x).sum() / w.sum()),
                "median": weighted_quantile(x, 0.5, weights),
                "p10": p10,
                "p90": p90,
                "p90_p10_ratio": p90 / p10 if p10 else np.nan,
                "min": float(present[value].min()),
                "min_code": low,
                "min_name": names.get(low),
                "max": float(present[value].max()),
                "max_code": high,
                "max_name": names.get(high),
                "best_code": None if higher_is_better is None else (high if higher_is_better else low),
                "worst_code": None if higher_is_better is None else (low if higher_is_better else high),
                "decile_gap": float(top.median() - bottom.median()),
                "gini": gini(x, w) if non_negative else np.nan,
                "theil": theil(x, w) if non_negative else np.nan,
            }
        )
    result = pd.DataFrame(rows).set_index(target or "group")
    if target:
        result.insert(0, "name", lookups.areas(target)["name"].reindex(result.index).to_numpy())
    result.attrs.update({"level": child, "within": target, "value": value, "weight": weight, "higher_is_better": higher_is_better,
                         "outside": sorted(str(c) for c in outside), "recoded": recoded})
    return result


def decompose(
    data: pd.DataFrame,
    *,
    value: str,
    within: str,
    level: str | None = None,
    weight: str | None = None,
    code: str | None = None,
) -> pd.Series:
    """Split the Theil T of all the areas given exactly into between-parent and within-parent parts.

    Parameters
    ----------
    data : DataFrame
        One row per area (codes in ``code`` or the index); values must be >= 0.
    value : str
        The indicator column.
    within : str
        The parent level (``"itl1"`` for LSOAs or districts within regions).
    level : str, optional
        Level of the codes (detected when omitted).
    weight : str, optional
        ``None`` (every area counts once), ``"population"`` (Census 2021 residents) or a
        column of ``data``; weights must be positive.
    code : str, optional
        Column of codes (default: the index).

    Returns
    -------
    Series
        ``total``, ``between``, ``within`` (``between + within == total`` to floating
        precision), then one entry per parent: its contribution
        :math:`\\frac{W_g \\mu_g}{W \\mu} T_g` to the within part. With ``weight=None`` this
        equals PySAL ``inequality.theil.TheilD``. Constant or all-zero values: every entry 0.

    Examples
    --------
    >>> import geo
    >>> iod = geo.data.products.load("iod2025")
    >>> parts = decompose(iod, code="LSOA21CD", value="IMD_score", within="itl1")
    >>> print(parts[["total", "between", "within"]].round(4).tolist())
    [0.2445, 0.0189, 0.2257]
    """
    frame, child = values_and_weights(data, value, weight, level, code)
    frame = frame.dropna(subset=[value])
    if (frame[value] < 0).any():
        raise InputError(f"value column {value!r} has negative values; the Theil index needs values >= 0")
    parents, _ = _parents(frame.index, child, within)
    x, w = frame[value].to_numpy(), frame["__w"].to_numpy()
    total_w, mean = w.sum(), (w * x).sum() / w.sum()
    if mean == 0:  # all zero: everyone equal (module docstring)
        mean = 1.0
    grouped = pd.DataFrame({"g": parents.to_numpy(), "x": x, "w": w, "wx": w * x}).groupby("g")
    group_w, group_wx = grouped["w"].sum(), grouped["wx"].sum()
    group_mean = group_wx / group_w
    ratio = group_mean / mean
    between = float(((group_w / total_w) * ratio * np.log(ratio.where(ratio > 0, 1.0))).sum())
    within_parts = pd.Series(
        {g: (group_wx[g] / (total_w * mean)) * theil(part["x"].to_numpy(), part["w"].to_numpy()) for g, part in grouped}
    )
    result = pd.concat([pd.Series({"total": theil(x, w), "between": between, "within": float(within_parts.sum())}), within_parts])
    result.attrs.update({"level": child, "within": registry.resolve(within)})
    return result
