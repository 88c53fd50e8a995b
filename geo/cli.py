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
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

import pandas as pd

from geo import cache, catalogue, lookups, products, registry, settings
from geo.places import area
from geo.layers import boundaries
from geo.errors import InputError, LevelupError, examples


def _cmd_levels(args: argparse.Namespace) -> None:
    table = registry.levels()
    if args.csv:
        table.to_csv(sys.stdout)
    else:
        with pd.option_context("display.width", 250, "display.max_columns", 20, "display.max_colwidth", 60):
            print(table.to_string())


def _cmd_status(args: argparse.Namespace) -> None:
    print(f"cache:  {settings.get_cache_dir()}")
    print(f"mirror: {settings.get_mirror() or '(none: set LEVELUP_MIRROR)'}")
    print(f"offline: {settings.is_offline()}")
    entries = cache.entries()
    cached = {entry.get("key") for entry in entries}
    print(f"\n{len(entries)} cache entries:")
    for entry in entries:
        size = entry.get("bytes", 0) / 1e6
        print(f"  {entry.get('key', '?'):<40} {entry.get('rows', '?'):>8} rows {size:8.2f} MB  from {entry.get('source', '?')}")
    missing = [p for p in catalogue.products().values() if p.kind != "table" and f"products/{p.id}" not in cached]
    if missing:
        print(f"\n{len(missing)} catalogue products not cached yet:")
        for item in missing:
            print(f"  {item.id:<28} {item.file}  (publisher: {products.source_of(item)})")


def _cmd_fetch(args: argparse.Namespace) -> None:
    if args.all == bool(args.level):
        raise InputError("data fetch: give one LEVEL or --all, e.g. `levelup data fetch lsoa21`")
    if args.all:
        for item in catalogue.products().values():
            products.load(item.id, refresh=args.refresh)
            print(f"fetched product {item.id}")
        wanted = list(registry.specs())
    else:
        wanted = [registry.resolve(args.level, argument="LEVEL")]
    for level in wanted:
        layer = boundaries(level)
        for parent in registry.spec(level).nests_in:
            lookups.lookup(level, parent)
        print(f"ready: {level} ({len(layer):,} areas, lookups to {', '.join(registry.spec(level).nests_in) or 'none'})")


def _cmd_lookup(args: argparse.Namespace) -> None:
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
    found = area(args.query)
    print(f"{found.level}\t{found.code}\t{found.name}")


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of ``levelup``."""
    parser = argparse.ArgumentParser(
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
    p = data.add_parser("fetch", help="fetch a level (boundaries and lookups) or everything",
                        description="Examples: levelup data fetch lsoa21; levelup data fetch --all")
    p.add_argument("level", nargs="?", metavar="LEVEL")
    p.add_argument("--all", action="store_true", help="every product and level")
    p.add_argument("--refresh", action="store_true", help="fetch again even when cached")
    p.set_defaults(func=_cmd_fetch)

    p = commands.add_parser("lookup", help="print a lookup as CSV",
                            description="Example: levelup lookup lsoa21 itl1 E01000001 W01000003 (codes may come on stdin)")
    p.add_argument("from_level", metavar="FROM")
    p.add_argument("to_level", metavar="TO")
    p.add_argument("codes", nargs="*", metavar="CODES")
    p.add_argument("--best-fit", action="store_true", help="assign straddling areas to their main parent")
    p.set_defaults(func=_cmd_lookup)

    p = commands.add_parser("area", help="resolve an area name or code", description='Example: levelup area "County Durham"')
    p.add_argument("query")
    p.set_defaults(func=_cmd_area)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``levelup``; return the exit status (0 success, 2 a clear error)."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=[logging.WARNING, logging.INFO, logging.DEBUG][min(args.verbose, 2)],
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        args.func(args)
    except LevelupError as exc:
        print(f"levelup: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
