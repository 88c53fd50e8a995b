"""The geography layer: the levels, their areas, boundaries and lookups.

The level registry (:mod:`geo.geography.registry`), code lookups between levels
(:mod:`geo.geography.lookups`), boundaries (:mod:`geo.geography.layers`), named places and
level detection, codes of other vintages, national coverage, contiguity and Census 2021
population per area. It builds on :mod:`geo.data` only.
"""
