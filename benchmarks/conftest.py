"""Shared helper of the benchmarks: each package/plain-way pair asserts its speed ratio.

A pair's ratio is ``plain way / package`` on the minimum of repeated runs (the least noisy
statistic): above 1 the package is faster. Each benchmark states the ratio it claims and
asserts a floor below the ratio measured when the floor was set, leaving room for a busy
machine; the measured ratio is stored in the benchmark's ``extra_info`` (shown with
``--benchmark-json``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def best_of(run: Callable[[], Any], rounds: int = 5) -> float:
    """The shortest of ``rounds`` timed calls of ``run``, in seconds."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def assert_ratio(benchmark: Any, package: Callable[[], Any], plain: Callable[[], Any], *, floor: float, claim: str) -> float:
    """Assert ``plain / package >= floor`` after ``benchmark(package)`` has run; return the ratio.

    With benchmarks disabled (plain ``pytest``), the package side is timed here too.
    """
    stats = getattr(benchmark, "stats", None)
    package_s = stats.stats.min if stats is not None else best_of(package)
    plain_s = best_of(plain)
    ratio = plain_s / package_s
    benchmark.extra_info.update({"package_s": package_s, "plain_s": plain_s, "ratio": round(ratio, 2), "floor": floor})
    print(f"\n{claim}: package {package_s * 1e3:.1f} ms, plain way {plain_s * 1e3:.1f} ms, ratio {ratio:.2f} (floor {floor})")
    assert ratio >= floor, f"{claim}: the package is {ratio:.2f}x the plain way's speed; the floor is {floor}x"
    return ratio
