"""The indicator of a report: what is mapped, how it aggregates and which way is better.

:func:`load_indicator` reads the IoD2025 (the default; lower scores are better), a CSV of
area codes, or an ONS Explore Local Statistics indicator (a file or an id), and returns an
:class:`Indicator`: one value per area of the mapped level, its kind, its direction (given
by the user for anything but the IoD2025: a user's indicator has no default direction),
its title and source, and, for ESS indicators, the published values of parent areas.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from geo import catalogue
from geo.data import products
from geo.errors import InputError, examples
from geo.geography import lookups, registry
from geo.geography.codes import isin
from geo.geography.detect import detect_level
from geo.geography.population import population
from geo.moving.ess import at_level, read_ess

log = logging.getLogger(__name__)


@dataclass
class Indicator:
    """The indicator of a report: one value per area of ``level``, nationally.

    Made by :func:`load_indicator`. ``frame`` is indexed by code and holds column ``value``;
    ``kind`` is count, rate, mean or median; ``title`` and ``source`` are shown on the page;
    ``published`` holds an ESS indicator's published rows (used for the region and nation
    rows); ``caveats`` are sentences the method note must include.

    Examples
    --------
    >>> imd = load_indicator(None, value=None, kind="mean", level="lsoa21", higher_is_better=None)
    >>> imd.value, imd.title, imd.higher_is_better, imd.is_iod, len(imd.frame)
    ('IMD_score', 'IMD score (IoD2025)', False, True, 33755)
    >>> imd.weight  # Census 2021 population covers every English LSOA
    'population'
    """

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


def _direction(higher_is_better: bool | None, what: str) -> bool:
    """The direction of a user's or ESS indicator: it must be given (the catalogue does not know it)."""
    if higher_is_better is None:
        raise InputError(
            f"higher_is_better= is needed for {what!r}: the package cannot tell whether high values are good or bad. "
            "Pass higher_is_better=True (e.g. life expectancy, pay) or higher_is_better=False (e.g. a deprivation "
            "score, a crime rate)"
        )
    return bool(higher_is_better)


def load_indicator(indicator: str | None, *, value: str | None, kind: str, level: str, higher_is_better: bool | None) -> Indicator:
    """Load the report's indicator: IoD2025 by default, a CSV of codes, or an ESS file/id.

    Only the catalogue's IoD2025 has a known direction (lower scores are better); for a CSV
    or an ESS indicator ``higher_is_better`` must be given, else :class:`InputError`.

    Parameters
    ----------
    indicator : str or None
        ``None`` or ``"iod2025"``; a CSV file path (a column of ``level`` codes and a numeric
        column, or an ESS download); or an ESS indicator id (``"healthy-life-expectancy"``).
    value : str or None
        The column (or ESS indicator name); needed when a CSV has several numeric columns.
        For the IoD2025 the default is ``IMD_score``.
    kind : str
        count, rate, mean or median.
    level : str
        The level of the areas mapped (the CSV's codes are looked for at this level).
    higher_is_better : bool or None
        The direction; required except for the IoD2025.

    Returns
    -------
    Indicator

    Raises
    ------
    InputError
        No direction, no column of codes, several numeric columns and no ``value``, an ESS
        indicator not published at ``level``, or a path that is neither a CSV nor an id.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> csv = pathlib.Path(tempfile.mkdtemp()) / "employment.csv"
    >>> _ = csv.write_text("area,name,employment_rate\\nE06000047,County Durham,71.2\\nE06000017,Rutland,78.5\\n")
    >>> rates = load_indicator(str(csv), value=None, kind="rate", level="lad24", higher_is_better=True)
    >>> rates.value, rates.frame[rates.value].to_dict()
    ('employment_rate', {'E06000047': 71.2, 'E06000017': 78.5})
    >>> load_indicator(str(csv), value=None, kind="rate", level="lad24", higher_is_better=None)
    Traceback (most recent call last):
    ...
    geo.errors.InputError: higher_is_better= is needed for 'employment.csv': the package cannot tell whether high values are good or bad. Pass higher_is_better=True (e.g. life expectancy, pay) or higher_is_better=False (e.g. a deprivation score, a crime rate)
    """
    if indicator is None or indicator == "iod2025":
        item = catalogue.product("iod2025")
        frame = products.load("iod2025").set_index("LSOA21CD")
        column = value or "IMD_score"
        rank = column.replace("_score", "_rank")
        return Indicator(frame, column, "mean", False if higher_is_better is None else higher_is_better,  # IoD: high = deprived
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
        return Indicator(raw.set_index(code), chosen, kind, _direction(higher_is_better, path.name), chosen, str(path))
    if not path.exists() and "/" not in indicator:
        return _from_ess(read_ess(indicator), value, kind, level, higher_is_better, f"ONS Explore Local Statistics: {indicator}")
    raise InputError(f"--indicator {indicator!r} is neither a CSV file nor a catalogue/ESS indicator id")


def _from_ess(frame: pd.DataFrame, value: str | None, kind: str, level: str, higher_is_better: bool | None, source: str) -> Indicator:
    published = sorted(frame["indicator"].dropna().unique())
    if value is None and len(published) > 1:
        raise InputError(f"--value is needed: the ESS file holds {len(published)} indicators ({examples(published)}); pass --value with one of them")
    indicator = value or str(published[0])
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
    return Indicator(table[["observation"]], "observation", kind, _direction(higher_is_better, indicator),
                     f"{indicator} ({years}; period {latest})", source, published=here.set_index("current_code"), caveats=caveats)
