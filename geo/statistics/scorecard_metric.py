"""One metric of a scorecard: an area's published value, its ranks and its trend, from one ESS file.

The rules, said once (:func:`geo.scorecard` uses them for every metric):

- **Level used.** The first level, in this order, that the catalogue lists for the metric and
  at which the file has a value for the area: the area's own level; the same area at another
  level (a unitary authority is a district and a county or unitary authority under one code);
  then each area containing it (county, police force area, region, ITL1 area, nation). Of the
  levels of the area's own code, the first at which the file holds at least 99 % of the
  nation's areas is taken, else the one holding most of them (healthy life expectancy is
  published for metropolitan districts as "districts", for all of England as counties and
  unitary authorities). A value of a containing area is said so (``source_level``).
- **Period.** The latest period in which the file has a value for that area at that level.
  The rank, the region's and the nation's values, the position in the region and the spread
  all come from that same period (a metric never mixes periods).
- **Older codes.** Areas published under codes of earlier vintages are mapped to today's areas
  by :func:`geo.moving.ess.at_level`: a recoded area keeps its value; an area formed by merging
  districts gets none (a mean or rate of merged areas needs their denominators).
- **Ranks.** 1 = best (by ``higher_is_better``); tied areas share the best rank of the tie;
  areas without a value in the period are left out, and ``of`` counts the areas ranked.
  ``rank``/``of`` are among all areas of the level the file has a value for (the UK, Great
  Britain or one nation, as published); ``nation_rank``/``nation_of`` among the area's nation's;
  ``region_rank``/``region_of`` among its region's (England's regions; Wales, Scotland and
  Northern Ireland have none, so their nation stands in).
- **Worst national decile.** The area is among the ``k = max(1, round(n / 10))`` worst of its
  nation's ``n`` ranked areas of the level, or tied with the ``k``-th
  (:func:`geo.statistics.inequality.decile_groups`), when the file has values for at least
  99 % of the nation's areas of the level (:data:`geo.geography.coverage.NATIONAL_COVERAGE`).
  With fewer (but at least :data:`DECILE_COVERAGE`, 90 %), ``k`` counts the nation's ``N``
  areas, ``m`` of them missing: the area is judged in the worst decile only if it would be
  wherever the missing areas fell (``w + 1 + m <= k``, ``w`` ranked areas strictly worse),
  not in it if ``w + 1 > k``, and not judged in between.
- **Interval rule.** The area's 95 % interval lies wholly on the wrong side of its nation's
  published value in the same period (its upper limit below it when higher is better, its
  lower limit above it when lower is better). Judged only when both are published.
- **Left behind.** Either rule holds; not judged (missing) for a containing area's value.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from geo import catalogue
from geo.data import cache, products
from geo.errors import InputError, examples
from geo.geography import lookups, registry
from geo.geography.coverage import NATIONAL_COVERAGE, national_coverage
from geo.geography.places import Area, level_word
from geo.moving.ess import at_level, read_ess
from geo.statistics.inequality import decile_groups, inequality

log = logging.getLogger(__name__)

#: Below full national coverage (99 %), the least share of the nation's areas with a value for
#: the worst decile to be judged, and then only where the missing areas could not change it.
DECILE_COVERAGE = 0.9
#: How many periods the trend keeps (the last five, the chosen one included).
TREND = 5
#: How old codes are combined by :func:`geo.moving.ess.at_level`: never for means and rates
#: without their denominators (a merged area gets no value).
KIND = "mean"
#: Areas of these levels have a region (England) or stand in their nation (elsewhere).
REGIONAL = ("lad24", "utla23", "pfa24")
#: Levels in words, plural, for the rules' text.
PLURAL = {"lad24": "districts", "utla23": "counties and unitary authorities", "pfa24": "police force areas",
          "rgn24": "regions", "itl1": "ITL1 areas", "ctry": "nations"}


@dataclass(frozen=True)
class Candidate:
    """A level at which a metric may be read for an area: the area itself, the same area under
    another level (``same``), or an area containing it (``parent``).

    Examples
    --------
    >>> Candidate("rgn24", "E12000002", "North West", "parent").relation
    'parent'
    """

    level: str
    code: str
    name: str
    relation: str  # "own", "same" or "parent"


@dataclass
class Source:
    """One indicator of one ESS file, with what is derived from it (tables per level and period,
    each area's rows) made once.

    Examples
    --------
    >>> pay = source("gross-median-weekly-pay", "Gross median weekly pay")
    >>> pay.value("lad24", "E06000009", "2025-04-30"), pay.published(["E92000001"], "2025-04-30")
    (539.9, (648.4, 'E92000001'))
    """

    frame: pd.DataFrame
    memo: dict[tuple[str, ...], Any] = field(default_factory=dict, repr=False)

    def _once(self, key: tuple[str, ...], make: Any) -> Any:
        if key not in self.memo:
            self.memo[key] = make()
        return self.memo[key]

    def rows_at(self, level: str) -> pd.DataFrame:
        """Rows published at ``level`` or under a code of its areas (as :func:`at_level` selects)."""
        def make() -> pd.DataFrame:
            codes = lookups.areas(level).index
            return self.frame[(self.frame["level"] == level) | self.frame["current_code"].isin(codes).fillna(False)]
        return self._once(("rows", level), make)

    def periods(self, level: str) -> list[str]:
        """Periods with a value at ``level``, oldest first (by end, then start)."""
        def make() -> list[str]:
            rows = self.rows_at(level).dropna(subset=["observation"])
            ordered = rows.drop_duplicates("period").sort_values(["period_end", "period_start", "period"])
            return ordered["period"].astype(str).tolist()
        return list(self._once(("periods", level), make))

    def rows_of(self, level: str, code: str) -> pd.DataFrame:
        """The rows at ``level`` of area ``code`` (under its code or an older one)."""
        rows = self.rows_at(level)
        where = self._once(("by code", level), lambda: rows.groupby(rows["current_code"].astype(object), sort=False).indices)
        return rows.iloc[where.get(code, [])]

    def has(self, level: str, code: str) -> bool:
        """Whether any row at ``level`` of area ``code`` has a value."""
        return bool(self.rows_of(level, code)["observation"].notna().any())

    def table(self, level: str, period: str) -> pd.DataFrame:
        """:func:`geo.moving.ess.at_level` for one level and period (made once)."""
        label = str(self.frame["indicator"].iloc[0])
        return self._once(("table", level, period), lambda: at_level(self.frame, level, kind=KIND, indicator=label, period=period))

    def value(self, level: str, code: str, period: str) -> float:
        """Area ``code``'s value at ``level`` in ``period``, as :meth:`table` has it.

        The area's one row under its current code is its value (the table would keep it); only
        when it has none, or several, or rows under older codes, is the table made.
        """
        mine = self.rows_of(level, code)
        mine = mine[mine["period"] == period]
        current = mine.loc[mine["change"].isna(), "observation"].unique()
        if len(current) == 1:
            return float(current[0])
        if mine.empty:
            return math.nan
        found = self.table(level, period)["observation"].get(code)
        return math.nan if found is None or pd.isna(found) else float(found)

    def published(self, codes: list[str], period: str) -> tuple[float, str | None]:
        """The value published for the first of ``codes`` (one territory's codes) in ``period``."""
        frame = self.frame
        where = self._once(("by areacd",), lambda: frame.groupby(frame["areacd"].astype(object), sort=False).indices)
        for code in codes:
            rows = frame.iloc[where.get(code, [])]
            values = rows.loc[(rows["period"] == period) & rows["observation"].notna(), "observation"].drop_duplicates()
            if len(values) > 1:
                log.warning("%s is published with %d values in %s (%s); left blank", code, len(values), period, examples(values.tolist()))
                return math.nan, None
            if len(values):
                return float(values.iloc[0]), code
        return math.nan, None


#: The columns of an ESS frame a scorecard reads (and :func:`geo.moving.ess.at_level` needs).
KEEP = ("areacd", "areanm", "indicator", "period", "observation", "lci_95", "uci_95", "period_start", "period_end", "level",
        "current_code", "change")


@lru_cache(maxsize=16)
def _file(ess: str, version: str, where: str) -> pd.DataFrame:
    return read_ess(ess)


def _read(ess: str, indicator: str) -> Source:
    frame = read_ess(ess) if Path(ess).suffix.lower() == ".csv" else _file(ess, catalogue.version(), str(cache.entry_path("")))
    rows = frame[frame["indicator"] == indicator]
    if rows.empty:
        raise InputError(f"indicator={indicator!r} is not in ESS file {ess!r}; it has {examples(frame['indicator'].unique())}")
    rows = rows[[c for c in KEEP if c in rows.columns]]
    text = [c for c in rows.columns if c not in ("observation", "lci_95", "uci_95", "period_start", "period_end")]
    return Source(rows.astype({c: object for c in text}))  # plain objects: many small selections, cheaper than Arrow's


@lru_cache(maxsize=128)
def _cached(ess: str, indicator: str, version: str, where: str) -> Source:
    return _read(ess, indicator)


def source(ess: str, indicator: str) -> Source:
    """The rows of one indicator of an ESS file (an id, kept for the session per catalogue and
    cache folder; or a CSV path, read each time).

    Raises
    ------
    InputError
        When the file has no such indicator.
    DataUnavailableError
        When the file cannot be had.

    Examples
    --------
    >>> pay = source("gross-median-weekly-pay", "Gross median weekly pay")
    >>> pay.periods("lad24")[-1], float(pay.table("lad24", "2025-04-30").loc["E06000009", "observation"])  # Blackpool
    ('2025-04-30', 539.9)
    """
    if Path(ess).suffix.lower() == ".csv":
        return _read(ess, indicator)
    return _cached(ess, indicator, catalogue.version(), str(cache.entry_path("")))


def candidates(place: Area) -> list[Candidate]:
    """The levels a metric may be read at for ``place``, in the order of the module's rule.

    Examples
    --------
    >>> from geo.geography.places import area
    >>> [(c.level, c.code, c.relation) for c in candidates(area("Preston"))][:3]
    [('lad24', 'E07000123', 'own'), ('utla23', 'E10000017', 'parent'), ('pfa24', 'E23000003', 'parent')]
    >>> [(c.level, c.relation) for c in candidates(area("Blackpool"))][:2]
    [('lad24', 'own'), ('utla23', 'same')]
    """
    found = [Candidate(place.level, place.code, place.name, "own")]
    for other in REGIONAL:
        if other != place.level and place.code in lookups.areas(other).index:
            found.append(Candidate(other, place.code, place.name, "same"))
    for parent in registry.spec(place.level).nests_in:
        if any(c.level == parent for c in found):
            continue
        table = lookups.lookup(place.level, parent).set_index(place.level)
        if place.code in table.index:  # regions cover England only
            found.append(Candidate(parent, str(table.loc[place.code, parent]), str(table.loc[place.code, f"{parent}_name"]), "parent"))
    return found


@lru_cache(maxsize=8)
def _territories(version: str, where: str) -> dict[str, list[str]]:
    """Each region's or nation's codes at every level it is published at (``E12000002`` and ``TLD``)."""
    same = products.load("itl1_codes")
    out: dict[str, list[str]] = {}
    for itl, rgn, ctry in zip(same["ITL125CD"], same["RGN24CD"], same["CTRY24CD"], strict=True):
        main = rgn if isinstance(rgn, str) and rgn else ctry
        out[str(main)] = [str(main), str(itl)]
    return out


def territory(code: str) -> list[str]:
    """The codes one region or nation is published under (its own first, then its ITL1 code).

    Examples
    --------
    >>> territory("E12000002"), territory("W92000004"), territory("E92000001")
    (['E12000002', 'TLD'], ['W92000004', 'TLL'], ['E92000001'])
    """
    return _territories(catalogue.version(), str(cache.entry_path(""))).get(code, [code])


def region_of(level: str, code: str) -> Area | None:
    """The region an area of ``level`` lies in (its nation outside England); None above REGIONAL.

    Examples
    --------
    >>> region_of("lad24", "E06000009"), region_of("lad24", "W06000015").name
    (Area(level='rgn24', code='E12000002', name='North West'), 'Wales')
    """
    if level not in REGIONAL:
        return None
    for parent in ("rgn24", "ctry"):
        table = lookups.lookup(level, parent).set_index(level)
        if code in table.index:
            return Area(parent, str(table.loc[code, parent]), str(table.loc[code, f"{parent}_name"]))
    return None


def nation_of(level: str, code: str) -> Area:
    """The nation an area lies in (itself for a nation).

    Examples
    --------
    >>> nation_of("pfa24", "E23000003").name
    'England'
    """
    if level == "ctry":
        return Area("ctry", code, str(lookups.areas("ctry").loc[code, "name"]))
    row = lookups.lookup(level, "ctry").set_index(level).loc[code]
    return Area("ctry", str(row["ctry"]), str(row["ctry_name"]))


def _members(level: str, parent: Area) -> pd.Index:
    return _members_of(level, parent.level, parent.code, catalogue.version(), str(cache.entry_path("")))


@lru_cache(maxsize=256)
def _members_of(level: str, parent_level: str, code: str, version: str, where: str) -> pd.Index:
    table = lookups.lookup(level, parent_level)
    return pd.Index(table.loc[table[parent_level] == code, level].astype(str))


def _rank(values: pd.Series, code: str, higher_is_better: bool) -> float:
    if code not in values.index:
        return math.nan
    return float(values.rank(ascending=not higher_is_better, method="min").loc[code])


def choose(src: Source, options: list[Candidate], levels: tuple[str, ...]) -> tuple[Candidate, str] | None:
    """The candidate and period a metric is read at (the module's rule), or None when the file
    has no value for the area at any of ``levels``.

    Of the levels of the area's own code with a value, the first whose values cover at least
    99 % of the nation's areas is taken, else the one covering the largest share (the first on
    a tie); only when there is none, the first containing area with a value.

    Examples
    --------
    >>> from geo.geography.places import area
    >>> hle = source("healthy-life-expectancy", "Male healthy life expectancy")
    >>> option, period = choose(hle, candidates(area("Blackpool")), ("lad24", "utla23", "rgn24", "ctry"))
    >>> option.level, option.relation, period  # published for England's districts only in part: its unitary authority row
    ('utla23', 'same', '2022-01-01/P3Y')
    """
    best: tuple[float, Candidate, str] | None = None
    for option in options:
        if option.relation == "parent" and best is not None:
            break
        if option.level not in levels or not src.has(option.level, option.code):
            continue
        period = next((p for p in reversed(src.periods(option.level)) if not math.isnan(src.value(option.level, option.code, p))), None)
        if period is None:
            continue
        if option.relation == "parent":
            return option, period
        share = coverage(src.table(option.level, period), option.level, option.code)
        if best is None or share > best[0]:
            best = (share, option, period)
        if share >= NATIONAL_COVERAGE:
            break
    return None if best is None else (best[1], best[2])


def coverage(table: pd.DataFrame, level: str, code: str) -> float:
    """The share of the nation's areas of ``level`` (the nation of ``code``) with a value in ``table``.

    Examples
    --------
    >>> pay = source("gross-median-weekly-pay", "Gross median weekly pay")
    >>> round(coverage(pay.table("lad24", "2025-04-30"), "lad24", "E06000009"), 3)  # 294 of England's 296 districts
    0.993
    """
    nation = nation_of(level, code)
    have = table.index[table["observation"].notna().to_numpy()]
    return float(national_coverage(have, level).loc[nation.code, "share"])


def measure(src: Source, place: Area, option: Candidate, period: str, higher_is_better: bool) -> dict[str, Any]:
    """Every figure of one metric for ``place``, read at ``option`` in ``period`` (the module's rules).

    Returns
    -------
    dict
        The scorecard's columns from ``level`` to ``spread_p90_p10``.

    Examples
    --------
    >>> from geo.geography.places import area
    >>> pay = source("gross-median-weekly-pay", "Gross median weekly pay")
    >>> blackpool = area("Blackpool")
    >>> row = measure(pay, blackpool, candidates(blackpool)[0], "2025-04-30", True)
    >>> row["value"], row["rank"], row["of"], row["region_name"], row["nation_value"]
    (539.9, 353.0, 359, 'North West', 648.4)
    """
    level, code = option.level, option.code
    table = src.table(level, period)
    values = table["observation"].dropna()
    values = values[~values.index.duplicated()]
    row = table.loc[code]
    nation = nation_of(level, code)
    region = region_of(level, code)
    own = option.relation != "parent"
    out: dict[str, Any] = {
        "level": level, "source_code": code, "source_name": option.name,
        "source_level": "" if own else f"value of {option.name} ({level_word(level)}), which contains {place.name}",
        "period": period, "value": float(row["observation"]),
        "lci_95": float(row["lci_95"]) if "lci_95" in table.columns and pd.notna(row["lci_95"]) else math.nan,
        "uci_95": float(row["uci_95"]) if "uci_95" in table.columns and pd.notna(row["uci_95"]) else math.nan,
        "rank": _rank(values, code, higher_is_better), "of": len(values),
    }
    home = region_of(place.level, place.code)  # the scorecard area's region (its nation outside England)
    out["region_code"], out["region_name"] = (home.code, home.name) if home else (None, None)
    out["region_value"] = src.published(territory(home.code), period)[0] if home else math.nan
    out["nation_code"], out["nation_name"] = nation.code, nation.name
    out["nation_value"], _ = src.published(territory(nation.code), period)
    in_nation = values[values.index.isin(_members(level, nation))] if level != "ctry" else values
    out["nation_rank"], out["nation_of"] = _rank(in_nation, code, higher_is_better), len(in_nation)
    if region is not None:
        in_region = values[values.index.isin(_members(level, region))]
        out["region_rank"], out["region_of"] = _rank(in_region, code, higher_is_better), len(in_region)
        if own:
            out.update(_spread(in_region, level, region, higher_is_better))
    out.update(_judge(out, values, nation, level, own, place, higher_is_better, table))
    out.update(_trend(src, level, code, period))
    return out


def _spread(values: pd.Series, level: str, region: Area, higher_is_better: bool) -> dict[str, Any]:
    """The decile gap and p90/p10 of the region's areas (:func:`geo.statistics.inequality.inequality`)."""
    if values.empty:
        return {}
    result = inequality(values.to_frame("value"), value="value", within=region.level, level=level, higher_is_better=higher_is_better)
    found = result.loc[region.code]
    return {"spread_areas": int(found["n"]), "spread_decile_gap": float(found["decile_gap"]), "spread_p90_p10": float(found["p90_p10_ratio"])}


def _decile_with_gaps(values: pd.Series, code: str, areas: int, higher_is_better: bool) -> tuple[Any, str]:
    """Worst-decile flag when some of the nation's ``areas`` have no value (module description).

    Examples
    --------
    >>> values = pd.Series([1.0, 2, 3] + [5.0] * 16, index=list("abcdefghijklmnopqrs"))  # 19 of 20 areas
    >>> _decile_with_gaps(values, "a", 20, True), _decile_with_gaps(values, "b", 20, True)
    ((True, 'in'), (<NA>, 'perhaps in (not judged)'))
    >>> _decile_with_gaps(values, "c", 20, True)
    (False, 'not in')
    """
    k = max(1, round(areas / 10))
    own = values[code]
    worse = int((values < own).sum() if higher_is_better else (values > own).sum())
    missing = areas - len(values)
    if worse + 1 + missing <= k:
        return True, "in"
    if worse + 1 > k:
        return False, "not in"
    return pd.NA, "perhaps in (not judged)"


def _judge(out: dict[str, Any], values: pd.Series, nation: Area, level: str, own: bool, place: Area, higher_is_better: bool,
           table: pd.DataFrame) -> dict[str, Any]:
    """The left-behind flags and the rule's words (module description)."""
    if not own:
        return {"worst_decile": pd.NA, "interval_worse": pd.NA, "left_behind": pd.NA,
                "left_behind_rule": f"not judged: the value is {out['source_name']}'s, not {place.name}'s own"}
    words = PLURAL.get(level, f"{level} areas")
    code = out["source_code"]
    in_nation = values[values.index.isin(_members(level, nation))] if level != "ctry" else values
    coverage = national_coverage(values.index, level).loc[nation.code]
    parts = []
    decile: Any = pd.NA
    if coverage["share"] >= NATIONAL_COVERAGE and len(in_nation):
        top, bottom = decile_groups(in_nation)
        worst = bottom if higher_is_better else top
        decile = bool(code in worst.index)
        said = "in" if decile else "not in"
        parts.append(f"{said} {nation.name}'s worst 10 % of {words} (the worst {len(worst):,} of {len(in_nation):,})")
    elif coverage["share"] >= DECILE_COVERAGE and code in in_nation.index:
        decile, words_decile = _decile_with_gaps(in_nation, code, int(coverage["areas"]), higher_is_better)
        parts.append(f"{words_decile} {nation.name}'s worst 10 % of {words} ({len(in_nation):,} of "
                     f"{int(coverage['areas']):,} ranked; judged wherever the missing ones fell)")
    else:
        parts.append(f"national decile not judged: values for {int(coverage['in_data']):,} of {nation.name}'s "
                     f"{int(coverage['areas']):,} {words} ({100 * NATIONAL_COVERAGE:.0f} % needed)")
    interval: Any = pd.NA
    low, high, national = out["lci_95"], out["uci_95"], out["nation_value"]
    if math.isnan(national):
        parts.append(f"interval not judged: no published value for {nation.name} in {out['period']}")
    elif math.isnan(low) or math.isnan(high):
        parts.append("interval not judged: no 95 % interval published")
    else:
        interval = bool(high < national) if higher_is_better else bool(low > national)
        side = "below" if higher_is_better else "above"
        parts.append(f"95 % interval {low:,.4g} to {high:,.4g} {'wholly' if interval else 'not wholly'} {side} {nation.name}'s {national:,.4g}")
    judged = [f for f in (decile, interval) if f is not pd.NA]
    left = pd.NA if not judged else bool(any(judged))
    return {"worst_decile": decile, "interval_worse": interval, "left_behind": left, "left_behind_rule": "; ".join(parts)}


def _trend(src: Source, level: str, code: str, period: str) -> dict[str, Any]:
    """The area's values in the last :data:`TREND` periods up to ``period`` (missing where none)."""
    periods = src.periods(level)
    kept = periods[max(0, periods.index(period) - TREND + 1): periods.index(period) + 1]
    values = [src.value(level, code, p) for p in kept]
    present = [(p, v) for p, v in zip(kept, values, strict=True) if not math.isnan(v)]
    change = present[-1][1] - present[0][1] if len(present) >= 2 else math.nan
    return {"trend_periods": tuple(kept), "trend_values": tuple(values), "change": change,
            "change_from": present[0][0] if len(present) >= 2 else None}

