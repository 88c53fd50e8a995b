"""``levelup scorecard``: the missions scorecard of one area, written as a folder.

Writes ``index.html`` (:mod:`geo.outputs.scorecard_page`), ``scorecard.csv`` (tidy: one row
per metric, figure and period; :func:`tidy`), ``maps.png`` (small multiples of the area's
region, one map per metric on which the area is left behind; none when it is left behind on
none) and the marker file ``.levelup-report``. The folder is built like a report's
(:mod:`geo.outputs.report`): in a staging folder beside ``out``, then renamed into place; an
existing ``out`` is replaced only with ``overwrite`` and only when it holds an earlier report or
scorecard (its marker), never other files.
"""

from __future__ import annotations

import json
import logging
import math
import os
import shutil
import textwrap
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from geo.data.atomic import atomic_open, clean_leftovers, replace_folder, staging_folder
from geo.errors import LevelupError
from geo.geography.places import Area
from geo.outputs.classes import map_layer
from geo.outputs.export import export
from geo.outputs.maps import ATTRIBUTION
from geo.outputs.report import MARKER, _check_out, _version
from geo.outputs.scorecard_page import page, period_words
from geo.statistics.scorecard import scorecard
from geo.statistics.scorecard_metric import region_of, source

if TYPE_CHECKING:
    from matplotlib.figure import Figure

log = logging.getLogger(__name__)

#: The figures of a metric in the tidy CSV, in order (columns of the scorecard).
FIGURES = ("lci_95", "uci_95", "region_value", "nation_value", "rank", "of", "nation_rank", "nation_of", "region_rank",
           "region_of", "spread_areas", "spread_decile_gap", "spread_p90_p10", "change", "worst_decile", "interval_worse", "left_behind")
#: Columns naming each row of the tidy CSV.
KEYS = ("mission", "mission_name", "metric", "name", "role", "ess", "indicator", "level", "source_code", "source_name", "source_level")


def tidy(card: pd.DataFrame) -> pd.DataFrame:
    """The scorecard in long form: one row per metric, figure and period.

    Indexed by the area's name (as the report's tables). The figure ``value`` has one row per period of the trend (the latest is the scorecard's
    value); every other figure is of the latest period. Flags are 1/0 (blank when not
    judged) with the rule in ``note``; a metric with no value has one row, figure ``reason``.

    Examples
    --------
    >>> from geo.statistics.scorecard import example_catalogue, scorecard
    >>> long = tidy(scorecard("Blackpool", catalogue=example_catalogue()))
    >>> long[long["figure"] == "value"][["period", "value"]].tail(2).values.tolist()
    [['2024-04-17', 523.8], ['2025-04-30', 539.9]]
    >>> float(long.loc[long["figure"] == "rank", "value"].iloc[0]), str(long.loc[long["figure"] == "rank", "unit"].iloc[0])
    (353.0, 'rank (1 = best)')
    """
    rows = []
    area = {"area": card.attrs["name"], "area_code": card.attrs["code"], "area_level": card.attrs["level"]}
    for _, row in card.iterrows():
        keys = {**area, **{k: row[k] for k in KEYS}}
        if pd.isna(row["value"]):
            rows.append({**keys, "period": None, "figure": "reason", "value": math.nan, "unit": None, "note": row["reason"]})
            continue
        for period, value in zip(row["trend_periods"], row["trend_values"], strict=True):
            rows.append({**keys, "period": period, "figure": "value", "value": value, "unit": row["unit"], "note": None})
        for figure in FIGURES:
            value = row[figure]
            if figure in ("worst_decile", "interval_worse", "left_behind"):
                value = math.nan if value is pd.NA or pd.isna(value) else float(bool(value))
            elif value is pd.NA or value is None:
                value = math.nan
            unit = ("rank (1 = best)" if figure.endswith("rank") else "areas" if figure.endswith(("of", "areas"))
                    else "ratio" if figure == "spread_p90_p10" else "1 = yes, 0 = no" if figure in ("worst_decile", "interval_worse", "left_behind")
                    else row["unit"])
            note = row["left_behind_rule"] if figure == "left_behind" else f"since {row['change_from']}" if figure == "change" and row["change_from"] else None
            rows.append({**keys, "period": row["period"], "figure": figure, "value": float(value), "unit": unit, "note": note})
    return pd.DataFrame(rows).set_index("area")


def small_multiples(card: pd.DataFrame, place: Area) -> Figure | None:
    """Maps of the area's region, one per metric on which it is left behind (None when none).

    Each map classes the region's areas of the metric's level into five quantile classes
    (worst darkest, :func:`geo.outputs.classes.map_layer`) and outlines the area in blue.

    Examples
    --------
    >>> from geo.geography.places import area
    >>> from geo.statistics.scorecard import example_catalogue
    >>> figure = small_multiples(scorecard("Blackpool", catalogue=example_catalogue()), area("Blackpool"))
    >>> [ax.get_title().splitlines()[0] for ax in figure.axes]
    ['Gross median weekly pay']
    """
    rows = card[card["left_behind"].fillna(False).astype(bool)]
    if rows.empty:
        return None
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    columns = min(3, len(rows))
    lines = math.ceil(len(rows) / columns)
    fig = Figure(figsize=(4.0 * columns, 4.2 * lines + 0.6))
    for position, (_, row) in enumerate(rows.iterrows(), start=1):
        ax = fig.add_subplot(lines, columns, position)
        ax.set_axis_off()
        region = region_of(str(row["level"]), str(row["source_code"]))
        title = "\n".join([*textwrap.wrap(str(row["name"]), 48)[:3], f"{period_words(row['period'])} ({row['unit']})"])
        try:
            table = source(str(row["ess"]), str(row["indicator"])).table(str(row["level"]), str(row["period"]))
            values = table[["observation"]].loc[lambda t: ~t.index.duplicated()]
            drawn = map_layer(values, value="observation", level=str(row["level"]), within=region.code if region else None, code=None,
                              scheme="quantiles", k=5, higher_is_better=bool(row["higher_is_better"]))
        except LevelupError as error:  # the map is left out, and says why
            ax.set_title(title + "\n(map not drawn)", fontsize=8)
            log.warning("scorecard map of %s not drawn: %s", row["metric"], error)
            continue
        layer = drawn.layer
        layer.plot(ax=ax, color=[drawn.classes.colour_of(c) for c in layer.index], edgecolor="white", linewidth=0.3)
        if place.code in layer.index:
            layer.loc[[place.code]].boundary.plot(ax=ax, color="#0033cc", linewidth=1.0)
        ax.set_aspect("equal")
        ax.set_title(title, fontsize=8)
        handles = [Patch(facecolor=colour, edgecolor="#999999", label=f"{label} ({count})") for label, colour, count in drawn.classes.legend()]
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=2, fontsize=6, frameon=False)
    fig.suptitle(f"{place.name} (blue outline) in {card.attrs['region']}: metrics on which it is left behind (darkest = worst)", fontsize=10)
    fig.text(0.01, 0.005, ATTRIBUTION, fontsize=6, color="#444444")
    fig.tight_layout(rect=(0, 0.02, 1, 0.97))
    return fig


def build_scorecard(area: str | Area, out: str | os.PathLike[str], *, level: str | None = None, catalogue: pd.DataFrame | None = None,
                    overwrite: bool = False) -> Path:
    """Write the scorecard of ``area`` into folder ``out`` (see the module description).

    Parameters
    ----------
    area : str or Area
        A district, county or unitary authority, or police force area (name or code).
    out : str or PathLike
        The folder written: new, empty, or (with ``overwrite``) an earlier report or scorecard.
    level : str, optional
        The level of ``area`` when a name is shared.
    catalogue : DataFrame, optional
        The metrics (default :func:`geo.missions`).
    overwrite : bool, default False
        Replace an earlier report or scorecard in ``out``.

    Returns
    -------
    Path
        ``out``.

    Raises
    ------
    InputError
        An unknown area, an unsafe ``out``.
    CoverageError
        No metric has a value for the area.

    Examples
    --------
    >>> import tempfile
    >>> from geo.statistics.scorecard import example_catalogue
    >>> folder = build_scorecard("Blackpool", Path(tempfile.mkdtemp()) / "blackpool", catalogue=example_catalogue())
    >>> sorted(p.name for p in folder.iterdir())
    ['.levelup-report', 'index.html', 'maps.png', 'scorecard.csv']
    """
    target = _check_out(out, overwrite)
    card = scorecard(area, level=level, catalogue=catalogue)
    place = Area(card.attrs["level"], card.attrs["code"], card.attrs["name"])
    clean_leftovers(target)
    staging = staging_folder(target)
    try:
        figure = small_multiples(card, place)
        maps = []
        if figure is not None:
            export(figure, staging / "maps.png")
            maps.append("maps.png")
        export(tidy(card), staging / "scorecard.csv")
        with atomic_open(staging / "index.html", "w") as handle:
            handle.write(page(card, maps=maps))
        marker = {"package": "levelup-geo", "version": _version(), "kind": "scorecard", "area": place.name, "code": place.code,
                  "level": place.level, "written": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        with atomic_open(staging / MARKER, "w") as handle:
            json.dump(marker, handle, indent=1)
        replace_folder(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    log.info("scorecard of %s written to %s", place.name, target)
    return target
