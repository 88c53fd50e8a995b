"""Colours a colour-blind reader can tell apart: the map palette (ColorBrewer YlOrRd) and the
report's heat table (ColorBrewer Blues), seen through simulated protanopia, deuteranopia and
tritanopia (Machado, Oliveira and Fernandes 2009, severity 1.0, applied to linear RGB).

A sequential scheme reads by lightness: each class must stay lighter than the next under every
simulation, and the default five classes must differ by a visible step (at least 5 units of CIE
L*, where about 2 is just noticeable)."""

from __future__ import annotations

import numpy as np
import pytest

from geo.outputs.classes import YLORRD, palette
from geo.outputs.report_html import HEAT

SIMULATIONS = {
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
    "typical vision": np.eye(3).tolist(),
}


def lightness(colour: str, simulation: list[list[float]]) -> float:
    """CIE L* of a hex colour as seen through ``simulation`` (sRGB, D65)."""
    srgb = np.array([int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    linear = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    seen = np.clip(np.array(simulation) @ linear, 0.0, 1.0)
    y = float(0.2126 * seen[0] + 0.7152 * seen[1] + 0.0722 * seen[2])
    return 116 * y ** (1 / 3) - 16 if y > 0.008856 else 903.3 * y


def test_lightness_helper_by_hand() -> None:
    assert lightness("#ffffff", SIMULATIONS["typical vision"]) == pytest.approx(100.0, abs=0.01)
    assert lightness("#000000", SIMULATIONS["deuteranopia"]) == 0.0
    assert lightness("#777777", SIMULATIONS["typical vision"]) == pytest.approx(50.0, abs=0.5)  # mid grey


@pytest.mark.parametrize("simulation", sorted(SIMULATIONS))
@pytest.mark.parametrize("k", range(3, 10))
def test_map_palette_darkens_class_by_class_for_every_reader(k: int, simulation: str) -> None:
    seen = [lightness(c, SIMULATIONS[simulation]) for c in palette(k)]
    steps = -np.diff(seen)
    assert (steps > 0).all(), (k, simulation, np.round(seen, 1))
    if k == 5:  # the default number of classes (geo.map, geo.plot, the report)
        assert steps.min() >= 5.0, (simulation, np.round(seen, 1))


@pytest.mark.parametrize("simulation", sorted(SIMULATIONS))
def test_heat_table_blues_darken_step_by_step(simulation: str) -> None:
    seen = [lightness(c, SIMULATIONS[simulation]) for c in HEAT]
    assert (-np.diff(seen) >= 5.0).all(), (simulation, np.round(seen, 1))


def test_palettes_are_the_published_colorbrewer_schemes() -> None:
    assert palette(5) == list(YLORRD[5]) == ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"]
    assert HEAT == ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")  # Blues, 5 classes
