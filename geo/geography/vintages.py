"""Area codes of other vintages, mapped to the package's codes through its code history.

The history is ``lookups/area_changes.toml`` (``geo.data.products.load("area_changes")``): one row
per step ``FROMCD -> TOCD`` at a level (``lad24``, ``utla23``), with the ``CHANGE`` (``merged``,
``recoded``, ``split``), the ``YEAR`` and the ``DIRECTION`` (``forward``: an older code to its
successor; ``backward``: a code newer than the package's vintage mapped back to the package's
code). Chains (Taunton Deane 2019 -> Somerset West and Taunton 2023 -> Somerset) are followed
to the end.

:func:`combine` is the one rule for putting values of old codes on current areas, shared by
:func:`geo.moving.inputs.prepare` and :func:`geo.moving.ess.at_level`:

- a recode carries the value over one-to-one (any kind);
- a merge needs *every* predecessor of the current area (a set of old areas that covers it
  exactly once, at any depth of a chain); counts are summed; means and rates are combined
  with Census 2021 population weights of the old districts (an approximation, flagged), which
  exist for the districts of the 2022 lookup (the April 2023 changes: Cumbria, North
  Yorkshire, Somerset); medians and values of unknown kind are not combined;
- a split (a county that went to several new authorities) has no single successor: refused.

Examples
--------
>>> import pandas as pd
>>> values = pd.DataFrame({"jobs": [10.0, 20.0, 30.0]}, index=["E07000026", "E07000028", "E07000029"])
>>> out, recoded, problems = combine(values, "lad24", {"jobs": "count"})
>>> float(out.loc["E06000063", "jobs"]), recoded[0]["change"], problems
(60.0, 'merged', {})
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from functools import lru_cache

import numpy as np
import pandas as pd

from geo import catalogue
from geo.data import products
from geo.errors import InputError, examples
from geo.geography import registry

log = logging.getLogger(__name__)

#: Kinds whose values add up across merged areas, and kinds combined by population weights.
ADDITIVE = ("count",)
WEIGHTED = ("mean", "rate")


@lru_cache(maxsize=4)
def _history(version: str) -> pd.DataFrame:
    item = catalogue.product("area_changes")
    table = products.load("area_changes")
    columns = {item.field(key): key for key in ("from", "from_name", "to", "to_name", "level", "year", "change", "direction")}
    out = table.rename(columns=columns)[list(columns.values())].astype("string")
    out["year"] = out["year"].astype(int)
    return out


def history(level: str | None = None) -> pd.DataFrame:
    """Return the code history (``from``, ``from_name``, ``to``, ``to_name``, ``level``,
    ``year``, ``change``, ``direction``), all rows or those of one level.

    Examples
    --------
    >>> steps = history("lad24")
    >>> steps.loc[steps["from"] == "E07000190", ["to", "year"]].values.tolist()
    [['E07000246', 2019]]
    """
    table = _history(catalogue.version())
    if level is None:
        return table.copy()
    level = registry.resolve(level, argument="level")
    return table[table["level"] == level].reset_index(drop=True)


def resolve(codes: Iterable[str], level: str) -> pd.DataFrame:
    """Follow each code through the history of ``level`` to the package's code.

    Returns a frame indexed by the given codes: ``to`` (the package's code, missing for codes
    the history does not know or that were split), ``change`` (``recoded`` when every step is
    a recode, else ``merged`` or ``split``), ``direction`` and ``via`` (the intermediate codes).

    Examples
    --------
    >>> resolve(["E07000190", "E08000038"], "lad24")[["to", "change", "direction"]].values.tolist()
    [['E06000066', 'merged', 'forward'], ['E08000016', 'recoded', 'backward']]
    """
    steps = history(level)
    split = set(steps.loc[steps["change"] == "split", "from"])
    step = steps[steps["change"] != "split"].drop_duplicates("from").set_index("from")
    rows: list[tuple[str, str | None, str | None, str | None, list[str]]] = []
    for start in dict.fromkeys(codes):
        code = start
        via: list[str] = []
        changes: list[str] = []
        directions: list[str] = []
        while code in step.index and len(via) <= len(step):
            row = step.loc[code]
            changes.append(str(row["change"]))
            directions.append(str(row["direction"]))
            code = str(row["to"])
            via.append(code)
        if start in split:
            rows.append((start, None, "split", "forward", []))
        elif via:
            change = "recoded" if all(c == "recoded" for c in changes) else "merged"
            direction = "backward" if "backward" in directions else "forward"
            rows.append((start, code, change, direction, via[:-1]))
        else:
            rows.append((start, None, None, None, []))
    frame = pd.DataFrame(rows, columns=["code", "to", "change", "direction", "via"])
    return frame.set_index("code")


def _predecessors(level: str) -> dict[str, list[tuple[str, str]]]:
    """Each code -> the (code, change) of the rows that lead to it directly."""
    out: dict[str, list[tuple[str, str]]] = {}
    steps = history(level)
    for old, new, change in zip(steps["from"], steps["to"], steps["change"], strict=True):
        out.setdefault(str(new), []).append((str(old), str(change)))
    return out


def _cover(target: str, present: set[str], before: dict[str, list[tuple[str, str]]]) -> tuple[list[str], list[str], list[str]]:
    """Which present codes cover ``target`` exactly: (used, missing, split counties)."""
    if target in present:
        return [target], [], []
    if target not in before:
        return [], [target], []
    used: list[str] = []
    missing: list[str] = []
    split: list[str] = []
    for code, change in before[target]:
        if change == "split":
            split.append(code)
            continue
        u, m, s = _cover(code, present, before)
        used += u
        missing += m
        split += s
    return used, missing, split


def _descendants(code: str, before: dict[str, list[tuple[str, str]]]) -> list[str]:
    found = []
    for child, _ in before.get(code, []):
        found += [child, *_descendants(child, before)]
    return found


@lru_cache(maxsize=2)
def _old_district_population(version: str) -> pd.Series:
    item = catalogue.product("lsoa11_lsoa21_lad22")
    table = products.load("lsoa11_lsoa21_lad22")
    pairs = table[[item.field("lsoa21"), item.field("lad22")]].drop_duplicates(item.field("lsoa21"))
    people = catalogue.product("census21_population")
    residents = products.load("census21_population")
    counts = pd.Series(pd.to_numeric(residents[people.field("population")]).to_numpy(dtype="float64"),
                       index=residents[people.field("lsoa21")].astype("string"))
    lad22 = pairs.set_index(pairs[item.field("lsoa21")].astype("string"))[item.field("lad22")].astype("string")
    return counts.groupby(lad22.reindex(counts.index).to_numpy()).sum()


def old_population(codes: Iterable[str]) -> pd.Series:
    """Census 2021 usual residents of districts as they were in 2022 (LSOA 2021 summed by the
    ``LAD22CD`` of the LSOA 2011 -> 2021 -> LAD 2022 lookup); missing where no such district.

    Examples
    --------
    >>> int(old_population(["E07000026"]).iloc[0])  # Allerdale
    96156
    """
    table = _old_district_population(catalogue.version())
    return table.reindex(pd.Index(list(codes), dtype="string"))


def combine(
    values: pd.DataFrame,
    level: str,
    kinds: Mapping[str, str | None],
    *,
    present: Iterable[str] = (),
    incomplete: str = "raise",
    weigh: bool = True,
) -> tuple[pd.DataFrame, list[dict[str, object]], dict[str, str]]:
    """Put the values of codes of other vintages on the package's areas of ``level``.

    Parameters
    ----------
    values : DataFrame
        Indexed by codes that are not areas of ``level`` (each once); numeric columns.
    level : str
        The level (``lad24`` or ``utla23``; other levels have no history).
    kinds : mapping
        Column -> ``"count"``, ``"rate"``, ``"mean"``, ``"median"`` or ``None`` (unknown).
    present : iterable of str
        Current codes the table also holds: an old code of one of them is a duplicate.
    weigh : bool, default True
        Combine means and rates of merged areas with Census 2021 population weights (an
        approximation); with ``False`` such areas cannot be formed.
    incomplete : {"raise", "missing"}
        A merge that cannot be formed (a predecessor missing, a split, no weights, a kind that
        does not combine): an error, or the area left out with the reason in ``problems``.

    Returns
    -------
    (DataFrame, list of dict, dict)
        The values indexed by current code; one record per code mapped (``code``, ``to``,
        ``change``, ``direction``, ``via``, ``approximate``); and current code -> reason for
        areas left out (``incomplete="missing"``).

    Raises
    ------
    InputError
        For codes the history does not know, splits, old codes next to their current code,
        and (``incomplete="raise"``) merges that cannot be formed.

    Examples
    --------
    Allerdale, Carlisle and Copeland became Cumberland (E06000063) in 2023: counts are
    summed, a mean is weighted by the old districts' Census 2021 population (96,156,
    110,051 and 67,072 residents) and flagged approximate:

    >>> values = pd.DataFrame({"jobs": [10.0, 20.0, 30.0], "score": [1.0, 3.0, 2.0]},
    ...                       index=["E07000026", "E07000028", "E07000029"])
    >>> out, recoded, problems = combine(values, "lad24", {"jobs": "count", "score": "mean"})
    >>> out.round(4).to_dict("index"), problems
    ({'E06000063': {'jobs': 60.0, 'score': 2.0508}}, {})
    >>> round((96156 * 1.0 + 110051 * 3.0 + 67072 * 2.0) / (96156 + 110051 + 67072), 4)
    2.0508
    >>> [(r["code"], r["change"], r["approximate"]) for r in recoded][:1]
    [('E07000026', 'merged', True)]
    >>> combine(values.iloc[:2], "lad24", {"jobs": "count"}, incomplete="missing")[2]  # Copeland missing
    {'E06000063': "E06000063 was formed from 'E07000026', 'E07000028', 'E07000029'; the data have 'E07000026', 'E07000028' but are missing 'E07000029', and a merged area needs every area it was formed from (add them, or use values published for E06000063)"}
    >>> combine(values, "lad24", {"jobs": "count", "score": "median"})
    Traceback (most recent call last):
    ...
    geo.errors.InputError: data holds codes of an older vintage that cannot be mapped: E06000063 was formed from 'E07000026', 'E07000028', 'E07000029'; column(s) ['score'] are of kind ['median'], which do not combine across merged areas
    """
    level = registry.resolve(level, argument="level")
    codes = [str(c) for c in values.index]
    found = resolve(codes, level)
    unknown = found.index[found["change"].isna()]
    if len(unknown):
        raise InputError(f"codes {examples(unknown)} are neither {level} areas nor in the package's code history")
    split = found.index[found["change"] == "split"]
    if len(split):
        raise InputError(
            f"data holds {examples(split)}: an area that was split between several new {level} areas "
            f"(e.g. a county abolished in a reorganisation), so its value has no single successor; "
            f"use values published for the new areas"
        )
    present = set(present)
    clash = found[found["to"].isin(present)]
    if len(clash):
        pairs = [f"{code} and {to}" for code, to in clash["to"].items()]
        raise InputError(f"data has both an old code and its current code ({examples(pairs)}): each area must appear once")
    before = _predecessors(level)
    held = set(codes)
    overlap = [c for c in codes if any(d in held for d in _descendants(c, before))]
    if overlap:
        raise InputError(
            f"data has codes of one area from two vintages ({examples(overlap)} and their predecessors): each area must appear once"
        )
    rows: dict[str, pd.Series] = {}
    records: list[dict[str, object]] = []
    problems: dict[str, str] = {}
    for target, group in found.groupby("to", sort=True):
        target = str(target)
        members = list(group.index)
        if (group["change"] == "recoded").all():
            (code,) = members
            rows[target] = values.loc[code]
            records.append({"code": code, "to": target, "change": "recoded", "direction": group.loc[code, "direction"],
                            "via": list(group.loc[code, "via"]), "approximate": False})
            continue
        used, missing, splits = _cover(target, held, before)
        reason = None
        if splits:
            reason = f"part of {target} was in {examples(splits)}, which was split; it cannot be formed from old codes"
        elif missing:
            reason = (f"{target} was formed from {examples(sorted(used + missing))}; the data have {examples(members)} but are "
                      f"missing {examples(missing)}, and a merged area needs every area it was formed from "
                      f"(add them, or use values published for {target})")
        weighted = [c for c, k in kinds.items() if k in WEIGHTED]
        other = [c for c, k in kinds.items() if k not in ADDITIVE + WEIGHTED]
        weights = old_population(used)
        if reason is None and other:
            reason = (f"{target} was formed from {examples(used)}; column(s) {other} are of kind "
                      f"{sorted({str(kinds[c]) for c in other})}, which do not combine across merged areas")
        elif reason is None and weighted and not weigh:
            reason = (f"{target} was formed from {examples(used)}; a mean or rate of merged areas needs their "
                      "denominators, and population weights (an approximation) were not requested")
        elif reason is None and weighted and weights.isna().any():
            reason = (f"{target} was formed from {examples(used)}; no Census 2021 population exists for "
                      f"{examples(weights.index[weights.isna()])} (only districts of 2022 have one) to weigh a mean or rate")
        if reason is not None:
            if incomplete == "raise":
                raise InputError(f"data holds codes of an older vintage that cannot be mapped: {reason}")
            problems[target] = reason
            continue
        part = values.loc[used]
        out = pd.Series(np.nan, index=values.columns, dtype="float64")
        w = weights.to_numpy(dtype="float64")
        for column in values.columns:
            x = part[column].to_numpy(dtype="float64")
            if kinds.get(column) in ADDITIVE:
                out[column] = x.sum()  # NaN when a part is missing: a partial sum is not the area's count
            else:
                out[column] = float((w * x).sum() / w.sum())
        rows[target] = out
        gaps = [str(c) for c in part.index[part.isna().any(axis=1)]]
        if gaps:
            problems[target] = f"{target} is missing: a value of {examples(gaps)}, which it was formed from, is missing"
        for code in used:
            records.append({"code": code, "to": target, "change": "merged", "direction": str(found.loc[code, "direction"]),
                            "via": list(found.loc[code, "via"]), "approximate": bool(weighted)})
    frame = pd.DataFrame(rows).T.reindex(columns=values.columns).astype("float64") if rows else values.iloc[0:0].copy()
    frame.index = pd.Index(list(rows), dtype=object)
    if records:
        log.info("mapped %d codes of other vintages to %s areas", len(records), level)
    return frame, records, problems


def describe(records: list[dict[str, object]]) -> str:
    """One line for people: what was mapped (for the CLI and logs).

    Examples
    --------
    >>> describe([{"code": "E08000038", "to": "E08000016", "change": "recoded", "approximate": False}])
    'codes of other vintages mapped: E08000038 -> E08000016 (recoded)'
    """
    parts = [f"{r['code']} -> {r['to']} ({r['change']}{', approximate' if r.get('approximate') else ''})" for r in records]
    return "codes of other vintages mapped: " + "; ".join(parts)
