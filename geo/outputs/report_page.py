"""The web page of a report (``index.html``): plain English for a council officer.

Places, not codes: pockets are numbered 1..n worst first (as on both maps) and named; every
table shows names first and codes last; levels are written in words; every rank has its
"of N"; every number its unit. The page says so plainly when an area has no pocket (a
result, not a failure) and gives the reason when a national figure is left blank. It prints
to A4 (the static map replaces the interactive one; sections start on a new page) and its
tables have captions and header cells. Every text from data is HTML-escaped.
"""

from __future__ import annotations

import html
from typing import Any

import geopandas as gpd
import pandas as pd

from geo.geography import registry
from geo.geography.places import Area
from geo.outputs.maps import ATTRIBUTION
from geo.outputs.report import ReportData
from geo.outputs.report_html import STYLE, heat_table, table
from geo.outputs.report_words import SUMMARY_MEASURES, about, level_words, measure_sentence, number, rank_text, short

#: What names a pocket, by the level of its small areas (geo.statistics.pocket_profile).
PLACE_NAMES = {"lsoa21": "wards", "dz11": "intermediate zones", "sdz21": "District Electoral Areas"}
PLACE_NAME = {"lsoa21": "Ward", "dz11": "Intermediate zone", "sdz21": "District Electoral Area"}
#: What the pocket table calls a change since the earlier edition.
CHANGE = {"persistent": "in the worst 10 % then and now", "new": "new since {earlier}", "partly new": "partly new since {earlier}"}


def _nations(data: ReportData) -> str:
    names = [str(n) for n in data.coverage.loc[data.coverage["in_data"] > 0, "name"]]
    if len(names) == 4:
        return "the United Kingdom"
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}" if names else "no nation"


def _a(word: str) -> str:
    """The indefinite article of ``word`` ("an ITL1 region", "a district")."""
    return "an" if word[:1].lower() in "aeio" or word.startswith(("ITL", "LSOA", "MSOA")) else "a"


def _small_areas(level: str) -> str:
    """The mapped areas in a phrase: "neighbourhoods (LSOAs)", "data zones"."""
    return "neighbourhoods (LSOAs)" if level == "lsoa21" else level_words(level, plural=True)


def criterion(data: ReportData) -> str:
    """What an area must be to belong to a pocket, in words ("among England's most deprived 10 % of ...").

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
    "among England's most deprived 10 % of neighbourhoods (LSOAs) on the IMD score (IoD2025)"
    >>> criterion(replace(data, threshold=40.0))  # as prepare_report(threshold=40.0) would hold
    'at or above 40 on IMD score (IoD2025)'
    >>> criterion(replace(data, threshold="parent_mean"))
    'worse than the average of its district on IMD score (IoD2025)'
    """
    threshold, ind = data.threshold, data.indicator
    nations = _nations(data)
    if isinstance(threshold, (int, float)):
        return f"at or {'below' if ind.higher_is_better else 'above'} {threshold:g} on {ind.title}"
    if threshold == "parent_mean":
        return f"worse than the average of its {level_words(data.within)} on {ind.title}"
    if threshold == "hotspot":
        return f"in a significant cluster of bad values (Local Moran) of {ind.title}"
    text = str(threshold)
    share = 10 * int(text.rsplit("_", 1)[1]) if text.startswith("national_decile_") else int(text.rsplit("_", 1)[1])
    if ind.is_iod:
        return f"among {nations}'s most deprived {share} % of {_small_areas(data.level)} on the {ind.title}"
    return f"among the worst {share} % of {nations}'s {_small_areas(data.level)} on {ind.title}"


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




def headline(place: Area, data: ReportData, pockets: pd.DataFrame) -> str:
    """The page's plain headline: how many people live in how many pockets — or none.

    People are rounded for reading (:func:`geo.outputs.report_words.about`); the exact
    numbers are in the tables. Hidden pockets are mentioned, with their meaning, only when
    there are some.

    Parameters
    ----------
    place : Area
        The report's area.
    data : ReportData
        From :func:`geo.outputs.report.prepare_report`.
    pockets : DataFrame
        The pockets in ``place``, numbered (:func:`geo.outputs.report_pockets.numbered`).

    Returns
    -------
    str
        Plain text (not escaped).

    Examples
    --------
    >>> from geo.geography.places import area
    >>> from geo.outputs.report import prepare_report
    >>> from geo.outputs.report_pockets import numbered
    >>> data = prepare_report()
    >>> durham = numbered(data.found[data.found["parent"] == "E06000047"], higher_is_better=False)
    >>> print(headline(area("County Durham"), data, durham))
    About 81,000 people in County Durham (district) live in 25 pockets that are among England's most deprived 10 % of
    neighbourhoods (LSOAs) on the IMD score (IoD2025). The pockets are groups of neighbouring LSOAs, 56 in all, with
    81,013 residents (Census 2021); pocket 1, the worst, is County Durham 039D.
    >>> print(headline(area("Rutland"), data, durham.iloc[:0]))
    No LSOA in Rutland (district) is among England's most deprived 10 % of neighbourhoods (LSOAs) on the IMD score
    (IoD2025), so Rutland has no pocket on this measure. The map, tables and files show every area's value.
    """
    unit, units, where = short(data.level), short(data.level, plural=True), f"{place.name} ({level_words(place.level)})"
    if pockets.empty:
        return (f"No {unit} in {where} is {criterion(data)}, so {place.name} has no pocket on this measure. "
                "The map, tables and files show every area's value.")
    n, areas = len(pockets), int(pockets["n_areas"].sum())
    groups = f"{'The pockets are groups' if n > 1 else 'The pocket is a group'} of neighbouring {units}, {areas:,} in all"
    if pockets["population"].notna().all():
        people = float(pockets["population"].sum())
        words = about(people)
        text = (f"{words[0].upper()}{words[1:]} people in {where} live in {n:,} {'pockets that are' if n > 1 else 'pocket that is'} "
                f"{criterion(data)}. {groups}, with {int(people):,} residents (Census 2021)")
    else:
        text = f"{where} has {n:,} {'pockets' if n > 1 else 'pocket'} of {units} that are all {criterion(data)}. {groups}"
    text += f"; pocket 1, the worst, is {pockets['name'].iloc[0]}." if n > 1 else f": {pockets['name'].iloc[0]}."
    hidden = int(pockets["hidden"].fillna(False).astype(bool).sum()) if data.national and "hidden" in pockets else 0
    if hidden:
        parent = level_words(data.within)
        text += (f" {hidden:,} of the pockets {'are' if hidden > 1 else 'is'} hidden: {'they lie' if hidden > 1 else 'it lies'} "
                 f"in {_a(parent)} {parent} whose average is better than {_nations(data)}'s, so the {parent}'s own figure does not show "
                 f"{'them' if hidden > 1 else 'it'}.")
    return text


def _cell(value: float, unit: str, level: str) -> str:
    """A number rounded for reading (its unit is in the table's Unit column; a percentage keeps its sign)."""
    if value is None or pd.isna(value):
        return ""
    if unit.startswith("%"):
        return f"{value:,.1f} %"
    whole = unit in ("people", "areas", short(level, plural=True)) or unit.startswith("rank")
    decimals = 0 if whole else 1 if abs(value) >= 10 else 2 if abs(value) >= 1 else 3
    return f"{value:,.{decimals}f}"


def _pocket_rows(pockets: pd.DataFrame, data: ReportData, profile: Any, codes_shown: int = 8) -> str:
    ind, unit, units = data.indicator, short(data.level), short(data.level, plural=True)
    rows = pd.DataFrame({"No.": [str(n) for n in pockets.index]})
    places = PLACE_NAMES.get(data.level, "places") if profile is not None else f"its {units}"
    rows[f"Pocket ({places})"] = pockets["name"].to_numpy()
    if pockets["population"].notna().any():  # Census 2021 counts no resident of Scotland or Northern Ireland
        rows["Residents (Census 2021)"] = [number(v, 0) for v in pockets["population"]]
    rows[units[:1].upper() + units[1:]] = [number(v, 0) for v in pockets["n_areas"]]
    rows[f"Average {ind.title}"] = [number(v, 1) for v in pockets["value"]]
    numeric = list(rows.columns[2:])
    if profile is not None and profile.domains and "worst_domains" in pockets:
        rows["In the worst 10 % on"] = pockets["worst_domains"].fillna("").to_numpy()
    if profile is not None and profile.earlier and "change" in pockets:
        rows[f"Change since {profile.earlier}"] = [CHANGE.get(str(c), str(c)).format(earlier=profile.earlier) for c in pockets["change"].fillna("")]
    rows[level_words(data.within).capitalize()] = pockets["parent_name"].to_numpy()
    if data.national and pockets["hidden"].fillna(False).astype(bool).any():
        rows["Hidden"] = ["yes" if h is True else "" for h in pockets["hidden"]]
    listed = [str(c).split(",") for c in pockets["codes"]]
    rows[f"{unit} codes"] = [", ".join(c[:codes_shown]) + (f" and {len(c) - codes_shown:,} more" if len(c) > codes_shown else "") for c in listed]
    caption = f"Pockets, worst first (numbered as on the map): {len(pockets):,} pockets, {int(pockets['n_areas'].sum()):,} {units}"
    note = (f"Pockets of more than {codes_shown} {units} list their first {codes_shown} codes here; every code is in the "
            f"{units} table below and in pockets.gpkg.") if any(len(c) > codes_shown for c in listed) else ""
    return table(rows, caption, numeric=numeric, codes=[f"{unit} codes"], row_header=rows.columns[1], note=note)


def _member_rows(members: pd.DataFrame, data: ReportData, limit: int = 200) -> str:
    unit, units, shown = short(data.level), short(data.level, plural=True), members.head(limit)
    rows = pd.DataFrame({f"{unit}": shown["name"].to_numpy()})
    if "ward" in shown:
        rows[PLACE_NAME.get(data.level, "Place")] = shown["ward"].fillna("").to_numpy()
    rows["Pocket"] = [str(n) for n in shown["number"]]
    rows[data.indicator.title] = [number(v, 1) for v in shown["value"]]
    worst = "most deprived" if data.indicator.is_iod else "worst"
    rows["National rank"] = [rank_text(r, o, data.level, worst=worst) for r, o in zip(shown["rank"], shown["of"], strict=True)]
    if "change" in shown and shown["change"].fillna("").ne("").any():
        rows["Change"] = shown["change"].fillna("").to_numpy()
    rows["Code"] = shown.index.astype(str)
    more = f"First {limit:,} of {len(members):,}; all are in pockets.gpkg." if len(members) > limit else ""
    return table(rows, f"The {len(members):,} {units} in the pockets, worst first", numeric=[data.indicator.title], codes=["Code"],
                 row_header=f"{unit}", note=more)


def _profile_sections(profile: Any, pockets: pd.DataFrame, data: ReportData) -> str:
    """The domain heat table and the list of areas that left the worst decile (when the profile has them)."""
    parts = []
    if profile.domains:
        shares = pd.DataFrame({d: pockets[f"decile_{d}"] for d in profile.domains if f"decile_{d}" in pockets}, index=pockets.index)
        parts.append(
            "<section><h2>What puts each pocket in the most deprived 10 %</h2>"
            f"<p>For each pocket, the share of its residents who live in a {html.escape(short(data.level))} that is in "
            f"{html.escape(_nations(data))}'s most deprived 10 % on each domain of the index. Darker = more.</p>"
            + heat_table(shares, pockets["name"], "Share of each pocket's residents in the most deprived 10 % on each domain (%)")
            + "</section>"
        )
    if profile.earlier:
        left = profile.left
        body = "<p>None.</p>"
        if len(left):
            rows = pd.DataFrame({short(data.level): left["name"].to_numpy(), PLACE_NAME.get(data.level, "Place"): left.get("ward", pd.Series("", index=left.index)).to_numpy(),
                                 f"Decile in {profile.earlier}": [number(v, 0) for v in left["decile_earlier"]],
                                 "Decile now": [number(v, 0) for v in left["decile_now"]], "Code": left.index.astype(str)})
            body = table(rows, f"{len(left):,} {short(data.level, plural=True)} that have left the most deprived 10 % since {profile.earlier} "
                         "(decile 1 = most deprived)", codes=["Code"], row_header=short(data.level))
        parts.append(f"<section><h2>Left the most deprived 10 % since {html.escape(profile.earlier)}</h2>{body}"
                     "<p>National ranks are relative: a change of decile is a change of position among all areas, "
                     "not necessarily of absolute deprivation.</p></section>")
    elif profile.domains:
        index = data.indicator.index
        why = ("the catalogue holds no earlier edition of the " + index.short) if index is not None and index.earlier is None else (
            "change is compared on the index's overall measure at the most deprived 10 %, and this report uses another measure or threshold")
        parts.append(f"<section><h2>Change since an earlier edition</h2><p>Not shown: {html.escape(why)}.</p></section>")
    return "".join(parts)


def _summary_section(place: Area, data: ReportData, summary: pd.DataFrame, tidy: pd.DataFrame) -> str:
    ind, name = data.indicator, place.name
    sentences = ""
    if ind.is_iod and place.code in summary.index:
        row = summary.loc[place.code]
        said = [measure_sentence(m, row, units=short(data.level, plural=True), nation=_nations(data), title=ind.title,
                                 weighted=ind.weight == "population") for m in SUMMARY_MEASURES]
        sentences = '<ul class="measures">' + "".join(f"<li>{html.escape(s)}</li>" for s in said if s) + "</ul>"
    areas = list(dict.fromkeys(tidy["code"]))
    label = {c: f"{summary.loc[c, 'name']} ({level_words(str(summary.loc[c, 'level']))}, {c})" for c in areas}
    measures = list(dict.fromkeys(tidy["measure"]))
    units = tidy.drop_duplicates("measure").set_index("measure")["unit"]
    rows = pd.DataFrame({"Measure": measures, "Unit": [str(units[m]) for m in measures]})
    worst = "most deprived" if ind.is_iod else "worst"
    notes = []
    for code in areas:
        mine = tidy[tidy["code"] == code].set_index("measure")
        cells = []
        for measure in measures:
            if measure not in mine.index:
                cells.append("")
                continue
            r = mine.loc[measure]
            ranked = rank_text(r["rank"], r["of"], str(summary.loc[code, "level"]), worst=worst)
            text = _cell(r["value"], str(r["unit"]), data.level) + (f"; {ranked}" if ranked else "")
            if not text and r["note"]:
                text = "not given (see note)"
            cells.append(text)
        notes += [f"{summary.loc[code, 'name']}: {n}" for n in mine["note"].unique() if n]
        rows[label[code]] = cells
    note = " ".join(notes)
    return (f"<section><h2>{html.escape(name)} compared with its region and the nation</h2>{sentences}"
            + table(rows, f"{name}, its region and nation on {ind.title} (ranks: 1 = {worst})", row_header="Measure", small=True, note=note)
            + "</section>")


def _inequality_section(place: Area, data: ReportData, inequality: pd.DataFrame) -> str:
    ind, unit, units = data.indicator, short(data.level), short(data.level, plural=True)
    first = inequality.iloc[0]
    rows = pd.DataFrame({"Area": inequality["name"].to_numpy()})
    rows[f"{units} with a value"] = [number(v, 0) for v in inequality["n"]]
    for column, title in (("mean", "Average"), ("median", "Median"), ("p10", "10th percentile"), ("p90", "90th percentile")):
        rows[title] = [number(v, 1) for v in inequality[column]]
    rows["90th / 10th percentile"] = [number(v, 2) for v in inequality["p90_p10_ratio"]]
    rows["Gini (0–1)"] = [number(v, 3) for v in inequality["gini"]]
    rows[f"Worst {unit}"] = inequality["worst_name"].fillna("").to_numpy()
    rows[f"Worst {unit} code"] = inequality["worst_code"].fillna("").to_numpy()
    rows["Code"] = inequality.index.astype(str)
    said = (f"Within {place.name}, the best-off tenth of its {units} are at or {'above' if ind.higher_is_better else 'below'} "
            f"{number(first['p10'] if not ind.higher_is_better else first['p90'], 1)} and the worst-off tenth at or "
            f"{'below' if ind.higher_is_better else 'above'} {number(first['p90'] if not ind.higher_is_better else first['p10'], 1)} "
            f"on the {ind.title} (a ratio of {number(first['p90_p10_ratio'], 2)}). The Gini coefficient, {number(first['gini'], 3)}, "
            "measures how unequal the values are, from 0 (all equal) to 1 (all in one area); "
            + ("averages are weighted by residents (Census 2021)." if ind.weight == "population" else f"every {unit} counts equally."))
    return (f"<section><h2>Inequality within {html.escape(place.name)}</h2><p>{html.escape(said)}</p>"
            + table(rows, f"Inequality of the {ind.title} within {place.name}", numeric=list(rows.columns[1:8]),
                    codes=[f"Worst {unit} code", "Code"], row_header="Area", small=len(rows) < 20)
            + "</section>")


def _method(place: Area, data: ReportData, profile: Any) -> str:
    ind = data.indicator
    weighting = (
        "Averages are weighted by Census 2021 population." if ind.weight == "population"
        else "Averages weigh every area equally (Census 2021 population does not cover Scotland and Northern Ireland)."
    )
    if ind.published is not None:
        weighting += " Values for the area, its region and nation are the published ones."
    weighting += "".join(" " + c for c in ind.caveats)
    parent = level_words(data.within)
    if data.national:
        national = (f"The indicator covers {data.covered}. A pocket is hidden when the average of the {parent} it lies in is "
                    f"better than the national average, so that {parent}'s figure conceals it.")
    else:
        national = (f"The indicator covers {data.covered}, not a whole nation, so nothing here is compared with the nation: "
                    "pockets use the threshold you chose, no pocket is marked hidden and a region or nation figure is left "
                    "blank unless the indicator covers at least 99% of its areas.")
    notes = " ".join(profile.notes) if profile is not None else ""
    text = (
        f"The areas mapped are {short(data.level, plural=True)}: {registry.spec(data.level).title}; pockets are reported "
        f"within {level_words(data.within, plural=True)}. A pocket is a group of neighbouring areas (sharing an edge or a corner) "
        f"that are all {criterion(data)}; pockets are numbered from the worst (highest average) down. {national} {weighting} "
        f"{notes} Numbers on this page are rounded for reading; summary.csv and inequality.csv give them to four significant "
        "figures and pockets.gpkg unrounded (layers summary and inequality). Boundaries: ONS generalised (BSC) boundaries, "
        f"lookups: ONS best-fit lookups; local authority structure of April 2023. Source of the indicator: {ind.source}. {ATTRIBUTION}. "
        "The street map on the interactive map (when online) is © OpenStreetMap contributors, © CARTO."
    )
    return f"<section><h2>Method</h2><p>{html.escape(' '.join(text.split()))}</p>"


def page(
    place: Area, data: ReportData, *, summary: pd.DataFrame, tidy: pd.DataFrame, inequality: pd.DataFrame,
    pockets: gpd.GeoDataFrame, members: pd.DataFrame, coverage_note: str = "", profile: Any = None,
) -> str:
    """Return the report's ``index.html``.

    Parameters
    ----------
    place : Area
        The report's area.
    data : ReportData
        From :func:`geo.outputs.report.prepare_report`.
    summary : DataFrame
        The area, its region and nation (wide, unrounded), indexed by code.
    tidy : DataFrame
        The same in long form (``summary.csv``, :func:`geo.outputs.report_tidy.tidy_summary`).
    inequality : DataFrame
        Within-area inequality (wide, indexed by code).
    pockets : GeoDataFrame
        The pockets in ``place``, numbered (:func:`geo.outputs.report_pockets.numbered`).
    members : DataFrame
        The small areas in them (:func:`geo.outputs.report_pockets.members`).
    coverage_note : str
        A sentence shown when the indicator covers only part of ``place``.
    profile : PocketProfile, optional
        Domains and change since the earlier edition (:mod:`geo.statistics.pocket_profile`).

    Returns
    -------
    str
        The page; every text from data is HTML-escaped.

    Examples
    --------
    >>> from geo.outputs.report import prepare_report
    >>> from geo.outputs.report_tidy import tidy_summary
    >>> data = prepare_report()
    >>> place = Area("lad24", "E06000017", "Rutland <test>")
    >>> summary = pd.DataFrame({"level": ["lad24"], "name": [place.name], "n_lsoas": [26]}, index=pd.Index([place.code], name="code"))
    >>> table = pd.DataFrame({"name": [place.name], "n": [26], "mean": [12.0], "median": [11.0], "p10": [5.0], "p90": [20.0],
    ...                       "p90_p10_ratio": [4.0], "gini": [0.21], "worst_name": ["x"], "worst_code": ["E01000001"]}, index=[place.code])
    >>> html_page = page(place, data, summary=summary, tidy=tidy_summary(summary, title="IMD"), inequality=table,
    ...                  pockets=data.found.iloc[:0], members=pd.DataFrame())
    >>> html_page.splitlines()[1]
    '<html lang="en"><head><meta charset="utf-8"><title>Rutland &lt;test&gt; (district): IMD score (IoD2025)</title>'
    >>> "<test>" in html_page, "<td class=\\"n\\">0.210</td>" in html_page
    (False, True)
    """
    ind = data.indicator
    name = html.escape(place.name)
    said = headline(place, data, pockets)
    coverage = f"<p><strong>Coverage:</strong> {html.escape(coverage_note)}</p>" if coverage_note else ""
    unit = short(data.level)
    if len(pockets):
        pocket_part = _pocket_rows(pockets, data, profile)
        member_part = f"<section><h2>The {html.escape(short(data.level, plural=True))} in the pockets</h2>{_member_rows(members, data)}</section>"
    else:
        pocket_part = f"<p>None: no {html.escape(unit)} in {name} is {html.escape(criterion(data))}.</p>"
        member_part = ""
    extra = _profile_sections(profile, pockets, data) if profile is not None and len(pockets) else ""
    where = html.escape(f"{place.name} ({level_words(place.level)})")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{where}: {html.escape(ind.title)}</title>
<style>{STYLE}</style></head><body>
<h1>{where}: {html.escape(ind.title)}</h1>
<p class="headline">{html.escape(said)}</p>{coverage}
<figure><iframe src="map.html" title="Interactive map. {html.escape(said)}"></iframe>
<img class="print" src="map.png" alt="Map of {name}. {html.escape(said)}">
<figcaption>Map: each {html.escape(unit)} coloured by its {html.escape(ind.title)} (darker = worse); pockets outlined with a
thick dashed line and numbered as in the table below. Online, a street map can be switched on in the layer list.</figcaption></figure>
<section><h2>Pockets in {name}</h2>{pocket_part}</section>
{extra}{member_part}
{_summary_section(place, data, summary, tidy)}
{_inequality_section(place, data, inequality)}
{_method(place, data, profile)}
<p>Files: map.html, map.png, pockets.gpkg (layers areas, pockets, outlines, summary, inequality), summary.csv, inequality.csv.</p></section>
</body></html>
"""
