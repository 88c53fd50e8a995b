"""The tables of a report: the area, its region and nation, and inequality within the area.

:func:`summary_table` gives the area, its region and nation side by side (``summary.csv``
before :mod:`geo.outputs.report_tidy` puts it in long form): an index's deprivation summary
(:func:`geo.statistics.deprivation.deprivation_summary`, with ``ranked``, the number of areas
ranked, for every rank's "of N"), an indicator aggregated from the areas inside (counts sum,
means are weighted; medians and bare rates are left blank with the reason), or the published
values of an ESS indicator. A region or nation is computed only from data that cover at least
99 % of its areas; otherwise its cells are blank and ``note`` says why.
:func:`inequality_table` gives :func:`geo.statistics.inequality.inequality` for the area and,
where they nest in it, for its parts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.errors import LevelupError
from geo.geography import registry
from geo.geography.codes import isin
from geo.geography.coverage import NATIONAL_COVERAGE
from geo.geography.layers import boundaries
from geo.geography.places import Area
from geo.moving.aggregation import aggregate
from geo.outputs.report import ReportData, _region_and_nation, _unit
from geo.outputs.report_indicator import Indicator
from geo.statistics.inequality import inequality


def summary_table(data: ReportData, place: Area, have: pd.Index) -> pd.DataFrame:
    """The area, its region and nation, one row each (module description).

    A region or nation is computed only from data that cover at least 99 % of its areas;
    otherwise its cells are blank and ``note`` says why. Rows are memoised in ``data.memo``,
    so a region shared by many reports is computed once.

    Parameters
    ----------
    data : ReportData
        From :func:`geo.outputs.report.prepare_report`.
    place : Area
        The report's area.
    have : Index
        The codes of ``place``'s small areas that have a value.

    Returns
    -------
    DataFrame
        Indexed by code: ``level``, ``name``, the measures (for an index: its deprivation
        summary with ``rank_of_<measure>`` and ``ranked``), ``note``.

    Examples
    --------
    >>> from geo.outputs.report import prepare_report
    >>> from geo.geography.places import area
    >>> from geo.geography.layers import boundaries
    >>> data, rutland = prepare_report(), area("Rutland")
    >>> table = summary_table(data, rutland, boundaries("lsoa21", within=rutland.code).index)
    >>> table[["level", "name", "n_lsoas", "ranked"]].values.tolist()
    [['lad24', 'Rutland', 26, 296], ['rgn24', 'East Midlands', 2846, 9], ['ctry', 'England', 33755, 1]]
    >>> int(table.loc["E06000017", "rank_of_average_score"])  # of 296 districts, 1 = most deprived
    277
    """
    rows = [place, *_region_and_nation(place)]
    ind = data.indicator
    if ind.published is not None:
        return _published_summary(ind, rows)
    wanted = [f"deprivation/{r.level}" for r in rows if ind.index is not None and f"summary/{r.level}/{r.code}" not in data.memo]
    levels = [key.split("/")[1] for key in wanted if key not in data.memo]
    if len(levels) > 1:  # every level's summary at once, the small areas prepared once (else row by row, as each needs it)
        try:
            found = ind.summarise(data.values, to=levels)
        except LevelupError:
            found = {}
        assert isinstance(found, dict)
        data.memo.update({f"deprivation/{level}": table for level, table in found.items()})
    parts = []
    for row in rows:
        key = f"summary/{row.level}/{row.code}"
        if key not in data.memo:
            data.memo[key] = _summary_row(data, row, have if row == place else None)
        parts.append(data.memo[key])
    return pd.concat(parts).set_index("code")


def _summary_row(data: ReportData, row: Area, have: pd.Index | None) -> pd.DataFrame:
    ind, level = data.indicator, data.level
    inside = boundaries(level, within=row.code).index
    present = inside[isin(inside, data.values)] if have is None else have
    share = len(present) / len(inside) if len(inside) else 0.0
    if have is None and share < NATIONAL_COVERAGE:
        note = (f"left blank: {ind.title} has values for {len(present):,} of its {len(inside):,} {_unit(level)}s "
                f"({share:.1%}); a figure for {row.name} needs at least {NATIONAL_COVERAGE:.0%} of them")
        picked = pd.DataFrame({"note": [note]}, index=pd.Index([row.code]))
    elif ind.index is not None:
        key = f"deprivation/{row.level}"
        if key not in data.memo:
            data.memo[key] = ind.summarise(data.values, to=row.level)
        summaries = data.memo[key]
        assert isinstance(summaries, pd.DataFrame)
        picked = summaries.loc[[row.code]].copy()
        # the "of N" of every rank: the areas ranked (average rank is a measure of every index)
        picked["ranked"] = int(summaries["rank_of_average_rank"].notna().sum())
    else:
        picked = _aggregated(ind, row, level, present)
    picked = picked.copy()
    picked.insert(0, "level", row.level)
    if "name" not in picked.columns:
        picked.insert(1, "name", row.name)
    picked["name"] = row.name
    if have is not None and len(present) < len(inside):
        picked["note"] = f"from the {len(present):,} of its {len(inside):,} {_unit(level)}s that have a value"
    return picked.reset_index(names="code")


def _aggregated(data: Indicator, row: Area, level: str, present: pd.Index) -> pd.DataFrame:
    """The indicator for ``row`` from the areas inside it: counts sum, means are weighted (by
    population, or equally where it does not cover the areas); medians and rates given without
    their denominators cannot be aggregated and are left blank with the reason."""
    if data.kind in ("median", "rate"):
        reason = "medians do not aggregate" if data.kind == "median" else "a rate needs its numerator and denominator to aggregate"
        return pd.DataFrame({data.value: [np.nan], "note": [reason]}, index=pd.Index([row.code], name=row.level))
    subset = data.frame.loc[isin(data.frame.index, present), [data.value]]
    weight = None
    if data.kind == "mean" and data.weight is None:
        subset, weight = subset.assign(equal_weight=1.0), "equal_weight"
    totals = aggregate(subset, to=row.level, value=data.value, kind=data.kind, level=level, weight=weight)
    assert isinstance(totals, pd.DataFrame)
    return totals.loc[[row.code]]


def _published_summary(data: Indicator, rows: list[Area]) -> pd.DataFrame:
    """The area, its region and nation as published (ESS values and intervals): measures such
    as healthy life expectancy cannot be rebuilt from the areas inside."""
    assert data.published is not None
    table = pd.DataFrame(
        {
            "level": [r.level for r in rows],
            "name": [r.name for r in rows],
            "value": data.published["observation"].reindex([r.code for r in rows]).to_numpy(),
            "lci_95": data.published["lci_95"].reindex([r.code for r in rows]).to_numpy(),
            "uci_95": data.published["uci_95"].reindex([r.code for r in rows]).to_numpy(),
        },
        index=pd.Index([r.code for r in rows], name="code"),
    )
    table["source"] = np.where(table["value"].notna(), "published", "not published for this area")
    return table


def inequality_table(data: ReportData, place: Area, have: pd.Index) -> pd.DataFrame:
    """Inequality of the indicator within ``place`` (:func:`geo.statistics.inequality.inequality`),
    and within each of its parts of the ``within`` level when they nest in it.

    The parameters are those of :func:`summary_table`.

    Returns
    -------
    DataFrame
        Indexed by code: ``name`` and the measures of :func:`geo.statistics.inequality.inequality`.

    Examples
    --------
    >>> from geo.outputs.report import prepare_report
    >>> from geo.geography.places import area
    >>> from geo.geography.layers import boundaries
    >>> data, rutland = prepare_report(), area("Rutland")
    >>> table = inequality_table(data, rutland, boundaries("lsoa21", within=rutland.code).index)
    >>> table[["name", "n"]].values.tolist(), round(float(table["gini"].iloc[0]), 3)
    ([['Rutland', 26]], 0.184)
    """
    ind, level, within = data.indicator, data.level, data.within
    subset = ind.frame.loc[isin(ind.frame.index, have), [ind.value]]
    whole = inequality(subset, value=ind.value, within=None, level=level, weight=ind.weight, higher_is_better=ind.higher_is_better)
    whole.index = pd.Index([place.code])
    whole.insert(0, "name", place.name)
    if within != place.level and within in registry.spec(level).nests_in and place.level in registry.spec(within).nests_in:
        parts = inequality(subset, value=ind.value, within=within, level=level, weight=ind.weight, higher_is_better=ind.higher_is_better)
        whole = pd.concat([whole, parts])
    whole.index.name = "code"
    worst, best = ("min", "max") if ind.higher_is_better else ("max", "min")
    for side, end in (("worst", worst), ("best", best)):  # the worst and best areas, named
        whole[side] = whole[end]
        whole[f"{side}_name"] = whole[f"{end}_name"]
    return whole
