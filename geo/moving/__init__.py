"""The moving layer: indicator tables validated and moved between levels.

Input validation (:mod:`geo.moving.inputs`, :mod:`geo.moving.values`, area weights in
:mod:`geo.moving.weights`), aggregation up, disaggregation down, conversion between
vintages, assignment of points and shapes to areas, and ONS Explore Local Statistics files
(:mod:`geo.moving.ess`). It builds on :mod:`geo.geography` and :mod:`geo.data`.
"""
