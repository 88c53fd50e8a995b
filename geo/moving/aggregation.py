"""Aggregate an indicator from a level to a coarser level it nests in, with the right statistics.

- ``count`` (extensive: people, crimes): sums.
- ``rate``: sum(numerator) / sum(denominator) — never the mean of the children's rates.
- ``mean`` (intensive: scores, averages): weighted mean, weights from a column or the Census
  2021 population.
- ``median``: refused (medians do not aggregate) unless ``approximate=True``, which gives the
  weighted median of the children's values, flagged as an approximation.

Every result reports its coverage: children expected (from the lookup), present (with all
values), missing, and the share of population (or of children, where no population exists)
that the present children hold.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from geo import catalogue
from geo.data import cache
from geo.errors import InputError, examples
from geo.geography import lookups, registry
from geo.geography.population import population
from geo.moving.inputs import KINDS, Prepared, prepare
from geo.moving.values import exact_counts, non_negative, number, positive_weights


def _as_list(value: str | list[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _coverage_weights(level: str) -> tuple[np.ndarray | None, str]:
    """Population per area in :func:`lookups.code_index` order (``None`` where unknown)."""
    if level == "lsoa21" or level in registry.spec("lsoa21").nests_in:
        return _population_by_code(level, catalogue.version(), str(cache.entry_path(""))), "population"
    return None, "children"


@lru_cache(maxsize=32)
def _population_by_code(level: str, version: str, where: str) -> np.ndarray:
    weights = population(level)
    aligned = pd.Series(weights.to_numpy(), index=weights.index.to_numpy(dtype=object)).reindex(lookups.code_index(level))
    return np.nan_to_num(aligned.to_numpy(dtype="float64"))


@lru_cache(maxsize=64)
def _parents(child: str, target: str, version: str, where: str) -> tuple[pd.Index, pd.api.extensions.ExtensionArray]:
    """The parents of a hierarchy as a text index named ``target``, and their names (memoised)."""
    tree = lookups.hierarchy(child, target, arguments=("level", "to"))
    return pd.Index(tree.parents, name=target, dtype="string"), pd.array(tree.names, dtype="string")


@lru_cache(maxsize=64)
def _basis_totals(child: str, target: str, version: str, where: str) -> np.ndarray:
    """The coverage weight of every child of each parent (all children, present or not)."""
    tree = lookups.hierarchy(child, target, arguments=("level", "to"))
    weights = _population_by_code(child, version, where)
    inside = tree.by_code >= 0
    return np.bincount(tree.parent_of[tree.by_code[inside]], weights=weights[inside], minlength=len(tree.parents))


def weighted_median(values: pd.Series, weights: pd.Series, groups: pd.Series) -> pd.Series:
    """Return, per group, the smallest value whose cumulative weight reaches half the total.

    Examples
    --------
    >>> v = pd.Series([1.0, 2.0, 10.0]); w = pd.Series([1.0, 1.0, 5.0]); g = pd.Series(["a", "a", "a"])
    >>> float(weighted_median(v, w, g)["a"])
    10.0
    """
    order = pd.DataFrame({"g": groups.to_numpy(), "v": values.to_numpy(), "w": weights.to_numpy()}).sort_values(["g", "v"])
    cumulative = order.groupby("g")["w"].cumsum()
    total = order.groupby("g")["w"].transform("sum")
    return order[cumulative >= total / 2].groupby("g")["v"].first()


def aggregate(
    data: pd.DataFrame,
    *,
    to: str | list[str],
    value: str | list[str] | None = None,
    kind: str,
    weight: str | None = None,
    numerator: str | None = None,
    denominator: str | None = None,
    level: str | None = None,
    code: str | None = None,
    min_coverage: float | None = None,
    errors: str = "raise",
    approximate: bool = False,
) -> pd.DataFrame | dict[str, pd.DataFrame]:
    """Aggregate indicator values from their level to the coarser level ``to``.

    Parameters
    ----------
    data : DataFrame
        One row per area; codes in column ``code`` or in the index.
    to : str or list of str
        Target level (id or alias) that ``level`` nests in; a list aggregates to each
        (validating the input once) and returns a dict of results keyed by level id.
    value : str or list of str
        Value column(s). For ``kind="rate"`` either the output name (with ``numerator`` and
        ``denominator``) or a column of rates (with ``denominator``).
    kind : {"count", "rate", "mean", "median"}
        What the values are (see the module description).
    weight : str, optional
        For ``mean`` and ``median``: a weight column, or ``"population"`` (Census 2021
        usual residents, the default for means).
    numerator, denominator : str, optional
        For ``rate``: columns of counts.
    level, code : str, optional
        Level of the codes (detected when omitted) and the column holding them (default index).
    min_coverage : float, optional
        A share in [0, 1]: parents whose present children hold less than this share of the
        weight get NaN values and ``below_min_coverage = True``.
    errors : {"raise", "report"}
        Codes not in the level: an error, or excluded and listed in ``result.attrs["excluded"]``.
    approximate : bool, default False
        Allow ``kind="median"`` as the weighted median of the children's values.

    Returns
    -------
    DataFrame
        Indexed by parent code (index named ``to``): ``name``, the aggregated value column(s)
        (for rates also the summed numerator and denominator), ``children_expected``,
        ``children_present``, ``children_missing`` and ``weight_covered``; ``attrs`` records the
        level, kind, coverage basis and excluded codes.

    Examples
    --------
    >>> import pandas as pd
    >>> crimes = pd.DataFrame({"crimes": [3, 4]}, index=["E01000001", "E01000002"])
    >>> float(aggregate(crimes, to="lad24", value="crimes", kind="count").loc["E09000001", "crimes"])
    7.0

    Values must be finite numbers or missing (``inf`` is refused like text); counts, numerators
    and denominators must stay below 2**53 (exact in float64); weights finite and positive.
    """
    if kind not in KINDS:
        raise InputError(f"kind={kind!r}; expected one of {KINDS}")
    if min_coverage is not None:
        min_coverage = number(min_coverage, argument="min_coverage", low=0, high=1)
    if not isinstance(approximate, (bool, np.bool_)):
        raise InputError(f"approximate={approximate!r}; expected True or False")
    values = _as_list(value)
    if kind == "median" and not approximate:
        raise InputError(
            "kind='median': medians do not aggregate — a parent's median is not a function of its "
            "children's medians. Aggregate the underlying counts instead, or pass approximate=True "
            "for the weighted median of the children's values (an approximation)."
        )
    if kind == "rate":
        if denominator is None:
            raise InputError("kind='rate' needs denominator= (and numerator=, or value= holding the rates)")
        if numerator is None and len(values) != 1:
            raise InputError("kind='rate' needs numerator= or a single value= column of rates")
        out_name = values[0] if values else "rate"
        needed = [c for c in (numerator, denominator) if c] + ([] if numerator else values)
    else:
        if numerator or denominator:
            raise InputError(f"numerator=/denominator= apply to kind='rate', not kind={kind!r}")
        if not values:
            raise InputError(f"kind={kind!r} needs value= (a column or a list of columns)")
        needed = list(values)
    if kind in ("mean", "median"):
        weight = weight or "population"
        if weight != "population":
            needed.append(weight)
    elif weight is not None:
        raise InputError(f"weight= applies to kind='mean' or 'median'; a {kind} needs none")

    roles = {c: r for c, r in ((weight, "weight"), (numerator, "numerator"), (denominator, "denominator")) if c and c not in values}
    prepared = prepare(data, columns=list(dict.fromkeys(needed)), level=level, code=code, errors=errors,
                       kind={c: kind if c in values else "count" for c in needed}, exclude_option="errors='report'", roles=roles)
    if kind == "count":
        exact_counts(prepared.frame, values)
    elif kind == "rate":
        exact_counts(prepared.frame, [c for c in (numerator, denominator) if c], what="rate")
    if not isinstance(to, str):
        targets = [registry.resolve(t, argument="to") for t in to]
        if not targets:
            raise InputError("to=[]; pass a level or a non-empty list of levels")
        return {t: _aggregate_to(prepared, t, values, kind, weight, numerator, denominator, needed, min_coverage, out_name if kind == "rate" else None) for t in targets}
    return _aggregate_to(prepared, registry.resolve(to, argument="to"), values, kind, weight, numerator, denominator, needed, min_coverage, out_name if kind == "rate" else None)


def _aggregate_to(
    prepared: Prepared,
    target: str,
    values: list[str],
    kind: str,
    weight: str | None,
    numerator: str | None,
    denominator: str | None,
    needed: list[str],
    min_coverage: float | None,
    out_name: str | None,
) -> pd.DataFrame:
    frame, child = prepared.frame.copy(deep=False), prepared.level
    tree = lookups.hierarchy(child, target, arguments=("level", "to"))
    position = tree.by_code[prepared.positions]
    if (position < 0).any():
        outside = frame.index[position < 0]
        raise InputError(f"data has {len(outside):,} {child} areas outside {target}'s coverage ({examples(outside)})")

    if kind == "count":
        non_negative(frame, values)
    if kind == "rate":
        if numerator is None:
            frame["__numerator"] = frame[values[0]] * frame[denominator]
            numerator_column = "__numerator"
        else:
            numerator_column = numerator
            non_negative(frame, [numerator], what="numerator")
        bad = frame.index[frame[denominator] <= 0]
        if len(bad):
            raise InputError(f"denominator column {denominator!r} has {len(bad):,} zero or negative values (at {examples(bad)})")
    if kind in ("mean", "median"):
        if weight == "population":
            try:
                weights = pd.Series(_population_by_code(child, catalogue.version(), str(cache.entry_path("")))[prepared.positions], index=frame.index)
            except InputError as exc:
                raise InputError(f"weight='population' is not available for {child}: {exc}") from None
            weights[weights <= 0] = np.nan
        else:
            weights = frame[weight]
        hint = " (Census 2021 covers England and Wales only: pass weight= a column of your own)" if weight == "population" else ""
        positive_weights(weights, argument=f"weight {weight!r}", hint=hint)
        frame["__weight"] = weights.to_numpy()

    group_of_row = tree.parent_of[position]
    present = np.ones(len(frame), dtype=bool)
    for column in needed:
        if column in frame.columns:
            present &= ~np.isnan(frame[column].to_numpy(dtype="float64"))
    size = len(tree.parents)
    rows = np.bincount(group_of_row, minlength=size) > 0
    groups = group_of_row[present]

    def total(column: str) -> np.ndarray:
        return np.bincount(groups, weights=frame[column].to_numpy(dtype="float64")[present], minlength=size)

    columns: dict[str, object] = {}
    if kind == "count":
        for column in values:
            columns[column] = total(column)
    elif kind == "rate":
        assert denominator is not None  # checked by aggregate()
        top, bottom = total(numerator_column), total(denominator)
        columns[str(out_name)] = np.divide(top, bottom, out=np.full(size, np.nan), where=bottom > 0)
        columns["numerator"], columns["denominator"] = top, bottom
    elif kind == "mean":
        frame_w = frame["__weight"]
        held = total("__weight")
        for column in values:
            frame[f"__wx_{column}"] = frame[column] * frame_w
            columns[column] = np.divide(total(f"__wx_{column}"), held, out=np.full(size, np.nan), where=held > 0)
        columns["weight"] = held
    else:
        kept = frame[present]
        for column in values:
            medians = weighted_median(kept[column], kept["__weight"], pd.Series(groups))
            columns[column] = medians.reindex(range(size)).to_numpy()
        columns["approximation"] = pd.Series(np.full(size, "weighted median of children", dtype=object)).array

    expected = tree.sizes
    children_present = np.bincount(groups, minlength=size)
    columns["children_expected"] = expected
    columns["children_present"] = children_present
    columns["children_missing"] = expected - children_present
    basis_weights, basis = _coverage_weights(child)
    if basis_weights is None:
        columns["weight_covered"] = children_present / expected
    else:
        held_basis = np.bincount(groups, weights=basis_weights[prepared.positions[present]], minlength=size)
        all_basis = _basis_totals(child, target, catalogue.version(), str(cache.entry_path("")))
        columns["weight_covered"] = np.divide(held_basis, all_basis, out=np.zeros(size), where=all_basis > 0)
    index, names = _parents(child, target, catalogue.version(), str(cache.entry_path("")))
    if not rows.all():
        keep = np.flatnonzero(rows)
        columns = {name: np.asarray(column)[keep] for name, column in columns.items()}
        index, names = index[keep], names.take(keep)
    result = pd.DataFrame({"name": names, **columns}, index=index, copy=False)
    if min_coverage is not None:
        low = result["weight_covered"] < min_coverage
        value_columns = [str(out_name)] if kind == "rate" else values
        result.loc[low, value_columns] = np.nan
        result["below_min_coverage"] = low
    result.attrs.update(
        {"level": child, "to": target, "kind": kind, "coverage_basis": basis, "excluded": prepared.excluded,
         "recoded": prepared.recoded}
    )
    return result
