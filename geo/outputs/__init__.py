"""The outputs layer: what the package hands to people.

Map classes (:mod:`geo.outputs.classes`), interactive maps and static plots, file export
(:mod:`geo.outputs.export`) and the area report with its pages, indicator and batch runs
(:mod:`geo.outputs.report`). It builds on every layer below; only :mod:`geo.cli` and
:mod:`geo.fetch` sit above it.
"""
