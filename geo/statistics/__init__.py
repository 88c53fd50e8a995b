"""The statistics layer: measures of inequality within regions.

Gini, Theil and decile groups (:mod:`geo.statistics.inequality`), deprivation summaries,
local hotspots, deprived pockets (:mod:`geo.statistics.pockets`) and comparison with a
benchmark. It builds on :mod:`geo.moving` and the layers below it.
"""
