"""Benchmarks (run with `make bench`): the main job, ``levelup report --area "County Durham"``,
from a fresh process with a warm cache, and the peak memory of it and of a national map build
(issue 11, points 1 and 4).

Each run is a new interpreter started as a user starts it (the ``levelup`` console script), so
the time includes importing the libraries. One warm-up run fills the cache and the OS file
cache; the claim is on the median of 3 runs after it. Peak memory is the child's maximum
resident set size (``ru_maxrss`` from ``os.wait4``, the same figure as
``resource.getrusage(RUSAGE_CHILDREN)`` for one child), printed and stored in ``extra_info``.

Issue 11 asks for <= 2.5 s wall. Not reached: on 2026-11-26 (2 cores shared with three other
jobs, load average 5-9) the warm report used 8.3-9.1 s of CPU (user + system) before issue 11
and 4.6-5.4 s after in the lighter moments, of which ~1.8 s is importing pandas, geopandas,
folium, scipy.sparse and matplotlib; peak RSS 600 MB before, 475-545 MB after. On that machine
neither wall nor CPU time is stable (both doubled when the load rose), so what is asserted is a
ratio measured in the same run, as in the other benchmarks: the report's CPU time over that of a
process that only imports the libraries the report needs (``YARDSTICK``), the two run in
alternation; the wall median and the peak RSS are printed and stored beside it.
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

LEVELUP = Path(sys.executable).parent / "levelup"
AREA = "County Durham"
#: Issue 11's goal (wall seconds), not reached (module description).
GOAL_S = 2.5
#: A process importing what the report must import, and nothing else.
YARDSTICK = ("import pandas, geopandas, shapely, pyogrio, pyarrow.parquet, folium, scipy.sparse.csgraph, "
             "matplotlib.figure, matplotlib.backends.backend_agg")
#: What is asserted: report CPU / yardstick CPU, medians of 3 (see RATIO_MEASURED).
RATIO_LIMIT = 3.5
#: The ratio measured when the limit was set, after issue 11's changes (not measured before them).
RATIO_MEASURED = "2.41 (load average 11)"


def _child(argv: list[str]) -> tuple[float, float, int]:
    """Run ``argv`` in a new process; return its wall seconds, CPU seconds and peak RSS in bytes."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            errors.seek(0)
            raise AssertionError(f"{argv[:3]} failed ({process.returncode}): {errors.read().decode(errors='replace')[-2000:]}")
    # ru_maxrss is in kilobytes on Linux
    return wall, usage.ru_utime + usage.ru_stime, int(usage.ru_maxrss) * 1024


def test_report_county_durham_warm(benchmark: Any, tmp_path: Path) -> None:
    argv = [str(LEVELUP), "report", "--area", AREA, "--out", str(tmp_path / "report"), "--overwrite"]
    _child(argv)  # warm-up: the cache and the OS file cache are filled
    runs: list[tuple[float, float, int]] = []
    bare: list[tuple[float, float, int]] = []

    def run() -> None:
        bare.append(_child([sys.executable, "-c", YARDSTICK]))  # in alternation: both see the same load
        runs.append(_child(argv))

    benchmark.pedantic(run, rounds=3, iterations=1)
    median = statistics.median(r[0] for r in runs)
    cpu = statistics.median(r[1] for r in runs)
    imports = statistics.median(r[1] for r in bare)
    peak = max(r[2] for r in runs)
    ratio = cpu / imports
    benchmark.extra_info.update({"median_s": round(median, 3), "cpu_s": round(cpu, 3), "imports_cpu_s": round(imports, 3),
                                 "ratio": round(ratio, 2), "ratio_limit": RATIO_LIMIT, "peak_rss_mb": round(peak / 1e6, 1), "goal_s": GOAL_S})
    print(f"\nlevelup report --area {AREA!r}, warm: median {median:.2f} s wall, {cpu:.2f} s of CPU, of 3 fresh processes; "
          f"peak RSS {peak / 1e6:.0f} MB; the libraries' imports alone {imports:.2f} s of CPU: ratio {ratio:.2f} "
          f"(limit {RATIO_LIMIT}, measured {RATIO_MEASURED}; issue 11 goal {GOAL_S} s wall, not reached)")
    assert (tmp_path / "report" / "index.html").is_file()
    assert ratio <= RATIO_LIMIT, f"warm report: {ratio:.2f} times the CPU of importing its libraries; the limit is {RATIO_LIMIT}"


def test_national_map_build_peak_memory(benchmark: Any, tmp_path: Path) -> None:
    """The national LSOA map of the IoD2025 score, built and written in a fresh process."""
    mirror = os.environ["LEVELUP_MIRROR"]
    code = ("import sys, pandas as pd, geo\n"
            f"iod = pd.read_csv({mirror!r} + '/indicators/IoD2025_LSOA21_EN_scores_ranks_deciles.csv')\n"
            "geo.export(geo.map(iod, code='LSOA21CD', value='IMD_score', higher_is_better=False), sys.argv[1], overwrite=True)\n")
    page = tmp_path / "national.html"
    runs: list[tuple[float, float, int]] = []
    benchmark.pedantic(lambda: runs.append(_child([sys.executable, "-c", code, str(page)])), rounds=1, iterations=1)
    wall, cpu, peak = runs[0]
    benchmark.extra_info.update({"wall_s": round(wall, 2), "peak_rss_mb": round(peak / 1e6, 1), "size_mb": round(page.stat().st_size / 1e6, 2)})
    print(f"\nnational map: {wall:.1f} s ({cpu:.1f} s of CPU) in a fresh process, peak RSS {peak / 1e6:.0f} MB, "
          f"{page.stat().st_size / 1e6:.1f} MB written")
    assert page.stat().st_size > 1_000_000
