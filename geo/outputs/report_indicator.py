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
from geo.errors import InputError, examples
from geo.geography import lookups, registry
from geo.geography.codes import isin
from geo.geography.detect import detect_level
from geo.geography.population import population
from geo.moving.ess import at_level, read_ess
from geo.statistics.deprivation import deprivation_summaries
from geo.statistics.indices import NOT_COMPARABLE, DeprivationIndex, deprivation_index, indices

log = logging.getLogger(__name__)


@dataclass
class Indicator:
    """The indicator of a report: one value per area of ``level``, nationally.

    Made by :func:`load_indicator`. ``frame`` is indexed by code and holds column ``value``;
    ``kind`` is count, rate, mean or median; ``title`` and ``source`` are shown on the page;
    ``published`` holds an ESS indicator's published rows (used for the region and nation
    rows); ``caveats`` are sentences the method note must include.

    For a deprivation index (``index`` set, ``is_iod`` true) ``frame`` is the index on the
    mapped level (:meth:`~geo.statistics.indices.DeprivationIndex.mapped`) with every column:
    ``index.domain_ranks`` (label -> national rank column, 1 = most deprived of
    ``national_count``) and ``index.domain_deciles`` (label -> decile column) name columns of
    ``frame``; ``rank`` and ``decile`` are those of ``value``.

    Examples
    --------
    >>> imd = load_indicator(None, value=None, kind="mean", level="lsoa21", higher_is_better=None)
    >>> imd.value, imd.title, imd.higher_is_better, imd.is_iod, len(imd.frame)
    ('IMD_score', 'IMD score (IoD2025)', False, True, 33755)
    >>> imd.weight  # Census 2021 population covers every English LSOA
    'population'
    >>> simd = load_indicator(None, value=None, kind="mean", level=None, higher_is_better=None, nation="S")
    >>> simd.value, simd.title, simd.higher_is_better, simd.weight, simd.national_count, simd.index.short
    ('IMD_rank', 'SIMD rank (SIMD 2020; 1 = most deprived)', True, None, 6976, 'SIMD 2020')
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
    index: DeprivationIndex | None = None  # the deprivation index the values come from
    rank: str | None = None  # index: the national rank column of ``value`` (1 = most deprived)
    decile: str | None = None  # index: the decile column of ``value`` (1 = most deprived 10 %)
    national_count: int | None = None  # index: small areas ranked in the nation on the mapped level

    @cached_property
    def weight(self) -> str | None:
        """Census 2021 population where it covers every area, else equal weights (UK-wide
        indicators: Scotland and Northern Ireland have no Census 2021 E&W population)."""
        try:
            people = population(detect_level(self.frame.index).level).reindex(self.frame.index)
        except InputError:
            return None
        return "population" if people.notna().all() else None


    @property
    def level(self) -> str:
        """The level of the values (``lsoa21``, ``dz11``, ...)."""
        return self.index.mapped_level if self.index is not None else detect_level(self.frame.index).level

    def published_decile(self, deciles: int = 1) -> float | None:
        """For an index: the least deprived value of the published deciles 1..``deciles`` (the
        pocket threshold, module description); None for other indicators.

        Examples
        --------
        >>> wimd = load_indicator(None, value=None, kind="mean", level=None, higher_is_better=None, nation="W")
        >>> round(wimd.published_decile(), 2), int((wimd.frame["IMD_decile"] == 1).sum())  # 189 LSOAs 2021
        (43.99, 189)
        """
        if self.index is None or self.decile is None:
            return None
        inside = self.frame.loc[self.frame[self.decile] <= deciles, self.value]
        return float(inside.max() if self.higher_is_better else inside.min())

    def summarise(self, codes: pd.Index, *, to: str | list[str]) -> pd.DataFrame | dict[str, pd.DataFrame]:
        """The index's deprivation summary (:func:`geo.statistics.deprivation.deprivation_summary`)
        of the small areas ``codes`` for every area of level ``to``: published deciles, national
        ranks among the nation's small areas on the mapped level, no score for a ranks-only index
        and equal weights where no population is known. With a list of levels, a dict of their
        summaries, the small areas prepared once (:func:`geo.statistics.deprivation.deprivation_summaries`).

        Examples
        --------
        >>> simd = load_indicator(None, value=None, kind="mean", level=None, higher_is_better=None, nation="S")
        >>> councils = simd.summarise(simd.frame.index, to="lad24")
        >>> print(*councils.loc["S12000049", ["name", "n_lsoas", "rank_of_average_rank"]])
        Glasgow City 746 1
        >>> sorted(simd.summarise(simd.frame.index, to=["lad24", "ctry"]))
        ['ctry', 'lad24']
        """
        if self.index is None or self.rank is None:
            raise InputError(f"{self.title!r} is not a deprivation index; its summary is an aggregate (geo.aggregate)")
        frame = self.frame.loc[isin(self.frame.index, codes)]
        found = deprivation_summaries(frame, to=[to] if isinstance(to, str) else list(to), level=self.level, rank=self.rank,
                                      decile=self.decile, score=None if self.value == self.rank else self.value, weight=self.weight,
                                      national_count=self.national_count)
        return found[to] if isinstance(to, str) else found


def _from_index(index: DeprivationIndex, value: str | None, level: str | None) -> Indicator:
    """A deprivation index on its mapped level: the overall score (rank without scores) or a domain's."""
    mapped = index.mapped_level
    if level is not None and registry.resolve(level, argument="level") != mapped:
        raise InputError(
            f"--level {level}: the {index.name} is mapped on {mapped} ({registry.spec(mapped).title}); "
            f"pass --level {mapped} or leave --level out"
        )
    frame = index.mapped()
    column = value or index.score or index.rank
    measures: dict[str, tuple[str, str, str]] = {}
    for label, score, rank_column, decile_column in [(index.overall, index.score, index.rank, index.decile),
                                                     *((d.label, d.score, d.rank, d.decile) for d in index.domains)]:
        measures.update({c: (label, rank_column, decile_column) for c in (score, rank_column) if c})
    if column not in measures or column not in frame.columns:
        raise InputError(f"--value {column!r} is not a score or rank of the {index.short}; pass --value with one of {examples(sorted(c for c in measures if c in frame.columns))}")
    label, rank, decile = measures[column]
    is_rank = column == rank
    n = int(frame[index.rank].notna().sum())
    title = f"{label} {'rank' if is_rank else 'score'} ({index.short}{'; 1 = most deprived' if is_rank else ''})"
    caveats = [NOT_COMPARABLE]
    if index.level != mapped:
        caveats.insert(0, (
            f"The {index.name} is published for {index.national_count:,} LSOAs (2011); its scores were converted to "
            f"{n:,} LSOAs (2021) as population-weighted means (ONS LSOA 2011 → 2021 lookup; most LSOAs are unchanged). "
            f"Ranks are positions among the {n:,} LSOAs (2021) of {index.nation_name}; an LSOA (2021) is in a decile when its "
            f"converted score reaches the lowest published score of that decile, so {int((frame[decile] == 1).sum()):,} LSOAs "
            f"(2021) are in the most deprived 10 % ({int((index.load()[decile] == 1).sum()):,} "
            "LSOAs 2011 as published)."))
    if index.score is None:
        caveats.insert(0, (
            f"The {index.name} publishes ranks and deciles, no scores: values are ranks of {n:,} {registry.spec(mapped).title} "
            f"(rank 1 = most deprived in {index.nation_name}; lower is worse). No Census 2021 population is available for "
            f"{index.nation_name}, so averages count every small area once."))
    source = f"{index.title}. {index.attribution}" + (f". Published by the {catalogue.product(index.id).publisher}: {index.source}" if index.nation != "E" else "")
    return Indicator(frame, column, "mean", is_rank, title, source, is_iod=True, caveats=tuple(caveats), index=index,
                     rank=rank, decile=decile, national_count=n)


def _direction(higher_is_better: bool | None, what: str) -> bool:
    """The direction of a user's or ESS indicator: it must be given (the catalogue does not know it)."""
    if higher_is_better is None:
        raise InputError(
            f"higher_is_better= is needed for {what!r}: the package cannot tell whether high values are good or bad. "
            "Pass higher_is_better=True (e.g. life expectancy, pay) or higher_is_better=False (e.g. a deprivation "
            "score, a crime rate)"
        )
    return bool(higher_is_better)


def load_indicator(indicator: str | None, *, value: str | None, kind: str, level: str | None, higher_is_better: bool | None,
                   nation: str | None = None) -> Indicator:
    """Load the report's indicator: the nation's deprivation index by default, a CSV of codes, or an ESS file/id.

    Only the catalogue's deprivation indices have a known direction (higher scores, lower
    ranks are worse); for a CSV or an ESS indicator ``higher_is_better`` must be given, else
    :class:`InputError`.

    Parameters
    ----------
    indicator : str or None
        ``None`` (the default index of ``nation``) or an index id (``"iod2025"``,
        ``"wimd2019"``, ``"simd2020"``); a CSV file path (a column of ``level`` codes and a
        numeric column, or an ESS download); or an ESS indicator id (``"healthy-life-expectancy"``).
    value : str or None
        The column (or ESS indicator name); needed when a CSV has several numeric columns.
        For an index the default is its overall score (``IMD_score``), or rank without scores.
    kind : str
        count, rate, mean or median (an index is a mean).
    level : str or None
        The level of the areas mapped (the CSV's codes are looked for at this level; default
        ``lsoa21``); for an index, None or its mapped level.
    higher_is_better : bool or None
        The direction; required except for an index.
    nation : str, optional
        For ``indicator=None``: the nation (letter, name or code) whose index is used; default England.

    Returns
    -------
    Indicator

    Raises
    ------
    InputError
        No direction, no column of codes, several numeric columns and no ``value``, an ESS
        indicator not published at ``level``, or a path that is neither a CSV nor an id.
    CoverageError
        ``indicator=None`` for Northern Ireland (no small-area index in the catalogue).

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
    if indicator is None or indicator in indices():
        index = deprivation_index(indicator if indicator is not None else (nation or "E"))
        made = _from_index(index, value, level)
        if higher_is_better is not None and higher_is_better != made.higher_is_better:
            raise InputError(
                f"--higher-is-better {'yes' if higher_is_better else 'no'}: for the {index.short} {made.title!r} "
                f"{'higher' if made.higher_is_better else 'lower'} values are better; leave --higher-is-better out for an index"
            )
        return made
    level = level or "lsoa21"
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
