"""The data layer: getting the published files and keeping them.

Downloading (:mod:`geo.data.download`) from ONS or a mirror, the on-disk cache
(:mod:`geo.data.cache`), loading catalogue products into tables (:mod:`geo.data.products`,
:mod:`geo.data.readers`), atomic writes (:mod:`geo.data.atomic`) and spreadsheet-safe CSV
cells (:mod:`geo.data.csvsafe`). It imports only :mod:`geo.errors`, :mod:`geo.settings` and
:mod:`geo.catalogue`; every other layer builds on it.
"""
