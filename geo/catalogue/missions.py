"""The levelling-up missions and the metrics that measure them, read from ``indicators/missions.toml``.

The 2022 Technical Annex to the Levelling Up White Paper names each of the 12 missions'
headline and supporting metrics and the geography each is measured at. The catalogue says,
for each metric, which ONS Explore Local Statistics (ESS) indicator file and ``indicator``
label carry it, the package levels the file publishes it at, its unit and its direction
(stated, with a note in the file); a metric no ESS file carries is listed with
``available = false`` and the reason. :func:`missions` reads and checks the file and returns
one row per metric.

Examples
--------
>>> table = missions()
>>> table.groupby("role")["available"].agg(["size", "sum"]).to_dict("index")
{'headline': {'size': 26, 'sum': 21}, 'supporting': {'size': 35, 'sum': 20}}
"""

from __future__ import annotations

import logging
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from geo import catalogue
from geo.errors import DataError, InputError, examples

log = logging.getLogger(__name__)

#: the columns of :func:`missions`, in order (the scorecard codes against them)
COLUMNS = ("mission", "mission_name", "metric", "name", "role", "annex_level", "available", "ess", "indicator",
           "levels", "unit", "higher_is_better", "reason")
#: headline metrics are the annex's bold ones (its Figure 15); the others support them
ROLES = ("headline", "supporting")
#: the geographies the annex measures metrics at, as the catalogue spells them
ANNEX_LEVELS = ("ITL1", "local authority", "upper-tier local authority", "lower-tier local authority",
                "police force area", "London and rest of England", "various")

_MISSION_KEYS = {"number": int, "name": str, "summary": str}
_REQUIRED = {"mission": int, "id": str, "name": str, "role": str, "annex_level": str, "available": bool,
             "higher_is_better": bool}
_OPTIONAL = {"direction_note": str, "unit": str}
_WHEN_AVAILABLE = {"ess": str, "indicator": str, "levels": list, "unit": str}
_WHEN_UNAVAILABLE = {"reason": str}
_METRIC_KEYS = {**_REQUIRED, **_OPTIONAL, **_WHEN_AVAILABLE, **_WHEN_UNAVAILABLE}


def _problem(where: str, text: str) -> DataError:
    return DataError(f"missions catalogue {where}: {text}")


def _check_types(where: str, label: str, entry: dict[str, Any], types: dict[str, type]) -> None:
    for key, kind in types.items():
        if key in entry and not (isinstance(entry[key], kind) and not (kind is int and isinstance(entry[key], bool))):
            raise _problem(where, f"{label} has {key} = {entry[key]!r}; expected a {kind.__name__}")
        if kind is str and key in entry and not entry[key].strip():
            raise _problem(where, f"{label} has an empty {key}")


def _read_missions(where: str, raw: list[Any]) -> dict[int, str]:
    names: dict[int, str] = {}
    for i, entry in enumerate(raw, start=1):
        label = f"[[missions]] entry {i}"
        if not isinstance(entry, dict):
            raise _problem(where, f"{label} is not a table")
        unknown = sorted(set(entry) - set(_MISSION_KEYS))
        missing = sorted(set(_MISSION_KEYS) - set(entry))
        if unknown or missing:
            raise _problem(where, f"{label} has unknown keys {unknown} and lacks {missing}; "
                                  f"a mission has exactly the keys {sorted(_MISSION_KEYS)}")
        _check_types(where, label, entry, _MISSION_KEYS)
        if entry["number"] in names:
            raise _problem(where, f"mission number {entry['number']} is declared twice; give each mission its own number")
        names[entry["number"]] = entry["name"]
    if not names:
        raise _problem(where, "no [[missions]] entries; declare each mission with number, name and summary")
    return names


def _read_metric(where: str, entry: Any, i: int, names: dict[int, str], known: set[str], levels: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(entry, dict):
        raise _problem(where, f"[[metrics]] entry {i} is not a table")
    label = f"metric {entry.get('id', f'number {i}')!r}"
    unknown = sorted(set(entry) - set(_METRIC_KEYS))
    if unknown:
        raise _problem(where, f"{label} has unknown keys {examples(unknown)}; the keys a metric may have are {sorted(_METRIC_KEYS)}")
    missing = [key for key in _REQUIRED if key not in entry]
    if "higher_is_better" in missing:
        raise _problem(where, f"{label} has no direction: state higher_is_better = true or false (and why, in direction_note)")
    if missing:
        raise _problem(where, f"{label} lacks {missing}")
    _check_types(where, label, entry, _METRIC_KEYS)
    if entry["mission"] not in names:
        raise _problem(where, f"{label} belongs to mission {entry['mission']}, which no [[missions]] entry declares "
                              f"(missions: {sorted(names)})")
    if entry["role"] not in ROLES:
        raise _problem(where, f"{label} has role = {entry['role']!r}; expected one of {list(ROLES)}")
    if entry["annex_level"] not in ANNEX_LEVELS:
        raise _problem(where, f"{label} has annex_level = {entry['annex_level']!r}; expected one of {list(ANNEX_LEVELS)}")
    if entry["available"]:
        absent = [key for key in _WHEN_AVAILABLE if key not in entry]
        if absent or "reason" in entry:
            raise _problem(where, f"{label} is available, so it needs {list(_WHEN_AVAILABLE)} and no reason"
                                  + (f" (it lacks {absent})" if absent else " (it has a reason)"))
        if entry["ess"] not in known:
            raise _problem(where, f"{label} names ess = {entry['ess']!r}, which is not a known ESS indicator id "
                                  f"(the `known` list of indicators/ess.toml, e.g. {examples(sorted(known), limit=3)})")
        bad = [level for level in entry["levels"] if level not in levels]
        if not entry["levels"] or bad or len(set(entry["levels"])) != len(entry["levels"]):
            raise _problem(where, f"{label} has levels = {entry['levels']!r}; expected distinct package levels an ESS file "
                                  f"publishes, among {list(levels)}" + (f" (unknown: {examples(bad)})" if bad else ""))
    else:
        present = [key for key in ("ess", "indicator", "levels") if key in entry]
        if "reason" not in entry or present:
            raise _problem(where, f"{label} is not available, so it needs a reason and no {present or ['ess', 'indicator', 'levels']}")
    return {
        "mission": entry["mission"],
        "mission_name": names[entry["mission"]],
        "metric": entry["id"],
        "name": entry["name"],
        "role": entry["role"],
        "annex_level": entry["annex_level"],
        "available": entry["available"],
        "ess": entry.get("ess"),
        "indicator": entry.get("indicator"),
        "levels": tuple(entry.get("levels", ())),
        "unit": entry.get("unit"),
        "higher_is_better": entry["higher_is_better"],
        "reason": entry.get("reason"),
    }


def _parse(text: str, where: str) -> pd.DataFrame:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _problem(where, f"is not valid TOML: {exc}") from None
    unknown = sorted(set(raw) - {"missions", "metrics"})
    if unknown:
        raise _problem(where, f"has unknown top-level keys {examples(unknown)}; expected [[missions]] and [[metrics]] tables only")
    names = _read_missions(where, raw.get("missions", []))
    template = catalogue.product("ess")
    known, levels = set(template.known), template.levels
    rows = [_read_metric(where, entry, i, names, known, levels) for i, entry in enumerate(raw.get("metrics", []), start=1)]
    if not rows:
        raise _problem(where, "no [[metrics]] entries")
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    twice = table.loc[table["metric"].duplicated(), "metric"]
    if len(twice):
        raise _problem(where, f"metric ids are declared twice: {examples(twice.unique())}; give each metric its own id")
    carried = table[table["available"]]
    shared = carried[carried.duplicated(subset=["ess", "indicator"], keep=False)]
    if len(shared):
        raise _problem(where, f"several metrics name the same ESS indicator: {examples(shared['metric'].unique())}; "
                              "each ESS indicator label carries one metric")
    without = sorted(set(names) - set(table["mission"]))
    if without:
        raise _problem(where, f"missions {without} have no metric")
    table = table.sort_values("mission", kind="stable").reset_index(drop=True)
    log.debug("missions catalogue %s: %d missions, %d metrics", where, len(names), len(table))
    return table


def missions(path: str | Path | None = None) -> pd.DataFrame:
    """Return the levelling-up missions' metrics: one row per metric, in mission order.

    Parameters
    ----------
    path : str or Path, optional
        A missions catalogue in the schema of the package's ``indicators/missions.toml``
        (default: that file).

    Returns
    -------
    DataFrame
        Columns ``mission`` (1-12), ``mission_name``, ``metric`` (our id), ``name`` (as the
        annex names it), ``role`` (``headline`` or ``supporting``), ``annex_level`` (the
        geography the annex measures it at), ``available`` (an ESS file carries it),
        ``ess`` (the ESS indicator id), ``indicator`` (the label in the file's ``indicator``
        column), ``levels`` (tuple of package levels it is published at; empty when not
        available), ``unit``, ``higher_is_better`` and ``reason`` (why it is not available).
        Missing values are NA (``ess``, ``indicator`` and ``reason``; ``unit`` where the
        annex gives none).

    Raises
    ------
    InputError
        If ``path`` is not a file.
    DataError
        If the catalogue breaks its schema: an unknown or missing key, a metric without a
        direction, an unknown role, annex level or package level, an ESS id that is not among
        the known ESS indicators (``indicators/ess.toml``), or an id declared twice.

    Examples
    --------
    >>> table = missions()
    >>> table["mission"].nunique(), len(table)
    (12, 61)
    >>> pay = table.set_index("metric").loc["gross-median-weekly-pay"]
    >>> pay["ess"], pay["indicator"], pay["levels"], bool(pay["higher_is_better"])
    ('gross-median-weekly-pay', 'Gross median weekly pay', ('lad24', 'utla23', 'rgn24', 'ctry'), True)
    >>> table.set_index("metric").loc["neighbourhood-crime", "reason"]
    'no ESS file in the mirror (the annex marks the metric as not yet available at police force area level)'
    """
    if path is None:
        text = resources.files("geo.catalogue.indicators").joinpath("missions.toml").read_text(encoding="utf-8")
        return _parse(text, "indicators/missions.toml")
    file = Path(path)
    if not file.is_file():
        raise InputError(f"path={str(path)!r}: no such file; give a missions catalogue (.toml) in the schema of indicators/missions.toml")
    return _parse(file.read_text(encoding="utf-8"), str(file))
