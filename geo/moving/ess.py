"""Read ONS Explore Local Statistics (ESS) indicator files in their published tidy schema.

Columns as published: ``areacd, areanm, geography, indicator, period, observation, measure,
unit, lci_95, uci_95, status, notes``. Periods are ISO 8601 dates or intervals
(``2011-04-01/P1Y``, ``2020-01-01/P3Y``) and become ``period_start`` / ``period_end``.
Each row gets the package ``level`` its code belongs to (``lad24``, ``utla23``, ``pfa24``,
``rgn24``, ``itl1``, ``ctry``; missing for groupings the package does not model, such as
combined authorities or the UK), decided by the ``geography`` label and the real code lists.
Codes of other vintages (districts merged or recoded 2013-2025, followed through
:mod:`geo.geography.vintages`) keep their own code and get ``current_code``, the package's area that
holds them, and ``change`` (``merged`` / ``recoded``; ``split`` with no current code).
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pandas as pd

from geo import catalogue
from geo.data import products
from geo.errors import InputError, examples
from geo.geography import lookups, registry, vintages
from geo.geography.codes import isin

#: ESS ``geography`` labels and the level they correspond to.
GEOGRAPHY_LEVELS = {
    "Local Authority District": "lad24",
    "County or Unitary Authority": "utla23",
    "Police Force Area": "pfa24",
    "Region": "rgn24",
    "ITL Level 1": "itl1",
    "Nation": "ctry",
}
_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")


def parse_period(period: pd.Series) -> pd.DataFrame:
    """Parse ISO 8601 dates and ``start/duration`` intervals into start and end dates.

    The end is the last day inside the interval (``2020-04-01/P1Y`` ends 2021-03-31).

    Examples
    --------
    >>> parse_period(pd.Series(["2020-04-01/P1Y", "2008-04-16"])).astype(str).values.tolist()
    [['2020-04-01', '2021-03-31'], ['2008-04-16', '2008-04-16']]
    """
    text = period.astype("string").str.strip()
    parts = text.str.split("/", n=1, expand=True)
    if parts.shape[1] == 1:
        parts[1] = pd.NA
    start = pd.to_datetime(parts[0], format="%Y-%m-%d", errors="coerce")
    bad = text[start.isna() & text.notna()]
    if len(bad):
        raise InputError(f"period has values that are not ISO 8601 dates or intervals: {examples(bad.unique())}")
    end = start.copy()
    for duration in parts[1].dropna().unique():
        match = _DURATION.match(str(duration))
        if not match:
            raise InputError(f"period has an unsupported ISO 8601 duration {duration!r}; expected e.g. P1Y, P3Y, P3M")
        years, months, weeks, days = (int(g) if g else 0 for g in match.groups())
        rows = (parts[1] == duration).fillna(False).to_numpy()
        offset = pd.DateOffset(years=years, months=months, weeks=weeks, days=days)
        end[rows] = start[rows] + offset - pd.Timedelta(days=1)
    return pd.DataFrame({"period_start": start, "period_end": end}, index=period.index)


def _product(indicator: str) -> catalogue.Product:
    template = catalogue.product("ess")
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", indicator):
        raise InputError(f"path_or_id={indicator!r} is neither an existing file nor an ESS indicator id such as 'healthy-life-expectancy'")
    return dataclasses.replace(
        template,
        id=f"ess_{indicator}",
        kind="indicator",
        title=f"{template.title}: {indicator}",
        file=str(template.file).format(indicator=indicator),
        url=str(template.url).format(indicator=indicator),
        digest=f"{template.digest}-{indicator}",
        fields={k: v for k, v in template.fields.items()},
    )


def _levels(frame: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(index=frame.index)
    out["level"] = pd.Series(pd.NA, index=frame.index, dtype="string")
    out["current_code"] = pd.Series(pd.NA, index=frame.index, dtype="string")
    out["change"] = pd.Series(pd.NA, index=frame.index, dtype="string")
    for label, level in GEOGRAPHY_LEVELS.items():
        rows = frame["geography"] == label
        if not rows.any():
            continue
        codes = frame.loc[rows, "areacd"]
        current = pd.Series(isin(codes, lookups.areas(level).index), index=codes.index)
        out.loc[rows, "level"] = level
        out.loc[current[current].index, "current_code"] = codes[current]
        old = codes[~current]
        if old.empty:
            continue
        found = vintages.resolve(old.unique(), level)  # follows chains (old -> intermediate -> current)
        out.loc[old.index, "current_code"] = found["to"].reindex(old).to_numpy()
        out.loc[old.index, "change"] = found["change"].reindex(old).to_numpy()
    return out


def read_ess(path_or_id: str | Path) -> pd.DataFrame:
    """Read an ESS indicator file (a path, or an indicator id fetched through the catalogue).

    Parameters
    ----------
    path_or_id : str or Path
        A CSV in the ESS tidy schema, or an indicator id such as
        ``"healthy-life-expectancy"`` (loaded from the cache, the mirror or ONS).

    Returns
    -------
    DataFrame
        The published columns (``observation``, ``lci_95``, ``uci_95`` numeric), plus
        ``period_start``, ``period_end``, ``level``, ``current_code`` and ``change``.
        ``attrs["unmatched"]`` lists codes whose level could not be established.

    Examples
    --------
    >>> hle = read_ess("healthy-life-expectancy")
    >>> sorted(hle["level"].dropna().unique())
    ['ctry', 'lad24', 'rgn24', 'utla23']
    """
    path = Path(path_or_id)
    if path.suffix.lower() == ".csv" or path.exists():
        if not path.is_file():
            raise InputError(f"path_or_id={str(path_or_id)!r}: no such file")
        frame = pd.read_csv(path, dtype={"areacd": "string", "areanm": "string", "geography": "string"}, encoding="utf-8-sig")
    else:
        frame = products.load(_product(str(path_or_id)))
    frame = frame.loc[:, ~frame.columns.duplicated()].copy()
    needed = ["areacd", "areanm", "geography", "indicator", "period", "observation"]
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise InputError(
            f"path_or_id={str(path_or_id)!r} is not in the ESS tidy schema: it lacks {missing} "
            f"(columns: {list(frame.columns)[:12]})"
        )
    for column in ("observation", "lci_95", "uci_95"):
        if column in frame.columns:
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    frame["areacd"] = frame["areacd"].astype("string").str.strip()
    frame = frame.join(parse_period(frame["period"])).join(_levels(frame))
    modelled = frame["geography"].isin(list(GEOGRAPHY_LEVELS))
    unmatched = frame.loc[modelled & frame["current_code"].isna(), "areacd"].unique()
    frame.attrs["unmatched"] = sorted(unmatched.tolist())
    frame.attrs["source"] = str(path_or_id)
    return frame


def at_level(
    frame: pd.DataFrame, level: str, *, kind: str, indicator: str | None = None, period: str | None = None, approximate: bool = False
) -> pd.DataFrame:
    """Return one indicator and period of an ESS frame at one level, one row per current area.

    Rows under older codes are mapped to the current area by :func:`geo.geography.vintages.combine`
    (the rule :func:`geo.moving.inputs.prepare` uses): a recode carries the row over; a merged area
    needs *every* area it was formed from — its counts are summed; its means and rates,
    only with ``approximate=True``, are weighted by the old districts' Census 2021 population
    (only the districts of 2022 have one); medians are not combined. A merged area that cannot be formed is left
    out: its old codes are listed in ``attrs["old_areas"]`` and the reason in
    ``attrs["missing"]`` (current code -> reason). ``attrs["recoded"]`` lists what was mapped.
    Where a file holds an area under both an old and its current code, the current code wins
    (the old code is listed in ``attrs["old_areas"]``). Confidence limits of a merged area
    are not formed (missing).

    Raises
    ------
    InputError
        When several indicators or periods remain and none was chosen.

    Examples
    --------
    >>> hle = read_ess("healthy-life-expectancy")
    >>> male = at_level(hle, "utla23", kind="mean", indicator="Male healthy life expectancy", period="2020-01-01/P3Y")
    >>> float(male.loc["E08000016", "observation"]), male.attrs["recoded"][0]["code"]  # Barnsley, published as E08000038
    (54.1, 'E08000038')
    """
    level = registry.resolve(level)
    # an area may be published under another label (ESS files list metropolitan districts and
    # London boroughs as districts; they are upper-tier authorities too): select by code
    current = isin(frame["current_code"], lookups.areas(level).index)
    rows = frame[current | (frame["level"] == level)]
    for name, chosen in (("indicator", indicator), ("period", period)):
        if chosen is not None:
            rows = rows[rows[name] == chosen]
        elif rows[name].nunique() > 1:
            raise InputError(f"{name}= is needed: the file has {rows[name].nunique()} values ({examples(rows[name].unique())})")
    if rows.empty:
        raise InputError(f"no rows at level {level!r} for indicator={indicator!r} period={period!r}")
    rows = rows.dropna(subset=["current_code"])
    keep = rows[rows["change"].isna()].drop_duplicates(subset=["current_code", "observation"])
    duplicated = keep["current_code"][keep["current_code"].duplicated()]
    if len(duplicated):
        raise InputError(f"areas appear twice with different values (two labels): {examples(duplicated.unique())}")
    old = rows[rows["change"].notna()].drop_duplicates(subset=["areacd", "observation"])
    # codes of another level's history (a county when districts are asked for) are not this level's areas
    old = old[old["areacd"].isin(vintages.history(level)["from"])]
    superseded = old[old["current_code"].isin(keep["current_code"])]
    old = old[~old["current_code"].isin(keep["current_code"])]
    twice = old["areacd"][old["areacd"].duplicated()]
    if len(twice):
        raise InputError(f"areas appear twice with different values (two labels): {examples(twice.unique())}")
    values = old.set_index(pd.Index(old["areacd"].astype(str), dtype=object))[["observation"]]
    mapped, recoded, problems = vintages.combine(values, level, {"observation": kind}, incomplete="missing", weigh=approximate)
    carried = old.set_index(pd.Index(old["areacd"].astype(str), dtype=object))
    parts = [keep]
    for record in recoded:
        if record["change"] == "recoded":
            parts.append(carried.loc[[record["code"]]].assign(current_code=record["to"]))
    merged = [to for to in mapped.index if all(r["change"] == "merged" for r in recoded if r["to"] == to)]
    if merged:
        first = carried.drop_duplicates("current_code").set_index("current_code")
        built = first.reindex(merged).drop(columns=["areacd"], errors="ignore")
        built["observation"] = mapped.loc[merged, "observation"].to_numpy()
        for column in ("lci_95", "uci_95"):
            if column in built.columns:
                built[column] = float("nan")
        built["areacd"] = merged
        built["areanm"] = lookups.areas(level)["name"].reindex(merged).to_numpy()
        built["change"] = "merged"
        parts.append(built.reset_index(names="current_code"))
    keep = pd.concat(parts, ignore_index=True)
    result = keep.set_index(pd.Index(keep["current_code"], name=level, dtype="string"))
    result = result.drop(columns=["current_code"])
    unused = set(superseded["areacd"]) | {str(c) for c in values.index if not any(r["code"] == c for r in recoded)}
    result.attrs["old_areas"] = sorted(unused)
    result.attrs["missing"] = problems
    result.attrs["recoded"] = recoded
    return result
