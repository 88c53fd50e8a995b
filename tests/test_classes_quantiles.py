"""Issue 11: the default map classes (quantiles) are computed without importing mapclassify,
and are mapclassify's to the last bit.

The expected values are mapclassify's own (``mapclassify.Quantiles``, run directly here) on
the real IoD2025 scores and on edge cases: ties, few values, one value, more classes than
values, negative numbers and every ``k`` from 2 to 40 (float percentages that miss 100 by a
hair, as ``k=23`` does, included).
"""

from __future__ import annotations

import json
import subprocess
import sys

import mapclassify
import numpy as np
import pandas as pd
import pytest

import geo
from geo.errors import InputError
from geo.outputs.classes import SCHEMES, classify, quantile_classes


def _same_as_mapclassify(y: np.ndarray, k: int) -> None:
    yb, bins, counts = quantile_classes(y, k)
    fitted = mapclassify.Quantiles(y, k=k)
    assert bins.tobytes() == np.asarray(fitted.bins, dtype="float64").tobytes(), (k, bins, fitted.bins)  # bit for bit
    assert yb.tolist() == fitted.yb.tolist()
    assert counts.tolist() == fitted.counts.tolist()


def test_the_schemes_are_mapclassifys() -> None:
    assert SCHEMES == mapclassify.CLASSIFIERS


@pytest.mark.filterwarnings("ignore:Not enough unique values:UserWarning")
@pytest.mark.parametrize("k", range(2, 41))
def test_quantiles_of_the_real_scores_are_mapclassifys(k: int) -> None:
    scores = geo.data.products.load("iod2025")["IMD_score"].to_numpy(dtype="float64")
    _same_as_mapclassify(scores, k)
    _same_as_mapclassify(scores[:331], k)  # a county's worth


@pytest.mark.filterwarnings("ignore:Not enough unique values:UserWarning")
@pytest.mark.parametrize(
    "values",
    [
        [5.0],  # one value
        [2.0, 1.0],  # two
        [1.0, 1.0, 1.0, 2.0],  # ties make bounds repeat
        [3.0, 3.0, 3.0, 3.0, 3.0],  # all the same
        [-4.5, 0.0, 0.0, 0.1, 7.25, 7.25, 1e9],  # negative, ties, a far outlier
        list(np.linspace(0.1, 0.9, 23)),  # k=23 misses 100 % by a hair
        list(np.random.default_rng(11).normal(size=1000).round(1)),  # many ties
    ],
)
def test_quantiles_of_edge_cases_are_mapclassifys(values: list[float]) -> None:
    y = np.asarray(values, dtype="float64")
    for k in (2, 3, 5, 7, 9, 23, 30):
        _same_as_mapclassify(y, k)


def test_classify_quantiles_by_hand_with_missing_values() -> None:
    """Ten values and a missing one, k=5: bounds at the 20th..100th percentiles of 0..9 with
    linear interpolation (1.8, 3.6, 5.4, 7.2, 9), two values a class, the missing one -1."""
    values = pd.Series([*range(10), np.nan], index=list("abcdefghijk"), dtype="float64")
    c = classify(values, k=5)
    assert np.allclose(c.bins, [1.8, 3.6, 5.4, 7.2, 9.0])
    assert c.counts.tolist() == [2, 2, 2, 2, 2]
    assert c.index.tolist() == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, -1]
    assert c.lower == 0.0


def test_classify_quantiles_does_not_import_mapclassify() -> None:
    """A fresh interpreter: the default scheme needs neither mapclassify nor scipy; another
    scheme still works (through mapclassify)."""
    code = (
        "import json, sys\nimport pandas as pd\nfrom geo.outputs.classes import classify\n"
        "c = classify(pd.Series([1.0, 2, 3, 4, 5, 6]), k=3)\nbefore = sorted(m for m in sys.modules if m.split('.')[0] in ('mapclassify', 'scipy', 'sklearn'))\n"
        "e = classify(pd.Series([1.0, 2, 3, 4, 5, 6]), scheme='equal_interval', k=3)\n"
        "print(json.dumps([before, c.bins.tolist(), e.bins.tolist(), 'mapclassify' in sys.modules]))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    before, quantiles, equal, loaded = json.loads(done.stdout)
    assert before == []
    assert np.allclose(quantiles, [2 + 2 / 3, 4 + 1 / 3, 6.0])  # the 33⅓rd, 66⅔rd and 100th percentiles of 1..6, interpolated
    assert np.allclose(equal, [2 + 2 / 3, 4 + 1 / 3, 6.0]) and loaded


def test_a_scheme_that_cannot_class_the_values_is_refused() -> None:
    with pytest.raises(InputError, match=r"scheme='user_defined' cannot class these values"):
        classify(pd.Series([1.0, 2.0, 3.0]), scheme="user_defined", k=2)
