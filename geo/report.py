"""``levelup report``: from an indicator to a committee-ready map pack for one area.

Writes, for the chosen area: ``index.html`` (interactive map with pockets highlighted and
district and region outlines, the area's summary compared with its region and nation, the
pockets and left-behind areas, within-area inequality, and a plain-English method note),
``map.html``, ``map.png``, ``pockets.gpkg`` (layers ``areas``, ``pockets``, ``outlines``),
``summary.csv`` and ``inequality.csv``. Everything is built in a temporary folder beside the
output and renamed into place at the end, so a failure leaves no half-written folder.
"""

from __future__ import annotations

import html
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from tqdm import tqdm

from geo import catalogue, lookups, products, registry, settings
from geo.aggregation import aggregate
from geo.atomic import umask
from geo.codes import isin
from geo.deprivation import deprivation_summary
from geo.detect import detect_level
from geo.errors import InputError
from geo.ess import at_level, read_ess
from geo.export import export
from geo.inequality import inequality
from geo.layers import boundaries
from geo.maps import ATTRIBUTION, map as choropleth, to_html
from geo.places import Area, area as find_area
from geo.plotting import plot
from geo.pockets import pockets
from geo.population import population

log = logging.getLogger(__name__)


@dataclass
class Indicator:
    """The indicator of a report: one value per area of ``level``, nationally."""

    frame: pd.DataFrame  # indexed by code
    value: str
    kind: str
    higher_is_better: bool
    title: str
    source: str
    is_iod: bool = False
    published: pd.DataFrame | None = None  # ESS: every published row of the indicator and period, by code
    caveats: tuple[str, ...] = ()  # what the method note must say about the data

    @cached_property
    def weight(self) -> str | None:
        """Census 2021 population where it covers every area, else equal weights (UK-wide
        indicators: Scotland and Northern Ireland have no Census 2021 E&W population)."""
        try:
            people = population(detect_level(self.frame.index).level).reindex(self.frame.index)
        except InputError:
            return None
        return "population" if people.notna().all() else None


def load_indicator(indicator: str | None, *, value: str | None, kind: str, level: str, higher_is_better: bool | None) -> Indicator:
    """Load the report's indicator: IoD2025 by default, a CSV of codes, or an ESS file/id."""
    if indicator is None or indicator == "iod2025":
        item = catalogue.product("iod2025")
        frame = products.load("iod2025").set_index("LSOA21CD")
        column = value or "IMD_score"
        rank = column.replace("_score", "_rank")
        return Indicator(frame, column, "mean", False if higher_is_better is None else higher_is_better,
                         f"{column.replace('_', ' ')} (IoD2025)", f"{item.title}. {item.attribution}", is_iod=rank in frame.columns)
    path = Path(indicator)
    if path.suffix.lower() == ".csv" and path.is_file():
        head = pd.read_csv(path, nrows=0).columns.tolist()
        if {"areacd", "observation", "period"} <= set(head):
            return _from_ess(read_ess(path), value, kind, level, higher_is_better, str(path))
        raw = pd.read_csv(path)
        code = next((c for c in raw.columns if raw[c].astype(str).str.fullmatch(registry.spec(level).pattern).mean() > 0.9), None)
        if code is None:
            raise InputError(f"--indicator {indicator!r}: no column holds {level} codes; columns are {list(raw.columns)[:12]}")
        numeric = [c for c in raw.columns if c != code and pd.api.types.is_numeric_dtype(raw[c])]
        chosen = value or (numeric[0] if len(numeric) == 1 else None)
        if chosen is None:
            raise InputError(f"--value is needed: {path.name} has several numeric columns {numeric[:8]}")
        return Indicator(raw.set_index(code), chosen, kind, True if higher_is_better is None else higher_is_better, chosen, str(path))
    if not path.exists() and "/" not in indicator:
        return _from_ess(read_ess(indicator), value, kind, level, higher_is_better, f"ONS Explore Local Statistics: {indicator}")
    raise InputError(f"--indicator {indicator!r} is neither a CSV file nor a catalogue/ESS indicator id")


def _from_ess(frame: pd.DataFrame, value: str | None, kind: str, level: str, higher_is_better: bool | None, source: str) -> Indicator:
    indicator = value or str(frame["indicator"].iloc[0])
    rows = frame[frame["indicator"] == indicator]
    if rows.empty:
        raise InputError(f"--value {value!r}: the ESS file has indicators {sorted(frame['indicator'].unique())[:8]}")
    inside = isin(rows["current_code"], lookups.areas(level).index) | (rows["level"] == level)
    if not inside.any():
        published = sorted(rows["level"].dropna().unique())
        raise InputError(
            f"--level {level}: {indicator!r} is not published for {level} areas; it is published for "
            f"{', '.join(published)}. Pass --level with one of them (and --within a coarser level)."
        )
    latest = max(rows.loc[inside, "period"].unique())
    table = at_level(rows, level, kind=kind, period=latest)
    here = rows[(rows["period"] == latest) & rows["current_code"].notna()].drop_duplicates("current_code")
    start, end = here["period_start"].min(), here["period_end"].max()
    years = f"{start.year}" if start.year == end.year else f"{start.year}–{end.year}"
    old = table.attrs.get("old_areas", [])
    caveats = (
        (f"{len(old)} areas are published under district codes from before the 2019–2023 reorganisations "
         f"({', '.join(old[:4])}{' …' if len(old) > 4 else ''}); a {kind} of merged districts cannot be formed "
         "from its parts without their denominators, so those new authorities have no value here.",) if old else ()
    )
    return Indicator(table[["observation"]], "observation", kind, True if higher_is_better is None else higher_is_better,
                     f"{indicator} ({years}; period {latest})", source, published=here.set_index("current_code"), caveats=caveats)


def _region_and_nation(place: Area) -> list[Area]:
    """The area's region (English region, else ITL1) and nation, as Areas. An English region
    and its ITL1 are the same area, so a region's report compares it with its nation only."""
    found = []
    for parent in ("rgn24", "itl1", "ctry"):
        if parent in registry.spec(place.level).nests_in:
            row = lookups.lookup(place.level, parent).set_index(place.level).loc[place.code]
            found.append(Area(parent, str(row[parent]), str(row[f"{parent}_name"])))
    regional = {"rgn24", "itl1"}
    if place.level in regional:
        return [a for a in found if a.level not in regional]
    return [a for a in found if not (a.level == "itl1" and any(b.level == "rgn24" for b in found))]


def build_report(
    area: str,
    out: str | os.PathLike[str],
    *,
    indicator: str | None = None,
    value: str | None = None,
    kind: str = "mean",
    level: str = "lsoa21",
    within: str = "lad24",
    higher_is_better: bool | None = None,
    overwrite: bool = False,
) -> Path:
    """Build the map pack for ``area`` in folder ``out`` (see the module description)."""
    target = Path(out)
    if target.exists() and not overwrite:
        raise InputError(f"--out {str(out)!r} exists; choose another folder or pass --overwrite")
    level, within = registry.resolve(level, argument="level"), registry.resolve(within, argument="within")
    place = find_area(area)
    if place.level == level or place.level not in registry.spec(level).nests_in:
        raise InputError(f"--area {area!r} is a {place.level}; a report maps {level} areas inside a coarser area (a district, county, region ...)")
    steps = tqdm(total=7, desc=f"report {place.name}", disable=not (settings.progress if settings.progress is not None else os.isatty(2)))
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}."))
    try:
        data = load_indicator(indicator, value=value, kind=kind, level=level, higher_is_better=higher_is_better)
        detect_level(data.frame.index)  # refuses mixtures before any work
        worse = "low" if data.higher_is_better else "high"
        steps.update()
        inside = boundaries(level, within=place.code).index
        found = pockets(data.frame, value=data.value, level=level, within=within, worse=worse, weight=data.weight)
        members = found["codes"].str.split(",").explode()
        local = found.loc[members[isin(members, inside)].index.unique()].copy()
        steps.update()
        summary = _summary(data, place, level)
        table = _inequality(data, place, level, within)
        left_behind = _left_behind(data, inside, local)
        steps.update()
        m = choropleth(data.frame, value=data.value, level=level, within=place.code, highlight=local, highlight_name="Pockets (worst 10%)",
                       outlines=(within, "itl1"), higher_is_better=data.higher_is_better, title=data.title)
        to_html(m, staging / "map.html")
        steps.update()
        figure = plot(data.frame, value=data.value, level=level, within=place.code, highlight=local, highlight_name="Pockets (worst 10%)",
                      outlines=(within,), higher_is_better=data.higher_is_better, title=f"{data.title}: {place.name}")
        export(figure, staging / "map.png")
        steps.update()
        areas = boundaries(level, within=place.code).join(data.frame[[data.value]].rename(columns={data.value: "value"}))
        outline = boundaries(within, dissolve_from=level)
        outline = outline.loc[outline.index.isin(lookups.lookup(level, within).set_index(level)[within].reindex(inside).unique())]
        export({"areas": areas, "pockets": local, "outlines": outline}, staging / "pockets.gpkg")
        export(summary, staging / "summary.csv")
        export(table, staging / "inequality.csv")
        steps.update()
        (staging / "index.html").write_text(_page(place, data, summary, table, local, left_behind, level, within), encoding="utf-8")
        steps.update()
        os.chmod(staging, 0o777 & ~umask())
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        steps.close()
    log.info("report for %s written to %s", place.name, target)
    return target


def _summary(data: Indicator, place: Area, level: str) -> pd.DataFrame:
    rows = [place, *_region_and_nation(place)]
    if data.published is not None:
        return _published_summary(data, rows)
    parts = []
    for row in rows:
        if data.is_iod:
            rank = data.value.replace("_score", "_rank")
            measures = deprivation_summary(data.frame, to=row.level, score=data.value, rank=rank, level=level)
            picked = measures.loc[[row.code]]
        else:
            picked = _aggregated(data, row, level)
        picked.insert(0, "level", row.level)
        parts.append(picked.reset_index(names="code").assign(name=row.name))
    return pd.concat(parts, ignore_index=True).set_index("code")


def _aggregated(data: Indicator, row: Area, level: str) -> pd.DataFrame:
    """The indicator for ``row`` from the areas inside it: counts sum, means are weighted (by
    population, or equally where it does not cover the areas); medians and rates given without
    their denominators cannot be aggregated and are left blank with the reason."""
    if data.kind in ("median", "rate"):
        reason = "medians do not aggregate" if data.kind == "median" else "a rate needs its numerator and denominator to aggregate"
        return pd.DataFrame({data.value: [np.nan], "note": [reason]}, index=pd.Index([row.code], name=row.level))
    inside = boundaries(level, within=row.code).index
    subset = data.frame.loc[data.frame.index.isin(inside), [data.value]]
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


def _inequality(data: Indicator, place: Area, level: str, within: str) -> pd.DataFrame:
    inside = boundaries(level, within=place.code).index
    subset = data.frame.loc[data.frame.index.isin(inside), [data.value]]
    whole = inequality(subset, value=data.value, within=None, level=level, weight=data.weight, higher_is_better=data.higher_is_better)
    whole.index = pd.Index([place.code])
    whole.insert(0, "name", place.name)
    if within != place.level and within in registry.spec(level).nests_in and place.level in registry.spec(within).nests_in:
        parts = inequality(subset, value=data.value, within=within, level=level, weight=data.weight, higher_is_better=data.higher_is_better)
        whole = pd.concat([whole, parts])
    whole.index.name = "code"
    return whole


def _left_behind(data: Indicator, inside: pd.Index, local: gpd.GeoDataFrame) -> pd.DataFrame:
    pocket_of = {code: pocket for pocket, codes in zip(local["pocket"], local["codes"], strict=True) for code in codes.split(",")}
    rows = data.frame.loc[data.frame.index.isin(list(pocket_of)), [data.value]].copy()
    names = lookups.areas(detect_level(rows.index).level)["name"] if len(rows) else pd.Series(dtype="string")
    rows.insert(0, "name", names.reindex(rows.index).to_numpy() if len(rows) else [])
    rows["pocket"] = [pocket_of[c] for c in rows.index]
    return rows.sort_values(data.value, ascending=data.higher_is_better)


# How the page shows numbers: whole numbers with separators, shares as percentages, indices to 3 places.
WHOLE = ("pocket", "population", "average_rank", "local_concentration", "n", "n_lsoas", "lsoas_expected", "lsoas_missing", "n_areas")
SHARES = ("proportion_most_deprived_10", "extent")
INDICES = ("gini", "theil", "p90_p10_ratio")
LABELS = {
    "level": "Level", "name": "Area", "n_lsoas": "LSOAs", "lsoas_expected": "LSOAs expected",
    "lsoas_missing": "LSOAs missing", "population": "Population (Census 2021)", "average_score": "Average score",
    "average_rank": "Average rank (higher = more deprived)", "proportion_most_deprived_10": "LSOAs in most deprived 10%",
    "extent": "Extent", "local_concentration": "Local concentration", "parent_name": "District", "n_areas": "Areas",
    "hidden": "Hidden", "codes": "Area codes", "pocket": "Pocket", "value": "Value", "n": "Areas",
    "p90_p10_ratio": "p90/p10", "decile_gap": "Decile gap", "worst_code": "Worst area",
}


def _display(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with numbers as text the way a committee paper shows them."""
    shown = frame.copy()
    for column in shown.columns:
        series = shown[column]
        if pd.api.types.is_bool_dtype(series):
            shown[column] = series.map({True: "yes", False: ""})
        elif not pd.api.types.is_numeric_dtype(series):
            continue
        elif column in WHOLE or column.startswith("rank_of_"):
            shown[column] = series.map(lambda v: "" if pd.isna(v) else f"{v:,.0f}")
        elif column in SHARES:
            shown[column] = series.map(lambda v: "" if pd.isna(v) else f"{v:.1%}")
        elif column in INDICES:
            shown[column] = series.map(lambda v: "" if pd.isna(v) else f"{v:.3f}")
        else:
            shown[column] = series.map(lambda v: "" if pd.isna(v) else f"{v:,.1f}")
    return shown.rename(columns=lambda c: LABELS.get(c, c.replace("rank_of_", "Rank of ").replace("_", " ")))


def _table(frame: pd.DataFrame, columns: list[str] | None = None, limit: int = 200, *, transpose: bool = False) -> str:
    shown = frame if columns is None else frame[[c for c in columns if c in frame.columns]]
    shown = _display(shown.head(limit))
    if transpose:
        shown = shown.set_index(LABELS["name"]).T if LABELS["name"] in shown.columns else shown.T
    note = f"<p>First {limit:,} of {len(frame):,} rows; all rows are in the CSV and GeoPackage files.</p>" if len(frame) > limit else ""
    return shown.to_html(escape=True, border=0, classes="t") + note


def _headline(place: Area, data: Indicator, local: gpd.GeoDataFrame, left_behind: pd.DataFrame, hidden: int, parents: str) -> str:
    """One plain-English sentence: how many pockets, how many areas, how many people, how many hidden."""
    people = int(local["population"].sum()) if len(local) else 0
    counted = "residents (Census 2021)" if local["population"].notna().all() else "residents where Census 2021 counts them"
    where = "in England" if data.is_iod else "nationally"
    return html.escape(
        f"{place.name} has {len(local):,} pockets of neighbouring areas in the worst 10% {where} for "
        f"{data.title}, {len(left_behind):,} areas with {people:,} {counted}; {hidden:,} of the pockets "
        f"are hidden: they lie in an area of the level {parents} whose average is better than the national average."
    )


def _page(
    place: Area, data: Indicator, summary: pd.DataFrame, table: pd.DataFrame, local: gpd.GeoDataFrame,
    left_behind: pd.DataFrame, level: str, within: str,
) -> str:
    name = html.escape(place.name)
    areas, parents = registry.spec(level).title, registry.spec(within).title
    hidden = int(local["hidden"].sum()) if len(local) else 0
    weighting = (
        "Averages are weighted by Census 2021 population." if data.weight == "population"
        else "Averages weigh every area equally (Census 2021 population does not cover Scotland and Northern Ireland)."
    )
    if data.published is not None:
        weighting += " Values for the area, its region and nation are the published ones."
    weighting += "".join(" " + c for c in data.caveats)
    note = (
        f"The areas mapped are {html.escape(areas)}; pockets are reported within {html.escape(parents)}. "
        "A <em>pocket</em> is a group of neighbouring areas (sharing an edge or a corner) that are all among "
        f"the worst 10% {'in England' if data.is_iod else 'nationally'}; a pocket is <em>hidden</em> when the "
        "average of the area it lies in is better than the national average, so that area's figure conceals it. "
        f"{weighting} Boundaries: ONS generalised (BSC) boundaries, lookups: ONS best-fit lookups; "
        f"local authority structure of April 2023. Source of the indicator: {html.escape(data.source)}. "
        f"{html.escape(ATTRIBUTION)}."
    )
    pocket_columns = ["pocket", "n_areas", "population", "value", "In", "hidden", "codes"]
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{name}: {html.escape(data.title)}</title>
<style>body{{font:14px/1.4 sans-serif;margin:0 24px 40px}} iframe{{width:100%;height:640px;border:1px solid #ccc}}
table.t{{border-collapse:collapse;font-size:12px}} table.t td,table.t th{{padding:2px 6px;border-bottom:1px solid #eee;text-align:right;vertical-align:top}}
table.t td:last-child{{max-width:38em;overflow-wrap:anywhere}}
h2{{margin-top:28px}}</style></head><body>
<h1>{name}: {html.escape(data.title)}</h1>
<p>{_headline(place, data, local, left_behind, hidden, html.escape(parents))}</p>
<iframe src="map.html" title="Interactive map of {name}"></iframe>
<h2>{name} compared with its region and the nation</h2>{_table(summary, transpose=True)}
<h2>Pockets</h2>{_table(pd.DataFrame(local.drop(columns="geometry")).set_index("pocket").rename(columns={"parent_name": "In"}), pocket_columns)}
<h2>Left-behind areas</h2>{_table(left_behind.rename(columns={data.value: "value"}))}
<h2>Inequality within {name}</h2>{_table(table, ["name", "n", "mean", "median", "p10", "p90", "p90_p10_ratio", "decile_gap", "gini", "theil", "worst_code"])}
<h2>Method</h2><p>{note}</p>
<p>Files: map.html, map.png, pockets.gpkg (layers areas, pockets, outlines), summary.csv, inequality.csv.</p>
</body></html>
"""
