"""The web page of a report (``index.html``): plain English for a council officer.

Every text from data is HTML-escaped. The page states what the indicator covers, says so
plainly when an area has no pocket (a result, not a failure), and gives the reason when a
national figure is left blank.
"""

from __future__ import annotations

import html

import geopandas as gpd
import pandas as pd

from geo.geography import registry
from geo.geography.places import Area
from geo.outputs.maps import ATTRIBUTION
from geo.outputs.report import ReportData, _unit

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
        elif not pd.api.types.is_numeric_dtype(series):  # text, or flags with blanks (None: not computed)
            shown[column] = series.map(lambda v: "yes" if v is True else "" if v is False or v is None or v is pd.NA else v)
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


def criterion(data: ReportData) -> str:
    """What an area must be to belong to a pocket, in words ("among England's most deprived 10%").

    Parameters
    ----------
    data : ReportData
        From :func:`geo.outputs.report.prepare_report`.

    Returns
    -------
    str
        Plain text (not escaped).

    Examples
    --------
    >>> from dataclasses import replace
    >>> from geo.outputs.report import prepare_report
    >>> data = prepare_report()
    >>> criterion(data)
    "among England's most deprived 10% on the IMD score (IoD2025)"
    >>> criterion(replace(data, threshold=40.0))  # as prepare_report(threshold=40.0) would hold
    'at or above 40 on IMD score (IoD2025)'
    >>> criterion(replace(data, threshold="parent_mean"))
    'worse than the average of its Local Authority Districts (May 2024) on IMD score (IoD2025)'
    """
    threshold, ind = data.threshold, data.indicator
    names = [str(n) for n in data.coverage.loc[data.coverage["in_data"] > 0, "name"]]
    nations = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}" if names else "no nation"
    if isinstance(threshold, (int, float)):
        return f"at or {'below' if ind.higher_is_better else 'above'} {threshold:g} on {ind.title}"
    if threshold == "parent_mean":
        return f"worse than the average of its {registry.spec(data.within).title} on {ind.title}"
    if threshold == "hotspot":
        return f"in a significant cluster of bad values (Local Moran) of {ind.title}"
    text = str(threshold)
    share = 10 * int(text.rsplit("_", 1)[1]) if text.startswith("national_decile_") else int(text.rsplit("_", 1)[1])
    if ind.is_iod:
        return f"among {nations}'s most deprived {share}% on the {ind.title}"
    return f"among the worst {share}% of {nations} on {ind.title}"


def short_criterion(data: ReportData) -> str:
    """The pocket rule in a few words, for the map's layer name ("worst 10%").

    Parameters
    ----------
    data : ReportData
        From :func:`geo.outputs.report.prepare_report`.

    Returns
    -------
    str

    Examples
    --------
    >>> from dataclasses import replace
    >>> from geo.outputs.report import prepare_report
    >>> data = prepare_report()
    >>> short_criterion(data), short_criterion(replace(data, threshold=40.0)), short_criterion(replace(data, threshold="national_percentile_5"))
    ('worst 10%', 'at or above 40', 'worst 5%')
    """
    threshold = data.threshold
    if isinstance(threshold, (int, float)):
        return f"at or {'below' if data.indicator.higher_is_better else 'above'} {threshold:g}"
    if threshold == "parent_mean":
        return "worse than their area's average"
    if threshold == "hotspot":
        return "hot spots"
    text = str(threshold)
    return f"worst {10 * int(text.rsplit('_', 1)[1]) if text.startswith('national_decile_') else int(text.rsplit('_', 1)[1])}%"


def headline(place: Area, data: ReportData, local: gpd.GeoDataFrame, left_behind: pd.DataFrame) -> str:
    """Plain-English sentences: how many pockets, areas, people and hidden pockets — or none.

    Parameters
    ----------
    place : Area
        The report's area.
    data : ReportData
        From :func:`geo.outputs.report.prepare_report`.
    local : GeoDataFrame
        The pockets in ``place`` (rows of ``data.found``).
    left_behind : DataFrame
        One row per area in those pockets.

    Returns
    -------
    str
        HTML-escaped text.

    Examples
    --------
    >>> from geo.geography.places import area
    >>> from geo.outputs.report import prepare_report
    >>> data = prepare_report()
    >>> durham = data.found[data.found["parent"] == "E06000047"]
    >>> members = pd.DataFrame(index=durham["codes"].str.split(",").explode())
    >>> print(headline(area("County Durham"), data, durham, members))
    County Durham has 25 pockets of neighbouring areas that are all among England&#x27;s most deprived 10% on the
    IMD score (IoD2025): 56 areas with 81,013 residents (Census 2021). 0 of the pockets are hidden: ...
    >>> print(headline(area("Rutland"), data, data.found.iloc[:0], members.iloc[:0]))
    No LSOA in Rutland is among England&#x27;s most deprived 10% on the IMD score (IoD2025), so Rutland has no
    pocket on this measure. The map, tables and files show every area&#x27;s value.
    """
    unit = _unit(data.level)
    if local.empty:
        return html.escape(
            f"No {unit} in {place.name} is {criterion(data)}, so {place.name} has no pocket on this measure. "
            "The map, tables and files show every area's value."
        )
    people = int(local["population"].sum())
    counted = "residents (Census 2021)" if local["population"].notna().all() else "residents where Census 2021 counts them"
    parents = registry.spec(data.within).title
    if data.national:
        hidden = int(local["hidden"].fillna(False).astype(bool).sum())
        hiding = (f"{hidden:,} of the pockets are hidden: they lie in an area of the level {parents} whose average is better "
                  "than the national average.")
    else:
        hiding = (f"Whether a pocket is hidden by a better-than-national average is not shown: {data.indicator.title} "
                  f"covers {data.covered}, not a whole nation.")
    return html.escape(
        f"{place.name} has {len(local):,} pockets of neighbouring areas that are all {criterion(data)}: "
        f"{len(left_behind):,} areas with {people:,} {counted}. {hiding}"
    )


def page(
    place: Area, data: ReportData, summary: pd.DataFrame, table: pd.DataFrame, local: gpd.GeoDataFrame,
    left_behind: pd.DataFrame, coverage_note: str = "",
) -> str:
    """Return the report's ``index.html``.

    Parameters
    ----------
    place : Area
        The report's area.
    data : ReportData
        From :func:`geo.outputs.report.prepare_report`.
    summary : DataFrame
        The area, its region and nation (``summary.csv``), indexed by code.
    table : DataFrame
        Within-area inequality (``inequality.csv``).
    local : GeoDataFrame
        The pockets in ``place``.
    left_behind : DataFrame
        The areas in those pockets.
    coverage_note : str
        A sentence shown when the indicator covers only part of ``place``.

    Returns
    -------
    str
        The page; every text from data is HTML-escaped.

    Examples
    --------
    >>> from geo.outputs.report import prepare_report
    >>> data = prepare_report()
    >>> place = Area("lad24", "E06000017", "Rutland <test>")
    >>> summary = pd.DataFrame({"level": ["lad24"], "name": [place.name], "n_lsoas": [26]}, index=pd.Index([place.code], name="code"))
    >>> table = pd.DataFrame({"name": [place.name], "n": [26], "gini": [0.21]}, index=[place.code])
    >>> html_page = page(place, data, summary, table, data.found.iloc[:0], pd.DataFrame())
    >>> html_page.splitlines()[1]
    '<html lang="en"><head><meta charset="utf-8"><title>Rutland &lt;test&gt;: IMD score (IoD2025)</title>'
    >>> "<test>" in html_page, "<td>0.210</td>" in html_page
    (False, True)
    """
    ind = data.indicator
    name = html.escape(place.name)
    areas, parents = registry.spec(data.level).title, registry.spec(data.within).title
    weighting = (
        "Averages are weighted by Census 2021 population." if ind.weight == "population"
        else "Averages weigh every area equally (Census 2021 population does not cover Scotland and Northern Ireland)."
    )
    if ind.published is not None:
        weighting += " Values for the area, its region and nation are the published ones."
    weighting += "".join(" " + c for c in ind.caveats)
    if data.national:
        national = (f"The indicator covers {html.escape(data.covered)}. A pocket is <em>hidden</em> when the average of the area it lies in "
                    "is better than the national average, so that area's figure conceals it.")
    else:
        national = (f"The indicator covers {html.escape(data.covered)}, not a whole nation, so nothing here is compared with "
                    "the nation: pockets use the threshold you chose, the “hidden” column is blank and a region or nation "
                    "row is left blank unless the indicator covers at least 99% of its areas.")
    note = (
        f"The areas mapped are {html.escape(areas)}; pockets are reported within {html.escape(parents)}. "
        "A <em>pocket</em> is a group of neighbouring areas (sharing an edge or a corner) that are all "
        f"{html.escape(criterion(data))}. {national} "
        f"{html.escape(weighting)} Boundaries: ONS generalised (BSC) boundaries, lookups: ONS best-fit lookups; "
        f"local authority structure of April 2023. Source of the indicator: {html.escape(ind.source)}. "
        f"{html.escape(ATTRIBUTION)}."
    )
    coverage = f"<p><strong>Coverage:</strong> {html.escape(coverage_note)}</p>" if coverage_note else ""
    pocket_columns = ["pocket", "n_areas", "population", "value", "In", "hidden", "codes"]
    pocket_table = (
        _table(pd.DataFrame(local.drop(columns="geometry")).set_index("pocket").rename(columns={"parent_name": "In"}), pocket_columns)
        if len(local) else f"<p>None: no {html.escape(_unit(data.level))} in {name} is {html.escape(criterion(data))}.</p>"
    )
    behind = _table(left_behind.rename(columns={ind.value: "value"})) if len(left_behind) else "<p>None.</p>"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{name}: {html.escape(ind.title)}</title>
<style>body{{font:14px/1.4 sans-serif;margin:0 24px 40px}} iframe{{width:100%;height:640px;border:1px solid #ccc}}
table.t{{border-collapse:collapse;font-size:12px}} table.t td,table.t th{{padding:2px 6px;border-bottom:1px solid #eee;text-align:right;vertical-align:top}}
table.t td:last-child{{max-width:38em;overflow-wrap:anywhere}}
h2{{margin-top:28px}}</style></head><body>
<h1>{name}: {html.escape(ind.title)}</h1>
<p>{headline(place, data, local, left_behind)}</p>{coverage}
<iframe src="map.html" title="Interactive map of {name}"></iframe>
<h2>{name} compared with its region and the nation</h2>{_table(summary, transpose=True)}
<h2>Pockets</h2>{pocket_table}
<h2>Left-behind areas</h2>{behind}
<h2>Inequality within {name}</h2>{_table(table, ["name", "n", "mean", "median", "p10", "p90", "p90_p10_ratio", "decile_gap", "gini", "theil", "worst_code"])}
<h2>Method</h2><p>{note}</p>
<p>Files: map.html, map.png, pockets.gpkg (layers areas, pockets, outlines), summary.csv, inequality.csv.</p>
</body></html>
"""
