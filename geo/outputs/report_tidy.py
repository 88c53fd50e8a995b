"""The report's CSVs in tidy long form, for machines and people both.

``summary.csv`` and ``inequality.csv`` hold one row per area and measure, with the columns
``area`` (name), ``code``, ``level`` (in words), ``measure``, ``value`` (rounded for reading
by :func:`geo.outputs.report_words.tidy_round`; shares as percentages), ``unit``, ``rank``
and ``of`` (the rank among how many areas; blank when the measure is not ranked) and
``note`` (why a value is blank, or what it describes). The unrounded values are kept in
``pockets.gpkg`` (layers ``summary`` and ``inequality``).
"""

from __future__ import annotations

import pandas as pd

from geo.outputs.report_words import PERCENT, level_words, measure_label, tidy_round

COLUMNS = ["area", "code", "level", "measure", "value", "unit", "rank", "of", "note"]
#: Columns of a summary that are not measures (or are given with one).
NOT_MEASURES = ("level", "name", "note", "source", "ranked", "lsoas_expected", "lsoas_missing",
                "weight", "children_missing", "weight_covered")  # aggregate's coverage: said by children_expected/present
#: Inequality measures: column -> (label, unit; "=" means the indicator's own unit).
INEQUALITY = {
    "n": ("areas with a value", "areas"), "n_missing": ("areas without a value", "areas"),  # "areas": the small areas' name
    "mean": ("average", "="), "median": ("median", "="), "p10": ("10th percentile", "="), "p90": ("90th percentile", "="),
    "p90_p10_ratio": ("ratio of 90th to 10th percentile", "ratio"), "decile_gap": ("gap between 90th and 10th percentile", "="),
    "gini": ("Gini coefficient", "index (0 = equal, 1 = unequal)"), "theil": ("Theil index", "index (0 = equal)"),
    "worst": ("worst area", "="), "best": ("best area", "="),
}


def _row(area: str, code: str, level: str, measure: str, value: float, unit: str, rank: object = pd.NA,
         of: object = pd.NA, note: object = "") -> dict[str, object]:
    return {"area": area, "code": code, "level": level_words(level), "measure": measure, "value": tidy_round(value), "unit": unit,
            "rank": rank, "of": of, "note": "" if note is None or pd.isna(note) else note}


def _frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    """The rows as a table indexed by ``area`` (the CSV's first column); whole numbers written without ".0"."""
    table = pd.DataFrame(rows, columns=COLUMNS)
    for column in ("rank", "of"):
        table[column] = pd.to_numeric(table[column], errors="coerce").astype("Int64")
    values = pd.to_numeric(table["value"], errors="coerce")
    whole = [int(v) if pd.notna(v) and float(v).is_integer() else v for v in values]
    table["value"] = pd.Series(whole, index=table.index, dtype="object")
    return table.set_index("area")


def tidy_summary(summary: pd.DataFrame, *, title: str, value: str | None = None, unit: str = "value", level: str = "lsoa21") -> pd.DataFrame:
    """The area, its region and nation (:func:`geo.outputs.report_summary.summary_table`) in long form.

    Parameters
    ----------
    summary : DataFrame
        Indexed by code, columns ``level``, ``name``, the measures and, for the IoD,
        ``rank_of_<measure>`` and ``ranked`` (how many areas of the level are ranked).
    title : str
        The indicator's title: the measure name of its value column.
    value : str, optional
        The indicator's value column (named ``title`` in the CSV).
    unit : str
        The unit of the indicator's value column.
    level : str, default "lsoa21"
        The level of the small areas, named in the measures ("share of data zones in ...").

    Returns
    -------
    DataFrame
        Indexed by ``area`` (the name), then the other columns of :data:`COLUMNS`; one row per
        area and measure.

    Examples
    --------
    >>> summary = pd.DataFrame({"level": ["lad24"], "name": ["County Durham"], "n_lsoas": [330], "population": [522063.0],
    ...                         "proportion_most_deprived_10": [56 / 330], "rank_of_proportion_most_deprived_10": [53],
    ...                         "ranked": [296]}, index=pd.Index(["E06000047"], name="code"))
    >>> tidy_summary(summary, title="IMD score (IoD2025)").drop(columns="note").values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['E06000047', 'district', 'neighbourhoods (LSOAs)', 330, 'LSOAs', <NA>, <NA>],
     ['E06000047', 'district', 'residents (Census 2021)', 522063, 'people', <NA>, <NA>],
     ['E06000047', 'district', 'share of LSOAs in the most deprived 10 %', 16.97, '%', 53, 296]]
    """
    rows: list[dict[str, object]] = []
    measures = [c for c in summary.columns if c not in NOT_MEASURES and not str(c).startswith("rank_of_")]
    # a summary measure no area has (Census 2021 counts no resident of Scotland) is not listed; the
    # indicator's own value stays, blank with its note (a median does not aggregate)
    measures = [c for c in measures if summary[c].notna().any() or measure_label(c) is None]
    for code, row in summary.iterrows():
        for column in measures:
            label, unit_of = measure_label(column, level) or (title if column in (value, "value") else column.replace("_", " "), unit)
            if column in ("lci_95", "uci_95"):
                label = f"{'lower' if column == 'lci_95' else 'upper'} 95 % confidence limit of {title}"
            number = row[column] * (100 if column in PERCENT else 1)
            rank = row.get(f"rank_of_{column}", pd.NA)
            of = row.get("ranked", pd.NA) if pd.notna(rank) else pd.NA
            if pd.notna(of) and int(of) <= 1:  # 1st of 1: the nation among itself
                rank, of = pd.NA, pd.NA
            note = row.get("note", "")
            if column == "value" and pd.isna(number) and "source" in row.index:
                note = row["source"]  # an ESS value not published for this area
            rows.append(_row(str(row["name"]), str(code), str(row["level"]), label, number, unit_of, rank, of, note))
    return _frame(rows)


def tidy_inequality(table: pd.DataFrame, *, level: str, within: str, title: str, higher_is_better: bool, areas: str = "areas") -> pd.DataFrame:
    """Within-area inequality (:func:`geo.outputs.report_summary.inequality_table`) in long form.

    The first row of ``table`` is the whole area (its level ``level``); the others, if any,
    its parts of level ``within``, which get the rank of their average among the parts
    (1 = worst). The worst and best areas are named in ``note``; ``areas`` names the small
    areas counted ("LSOAs").

    Examples
    --------
    >>> table = pd.DataFrame({"name": ["North East", "Hartlepool", "Middlesbrough"], "n": [1682, 58, 86], "mean": [28.5, 31.0, 40.2],
    ...                       "worst_code": ["E01012345", "E01011111", "E01012345"], "worst_name": ["Middlesbrough 001A", "Hartlepool 002B",
    ...                       "Middlesbrough 001A"], "worst": [80.0, 60.0, 80.0]}, index=pd.Index(["E12000001", "E06000001", "E06000002"], name="code"))
    >>> tidy = tidy_inequality(table, level="rgn24", within="lad24", title="IMD score", higher_is_better=False)
    >>> tidy[tidy["measure"] == "average"].reset_index()[["area", "value", "rank", "of"]].values.tolist()
    [['North East', 28.5, <NA>, <NA>], ['Hartlepool', 31, 2, 2], ['Middlesbrough', 40.2, 1, 2]]
    >>> tidy[tidy["measure"] == "worst area"]["note"].tolist()[0]
    'Middlesbrough 001A (E01012345)'
    """
    parts = table.iloc[1:]
    ranks = parts["mean"].rank(ascending=higher_is_better, method="min") if "mean" in parts and len(parts) > 1 else pd.Series(dtype=float)
    rows: list[dict[str, object]] = []
    for number, (code, row) in enumerate(table.iterrows()):
        row_level = level if number == 0 else within
        for column, (label, unit) in INEQUALITY.items():
            if column not in row.index:
                continue
            note = ""
            if column in ("worst", "best") and pd.notna(row.get(f"{column}_code")):
                note = f"{row.get(f'{column}_name', '')} ({row[f'{column}_code']})"
            rank = ranks.get(code, pd.NA) if column == "mean" else pd.NA
            of = len(parts) if pd.notna(rank) else pd.NA
            rows.append(_row(str(row["name"]), str(code), row_level, label.replace("areas", areas), row[column],
                             title if unit == "=" else areas if unit == "areas" else unit,
                             int(rank) if pd.notna(rank) else pd.NA, of, note))
    return _frame(rows)
