"""``levelup report``: from an indicator to a committee-ready map pack for one area.

Writes, for the chosen area: ``index.html`` (:mod:`geo.outputs.report_page`: a plain
headline, the interactive map with the pockets numbered worst first and district and region
outlines, the pockets by name, the small areas in them, the area compared with its region
and nation, within-area inequality and a method note; it prints to A4), ``map.html``,
``map.png``, ``pockets.gpkg`` (layers ``areas``, ``pockets`` (numbered and named; empty,
with its columns, when the area has none), ``outlines``, and the unrounded ``summary`` and
``inequality`` tables), ``summary.csv`` and ``inequality.csv`` (tidy long form, rounded for
reading: :mod:`geo.outputs.report_tidy`) and the marker file ``.levelup-report``.

The work is split in two: :func:`prepare_report` does the national steps once (load the
indicator, check its national coverage, find every pocket), :func:`write_report` writes one
area's pack from them; :func:`build_report` does both, and :mod:`geo.outputs.report_batch` runs
many areas on one preparation per nation.

The default indicator follows the area's nation (:mod:`geo.outputs.report_indicator`): the
IoD2025 on LSOA 2021 for England, the WIMD 2019 converted to LSOA 2021 for Wales, the SIMD 2020
ranks on Data Zones 2011 for Scotland, each with its own published national deciles; Northern
Ireland has no small-area index, so its areas need an indicator of the user's at Super Data
Zone (``sdz21``) or district (``lad24``) level and the default is refused in one line.

National means national: pockets by national deciles, "hidden" flags and the region and
nation rows need data for at least 99 % of a nation's areas (:mod:`geo.geography.coverage`).
Otherwise the report needs a threshold that is not national (a number, or ``parent_mean``)
and leaves the national cells blank with the reason.

Files are never lost: the pack is built in a staging folder beside ``out`` and renamed
into place; an existing ``out`` is replaced (with ``overwrite``) only when it is empty or
holds a previous report (its ``.levelup-report`` marker), never the working folder, one of
its parents or the home folder. Leftovers of killed runs are removed by the next run.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd
from tqdm import tqdm

from geo import settings
from geo.data import products
from geo.data.atomic import atomic_open, clean_leftovers, replace_folder, staging_folder
from geo.errors import CoverageError, InputError, examples
from geo.geography import lookups, registry
from geo.geography.codes import isin
from geo.geography.coverage import NATIONAL_COVERAGE, covers_nation, national_coverage, require_national
from geo.geography.detect import detect_level
from geo.geography.layers import boundaries
from geo.geography.places import Area, area as find_area
from geo.outputs.export import export
from geo.outputs.maps import map as choropleth, to_html
from geo.outputs.plotting import sketch
from geo.outputs.report_indicator import Indicator, load_indicator
from geo.outputs.report_png import Painter, painter_for
from geo.statistics.indices import indices
from geo.statistics.pockets import pockets

if TYPE_CHECKING:
    from geo.statistics.pocket_profile import PocketProfile

log = logging.getLogger(__name__)

#: The file that marks a folder as a levelup report (JSON: package, version, area, time).
MARKER = ".levelup-report"
#: How to proceed when the data do not cover a nation (API keywords: the command line names its options).
NOT_NATIONAL_HOW = (
    "pass a number as threshold= (areas at or beyond it) or threshold='parent_mean' (areas worse than their "
    "district's average), or an indicator file that covers the whole nation"
)
HIGHLIGHT = "Pockets"

def _covered(coverage: pd.DataFrame, level: str) -> str:
    """Plain words for what the data cover: "England only (33,755 LSOAs)"."""
    present = coverage[coverage["in_data"] > 0]
    if present.empty:
        return "no area"
    unit = _unit(level) + "s"
    whole = present[present["share"] >= NATIONAL_COVERAGE]
    if len(whole) == len(present):
        only = " only" if len(present) < len(coverage) else ""
        return f"{' and '.join(present['name'])}{only} ({int(present['in_data'].sum()):,} {unit})"
    return " and ".join(f"{int(r.in_data):,} of {r.name}'s {int(r.areas):,} {unit} ({r.share:.1%})" for r in present.itertuples())


@dataclass
class ReportData:
    """The national steps of a report, done once for any number of areas (:func:`prepare_report`).

    Examples
    --------
    >>> data = prepare_report()
    >>> data.level, data.within, data.threshold, data.worse, data.covered
    ('lsoa21', 'lad24', 'national_decile_1', 'high', 'England only (33,755 LSOAs)')
    >>> data.coverage[["name", "areas", "in_data"]].values.tolist()
    [['England', 33755, 33755], ['Wales', 1917, 0]]
    """

    indicator: Indicator
    level: str
    within: str
    threshold: str | float
    national: bool  # the data hold >= 99 % of the areas of every nation they touch
    coverage: pd.DataFrame  # geo.geography.coverage.national_coverage of the codes with a value
    values: pd.Index  # codes with a value
    found: gpd.GeoDataFrame  # every pocket (no row when none)
    memo: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    @cached_property
    def covered(self) -> str:
        """What the indicator covers, in words."""
        return _covered(self.coverage, self.level)

    @property
    def worse(self) -> str:
        return "low" if self.indicator.higher_is_better else "high"


def prepare_report(
    indicator: str | None = None,
    *,
    value: str | None = None,
    kind: str = "mean",
    level: str | None = None,
    within: str = "lad24",
    higher_is_better: bool | None = None,
    threshold: str | float | None = None,
    nation: str | None = None,
) -> ReportData:
    """Load the indicator, check its national coverage and find every pocket, once.

    Parameters are those of :func:`build_report`, and ``nation`` (a letter, name or code;
    default England): whose deprivation index is the default indicator. ``threshold``
    defaults to ``"national_decile_1"`` (the worst 10 % nationally) when the indicator covers
    at least 99 % of each nation it touches; otherwise a threshold must be given that is not
    national (a number or ``"parent_mean"``), and national thresholds are refused. For a
    deprivation index, ``"national_decile_N"`` means the *published* deciles 1..N: the pockets
    are the small areas at or beyond the least deprived value of those deciles.

    Raises
    ------
    CoverageError
        A national threshold (the default included) on data that do not cover a nation; the
        default indicator for Northern Ireland.
    InputError
        No direction for a CSV or ESS indicator, an unreadable indicator, bad levels.

    Examples
    --------
    >>> data = prepare_report()  # IoD2025 IMD score, LSOAs, pockets within districts
    >>> data.national, len(data.found), data.covered
    (True, 948, 'England only (33,755 LSOAs)')
    >>> scotland = prepare_report(nation="Scotland")  # SIMD 2020 ranks of data zones
    >>> scotland.level, scotland.worse, int(scotland.found["n_areas"].sum()), scotland.covered
    ('dz11', 'low', 698, 'Scotland (6,976 data zones)')
    >>> prepare_report(nation="N")
    Traceback (most recent call last):
    ...
    geo.errors.CoverageError: Northern Ireland has no small-area deprivation index in the catalogue, so there is no default indicator: pass --indicator with a CSV or ESS indicator of Northern Irish Super Data Zones (--level sdz21) or districts (--level lad24), with --higher-is-better
    """
    within = registry.resolve(within, argument="within")
    if indicator is None and str(nation).strip().lower() in ("n", "northern ireland", "n92000002"):
        raise CoverageError(
            "Northern Ireland has no small-area deprivation index in the catalogue, so there is no default indicator: "
            "pass --indicator with a CSV or ESS indicator of Northern Irish Super Data Zones (--level sdz21) or "
            "districts (--level lad24), with --higher-is-better"
        )
    data = load_indicator(indicator, value=value, kind=kind, level=level, higher_is_better=higher_is_better, nation=nation)
    level = data.level if data.index is not None else registry.resolve(level or "lsoa21", argument="level")
    unknown = detect_level(data.frame.index, errors="report").unknown  # refuses mixtures before any work
    if unknown:
        raise InputError(
            f"--indicator {indicator!r}: {len(unknown):,} codes are in no level's code list ({examples(list(unknown))}); "
            "check for typos or codes of another vintage or nation, and correct or remove those rows"
        )
    if data.value not in data.frame.columns:
        raise InputError(f"--value {data.value!r} is not a column of the indicator; columns are {list(data.frame.columns)[:12]}")
    values = pd.Index(data.frame.index[data.frame[data.value].notna().to_numpy()].astype(str))
    coverage = national_coverage(values, level)
    national = covers_nation(values, level)
    if threshold is None:
        if not national:
            require_national(values, level, what=f"The default threshold (the worst 10 % nationally) of {data.title}", how=NOT_NATIONAL_HOW)
        threshold = "national_decile_1"
    elif not isinstance(threshold, (int, float)) and threshold != "parent_mean" and not national:
        require_national(values, level, what=f"threshold={threshold!r}", how=NOT_NATIONAL_HOW)
    worse = "low" if data.higher_is_better else "high"
    # no area meeting the threshold is a result (an empty table), and "hidden" is left blank
    # by geo.pockets when the data do not cover the nation
    found = pockets(data.frame, value=data.value, level=level, within=within, worse=worse, threshold=_published(data, threshold),
                    weight=data.weight)
    return ReportData(data, level, within, threshold, national, coverage, values, found)


def _published(data: Indicator, threshold: str | float) -> str | float:
    """An index's national decile threshold as the published decile boundary (module
    description of :mod:`geo.outputs.report_indicator`); any other threshold as it is."""
    match = str(threshold).removeprefix("national_decile_")
    if data.index is None or isinstance(threshold, (int, float)) or not match.isdigit() or match == str(threshold):
        return threshold
    boundary = data.published_decile(int(match))
    return threshold if boundary is None else boundary


def _region_and_nation(place: Area) -> list[Area]:
    """The area's region (English region, else ITL1) and nation, as Areas.

    An English region and its ITL1 are the same area, and so are Wales, Scotland and Northern
    Ireland and their ITL1 areas: each territory is listed once, and never the area itself.
    """
    same = products.load("itl1_codes")
    territory = dict(zip(same["ITL125CD"], same["RGN24CD"].fillna(same["CTRY24CD"]), strict=True))
    found: list[Area] = []
    for parent in ("rgn24", "itl1", "ctry"):
        if parent not in registry.spec(place.level).nests_in:
            continue
        table = lookups.lookup(place.level, parent).set_index(place.level)
        if place.code in table.index:  # regions cover England only
            row = table.loc[place.code]
            found.append(Area(parent, str(row[parent]), str(row[f"{parent}_name"])))
    own = territory.get(place.code, place.code)
    named = {c.code for c in found if c.level != "itl1"}  # a region or nation is named as such, not as its ITL1
    return [c for c in found if territory.get(c.code, c.code) != own and not (c.level == "itl1" and territory.get(c.code) in named)]


def _unit(level: str) -> str:
    """A short name of one area of ``level`` for sentences ("LSOA", "district")."""
    return {"lsoa21": "LSOA", "msoa21": "MSOA", "lad24": "district", "utla23": "county or unitary authority",
            "pfa24": "police force area", "dz11": "data zone", "sdz21": "super data zone"}.get(level, level)


def _nation_of(place: Area) -> Area:
    """The nation ``place`` lies in (itself for a nation)."""
    if place.level == "ctry":
        return place
    row = lookups.lookup(place.level, "ctry").set_index(place.level).loc[place.code]
    return Area("ctry", str(row["ctry"]), str(row["ctry_name"]))


def _own_index(nation: Area) -> str | None:
    """The short name of a nation's default deprivation index (None for Northern Ireland)."""
    found = [i.short for i in indices().values() if i.default and i.nation == nation.code[:1]]
    return found[0] if found else None


def _adjective(nation: Area) -> str:
    return {"E": "English", "W": "Welsh", "S": "Scottish", "N": "Northern Irish"}.get(nation.code[:1], nation.name)


def _nations_of_level(level: str) -> str:
    names = lookups.areas("ctry")["name"]
    letters = registry.spec(level).coverage
    return " and ".join(str(n) for c, n in names.items() if str(c)[:1] in letters)


def _check_out(out: str | os.PathLike[str], overwrite: bool) -> Path:
    """Refuse an output folder whose files a report could lose; return the target path."""
    target = Path(out).expanduser()
    resolved = target.resolve()
    here = Path.cwd().resolve()
    if resolved == here or resolved in here.parents or resolved == Path.home().resolve() or resolved == Path(resolved.anchor):
        what = "the working folder" if resolved == here else "the home folder" if resolved == Path.home().resolve() else "a parent of the working folder"
        raise InputError(f"--out {str(out)!r} is {what}; a report is written to a folder of its own: pass --out with a new folder, e.g. --out report")
    if not resolved.exists():
        return target
    if not resolved.is_dir():
        raise InputError(f"--out {str(out)!r} is a file, not a folder; pass --out with a new folder")
    contents = sorted(p.name for p in resolved.iterdir())
    if not contents:
        return target  # an empty folder: nothing to lose
    if not _is_report(resolved):
        raise InputError(
            f"--out {str(out)!r} holds {len(contents):,} files or folders ({examples(contents, 3)}) and is not a levelup "
            f"report (no {MARKER} file); a report replaces only a folder written by a previous report, even with "
            "--overwrite: pass --out with a new or empty folder"
        )
    if not overwrite:
        raise InputError(f"--out {str(out)!r} exists and holds a previous report; pass --overwrite to replace it, or choose another folder")
    return target


def _is_report(folder: Path) -> bool:
    try:
        return json.loads((folder / MARKER).read_text(encoding="utf-8")).get("package") == "levelup-geo"
    except (OSError, ValueError, AttributeError):
        return False


def build_report(
    area: str,
    out: str | os.PathLike[str],
    *,
    indicator: str | None = None,
    value: str | None = None,
    kind: str = "mean",
    level: str | None = None,
    within: str = "lad24",
    higher_is_better: bool | None = None,
    threshold: str | float | None = None,
    overwrite: bool = False,
) -> Path:
    """Build the map pack for ``area`` in folder ``out`` (see the module description).

    Parameters
    ----------
    area : str
        A name or code of a district, county or unitary authority, police force area,
        region, ITL1 area or nation.
    out : str or PathLike
        The folder written. An existing folder is used only when empty, or replaced (with
        ``overwrite=True``) when it holds a previous report.
    indicator : str, optional
        ``None``: the deprivation index of the area's nation (IoD2025 for England, WIMD 2019
        for Wales, SIMD 2020 for Scotland; none for Northern Ireland); an index id
        (``"iod2025"``, ``"wimd2019"``, ``"simd2020"``), a CSV of codes, or an ESS file or id.
    value, kind, level, within : str
        The value column (or ESS indicator name), its kind (count, rate, mean, median), the
        level of the mapped areas (default: the index's, ``lsoa21`` or ``dz11``; ``lsoa21``
        for other indicators) and the level pockets are reported within.
    higher_is_better : bool, optional
        Direction of the indicator: required except for a deprivation index.
    threshold : str or float, optional
        See :func:`prepare_report`.
    overwrite : bool, default False
        Replace a previous report in ``out``.

    Raises
    ------
    CoverageError
        The indicator has no value for the area (it covers another nation), a national
        threshold on data that do not cover a nation, or the default indicator for a
        Northern Irish area.
    InputError
        Unknown area, unsafe ``out``, no direction, unreadable indicator.

    Examples
    --------
    >>> build_report("Rutland", "rutland").name  # Rutland has no LSOA among England's most deprived 10 %
    'rutland'
    >>> "No LSOA in Rutland" in (Path("rutland") / "index.html").read_text()
    True
    """
    _check_out(out, overwrite)
    place = find_area(area)
    nation = _nation_of(place) if indicator is not None else default_nation(place)
    own = [i.mapped_level for i in indices().values() if i.default and i.nation == nation.code[:1]]
    _check_place(place, registry.resolve(level or (own[0] if indicator is None else "lsoa21"), argument="level"))
    painter = painter_for(None)  # started now, it loads matplotlib while the indicator is prepared
    try:
        data = prepare_report(indicator, value=value, kind=kind, level=level, within=within, higher_is_better=higher_is_better,
                              threshold=threshold, nation=nation.code)
        return write_report(data, place, out, overwrite=overwrite, draw_apart=painter)
    finally:
        painter.close()


def default_nation(place: Area) -> Area:
    """The nation whose deprivation index is ``place``'s default indicator.

    Raises
    ------
    CoverageError
        For a Northern Irish area (no small-area index in the catalogue), in one line.

    Examples
    --------
    >>> from geo.geography.places import area
    >>> default_nation(area("Cardiff")).name
    'Wales'
    >>> default_nation(area("Belfast"))
    Traceback (most recent call last):
    ...
    geo.errors.CoverageError: --area 'Belfast' is in Northern Ireland, which has no small-area deprivation index in the catalogue: pass --indicator with a CSV or ESS indicator of Super Data Zones (--level sdz21) or districts (--level lad24), with --higher-is-better
    """
    nation = _nation_of(place)
    if _own_index(nation) is None:
        raise CoverageError(
            f"--area {place.name!r} {'is in ' + nation.name + ', which ' if nation.name != place.name else ''}has no "
            "small-area deprivation index in the catalogue: pass "
            "--indicator with a CSV or ESS indicator of Super Data Zones (--level sdz21) or districts (--level lad24), "
            "with --higher-is-better"
        )
    return nation


def _check_place(place: Area, level: str) -> None:
    if place.level == level or place.level not in registry.spec(level).nests_in:
        raise InputError(
            f"--area {place.name!r} is a {place.level}; a report maps {level} areas inside a coarser area "
            f"({', '.join(registry.spec(level).nests_in)}): pass --level with a finer level or --area with a larger area"
        )


def write_report(data: ReportData, place: Area, out: str | os.PathLike[str], *, overwrite: bool = False, progress: bool | None = None,
                 draw_apart: bool | Painter | None = None) -> Path:
    """Write the pack of ``place`` (a :class:`geo.geography.places.Area`) from prepared ``data`` into ``out``.

    Raises :class:`CoverageError` when the indicator has no value for any area of ``place``
    (for example the IoD2025 for a Welsh council: prepare the report with
    ``prepare_report(nation="Wales")`` for the Welsh index), and :class:`InputError` for an unsafe ``out``.

    Parameters
    ----------
    data : ReportData
        From :func:`prepare_report` (reused for any number of areas).
    place : Area
        The area, e.g. ``geo.geography.places.area("Rutland")``.
    out : str or PathLike
        The folder written (see :func:`build_report`).
    overwrite : bool, default False
        Replace a previous report in ``out``.
    progress : bool or None
        Show a progress bar (default: ``geo.settings.progress``, else only on a terminal).
    draw_apart : bool or None
        Draw ``map.png`` in a second process while the other files are written
        (:mod:`geo.outputs.report_png`; the same file either way). Default: when this process
        has not loaded matplotlib yet (a one-area report) and a processor is free; a batch of
        areas passes False; a started :class:`~geo.outputs.report_png.Painter` is used (:func:`build_report`).

    Returns
    -------
    Path
        ``out``.

    Examples
    --------
    >>> import tempfile
    >>> from geo.geography.places import area
    >>> folder = Path(tempfile.mkdtemp())
    >>> data = prepare_report()
    >>> pack = write_report(data, area("Rutland"), folder / "rutland")
    >>> sorted(p.name for p in pack.iterdir())
    ['.levelup-report', 'index.html', 'inequality.csv', 'map.html', 'map.png', 'pockets.gpkg', 'summary.csv']
    >>> summary = pd.read_csv(pack / "summary.csv")  # tidy: one row per area and measure
    >>> summary[summary["measure"] == "neighbourhoods (LSOAs)"][["area", "level", "value"]].values.tolist()
    [['Rutland', 'district', 26.0], ['East Midlands', 'region', 2846.0], ['England', 'nation', 33755.0]]
    >>> write_report(data, area("Cardiff"), folder / "cardiff")
    Traceback (most recent call last):
    ...
    geo.errors.CoverageError: IMD score (IoD2025) covers England only (33,755 LSOAs); Cardiff is in Wales, whose own index is the WIMD 2019 (the default indicator for Welsh areas): leave --indicator out, or pass --indicator with a CSV or ESS indicator that covers Wales
    >>> sorted(p.name for p in folder.iterdir())  # nothing written for Cardiff
    ['rutland']
    >>> wales = write_report(prepare_report(nation="Wales"), area("Cardiff"), folder / "cardiff")
    >>> "Welsh Index of Multiple Deprivation 2019" in (wales / "index.html").read_text()
    True
    """
    target = _check_out(out, overwrite)
    level = data.level
    _check_place(place, level)
    inside = boundaries(level, within=place.code).index
    nation = _nation_of(place)
    if len(inside) == 0:
        letter = str(nation.code)[:1]
        others = [s.id for s in registry.specs().values() if place.level in s.nests_in and letter in s.coverage]
        hint = f"pass --level {' or '.join(others)} with an indicator of that level" if others else "choose an area in a nation the level covers"
        raise CoverageError(
            f"--area {place.name!r} ({place.level} {place.code}) "
            f"{'is in ' + nation.name + ', which ' if nation.name != place.name else ''}has no {_unit(level)}s "
            f"({registry.spec(level).title} cover {_nations_of_level(level)} only): {hint}"
        )
    have = inside[isin(inside, data.values)]
    if len(have) == 0:
        where = f"{place.name} is in {nation.name}" if nation.name != place.name else f"{place.name} is outside it"
        own = _own_index(nation) if data.indicator.index is not None else None
        raise CoverageError(
            f"{data.indicator.title} covers {data.covered}; {where}"
            + (f", whose own index is the {own} (the default indicator for {_adjective(nation)} areas): leave --indicator out, or"
               if own else ":")
            + f" pass --indicator with a CSV or ESS indicator that covers {nation.name}"
        )
    clean_leftovers(target)
    show = settings.progress if progress is None and settings.progress is not None else progress
    steps = tqdm(total=7, desc=f"report {place.name}", disable=not (show if show is not None else os.isatty(2)))
    staging = staging_folder(target)
    # map.png in a second process, loading matplotlib meanwhile (geo.outputs.report_png); a
    # process that has matplotlib loaded already (a batch of areas) draws it itself
    painter = painter_for(draw_apart)
    try:
        _write_pack(data, place, inside, have, staging, steps, painter)
        replace_folder(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        painter.close()
        steps.close()
    log.info("report for %s written to %s", place.name, target)
    return target


def _profile(data: ReportData, place: Area, local: gpd.GeoDataFrame, inside: pd.Index) -> PocketProfile:
    """The pocket profile of ``place``: names from wards, the domain profile of an index with
    domains and, for the index's overall measure at the worst-10 % threshold, change since its
    previous edition (:func:`geo.statistics.pocket_profile.profile_pockets`).

    The one place where the profile is made; the page, the maps and the files render it.
    """
    from geo.statistics.pocket_profile import earlier_deciles, profile_pockets

    ind = data.indicator
    index = ind.index
    weight = "population" if ind.weight == "population" else None
    if index is None:
        return profile_pockets(local, level=data.level, data=ind.frame, value=ind.value, weight=weight)
    # persistence compares membership of the worst decile of the overall measure, edition by edition
    earlier = index.earlier if ind.value == (index.score or index.rank) and data.threshold == "national_decile_1" else None
    if earlier is not None:
        key = f"earlier/{earlier}/{data.level}"  # national: carried to the mapped level once for every area
        if key not in data.memo:
            data.memo[key] = earlier_deciles(earlier, column=indices()[earlier].decile, to=data.level).to_frame("decile")
    return profile_pockets(
        local, level=data.level, data=ind.frame, value=ind.value, domains=index.domain_ranks,
        decile_of={"Overall": index.decile, **index.domain_deciles}, national_count=ind.national_count,
        earlier=data.memo[key]["decile"] if earlier is not None else None,
        earlier_name=indices()[earlier].short if earlier is not None else None,
        area_codes=inside, weight=weight, rank=index.rank,
    )


def _write_pack(data: ReportData, place: Area, inside: pd.Index, have: pd.Index, staging: Path, steps: tqdm, painter: Painter) -> None:
    from geo.outputs.report_page import page, short_criterion  # the page's wording lives in its own module
    from geo.outputs.report_pockets import members, numbered
    from geo.outputs.report_summary import inequality_table, summary_table
    from geo.outputs.report_tidy import tidy_inequality, tidy_summary
    from geo.outputs.report_words import short

    ind, level, within = data.indicator, data.level, data.within
    found = data.found["codes"].str.split(",").explode()
    local = data.found.loc[found[isin(found, inside)].index.unique()].copy()
    partial = len(have) < len(inside)
    steps.update()
    profile = _profile(data, place, local, inside)
    pockets = numbered(local, higher_is_better=ind.higher_is_better, profile=profile)
    highlight = f"{HIGHLIGHT} ({short_criterion(data)})" + ("" if len(pockets) else f": none in {place.name}")
    shapes = pockets.assign(number=pockets.index)
    # map.png is drawn by the painter (a second process) while the rest is written
    painter.paint(sketch(ind.frame, value=ind.value, level=level, within=place.code, highlight=shapes, highlight_name=highlight,
                         highlight_labels="number", outlines=(within,), higher_is_better=ind.higher_is_better,
                         title=f"{ind.title}: {place.name}"), staging / "map.png")
    in_pockets = members(ind.frame, ind.value, pockets, higher_is_better=ind.higher_is_better, profile=profile)
    summary = summary_table(data, place, have)
    table = inequality_table(data, place, have)
    unit = "published value" if ind.published is not None else _VALUE_UNIT.get(ind.kind, "value")
    tidy = tidy_summary(summary, title=ind.title, value=ind.value, unit=unit, level=level)
    tidy_table = tidy_inequality(table, level=place.level, within=within, title=ind.title, higher_is_better=ind.higher_is_better,
                                 areas=short(level, plural=True))
    steps.update()
    m = choropleth(ind.frame, value=ind.value, level=level, within=place.code, highlight=shapes, highlight_name=highlight,
                   highlight_labels="number", outlines=(within, "itl1"), higher_is_better=ind.higher_is_better, title=ind.title)
    to_html(m, staging / "map.html")
    steps.update()
    areas = boundaries(level, within=place.code).join(ind.frame[[ind.value]].rename(columns={ind.value: "value"}))
    outline = boundaries(within, dissolve_from=level)
    outline = outline.loc[outline.index.isin(lookups.lookup(level, within).set_index(level)[within].reindex(inside).unique())]
    layers = {"areas": areas, "pockets": shapes.reset_index(drop=True), "outlines": outline,
              "summary": _no_geometry(summary), "inequality": _no_geometry(table)}
    export(layers, staging / "pockets.gpkg")
    export(tidy, staging / "summary.csv")
    export(tidy_table, staging / "inequality.csv")
    steps.update()
    coverage_note = (
        f"{ind.title} has values for {len(have):,} of the {len(inside):,} {_unit(level)}s in {place.name}; the other "
        f"{len(inside) - len(have):,} are shown as “no data” and cannot be part of a pocket." if partial else ""
    )
    with atomic_open(staging / "index.html", "w") as handle:
        handle.write(page(place, data, summary=summary, tidy=tidy, inequality=table, pockets=pockets, members=in_pockets,
                          coverage_note=coverage_note, profile=profile))
    marker = {"package": "levelup-geo", "version": _version(), "area": place.name, "code": place.code, "level": place.level,
              "indicator": ind.title, "written": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    with atomic_open(staging / MARKER, "w") as handle:
        json.dump(marker, handle, indent=1)
    steps.update()
    painter.finish()
    steps.update()


#: The unit of an indicator's own value in the summary CSV, by its kind.
_VALUE_UNIT = {"mean": "average of the areas' values", "count": "count", "rate": "rate", "median": "median"}


def _no_geometry(frame: pd.DataFrame) -> gpd.GeoDataFrame:
    """A table (unrounded values, codes as a column) as a GeoPackage layer without shapes."""
    table = frame.reset_index()
    return gpd.GeoDataFrame(table, geometry=gpd.GeoSeries([None] * len(table), crs=27700), crs=27700)


def _version() -> str:
    from geo import __version__

    return __version__
