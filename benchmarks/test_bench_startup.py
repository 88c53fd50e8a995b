"""Benchmarks (run with `make bench`): how fast the package starts, in fresh processes.

Each round starts a new interpreter (nothing imported yet, as for a user), so the figures are
wall-clock times of whole processes, interpreter start-up included. Claims (issue 10, point 8),
each asserted on the median of 5 rounds after one warm-up round (files in the OS cache):

- ``python -c "import geo"`` under 1.5 s (medians of 0.03-0.18 s on 2026-11-26, 2 cores with
  other jobs running; 2.5-4.4 s before the public names were loaded lazily);
- ``levelup --help`` under 0.5 s (medians of 0.05-0.27 s; 2.1-4.7 s before the commands
  imported their modules when run).

The plain way of the other benchmarks is here the interpreter alone (``python -c pass``):
the ratio in ``extra_info`` says how much the package adds to it.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

LEVELUP = Path(sys.executable).parent / "levelup"


def _process(*argv: str) -> Callable[[], None]:
    def run() -> None:
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
    return run


def _seconds(run: Callable[[], None]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def _median_under(benchmark: Any, run: Callable[[], None], *, limit: float, claim: str) -> None:
    benchmark.pedantic(run, rounds=5, iterations=1, warmup_rounds=1)
    median = benchmark.stats.stats.median
    bare = sorted(_seconds(_process(sys.executable, "-c", "pass")) for _ in range(5))[2]
    benchmark.extra_info.update({"median_s": round(median, 3), "limit_s": limit, "interpreter_s": round(bare, 3)})
    print(f"\n{claim}: median {median * 1e3:.0f} ms of 5 fresh processes (limit {limit * 1e3:.0f} ms; the interpreter alone "
          f"{bare * 1e3:.0f} ms)")
    assert median < limit, f"{claim}: median {median:.2f} s; the limit is {limit} s"


def test_import_geo(benchmark: Any) -> None:
    _median_under(benchmark, _process(sys.executable, "-c", "import geo"), limit=1.5, claim="import geo")


def test_levelup_help(benchmark: Any) -> None:
    _median_under(benchmark, _process(str(LEVELUP), "--help"), limit=0.5, claim="levelup --help")


@pytest.mark.parametrize("argv", [["levelup", "--help"], ["levelup", "report", "--help"]])
def test_help_needs_no_data_library(argv: list[str]) -> None:
    """Not timed: the reason the help is fast (pandas is not imported)."""
    code = (f"import sys; sys.argv = {argv!r}\nfrom geo.cli import main\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
            "assert 'pandas' not in sys.modules, 'pandas imported'")
    subprocess.run([sys.executable, "-c", code], check=True, stdout=subprocess.DEVNULL, timeout=120)
