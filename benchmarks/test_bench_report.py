"""Benchmarks (run with `make bench`): the main job, ``levelup report --area "County Durham"``,
from a fresh process with a warm cache, and the peak memory of it and of a national map build
(issue 11, points 1 and 4).

Each run is a new interpreter started as a user starts it (the ``levelup`` console script), so
the time includes importing the libraries. One warm-up run fills the cache and the OS file
cache; the claim is on the median of 5 runs after it. Peak memory is the process's peak
resident set (``VmHWM``, written by the process as it exits); the helper that draws
``map.png`` meanwhile (numpy and matplotlib only) is measured apart, as a process importing
what it imports. Both are printed and stored in ``extra_info``.

Issue 11 asks for <= 2.5 s wall (3.03 s on an idle machine before these changes; ~6.9 s before
issue 11). What is asserted is that goal, scaled by how much the machine stretches a process
during the same run: a process that only imports the report's libraries (``YARDSTICK``, one
thread) is timed in alternation with the report, and its wall time over its CPU time (about 1
on an idle machine, more with other jobs on the two cores) multiplies the 2.5 s. On an idle
machine the assertion is the goal itself. (CPU time itself grows on a busy machine, so the
scaling is conservative: with other jobs running the report can fail it without being slower.)
The report draws ``map.png`` in a helper process only when a processor is free
(:func:`geo.outputs.report_png.spare_core`); measured on 2026-11-26 with other jobs on the
machine (load average 3): 2.8-3.2 s drawing in process, 3.3-3.5 s with the helper competing.

Memory (point 4): the national LSOA map of the IoD2025 score is built and written in a fresh
process, beside two yardsticks: a process importing the same libraries (``bare``) and one that
also loads the national LSOA layer (``layer``); ``layer - bare`` is the layer's size in memory.
No step holds a second full-resolution copy of the layer (the layer is read once, from the
cache, and the map simplifies it); what the build holds beyond the loaded layer is the web
copy being simplified — GEOS's coverage simplification needs about 1.5 times the layer while it
runs, and freed memory is kept by the allocator — the topology's arrays and the page's text.
Asserted: ``build - bare <= LAYERS_LIMIT`` layers (4.04 measured on 2026-11-26: the layer, about
1.5 layers of the simplification's memory and the topology and page; a further full copy of
the layer held by any step would exceed it).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

AREA = "County Durham"
#: Issue 11's goal (wall seconds on an idle machine; module description).
GOAL_S = 2.5
#: A process importing what the report must import, and nothing else (one thread).
YARDSTICK = "import pandas, geopandas, shapely, pyogrio, pyarrow.parquet, folium, matplotlib.figure, matplotlib.backends.backend_agg"
#: Rounds of the report (and of the yardstick, in alternation); the median is asserted.
ROUNDS = 5
#: The national map build may hold this many times the layer's size beyond the imports (module description).
LAYERS_LIMIT = 4.5


#: Prefixed to each measured program: at exit it writes its peak resident set (VmHWM) to the file
#: named by LEVELUP_BENCH_PEAK. (``ru_maxrss`` of a child is no good here: Linux starts it at the
#: size of the process that launched it, this large pytest process.)
PEAK_HOOK = ("import atexit as _a, os as _o\n"
             "def _peak():\n"
             "    line = next(l for l in open('/proc/self/status') if l.startswith('VmHWM:'))\n"
             "    open(_o.environ['LEVELUP_BENCH_PEAK'], 'w').write(str(int(line.split()[1]) * 1024))\n"
             "_a.register(_peak)\n")
#: ``levelup`` as its console script runs it (geo.cli.run: the command, exit handlers, exit).
LEVELUP_CODE = "import sys\nsys.argv[0] = 'levelup'\nfrom geo.cli import run\nrun()\n"


def _child(code: str, *args: str) -> tuple[float, float, int]:
    """Run ``python -c code args`` in a new process; return its wall seconds, CPU seconds (its
    own and its children's) and peak RSS in bytes (its own, read by the process itself)."""
    with tempfile.TemporaryDirectory() as folder:
        peak_file, errors_file = Path(folder) / "peak", Path(folder) / "errors"
        with errors_file.open("wb") as errors:
            start = time.perf_counter()
            process = subprocess.Popen([sys.executable, "-c", PEAK_HOOK + code, *args], stdout=subprocess.DEVNULL, stderr=errors,
                                       env={**os.environ, "LEVELUP_BENCH_PEAK": str(peak_file)})
            _, status, usage = os.wait4(process.pid, 0)
            wall = time.perf_counter() - start
        code_ = os.waitstatus_to_exitcode(status)
        if code_ != 0:
            raise AssertionError(f"{code[:60]!r} {args[:2]} failed ({code_}): {errors_file.read_text(errors='replace')[-2000:]}")
        return wall, usage.ru_utime + usage.ru_stime, int(peak_file.read_text())


def test_report_county_durham_warm(benchmark: Any, tmp_path: Path) -> None:
    argv = ["report", "--area", AREA, "--out", str(tmp_path / "report"), "--overwrite"]
    _child(LEVELUP_CODE, *argv)  # warm-up: the cache and the OS file cache are filled
    runs: list[tuple[float, float, int]] = []
    bare: list[tuple[float, float, int]] = []

    def run() -> None:
        bare.append(_child(YARDSTICK))  # in alternation: both see the same load
        runs.append(_child(LEVELUP_CODE, *argv))

    benchmark.pedantic(run, rounds=ROUNDS, iterations=1)
    median = statistics.median(r[0] for r in runs)
    cpu = statistics.median(r[1] for r in runs)
    stretch = max(1.0, statistics.median(wall / cpu for wall, cpu, _ in bare))
    yardstick = statistics.median(r[0] for r in bare)
    limit = GOAL_S * stretch
    peak = max(r[2] for r in runs)
    helper = _child("import numpy, matplotlib.figure, matplotlib.backends.backend_agg, matplotlib.collections, PIL.PngImagePlugin")[2]
    benchmark.extra_info.update({"median_s": round(median, 3), "cpu_s": round(cpu, 3), "stretch": round(stretch, 2),
                                 "limit_s": round(limit, 2), "goal_s": GOAL_S, "yardstick_s": round(yardstick, 3), "peak_rss_mb": round(peak / 1e6, 1),
                                 "helper_rss_mb": round(helper / 1e6, 1)})
    print(f"\nlevelup report --area {AREA!r}, warm: median {median:.2f} s wall, {cpu:.2f} s of CPU (with the map.png helper), "
          f"of {ROUNDS} fresh processes; peak RSS {peak / 1e6:.0f} MB (the map.png helper about {helper / 1e6:.0f} MB more); the imports alone {yardstick:.2f} s; the machine stretches a process {stretch:.2f} times "
          f"(load average {os.getloadavg()[0]:.1f}), so the limit is {limit:.2f} s (goal {GOAL_S} s idle)")
    assert (tmp_path / "report" / "index.html").is_file() and (tmp_path / "report" / "map.png").is_file()
    assert median <= limit, f"warm report: median {median:.2f} s; the limit is {limit:.2f} s ({GOAL_S} s x stretch {stretch:.2f})"


def test_national_map_build_peak_memory(benchmark: Any, tmp_path: Path) -> None:
    """The national LSOA map of the IoD2025 score, built and written in a fresh process,
    against the imports alone and the imports with the layer loaded (module description)."""
    mirror = os.environ["LEVELUP_MIRROR"]
    imports = "import sys, pandas as pd, geopandas, folium, shapely, pyogrio, pyarrow.parquet, geo, geo.outputs.maps, geo.outputs.export\n"
    layer = imports + "layer = geo.boundaries('lsoa21')\n"
    build = imports + (f"iod = pd.read_csv({mirror!r} + '/indicators/IoD2025_LSOA21_EN_scores_ranks_deciles.csv')\n"
                       "geo.export(geo.map(iod, code='LSOA21CD', value='IMD_score', higher_is_better=False), sys.argv[1], overwrite=True)\n")
    page = tmp_path / "national.html"
    runs: list[tuple[float, float, int]] = []
    benchmark.pedantic(lambda: runs.append(_child(build, str(page))), rounds=1, iterations=1)
    wall, cpu, peak = runs[0]
    bare = min(_child(imports)[2] for _ in range(2))
    loaded = min(_child(layer)[2] for _ in range(2))
    size = loaded - bare
    layers = (peak - bare) / size
    benchmark.extra_info.update({"wall_s": round(wall, 2), "peak_rss_mb": round(peak / 1e6, 1), "imports_rss_mb": round(bare / 1e6, 1),
                                 "layer_mb": round(size / 1e6, 1), "layers": round(layers, 2), "size_mb": round(page.stat().st_size / 1e6, 2)})
    print(f"\nnational map: {wall:.1f} s ({cpu:.1f} s of CPU) in a fresh process, peak RSS {peak / 1e6:.0f} MB: the imports "
          f"{bare / 1e6:.0f} MB, the LSOA layer {size / 1e6:.0f} MB, the build {(peak - bare) / 1e6:.0f} MB beyond the imports = "
          f"{layers:.2f} layers (limit {LAYERS_LIMIT}); {page.stat().st_size / 1e6:.1f} MB written")
    assert page.stat().st_size > 1_000_000
    assert size > 20e6, f"the LSOA layer measured {size / 1e6:.0f} MB in memory; expected tens of MB"
    assert layers <= LAYERS_LIMIT, f"the national map build holds {layers:.2f} times the layer beyond its imports; the limit is {LAYERS_LIMIT}"
