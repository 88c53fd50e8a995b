"""The missions scorecard: where one area stands on every levelling-up metric of the catalogue.

One row per metric of the missions catalogue (:func:`geo.missions`, ``indicators/missions.toml``),
available or not: the area's latest published value and 95 % interval, or the value of the area
that contains it where the metric is published only at a coarser level; its region's and its
nation's published values in the same period; its rank (1 = best) among the areas of that level
and within its nation and region; its last five values; whether it is left behind, and why; and
how unequal the areas of its region are on the metric (decile gap, p90/p10). The rules are said
once, in :mod:`geo.statistics.scorecard_metric`.

Examples
--------
>>> card = scorecard("Blackpool", catalogue=example_catalogue())
>>> card[["metric", "level", "period", "value", "rank", "of", "left_behind"]].values.tolist()
[['pay', 'lad24', '2025-04-30', 539.9, 353.0, 359, True]]
"""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd

from geo.errors import CoverageError, DataUnavailableError, InputError, LevelupError, examples
from geo.geography.places import Area, level_word, resolve
from geo.statistics.scorecard_metric import PLURAL, REGIONAL, candidates, choose, measure, nation_of, region_of, source

log = logging.getLogger(__name__)

#: The catalogue's columns the scorecard reads (the contract of :func:`geo.missions`).
CATALOGUE_COLUMNS = ("mission", "mission_name", "metric", "name", "role", "available", "ess", "indicator", "levels", "unit",
                     "higher_is_better", "reason")
#: The scorecard's columns, in order.
COLUMNS = (
    "mission", "mission_name", "metric", "name", "role", "available", "reason", "ess", "indicator", "level", "source_code", "source_name",
    "source_level", "period", "value", "lci_95", "uci_95", "unit", "higher_is_better", "region_code", "region_name",
    "region_value", "nation_code", "nation_name", "nation_value", "rank", "of", "nation_rank", "nation_of", "region_rank",
    "region_of", "worst_decile", "interval_worse", "left_behind", "left_behind_rule", "trend_periods", "trend_values",
    "change", "change_from", "spread_areas", "spread_decile_gap", "spread_p90_p10",
)
#: The rule of ``left_behind``, in one sentence.
RULE = ("left behind: in the worst 10 % of its nation's areas of the level (ranked areas; with 90-99 % of them "
        "with a value, only where the missing ones could not change it), or its 95 % interval wholly on the wrong side of the nation's published value")


def example_catalogue() -> pd.DataFrame:
    """A one-metric catalogue in :func:`geo.missions`' columns (median weekly pay), for examples.

    Examples
    --------
    >>> example_catalogue()[["metric", "ess", "levels"]].values.tolist()
    [['pay', 'gross-median-weekly-pay', ('lad24', 'utla23', 'rgn24', 'ctry')]]
    """
    return pd.DataFrame([{
        "mission": 1, "mission_name": "Living standards", "metric": "pay", "name": "Gross median weekly pay", "role": "headline",
        "annex_level": "ITL1", "available": True, "ess": "gross-median-weekly-pay", "indicator": "Gross median weekly pay",
        "levels": ("lad24", "utla23", "rgn24", "ctry"), "unit": "£ per week", "higher_is_better": True, "reason": None,
    }])


def _catalogue(catalogue: pd.DataFrame | None) -> pd.DataFrame:
    """The catalogue to score, checked (a copy: the caller's frame is never changed)."""
    if catalogue is None:
        from geo.catalogue.missions import missions

        catalogue = missions()
    if not isinstance(catalogue, pd.DataFrame):
        raise InputError(f"catalogue= must be a DataFrame like the missions catalogue, not {type(catalogue).__name__}")
    missing = [c for c in CATALOGUE_COLUMNS if c not in catalogue.columns]
    if missing:
        raise InputError(f"catalogue= lacks the columns {missing}; expected a table like the missions catalogue (columns {list(CATALOGUE_COLUMNS)})")
    table = catalogue.copy()
    twice = table["metric"][table["metric"].duplicated()]
    if len(twice):
        raise InputError(f"catalogue= lists metrics twice: {examples(twice.unique())}; each metric needs one row")
    directions = table.loc[table["available"].astype(bool), "higher_is_better"]
    bad = directions[~directions.map(lambda v: isinstance(v, bool) or str(type(v).__name__) == "bool_")]
    if len(bad):
        raise InputError(f"catalogue= has available metrics without a direction (higher_is_better True or False): "
                         f"{examples(table.loc[bad.index, 'metric'].tolist())}")
    return table.reset_index(drop=True)


def _place(area: str | Area, level: str | None) -> Area:
    place = resolve(area, level=level, arguments=("area", "level"))
    if place.level not in REGIONAL:
        raise InputError(
            f"area={area!r} is a {level_word(place.level)} ({place.level} {place.code}); a scorecard is made for a district, "
            f"county or unitary authority, or police force area ({', '.join(REGIONAL)}): pass area= one of those, or level= one of them"
        )
    return place


def _metric(entry: pd.Series, place: Area) -> dict[str, Any]:
    """The figures of one catalogue entry for ``place``, or the reason there are none."""
    if not bool(entry["available"]):
        return {"reason": str(entry["reason"]) if pd.notna(entry["reason"]) else "not available"}
    levels = tuple(entry["levels"]) if entry["levels"] is not None and not isinstance(entry["levels"], float) else ()
    try:
        src = source(str(entry["ess"]), str(entry["indicator"]))
    except (DataUnavailableError, InputError) as error:
        log.warning("scorecard: %s: %s", entry["metric"], error)
        return {"reason": f"the ESS file could not be read: {error}"}
    options = candidates(place)
    found = choose(src, options, levels)
    if found is None:
        tried = [o for o in options if o.level in levels]
        names = ", ".join(f"{o.name} ({level_word(o.level)})" for o in tried) or "none of the levels it is published at"
        return {"reason": f"no published value for {place.name} or an area containing it ({names})"}
    option, period = found
    return measure(src, place, option, period, bool(entry["higher_is_better"]))


def scorecard(area: str | Area, *, level: str | None = None, catalogue: pd.DataFrame | None = None) -> pd.DataFrame:
    """Where ``area`` stands on every metric of the missions catalogue (rules in
    :mod:`geo.statistics.scorecard_metric`).

    Parameters
    ----------
    area : str or Area
        A district, county or unitary authority, or police force area, by name or code
        (``"Blackpool"``, ``"County Durham"``, ``"E06000009"``).
    level : str, optional
        The level of ``area`` when a name is shared (``"pfa24"`` for the police force area of
        Lancashire, ``"utla23"`` for Blackpool as a unitary authority).
    catalogue : DataFrame, optional
        The metrics, in the columns of :func:`geo.missions` (default: that catalogue).

    Returns
    -------
    DataFrame
        One row per metric (columns :data:`~geo.statistics.scorecard.COLUMNS`): ``mission``, ``mission_name``, ``metric``,
        ``name``, ``role``, ``available``, ``reason`` (why a metric has no value), ``ess`` and
        ``indicator`` (the ESS file and the label read);
        ``level`` (the level read), ``source_code``/``source_name`` (the area read: the area
        itself, or one containing it), ``source_level`` (empty for the area's own value, else
        "value of North West (region), which contains Blackpool"); ``period``, ``value``,
        ``lci_95``, ``uci_95``, ``unit``, ``higher_is_better``; ``region_*`` and ``nation_*``
        (codes, names and published values in the same period; outside England the nation stands
        in for the region); ``rank``/``of`` (1 = best, among areas of the level with a value),
        ``nation_rank``/``nation_of``, ``region_rank``/``region_of``; ``worst_decile``,
        ``interval_worse``, ``left_behind`` (missing when not judged) and ``left_behind_rule``
        (in words); ``trend_periods``/``trend_values`` (the last five periods, a tuple each) and
        ``change`` since ``change_from``; ``spread_areas``, ``spread_decile_gap``,
        ``spread_p90_p10`` (the region's areas, :func:`geo.inequality`). ``attrs``: ``area``,
        ``code``, ``level``, ``name``, ``region``, ``nation``, ``metrics``, ``available``,
        ``with_value``, ``own_values``, ``judged``, ``worst_decile``, ``left_behind``, ``rule``.

    Raises
    ------
    InputError
        An unknown or ambiguous area, an area of another level, a malformed catalogue.
    CoverageError
        No metric has a value for the area or an area containing it (Northern Ireland for most).

    Examples
    --------
    >>> card = scorecard("Cardiff", catalogue=example_catalogue())
    >>> row = card.iloc[0]
    >>> row["region_name"], int(row["nation_rank"]), int(row["nation_of"]), row["trend_periods"][-1]
    ('Wales', 8, 22, '2025-04-30')
    >>> card.attrs["region"]
    'Wales (a nation: Wales has no regions)'
    """
    place = _place(area, level)
    table = _catalogue(catalogue)
    rows = []
    for _, entry in table.iterrows():
        try:
            figures = _metric(entry, place)
        except LevelupError as error:  # one metric's bad file does not hide the others; it is said
            log.warning("scorecard: %s: %s", entry["metric"], error)
            figures = {"reason": f"not computed: {error}"}
        base = {c: entry[c] for c in ("mission", "mission_name", "metric", "name", "role", "available", "ess", "indicator", "unit")}
        base["higher_is_better"] = entry["higher_is_better"]
        rows.append({**base, **figures})
    frame = pd.DataFrame(rows).reindex(columns=list(COLUMNS))
    for column in ("worst_decile", "interval_worse", "left_behind"):
        frame[column] = frame[column].astype("boolean")
    for column in ("of", "nation_of", "region_of", "spread_areas"):
        frame[column] = frame[column].astype("Int64")
    has_value = frame["value"].notna()
    if not has_value.any():
        raise CoverageError(
            f"area={place.name!r}: none of the {len(frame)} metrics of the catalogue has a published value for {place.name} "
            f"or an area containing it (the ESS files cover {'Great Britain or England' if place.code.startswith('N') else 'other areas'} "
            "for these metrics); choose an area in England, Wales or Scotland"
        )
    own = has_value & (frame["source_level"] == "")
    region = region_of(place.level, place.code)
    nation = nation_of(place.level, place.code)
    frame.attrs.update({
        "area": place.name, "code": place.code, "level": place.level, "name": place.name,
        "region": region.name if region is not None and region.level == "rgn24" else f"{nation.name} (a nation: {nation.name} has no regions)",
        "nation": nation.name, "metrics": len(frame), "available": int(frame["available"].astype(bool).sum()),
        "with_value": int(has_value.sum()), "own_values": int(own.sum()),
        "judged": int(frame["worst_decile"].notna().sum()), "worst_decile": int(frame["worst_decile"].fillna(False).sum()),
        "left_behind": int(frame["left_behind"].fillna(False).sum()), "rule": RULE, "levels_plural": PLURAL.get(place.level, place.level),
    })
    log.info("scorecard %s: %d metrics, %d with a value (%d its own), worst decile on %d of %d judged", place.name, len(frame),
             frame.attrs["with_value"], frame.attrs["own_values"], frame.attrs["worst_decile"], frame.attrs["judged"])
    return frame
