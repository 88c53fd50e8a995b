"""The ``levelup`` command line.

Examples
--------
::

    levelup levels
    levelup data status
    levelup data fetch lsoa21
    levelup data fetch --all
    levelup lookup lsoa21 itl1 E01000001 W01000003
    cut -d, -f1 my_lsoas.csv | levelup lookup lsoa21 utla23
    levelup area "County Durham"
    levelup missions
    levelup report --area "County Durham" --out out/durham
    levelup assign points.parquet --to lsoa21 --out codes.parquet
    levelup aggregate crimes.csv --code LSOA21CD --value crimes --kind count --to lad24
    levelup pockets iod.csv --code LSOA21CD --value IMD_score --out pockets.gpkg
    levelup map iod.csv --code LSOA21CD --value IMD_score --within E06000047 --out durham.html
"""

from __future__ import annotations

import argparse
import atexit
import logging
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from geo.cli_terms import Parser, in_cli_terms, leaves, spellings
from geo.errors import DataUnavailableError, InputError, LevelupError, examples

if TYPE_CHECKING:
    import pandas as pd

# Each command imports what it uses when it runs, so that `levelup --help` (and a usage error)
# loads no pandas, geopandas, libpysal, matplotlib or folium: the parser needs none of them.

log = logging.getLogger(__name__)


def _cmd_levels(args: argparse.Namespace) -> None:
    import pandas as pd

    from geo.geography import registry

    table = registry.levels()
    if args.csv:
        table.to_csv(sys.stdout)
    else:
        with pd.option_context("display.width", 250, "display.max_columns", 20, "display.max_colwidth", 60):
            print(table.to_string())


def _cmd_status(args: argparse.Namespace) -> None:
    from geo import catalogue, settings
    from geo.data import cache, products

    print(f"cache:  {settings.get_cache_dir()}")
    print(f"mirror: {settings.get_mirror() or '(none: set LEVELUP_MIRROR)'}")
    print(f"offline: {settings.is_offline()}")
    entries = cache.entries()
    cached = {entry.get("key") for entry in entries}
    print(f"\n{len(entries)} cache entries:")
    for entry in entries:
        size = entry.get("bytes", 0) / 1e6
        print(f"  {entry.get('key', '?'):<40} {entry.get('rows', '?'):>8} rows {size:8.2f} MB  from {entry.get('source', '?')}")
    concrete = ("table", "indicator_template")
    missing = [p for p in catalogue.products().values() if p.kind not in concrete and f"products/{p.id}" not in cached]
    if missing:
        print(f"\n{len(missing)} catalogue products not cached yet (fetch one with `levelup data fetch --product ID`):")
        for item in missing:
            print(f"  {item.id:<28} {item.file}  (publisher: {products.source_of(item)})")


def _cmd_fetch(args: argparse.Namespace) -> None:
    from geo import fetch
    from geo.geography import registry

    if sum((bool(args.level), args.all, bool(args.product))) != 1:
        raise InputError("data fetch: give one LEVEL, --product ID or --all, e.g. `levelup data fetch lsoa21`")
    if args.level:
        outcomes = [fetch.fetch_level(registry.resolve(args.level))]
    elif args.all:
        outcomes = fetch.fetch_all(refresh=args.refresh)
    else:
        outcomes = [fetch.fetch_product(item, refresh=args.refresh) for item in fetch.resolve(args.product)]
    for outcome in outcomes:
        print(outcome.line())
    print(f"data fetch: {fetch.summary(outcomes)}")
    if fetch.failures(outcomes):
        raise DataUnavailableError(
            f"data fetch: {fetch.failures(outcomes)}; the reasons are listed above. Set LEVELUP_MIRROR to a "
            "folder holding the files, or retry one with `levelup data fetch --product ID`."
        )


def _cmd_lookup(args: argparse.Namespace) -> None:
    from geo.geography import lookups, registry

    table = lookups.lookup(args.from_level, args.to_level, best_fit=args.best_fit)
    codes = list(args.codes)
    if not codes and not sys.stdin.isatty():
        codes = [line.strip().strip('"') for line in sys.stdin if line.strip()]
    if codes:
        source = registry.resolve(args.from_level)
        codes = [c for c in codes if c.upper() != source.upper() and not c.upper().endswith("CD")]  # a header line
        unknown = [c for c in codes if c not in set(table[source])]
        if unknown:
            raise InputError(
                f"CODES: {len(unknown)} codes are not {source} areas within {registry.resolve(args.to_level)}'s "
                f"coverage: {examples(unknown)}"
            )
        table = table.set_index(source).loc[codes].reset_index()
    table.to_csv(sys.stdout, index=False)


def _cmd_area(args: argparse.Namespace) -> None:
    from geo.geography.places import area

    found = area(args.query, level=args.level)
    print(f"{found.level}\t{found.code}\t{found.name}")


def _cmd_missions(args: argparse.Namespace) -> None:
    from geo.catalogue.missions import missions
    from geo.outputs.export import export

    table = missions()
    if args.path:  # --csv FILE
        export(table.assign(levels=table["levels"].map(";".join)).set_index("metric"), args.path, overwrite=args.overwrite)
        print(f"wrote {args.path}", file=sys.stderr)
        return
    shown = table.assign(ess=table["ess"].fillna("not in mirror"), levels=table["levels"].map(",".join),
                         unit=table["unit"].fillna(""),
                         direction=table["higher_is_better"].map({True: "higher is better", False: "lower is better"}))
    columns = ["metric", "role", "annex_level", "ess", "levels", "unit", "direction"]
    widths = {c: max(len(c), *shown[c].str.len()) for c in columns}  # one layout for every mission
    for number, rows in shown.groupby("mission", sort=False):
        counts = rows.groupby("role").size().to_dict()
        print(f"Mission {number}: {rows['mission_name'].iloc[0]} ({counts.get('headline', 0)} headline, "
              f"{counts.get('supporting', 0)} supporting; {int(rows['available'].sum())} in ESS files)")
        for line in [{c: c.replace("_", " ") for c in columns}, *rows[columns].to_dict("records")]:
            print("  " + "  ".join(str(line[c]).ljust(widths[c]) for c in columns).rstrip())
        print()
    print(f"{len(table)} metrics, {int(table['available'].sum())} carried by ESS files; "
          f"headline: {int(table.loc[table['role'] == 'headline', 'available'].sum())} of {int((table['role'] == 'headline').sum())}")


def _read_table(path: str) -> pd.DataFrame:
    """A CSV or a GeoPackage/GeoParquet/GeoJSON layer's attributes (codes kept as text).

    Any problem with the file is an InputError naming INPUT (see :func:`geo.data.readers.read_table`).

    Examples
    --------
    >>> _read_table("missing.csv")
    Traceback (most recent call last):
    ...
    geo.errors.InputError: INPUT 'missing.csv': no such file; give the path of a .csv, ... file
    """
    from geo.data.readers import read_table

    return read_table(path, argument="INPUT")


def _write(result: object, out: str | None, overwrite: bool) -> None:
    """Write a result to ``--out`` (by extension) or as spreadsheet-safe CSV to stdout.

    Examples
    --------
    >>> import pandas as pd
    >>> _write(pd.DataFrame({"n": [-1]}, index=pd.Index(["=x"], name="code")), None, False)
    code,n
    '=x,-1
    """
    import pandas as pd

    from geo.data import csvsafe
    from geo.geography import vintages
    from geo.outputs.export import export

    if isinstance(result, pd.DataFrame) and result.attrs.get("recoded"):
        print(vintages.describe(result.attrs["recoded"]), file=sys.stderr)
    if out is None:
        assert isinstance(result, pd.DataFrame)
        table = pd.DataFrame(result.drop(columns="geometry")) if "geometry" in result.columns else result
        csvsafe.to_csv(table, sys.stdout)
    else:
        export(result, out, overwrite=overwrite)
        print(f"wrote {out}", file=sys.stderr)


def _cmd_aggregate(args: argparse.Namespace) -> None:
    from geo.moving.aggregation import aggregate

    data = _read_table(args.input)
    result = aggregate(data, to=args.to, value=args.value, kind=args.kind, weight=args.weight, numerator=args.numerator,
                       denominator=args.denominator, level=args.level, code=args.code or str(data.columns[0]), min_coverage=args.min_coverage,
                       errors="report" if args.report_unknown else "raise", approximate=args.approximate)
    _write(result, args.out, args.overwrite)


def _cmd_disaggregate(args: argparse.Namespace) -> None:
    from geo.moving.disaggregation import disaggregate

    data = _read_table(args.input)
    result = disaggregate(data, to=args.to, value=args.value, kind=args.kind, level=args.level, code=args.code or str(data.columns[0]),
                          weight=args.weight)
    _write(result, args.out, args.overwrite)


def _cmd_assign(args: argparse.Namespace) -> None:
    from geo.moving.assignment import check_nearest
    from geo.moving.assignment_dask import assign_lazy, write_assigned

    check_nearest(args.nearest_within)  # refused before any file is read
    lazy = assign_lazy(args.points, level=args.level, x=args.x, y=args.y, crs=args.crs, nearest_within=args.nearest_within)
    tally = write_assigned(lazy, args.out, overwrite=args.overwrite, progress=not args.quiet)
    print(f"{tally['points']:,} points: {tally['assigned']:,} assigned ({tally['on_edge']:,} on an edge, {tally['nearest']:,} to the "
          f"nearest area), {tally['unassigned']:,} unassigned; wrote {args.out}", file=sys.stderr)


def _cmd_pockets(args: argparse.Namespace) -> None:
    from geo.statistics.pockets import pockets

    data = _read_table(args.input)
    threshold: str | float = args.threshold
    try:
        threshold = float(args.threshold)
    except ValueError:
        pass
    result = pockets(data, value=args.value, level=args.level, within=args.within, worse=args.worse,
                     threshold=threshold, min_population=args.min_population, code=args.code or str(data.columns[0]),
                     weight=None if args.weight == "none" else args.weight)
    hidden = f"hidden not computed: {result.attrs['hidden_reason']}" if result.attrs["hidden_reason"] else f"{int(result['hidden'].sum()):,} hidden"
    unknown = result.attrs["dropped_unknown_population"]
    print(f"{len(result):,} pockets; {hidden}; {result.attrs['dropped_small']:,} small pockets dropped"
          + (f"; {unknown:,} of unknown population dropped" if unknown else ""), file=sys.stderr)
    _write(result, args.out, args.overwrite)


def _cmd_map(args: argparse.Namespace) -> None:
    from geo.outputs.export import export
    from geo.outputs.maps import map as choropleth
    from geo.outputs.plotting import plot

    data = _read_table(args.input)
    options = dict(value=args.value, level=args.level, within=args.within, scheme=args.scheme, k=args.k,
                   higher_is_better=not args.lower_is_better, code=args.code or str(data.columns[0]), title=args.title)
    figure = plot(data, **options) if Path(args.out).suffix.lower() in (".png", ".svg", ".pdf") else choropleth(data, **options)
    export(figure, args.out, overwrite=args.overwrite)
    print(f"wrote {args.out}", file=sys.stderr)


def _cmd_report(args: argparse.Namespace) -> None:
    from geo.geography.places import resolve
    from geo.outputs.report import build_report

    threshold: str | float | None = args.threshold
    try:
        threshold = float(args.threshold) if args.threshold is not None else None
    except ValueError:
        pass
    options = dict(indicator=args.indicator, value=args.value, kind=args.kind, level=args.level, within=args.within,
                   higher_is_better=None if args.higher_is_better is None else args.higher_is_better == "yes", threshold=threshold)
    if args.all_areas:
        from geo.outputs.report_batch import report_all, summary_text

        table = report_all(args.all_areas.split(","), args.out, overwrite=args.overwrite, **options)
        print(summary_text(table))
        crashed = int((table["outcome"] == "crashed").sum())
        if crashed:
            print(f"levelup: {crashed:,} areas crashed with an unexpected error (see the table)", file=sys.stderr)
            raise SystemExit(1)
        return
    # resolved here so that its messages name --area and --area-level (a report's --level is another)
    place = resolve(args.area, level=args.area_level, arguments=("query", "area_level"))
    target = build_report(place.code, args.out, overwrite=args.overwrite, **options)
    print(f"report written to {target}/index.html")


def _cmd_scorecard(args: argparse.Namespace) -> None:
    from geo.outputs.scorecard_pack import build_scorecard

    target = build_scorecard(args.area, args.out, level=args.level, overwrite=args.overwrite)
    print(f"scorecard written to {target}/index.html")


def _common(p: argparse.ArgumentParser, *, kinds: bool = True) -> None:
    p.add_argument("input", metavar="INPUT", help="CSV (codes in a column) or GeoPackage/GeoParquet layer")
    p.add_argument("--value", required=True, help="value column(s); repeat for several", action="append" if kinds else "store")
    p.add_argument("--code", help="column holding the area codes (default: the first column)")
    p.add_argument("--level", help="level of the codes (default: detected)")
    p.add_argument("--out", help="output file (.csv, .gpkg, .parquet, .geojson; default: CSV to stdout)")
    p.add_argument("--overwrite", action="store_true", help="replace an existing output file")


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of ``levelup``.

    Returns
    -------
    argparse.ArgumentParser
        The parser; each command sets ``func``, the function :func:`main` runs.

    Examples
    --------
    >>> args = build_parser().parse_args(["report", "--area", "County Durham", "--out", "durham"])
    >>> args.command, args.area, args.out, args.level, args.within
    ('report', 'County Durham', 'durham', None, 'lad24')
    >>> args.func.__name__
    '_cmd_report'
    """
    parser = Parser(
        prog="levelup",
        description="Boundary and lookup layers for UK geographies (LSOA to ITL1).",
        epilog="Data come from the cache, else the mirror (LEVELUP_MIRROR), else ONS.",
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="log progress (-vv for debug)")
    commands = parser.add_subparsers(dest="command", required=True)

    p = commands.add_parser("levels", help="list the geography levels", description="List the levels. Example: levelup levels --csv")
    p.add_argument("--csv", action="store_true", help="write CSV instead of a table")
    p.set_defaults(func=_cmd_levels)

    data = commands.add_parser("data", help="inspect or fill the cache").add_subparsers(dest="data_command", required=True)
    p = data.add_parser("status", help="what is cached, where from, sizes", description="Example: levelup data status")
    p.set_defaults(func=_cmd_status)
    p = data.add_parser("fetch", help="fetch a level (boundaries and lookups), a product, or everything",
                        description="Examples: levelup data fetch lsoa21; levelup data fetch --product lad24_buc; "
                                    "levelup data fetch --product ess_healthy-life-expectancy; levelup data fetch --all")
    p.add_argument("level", nargs="?", metavar="LEVEL")
    p.add_argument("--product", action="append", metavar="ID",
                   help="a catalogue product id, ess_<indicator>, or ess (every known indicator); repeat for several")
    p.add_argument("--all", action="store_true", help="every product and level; reports each and continues past failures")
    p.add_argument("--refresh", action="store_true", help="fetch again even when cached")
    p.set_defaults(func=_cmd_fetch)

    p = commands.add_parser("lookup", help="print a lookup as CSV",
                            description="Example: levelup lookup lsoa21 itl1 E01000001 W01000003 (codes may come on stdin)")
    p.add_argument("from_level", metavar="FROM")
    p.add_argument("to_level", metavar="TO")
    p.add_argument("codes", nargs="*", metavar="CODES")
    p.add_argument("--best-fit", action="store_true", help="assign straddling areas to their main parent")
    p.set_defaults(func=_cmd_lookup)

    p = commands.add_parser("area", help="resolve an area name or code", description='Examples: levelup area "County Durham"; levelup area Hull; '
                            "levelup area Lancashire --level pfa24")
    p.add_argument("query")
    p.add_argument("--level", help="only areas of this level (e.g. lad24, utla23, pfa24, rgn24): for a name several levels share")
    p.set_defaults(func=_cmd_area)

    example = "Example: levelup aggregate crimes.csv --code LSOA21CD --value crimes --kind count --to lad24 --out lad.csv"
    p = commands.add_parser("aggregate", help="aggregate an indicator to a coarser level", description="Aggregate an indicator to a coarser level.", epilog=example)
    _common(p)
    p.add_argument("--to", required=True, help="target level, e.g. lad24, utla23, pfa24, itl1")
    p.add_argument("--kind", required=True, choices=("count", "rate", "mean", "median"))
    p.add_argument("--weight", help="weight column for means (default: Census 2021 population)")
    p.add_argument("--numerator", help="numerator column for rates")
    p.add_argument("--denominator", help="denominator column for rates")
    p.add_argument("--min-coverage", type=float, help="blank parents whose data cover less than this share")
    p.add_argument("--report-unknown", action="store_true", help="exclude (and report) codes that are not of the level")
    p.add_argument("--approximate", action="store_true",
                   help="with --kind median: the weighted median of the areas' values (--weight, default Census 2021 population), an approximation")
    p.set_defaults(func=_cmd_aggregate)

    example = "Example: levelup disaggregate jobs.csv --code lad24 --value jobs --kind count --to lsoa21 --out lsoa.csv"
    p = commands.add_parser("disaggregate", help="split an indicator down to a finer level", description="Split an indicator down to a finer level.", epilog=example)
    _common(p)
    p.add_argument("--to", required=True, help="the finer level, e.g. lsoa21")
    p.add_argument("--kind", required=True, choices=("count", "rate", "mean", "median"))
    p.add_argument("--weight", default="population", choices=("population", "equal"),
                   help="how counts are shared: Census 2021 population (England and Wales; default) or equally (e.g. Scottish data zones)")
    p.set_defaults(func=_cmd_disaggregate)

    example = "Example: levelup assign points.parquet --to lsoa21 --out codes.parquet   (also a CSV file, a folder or a glob of files)"
    p = commands.add_parser("assign", help="assign points to the areas they lie in, file by file (bounded memory)",
                            description="Assign points to areas, streaming partition by partition with Dask (bounded memory).", epilog=example)
    p.add_argument("points", metavar="INPUT", help="Parquet/GeoParquet or CSV file, folder of Parquet files, or a glob (quoted)")
    p.add_argument("--to", dest="level", default="lsoa21", help="level of the areas (default lsoa21)")
    p.add_argument("--out", required=True, help="output file (.parquet or .csv): the input's columns (not geometry) plus the codes")
    p.add_argument("--x", help="x coordinate column (default: detected: longitude/lon, easting)")
    p.add_argument("--y", help="y coordinate column")
    p.add_argument("--crs", help="CRS of --x/--y, e.g. EPSG:4326 (degrees) or EPSG:27700 (metres)")
    p.add_argument("--nearest-within", type=float, default=0.0, help="give points in no area the nearest area within this many metres")
    p.add_argument("--overwrite", action="store_true", help="replace an existing output file")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_assign)

    example = "Example: levelup pockets iod.csv --code LSOA21CD --value IMD_score --worse high --within lad24 --out pockets.gpkg"
    p = commands.add_parser("pockets", help="find contiguous left-behind pockets", description="Find contiguous left-behind pockets.", epilog=example)
    _common(p, kinds=False)
    p.add_argument("--within", default="lad24", help="parent level (default lad24)")
    p.add_argument("--worse", required=True, choices=("high", "low"),
                   help="required: 'high' if high values are worse (deprivation scores), 'low' if low values are (life expectancy)")
    p.add_argument("--threshold", default="national_decile_1", help="national_decile_N, national_percentile_P, parent_mean, hotspot or a number")
    p.add_argument("--min-population", type=float, default=0,
                   help="drop pockets with fewer residents (Census 2021; above 0, pockets of unknown population are dropped too)")
    p.add_argument("--weight", default="population",
                   help="weights of pocket and parent averages: population (Census 2021, England and Wales), none (equal), or a column")
    p.set_defaults(func=_cmd_pockets, level="lsoa21")

    example = 'Example: levelup map iod.csv --code LSOA21CD --value IMD_score --within E06000047 --lower-is-better --out durham.html'
    p = commands.add_parser("map", help="draw a choropleth (.html interactive, .png/.svg/.pdf static)", description="Draw a choropleth (.html interactive, .png/.svg/.pdf static).", epilog=example)
    _common(p, kinds=False)
    p.add_argument("--within", help="an area code: map only the areas inside it")
    p.add_argument("--scheme", default="quantiles", help="mapclassify scheme (default quantiles)")
    p.add_argument("--k", type=int, default=5, help="number of classes")
    p.add_argument("--lower-is-better", action="store_true", help="high values are bad (deprivation scores)")
    p.add_argument("--title", help="map title")
    p.set_defaults(func=_cmd_map)

    example = ('Example: levelup report --area "County Durham" --out out/durham   (default indicator: the nation\'s deprivation index: '
               "IoD2025 for England, WIMD 2019 for Wales, SIMD 2020 for Scotland; none for Northern Ireland); "
               "every area: levelup report --all-areas lad24,utla23,pfa24,itl1 --out out/all-areas")
    p = commands.add_parser("report", help="the map pack for one area: index.html, map.png, pockets.gpkg, tables",
                            description="The map pack for one area: index.html, map.png, pockets.gpkg, tables.", epilog=example)
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--area", help="area name or code at any level (district, county, police force area, region, ITL1, nation)")
    which.add_argument("--all-areas", metavar="LEVELS",
                       help="comma-separated levels (e.g. lad24,utla23,pfa24,itl1): a pack for every area, in OUT/LEVEL/CODE, and a table of outcomes")
    p.add_argument("--area-level", help="level of --area, for a name several levels share (e.g. pfa24 for the police force area "
                                        "of Lancashire; default: a local authority where one has the name)")
    p.add_argument("--out", required=True, help="output folder (new or empty; an earlier report is replaced only with --overwrite)")
    p.add_argument("--indicator", help="catalogue/ESS indicator id or a CSV of codes (default: the area's nation's deprivation index: "
                                       "iod2025, wimd2019 or simd2020; Northern Irish areas need one)")
    p.add_argument("--value", help="value column or ESS indicator name (default: the index's score, IMD_score; SIMD: IMD_rank)")
    p.add_argument("--kind", default="mean", choices=("count", "rate", "mean", "median"))
    p.add_argument("--level", help="level of the mapped areas (default: the index's, lsoa21 or dz11 for the SIMD; lsoa21 for other indicators)")
    p.add_argument("--within", default="lad24", help="level of the districts pockets are reported in (default lad24)")
    p.add_argument("--higher-is-better", choices=("yes", "no"), help="direction of the indicator: required except for a deprivation index")
    p.add_argument("--threshold", help="national_decile_N (default national_decile_1 where the indicator covers a whole nation), "
                                       "national_percentile_P, parent_mean, hotspot or a number")
    p.add_argument("--overwrite", action="store_true", help="replace an earlier report in --out (never other files)")
    p.set_defaults(func=_cmd_report)
    p = commands.add_parser("missions", help="the levelling-up missions' metrics: ESS file, levels, unit, direction",
                            description="The 12 levelling-up missions' headline and supporting metrics (2022 technical annex): the ESS file "
                                        "carrying each, the levels it is published at, its unit and direction.",
                            epilog="Examples: levelup missions; levelup missions --csv missions.csv")
    p.add_argument("--csv", dest="path", metavar="FILE", help="write the whole table as CSV to FILE instead of printing it")
    p.add_argument("--overwrite", action="store_true", help="replace an existing FILE")
    p.set_defaults(func=_cmd_missions)

    p = commands.add_parser("scorecard", help="where an area stands on every levelling-up mission metric: index.html, scorecard.csv, maps.png",
                            description="Where an area stands on every levelling-up mission metric: index.html, scorecard.csv, maps.png.",
                            epilog='Example: levelup scorecard --area "Blackpool" --out out/blackpool-scorecard')
    p.add_argument("--area", required=True, help="district, county or unitary authority, or police force area (name or code)")
    p.add_argument("--level", help="level of --area, for a name several levels share (lad24, utla23 or pfa24)")
    p.add_argument("--out", required=True, help="output folder (new or empty; an earlier scorecard is replaced only with --overwrite)")
    p.add_argument("--overwrite", action="store_true", help="replace an earlier scorecard or report in --out (never other files)")
    p.set_defaults(func=_cmd_scorecard)
    for path, leaf in leaves(parser):  # every command's errors speak its own options
        leaf.set_defaults(spelled=spellings(leaf, path[-1]))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``levelup``; return the exit status.

    0 success; 2 a clear error (a :class:`~geo.errors.LevelupError`, one line on standard
    error); 130 interrupted; 70 an internal error (a bug: one line, and the traceback with ``-v``).

    Examples
    --------
    >>> main(["area", "County Durham"])
    lad24	E06000047	County Durham
    0
    """
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=[logging.WARNING, logging.INFO, logging.DEBUG][min(args.verbose, 2)],
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        args.func(args)
    except LevelupError as exc:
        print(f"levelup: error: {in_cli_terms(str(exc), getattr(args, 'spelled', {}))}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        print("levelup: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: say so in one line; -v shows where
        log.debug("internal error", exc_info=True)
        if args.verbose:
            traceback.print_exc()
        print(f"levelup: internal error: {type(exc).__name__}: {exc} (a bug in levelup-geo: please report it "
              "with the output of the same command run with -v)", file=sys.stderr)
        return 70
    return 0


def run() -> NoReturn:
    """The ``levelup`` executable: :func:`main`, then a prompt exit.

    Native thread pools of the libraries underneath (Arrow's CPU and I/O pools) can still be
    alive when the interpreter tears down, and tearing them down then aborted an otherwise
    finished command once in tens of runs ("terminate called without an active exception",
    exit status -6; apache/arrow#34314). So after the command the standard streams are
    flushed, Python's exit handlers run (temporary folders removed, logs flushed), and the
    process ends without the interpreter's and the C++ libraries' teardown, which has
    nothing left to do.

    Examples
    --------
    >>> import subprocess, sys
    >>> script = "import sys; sys.argv = ['levelup', 'area', 'Rutland']; from geo.cli import run; run()"
    >>> done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    >>> done.returncode, done.stdout
    (0, 'lad24\\tE06000017\\tRutland\\n')
    """
    code = main()
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # a reader that went away (`levelup lookup ... | head`)
        pass
    sys.stderr.flush()
    atexit._run_exitfuncs()
    os._exit(code)


if __name__ == "__main__":
    run()
