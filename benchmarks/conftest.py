"""Shared helper of the benchmarks: each package/plain-way pair asserts its speed ratio.

A pair's ratio is ``plain way / package`` on the minimum of repeated runs (the least noisy
statistic), the two timed in alternation so that both see the same load on the machine:
above 1 the package is faster. Each benchmark states the ratio it claims and
asserts a floor below the ratio measured when the floor was set, leaving room for a busy
machine; the measured ratio is stored in the benchmark's ``extra_info`` (shown with
``--benchmark-json``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def _seconds(run: Callable[[], Any]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def best_of(*runs: Callable[[], Any], rounds: int = 7) -> list[float]:
    """The shortest of ``rounds`` timed calls of each of ``runs`` (called in turn), in seconds."""
    times: list[list[float]] = [[] for _ in runs]
    for _ in range(rounds):
        for run, spent in zip(runs, times, strict=True):
            spent.append(_seconds(run))
    return [min(spent) for spent in times]


def assert_ratio(benchmark: Any, package: Callable[[], Any], plain: Callable[[], Any], *, floor: float, claim: str) -> float:
    """Assert ``plain / package >= floor``, timing the two in alternation; return the ratio.

    ``benchmark(package)`` gives the table of ``make bench``; the ratio is timed here, both
    sides in the same conditions.
    """
    package_s, plain_s = best_of(package, plain)
    ratio = plain_s / package_s
    benchmark.extra_info.update({"package_s": package_s, "plain_s": plain_s, "ratio": round(ratio, 2), "floor": floor})
    print(f"\n{claim}: package {package_s * 1e3:.1f} ms, plain way {plain_s * 1e3:.1f} ms, ratio {ratio:.2f} (floor {floor})")
    assert ratio >= floor, f"{claim}: the package is {ratio:.2f}x the plain way's speed; the floor is {floor}x"
    return ratio
