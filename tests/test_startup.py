"""Issue 10, point 8: ``import geo`` and ``levelup --help`` load nothing they do not use.

Each check runs a fresh interpreter (a module imported by an earlier test would hide a slow
import) and reads what it imported: ``sys.modules``, or ``python -X importtime``'s list. The
timings themselves are in ``make bench`` (benchmarks/test_bench_startup.py).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import geo

LEVELUP = Path(sys.executable).parent / "levelup"
#: libraries that take most of a second each to import; none of them is needed to start
HEAVY = ("libpysal", "esda", "matplotlib", "folium", "mapclassify", "sklearn", "scipy")


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)


def _top_level(modules: list[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


def test_import_geo_loads_no_heavy_library() -> None:
    done = _python("import json, sys, geo; print(json.dumps(sorted(sys.modules)))")
    loaded = _top_level(json.loads(done.stdout))
    assert "geo" in loaded
    assert loaded.isdisjoint({*HEAVY, "pandas", "geopandas", "shapely", "pyogrio"}), sorted(loaded & {*HEAVY, "pandas", "geopandas"})


def test_levelup_help_imports_no_pandas() -> None:
    """The real console script, run with ``-X importtime``: every module it imported is listed."""
    done = subprocess.run([sys.executable, "-X", "importtime", str(LEVELUP), "--help"], capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0 and done.stdout.startswith("usage: levelup"), done.stderr[-500:]
    imported = re.findall(r"^import time:\s+\d+ \|\s+\d+ \|\s*(\S+)$", done.stderr, flags=re.MULTILINE)
    assert "geo.cli" in imported and "argparse" in imported  # the list is read right
    assert _top_level(imported).isdisjoint({*HEAVY, "pandas", "geopandas", "numpy"}), sorted(_top_level(imported) & {*HEAVY, "pandas", "numpy"})


def test_a_usage_error_imports_no_pandas_either() -> None:
    code = ("import json, sys; from geo.cli import main\ntry:\n    main(['pockets'])\nexcept SystemExit:\n    pass\n"
            "print(json.dumps(sorted(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert "levelup: error: the following arguments are required" in done.stderr
    assert "pandas" not in _top_level(json.loads(done.stdout))


def test_a_function_loads_only_what_it_uses() -> None:
    """``geo.area`` needs pandas and the cache, not the spatial statistics or the map libraries;
    ``geo.hotspots`` loads esda and libpysal when it runs, not when it is looked up."""
    done = _python("import json, sys, geo\ngeo.area; geo.pockets; geo.export; geo.hotspots; geo.contiguity\n"
                   "print(json.dumps(sorted(sys.modules)))")
    loaded = _top_level(json.loads(done.stdout))
    assert "pandas" in loaded and "geo" in loaded
    assert loaded.isdisjoint({"libpysal", "esda", "matplotlib", "folium", "mapclassify"}), sorted(loaded & set(HEAVY))


def test_every_public_name_is_there() -> None:
    """The lazy names are the functions of their modules; ``dir(geo)`` lists them all; a module
    of the package (``geo.outputs.classes``) is reachable after a plain ``import geo``."""
    from geo.geography import places
    from geo.outputs import maps

    assert set(geo.__all__) <= set(dir(geo))
    for name in geo.__all__:
        assert getattr(geo, name) is not None, name
    assert geo.area is places.area and geo.map is maps.map and geo.Area is places.Area
    done = _python("import geo\nprint(geo.outputs.classes.MISSING, geo.geography.places.LEVEL_WORDS['pfa24'], callable(geo.cli.main))")
    assert done.stdout.split() == ["#d9d9d9", "police", "force", "area", "True"]
    try:
        geo.no_such_name  # noqa: B018
    except AttributeError as exc:
        assert "module 'geo' has no attribute 'no_such_name'" in str(exc)
    else:
        raise AssertionError("geo.no_such_name did not raise AttributeError")
